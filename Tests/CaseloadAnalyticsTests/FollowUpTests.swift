import CaseloadAnalytics
import CaseloadModel
import Testing

@Suite struct FollowUpTests {
    /// A = d(20) = 2026-03-22; a patient doing fine: nothing to follow up.
    static let fine = FollowUpEvidence(
        asOf: d(20), programStart: d(0), painBaseline: 4, painCurrent: 4,
        trend: PainTrend(slopePerWeek: -0.1, pValue: 0.6, kendallS: -3, days: 21, trend: .stable),
        flares: [],
        plateau: PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: -2, notAssessedBecause: nil),
        adherence14d: AdherenceWindow(days: 14, sessionDays: 13, prescribed: 14, percent: 100 * 13 / 14),
        lastLogDate: d(20), symptomDays: (14...20).map { record($0, pain: 4, sessions: 1, minutes: 15) })

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (inout FollowUpEvidence) -> Void
        /// The one reason expected, with its explanation; `nil` for none.
        var expected: (FollowUpReason, String)?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "fine", change: { _ in }, expected: nil),
        Case(name: "current 2 above baseline", change: { $0.painBaseline = 3.0; $0.painCurrent = 6.06 },
             expected: (.worseningPain, "pain 6.1 now vs 3.0 at baseline")),
        Case(name: "current 1.9 above baseline", change: { $0.painBaseline = 3.0; $0.painCurrent = 4.9 }, expected: nil),
        Case(name: "worsening trend",
             change: {
                 $0.painBaseline = 3.0; $0.painCurrent = 4.5
                 $0.trend = PainTrend(slopePerWeek: 0.94, pValue: 0.0021, kendallS: 80, days: 21, trend: .worsening)
             },
             expected: (.worseningPain, "pain 4.5 now vs 3.0 at baseline; rising 0.9/week over 21 days, p=0.002")),
        Case(name: "worsening trend, tiny p, no baseline",
             change: {
                 $0.painBaseline = nil; $0.painCurrent = 5
                 $0.trend = PainTrend(slopePerWeek: 1.2, pValue: 0.0004, kendallS: 120, days: 21, trend: .worsening)
             },
             expected: (.worseningPain, "pain 5.0 now; rising 1.2/week over 21 days, p<0.001")),
        Case(name: "persistent flare",
             change: { $0.flares = [Flare(start: d(16), end: d(20), baseline: 3, peak: 8, isOngoing: true)] },
             expected: (.persistentFlare, "flare since 2026-03-18 (5 days), pain up to 8.0 vs 3.0 before it")),
        Case(name: "3-day flare is the expected setback",
             change: { $0.flares = [Flare(start: d(18), end: d(20), baseline: 3, peak: 8, isOngoing: true)] },
             expected: nil),
        Case(name: "high exercise pain",
             change: { $0.symptomDays = [record(18, painDuring: [6, 7]), record(19, painDuring: [5])] },
             expected: (.highExercisePain, "median pain during exercise 6.0 over the last 7 days (3 ratings), above 5.0")),
        Case(name: "exercise pain at 5 is accepted",
             change: { $0.symptomDays = [record(18, painDuring: [4, 5, 6])] }, expected: nil),
        Case(name: "swelling twice",
             change: { $0.symptomDays = [record(15, swelling: true), record(16, swelling: false), record(19, swelling: true)] },
             expected: (.swelling, "2 of the last 7 days with swelling")),
        Case(name: "swelling once", change: { $0.symptomDays = [record(15, swelling: true)] }, expected: nil),
        Case(name: "night pain twice",
             change: { $0.symptomDays = [record(14, nightPain: true), record(20, nightPain: true)] },
             expected: (.nightPain, "2 of the last 7 days with night pain")),
        Case(name: "three failed readiness tests",
             change: { $0.symptomDays = [record(15, readinessFailures: 2), record(17, readinessFailures: 1)] },
             expected: (.readinessFailures, "3 failed readiness tests in the last 7 days")),
        Case(name: "two failed readiness tests",
             change: { $0.symptomDays = [record(15, readinessFailures: 2)] }, expected: nil),
        Case(name: "plateau",
             change: {
                 $0.painCurrent = 4.5
                 $0.plateau = PlateauAssessment(isPlateau: true, since: d(10), changeOverWindow: -0.3, notAssessedBecause: nil)
             },
             expected: (.plateau, "pain 4.5 now, changed -0.3 over the last 28 days; at this level since 2026-03-12")),
        Case(name: "last entry 9 days ago",
             change: { $0.lastLogDate = d(11); $0.symptomDays = [] },
             expected: (.noRecentData, "no log entry since 2026-03-13 (9 days)")),
        Case(name: "last entry on A−6", change: { $0.lastLogDate = d(14) }, expected: nil),
        Case(name: "nothing logged since the start",
             change: { $0.lastLogDate = nil; $0.programStart = d(15); $0.symptomDays = [] },
             expected: (.noRecentData, "no log entry since the programme started on 2026-03-17 (6 days)")),
        Case(name: "nothing logged, no start known",
             change: { $0.lastLogDate = nil; $0.programStart = nil; $0.symptomDays = [] },
             expected: (.noRecentData, "no log entry yet")),
        Case(name: "programme not started yet",
             change: { $0.lastLogDate = nil; $0.programStart = d(21); $0.symptomDays = [] }, expected: nil),
        Case(name: "low adherence",
             change: { $0.adherence14d = AdherenceWindow(days: 14, sessionDays: 6, prescribed: 14, percent: 600.0 / 14) },
             expected: (.lowAdherence, "6 session days in the last 14 days vs 14.0 prescribed (42.9%)")),
        Case(name: "adherence exactly 50%",
             change: { $0.adherence14d = AdherenceWindow(days: 14, sessionDays: 7, prescribed: 14, percent: 50) },
             expected: nil),
        Case(name: "long sessions",
             change: {
                 $0.symptomDays = [
                     record(15, sessions: 2, minutes: 35), record(16, sessions: 1, minutes: 40),
                     record(17, sessions: 1, minutes: 20), record(18, sessions: 1),  // no duration: not used
                     record(19, checkIns: 1),
                 ]
             },
             expected: (.longSessions,
                        "median 35.0 minutes of exercise on 3 session days in the last 7 days, against a programme of about 15 minutes")),
        Case(name: "30 minutes is not long",
             change: { $0.symptomDays = [record(15, sessions: 1, minutes: 30)] }, expected: nil),
    ]

    @Test(arguments: cases)
    func eachReasonOnItsOwn(c: Case) {
        var evidence = Self.fine
        c.change(&evidence)
        let flags = followUpFlags(evidence)
        if let (reason, explanation) = c.expected {
            #expect(flags.map(\.reason) == [reason])
            #expect(flags.first?.explanation == explanation)
            #expect(flags.allSatisfy { !$0.isNew })
        } else {
            #expect(flags.isEmpty)
        }
    }

    @Test func severalReasonsComeMostUrgentFirst() {
        var e = Self.fine
        e.adherence14d = AdherenceWindow(days: 14, sessionDays: 2, prescribed: 14, percent: 100 * 2 / 14)
        e.symptomDays = [record(15, nightPain: true, readinessFailures: 3), record(16, nightPain: true)]
        e.painBaseline = 2
        e.painCurrent = 5
        #expect(followUpFlags(e).map(\.reason) == [.worseningPain, .nightPain, .readinessFailures, .lowAdherence])
    }

    @Test func severitiesAreDistinctFromOneToTen() {
        let weights = FollowUpReason.allCases.map(\.severity)
        #expect(weights.sorted() == Array(1...10))
    }

    @Test(arguments: [
        ([], nil),
        ([(FollowUpReason.worseningPain, false)], 1000),
        ([(.longSessions, false)], 100),
        ([(.longSessions, true)], 101),
        ([(.worseningPain, true), (.plateau, false)], 1011),
        // Four minor reasons (max severity 4) stay below one night-pain flag (600).
        ([(.plateau, false), (.noRecentData, false), (.lowAdherence, false), (.longSessions, true)], 431),
        // Review finding: four severe reasons, all new (max 9), stay below worsening pain alone (1000).
        ([(.persistentFlare, true), (.highExercisePain, true), (.swelling, true), (.nightPain, true)], 931),
        // Ten reasons of max severity 7 stay below one reason of severity 8.
        ([(.swelling, true), (.nightPain, true), (.readinessFailures, true), (.plateau, true), (.noRecentData, true),
          (.lowAdherence, true), (.longSessions, true), (.swelling, true), (.nightPain, true), (.plateau, true)], 791),
    ] as [([(FollowUpReason, Bool)], Int?)])
    func priorityScoreFormula(flags: [(FollowUpReason, Bool)], expected: Int?) {
        #expect(priorityScore(flags.map { FollowUpFlag(reason: $0.0, explanation: "", isNew: $0.1) }) == expected)
    }
}
