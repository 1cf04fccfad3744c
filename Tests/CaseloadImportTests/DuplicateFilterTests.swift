import Testing

@testable import CaseloadImport
@testable import CaseloadModel

@Suite struct DuplicateFilterTests {
    static let base = LogEntry(
        patientID: "P1", date: CalendarDate(daysSinceEpoch: 20_500), secondsOfDay: 27_000, utcOffsetMinutes: 60,
        sessionID: "s", exercise: "Bridge", category: .strength, level: 1, sets: 3, reps: 10, loadKg: 2.5,
        durationMin: 5, painDuring: 2, pain: 3, swelling: false, nightPain: true, readiness: .pass, notes: "n")

    @Test func sameRowIsADuplicate() {
        var filter = DuplicateFilter()
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
        var filter = DuplicateFilter()
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
        var filter = DuplicateFilter()
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
        var filter = DuplicateFilter()
        var results: [Bool] = []
        for id in ["P1", "P2", "P1", "P3", "P2"] {
            var entry = DuplicateFilterTests.base
            entry.patientID = id
            results.append(filter.insert(entry))
        }
        #expect(results == [true, true, false, true, false])
        #expect(filter.count == 3)
    }

    /// The fingerprint encodes fields one by one: a field added to `LogEntry` must be added there too.
    @Test func fingerprintEncodesEveryStoredFieldOfALogEntry() {
        let stored = Mirror(reflecting: DuplicateFilterTests.base).children.count
        #expect(stored == DuplicateFilter.encodedFieldCount)
        #expect(stored == DuplicateFilterTests.variants.count - 1)  // one variant per field, plus the boundary one
    }

    /// Rows that are `==` are duplicates, so strings compare by Unicode canonical equivalence
    /// (a precomposed é equals e + combining acute, as in Swift's `String ==`).
    @Test(arguments: [("Caf\u{E9}", "Cafe\u{301}"), ("\u{212A}nee", "Knee")])
    func canonicallyEquivalentTextIsADuplicate(_ pair: (String, String)) {
        var a = DuplicateFilterTests.base
        a.notes = pair.0
        var b = DuplicateFilterTests.base
        b.notes = pair.1
        #expect(a == b)
        #expect(Array(pair.0.utf8) != Array(pair.1.utf8))
        var filter = DuplicateFilter()
        let first = filter.insert(a)
        let second = filter.insert(b)
        #expect(first)
        #expect(!second)
    }
}
