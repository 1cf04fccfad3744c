import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct PainSeriesTests {
    @Test func dailyPainSkipsDaysWithoutAScore() {
        let days = [record(0, pain: 3), record(1, sessions: 1), record(2, pain: 0)]
        #expect(dailyPain(from: days) == painDays([(0, 3), (2, 0)]))
        #expect(dailyPain(from: [DailyRecord]()).isEmpty)
    }

    @Test func programStartPrefersTheRoster() {
        let days = [record(3, pain: 1)]
        #expect(programStart(of: patient("a", days, start: d(1))) == d(1))
        #expect(programStart(of: patient("a", days)) == d(3))
        #expect(programStart(of: patient("a", [])) == nil)
    }

    @Test func meanPainOverARange() {
        let pain = painDays([(0, 2), (1, 4), (5, 9)])
        #expect(meanPain(pain, in: d(0)...d(4)) == 3)
        #expect(meanPain(pain, in: d(2)...d(4)) == nil)
    }

    /// A = d(20), the trend window is d(0)…d(20).
    static let asOf = d(20)

    @Test func risingPainIsWorsening() {
        // 2 + 0.2·i over 21 days: slope 0.2/day = 1.4/week; MK S = 210, z ≈ 6.3 → p < 0.001.
        let pain = painDays((0...20).map { ($0, 2 + 0.2 * Double($0)) })
        let t = painTrend(pain, asOf: Self.asOf)
        #expect(t.trend == .worsening)
        #expect(close(t.slopePerWeek, 1.4))
        #expect(t.kendallS == 210)
        #expect((t.pValue ?? 1) < 0.001)
        #expect(t.days == 21)
    }

    @Test func fallingPainIsImproving() {
        let pain = painDays((0...20).map { ($0, 8 - 0.2 * Double($0)) })
        let t = painTrend(pain, asOf: Self.asOf)
        #expect(t.trend == .improving)
        #expect(close(t.slopePerWeek, -1.4))
    }

    @Test func significantButSmallSlopeIsStable() {
        // 0.05/day = 0.35/week: significant but under the 0.5/week threshold.
        let pain = painDays((0...20).map { ($0, 3 + 0.05 * Double($0)) })
        let t = painTrend(pain, asOf: Self.asOf)
        #expect((t.pValue ?? 1) < 0.05)
        #expect(t.trend == .stable)
    }

    @Test func gapsKeepTheirCalendarPositions() {
        // Every other day, +0.5 per logged day = 0.25/day = 1.75/week (3.5 if gaps were closed).
        let pain = painDays((0...10).map { (2 * $0, 1 + 0.5 * Double($0)) })
        let t = painTrend(pain, asOf: Self.asOf)
        #expect(close(t.slopePerWeek, 1.75))
        #expect(t.days == 11)
    }

    @Test(arguments: [
        // 7 pain days: too few.
        (0...6).map { ($0 * 3, 4.0) },
        // 10 pain days but none in A−6…A.
        (0...9).map { ($0, 4.0) },
        // Nothing.
        [],
    ] as [[(Int, Double)]])
    func sparseWindowsHaveInsufficientData(pairs: [(Int, Double)]) {
        let t = painTrend(painDays(pairs), asOf: Self.asOf)
        #expect(t.trend == .insufficientData)
        #expect(t.slopePerWeek == nil && t.pValue == nil && t.kendallS == nil)
    }

    @Test func daysBeforeTheTrendWindowAreIgnored() {
        // Rising steeply before the window, flat inside it.
        let pain = painDays((-10...(-1)).map { ($0, Double($0 + 10)) } + (0...20).map { ($0, 3.0) })
        let t = painTrend(pain, asOf: Self.asOf)
        #expect(t.days == 21)
        #expect(t.slopePerWeek == 0)
        #expect(t.trend == .stable)
    }

    @Test func seriesHasOnePointPerCalendarDay() {
        let days = [record(0, pain: 2), record(2, pain: 4), record(9, pain: 6)]
        let flare = Flare(start: d(9), end: d(9), baseline: 3, peak: 6, isOngoing: true)
        let series = painSeries(days, from: d(0), asOf: d(10), flares: [flare])
        #expect(series.count == 11)
        #expect(series.map(\.date) == (0...10).map(d))
        #expect(series[1].pain == nil)
        // Rolling means: days 0–6 see {2} then {2, 4}; day 7 sees d1…d7 → {4};
        // day 8 sees d2…d8 → {4}; day 9 sees d3…d9 → {6}.
        #expect(series.map(\.rollingMean7) == [2, 2, 3, 3, 3, 3, 3, 4, 4, 6, 6])
        #expect(series.map(\.inFlare) == Array(repeating: false, count: 9) + [true, false])
        #expect(painSeries(days, from: d(11), asOf: d(10), flares: []).isEmpty)
    }
}
