import Testing

@testable import CaseloadImport
@testable import CaseloadModel

@Suite struct DuplicateFilterTests {
    static let base = LogEntry(
        patientID: "P1", date: CalendarDate(daysSinceEpoch: 20_500), secondsOfDay: 27_000, utcOffsetMinutes: 60,
        sessionID: "s", exercise: "Bridge", category: .strength, level: 1, sets: 3, reps: 10, loadKg: 2.5,
        durationMin: 5, painDuring: 2, pain: 3, swelling: false, nightPain: true, readiness: .pass, notes: "n")

    @Test func sameRowIsADuplicate() {
        var filter = PatientRowFilter()
        let first = filter.insert(DuplicateFilterTests.base)
        let second = filter.insert(DuplicateFilterTests.base)
        #expect(first)
        #expect(!second)
        #expect(filter.count == 1)
    }

    /// Each variant differs from the base in exactly one field, so none is a duplicate.
    static let variants: [(String, @Sendable (inout LogEntry) -> Void)] = [
        ("patient", { $0.patientID = "P2" }), ("date", { $0.date = $0.date.adding(days: 1) }),
        ("time", { $0.secondsOfDay = nil }), ("offset", { $0.utcOffsetMinutes = 0 }),
        ("session", { $0.sessionID = nil }), ("exercise", { $0.exercise = nil }), ("category", { $0.category = .other }),
        ("level", { $0.level = 0 }), ("sets", { $0.sets = nil }), ("reps", { $0.reps = 0 }),
        ("load", { $0.loadKg = 2.25 }), ("duration", { $0.durationMin = nil }), ("pain during", { $0.painDuring = 0 }),
        ("pain", { $0.pain = nil }), ("swelling", { $0.swelling = nil }), ("night", { $0.nightPain = false }),
        ("readiness", { $0.readiness = .fail }), ("notes", { $0.notes = "n " }),
        ("field boundary", { $0.sessionID = "sB"; $0.exercise = "ridge" }),
    ]

    @Test func everyFieldIsPartOfTheIdentity() {
        var filter = PatientRowFilter()
        let first = filter.insert(DuplicateFilterTests.base)
        #expect(first)
        for (name, change) in DuplicateFilterTests.variants {
            var entry = DuplicateFilterTests.base
            change(&entry)
            #expect(entry != DuplicateFilterTests.base, "\(name)")
            let inserted = filter.insert(entry)
            #expect(inserted, "\(name) was taken for a duplicate")
        }
    }

    @Test func negativeZeroEqualsZero() {
        var filter = PatientRowFilter()
        var a = DuplicateFilterTests.base
        a.loadKg = 0
        var b = a
        b.loadKg = -0.0
        let first = filter.insert(a)
        let second = filter.insert(b)
        #expect(first)
        #expect(!second)
    }

    @Test func fingerprintSetGrowsAndKeepsEverything() {
        func fingerprint(_ k: Int) -> UInt64 { UInt64(k) &* 0x9E37_79B9_7F4A_7C15 }
        var set = FingerprintSet(capacity: 1)
        var allNew = true
        for k in 0..<50_000 { allNew = set.insert(fingerprint(k)) && allNew }
        #expect(allNew)
        #expect(set.count == 50_000)
        #expect(set.capacity == 1 << 17)  // 50,000 fit under 3/4 of 2^17 slots, not of 2^16
        let zeroAgain = set.insert(0)  // k = 0 gave 0 already
        #expect(!zeroAgain)
        var anyNew = false
        for k in stride(from: 0, to: 50_000, by: 997) { anyNew = set.insert(fingerprint(k)) || anyNew }
        #expect(!anyNew)
        let sameLowBits = set.insert(1 << 63)  // same slot as 0 would take, different value
        #expect(sameLowBits)
        #expect(set.count == 50_001)
    }

    /// Each patient has a table of its own; going back to an earlier patient finds its table.
    @Test func patientsInterleavedStillFindTheirDuplicates() {
        var filter = PatientRowFilter()
        var results: [Bool] = []
        for id in ["P1", "P2", "P1", "P3", "P2"] {
            var entry = DuplicateFilterTests.base
            entry.patientID = id
            results.append(filter.insert(entry))
        }
        #expect(results == [true, true, false, true, false])
        #expect(filter.count == 3)
    }

    /// Rows that are `==` are duplicates, so strings compare by Unicode canonical equivalence
    /// (a precomposed é equals e + combining acute, as in Swift's `String ==`): short text, text
    /// whose non-ASCII bytes lie in the first 16-byte step of the fingerprint (the rest plain ASCII)
    /// or in its tail, and combining marks in either order.
    @Test(arguments: [
        ("Caf\u{E9}", "Cafe\u{301}"), ("\u{212A}nee", "Knee"),
        ("Cafe\u{301} au lait, long enough to span steps", "Caf\u{E9} au lait, long enough to span steps"),
        ("\u{212A}nee pain after the stairs, evening", "Knee pain after the stairs, evening"),
        ("Knee pain after the stairs, evening \u{212A}", "Knee pain after the stairs, evening K"),
        ("a\u{0301}\u{0316}", "a\u{0316}\u{0301}"),
    ])
    func canonicallyEquivalentTextIsADuplicate(_ pair: (String, String)) {
        var a = DuplicateFilterTests.base
        a.notes = pair.0
        var b = DuplicateFilterTests.base
        b.notes = pair.1
        #expect(a == b)
        #expect(Array(pair.0.utf8) != Array(pair.1.utf8))
        var filter = PatientRowFilter()
        let first = filter.insert(a)
        let second = filter.insert(b)
        #expect(first)
        #expect(!second)
    }

    /// Notes of every length from 0 to 40 bytes (both sides of each 16-byte step and its tail),
    /// each also with one byte changed, at every position in turn, and with a byte appended: all
    /// distinct rows, none taken for a duplicate; the plain notes again are all duplicates.
    @Test func everyByteOfEveryLengthCounts() {
        var filter = PatientRowFilter()
        var fresh = 0
        var distinct = Set<String>()
        for length in 0...40 {
            let text = String(repeating: "a", count: length)
            var variants = [text, text + "\u{0}"]
            for position in 0..<length {
                var bytes = Array(text.utf8)
                bytes[position] = UInt8(ascii: "b")
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            for notes in variants {
                distinct.insert(notes)
                var entry = DuplicateFilterTests.base
                entry.notes = notes
                if filter.insert(entry) { fresh += 1 }
            }
        }
        #expect(fresh == distinct.count)
        #expect(distinct.count == 41 * 2 + (0...40).reduce(0, +))
        for length in 0...40 {
            var entry = DuplicateFilterTests.base
            entry.notes = String(repeating: "a", count: length)
            let inserted = filter.insert(entry)
            #expect(!inserted, "length \(length)")
        }
    }

    /// 200,000 distinct rows of one patient (seeded random numbers and notes, some not in NFC) give
    /// 200,000 distinct fingerprints under a fixed key: at 64 bits a collision here has odds of
    /// about 10⁻⁹.
    @Test func distinctRowsGetDistinctFingerprints() {
        var random = AccountingPropertyTests.SplitMix(state: 20_261_123)
        var seen = Set<LogEntry>()
        var fingerprints = Set<UInt64>()
        let key = FingerprintKey(a: 0x9E37_79B9_7F4A_7C15, b: 0xD1B5_4A32_D192_ED03)
        let words = ["knee", "Knie", "genou", "r\u{F6}ntgen", "e\u{301}tirement", "\u{212A}nee", "stairs", ""]
        while seen.count < 200_000 {
            var entry = DuplicateFilterTests.base
            entry.date = CalendarDate(daysSinceEpoch: 20_000 + Int.random(in: 0..<400, using: &random))
            entry.reps = Int.random(in: 0..<30, using: &random)
            entry.pain = Double(Int.random(in: 0...100, using: &random)) / 10
            entry.notes = words.randomElement(using: &random)! + String(Int.random(in: 0..<50, using: &random))
            guard seen.insert(entry).inserted else { continue }
            fingerprints.insert(DuplicateFilter.fingerprint(entry, key: key))
        }
        #expect(fingerprints.count == seen.count)
    }

    static let oneKey = FingerprintKey(a: 0x1234_5678_9ABC_DEF1, b: 0x0FED_CBA9_8765_4321)

    /// The fingerprint depends on the key: the same row under two keys differs, and under one
    /// key it is the same every time.
    @Test func fingerprintIsKeyed() {
        let row = DuplicateFilterTests.base
        let two = FingerprintKey(a: 0x1234_5678_9ABC_DEF3, b: 0x0FED_CBA9_8765_4321)
        #expect(DuplicateFilter.fingerprint(row, key: Self.oneKey) == DuplicateFilter.fingerprint(row, key: Self.oneKey))
        #expect(DuplicateFilter.fingerprint(row, key: Self.oneKey) != DuplicateFilter.fingerprint(row, key: two))
    }
}

/// A ``DuplicateFilter`` used as the importer uses it: each patient ID given a slot in order of
/// first sight (as the builder numbers patients), each row checked by its fingerprint.
struct PatientRowFilter {
    private var filter = DuplicateFilter()
    private var slots: [String: Int] = [:]

    var count: Int { filter.count }

    mutating func insert(_ entry: LogEntry) -> Bool {
        let slot = slots[entry.patientID] ?? slots.count
        slots[entry.patientID] = slot
        return filter.insert(DuplicateFilter.fingerprint(entry, key: DuplicateFilter.processKey), patientSlot: slot)
    }
}
