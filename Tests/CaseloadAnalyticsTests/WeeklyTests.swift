import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct WeeklyTests {
    @Test func partialWeeksAtBothEnds() {
        // Programme Wed 2026-03-04 (d2) … Tue 2026-03-10 (d8): W10 has 5 days, W11 has 2.
        let days = [
            record(1, pain: 9, sessions: 1),  // before the programme
            record(2, pain: 4, sessions: 2, minutes: 12, painDuring: [2, 3], categories: [.strength]),
            record(3, pain: 2, checkIns: 1),
            record(4, sessions: 1, minutes: 8, painDuring: [5], categories: [.mobility, .massage]),
            record(6, pain: 3, sessions: 1, categories: [.activation, .strength]),
            record(7, sessions: 1, minutes: 15, categories: [.mobility]),
            record(9, sessions: 1),  // after A
        ]
        let weeks = weeklySummaries(days, from: d(2), asOf: d(8), sessionsPerWeek: 7)
        #expect(weeks.map(\.week) == [ISOWeek(year: 2026, week: 10), ISOWeek(year: 2026, week: 11)])
        let w10 = weeks[0], w11 = weeks[1]
        #expect(w10.sessionsPrescribed == 5)
        #expect(w10.sessionDays == 3)
        #expect(w10.adherencePct == 60)
        #expect(w10.minutes == 20)
        #expect(w10.painMean == 3)
        #expect(w10.painMax == 4)
        #expect(w10.painDuringMedian == 3)
        #expect(w10.strengthDays == 2)
        #expect(w10.mobilityDays == 2)
        #expect(w11.sessionsPrescribed == 2)
        #expect(w11.sessionDays == 1)
        #expect(w11.adherencePct == 50)
        #expect(w11.painMean == nil && w11.painMax == nil && w11.painDuringMedian == nil)
        #expect(w11.mobilityDays == 1 && w11.strengthDays == 0)
    }

    @Test func isoWeeksAcrossTheYearEnd() {
        // Sun 2026-12-27 is in 2026-W52; Mon 2026-12-28 … Sun 2027-01-03 is 2026-W53.
        let start = CalendarDate(iso: "2026-12-27") ?? day0
        let weeks = weeklySummaries([], from: start, asOf: start.adding(days: 8), sessionsPerWeek: 3.5)
        #expect(weeks.map(\.week.description) == ["2026-W52", "2026-W53", "2027-W01"])
        #expect(weeks.map(\.sessionsPrescribed) == [0.5, 3.5, 0.5])
        #expect(weeks.map(\.adherencePct) == [0, 0, 0])
    }

    @Test func startAfterAsOfGivesNoWeeks() {
        #expect(weeklySummaries([], from: d(3), asOf: d(2), sessionsPerWeek: 7).isEmpty)
    }
}
