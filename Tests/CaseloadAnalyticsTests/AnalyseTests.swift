import CaseloadAnalytics
import CaseloadModel
import PropertyBased
import Testing

@Suite struct AnalyseTests {
    /// 21 days (d0…d20) of a session with pain 2 and 15 minutes: nothing to follow up
    /// (flat pain of 3 or more would be a plateau).
    static func fineDays(_ change: (Int, inout DailyRecord) -> Void = { _, _ in }) -> [DailyRecord] {
        (0...20).map { i in
            var r = record(i, pain: 2, sessions: 1, minutes: 15)
            change(i, &r)
            return r
        }
    }

    // MARK: Sparse data

    @Test func rosterOnlyPatientWithoutStart() {
        let s = summarise(PatientRecord(patientID: "p", roster: RosterEntry(patientID: "p"), days: []), asOf: d(20), thresholds: Thresholds())
        #expect(s.programStart == nil && s.firstDate == nil && s.lastDate == nil)
        #expect(s.daysInProgram == 0 && s.sessionsPrescribed == 0 && s.sessionsCompleted == 0)
        #expect(s.adherencePct == nil && s.adherence14dPct == nil)
        #expect(s.painBaseline == nil && s.painCurrent == nil && s.painChange == nil)
        #expect(s.trend.trend == .insufficientData)
        #expect(s.plateau.isPlateau == false && s.plateau.notAssessedBecause != nil)
        #expect(s.flares.isEmpty && s.weekly.isEmpty && s.painSeries.isEmpty && s.days.isEmpty)
        #expect(s.level == LevelSummary(current: nil, daysAtCurrent: nil, regressions: 0))
        // Held a week earlier too, so not new.
        #expect(s.followUp == [FollowUpFlag(reason: .noRecentData, explanation: "no log entry yet", isNew: false)])
    }

    /// Review finding: a discharged patient kept accruing prescribed sessions and was flagged every week.
    @Test func dischargedPatientIsSummarisedAtDischargeAndNotFlagged() {
        // Daily sessions d0…d20, discharged on d20, reviewed as of d48 (four weeks of silence).
        var discharged = patient("p", Self.fineDays(), start: d(0))
        discharged.roster?.dischargeDate = d(20)
        let s = summarise(discharged, asOf: d(48), thresholds: Thresholds())
        #expect(s.daysInProgram == 21)
        #expect(s.sessionsCompleted == 21 && s.adherencePct == 100)
        #expect(s.followUp.isEmpty && s.priorityScore == nil)
        // The same patient without a discharge date is flagged for the silence.
        let active = summarise(patient("p", Self.fineDays(), start: d(0)), asOf: d(48), thresholds: Thresholds())
        #expect(Set(active.followUp.map(\.reason)) == [.noRecentData, .lowAdherence])
        // A discharge date on or after A changes nothing.
        var later = patient("p", Self.fineDays(), start: d(0))
        later.roster?.dischargeDate = d(48)
        #expect(summarise(later, asOf: d(48), thresholds: Thresholds()).followUp.map(\.reason)
            == active.followUp.map(\.reason))
    }

    @Test func programmeStartingAfterTheAsOfDate() {
        let s = summarise(patient("p", [record(22, pain: 4, sessions: 1)], start: d(21)), asOf: d(20), thresholds: Thresholds())
        #expect(s.daysInProgram == 0)
        #expect(s.adherencePct == nil && s.adherence14dPct == nil)
        #expect(s.weekly.isEmpty && s.painSeries.isEmpty && s.days.isEmpty)
        #expect(s.followUp.isEmpty)
        #expect(s.rowsAfterAsOf == 1)
    }

    @Test func oneDay() {
        let s = summarise(patient("p", [record(20, pain: 3, sessions: 1)]), asOf: d(20), thresholds: Thresholds())
        #expect(s.programStart == d(20) && s.daysInProgram == 1)
        #expect(s.sessionsPrescribed == 1 && s.sessionsCompleted == 1 && s.adherencePct == 100 && s.adherence14dPct == 100)
        #expect(s.painBaseline == 3 && s.painCurrent == 3 && s.painChange == 0)
        #expect(s.trend.trend == .insufficientData)
        #expect(s.painSeries == [DailyPainPoint(date: d(20), pain: 3, rollingMean7: 3, inFlare: false)])
        #expect(s.weekly.count == 1)
        #expect(s.followUp.isEmpty)
    }

    @Test func allPainMissing() {
        let days = (0...20).map { record($0, sessions: 1) }
        let s = summarise(patient("p", days), asOf: d(20), thresholds: Thresholds())
        #expect(s.painBaseline == nil && s.painCurrent == nil && s.painChange == nil)
        #expect(s.trend.trend == .insufficientData && s.flares.isEmpty)
        #expect(s.plateau.notAssessedBecause == "fewer than 10 pain days in 28")
        #expect(s.painSeries.count == 21 && s.painSeries.allSatisfy { $0.pain == nil && $0.rollingMean7 == nil })
        #expect(s.adherencePct == 100)
        #expect(s.followUp.isEmpty)
    }

    @Test func gapRiddenLog() {
        // Programme d0…d20 with 3 logged days; 21 prescribed sessions.
        let days = [record(0, pain: 5, sessions: 1), record(9, pain: 4, checkIns: 1), record(16, pain: 2, sessions: 1)]
        let s = summarise(patient("p", days), asOf: d(20), thresholds: Thresholds())
        #expect(s.daysInProgram == 21 && s.sessionsPrescribed == 21 && s.sessionsCompleted == 2)
        #expect(close(s.adherencePct, 200.0 / 21))
        // Last 14 days d7…d20: one session of 14.
        #expect(close(s.adherence14dPct, 100.0 / 14))
        #expect(s.painBaseline == 5 && s.painCurrent == 2 && s.painChange == -3)
        #expect(s.followUp.map(\.reason) == [.lowAdherence])
        #expect(s.followUp.first?.explanation == "1 session days in the last 14 days vs 14.0 prescribed (7.1%)")
    }

    // MARK: Windows

    @Test func rosterStartBoundsTheWindowAndLaterRowsAreCounted() {
        var days = [record(-3, pain: 9, sessions: 1)] + Self.fineDays()
        days += [record(21, pain: 9, sessions: 2), record(25, checkIns: 1)]
        let s = summarise(patient("p", days, start: d(0), sessionsPerWeek: 3.5), asOf: d(20), thresholds: Thresholds())
        #expect(s.programStart == d(0) && s.daysInProgram == 21)
        #expect(s.days.map(\.date) == (0...20).map(d))
        #expect(s.firstDate == d(-3) && s.lastDate == d(20))
        #expect(s.sessionsPrescribed == 10.5 && s.sessionsCompleted == 21 && s.adherencePct == 100)
        #expect(s.painBaseline == 2)  // the 9 before the start is outside the programme
        #expect(s.rowsAfterAsOf == 3)
        #expect(s.weekly.map(\.week.description) == ["2026-W10", "2026-W11", "2026-W12"])
    }

    @Test func levelRegressionsAndCurrentLevel() {
        let days = Self.fineDays { i, r in r.level = i < 10 ? 1 : (i == 15 ? 1 : 2) }
        let s = summarise(patient("p", days), asOf: d(20), thresholds: Thresholds())
        #expect(s.level == LevelSummary(current: 2, daysAtCurrent: 5, regressions: 1))
    }

    // MARK: New this week

    @Test func reasonIsNewWhenItDidNotHoldAWeekEarlier() {
        // Night pain on d14 and d15: at A = d15 the window d9…d15 has 2; at d8, d2…d8 has none.
        let fresh = Self.fineDays { i, r in if i == 14 || i == 15 { r.nightPain = true } }
        let s1 = summarise(patient("p", fresh), asOf: d(15), thresholds: Thresholds())
        #expect(s1.followUp.map(\.reason) == [.nightPain])
        #expect(s1.followUp.first?.isNew == true)
        #expect(s1.hasNewFollowUp)
        // Night pain on d7, d8 and d14, d15: held at d8 too, so not new at d15.
        let old = Self.fineDays { i, r in if [7, 8, 14, 15].contains(i) { r.nightPain = true } }
        let s2 = summarise(patient("p", old), asOf: d(15), thresholds: Thresholds())
        #expect(s2.followUp.map(\.reason) == [.nightPain])
        #expect(s2.followUp.first?.isNew == false)
        #expect(s2.priorityScore == 600 && s1.priorityScore == 601)
    }

    // MARK: Whole caseload

    static func caseload() -> [PatientRecord] {
        [
            patient("b", fineDays()),
            patient("a", fineDays { i, r in if i >= 19 { r.nightPain = true } }),
            PatientRecord(patientID: "e", roster: RosterEntry(patientID: "e"), days: []),
            patient("d", fineDays { i, r in if i >= 19 { r.nightPain = true } }),
            // Pain 2 → 5 after d10: worse than baseline (and a persistent flare).
            patient("c", fineDays { i, r in r.pain = i <= 10 ? 2 : 5 }),
        ]
    }

    @Test func followUpListIsRankedMostUrgentFirst() {
        let analysis = analyse(Self.caseload(), asOf: d(20))
        #expect(analysis.patients.map(\.patientID) == ["c", "a", "d", "e", "b"])
        #expect(analysis.patients.map(\.priority) == [1, 2, 3, 4, nil])
        #expect(analysis.patients[0].followUp.map(\.reason) == [.worseningPain, .persistentFlare])
        // Theil–Sen over d0…d20: 100 flat pairs, 110 rising ones of 3/(j − i); the 105th and
        // 106th smallest slopes are both 3/18 per day = 1.17 a week.
        #expect(analysis.patients[0].followUp.first?.explanation
                == "pain 5.0 now vs 2.0 at baseline; rising 1.2/week over 21 days, p<0.001")
        #expect(close(analysis.patients[0].trend.slopePerWeek, 7.0 / 6))
        #expect(analysis.patients[1].followUp.map(\.reason) == [.nightPain])
        #expect(analysis.patients[3].followUp.map(\.reason) == [.noRecentData])
        #expect(analysis.rowsAfterAsOf == 0)
        #expect(analysis.asOf == d(20))
    }

    @Test func latestDateOverAllPatients() {
        #expect(latestDate(in: []) == nil)
        #expect(latestDate(in: [PatientRecord(patientID: "e", roster: nil, days: [])]) == nil)
        #expect(latestDate(in: Self.caseload() + [patient("z", [record(30, checkIns: 1)])]) == d(30))
    }

    // MARK: Properties

    /// A random patient: one code per candidate day, decoded into gaps, pain, sessions, symptoms.
    static func randomPatient(_ codes: [Int], base: CalendarDate, startOffset: Int?, sessionsPerWeek: Double) -> PatientRecord {
        var days: [DailyRecord] = []
        for (i, c) in codes.enumerated() where c % 5 != 0 {
            let painCode = (c / 5) % 12
            let r = record(
                i, pain: painCode == 11 ? nil : Double(painCode), sessions: (c / 60) % 3, checkIns: (c / 3) % 2,
                minutes: c % 7 == 0 ? nil : Double(c % 7) * 8, painDuring: c % 4 == 0 ? [] : [Double((c / 7) % 11)],
                swelling: c % 9 == 0 ? true : nil, nightPain: c % 11 == 0, readinessFailures: c % 13 == 0 ? 1 : 0,
                level: c % 6 == 0 ? nil : (c / 77) % 4, categories: c % 2 == 0 ? [.strength] : [.mobility], base: base)
            days.append(r)
        }
        let roster = RosterEntry(
            patientID: "r", programStart: startOffset.map { base.adding(days: $0) }, sessionsPerWeek: sessionsPerWeek)
        return PatientRecord(patientID: "r", roster: roster, days: days)
    }

    static let codes = Gen.int(in: 0...999).array(of: 0...70)

    @Test func adherenceIsAlwaysAPercentage() async {
        await propertyCheck(input: Self.codes, Gen.int(in: -5...80), Gen.double(in: 0.5...14)) { codes, asOf, spw in
            let s = summarise(Self.randomPatient(codes, base: day0, startOffset: nil, sessionsPerWeek: spw),
                              asOf: d(asOf), thresholds: Thresholds())
            for pct in [s.adherencePct, s.adherence14dPct] + s.weekly.map(\.adherencePct) {
                if let pct { #expect(pct >= 0 && pct <= 100) }
            }
            if let p = s.trend.pValue { #expect(p >= 0 && p <= 1) }
        }
    }

    /// Every figure of a summary with dates written relative to the as-of date.
    static func fingerprint(_ s: PatientSummary, asOf: CalendarDate, weekly: Bool) -> String {
        func rel(_ date: CalendarDate?) -> String { date.map { "\(asOf.days(until: $0))" } ?? "-" }
        var parts: [String] = [
            rel(s.programStart), rel(s.firstDate), rel(s.lastDate), "\(s.daysInProgram)", "\(s.sessionsPrescribed)",
            "\(s.sessionsCompleted)", "\(String(describing: s.adherencePct))", "\(String(describing: s.adherence14dPct))",
            "\(String(describing: s.painBaseline))", "\(String(describing: s.painCurrent))",
            "\(String(describing: s.painChange))", "\(s.trend)",
            "\(s.plateau.isPlateau) \(rel(s.plateau.since)) \(String(describing: s.plateau.changeOverWindow)) \(String(describing: s.plateau.notAssessedBecause))",
            "\(s.level)", "\(s.rowsAfterAsOf)", "\(String(describing: s.priorityScore))",
        ]
        parts += s.flares.map { "\(rel($0.start)) \(rel($0.end)) \($0.baseline) \($0.peak) \($0.isOngoing)" }
        parts += s.painSeries.map { "\(rel($0.date)) \(String(describing: $0.pain)) \(String(describing: $0.rollingMean7)) \($0.inFlare)" }
        parts += s.days.map { "\(rel($0.date)) \($0.rows) \(String(describing: $0.pain))" }
        parts += s.followUp.map { "\($0.reason) \($0.isNew)" }
        if weekly {
            parts += s.weekly.map {
                "\($0.sessionDays) \($0.sessionsPrescribed) \(String(describing: $0.adherencePct)) \($0.minutes) "
                    + "\(String(describing: $0.painMean)) \(String(describing: $0.painMax)) "
                    + "\(String(describing: $0.painDuringMedian)) \($0.strengthDays) \($0.mobilityDays)"
            }
        }
        return parts.joined(separator: "|")
    }

    @Test func shiftingEveryDateLeavesEveryFigureUnchanged() async {
        await propertyCheck(
            input: Self.codes, Gen.int(in: -3000...3000), Gen.int(in: 0...80), Gen.int(in: -3...20).optional()
        ) { codes, shift, asOf, start in
            let original = summarise(Self.randomPatient(codes, base: day0, startOffset: start, sessionsPerWeek: 5),
                                     asOf: d(asOf), thresholds: Thresholds())
            let moved = day0.adding(days: shift)
            let shifted = summarise(Self.randomPatient(codes, base: moved, startOffset: start, sessionsPerWeek: 5),
                                    asOf: moved.adding(days: asOf), thresholds: Thresholds())
            // ISO weeks only line up again after whole weeks.
            let weekly = shift % 7 == 0
            #expect(Self.fingerprint(original, asOf: d(asOf), weekly: weekly)
                    == Self.fingerprint(shifted, asOf: moved.adding(days: asOf), weekly: weekly))
        }
    }

    @Test func shiftingByWholeWeeksKeepsWeeklyFigures() async {
        await propertyCheck(input: Self.codes, Gen.int(in: -400...400), Gen.int(in: 0...80)) { codes, weeks, asOf in
            let moved = day0.adding(days: 7 * weeks)
            let a = summarise(Self.randomPatient(codes, base: day0, startOffset: nil, sessionsPerWeek: 3),
                              asOf: d(asOf), thresholds: Thresholds())
            let b = summarise(Self.randomPatient(codes, base: moved, startOffset: nil, sessionsPerWeek: 3),
                              asOf: moved.adding(days: asOf), thresholds: Thresholds())
            #expect(Self.fingerprint(a, asOf: d(asOf), weekly: true) == Self.fingerprint(b, asOf: moved.adding(days: asOf), weekly: true))
            #expect(a.weekly.count == b.weekly.count)
        }
    }

    @Test func parallelAnalysisMatchesOnePatientAtATime() async {
        await propertyCheck(count: 20, input: Self.codes.array(of: 0...40), Gen.int(in: 0...80)) { many, asOf in
            let patients = many.enumerated().map { i, codes in
                var p = Self.randomPatient(codes, base: day0, startOffset: nil, sessionsPerWeek: 7)
                p.patientID = "p\(i)"
                return p
            }
            let analysis = analyse(patients, asOf: d(asOf))
            #expect(analysis.patients.count == patients.count)
            let sequential = Dictionary(uniqueKeysWithValues: patients.map {
                ($0.patientID, summarise($0, asOf: d(asOf), thresholds: Thresholds()))
            })
            for s in analysis.patients {
                if let t = sequential[s.patientID] {
                    #expect(Self.fingerprint(s, asOf: d(asOf), weekly: true) == Self.fingerprint(t, asOf: d(asOf), weekly: true))
                }
            }
            // Ranked 1…n first, then the rest by ID.
            let ranks = analysis.patients.compactMap(\.priority)
            #expect(ranks == Array(1...max(1, ranks.count)).prefix(ranks.count).map { $0 })
            let scores = analysis.patients.compactMap(\.priorityScore)
            #expect(scores == scores.sorted(by: >))
            let rest = analysis.patients.filter { $0.priority == nil }.map(\.patientID)
            #expect(rest == rest.sorted())
            #expect(analysis.rowsAfterAsOf == analysis.patients.reduce(0) { $0 + $1.rowsAfterAsOf })
        }
    }
}
