import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct FlaresTests {
    @Test func aFlareStartsTwoPointsAboveTheMedianAndEndsBelowIt() {
        // Reference for d4 = median(2, 2, 2, 2) = 2; 5 ≥ 4 starts, 4 ≥ 4 extends, 3 < 4 ends.
        let pain = painDays([(0, 2), (1, 2), (2, 2), (3, 2), (4, 5), (5, 4), (6, 3)])
        let flares = detectFlares(pain, asOf: d(6))
        #expect(flares == [Flare(start: d(4), end: d(5), baseline: 2, peak: 5, isOngoing: false)])
        #expect(flares.first?.lengthDays == 2)
    }

    @Test func belowTheMarginIsNoFlare() {
        let pain = painDays([(0, 2), (1, 2), (2, 3), (3, 2), (4, 3.9)])
        #expect(detectFlares(pain, asOf: d(4)).isEmpty)
    }

    @Test func needsThreeReferenceValuesInTheSevenDaysBefore() {
        // Only two values before d2.
        #expect(detectFlares(painDays([(0, 2), (1, 2), (2, 9)]), asOf: d(2)).isEmpty)
        // Three values, but 8–10 days before d10: outside the 7-day reference.
        #expect(detectFlares(painDays([(0, 2), (1, 2), (2, 2), (10, 9)]), asOf: d(10)).isEmpty)
    }

    @Test func theReferenceIsFrozenWhenTheFlareStarts() {
        // A moving median would reach 5 by d8 and end the flare; the frozen 2 keeps it going.
        let pain = painDays((0...3).map { ($0, 2.0) } + (4...10).map { ($0, 5.0) })
        let flares = detectFlares(pain, asOf: d(10))
        #expect(flares == [Flare(start: d(4), end: d(10), baseline: 2, peak: 5, isOngoing: true)])
        #expect(flares.allSatisfy { isPersistent($0) })
    }

    @Test func aDayWithoutAPainScoreNeitherEndsNorExtends() {
        let base: [(Int, Double)] = (0...3).map { ($0, 2.0) }
        // d5, d6 missing; d7 still high → one flare d4…d7, going on, 4 days → persistent.
        let still = detectFlares(painDays(base + [(4, 6), (7, 5)]), asOf: d(8))
        #expect(still == [Flare(start: d(4), end: d(7), baseline: 2, peak: 6, isOngoing: true)])
        #expect(still.first.map { isPersistent($0) } == true)
        // d7 settled → ended on d4, the last high day.
        let settled = detectFlares(painDays(base + [(4, 6), (7, 3)]), asOf: d(8))
        #expect(settled == [Flare(start: d(4), end: d(4), baseline: 2, peak: 6, isOngoing: false)])
        // Nothing logged after d4: going on, 1 day, not persistent.
        let open = detectFlares(painDays(base + [(4, 6)]), asOf: d(8))
        #expect(open.first?.isOngoing == true)
        #expect(open.first.map { isPersistent($0) } == false)
    }

    @Test(arguments: [(3, false), (4, true)])
    func persistentWhenLongerThanThreeDays(length: Int, persistent: Bool) {
        let flare = Flare(start: d(0), end: d(length - 1), baseline: 2, peak: 6, isOngoing: true)
        #expect(isPersistent(flare) == persistent)
        var ended = flare
        ended.isOngoing = false
        #expect(!isPersistent(ended))
    }

    @Test func daysAfterTheAsOfDateAreIgnored() {
        let pain = painDays([(0, 2), (1, 2), (2, 2), (3, 2), (4, 7)])
        #expect(detectFlares(pain, asOf: d(3)).isEmpty)
    }

    @Test(arguments: [[], [(0, 5.0)], [(0, 1.0), (1, 9.0)]] as [[(Int, Double)]])
    func sparseSeriesHaveNoFlares(pairs: [(Int, Double)]) {
        #expect(detectFlares(painDays(pairs), asOf: d(30)).isEmpty)
    }
}
