import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct PlateauTests {
    static let asOf = d(41)
    static let stable = PainTrend(slopePerWeek: 0, pValue: 0.9, kendallS: 0, days: 21, trend: .stable)

    /// Two weeks at 8, then 28 days alternating 5 and 5.5: the last 28 days are flat.
    static let stalled = painDays((0...13).map { ($0, 8.0) } + (14...41).map { ($0, $0 % 2 == 0 ? 5.0 : 5.5) })

    static func assess(_ pain: [PainDay], current: Double? = nil, trend: PainTrend = stable, flares: [Flare] = []) -> PlateauAssessment {
        let current = current ?? meanPain(pain, in: asOf.adding(days: -6)...asOf)
        return assessPlateau(pain, asOf: asOf, currentPain: current, trend: trend, flares: flares)
    }

    @Test func flatPainAboveThreeIsAPlateauSinceTheLastChange() {
        let p = Self.assess(Self.stalled)
        #expect(p.isPlateau)
        #expect(abs(p.changeOverWindow ?? 99) < 1)
        #expect(p.since == d(14))  // the step from 8 down to ~5.25
        #expect(p.notAssessedBecause == nil)
    }

    @Test func aStallFollowedByAnotherStepDownIsNotAPlateau() {
        // Window d14…d41: 21 days at 5 then 7 days at 3.5. Theil–Sen: 147 falling pairs
        // against 231 flat ones → median slope 0, change 0, yet the last segment is 1.5 lower.
        let pain = painDays((0...13).map { ($0, 8.0) } + (14...34).map { ($0, 5.0) } + (35...41).map { ($0, 3.5) })
        let p = Self.assess(pain)
        #expect(p.changeOverWindow == 0)
        #expect(!p.isPlateau)
        #expect(p.notAssessedBecause == nil)
        #expect(painSegments(Array(pain.suffix(28))).map(\.count) == [21, 7])
    }

    @Test func improvingPainIsNoPlateau() {
        // −0.1/day × 27 days = −2.7 points.
        let pain = painDays((14...41).map { ($0, 8 - 0.1 * Double($0 - 14)) })
        let p = Self.assess(pain)
        #expect(!p.isPlateau)
        #expect(close(p.changeOverWindow, -2.7))
    }

    @Test func lowFlatPainIsNoPlateau() {
        let p = Self.assess(painDays((14...41).map { ($0, 2.0) }))
        #expect(!p.isPlateau)
        #expect(p.changeOverWindow == 0)
    }

    @Test func notAssessedWhenDataAreSparseOrSomethingElseIsGoingOn() {
        let nine = painDays((0..<9).map { (41 - 3 * $0, 5.0) })
        #expect(Self.assess(nine).notAssessedBecause == "fewer than 10 pain days in 28")
        let flare = Flare(start: d(40), end: d(41), baseline: 2, peak: 8, isOngoing: true)
        #expect(Self.assess(Self.stalled, flares: [flare]).notAssessedBecause == "a flare is going on")
        let worse = PainTrend(slopePerWeek: 1, pValue: 0.01, kendallS: 50, days: 21, trend: .worsening)
        #expect(Self.assess(Self.stalled, trend: worse).notAssessedBecause == "pain is worsening")
        let noRecent = assessPlateau(Self.stalled, asOf: Self.asOf, currentPain: nil, trend: Self.stable, flares: [])
        #expect(noRecent.notAssessedBecause == "no pain score in the last 7 days")
        for p in [Self.assess(nine), noRecent] {
            #expect(!p.isPlateau && p.changeOverWindow == nil && p.since == nil)
        }
    }

    @Test func segmentsOfSparseSeries() {
        #expect(painSegments([]).isEmpty)
        #expect(painSegments(painDays([(0, 4)])) == [0..<1])
        let step = painDays((0..<10).map { ($0, 6.0) } + (10..<20).map { ($0, 3.0) })
        #expect(painSegments(step) == [0..<10, 10..<20])
    }
}
