import Testing

@testable import CaseloadModel

/// Re-keying a builder's patients (what pseudonymisation does): the days stay as folded.
@Suite struct CaseloadBuilderRenamingTests {
    let day = CalendarDate(year: 2026, month: 3, day: 2) ?? CalendarDate(daysSinceEpoch: 0)

    func builder() -> CaseloadBuilder {
        var b = CaseloadBuilder()
        b.add(LogEntry(patientID: "A", date: day, sessionID: "s1", exercise: "bridge", durationMin: 5, pain: 2,
                       readiness: .pass))
        b.add(LogEntry(patientID: "A", date: day.adding(days: 1), pain: 3))
        b.add(LogEntry(patientID: "B", date: day, exercise: "squat", durationMin: 4, pain: 6, readiness: .fail))
        return b
    }

    @Test func renamedRecordsEqualTheOriginalsUnderTheirNewIDs() {
        let original = builder().records()
        let renamed = builder().renamingPatients { "x-" + $0 }.records()
        #expect(renamed.map(\.patientID) == ["x-A", "x-B"])
        #expect(renamed.map(\.days) == original.map(\.days))
        #expect(Set(builder().patientIDs) == ["A", "B"])
    }

    @Test func patientsRenamedAlikeAreMergedLikeOneBuilder() throws {
        let merged = builder().renamingPatients { _ in "same" }.records()
        #expect(merged.count == 1)
        let first = try #require(merged.first?.days.first)
        // Day 1: A's 5 minutes and B's 4; worst pain 6; one pass and one fail.
        #expect(first.exerciseRows == 2)
        #expect(first.minutes == 9)
        #expect(first.pain == 6)
        #expect(first.readinessPasses == 1)
        #expect(first.readinessFailures == 1)
        #expect(merged.first?.days.count == 2)
    }
}
