import PropertyBased
import Testing

@testable import CaseloadModel

@Suite struct CalendarDateTests {
    @Test(arguments: [
        ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017),
        ("2026-11-22", 20_779), ("1900-01-01", -25_567), ("2199-12-31", 84_005),
    ])
    func daysSinceEpoch(iso: String, days: Int) throws {
        let date = try #require(CalendarDate(iso: iso))
        #expect(date.daysSinceEpoch == days)
        #expect(date.isoString == iso)
    }

    @Test(arguments: ["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "26-01-01",
                      "2026/01/01", "2026-01-01T00:00", "", "abcd-ef-gh", "2026-01-00"])
    func rejectsImpossibleOrMalformedDates(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test(arguments: [("2024-02-29", true), ("1900-02-28", true), ("2000-02-29", true)])
    func acceptsLeapDays(text: String, valid: Bool) {
        #expect((CalendarDate(iso: text) != nil) == valid)
    }

    /// ISO weeks near year ends (checked against `date +%G-W%V`).
    @Test(arguments: [
        ("2026-01-01", "2026-W01", 4), ("2025-12-29", "2026-W01", 1), ("2027-01-01", "2026-W53", 5),
        ("2027-01-03", "2026-W53", 7), ("2027-01-04", "2027-W01", 1), ("2021-01-03", "2020-W53", 7),
        ("2024-12-30", "2025-W01", 1), ("2026-11-22", "2026-W47", 7), ("2026-11-23", "2026-W48", 1),
    ])
    func isoWeeks(iso: String, week: String, weekday: Int) throws {
        let date = try #require(CalendarDate(iso: iso))
        #expect(date.isoWeek.description == week)
        #expect(date.isoWeekday == weekday)
        #expect(date.isoWeek.monday == date.adding(days: 1 - weekday))
    }

    @Test func excelSerialOfKnownDates() throws {
        #expect(try #require(CalendarDate(iso: "1970-01-01")).excelSerial == 25_569)
        #expect(try #require(CalendarDate(iso: "2026-11-22")).excelSerial == 46_348)
    }

    @Test func civilRoundTripsForEveryDayInFourCenturies() async {
        await propertyCheck(input: Gen.int(in: -30_000...90_000)) { days in
            let date = CalendarDate(daysSinceEpoch: days)
            let (y, m, d) = date.components
            #expect(CalendarDate(year: y, month: m, day: d) == date)
            #expect(CalendarDate(iso: date.isoString) == date)
            #expect(date.adding(days: 1).days(until: date) == -1)
            let monday = date.isoWeek.monday
            #expect(monday.isoWeekday == 1)
            #expect((0...6).contains(monday.days(until: date)))
        }
    }
}
