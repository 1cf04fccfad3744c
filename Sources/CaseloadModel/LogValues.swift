/// Every value of a log row that is not text, one 64-bit word per ``LogColumn`` with a presence
/// bit each: the fixed-size, string-free block that readers fill cell by cell, that ``LogEntry``
/// keeps, and that the duplicate fingerprint hashes whole.
///
/// Word 0 holds the presence bits (bit *s* set when slot *s* holds a value), word 1 the date's
/// seconds after midnight, word 2 its UTC offset, and word ``LogColumn/valueSlot`` the value of each
/// column (the date column's is the day; text columns leave theirs 0 and unset). An absent value's
/// word is 0, so two blocks with the same values have the same bytes but for the sign of a decimal
/// zero, which ``normalized()`` clears; `==` and `hash` compare normalized blocks, as `Double ==`
/// compares −0 and 0. The words are the values' bit patterns (``LogWordValue``); −0 is kept as read.
public struct LogValues: Sendable, Hashable {
    /// Words a block holds: the presence word, the two date-time words and room for the columns
    /// (a test checks that ``LogColumn/allCases`` fit; raise it when a column would not).
    public static let capacity = 24
    /// The word of the date's seconds after local midnight (``LogEntry/secondsOfDay``).
    public static let secondsOfDaySlot = 1
    /// The word of the date's UTC offset in minutes (``LogEntry/utcOffsetMinutes``).
    public static let utcOffsetSlot = 2
    /// The word of the first column (``LogColumn/valueSlot``).
    public static let firstColumnSlot = 3
    /// Words in use: the presence word, the date-time words and one per column, rounded up to an
    /// even count (the fingerprint hashes these, 16 bytes a step: no partial step to pad).
    public static let usedWords: Int = {
        let used = firstColumnSlot + LogColumn.allCases.count
        precondition(used + used % 2 <= capacity && used <= 64, "LogValues.capacity is too small for the log columns")
        return used + used % 2
    }()
    /// Presence bits of the slots holding a `Double` (decimal columns), whose −0 reads as 0.
    public static let decimalSlots: UInt64 = LogColumn.allCases.reduce(0) {
        $1.spec.kind.isDecimal ? $0 | 1 &<< UInt64(truncatingIfNeeded: $1.valueSlot) : $0
    }

    /// The words; see the type's description.
    @inlinable public var words: InlineArray<24, UInt64> { storage }
    @usableFromInline var storage: InlineArray<24, UInt64>

    /// A block with no value.
    @inlinable @inline(__always)
    public init() {
        storage = InlineArray(repeating: 0)
    }

    /// The presence bits (bit *s* for slot *s*).
    @inlinable @inline(__always)
    public var presence: UInt64 { storage[0] }

    /// True when slot `slot` holds a value.
    @inlinable @inline(__always)
    public func has(_ slot: Int) -> Bool { storage[0] & (1 &<< UInt64(truncatingIfNeeded: slot)) != 0 }

    /// The word at `slot`, `nil` when absent.
    @inlinable @inline(__always)
    public func word(at slot: Int) -> UInt64? { has(slot) ? storage[slot] : nil }

    /// Stores `word` at `slot` and marks it present.
    @inlinable @inline(__always)
    public mutating func set(_ word: UInt64, at slot: Int) {
        storage[slot] = word
        storage[0] |= 1 &<< UInt64(truncatingIfNeeded: slot)
    }

    /// Marks `slot` absent (its word 0).
    @inlinable @inline(__always)
    public mutating func clear(_ slot: Int) {
        storage[slot] = 0
        storage[0] &= ~(1 &<< UInt64(truncatingIfNeeded: slot))
    }

    /// The value at `slot`, typed; `nil` when absent.
    @inlinable @inline(__always)
    public subscript<Value: LogWordValue>(slot slot: Int) -> Value? {
        get { has(slot) ? Value(logWord: storage[slot]) : nil }
        set {
            if let newValue { set(newValue.logWord, at: slot) } else { clear(slot) }
        }
    }

    /// The value of `column`, typed (the type must be its kind's: `Double` for a rating); `nil`
    /// when absent. Text columns have no value here (``LogEntry`` keeps their strings).
    @inlinable @inline(__always)
    public subscript<Value: LogWordValue>(column: LogColumn) -> Value? {
        get { self[slot: column.valueSlot] }
        set { self[slot: column.valueSlot] = newValue }
    }

    /// The block with every decimal −0 read as 0: the same bytes for the same values.
    @inlinable @inline(__always)
    public func normalized() -> LogValues {
        var out = self
        out.withUnsafeMutableWords { LogValues.normalize($0, decimalSlots: LogValues.decimalSlots) }
        return out
    }

    /// Calls `body` with the words, in place.
    @inlinable @inline(__always)
    public mutating func withUnsafeMutableWords<R>(_ body: (UnsafeMutablePointer<UInt64>) throws -> R) rethrows -> R {
        try withUnsafeMutableBytes(of: &storage) { raw in
            try body(raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// Calls `body` with (a copy of) the words.
    @inlinable @inline(__always)
    public func withUnsafeWords<R>(_ body: (UnsafePointer<UInt64>) throws -> R) rethrows -> R {
        var copy = self
        return try copy.withUnsafeMutableWords { try body(UnsafePointer($0)) }
    }

    // MARK: Words in place

    /// The value at `slot` of the words at `words` (a block's layout), typed; `nil` when absent.
    /// For readers that fill words in place and for ``DayContribution``.
    @inlinable @inline(__always)
    public static func value<Value: LogWordValue>(at slot: Int, in words: UnsafePointer<UInt64>) -> Value? {
        words[0] & (1 &<< UInt64(truncatingIfNeeded: slot)) != 0 ? Value(logWord: words[slot]) : nil
    }

    /// The value of `column` in the words at `words`, typed; `nil` when absent.
    @inlinable @inline(__always)
    public static func value<Value: LogWordValue>(of column: LogColumn, in words: UnsafePointer<UInt64>) -> Value? {
        value(at: column.valueSlot, in: words)
    }

    /// Reads every −0 among the present `decimalSlots` (``decimalSlots``, passed in so that a
    /// reader looks it up once a file) of the words at `words` as 0.
    @inlinable @inline(__always)
    public static func normalize(_ words: UnsafeMutablePointer<UInt64>, decimalSlots: UInt64) {
        var decimals = decimalSlots & words[0]
        while decimals != 0 {
            let slot = decimals.trailingZeroBitCount
            if words[slot] == (-0.0 as Double).bitPattern { words[slot] = 0 }
            decimals &= decimals - 1
        }
    }

    @inlinable
    public static func == (lhs: LogValues, rhs: LogValues) -> Bool {
        let a = lhs.normalized(), b = rhs.normalized()
        for i in 0..<LogValues.usedWords where a.storage[i] != b.storage[i] { return false }
        return true
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        let n = normalized()
        for i in 0..<LogValues.usedWords { hasher.combine(n.storage[i]) }
    }
}

/// A value a ``LogValues`` word holds: its bit pattern, read back exactly.
public protocol LogWordValue {
    /// The value a word holds.
    init(logWord: UInt64)
    /// The word that holds the value.
    var logWord: UInt64 { get }
}

extension Int: LogWordValue {
    @inlinable @inline(__always) public init(logWord: UInt64) { self.init(truncatingIfNeeded: Int64(bitPattern: logWord)) }
    @inlinable @inline(__always) public var logWord: UInt64 { UInt64(bitPattern: Int64(self)) }
}

extension Double: LogWordValue {
    @inlinable @inline(__always) public init(logWord: UInt64) { self.init(bitPattern: logWord) }
    @inlinable @inline(__always) public var logWord: UInt64 { bitPattern }
}

extension Bool: LogWordValue {
    @inlinable @inline(__always) public init(logWord: UInt64) { self = logWord != 0 }
    @inlinable @inline(__always) public var logWord: UInt64 { self ? 1 : 0 }
}

extension CalendarDate: LogWordValue {
    @inlinable @inline(__always) public init(logWord: UInt64) { self.init(daysSinceEpoch: Int(logWord: logWord)) }
    @inlinable @inline(__always) public var logWord: UInt64 { daysSinceEpoch.logWord }
}

extension ExerciseCategory: LogWordValue {
    /// The category's position in declaration order.
    @inlinable @inline(__always)
    public init(logWord: UInt64) {
        switch logWord {
        case 0: self = .strength
        case 1: self = .mobility
        case 2: self = .activation
        case 3: self = .massage
        case 4: self = .run
        case 5: self = .test
        default: self = .other
        }
    }

    @inlinable @inline(__always)
    public var logWord: UInt64 {
        switch self {
        case .strength: 0
        case .mobility: 1
        case .activation: 2
        case .massage: 3
        case .run: 4
        case .test: 5
        case .other: 6
        }
    }
}

extension ReadinessResult: LogWordValue {
    @inlinable @inline(__always) public init(logWord: UInt64) { self = logWord == 0 ? .pass : .fail }
    @inlinable @inline(__always) public var logWord: UInt64 { self == .pass ? 0 : 1 }
}

extension LogValues: CustomStringConvertible {
    /// The values present, by column name, e.g. `date=2026-03-02 pain=3.0` (for messages and tests).
    public var description: String {
        var parts: [String] = []
        for column in LogColumn.allCases where has(column.valueSlot) {
            let text: String
            switch column.kind {
            case .text, .freeText: continue
            case .date: text = (self[column] as CalendarDate?).map(\.isoString) ?? ""
            case .count: text = (self[column] as Int?).map(String.init) ?? ""
            case .amount, .rating: text = (self[column] as Double?).map { "\($0)" } ?? ""
            case .flag: text = (self[column] as Bool?).map { $0 ? "yes" : "no" } ?? ""
            case .category: text = (self[column] as ExerciseCategory?)?.rawValue ?? ""
            case .readiness: text = (self[column] as ReadinessResult?)?.rawValue ?? ""
            }
            parts.append(column.name + "=" + text)
        }
        if let s = self[slot: LogValues.secondsOfDaySlot] as Int? { parts.append("seconds_of_day=\(s)") }
        if let o = self[slot: LogValues.utcOffsetSlot] as Int? { parts.append("utc_offset_minutes=\(o)") }
        return parts.joined(separator: " ")
    }
}
