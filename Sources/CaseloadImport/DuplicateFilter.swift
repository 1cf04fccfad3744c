import CaseloadModel

/// A set of 64-bit fingerprints: open addressing with linear probing, indexed by the
/// fingerprint's own (already uniformly random) low bits, so no second hash is needed.
///
/// Sized for one patient's rows: it starts at 16 slots and doubles at 3/4 full, so a patient's
/// table (a few kilobytes) stays in cache while that patient's rows stream in.
struct FingerprintSet: Sendable {
    /// Slots; 0 marks an empty slot (a real 0 fingerprint is kept aside in `hasZero`).
    private var slots: [UInt64]
    private var mask: Int
    private var hasZero = false
    private(set) var count = 0

    init(capacity: Int = 12) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Slots held (8 bytes each), for memory accounting in tests and benchmarks.
    var capacity: Int { slots.count }

    /// Inserts `f`; `false` when it was already there.
    mutating func insert(_ f: UInt64) -> Bool {
        if f == 0 {
            defer { hasZero = true }
            if hasZero { return false }
            count += 1
            return true
        }
        // Grown at 3/4 full: linear probing over random keys still needs few probes there.
        if (count + 1) * 4 > slots.count * 3 { grow() }
        return slots.withUnsafeMutableBufferPointer { table in
            var i = Int(truncatingIfNeeded: f) & mask
            while true {
                let slot = table[i]
                if slot == 0 {
                    table[i] = f
                    count += 1
                    return true
                }
                if slot == f { return false }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for f in old where f != 0 {
            var i = Int(truncatingIfNeeded: f) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = f
        }
    }
}

/// Spots exact duplicate log rows across all files of a run, keeping 11 to 21 bytes per row.
///
/// Two rows are duplicates when every field of their ``CaseloadModel/LogEntry`` is equal
/// (patient, date, time, offset, and every column of the field table: texts, numbers, flags),
/// whatever file or line they came from. Numbers are compared as values (`2.50`
/// equals `2.5`, `-0` equals `0`).
///
/// Rows are compared only with rows of the same patient: each patient has its own table of
/// 64-bit fingerprints (one keyed pass, see ``fingerprint(_:key:)``), small enough to stay in cache
/// while that patient's rows stream in (a single table for a whole 10 M-row run was a cache miss
/// per row and 270 MB). Two different rows of one patient share a fingerprint with probability
/// about n² / 2⁶⁵ for a patient with n rows if the hash behaves as a random function (a heuristic:
/// wyhash's steps are not injective, which adds roughly one 2⁻⁶⁴ chance per 16-byte step, about 20
/// a row); over a run of R rows whose patients have at most m rows each, at most about R·m / 2⁶⁵
/// (under 10⁻⁹ for R = 10⁹ rows and m = 10⁴, and still under 10⁻⁷ with the steps counted). The key
/// is random per process, so the fingerprints of a run cannot be predicted from its rows.
struct DuplicateFilter: Sendable {
    /// One table per patient, indexed by the patient's slot (``CaseloadModel/CaseloadBuilder/patientSlot(for:)``).
    private var tables: [FingerprintSet] = []

    init() {}

    /// Number of distinct rows seen.
    var count: Int { tables.reduce(0) { $0 + $1.count } }

    /// Records a row of the patient at `patientSlot` by its ``fingerprint(_:key:)`` (taken with
    /// ``processKey``); returns `false` when that patient had a row with this fingerprint before.
    /// Slots are small dense integers, one per patient for the whole run.
    mutating func insert(_ fingerprint: UInt64, patientSlot: Int) -> Bool {
        precondition(patientSlot >= 0, "a patient slot is never negative")
        while tables.count <= patientSlot { tables.append(FingerprintSet()) }
        return tables[patientSlot].insert(fingerprint)
    }

    /// The key of every fingerprint this process takes: random, drawn once.
    static let processKey = FingerprintKey(
        a: UInt64.random(in: .min ... .max) | 1, b: UInt64.random(in: .min ... .max) | 1)

    /// The row's 64-bit fingerprint within its patient, keyed with `key`, over an encoding of every
    /// field but the patient.
    ///
    /// The encoding is the row's ``CaseloadModel/LogValues`` block (every value that is not text, one
    /// word per column of the field table, with presence bits; numbers as IEEE bit patterns with −0
    /// read as 0, the value's `==`), with a presence bit for each text column of
    /// ``hashedTextColumns``, then each present text's UTF-8 bytes in Unicode normalisation form C
    /// followed by its length, in table order (canonically equivalent strings are `==` in Swift and
    /// have the same NFC bytes; ASCII text is its own NFC and is hashed as it stands, anything else is
    /// normalised first, by the standard library's own normaliser). So rows that are `==` always share
    /// a fingerprint, and every column of the table counts, a new one included. The mixing step is
    /// wyhash's: 16 bytes at a time, the 128-bit product of the two keyed halves folded to 64 bits
    /// (the hashing takes about 2.7× fewer instructions than SipHash through `Hasher` did, measured
    /// in BENCHMARKS.md).
    static func fingerprint(_ entry: LogEntry, key: FingerprintKey) -> UInt64 {
        var textBits: UInt64 = 0
        for column in hashedTextColumns where entry[text: column] != nil { textBits |= 1 &<< UInt64(truncatingIfNeeded: column.valueSlot) }
        var values = entry.values
        var mixer = FingerprintMixer(key: key)
        values.withUnsafeMutableWords { words in
            words[0] |= textBits
            mixBlock(words, usedBytes: LogValues.usedWords * 8, decimalSlots: LogValues.decimalSlots, into: &mixer)
        }
        for column in hashedTextColumns {
            if let text = entry[text: column] { mixer.add(canonical: text) }
        }
        return mixer.finalize()
    }

    /// The same fingerprint as ``fingerprint(_:key:)`` for the row whose values are the words at
    /// `words` (a ``CaseloadModel/LogValues`` layout, filled in place) and whose texts are the given
    /// ASCII bytes. ASCII text is its own normal form, so a row read this way and the same row read
    /// into a ``CaseloadModel/LogEntry`` agree.
    ///
    /// The words are left normalized (decimal −0 read as 0) and marked with the texts' presence
    /// bits: the block hashed, built in place. `usedBytes` and `decimalSlots` are
    /// ``CaseloadModel/LogValues/usedWords`` × 8 and ``CaseloadModel/LogValues/decimalSlots``,
    /// passed in so that a reader looks them up once a file.
    /// - Precondition: every byte of the texts is below 0x80 (checked in debug builds).
    @inline(__always)
    static func fingerprint(
        words: UnsafeMutablePointer<UInt64>, usedBytes: Int, decimalSlots: UInt64, asciiTexts texts: ASCIITexts,
        textCount: Int, key: FingerprintKey
    ) -> UInt64 {
        words[0] |= texts.presenceBits
        var mixer = FingerprintMixer(key: key)
        mixBlock(words, usedBytes: usedBytes, decimalSlots: decimalSlots, into: &mixer)
        for index in 0..<textCount {
            guard let text = texts[index] else { continue }
            let any = mixer.add(bytes: UnsafeRawBufferPointer(text))
            assert(any & 0x8080_8080_8080_8080 == 0, "text given as ASCII is not")
        }
        return mixer.finalize()
    }

    /// Mixes in the block at `words`, normalized in place: both fingerprints' one encoding of it.
    @inline(__always)
    private static func mixBlock(
        _ words: UnsafeMutablePointer<UInt64>, usedBytes: Int, decimalSlots: UInt64, into mixer: inout FingerprintMixer
    ) {
        LogValues.normalize(words, decimalSlots: decimalSlots)
        mixer.add(bytes: UnsafeRawBufferPointer(start: words, count: usedBytes))
    }

    /// The text columns the fingerprint hashes, in table order: every text column but the patient's
    /// (each patient has a table of its own).
    static let hashedTextColumns: [LogColumn] = LogColumn.allCases.filter { $0.kind.isText && $0 != .patientID }
}

/// The two secret words of a fingerprint (both odd, so neither is 0).
struct FingerprintKey: Sendable, Equatable {
    var a: UInt64
    var b: UInt64
}

/// A keyed 64-bit hash over runs of bytes, 16 bytes a step (wyhash's mixing: the keyed halves
/// multiplied to 128 bits and folded).
struct FingerprintMixer {
    private let key: FingerprintKey
    private var state: UInt64

    init(key: FingerprintKey) {
        self.key = key
        state = key.b
    }

    @inline(__always)
    private static func fold(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: y)
        return product.high ^ product.low
    }

    @inline(__always)
    private mutating func step(_ x: UInt64, _ y: UInt64) {
        state = FingerprintMixer.fold(x ^ key.a, y ^ state)
    }

    /// Mixes `bytes` in, then their count (so runs that split differently differ).
    /// - Returns: the OR of every word read, whose high bits tell whether any byte was ≥ 0x80.
    @discardableResult
    mutating func add(bytes: UnsafeRawBufferPointer) -> UInt64 {
        var any: UInt64 = 0
        var i = 0
        let n = bytes.count
        while i + 16 <= n {
            let x = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let y = bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            any |= x | y
            step(x, y)
            i += 16
        }
        if i < n {
            var tail: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[i...])) }
            any |= tail.0 | tail.1
            step(tail.0, tail.1)
        }
        step(UInt64(n), 0x9E37_79B9_7F4A_7C15)
        return any
    }

    /// Mixes in `text`'s UTF-8 bytes in normalisation form C (ASCII as it stands).
    ///
    /// Non-ASCII text is normalised by the standard library (`_nfcCodeUnits`, public though
    /// underscored), the same normaliser, with the same Unicode data, that `String ==` compares
    /// with; Foundation's normaliser on Linux (CoreFoundation) carries its own, possibly older,
    /// Unicode tables and could disagree with `==` on recent characters.
    mutating func add(canonical text: String) {
        let before = self
        var text = text
        let any = text.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
        guard any & 0x8080_8080_8080_8080 != 0 else { return }
        self = before
        text._nfcCodeUnits.withUnsafeBytes { _ = add(bytes: $0) }
    }

    /// The hash of everything added.
    func finalize() -> UInt64 {
        FingerprintMixer.fold(state ^ key.a, key.b)
    }
}
