import CaseloadAnalytics
import CaseloadModel
import Testing

/// The audit definitions of issue 16, by table, with their edges.
@Suite struct AuditTests {
    /// The period: day 28 to day 55 after `day0`.
    static let period = AuditPeriod(from: d(28), to: d(55))

    /// A patient starting on day 0 with daily pain `pains[i]` on day i (nil: no row that day), each
    /// day a session; roster start day 0, 7 sessions a week, optional discharge day.
    static func patient(
        _ id: String, _ pains: [Double?], clinician: String? = "Dr Ng", discharge: Int? = nil, start: Int = 0
    ) -> PatientRecord {
        let days = pains.enumerated().compactMap { i, pain in pain.map { record(i + start, pain: $0, sessions: 1) } }
        let roster = RosterEntry(
            patientID: id, clinician: clinician, programStart: d(start), sessionsPerWeek: 7,
            dischargeDate: discharge.map(d))
        return PatientRecord(patientID: id, roster: roster, days: days)
    }

    /// Pain 6 for the first week, then `after` every day up to day `last`.
    static func steady(_ after: Double, through last: Int = 55) -> [Double?] {
        (0...last).map { $0 < 7 ? 6 : after }
    }

    static func episode(_ p: PatientRecord, audit: AuditThresholds = AuditThresholds()) -> AuditEpisode? {
        auditEpisode(p, period: period, thresholds: Thresholds(), audit: audit)
    }

    @Test func aTypicalEpisode() throws {
        let e = try #require(Self.episode(Self.patient("P", Self.steady(3))))
        #expect(e.programStart == d(0) && e.episodeEnd == d(55) && e.days == 56)
        #expect(e.baselinePain == 6 && e.finalPain == 3 && e.change == -3 && e.pctChange == -50)
        #expect(e.isComplete && e.mcidReached == true)
        // Day 7 onwards is 3: the trailing mean over days 1…7 is (6·6+3)/7 = 5.57, not yet 2 points down;
        // over days 4…10 it is (3·6+4·3)/7 = 4.29 (drop 1.71, 28.6 %); days 5…11: 3.86 (drop 2.14).
        #expect(e.daysToMCID == 11)
        #expect(e.status == .active)
        #expect(e.adherencePct == 100)
    }

    @Test(arguments: [
        // (name, pains, discharge, in audit?, complete?, mcid reached?, days to MCID, status)
        ("no baseline", [nil, nil, nil, nil, nil, nil, nil] + Array(repeating: 3.0, count: 49), nil, true, false, nil, nil,
         EpisodeStatus.active),
        ("baseline of 0", Array(repeating: 0.0, count: 7) + Array(repeating: 0.0, count: 49), nil, true, true, false, nil,
         .active),
        // Baseline 9, the last week 7: only the trailing week ending on the last day is 2 points down (22 %).
        ("MCID on the last day", Array(repeating: 9.0, count: 49) + Array(repeating: 7.0, count: 7), nil, true, true, true,
         55, .active),
        ("discharge before from", steady(3, through: 20), 20, false, false, nil, nil, .discharged),
        ("discharged in the period", steady(3, through: 40), 40, true, true, true, 11, .discharged),
        ("lapsed: no row in the last 14 days", steady(3, through: 41), nil, true, false, nil, 11, .lapsed),
        ("active: a row 13 days before the end", steady(3, through: 42), nil, true, false, nil, 11, .active),
        ("30 % without 2 points", Array(repeating: 5.0, count: 7) + Array(repeating: 3.5, count: 49), nil, true, true, true,
         13, .active),
        ("29 % and 1.9 points", Array(repeating: 6.5, count: 7) + Array(repeating: 4.6, count: 49), nil, true, true, false,
         nil, .active),
        ("worse", Array(repeating: 3.0, count: 7) + Array(repeating: 6.0, count: 49), nil, true, true, false, nil, .active),
    ] as [(String, [Double?], Int?, Bool, Bool, Bool?, Int?, EpisodeStatus)])
    func episodeEdges(
        name: String, pains: [Double?], discharge: Int?, inAudit: Bool, complete: Bool, reached: Bool?, days: Int?,
        status: EpisodeStatus
    ) {
        let e = Self.episode(Self.patient("P", pains, discharge: discharge))
        #expect((e != nil) == inAudit, "\(name)")
        guard let e else { return }
        #expect(e.isComplete == complete, "\(name)")
        #expect(e.mcidReached == reached, "\(name)")
        #expect(e.daysToMCID == days, "\(name)")
        #expect(e.status == status, "\(name)")
        if e.baselinePain == 0 { #expect(e.pctChange == nil, "\(name): no percentage of a zero baseline") }
    }

    @Test func episodeEndsAtDischargeAndFinalPainIsItsLastWeek() throws {
        var pains = Self.steady(3, through: 45)
        for i in 39...45 { pains[i] = 4 }
        let e = try #require(Self.episode(Self.patient("P", pains, discharge: 45)))
        #expect(e.episodeEnd == d(45) && e.days == 46)
        #expect(e.finalPain == 4)
        #expect(e.status == .discharged)
    }

    @Test func aPatientWithoutALogDayInThePeriodIsNotAudited() {
        // Logged only up to day 27; the programme is still open.
        #expect(Self.episode(Self.patient("P", Self.steady(3, through: 27))) == nil)
        // Starts after the period.
        #expect(Self.episode(Self.patient("Q", [5, 5], start: 60)) == nil)
    }

    @Test(arguments: [
        (2.0, 30.0, 6.0, 4.0, true), (2.0, 30.0, 6.0, 4.3, false), (2.0, 30.0, 5.0, 3.5, true),
        (2.0, 30.0, 5.0, 3.6, false), (1.2, 30.0, 6.0, 4.8, true), (2.0, 30.0, 0.0, 0.0, false),
        (2.0, 30.0, 4.0, 7.0, false),
    ] as [(Double, Double, Double, Double, Bool)])
    func mcidRule(points: Double, percent: Double, baseline: Double, pain: Double, expected: Bool) {
        var t = AuditThresholds()
        t.mcidPoints = points
        t.mcidPercent = percent
        #expect(meetsMCID(baseline: baseline, pain: pain, thresholds: t) == expected)
    }

    @Test(arguments: [
        // Reference values computed independently (Python, the textbook formula), to 5 decimals.
        (5, 10, 0.23659, 0.76341), (0, 10, 0.0, 0.27754), (10, 10, 0.72246, 1.0), (1, 1, 0.20654, 1.0),
        (30, 100, 0.21895, 0.39585),
    ] as [(Int, Int, Double, Double)])
    func wilson(successes: Int, n: Int, low: Double, high: Double) throws {
        let interval = try #require(wilsonInterval(successes: successes, of: n, z: 1.96))
        #expect(abs(interval.low - low) < 6e-6 && abs(interval.high - high) < 6e-6, "\(interval)")
    }

    @Test func wilsonOfNothingIsNil() {
        #expect(wilsonInterval(successes: 0, of: 0, z: 1.96) == nil)
    }

    @Test func funnelLimitsClipAndNarrow() {
        let t = AuditThresholds()
        let one = funnelLimits(p: 0.5, n: 1, thresholds: t)
        #expect(one.outerLow == 0 && one.outerHigh == 1)
        let hundred = funnelLimits(p: 0.5, n: 100, thresholds: t)
        #expect(abs(hundred.innerLow - (0.5 - 1.96 * 0.05)) < 1e-12)
        #expect(abs(hundred.outerHigh - (0.5 + 3.09 * 0.05)) < 1e-12)
        #expect(hundred.innerLow > hundred.outerLow && hundred.innerHigh < hundred.outerHigh)
    }

    /// Three clinicians: Dr Ng's six patients all improve, Dr Lee's six do not, Dr Ade has no complete episode.
    static func caseload() -> [PatientRecord] {
        let improving = (0..<6).map { patient("N\($0)", steady(3), clinician: "Dr Ng") }
        let flat = (0..<6).map { patient("L\($0)", steady(6), clinician: "Dr Lee") }
        let incomplete = [patient("A0", [nil, nil, nil, nil, nil, nil, nil] + Array(repeating: 3.0, count: 49), clinician: "Dr Ade")]
        return improving + flat + incomplete
    }

    @Test func cliniciansServiceAndFunnel() throws {
        let analysis = auditAnalysis(Self.caseload(), period: Self.period)
        #expect(analysis.clinicians.map(\.clinician) == ["Dr Ade", "Dr Lee", "Dr Ng"])
        #expect(analysis.episodes.map(\.patientID).prefix(2) == ["A0", "L0"])
        let ade = analysis.clinicians[0]
        #expect(ade.patients == 1 && ade.complete == 0 && ade.completenessPct == 0)
        #expect(ade.mcidPct == nil && ade.mcidCILow == nil && ade.medianChange == nil)
        let ng = analysis.clinicians[2]
        #expect(ng.complete == 6 && ng.mcidReached == 6 && ng.mcidPct == 100 && ng.medianChange == -3)
        #expect(ng.medianDaysToMCID == 11 && ng.medianAdherencePct == 100 && ng.active == 6)
        let service = analysis.service
        #expect(service.clinician == "All patients" && service.patients == 13 && service.complete == 12)
        #expect(service.mcidReached == 6 && service.mcidPct == 50)
        #expect(abs((service.completenessPct ?? 0) - 1200.0 / 13) < 1e-9)
        #expect(analysis.funnelCentre == 0.5)
        #expect(analysis.funnel.count == 6 && analysis.funnel.map(\.n) == Array(1...6))
        // At n = 6 the outer limits are 0.5 ± 3.09·0.204 = (0, 1) clipped: nobody is an outlier.
        #expect(analysis.outliers.isEmpty)
        #expect(analysis.patientsOutsidePeriod == 0)
    }

    @Test func aClinicianOutsideTheOuterLimitsIsNamed() {
        let improving = (0..<40).map { Self.patient("N\($0)", Self.steady(3), clinician: "Dr Ng") }
        let mixed = (0..<40).map { Self.patient("M\($0)", Self.steady($0 < 20 ? 3 : 6), clinician: "Dr May") }
        let flat = (0..<40).map { Self.patient("L\($0)", Self.steady(6), clinician: "Dr Lee") }
        let analysis = auditAnalysis(improving + mixed + flat, period: Self.period)
        #expect(analysis.funnelCentre == 0.5)
        #expect(analysis.outliers == ["Dr Lee", "Dr Ng"])
    }

    @Test func everyPatientLapsed() {
        // Three clinicians' patients all stopped logging three weeks before the period's end.
        let patients = ["Dr A", "Dr B", "Dr C"].enumerated().map { i, name in
            Self.patient("P\(i)", Self.steady(3, through: 34), clinician: name)
        }
        let analysis = auditAnalysis(patients, period: Self.period)
        #expect(analysis.clinicians.map(\.lapsed) == [1, 1, 1])
        #expect(analysis.service.lapsed == 3 && analysis.service.active == 0 && analysis.service.discharged == 0)
        // The final week (days 49…55) has no pain: no episode is complete, so no funnel.
        #expect(analysis.service.complete == 0 && analysis.funnelCentre == nil)
        #expect(analysis.episodes.allSatisfy { $0.daysToMCID == 11 })
    }

    @Test func onePatientAndAllLapsed() {
        let one = auditAnalysis([Self.patient("P", Self.steady(3, through: 30))], period: Self.period)
        #expect(one.episodes.count == 1 && one.clinicians.count == 1)
        #expect(one.service.lapsed == 1 && one.service.active == 0 && one.service.discharged == 0)
        #expect(one.service.complete == 0 && one.funnelCentre == nil && one.funnel.isEmpty)
        let none = auditAnalysis([], period: Self.period)
        #expect(none.episodes.isEmpty && none.clinicians.isEmpty && none.service.patients == 0)
        #expect(none.service.mcidPct == nil && none.service.medianChange == nil)
    }

    @Test(arguments: [
        // (scores as (day, instrument, score), complete, baseline, final, change, MIC reached)
        ([(0, PROMInstrument.koosPF, 50.0), (50, .koosPF, 70.0)], true, 50.0, 70.0, 20.0, true),
        ([(-14, .koosPF, 50.0), (28, .koosPF, 60.0)], true, 50.0, 60.0, 10.0, false),
        ([(-15, .koosPF, 50.0), (50, .koosPF, 70.0)], false, nil, 70.0, nil, nil),
        // The final window is E−28…E (days 27…55): day 27 is in it, day 26 is not.
        ([(0, .koosPF, 50.0), (27, .koosPF, 70.0)], true, 50.0, 70.0, 20.0, true),
        ([(0, .koosPF, 50.0), (26, .koosPF, 70.0)], false, 50.0, nil, nil, nil),
        ([(2, .akps, 60.0), (40, .akps, 65.0), (55, .akps, 70.0)], true, 60.0, 70.0, 10.0, true),
        ([(2, .akps, 60.0), (55, .akps, 65.0), (3, .koosPF, 40.0)], true, 60.0, 65.0, 5.0, false),
        ([(3, .koosPF, 40.0)], false, 40.0, nil, nil, nil),
    ] as [([(Int, PROMInstrument, Double)], Bool, Double?, Double?, Double?, Bool?)])
    func proms(
        scores: [(Int, PROMInstrument, Double)], complete: Bool, baseline: Double?, final: Double?, change: Double?,
        reached: Bool?
    ) throws {
        let list = scores.map { PROMScore(patientID: "P", date: d($0.0), instrument: $0.1, score: $0.2) }
        let outcome = try #require(promOutcome(list, start: d(0), end: d(55), thresholds: AuditThresholds()))
        #expect(outcome.isComplete == complete)
        #expect(outcome.baseline == baseline && outcome.final == final && outcome.change == change)
        #expect(outcome.micReached == reached)
        #expect(promOutcome([], start: d(0), end: d(55), thresholds: AuditThresholds()) == nil)
    }

    /// A final score must come after the baseline score, even when the windows overlap.
    @Test func aPROMFinalScoreComesAfterTheBaseline() throws {
        let same = [PROMScore(patientID: "P", date: d(3), instrument: .akps, score: 50)]
        let outcome = try #require(promOutcome(same, start: d(0), end: d(20), thresholds: AuditThresholds()))
        #expect(outcome.baseline == 50 && outcome.final == nil && !outcome.isComplete)
        let later = same + [PROMScore(patientID: "P", date: d(9), instrument: .akps, score: 65)]
        let both = try #require(promOutcome(later, start: d(0), end: d(20), thresholds: AuditThresholds()))
        #expect(both.final == 65 && both.change == 15 && both.micReached == true)
    }

    /// Review finding: an episode shorter than the baseline and final windows together had them share
    /// days, so its change was 0 by construction; it now has no final pain and is not complete.
    @Test func aShortEpisodeIsNotComplete() throws {
        // Starts on day 45 of the 28…55 period: E − 6 = 49 falls inside the baseline week 45…51.
        let short = try #require(Self.episode(Self.patient("S", Array(repeating: 6.0, count: 11), start: 45)))
        #expect(short.baselinePain == 6 && short.finalPain == nil && !short.isComplete)
        #expect(short.change == nil && short.mcidReached == nil)
        // Fourteen days: the windows 41…47 and 48…54 just meet.
        let enough = try #require(Self.episode(Self.patient("T", Array(repeating: 6.0, count: 14), discharge: 54, start: 41)))
        #expect(enough.isComplete && enough.change == 0)
    }

    @Test func promsReachTheEpisodeAndTheClinicianRow() throws {
        let scores = [
            PROMScore(patientID: "N0", date: d(1), instrument: .koosPF, score: 40),
            PROMScore(patientID: "N0", date: d(50), instrument: .koosPF, score: 60),
            PROMScore(patientID: "N1", date: d(1), instrument: .akps, score: 70),
            PROMScore(patientID: "N1", date: d(50), instrument: .akps, score: 75),
            PROMScore(patientID: "X9", date: d(1), instrument: .akps, score: 70),
        ]
        let analysis = auditAnalysis(Self.caseload(), period: Self.period, proms: scores)
        let n0 = try #require(analysis.episodes.first { $0.patientID == "N0" })
        #expect(n0.prom?.instrument == .koosPF && n0.prom?.change == 20 && n0.prom?.micReached == true)
        let ng = try #require(analysis.clinicians.first { $0.clinician == "Dr Ng" })
        #expect(ng.promComplete == 2 && ng.promMICPct == 50)
        #expect(analysis.clinicians.first { $0.clinician == "Dr Lee" }?.promMICPct == nil)
    }
}
