/// What kind of exercise a row records, as the patient's app categorises it.
public enum ExerciseCategory: String, CaseIterable, Sendable, Hashable {
    case strength, mobility, activation, massage, run, test, other
}

/// The result of the readiness test (a small knee bend) done before a session.
public enum ReadinessResult: String, CaseIterable, Sendable, Hashable {
    case pass, fail
}

/// One row of a patient's training log: one exercise performed, or one check-in.
///
/// Every optional field is `nil` when the cell was empty: missing is never zero.
/// Session-level fields (`pain`, `swelling`, `nightPain`, `readiness`) may stand on any
/// row of a day; the day's record folds them together (see ``DailyRecord``).
public struct LogEntry: Hashable, Sendable {
    /// Opaque patient identifier, trimmed.
    public var patientID: String
    /// The calendar date as the patient logged it (the local date of a date-time).
    public var date: CalendarDate
    /// Seconds after local midnight when the row carried a time; part of the row's identity.
    public var secondsOfDay: Int?
    /// Offset from UTC in minutes when the date-time carried one; part of the row's identity.
    public var utcOffsetMinutes: Int?
    /// Groups the rows of one session; `nil` means one session per patient and date.
    public var sessionID: String?
    /// Exercise name; `nil` for a check-in row (symptoms only).
    public var exercise: String?
    public var category: ExerciseCategory?
    /// Programme level, ≥ 0.
    public var level: Int?
    public var sets: Int?
    public var reps: Int?
    public var loadKg: Double?
    /// Duration of this exercise in minutes.
    public var durationMin: Double?
    /// Pain while doing this exercise, 0–10.
    public var painDuring: Double?
    /// Knee pain now (after the session or at a check-in), 0–10.
    public var pain: Double?
    public var swelling: Bool?
    public var nightPain: Bool?
    public var readiness: ReadinessResult?
    /// Free text, kept as written.
    public var notes: String?

    public init(
        patientID: String, date: CalendarDate, secondsOfDay: Int? = nil, utcOffsetMinutes: Int? = nil,
        sessionID: String? = nil, exercise: String? = nil, category: ExerciseCategory? = nil,
        level: Int? = nil, sets: Int? = nil, reps: Int? = nil, loadKg: Double? = nil,
        durationMin: Double? = nil, painDuring: Double? = nil, pain: Double? = nil,
        swelling: Bool? = nil, nightPain: Bool? = nil, readiness: ReadinessResult? = nil,
        notes: String? = nil
    ) {
        self.patientID = patientID
        self.date = date
        self.secondsOfDay = secondsOfDay
        self.utcOffsetMinutes = utcOffsetMinutes
        self.sessionID = sessionID
        self.exercise = exercise
        self.category = category
        self.level = level
        self.sets = sets
        self.reps = reps
        self.loadKg = loadKg
        self.durationMin = durationMin
        self.painDuring = painDuring
        self.pain = pain
        self.swelling = swelling
        self.nightPain = nightPain
        self.readiness = readiness
        self.notes = notes
    }

    /// True for a check-in row: symptoms logged without an exercise.
    public var isCheckIn: Bool { exercise == nil }
}

/// One patient's line of the roster: who looks after them and what was prescribed.
public struct RosterEntry: Hashable, Sendable {
    public var patientID: String
    /// The clinician whose caseload the patient belongs to; `nil` means unassigned.
    public var clinician: String?
    public var displayName: String?
    /// First day of the programme; without it the programme starts at the first log row.
    public var programStart: CalendarDate?
    /// Prescribed sessions a week (default 7: the daily programme).
    public var sessionsPerWeek: Double
    public var dischargeDate: CalendarDate?

    /// The default prescription when the roster says nothing: a short session every day.
    public static let defaultSessionsPerWeek: Double = 7

    public init(
        patientID: String, clinician: String? = nil, displayName: String? = nil,
        programStart: CalendarDate? = nil, sessionsPerWeek: Double = RosterEntry.defaultSessionsPerWeek,
        dischargeDate: CalendarDate? = nil
    ) {
        self.patientID = patientID
        self.clinician = clinician
        self.displayName = displayName
        self.programStart = programStart
        self.sessionsPerWeek = sessionsPerWeek
        self.dischargeDate = dischargeDate
    }
}
