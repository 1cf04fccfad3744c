/// A set of exercise categories seen on one day.
public struct CategorySet: OptionSet, Hashable, Sendable, Codable {
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

/// A day's `pain_during` values, in log order, stored without a heap allocation when they fit.
///
/// Up to ``inlineCapacity`` values that are whole hundredths in 0–10 (every rating the importers
/// accept in practice) are packed 10 bits each into two words; anything else (more values, a
/// finer fraction) is kept as a plain array. The encoding is canonical (the same values always
/// give the same storage), so the synthesised `==` and hash compare values. A 40,000-patient
/// caseload has 3.4 M days: an array per day cost about 80 bytes each (BENCHMARKS.md).
struct CompactRatings: Hashable, Sendable, Codable {
    static let inlineCapacity = 12
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var inlineCount: UInt8 = 0
    /// Every value, when they do not fit inline (`nil` otherwise).
    private var spilled: [Double]?

    init() {}

    init(_ values: [Double]) {
        for v in values { append(v) }
    }

    var isEmpty: Bool { inlineCount == 0 && spilled == nil }

    /// The code (hundredths) of `value` when it is stored exactly that way, else `nil`.
    private static func code(_ value: Double) -> UInt64? {
        guard value >= 0 && value <= 10 && value.sign == .plus else { return nil }  // −0 is kept as written
        let hundredths = (value * 100).rounded()
        guard Double(hundredths) / 100 == value else { return nil }
        return UInt64(hundredths)
    }

    mutating func append(_ value: Double) {
        if spilled == nil, Int(inlineCount) < CompactRatings.inlineCapacity, let code = CompactRatings.code(value) {
            let i = Int(inlineCount)
            if i < 6 { low |= code << UInt64(10 * i) } else { high |= code << UInt64(10 * (i - 6)) }
            inlineCount += 1
        } else {
            var all = values
            all.append(value)
            self = CompactRatings()
            spilled = all
        }
    }

    var values: [Double] {
        if let spilled { return spilled }
        var result: [Double] = []
        result.reserveCapacity(Int(inlineCount))
        append(to: &result)
        return result
    }

    /// Appends the values, in order, to `result`.
    func append(to result: inout [Double]) {
        if let spilled {
            result.append(contentsOf: spilled)
            return
        }
        for i in 0..<Int(inlineCount) {
            let word = i < 6 ? low >> UInt64(10 * i) : high >> UInt64(10 * (i - 6))
            result.append(Double(word & 0x3FF) / 100)
        }
    }
}

/// Everything one patient logged on one calendar day, folded from that day's rows.
///
/// This is the unit the analytics read: no raw row is kept once folded in. Counts are stored
/// as 32-bit integers (they saturate at 2³¹ − 1 rows a day) and `pain_during` values inline (see
/// `CompactRatings`), so a day takes 72 bytes and no allocation, which bounds the memory of a
/// large caseload.
public struct DailyRecord: Hashable, Sendable, Codable {
    public let date: CalendarDate
    /// Sum of `duration_min` over the day's exercise rows, in minutes (0 when none was given).
    public var minutes: Double = 0
    private var painDuringValues = CompactRatings()
    private var exerciseRowCount: Int32 = 0
    private var checkInRowCount: Int32 = 0
    private var durationRowCount: Int32 = 0
    private var passCount: Int32 = 0
    private var failureCount: Int32 = 0
    /// The day's highest `pain` (0–10), `nil` when no row gave one.
    public var pain: Double?
    /// The highest programme level among the day's exercises.
    public var level: Int?
    /// `true` if any row said yes, `false` if rows said only no, `nil` if none said.
    public var swelling: Bool?
    /// As `swelling`, for night pain.
    public var nightPain: Bool?
    /// Categories of the day's exercises.
    public var categories: CategorySet = []

    public init(date: CalendarDate) {
        self.date = date
    }

    /// Rows naming an exercise.
    public var exerciseRows: Int {
        get { Int(exerciseRowCount) }
        set { exerciseRowCount = Int32(clamping: newValue) }
    }
    /// Rows without an exercise (symptom check-ins).
    public var checkInRows: Int {
        get { Int(checkInRowCount) }
        set { checkInRowCount = Int32(clamping: newValue) }
    }
    /// Exercise rows that gave a duration.
    public var rowsWithDuration: Int {
        get { Int(durationRowCount) }
        set { durationRowCount = Int32(clamping: newValue) }
    }
    /// Distinct sessions of the day whose readiness test passed.
    public var readinessPasses: Int {
        get { Int(passCount) }
        set { passCount = Int32(clamping: newValue) }
    }
    /// Distinct sessions of the day whose readiness test failed.
    public var readinessFailures: Int {
        get { Int(failureCount) }
        set { failureCount = Int32(clamping: newValue) }
    }
    /// Every `pain_during` value of the day, in log order.
    public var painDuring: [Double] {
        get { painDuringValues.values }
        set { painDuringValues = CompactRatings(newValue) }
    }

    /// Appends the day's `pain_during` values to `values` (no array is built for the day).
    public func appendPainDuring(to values: inout [Double]) {
        painDuringValues.append(to: &values)
    }

    /// Adds one `pain_during` value (cheaper than appending to ``painDuring``).
    public mutating func appendPainDuring(_ value: Double) {
        painDuringValues.append(value)
    }

    /// A session day is a date with at least one exercise row.
    public var isSessionDay: Bool { exerciseRowCount > 0 }

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
