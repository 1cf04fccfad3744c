/// A set of exercise categories seen on one day.
public struct CategorySet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The set holding just `category`.
    public init(_ category: ExerciseCategory) {
        switch category {
        case .strength: self = .strength
        case .mobility: self = .mobility
        case .activation: self = .activation
        case .massage: self = .massage
        case .run: self = .run
        case .test: self = .test
        case .other: self = .other
        }
    }

    public static let strength = CategorySet(rawValue: 1 << 0)
    public static let mobility = CategorySet(rawValue: 1 << 1)
    public static let activation = CategorySet(rawValue: 1 << 2)
    public static let massage = CategorySet(rawValue: 1 << 3)
    public static let run = CategorySet(rawValue: 1 << 4)
    public static let test = CategorySet(rawValue: 1 << 5)
    public static let other = CategorySet(rawValue: 1 << 6)
}

/// Everything one patient logged on one calendar day, folded from that day's rows.
///
/// This is the unit the analytics read: no raw row is kept once folded in.
public struct DailyRecord: Hashable, Sendable {
    public let date: CalendarDate
    /// Rows naming an exercise.
    public var exerciseRows: Int = 0
    /// Rows without an exercise (symptom check-ins).
    public var checkInRows: Int = 0
    /// Sum of `duration_min` over the day's exercise rows, in minutes (0 when none was given).
    public var minutes: Double = 0
    /// Exercise rows that gave a duration.
    public var rowsWithDuration: Int = 0
    /// The day's highest `pain` (0–10), `nil` when no row gave one.
    public var pain: Double?
    /// Every `pain_during` value of the day, in log order.
    public var painDuring: [Double] = []
    /// `true` if any row said yes, `false` if rows said only no, `nil` if none said.
    public var swelling: Bool?
    /// As `swelling`, for night pain.
    public var nightPain: Bool?
    /// Distinct sessions of the day whose readiness test passed.
    public var readinessPasses: Int = 0
    /// Distinct sessions of the day whose readiness test failed.
    public var readinessFailures: Int = 0
    /// The highest programme level among the day's exercises.
    public var level: Int?
    /// Categories of the day's exercises.
    public var categories: CategorySet = []

    public init(date: CalendarDate) {
        self.date = date
    }

    /// A session day is a date with at least one exercise row.
    public var isSessionDay: Bool { exerciseRows > 0 }

    /// All rows folded into this day.
    public var rows: Int { exerciseRows + checkInRows }
}

/// One patient: the roster line (when there is one) and the days they logged, in date order.
public struct PatientRecord: Sendable {
    public var patientID: String
    public var roster: RosterEntry?
    /// One record per logged date, strictly ascending, no two with the same date.
    public var days: [DailyRecord]

    public init(patientID: String, roster: RosterEntry?, days: [DailyRecord]) {
        precondition(zip(days, days.dropFirst()).allSatisfy { $0.date < $1.date }, "days must be strictly ascending")
        self.patientID = patientID
        self.roster = roster
        self.days = days
    }

    /// The roster clinician, `nil` when unassigned.
    public var clinician: String? { roster?.clinician }
    /// Prescribed sessions a week (roster, else the default of 7).
    public var sessionsPerWeek: Double { roster?.sessionsPerWeek ?? RosterEntry.defaultSessionsPerWeek }
}
