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
///
/// The text columns are kept as strings; every other value lives in ``values``, one word per
/// ``LogColumn``. The typed properties below read and write those words; a column added to the
/// table needs a property here only if some code wants it by name (``values`` has it either way).
public struct LogEntry: Hashable, Sendable {
    /// Opaque patient identifier, trimmed.
    public var patientID: String
    /// Groups the rows of one session; `nil` means one session per patient and date.
    public var sessionID: String?
    /// Exercise name; `nil` for a check-in row (symptoms only).
    public var exercise: String?
    /// Free text, kept as written.
    public var notes: String?
    /// Every value that is not text, by column (with the date's time and offset).
    public var values: LogValues

    /// The calendar date as the patient logged it (the local date of a date-time).
    public var date: CalendarDate {
        get { values[.date] ?? CalendarDate(daysSinceEpoch: 0) }
        set { values[.date] = newValue }
    }
    /// Seconds after local midnight when the row carried a time; part of the row's identity.
    public var secondsOfDay: Int? {
        get { values[slot: LogValues.secondsOfDaySlot] }
        set { values[slot: LogValues.secondsOfDaySlot] = newValue }
    }
    /// Offset from UTC in minutes when the date-time carried one; part of the row's identity.
    public var utcOffsetMinutes: Int? {
        get { values[slot: LogValues.utcOffsetSlot] }
        set { values[slot: LogValues.utcOffsetSlot] = newValue }
    }
    public var category: ExerciseCategory? {
        get { values[.category] }
        set { values[.category] = newValue }
    }
    /// Programme level, ≥ 0.
    public var level: Int? {
        get { values[.level] }
        set { values[.level] = newValue }
    }
    public var sets: Int? {
        get { values[.sets] }
        set { values[.sets] = newValue }
    }
    public var reps: Int? {
        get { values[.reps] }
        set { values[.reps] = newValue }
    }
    public var loadKg: Double? {
        get { values[.loadKg] }
        set { values[.loadKg] = newValue }
    }
    /// Duration of this exercise in minutes.
    public var durationMin: Double? {
        get { values[.durationMin] }
        set { values[.durationMin] = newValue }
    }
    /// Pain while doing this exercise, 0–10.
    public var painDuring: Double? {
        get { values[.painDuring] }
        set { values[.painDuring] = newValue }
    }
    /// Knee pain now (after the session or at a check-in), 0–10.
    public var pain: Double? {
        get { values[.pain] }
        set { values[.pain] = newValue }
    }
    public var swelling: Bool? {
        get { values[.swelling] }
        set { values[.swelling] = newValue }
    }
    public var nightPain: Bool? {
        get { values[.nightPain] }
        set { values[.nightPain] = newValue }
    }
    public var readiness: ReadinessResult? {
        get { values[.readiness] }
        set { values[.readiness] = newValue }
    }

    public init(
        patientID: String, date: CalendarDate, secondsOfDay: Int? = nil, utcOffsetMinutes: Int? = nil,
        sessionID: String? = nil, exercise: String? = nil, category: ExerciseCategory? = nil,
        level: Int? = nil, sets: Int? = nil, reps: Int? = nil, loadKg: Double? = nil,
        durationMin: Double? = nil, painDuring: Double? = nil, pain: Double? = nil,
        swelling: Bool? = nil, nightPain: Bool? = nil, readiness: ReadinessResult? = nil,
        notes: String? = nil
    ) {
        self.patientID = patientID
        self.sessionID = sessionID
        self.exercise = exercise
        self.notes = notes
        values = LogValues()
        self.date = date
        self.secondsOfDay = secondsOfDay
        self.utcOffsetMinutes = utcOffsetMinutes
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
    }

    /// The text of a text column (``LogValueKind/isText``); `nil` when missing.
    ///
    /// A text column added to the table needs a stored property above and a line in each switch.
    public subscript(text column: LogColumn) -> String? {
        get {
            switch column {
            case .patientID: patientID
            case .sessionID: sessionID
            case .exercise: exercise
            case .notes: notes
            default: preconditionFailure("\(column.name) is not a text column")
            }
        }
        set {
            switch column {
            case .patientID: patientID = newValue ?? ""
            case .sessionID: sessionID = newValue
            case .exercise: exercise = newValue
            case .notes: notes = newValue
            default: preconditionFailure("\(column.name) is not a text column")
            }
        }
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
