import Testing

@testable import CaseloadModel

@Suite struct CaseloadBuilderTests {
    let day = CalendarDate(year: 2026, month: 3, day: 2) ?? CalendarDate(daysSinceEpoch: 0)

    func entry(
        _ id: String = "P1", offset: Int = 0, session: String? = nil, exercise: String? = "bridge",
        category: ExerciseCategory? = .strength, level: Int? = nil, minutes: Double? = nil, during: Double? = nil,
        pain: Double? = nil, swelling: Bool? = nil, night: Bool? = nil, readiness: ReadinessResult? = nil
    ) -> LogEntry {
        LogEntry(
            patientID: id, date: day.adding(days: offset), sessionID: session, exercise: exercise, category: category,
            level: level, durationMin: minutes, painDuring: during, pain: pain, swelling: swelling, nightPain: night,
            readiness: readiness)
    }

    /// Patient slots are dense from 0 in first-seen order and stable; folding a row's contribution
    /// at its patient's slot gives the same days as adding the row.
    @Test func contributionsAtSlotsFoldAsRows() {
        let rows = [
            entry("P2", pain: 4, readiness: .pass), entry("P1", offset: 1, minutes: 5, during: 3),
            entry("P2", session: "am", readiness: .fail), entry("P2", session: "am", readiness: .fail),
            entry("P2", exercise: nil, category: nil, pain: 6, swelling: true), entry("P1", offset: 3, level: 2),
        ]
        var byRow = CaseloadBuilder()
        for row in rows { byRow.add(row) }
        var bySlot = CaseloadBuilder()
        #expect(bySlot.patientSlot(for: "P2") == 0)
        #expect(bySlot.patientSlot(for: "P1") == 1)
        #expect(bySlot.patientSlot(for: "P2") == 0)
        for row in rows { bySlot.add(DayContribution(row), patientSlot: bySlot.patientSlot(for: row.patientID)) }
        let (a, b) = (byRow.records(), bySlot.records())
        #expect(a.map(\.patientID) == b.map(\.patientID))
        #expect(a.map(\.days) == b.map(\.days))
        #expect(b.first { $0.patientID == "P2" }?.days.first?.readinessFailures == 1)
        #expect(b.first { $0.patientID == "P2" }?.days.first?.readinessPasses == 1)
    }

    @Test func foldsADayFromItsRows() throws {
        var builder = CaseloadBuilder()
        builder.add(entry(level: 2, minutes: 5, during: 3, pain: 4, swelling: false, readiness: .pass))
        builder.add(entry(category: .mobility, level: 3, minutes: 7.5, during: 5, pain: 6, swelling: true, readiness: .pass))
        builder.add(entry(exercise: nil, category: nil, pain: 2, night: false))
        let patients = builder.records()
        let days = try #require(patients.first?.days)
        #expect(days.count == 1)
        let d = days[0]
        #expect(d.exerciseRows == 2 && d.checkInRows == 1 && d.rows == 3)
        #expect(d.minutes == 12.5 && d.rowsWithDuration == 2)
        #expect(d.pain == 6)
        #expect(d.painDuring == [3, 5])
        #expect(d.swelling == true && d.nightPain == false)
        #expect(d.level == 3)
        #expect(d.categories == [.strength, .mobility])
        #expect(d.readinessPasses == 1 && d.readinessFailures == 0)
        #expect(d.isSessionDay)
    }

    @Test func checkInOnlyDayIsNotASessionDayAndMissingStaysMissing() throws {
        var builder = CaseloadBuilder()
        builder.add(entry(exercise: nil, category: nil))
        let d = try #require(builder.records().first?.days.first)
        #expect(!d.isSessionDay)
        #expect(d.pain == nil && d.swelling == nil && d.nightPain == nil && d.level == nil)
        #expect(d.minutes == 0 && d.rowsWithDuration == 0)
    }

    @Test func readinessCountsDistinctSessionsNotRows() throws {
        var builder = CaseloadBuilder()
        for _ in 0..<3 { builder.add(entry(session: "am", readiness: .fail)) }
        builder.add(entry(session: "pm", readiness: .fail))
        builder.add(entry(session: "late", readiness: .pass))
        let d = try #require(builder.records().first?.days.first)
        #expect(d.readinessFailures == 2 && d.readinessPasses == 1)
    }

    /// A readiness outcome both builders saw is counted once after a merge, even when the day
    /// sits at a different index in each builder.
    @Test func mergeCountsAReadinessOutcomeSeenByBothBuildersOnce() throws {
        var a = CaseloadBuilder()
        a.add(entry(offset: 3, session: "am", readiness: .pass))
        var b = CaseloadBuilder()
        b.add(entry(offset: 1))
        b.add(entry(offset: 3, session: "am", readiness: .pass))
        b.add(entry(offset: 3, session: "pm", readiness: .fail))
        a.merge(b)
        let days = try #require(a.records().first?.days)
        let day3 = try #require(days.first { $0.date == day.adding(days: 3) })
        #expect(day3.readinessPasses == 1 && day3.readinessFailures == 1)
        #expect(days.first { $0.date == day.adding(days: 1) }?.readinessPasses == 0)
    }

    @Test func mergeEqualsAddingEverythingToOneBuilder() {
        let rows = (0..<40).map { i in
            entry(
                i % 3 == 0 ? "P1" : "P2", offset: i % 5, session: "s\(i % 2)", level: i % 4, minutes: Double(i % 7),
                during: Double(i % 6), pain: Double(i % 9), swelling: i % 4 == 0, readiness: i % 5 == 0 ? .fail : .pass)
        }
        var whole = CaseloadBuilder()
        rows.forEach { whole.add($0) }
        var a = CaseloadBuilder()
        var b = CaseloadBuilder()
        for (i, row) in rows.enumerated() {
            if i % 2 == 0 { a.add(row) } else { b.add(row) }
        }
        a.merge(b)
        let merged = a.records()
        let expected = whole.records()
        #expect(merged.map(\.patientID) == expected.map(\.patientID))
        for (m, e) in zip(merged, expected) {
            #expect(m.days.count == e.days.count)
            for (dm, de) in zip(m.days, e.days) {
                #expect(dm.date == de.date && dm.rows == de.rows && dm.minutes == de.minutes && dm.pain == de.pain)
                #expect(dm.painDuring.sorted() == de.painDuring.sorted())
                #expect(dm.readinessFailures == de.readinessFailures && dm.readinessPasses == de.readinessPasses)
                #expect(dm.level == de.level && dm.categories == de.categories && dm.swelling == de.swelling)
            }
        }
    }

    @Test func rosterPatientsWithoutRowsAreKept() {
        var builder = CaseloadBuilder()
        builder.add(entry("P2"))
        let roster = ["P1": RosterEntry(patientID: "P1", clinician: "Dr Ng", sessionsPerWeek: 5)]
        let patients = builder.records(roster: roster)
        #expect(patients.map(\.patientID) == ["P1", "P2"])
        #expect(patients[0].days.isEmpty && patients[0].sessionsPerWeek == 5 && patients[0].clinician == "Dr Ng")
        #expect(patients[1].sessionsPerWeek == 7 && patients[1].clinician == nil)
    }

    @Test func daysComeOutInDateOrderWhateverTheInputOrder() throws {
        var builder = CaseloadBuilder()
        for offset in [5, 1, 3, 0, 4, 2] { builder.add(entry(offset: offset)) }
        let days = try #require(builder.records().first?.days)
        #expect(days.map(\.date) == (0...5).map { day.adding(days: $0) })
    }

    /// Rows of interleaved patients, with days arriving in order, then out of order, then
    /// revisited: every arrival order gives each day exactly its own rows (counted here per
    /// patient and day, independently of the builder), days in date order.
    @Test(arguments: [
        [0, 1, 2, 3, 4, 5, 6, 7],  // ascending: the builder keeps no day table
        [3, 3, 1, 5, 0, 5, 2, 7, 1, 6, 4, 0],  // out of order from the third row on
        [7, 6, 5, 4, 3, 2, 1, 0, 7, 0],  // descending, then both ends again
    ])
    func everyRowLandsOnItsDayWhateverTheArrivalOrder(_ offsets: [Int]) throws {
        var builder = CaseloadBuilder()
        var expected: [String: [Int: (rows: Int, pain: Double)]] = [:]
        for (i, offset) in offsets.enumerated() {
            for id in ["P1", "P2"] {
                let pain = Double((i * 3 + offset + (id == "P2" ? 1 : 0)) % 11)
                builder.add(entry(id, offset: offset, pain: pain))
                let old = expected[id, default: [:]][offset]
                expected[id, default: [:]][offset] = ((old?.rows ?? 0) + 1, max(old?.pain ?? pain, pain))
            }
        }
        let records = builder.records()
        #expect(records.map(\.patientID) == ["P1", "P2"])
        for record in records {
            let want = try #require(expected[record.patientID])
            #expect(record.days.map { day.days(until: $0.date) } == want.keys.sorted())
            for d in record.days {
                let w = try #require(want[day.days(until: d.date)])
                #expect(d.exerciseRows == w.rows)
                #expect(d.pain == w.pain)
            }
        }
    }
}
