import Testing

@testable import CaseloadImport

/// `[dates] format` and the `hm` duration unit.
@Suite struct ProfileFormatsTests {
    struct DateCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        var value: String
        var iso: String?
        var testDescription: String { "\(pattern) \(value)" }
    }

    static let dates: [DateCase] = [
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 Sep 2025, 07:48", iso: "2025-09-15T07:48"),
        DateCase(pattern: "%d %b %Y, %H:%M", value: " 3 jul 2024, 15:36 ", iso: "2024-07-03T15:36"),
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 Sept 2025, 07:48", iso: "2025-09-15T07:48"),
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 September 2025, 07:48", iso: "2025-09-15T07:48"),
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 Sep 2025 07:48", iso: nil),
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 Sep 2025, 24:00", iso: nil),
        DateCase(pattern: "%d %b %Y, %H:%M", value: "15 Sep 2025, 07:48 extra", iso: nil),
        DateCase(pattern: "%d %B %Y", value: "1 MAY 2025", iso: "2025-05-01"),
        // Strong's 12-hour time with U+202F NARROW NO-BREAK SPACE before a lower-case pm.
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 12:34:56\u{202F}pm", iso: "2025-01-30T12:34:56"),
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 12:34:56\u{202F}am", iso: "2025-01-30T00:34:56"),
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 6:05:00 PM", iso: "2025-01-30T18:05:00"),
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 6:05:00p.m.", iso: "2025-01-30T18:05:00"),
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 13:05:00 pm", iso: nil),
        DateCase(pattern: "%Y-%m-%d %I:%M:%S %p", value: "2025-01-30 0:05:00 am", iso: nil),
        DateCase(pattern: "%d/%m/%y", value: "03/04/26", iso: "2026-04-03"),
        DateCase(pattern: "%d/%m/%y", value: "03/04/69", iso: "1969-04-03"),
        DateCase(pattern: "%m/%d/%Y %H:%M", value: "4/3/2026 9:05", iso: "2026-04-03T09:05"),
        DateCase(pattern: "%Y%m%d", value: "20260403", iso: "2026-04-03"),
        DateCase(pattern: "%d.%m.%Y %% %H:%M:%S", value: "3.4.2026 % 23:59:59", iso: "2026-04-03T23:59:59"),
        DateCase(pattern: "%d.%m.%Y", value: "3.4.26", iso: nil),
        // Not checked to exist here (the reader says "does not exist").
        DateCase(pattern: "%d %b %Y", value: "31 Feb 2025", iso: "2025-02-31"),
    ]

    @Test(arguments: dates)
    func readsDates(_ c: DateCase) throws {
        let format = try ProfileDateFormat(c.pattern)
        #expect(format.isoText(c.value) == c.iso)
    }

    @Test(arguments: ["%d %Q %Y", "%Y-%m", "%d %b %Y %I:%M", "%d %b %Y %H", "%d %b %Y %H:%M %p", "%d %m %Y %m", "%d %b %m %Y", "%d %b %Y %"])
    func refusesPatterns(_ pattern: String) {
        #expect(throws: ProfileDateFormat.Problem.self) { try ProfileDateFormat(pattern) }
    }

    @Test(arguments: [
        ("1h 15m", 75.0), ("35m", 35), ("45s", 0.75), ("1h", 60), ("2h 5m 30s", 125.5), ("1 h 5 min", 65),
        ("1H15M", 75), ("0:25:00", 25), ("1:02:30", 62.5), ("1.5h", 90),
    ] as [(String, Double)])
    func readsHoursAndMinutes(_ text: String, _ minutes: Double) {
        #expect(ProfileDuration.minutes(hm: text) == minutes)
    }

    @Test(arguments: ["", "35", "1h 1h", "m", "1x", "25:00", "0:61:00", "-5m", "1h, 5m", "1:2:3", "9999999999m"])
    func refusesOtherDurations(_ text: String) {
        #expect(ProfileDuration.minutes(hm: text) == nil)
    }

    @Test func aPoundIsExactlyTheInternationalPound() {
        #expect(LoadUnit.kilogramsPerPound == 0.45359237)
        // Strong's own conversion of 15 lb, as its 2019 exports write it.
        #expect(15 * LoadUnit.lb.kilograms == 6.80388555)
        #expect(LoadUnit.kg.kilograms == 1)
    }
}
