import CaseloadAnalytics
import CaseloadModel
import Testing

/// Follow-up tiers (issue 14 §5): defaults, overrides, the patient's tier and the order.
@Suite struct FollowUpTierTests {
    @Test(arguments: [
        (FollowUpReason.worseningPain, FollowUpTier.urgent), (.persistentFlare, .urgent), (.highExercisePain, .urgent),
        (.swelling, .urgent), (.nightPain, .urgent), (.readinessFailures, .soon), (.plateau, .soon),
        (.noRecentData, .soon), (.lowAdherence, .soon), (.longSessions, .routine),
    ])
    func defaultTiers(reason: FollowUpReason, tier: FollowUpTier) {
        #expect(reason.defaultTier == tier)
        #expect(FollowUpTiers().tier(of: reason) == tier)
        #expect(!FollowUpTiers().isOverridden(reason))
    }

    /// Each default tier holds a contiguous run of severities, so ordering by tier first keeps the
    /// order by score under the defaults (reports byte-identical apart from the new column).
    @Test func defaultTiersHoldContiguousSeverities() {
        let bySeverity = FollowUpReason.allCases.sorted { $0.severity > $1.severity }.map(\.defaultTier)
        #expect(bySeverity == bySeverity.sorted())
    }

    @Test func tiersOrderFromUrgentToRoutine() {
        #expect(FollowUpTier.allCases.sorted() == [.urgent, .soon, .routine])
        #expect(FollowUpTier.urgent < .soon && FollowUpTier.soon < .routine)
    }

    @Test func overridesReplaceOnlyTheirReason() {
        let tiers = FollowUpTiers(overrides: [.nightPain: .soon, .longSessions: .urgent])
        #expect(tiers.tier(of: .nightPain) == .soon)
        #expect(tiers.tier(of: .longSessions) == .urgent)
        #expect(tiers.tier(of: .swelling) == .urgent)
        #expect(tiers.isOverridden(.nightPain) && !tiers.isOverridden(.swelling))
    }

    /// Three patients with mild, steady pain (no plateau: below plateau_min_current_pain): A with long
    /// sessions only, B with night pain only, C with low adherence only.
    static func caseload() -> [PatientRecord] {
        let asOf = 41
        func days(_ extra: (Int) -> DailyRecord) -> [DailyRecord] { (0...asOf).map(extra) }
        let a = patient("A", days { i in record(i, pain: 1, sessions: 1, minutes: 60) }, start: d(0))
        let b = patient(
            "B", days { i in record(i, pain: 1, sessions: 1, minutes: 15, nightPain: i >= asOf - 2) }, start: d(0))
        let c = patient("C", days { i in record(i, pain: 1, sessions: i % 4 == 0 ? 1 : 0, minutes: 15) }, start: d(0))
        return [a, b, c]
    }

    @Test func patientsAreOrderedByTierThenScore() {
        let records = Self.caseload()
        let defaults = analyse(records, asOf: d(41))
        #expect(defaults.patients.map(\.patientID) == ["B", "C", "A"])
        #expect(defaults.patients.map(\.tier) == [.urgent, .soon, .routine])
        #expect(defaults.patients.map(\.priority) == [1, 2, 3])

        // Overrides move patients: long sessions made urgent, night pain made routine.
        let tiers = FollowUpTiers(overrides: [.longSessions: .urgent, .nightPain: .routine])
        let overridden = analyse(records, asOf: d(41), tiers: tiers)
        #expect(overridden.patients.map(\.patientID) == ["A", "C", "B"])
        #expect(overridden.patients.map(\.tier) == [.urgent, .soon, .routine])
        #expect(overridden.tiers == tiers)
        let flag = overridden.patients.first { $0.patientID == "B" }?.followUp.first
        #expect(flag?.reason == .nightPain && flag?.tier == .routine)
    }

    @Test func aPatientsTierIsTheirMostUrgentReasons() {
        var summary = summarise(Self.caseload()[0], asOf: d(41), thresholds: Thresholds())
        #expect(summary.tier == .routine)
        summary.followUp.append(FollowUpFlag(reason: .swelling, explanation: "", isNew: false))
        #expect(summary.tier == .urgent)
        summary.followUp = []
        #expect(summary.tier == nil)
    }
}
