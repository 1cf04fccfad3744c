import CaseloadModel

/// Hands out a group's patients one at a time, in one order (``PatientGroup``).
///
/// A cursor reads ahead of nothing it does not need: a report writer pulls the next patient when it
/// writes the next row, so a source that reads patients from files holds one at a time.
public protocol PatientCursor: AnyObject {
    /// The next patient, or `nil` when there are no more.
    /// - Throws: when the patients cannot be read (a sharded run's shard files), with the file.
    func next() throws -> PatientSummary?
}

/// Hands out a group's weekly rows patient by patient, by patient ID (``PatientGroup/weeklyByPatientID()``).
public protocol WeeklyCursor: AnyObject {
    /// The next patient's ID and weekly rows, or `nil` when there are no more.
    /// - Throws: when the rows cannot be read, with the file.
    func next() throws -> (patientID: String, weekly: [WeeklySummary])?
}

/// The patients of one group a report lists (the whole run, or one clinician's caseload), in the
/// orders the report lists them, and the tally that must be known before the first of them.
///
/// A review holds its patients in memory (``PatientList``); a sharded run's merge reads them from
/// the shards as it writes (docs/SCALING.md). The report writer takes either, so both write the
/// same bytes.
public protocol PatientGroup: Sendable {
    /// The caseload's name (a clinician, or ``unassignedCaseload``); empty for a whole run.
    var name: String { get }
    /// The group's counts, bands, weeks and row totals (``CaseloadTally``).
    var tally: CaseloadTally { get }
    /// The rejected rows of this group's patients (a caseload's); a whole run's report takes its
    /// rejected rows from its context.
    var rejected: [RejectedRow] { get }
    /// Every patient in ``PriorityOrder`` with ``PatientSummary/priority`` numbered 1… within the
    /// group over those needing follow-up; each patient's weekly rows only when `weekly` is true
    /// (else they may be empty). Daily series are not included (``withDailySeries(_:)``).
    func patients(weekly: Bool) throws -> any PatientCursor
    /// The patients needing follow-up, by priority then patient ID (weekly rows may be empty).
    func patientsNeedingFollowUp() throws -> any PatientCursor
    /// Every patient's weekly rows, by patient ID.
    func weeklyByPatientID() throws -> any WeeklyCursor
    /// `patients` (of this group, as its cursors gave them) with their daily series
    /// (``PatientSummary/days`` and ``PatientSummary/painSeries``): what a patient sheet shows.
    /// - Throws: when a patient's series cannot be found.
    func withDailySeries(_ patients: [PatientSummary]) throws -> [PatientSummary]
}

/// Everything a report lists: the run's patients, the caseloads, and the settings of the analysis.
public protocol ReportSource: Sendable {
    /// The as-of date ending every window.
    var asOf: CalendarDate { get }
    /// The thresholds the analysis used.
    var thresholds: Thresholds { get }
    /// The follow-up tiers in force.
    var tiers: FollowUpTiers { get }
    /// The whole run.
    var run: any PatientGroup { get }
    /// Each clinician's caseload as ``caseloads(of:)`` decides them: by name (``caseloadOrder(_:_:)``),
    /// `Unassigned` last, priorities numbered within each.
    var caseloads: [any PatientGroup] { get }
}

/// A group of patients held in memory, in the order given (a review's analysis, or a caseload of it).
public struct PatientList: PatientGroup {
    public let name: String
    /// The patients, in the order the report lists them (priority order after ``analyse(_:asOf:thresholds:tiers:)``).
    public let patients: [PatientSummary]
    public let rejected: [RejectedRow]
    public let tally: CaseloadTally

    /// A group of `patients`, kept in the order given, tallied under `thresholds`.
    /// - Parameter rowsAfterAsOf: the rows after the as-of date when known apart from the patients
    ///   (``CaseloadAnalysis/rowsAfterAsOf``); `nil` adds up the patients'.
    public init(
        name: String, patients: [PatientSummary], rejected: [RejectedRow] = [], thresholds: Thresholds,
        rowsAfterAsOf: Int? = nil
    ) {
        self.name = name
        self.patients = patients
        self.rejected = rejected
        var tally = CaseloadTally(patients, thresholds: thresholds)
        if let rowsAfterAsOf { tally.rowsAfterAsOf = rowsAfterAsOf }
        self.tally = tally
    }

    public func patients(weekly: Bool) -> any PatientCursor { ListCursor(patients, order: nil) }

    public func patientsNeedingFollowUp() -> any PatientCursor {
        let order = patients.indices.filter { patients[$0].needsFollowUp }.sorted {
            (patients[$0].priority ?? Int.max, patients[$0].patientID) < (patients[$1].priority ?? Int.max, patients[$1].patientID)
        }
        return ListCursor(patients, order: order)
    }

    public func weeklyByPatientID() -> any WeeklyCursor {
        ListWeeklyCursor(patients, order: patients.indices.sorted { patients[$0].patientID < patients[$1].patientID })
    }

    public func withDailySeries(_ chosen: [PatientSummary]) -> [PatientSummary] { chosen }

    /// Hands out `patients[order[0]]`, `patients[order[1]]`, ….
    private final class ListCursor: PatientCursor {
        let patients: [PatientSummary]
        /// Indices into `patients`; `nil` for all of them in order.
        let order: [Int]?
        var position = 0

        init(_ patients: [PatientSummary], order: [Int]?) {
            self.patients = patients
            self.order = order
        }

        func next() -> PatientSummary? {
            guard position < (order?.count ?? patients.count) else { return nil }
            defer { position += 1 }
            return patients[order?[position] ?? position]
        }
    }

    private final class ListWeeklyCursor: WeeklyCursor {
        let patients: [PatientSummary]
        let order: [Int]
        var position = 0

        init(_ patients: [PatientSummary], order: [Int]) {
            self.patients = patients
            self.order = order
        }

        func next() -> (patientID: String, weekly: [WeeklySummary])? {
            guard position < order.count else { return nil }
            defer { position += 1 }
            let patient = patients[order[position]]
            return (patient.patientID, patient.weekly)
        }
    }
}

/// A review's report source: its analysis in memory, split into caseloads by ``caseloads(of:)``.
public struct AnalysisReport: ReportSource {
    public let asOf: CalendarDate
    public let thresholds: Thresholds
    public let tiers: FollowUpTiers
    public let run: any PatientGroup
    public let caseloads: [any PatientGroup]

    /// The report of `analysis`, with `rejected` (the run's rejected rows) shared out to the
    /// caseloads of the patients they name.
    public init(_ analysis: CaseloadAnalysis, rejected: [RejectedRow]) {
        asOf = analysis.asOf
        thresholds = analysis.thresholds
        tiers = analysis.tiers
        run = PatientList(
            name: "", patients: analysis.patients, thresholds: analysis.thresholds, rowsAfterAsOf: analysis.rowsAfterAsOf)
        let groups = CaseloadAnalytics.caseloads(of: analysis.patients)
        var caseloadOf: [String: String] = [:]
        for group in groups { for patient in group.patients { caseloadOf[patient.patientID] = group.name } }
        var rejectedByName: [String: [RejectedRow]] = [:]
        for row in rejected {
            if let id = row.patientID, let name = caseloadOf[id] { rejectedByName[name, default: []].append(row) }
        }
        caseloads = groups.map {
            PatientList(name: $0.name, patients: $0.patients, rejected: rejectedByName[$0.name] ?? [], thresholds: analysis.thresholds)
        }
    }
}

/// An error of a ``ReportSource`` that reads its patients while the report is written (a sharded
/// run's shard files): report writers pass it on as it is, so it keeps its own file and exit code.
public protocol ReportSourceError: Error, CustomStringConvertible {}
