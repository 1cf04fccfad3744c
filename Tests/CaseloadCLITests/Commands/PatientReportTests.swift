import CaseloadAnalytics
import CaseloadModel
import Testing

@testable import CaseloadCLI

/// The `caseload patient` text chart.
@Suite struct PatientReportTests {
    @Test(arguments: [(nil, "·"), (0.0, "▁"), (10.0, "█"), (5.0, "▅"), (-1.0, "▁"), (12.0, "█")] as [(Double?, Character)])
    func glyphs(pain: Double?, glyph: Character) {
        #expect(PatientReport.glyph(pain) == glyph)
    }

    @Test func chartStartsEachWeekOnMondayAndMarksFlares() throws {
        // 2026-11-18 is a Wednesday (ISO week 47); five days, the last two in a flare.
        let start = try #require(CalendarDate(iso: "2026-11-18"))
        #expect(start.isoWeekday == 3)
        let pains: [Double?] = [2, nil, 4.5, 8, 10, 3]
        let series = pains.enumerated().map { i, pain in
            DailyPainPoint(date: start.adding(days: i), pain: pain, rollingMean7: nil, inFlare: i == 3 || i == 4)
        }
        let chart = PatientReport.painChart(series)
        #expect(chart.count == 2)
        // Seven glyph columns, a space, then seven values right-aligned in 5 characters each:
        // Wed..Sun of W47 (Mon and Tue blank), then Monday of W48.
        let blank = String(repeating: " ", count: 5)
        #expect(chart[0] == "2026-W47    ▂·▄▇█ " + blank + blank + "    2" + "    ·" + "  4.5" + "   8!" + "  10!")
        #expect(chart[1] == "2026-W48  ▃" + String(repeating: " ", count: 6) + " " + "    3")
        // A full week of flare days with decimals is exactly as wide as a week of single digits.
        let monday = start.adding(days: 5)
        let wide = (0..<14).map { i in
            DailyPainPoint(date: monday.adding(days: i), pain: i < 7 ? 6.5 : 1, rollingMean7: nil, inFlare: i < 7)
        }
        let lines = PatientReport.painChart(wide)
        #expect(lines.count == 2)
        #expect(lines[0].count == lines[1].count)
        #expect(lines[0].hasSuffix(String(repeating: " 6.5!", count: 7)))
    }

    @Test(arguments: [(7.0, "7"), (6.5, "6.5"), (0.0, "0"), (6.25, "6.3"), (6.96, "7")])
    func scoresKeepTheirDecimalOnlyWhenNeeded(value: Double, text: String) {
        #expect(Figure.painScore(value) == text)
    }
}
