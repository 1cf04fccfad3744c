import CaseloadAnalytics
import CaseloadModel

/// Everything a report needs besides the analysis: where the data came from and how it was run.
public struct ReportContext: Sendable {
    /// `caseload` version string.
    public var toolVersion: String
    /// The command line as run (arguments joined by spaces, shell-quoted where needed).
    public var commandLine: String
    /// The caseload's name (a clinician, `Unassigned`, or `All patients` for the run-wide report).
    public var caseloadName: String
    /// Seconds since 1970-01-01 UTC stamped into documents as their creation time:
    /// `SOURCE_DATE_EPOCH` when set, else midnight UTC of the as-of date, so reruns are byte-identical.
    public var createdEpochSeconds: Int
    /// Every input file of the run, logs and roster, in the order read.
    public var inputs: [InputSummary]
    /// Every rejected row of the run (or of this caseload's patients).
    public var rejected: [RejectedRow]
    /// Duplicate and rejected counts summed over the inputs.
    public var totals: RowCounts
    /// Which patients get a sheet of their own in each workbook of the report (`review --patient-sheets`,
    /// else `[report]` `patient_sheets` in `caseload.toml`, else ``PatientSheetPolicy/standard``).
    public var patientSheets: PatientSheetPolicy

    public init(
        toolVersion: String, commandLine: String, caseloadName: String, createdEpochSeconds: Int,
        inputs: [InputSummary], rejected: [RejectedRow], totals: RowCounts,
        patientSheets: PatientSheetPolicy = .standard
    ) {
        self.toolVersion = toolVersion
        self.commandLine = commandLine
        self.caseloadName = caseloadName
        self.createdEpochSeconds = createdEpochSeconds
        self.inputs = inputs
        self.rejected = rejected
        self.totals = totals
        self.patientSheets = patientSheets
    }
}
