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
        while size < capacity * 2 { size <<= 1 }
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
        if (count + 1) * 2 > slots.count { grow() }
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
/// equals `2.5`, `-0` equals `0`). The row's synthesized `Hashable` conformance (every
/// field, optionals tagged, strings terminated) is fed through two independently keyed
/// SipHash passes (Swift's `Hasher`, seeded at random per process, with different
/// prefixes) into a 128-bit fingerprint; only fingerprints are kept. Two different rows
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

    static func fingerprint(_ entry: LogEntry) -> RowFingerprint {
        var first = Hasher()
        first.combine(UInt8(0xA5))
        first.combine(entry)
        var second = Hasher()
        second.combine(UInt8(0x5A))
        second.combine(entry)
        return RowFingerprint(
            high: UInt64(truncatingIfNeeded: first.finalize()), low: UInt64(truncatingIfNeeded: second.finalize()))
    }
}
