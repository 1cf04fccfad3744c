import CaseloadModel

/// A 128-bit fingerprint of a row's canonical encoding.
struct RowFingerprint: Hashable, Sendable {
    let high: UInt64
    let low: UInt64
}

/// A set of fingerprints: open addressing with linear probing, indexed by the
/// fingerprint's own (already uniformly random) low bits, so no second hash is needed.
struct FingerprintSet: Sendable {
    /// Slots; `(0, 0)` marks an empty slot (a real (0, 0) fingerprint is kept aside).
    private var slots: [RowFingerprint]
    private var mask: Int
    private var hasZero = false
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = Array(repeating: RowFingerprint(high: 0, low: 0), count: size)
        mask = size - 1
    }

    /// Inserts `f`; `false` when it was already there.
    mutating func insert(_ f: RowFingerprint) -> Bool {
        if f.high == 0 && f.low == 0 {
            defer { hasZero = true }
            if hasZero { return false }
            count += 1
            return true
        }
        // Grown at 3/4 full: linear probing over random keys still needs few probes there
        // (under 8.5 on average for a miss, the worst moment), and the table takes half the
        // memory of a half-full one (16 bytes a slot: 270 MB rather than 540 MB for 10 M rows).
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var i = Int(truncatingIfNeeded: f.low) & mask
        while true {
            let slot = slots[i]
            if slot.high == 0 && slot.low == 0 {
                slots[i] = f
                count += 1
                return true
            }
            if slot == f { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: RowFingerprint(high: 0, low: 0), count: old.count * 2)
        mask = slots.count - 1
        for f in old where !(f.high == 0 && f.low == 0) {
            var i = Int(truncatingIfNeeded: f.low) & mask
            while !(slots[i].high == 0 && slots[i].low == 0) { i = (i + 1) & mask }
            slots[i] = f
        }
    }
}

/// Spots exact duplicate log rows across all files of a run, keeping 16 bytes per row.
///
/// Two rows are duplicates when every field of their ``CaseloadModel/LogEntry`` is equal
/// (patient, date, time, offset, session, exercise, every number, every flag and the
/// notes), whatever file or line they came from. Numbers are compared as values (`2.50`
/// equals `2.5`, `-0` equals `0`). Every field (optionals tagged, strings terminated; see
/// ``fingerprint(_:)``) is fed through two independently keyed SipHash passes (Swift's
/// `Hasher`, seeded at random per process, with different prefixes) into a 128-bit
/// fingerprint; only fingerprints are kept. Two different rows
/// share a fingerprint with probability about n² / 2¹²⁹ for n rows (under 10⁻²⁰ for a
/// billion rows), and because the key is random per run, colliding rows cannot be
/// crafted in advance.
struct DuplicateFilter: Sendable {
    private var seen = FingerprintSet()

    init() {}

    /// Number of distinct rows seen.
    var count: Int { seen.count }

    /// Records `entry`; returns `false` when an identical row was seen before.
    mutating func insert(_ entry: LogEntry) -> Bool {
        seen.insert(DuplicateFilter.fingerprint(entry))
    }

    /// The row's 128-bit fingerprint: two independently keyed SipHash passes over the same
    /// encoding of every field.
    ///
    /// The encoding is a fixed block of the numeric fields (each optional with a presence bit,
    /// numbers as IEEE bit patterns with −0 read as 0, the value's `==`), hashed as one run of
    /// bytes, followed by the strings through `String`'s own hashing (Unicode canonical
    /// equivalence, the same as `==`; each string terminated, absent ones marked by the presence
    /// bits). So rows that are `==` always share a fingerprint, and every field counts.
    /// ``encodedFieldCount`` must match `LogEntry`'s stored properties (a test checks it).
    static func fingerprint(_ entry: LogEntry) -> RowFingerprint {
        var block = NumericBlock(entry)
        return withUnsafeBytes(of: &block) { bytes in
            func pass(_ key: UInt8) -> UInt64 {
                var hasher = Hasher()
                hasher.combine(key)
                hasher.combine(bytes: bytes)
                hasher.combine(entry.patientID)
                if let s = entry.sessionID { hasher.combine(s) }
                if let s = entry.exercise { hasher.combine(s) }
                if let s = entry.notes { hasher.combine(s) }
                return UInt64(truncatingIfNeeded: hasher.finalize())
            }
            return RowFingerprint(high: pass(0xA5), low: pass(0x5A))
        }
    }

    /// Fields of `LogEntry` the fingerprint encodes: 4 strings and the 14 in ``NumericBlock``.
    static let encodedFieldCount = 18

    /// Every non-string field of a row, fixed-size, with presence bits.
    private struct NumericBlock {
        var present: UInt64 = 0
        var date: Int
        var secondsOfDay = 0, utcOffsetMinutes = 0, level = 0, sets = 0, reps = 0
        var loadKg: UInt64 = 0, durationMin: UInt64 = 0, painDuring: UInt64 = 0, pain: UInt64 = 0
        /// Category (8 bits), readiness (8), swelling (8), night pain (8), each 0 when absent.
        var small: UInt64 = 0

        init(_ e: LogEntry) {
            date = e.date.daysSinceEpoch
            func bit(_ i: Int, _ isPresent: Bool) { if isPresent { present |= 1 << UInt64(i) } }
            func number(_ x: Double?) -> UInt64 { x.map { $0 == 0 ? 0 : $0.bitPattern } ?? 0 }
            bit(0, e.secondsOfDay != nil); secondsOfDay = e.secondsOfDay ?? 0
            bit(1, e.utcOffsetMinutes != nil); utcOffsetMinutes = e.utcOffsetMinutes ?? 0
            bit(2, e.level != nil); level = e.level ?? 0
            bit(3, e.sets != nil); sets = e.sets ?? 0
            bit(4, e.reps != nil); reps = e.reps ?? 0
            bit(5, e.loadKg != nil); loadKg = number(e.loadKg)
            bit(6, e.durationMin != nil); durationMin = number(e.durationMin)
            bit(7, e.painDuring != nil); painDuring = number(e.painDuring)
            bit(8, e.pain != nil); pain = number(e.pain)
            bit(9, e.sessionID != nil)
            bit(10, e.exercise != nil)
            bit(11, e.notes != nil)
            let category = e.category.map { UInt64(ExerciseCategory.allCases.firstIndex(of: $0) ?? 0) + 1 } ?? 0
            let readiness = e.readiness.map { UInt64(ReadinessResult.allCases.firstIndex(of: $0) ?? 0) + 1 } ?? 0
            let swelling: UInt64 = e.swelling.map { $0 ? 2 : 1 } ?? 0
            let night: UInt64 = e.nightPain.map { $0 ? 2 : 1 } ?? 0
            small = category | readiness << 8 | swelling << 16 | night << 24
        }
    }
}
