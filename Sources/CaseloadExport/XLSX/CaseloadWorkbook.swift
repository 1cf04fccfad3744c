import CaseloadAnalytics
import CaseloadModel

/// Which patients get a sheet of their own.
public enum PatientSheetPolicy: Sendable, Hashable {
    /// Only patients who need follow-up.
    case followUpOnly
    /// Every patient.
    case all
    /// Every patient when the workbook has at most `limit` patients, else only those needing follow-up.
    case auto(limit: Int)

    /// The policy of a report unless the user chose another: ``auto(limit:)`` at 200 patients.
    public static let standard = PatientSheetPolicy.auto(limit: 200)

    /// How the manifest records the policy: `all`, `follow-up`, or `auto` with its limit (`auto-200`).
    public var name: String {
        switch self {
        case .followUpOnly: return "follow-up"
        case .all: return "all"
        case let .auto(limit): return "auto-\(limit)"
        }
    }
}

/// How ``CaseloadWorkbook`` lays out a workbook.
public struct WorkbookOptions: Sendable, Hashable {
    /// Patients with a sheet of their own (default: all of up to 200 patients, else follow-up only).
    public var patientSheets: PatientSheetPolicy
    /// True for the all-patients workbook of a multi-caseload run: the Overview gains a
    /// per-clinician table, and patient sheets are written only when the run has at most
    /// ``multiCaseloadPatientSheetLimit`` patients.
    public var multiCaseload: Bool
    /// Where libxlsxwriter keeps its temporary files (`nil`: the system's temporary folder).
    public var temporaryDirectory: String?
    /// The most patient sheets one workbook holds, the most urgent patients first (default
    /// ``defaultMaxPatientSheets``). Each sheet keeps a temporary file open while the workbook
    /// is written, so an unbounded count would fail at the open-file limit; when patients are
    /// left without a sheet the Follow-up sheet says how many, and the CSVs list everyone.
    public var maxPatientSheets: Int = WorkbookOptions.defaultMaxPatientSheets
    /// Rows a worksheet may hold; only tests lower it, to exercise the overflow note.
    var rowLimit: Int = Workbook.excelMaxRows

    /// Patients in a multi-caseload run above which the all-patients workbook has no patient sheets.
    public static let multiCaseloadPatientSheetLimit = 200

    /// Patient sheets a workbook holds unless ``maxPatientSheets`` says otherwise.
    public static let defaultMaxPatientSheets = 250

    /// Options for one workbook; the defaults suit a single clinician's caseload.
    public init(
        patientSheets: PatientSheetPolicy = .standard, multiCaseload: Bool = false,
        temporaryDirectory: String? = nil
    ) {
        self.patientSheets = patientSheets
        self.multiCaseload = multiCaseload
        self.temporaryDirectory = temporaryDirectory
    }
}

/// Writes the weekly review workbook: Overview, Follow-up, Patients, Weekly, one sheet
/// per patient (per ``PatientSheetPolicy``), Data quality and About.
///
/// The workbook only shows the analysis' values: every figure, count, band, label and tier
/// comes from CaseloadAnalytics; the layout picks cells and formats. Empty values are empty cells,
/// text is always text (never a formula), and the same inputs give byte-identical files
/// (the creation time comes from ``ReportContext/createdEpochSeconds``).
public enum CaseloadWorkbook {
    // Names of the fixed sheets, in workbook order (patient sheets stand between Weekly and Data quality).

    /// Counts, adherence bands, follow-ups by reason (with a bar chart), per-clinician table.
    public static let overviewSheet = "Overview"
    /// The prioritised call list, linking to patient sheets.
    public static let followUpSheet = "Follow-up"
    /// One row per patient: every column of `patients.csv`.
    public static let patientsSheet = "Patients"
    /// Patient × ISO-week adherence heat map and the weekly long table.
    public static let weeklySheet = "Weekly"
    /// Row accounting per input file and the rejected rows.
    public static let dataQualitySheet = "Data quality"
    /// Tool version, command line, thresholds in force, inputs and definitions.
    public static let aboutSheet = "About"

    /// Writes the workbook for one caseload.
    /// - Parameters:
    ///   - analysis: the patients' summaries, ordered by priority (as the analytics return them).
    ///   - context: inputs, rejected rows, tool version and the fixed creation time.
    ///   - options: patient-sheet policy and whether this is a run-wide workbook.
    ///   - path: the `.xlsx` file to create (replaced if it exists).
    /// - Returns: the sheets cut at the row limit (each ends in a visible note; the CSVs hold every
    ///   row), `workbook` being `path`; empty when every row fit.
    /// - Throws: ``XLSXError`` naming the sheet and cell when libxlsxwriter refuses a
    ///   write, or the path when the file cannot be written.
    /// - Complexity: O(cells); memory stays flat because rows are flushed in order.
    @discardableResult
    public static func write(
        analysis: CaseloadAnalysis, context: ReportContext, options: WorkbookOptions = WorkbookOptions(),
        to path: String
    ) throws -> [SheetCut] {
        let group = PatientList(
            name: "", patients: analysis.patients, thresholds: analysis.thresholds, rowsAfterAsOf: analysis.rowsAfterAsOf)
        return try write(
            group: group, settings: ReportSettings(analysis), clinicians: options.multiCaseload ? countsByClinician(analysis.patients) : [],
            context: context, options: options, to: path)
    }

    /// Writes the workbook of one group of patients (a whole run, or one caseload), reading its rows
    /// from the group's cursors as each sheet is written (``write(analysis:context:options:to:)``).
    /// - Parameter clinicians: the Overview's per-clinician table when `options.multiCaseload`.
    static func write(
        group: any PatientGroup, settings: ReportSettings, clinicians: [GroupCounts], context: ReportContext,
        options: WorkbookOptions, to path: String
    ) throws -> [SheetCut] {
        let workbook = try Workbook(
            path: path, constantMemory: true, temporaryDirectory: options.temporaryDirectory,
            properties: properties(asOf: settings.asOf, context: context), maxRows: options.rowLimit)
        do {
            var layout = Layout(
                workbook: workbook, group: group, settings: settings, clinicians: clinicians, context: context, options: options)
            try layout.writeAll()
        } catch {
            workbook.discard()  // frees without writing; the layout error is the one worth reporting
            throw error
        }
        try workbook.close()
        return workbook.cuts
    }

    /// The patients who get a sheet of their own, in the analysis' order (most urgent
    /// first), at most ``WorkbookOptions/maxPatientSheets`` of them.
    public static func patientsWithSheets(analysis: CaseloadAnalysis, options: WorkbookOptions) -> [PatientSummary] {
        Array(patientsDueSheets(analysis: analysis, options: options).prefix(max(0, options.maxPatientSheets)))
    }

    /// The patients of `group` who get a sheet of their own, with their daily series: the first
    /// ``WorkbookOptions/maxPatientSheets`` (most urgent first) of those the policy gives one.
    static func patientsWithSheets(group: any PatientGroup, options: WorkbookOptions) throws -> [PatientSummary] {
        let due = sheetsDue(tally: group.tally, options: options)
        let wanted = min(due.count, max(0, options.maxPatientSheets))
        guard wanted > 0 else { return [] }
        var chosen: [PatientSummary] = []
        chosen.reserveCapacity(wanted)
        let cursor = due.followUpOnly ? try group.patientsNeedingFollowUp() : try group.patients(weekly: false)
        while chosen.count < wanted, let patient = try cursor.next() { chosen.append(patient) }
        return try group.withDailySeries(chosen)
    }

    /// Open files the workbook needs while it is written: one temporary file per sheet (six
    /// fixed sheets and the patient sheets), plus the output file.
    public static func openFilesNeeded(analysis: CaseloadAnalysis, options: WorkbookOptions) -> Int {
        patientsWithSheets(analysis: analysis, options: options).count + 6 + 1
    }

    /// ``openFilesNeeded(analysis:options:)`` for a group of patients with this tally.
    static func openFilesNeeded(tally: CaseloadTally, options: WorkbookOptions) -> Int {
        min(sheetsDue(tally: tally, options: options).count, max(0, options.maxPatientSheets)) + 6 + 1
    }

    /// Makes `files` open files available when the hard limit allows (raising the soft limit)
    /// and returns how many the workbooks may use, after a reserve for everything else.
    public static func openFilesAvailable(wanting files: Int) -> Int {
        let limit = OpenFileLimit.ensure(files + OpenFileLimit.reserve)
        return limit == Int.max ? Int.max : limit - OpenFileLimit.reserve
    }

    /// The patients the policy gives a sheet, before the ``WorkbookOptions/maxPatientSheets`` cap.
    static func patientsDueSheets(analysis: CaseloadAnalysis, options: WorkbookOptions) -> [PatientSummary] {
        let patients = analysis.patients
        let due = sheetsDue(patients: patients.count, needingFollowUp: patients.count(where: \.needsFollowUp), options: options)
        guard due.count > 0 else { return [] }
        return due.followUpOnly ? patients.filter(\.needsFollowUp) : patients
    }

    /// How many patients the policy gives a sheet (before the ``WorkbookOptions/maxPatientSheets``
    /// cap), and whether they are those needing follow-up (else every patient): none in a
    /// multi-caseload run's workbook of more than ``WorkbookOptions/multiCaseloadPatientSheetLimit``
    /// patients; everyone (`all`, or `auto` up to its limit); else those needing follow-up.
    static func sheetsDue(tally: CaseloadTally, options: WorkbookOptions) -> (count: Int, followUpOnly: Bool) {
        sheetsDue(patients: tally.patients, needingFollowUp: tally.needingFollowUp, options: options)
    }

    private static func sheetsDue(patients: Int, needingFollowUp: Int, options: WorkbookOptions)
        -> (count: Int, followUpOnly: Bool)
    {
        let followUpOnly: Bool
        switch options.patientSheets {
        case .all: followUpOnly = false
        case .followUpOnly: followUpOnly = true
        case let .auto(limit): followUpOnly = patients > limit
        }
        if options.multiCaseload && patients > WorkbookOptions.multiCaseloadPatientSheetLimit { return (0, followUpOnly) }
        return (followUpOnly ? needingFollowUp : patients, followUpOnly)
    }

    static func properties(asOf: CalendarDate, context: ReportContext) -> DocumentProperties {
        DocumentProperties(
            title: "Caseload review: \(context.caseloadName), as of \(asOf.isoString)",
            subject: "Weekly review of home-exercise logs for patellofemoral pain",
            author: "caseload \(context.toolVersion)",
            keywords: "caseload, adherence, pain, follow-up, patellofemoral pain",
            comments: "Generated by: \(context.commandLine)",
            createdEpochSeconds: context.createdEpochSeconds)
    }
}
