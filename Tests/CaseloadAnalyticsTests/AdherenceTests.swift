import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct AdherenceTests {
    @Test(arguments: [
        (0, 7.0, 0.0),
        (7, 7.0, 100.0),
        (10, 7.0, 100.0),  // capped
        (3, 6.0, 50.0),
        (1, 0.0, nil),  // nothing prescribed
    ] as [(Int, Double, Double?)])
    func percentOfHandCases(sessionDays: Int, prescribed: Double, expected: Double?) {
        #expect(adherencePercent(sessionDays: sessionDays, prescribed: prescribed) == expected)
    }

    @Test(arguments: [(7.0, 14, 14.0), (3.0, 7, 3.0), (3.5, 10, 5.0), (7.0, 0, 0.0), (7.0, -3, 0.0)])
    func prescribedIsProRata(perWeek: Double, days: Int, expected: Double) {
        #expect(sessionsPrescribed(sessionsPerWeek: perWeek, days: days) == expected)
    }

    @Test func windowCountsOnlySessionDaysInsideIt() {
        let days = [
            record(-1, sessions: 1),  // before the window
            record(0, sessions: 2),
            record(1, sessions: 1),
            record(2, checkIns: 1),  // a check-in is not a session
            record(3, sessions: 1),
            record(7, sessions: 1),  // after the window
        ]
        let w = adherence(days, from: d(0), to: d(6), sessionsPerWeek: 3.5)
        #expect(w.days == 7)
        #expect(w.sessionDays == 3)
        #expect(w.prescribed == 3.5)
        #expect(close(w.percent, 100 * 3 / 3.5))
    }

    @Test func emptyWindowHasNoPercent() {
        let w = adherence([record(0, sessions: 1)], from: d(5), to: d(4), sessionsPerWeek: 7)
        #expect(w == AdherenceWindow(days: 0, sessionDays: 0, prescribed: 0, percent: nil))
        let none = adherence([], from: d(0), to: d(13), sessionsPerWeek: 7)
        #expect(none.percent == 0)
        #expect(none.prescribed == 14)
    }
}
