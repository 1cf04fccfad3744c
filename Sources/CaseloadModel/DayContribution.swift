/// What one log row adds to its day's ``DailyRecord``: the part of a ``LogEntry`` that
/// ``CaseloadBuilder`` folds in, without the patient and without the text.
///
/// A plain value with no strings, so rows can be handed between threads in bulk and folded
/// without reference counting. Made from a row by ``init(_:)``; an importer that validates
/// cells straight from bytes may fill one in directly, as long as it gives the same fields the
/// row would (its tests compare the two).
public struct DayContribution: Hashable, Sendable {
    /// The row's calendar date (its day).
    public var date: CalendarDate
    /// True for a check-in row (no exercise): counted as a check-in, its exercise fields ignored.
    public var isCheckIn: Bool
    public var durationMin: Double?
    public var category: ExerciseCategory?
    public var level: Int?
    public var painDuring: Double?
    public var pain: Double?
    public var swelling: Bool?
    public var nightPain: Bool?
    public var readiness: ReadinessResult?
    /// ``sessionHash(_:)`` of the row's session ID (`""` without one) when `readiness` is set, else 0.
    /// Two readiness results of one day count once when their session and result agree.
    public var sessionHash: UInt64

    /// The contribution of `entry`.
    public init(_ entry: LogEntry) {
        self.init(
            values: entry.values, isCheckIn: entry.isCheckIn,
            sessionHash: entry.readiness == nil ? 0 : DayContribution.sessionHash(entry.sessionID ?? ""))
    }

    /// The contribution of a row whose values are `values`: what the day's fold reads of them.
    @inlinable
    public init(values: LogValues, isCheckIn: Bool, sessionHash: UInt64) {
        self = values.withUnsafeWords { DayContribution(words: $0, isCheckIn: isCheckIn, sessionHash: sessionHash) }
    }

    /// The contribution of a row whose values are the words at `words` (a ``LogValues`` layout,
    /// filled in place by a reader). A column the days do not use is not read here; one they use
    /// is read here and folded in ``CaseloadBuilder``.
    @inlinable @inline(__always)
    public init(words: UnsafePointer<UInt64>, isCheckIn: Bool, sessionHash: UInt64) {
        self.init(
            date: LogValues.value(of: .date, in: words) ?? CalendarDate(daysSinceEpoch: 0), isCheckIn: isCheckIn,
            durationMin: LogValues.value(of: .durationMin, in: words), category: LogValues.value(of: .category, in: words),
            level: LogValues.value(of: .level, in: words), painDuring: LogValues.value(of: .painDuring, in: words),
            pain: LogValues.value(of: .pain, in: words), swelling: LogValues.value(of: .swelling, in: words),
            nightPain: LogValues.value(of: .nightPain, in: words), readiness: LogValues.value(of: .readiness, in: words),
            sessionHash: sessionHash)
    }

    /// A contribution with every field given.
    public init(
        date: CalendarDate, isCheckIn: Bool, durationMin: Double? = nil, category: ExerciseCategory? = nil,
        level: Int? = nil, painDuring: Double? = nil, pain: Double? = nil, swelling: Bool? = nil,
        nightPain: Bool? = nil, readiness: ReadinessResult? = nil, sessionHash: UInt64 = 0
    ) {
        self.date = date
        self.isCheckIn = isCheckIn
        self.durationMin = durationMin
        self.category = category
        self.level = level
        self.painDuring = painDuring
        self.pain = pain
        self.swelling = swelling
        self.nightPain = nightPain
        self.readiness = readiness
        self.sessionHash = sessionHash
    }

    /// The hash that tells a day's sessions apart for readiness counting: Swift's `hashValue`
    /// (seeded per process, equal for `==` strings), as 64 bits.
    public static func sessionHash(_ session: String) -> UInt64 {
        UInt64(truncatingIfNeeded: session.hashValue)
    }
}
