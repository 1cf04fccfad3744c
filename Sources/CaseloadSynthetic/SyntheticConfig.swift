import CaseloadModel

/// Everything a synthetic caseload depends on: the output is a pure function of these values.
public struct SyntheticConfig: Sendable, Hashable {
    /// The end date used when none is given: a Sunday, so ISO weeks end on it.
    public static let defaultEndDate = CalendarDate(daysSinceEpoch: 20_779)  // 2026-11-22
    /// The fewest days for which every scenario can be told apart (4 weeks of plateau plus early improvement).
    public static let minimumDays = 42

    /// Number of patients (≥ 1). With 14 or more, every ``Scenario`` appears at least once.
    public var patients: Int
    /// Days of log ending at ``endDate`` (≥ ``minimumDays``); programmes start up to 3 days later.
    public var days: Int
    /// Seed of every random choice.
    public var seed: UInt64
    /// The last day with data (the as-of date the scenarios are planted for).
    public var endDate: CalendarDate
    /// Number of clinicians the patients are spread over, round-robin (≥ 1).
    public var clinicians: Int
    /// Share of patients (0…1) whose logs are written to `logs.json` instead of `logs.csv`.
    public var jsonShare: Double
    /// Also write what an audit reads: discharge dates (about half the responders, 7–20 days before
    /// the end date, their logs stopping there) and `proms.csv` with KOOS-PF and AKPS scores.
    public var auditData: Bool
    /// The patient IDs' prefix (`P` gives `P0001`, …), so that two generated caseloads can be
    /// reviewed together without sharing IDs.
    public var idPrefix: String

    /// Creates a configuration.
    ///
    /// - Precondition: `patients ≥ 1`, `days ≥ minimumDays`, `clinicians ≥ 1`, `0 ≤ jsonShare ≤ 1`,
    ///   `idPrefix` one or more ASCII letters.
    public init(
        patients: Int, days: Int = 84, seed: UInt64 = 1, endDate: CalendarDate = SyntheticConfig.defaultEndDate,
        clinicians: Int = 3, jsonShare: Double = 0.2, auditData: Bool = false, idPrefix: String = "P"
    ) {
        precondition(patients >= 1, "patients must be at least 1")
        precondition(days >= SyntheticConfig.minimumDays, "days must be at least \(SyntheticConfig.minimumDays)")
        precondition(clinicians >= 1, "clinicians must be at least 1")
        precondition(jsonShare >= 0 && jsonShare <= 1, "jsonShare must be within 0...1")
        precondition(SyntheticConfig.isValidPrefix(idPrefix), "idPrefix must be ASCII letters")
        self.idPrefix = idPrefix
        self.patients = patients
        self.days = days
        self.seed = seed
        self.endDate = endDate
        self.clinicians = clinicians
        self.jsonShare = jsonShare
        self.auditData = auditData
    }

    /// True for one to eight ASCII letters.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        (1...8).contains(prefix.count) && prefix.allSatisfy { $0.isASCII && $0.isLetter }
    }

    /// The first day of the log window: `endDate − (days − 1)`.
    public var startDate: CalendarDate { endDate.adding(days: -(days - 1)) }
}

/// One generated patient: roster line, planted scenario, and what the review should say.
public struct SyntheticPatient: Sendable, Hashable {
    /// Position in the caseload (0-based); with the seed it fixes every random choice for this patient.
    public var index: Int
    /// The roster line (clinician, display name, programme start, sessions a week).
    public var roster: RosterEntry
    /// The planted story.
    public var scenario: Scenario
    /// Follow-up reason identifiers expected as of the end date (see ``Scenario/expectedReasons``).
    public var expectedReasons: Set<String>
    /// Where the patient's log is written: `.csv` (`logs.csv`) or `.json` (`logs.json`).
    public var logFormat: InputFormat

    /// Creates a patient description.
    public init(index: Int, roster: RosterEntry, scenario: Scenario, expectedReasons: Set<String>, logFormat: InputFormat) {
        self.index = index
        self.roster = roster
        self.scenario = scenario
        self.expectedReasons = expectedReasons
        self.logFormat = logFormat
    }

    /// The patient ID (same as `roster.patientID`).
    public var patientID: String { roster.patientID }
}
