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
/// notes), whatever file or line they came from. Each row is encoded canonically
/// (numbers as values, so `2.50` equals `2.5`; strings length-prefixed) and hashed with
/// two independently keyed SipHash passes (Swift's `Hasher`, seeded per process) into
/// 128 bits. Only the fingerprints are kept. Two different rows share a fingerprint with
/// probability about n² / 2¹²⁹ for n rows (under 10⁻²⁰ for a billion rows), and because
/// the key is random per run, colliding rows cannot be crafted in advance.
struct DuplicateFilter: Sendable {
    private var seen = FingerprintSet()
    private var buffer: [UInt8] = []

    init() {}

    /// Number of distinct rows seen.
    var count: Int { seen.count }

    /// Records `entry`; returns `false` when an identical row was seen before.
    mutating func insert(_ entry: LogEntry) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        DuplicateFilter.encode(entry, into: &buffer)
        return seen.insert(DuplicateFilter.fingerprint(buffer))
    }

    static func fingerprint(_ bytes: [UInt8]) -> RowFingerprint {
        bytes.withUnsafeBytes { raw in
            var first = Hasher()
            first.combine(UInt8(0xA5))
            first.combine(bytes: raw)
            var second = Hasher()
            second.combine(UInt8(0x5A))
            second.combine(bytes: raw)
            return RowFingerprint(
                high: UInt64(truncatingIfNeeded: first.finalize()), low: UInt64(truncatingIfNeeded: second.finalize()))
        }
    }

    /// The canonical encoding: each field tagged present/absent, strings length-prefixed.
    static func encode(_ e: LogEntry, into out: inout [UInt8]) {
        func int(_ value: Int) {
            withUnsafeBytes(of: Int64(value).littleEndian) { out.append(contentsOf: $0) }
        }
        func string(_ value: String?) {
            guard var value else { out.append(0); return }
            out.append(1)
            value.withUTF8 { utf8 in
                int(utf8.count)
                out.append(contentsOf: utf8)
            }
        }
        func optionalInt(_ value: Int?) {
            guard let value else { out.append(0); return }
            out.append(1)
            int(value)
        }
        func double(_ value: Double?) {
            guard let value else { out.append(0); return }
            out.append(1)
            let canonical = value == 0 ? 0 : value
            withUnsafeBytes(of: canonical.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        func bool(_ value: Bool?) {
            out.append(value.map { $0 ? 2 : 1 } ?? 0)
        }
        string(e.patientID)
        int(e.date.daysSinceEpoch)
        optionalInt(e.secondsOfDay)
        optionalInt(e.utcOffsetMinutes)
        string(e.sessionID)
        string(e.exercise)
        out.append(e.category.map { UInt8(ExerciseCategory.allCases.firstIndex(of: $0) ?? 0) + 1 } ?? 0)
        optionalInt(e.level)
        optionalInt(e.sets)
        optionalInt(e.reps)
        double(e.loadKg)
        double(e.durationMin)
        double(e.painDuring)
        double(e.pain)
        bool(e.swelling)
        bool(e.nightPain)
        out.append(e.readiness.map { $0 == .pass ? 1 : 2 } ?? 0)
        string(e.notes)
    }
}
