import CaseloadAnalytics
import PropertyBased
import Testing

@Suite struct StatisticsTests {
    @Test(arguments: [
        ([], nil),
        ([3.0], 3.0),
        ([1.0, 3.0], 2.0),
        ([5.0, 1.0, 3.0], 3.0),
        ([4.0, 4.0, 1.0, 9.0], 4.0),
    ] as [([Double], Double?)])
    func medianOfHandCases(values: [Double], expected: Double?) {
        #expect(median(values) == expected)
    }

    @Test func rollingMeanUsesOnlyPresentValuesInTheTrailingWindow() {
        // Index 7 sees indices 1…7 (only the 3); index 8 sees 2…8 (3 and 5).
        let values: [Double?] = [1, nil, 3, nil, nil, nil, nil, nil, 5]
        let expected: [Double?] = [1, 1, 2, 2, 2, 2, 2, 3, 4]
        #expect(rollingMean(values, window: 7) == expected)
        #expect(rollingMean([nil, nil], window: 7) == [nil, nil])
        #expect(rollingMean([], window: 7).isEmpty)
    }

    @Test(arguments: [
        // A line: every pairwise slope is 1.
        ([(0, 1), (1, 2), (2, 3)], 1.0),
        // One outlier: 10 slopes, six of them 1 → median 1 (scipy agrees).
        ([(0, 0), (1, 1), (2, 2), (3, 3), (4, 100)], 1.0),
        // Gaps keep their x positions: slopes 0.5, 0.8, 1.0 → 0.8.
        ([(0, 0), (2, 1), (5, 4)], 0.8),
        // Falling with a tie: slopes −1, −0.5, 0 → −0.5.
        ([(0, 2), (1, 1), (2, 1)], -0.5),
        // Undefined: one point, or no two x apart.
        ([(0, 1)], nil),
        ([(1, 2), (1, 3)], nil),
        ([], nil),
    ] as [([(Double, Double)], Double?)])
    func theilSenHandCases(points: [(Double, Double)], expected: Double?) {
        #expect(theilSenSlope(points.map { (x: $0.0, y: $0.1) }) == expected)
    }

    @Test func mannKendallStrictRise() {
        // S = 10 pairs all rising; Var = 5·4·15/18 = 16.667; z = 9/√16.667; p from Φ.
        let r = mannKendall([1, 2, 3, 4, 5])
        #expect(r.s == 10)
        #expect(close(r.variance, 300.0 / 18))
        #expect(close(r.z, 2.2045407685048604, 1e-12))
        #expect(close(r.p, 0.0274863361115103, 1e-9))  // pymannkendall 1.4.3
    }

    @Test func mannKendallTieCorrection() {
        // Pairs: five rising, one tied → S = 5; Var = (4·3·13 − 2·1·9)/18 = 138/18.
        let r = mannKendall([1, 2, 2, 3])
        #expect(r.s == 5)
        #expect(close(r.variance, 138.0 / 18))
        #expect(close(r.z, 4 / (138.0 / 18).squareRoot()))
        #expect(close(r.p, 0.14856177489186861, 1e-9))
    }

    @Test(arguments: [[], [4.0], [3.0, 3.0, 3.0, 3.0]] as [[Double]])
    func mannKendallWithoutEvidenceGivesPOne(values: [Double]) {
        let r = mannKendall(values)
        #expect(r.s == 0)
        #expect(r.z == 0)
        #expect(r.p == 1)
    }

    @Test func mannKendallFallingSeriesHasNegativeS() {
        let r = mannKendall([5, 4, 3, 2, 1])
        #expect(r.s == -10)
        #expect(close(r.z, -2.2045407685048604, 1e-12))
    }

    @Test(arguments: [
        // One clean step of 3 points after 10 days.
        (Array(repeating: 5.0, count: 10) + Array(repeating: 2.0, count: 10), 2.0, [10, 20]),
        // Flat: no change.
        (Array(repeating: 4.0, count: 20), 2.0, [20]),
        // Two steps of 2 points, 8 days each.
        (Array(repeating: 6.0, count: 8) + Array(repeating: 4.0, count: 8) + Array(repeating: 2.0, count: 8), 1.0, [8, 16, 24]),
        // The step is after 5 days but segments need 7: the best legal split is at 7
        // (cost 22.86 + 2 pens vs 60 + 1 pen unsplit; at 8 it would be 30).
        (Array(repeating: 5.0, count: 5) + Array(repeating: 1.0, count: 15), 2.0, [7, 20]),
        // Too short for two segments of 7.
        (Array(repeating: 5.0, count: 7) + Array(repeating: 1.0, count: 6), 0.0, [13]),
        // A huge penalty keeps one segment.
        (Array(repeating: 5.0, count: 10) + Array(repeating: 2.0, count: 10), 1000.0, [20]),
        ([], 1.0, []),
    ] as [([Double], Double, [Int])])
    func peltHandCases(values: [Double], penalty: Double, expected: [Int]) {
        #expect(pelt(values, penalty: penalty, minSegment: 7) == expected)
    }

    /// The median is found by selection; it must equal the middle of a sort, ties and all
    /// (small integer values force many equal keys, long arrays exercise the partitioning).
    @Test func medianBySelectionEqualsTheMiddleOfASort() async {
        let arrays = Gen.int(in: -5...5).array(of: 1...300)
        await propertyCheck(input: arrays) { ints in
            let values = ints.map { Double($0) / 2 }
            let sorted = values.sorted()
            let n = sorted.count
            let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            #expect(median(values) == expected)
        }
        #expect(median([]) == nil)
        #expect(median(Array(stride(from: 100.0, to: 0, by: -1))) == 50.5)
    }

    @Test func theilSenSlopeFlipsSignWhenMirrored() async {
        let series = Gen.double(in: 0...10).array(of: 2...40)
        await propertyCheck(input: series) { ys in
            let points = ys.enumerated().map { (x: Double($0.offset), y: $0.element) }
            let mirrored = points.map { (x: $0.x, y: -$0.y) }
            let slope = theilSenSlope(points)
            #expect(slope != nil)
            #expect(theilSenSlope(mirrored) == slope.map { -$0 })
        }
    }

    @Test func mannKendallPIsAProbabilityAndSFlipsWhenMirrored() async {
        let series = Gen.int(in: 0...10).array(of: 0...60)
        await propertyCheck(input: series) { ints in
            let ys = ints.map(Double.init)
            let r = mannKendall(ys)
            #expect(r.p >= 0 && r.p <= 1)
            #expect(r.variance >= 0)
            #expect(mannKendall(ys.map { -$0 }).s == -r.s)
        }
    }

    @Test func peltSegmentsAreLongEnoughAndCoverTheSeries() async {
        let series = Gen.int(in: 0...10).array(of: 0...80)
        await propertyCheck(input: series) { ints in
            let ends = pelt(ints.map(Double.init), penalty: 1.5, minSegment: 7)
            #expect(ends.last == (ints.isEmpty ? nil : ints.count))
            var start = 0
            for end in ends {
                #expect(end - start >= min(7, ints.count))
                start = end
            }
        }
    }
}
