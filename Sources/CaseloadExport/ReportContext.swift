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
    /// How a sharded run was executed (`caseload merge`), recorded as the manifest's `execution`
    /// object; `nil` for a single-process review, whose manifest has none.
    public var execution: ExecutionRecord?

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

/// How a report of a sharded run was made, for the manifest's `execution` object: everything else
/// in the report is byte for byte what a single-process review of the same plan writes.
public struct ExecutionRecord: Sendable, Hashable {
    /// `sharded` for `caseload merge`.
    public var mode: String
    /// The plan's shard count.
    public var shards: Int
    /// SHA-256 of the plan file's bytes.
    public var planSHA256: String
    /// SHA-256 of each shard's summary file, in shard order.
    public var shardSummarySHA256: [String]

    /// Creates a record.
    public init(mode: String, shards: Int, planSHA256: String, shardSummarySHA256: [String]) {
        self.mode = mode
        self.shards = shards
        self.planSHA256 = planSHA256
        self.shardSummarySHA256 = shardSummarySHA256
    }
}

/// The settings of the analysis a report shows: the as-of date, thresholds and tiers.
struct ReportSettings: Sendable {
    var asOf: CalendarDate
    var thresholds: Thresholds
    var tiers: FollowUpTiers

    init(_ analysis: CaseloadAnalysis) {
        asOf = analysis.asOf
        thresholds = analysis.thresholds
        tiers = analysis.tiers
    }

    init(_ source: any ReportSource) {
        asOf = source.asOf
        thresholds = source.thresholds
        tiers = source.tiers
    }
}
