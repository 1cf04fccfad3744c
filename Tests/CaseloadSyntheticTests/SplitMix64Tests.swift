import Testing

@testable import CaseloadSynthetic

@Suite struct SplitMix64Tests {
    /// Reference outputs of Vigna's splitmix64.c (seed 0, and the commonly published seed 1234567).
    @Test(arguments: [
        (UInt64(0), [UInt64(0xE220_A839_7B1D_CDAF), 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F]),
        (UInt64(1_234_567), [UInt64(0x599E_D017_FB08_FC85), 0x2C73_F084_5854_0FA5]),
    ])
    func matchesTheReferenceImplementation(seed: UInt64, expected: [UInt64]) {
        var rng = SplitMix64(seed: seed)
        #expect(expected.map { _ in rng.next() } == expected)
    }

    @Test(arguments: [1, 2, 7, 100])
    func boundedDrawsStayInRangeAndCoverIt(bound: Int) {
        var rng = SplitMix64(seed: 42)
        var seen = Set<Int>()
        for _ in 0..<(bound * 50) {
            let v = rng.below(bound)
            #expect((0..<bound).contains(v))
            seen.insert(v)
        }
        #expect(seen.count == bound)
        for _ in 0..<200 {
            let u = rng.unit()
            #expect(u >= 0 && u < 1)
            #expect((3...5).contains(rng.int(in: 3...5)))
        }
    }

    @Test func streamsAreIndependentOfEachOther() {
        var a = SplitMix64(seed: 9, stream: 0, salt: 1)
        var b = SplitMix64(seed: 9, stream: 1, salt: 1)
        var c = SplitMix64(seed: 9, stream: 0, salt: 2)
        var a2 = SplitMix64(seed: 9, stream: 0, salt: 1)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in a2.next() })
        #expect(first != (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
    }
}
