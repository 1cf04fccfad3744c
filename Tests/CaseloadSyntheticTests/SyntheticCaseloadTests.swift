import CaseloadModel
import Testing

@testable import CaseloadSynthetic

/// Configurations the scenario checks run over: several seeds and lengths (from the minimum to 150 days),
/// and another end date (a Wednesday).
let scenarioConfigs: [SyntheticConfig] = (10..<16).map { SyntheticConfig(patients: 60, days: [42, 56, 84, 100, 150][Int($0) % 5], seed: $0) } + [
    SyntheticConfig(patients: 60, days: 84, seed: 1),
    SyntheticConfig(patients: 30, days: SyntheticConfig.minimumDays, seed: 99),
    SyntheticConfig(
        patients: 45, days: 120, seed: 2026, endDate: CalendarDate(year: 2027, month: 3, day: 3) ?? SyntheticConfig.defaultEndDate),
]

@Suite struct SyntheticCaseloadTests {
    @Test(arguments: [14, 15, 16, 40, 200])
    func everyScenarioAppearsFromFourteenPatients(patients: Int) {
        let scenarios = Set(SyntheticCaseload.patients(SyntheticConfig(patients: patients, seed: 5)).map(\.scenario))
        #expect(scenarios == Set(Scenario.allCases))
    }

    @Test func largerCaseloadsAreMostlyCleanAndSpreadOverClinicians() {
        let patients = SyntheticCaseload.patients(SyntheticConfig(patients: 600, seed: 3, clinicians: 4))
        let clean = patients.filter(\.scenario.isClean).count
        #expect(clean > 240 && clean < 420)  // weights give 56 % clean
        let perClinician = Dictionary(grouping: patients, by: { $0.roster.clinician ?? "" }).mapValues(\.count)
        #expect(perClinician.count == 4)
        #expect(perClinician.values.allSatisfy { $0 == 150 })
        #expect(Set(patients.map(\.patientID)).count == 600)
        #expect(patients.allSatisfy { [5, 6, 7].contains($0.roster.sessionsPerWeek) })
    }

    @Test func patientsAreAPureFunctionOfTheConfiguration() {
        let config = SyntheticConfig(patients: 50, seed: 11)
        let a = SyntheticCaseload.patients(config)
        #expect(a == SyntheticCaseload.patients(config))
        #expect(a[37] == SyntheticCaseload.patient(index: 37, config: config))
        for p in a.prefix(20) {
            #expect(SyntheticCaseload.entries(for: p, config: config) == SyntheticCaseload.entries(for: p, config: config))
        }
        let other = SyntheticCaseload.patients(SyntheticConfig(patients: 50, seed: 12))
        #expect(a.map(\.roster) != other.map(\.roster))
    }

    @Test func idsWidenBeyondNineThousandNineHundredNinetyNine() {
        let config = SyntheticConfig(patients: 12_000, seed: 1)
        #expect(SyntheticCaseload.patient(index: 0, config: config).patientID == "P00001")
        #expect(SyntheticCaseload.patient(index: 11_999, config: config).patientID == "P12000")
        #expect(SyntheticCaseload.patient(index: 0, config: SyntheticConfig(patients: 9, seed: 1)).patientID == "P0001")
    }

    @Test func jsonShareSelectsRoughlyThatShareWithoutChangingThePatients() {
        let csvOnly = SyntheticCaseload.patients(SyntheticConfig(patients: 400, seed: 8, jsonShare: 0))
        let mixed = SyntheticCaseload.patients(SyntheticConfig(patients: 400, seed: 8, jsonShare: 0.25))
        #expect(csvOnly.allSatisfy { $0.logFormat == .csv })
        let json = mixed.filter { $0.logFormat == .json }.count
        #expect(json > 60 && json < 140)
        #expect(csvOnly.map(\.roster) == mixed.map(\.roster))
        #expect(csvOnly.map(\.scenario) == mixed.map(\.scenario))
    }

    @Test(arguments: Scenario.allCases)
    func scenarioDefiningPropertyHolds(scenario: Scenario) {
        var checked = 0
        for config in scenarioConfigs {
            for p in SyntheticCaseload.patients(config) where p.scenario == scenario {
                let log = TestLog(
                    SyntheticCaseload.entries(for: p, config: config), end: config.endDate,
                    start: p.roster.programStart ?? config.startDate)
                checkDefiningProperty(p, log, config)
                checked += 1
            }
        }
        #expect(checked >= 3)
    }

    @Test(arguments: Scenario.allCases)
    func onlyTheScenarioSignals(scenario: Scenario) {
        for config in scenarioConfigs {
            for p in SyntheticCaseload.patients(config) where p.scenario == scenario {
                let log = TestLog(
                    SyntheticCaseload.entries(for: p, config: config), end: config.endDate,
                    start: p.roster.programStart ?? config.startDate)
                checkNoOtherSignal(p, log)
                checkExpectedReasonsAgainstThresholds(p, log)
            }
        }
    }

    @Test func rowsAreWellFormed() {
        let config = SyntheticConfig(patients: 40, seed: 4)
        for p in SyntheticCaseload.patients(config) {
            let rows = SyntheticCaseload.entries(for: p, config: config)
            let start = p.roster.programStart ?? config.startDate
            #expect(rows.allSatisfy { $0.patientID == p.patientID && $0.date >= start && $0.date <= config.endDate })
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.date <= $1.date })
            #expect(Set(rows).count == rows.count, "no two identical rows within a patient")
            for r in rows {
                if let v = r.pain { #expect((0...10).contains(v) && (v * 2).rounded() == v * 2) }
                if let v = r.painDuring { #expect((0...10).contains(v)) }
                if let v = r.level { #expect((1...5).contains(v)) }
                if let v = r.sets { #expect(v > 0) }
                #expect(r.isCheckIn == (r.category == nil))
                if r.isCheckIn { #expect(r.pain != nil && r.readiness == nil && r.durationMin == nil) }
            }
            // Every session day carries a readiness result and a level.
            let sessionDays = Dictionary(grouping: rows.filter { !$0.isCheckIn }, by: \.date)
            for (_, day) in sessionDays {
                #expect(day.contains { $0.readiness != nil })
                #expect(day.allSatisfy { $0.level != nil })
            }
        }
    }

    @Test func levelsClimbAndSometimesStepBack() {
        let config = SyntheticConfig(patients: 60, seed: 1)
        var stepBacks = 0
        for p in SyntheticCaseload.patients(config) where p.scenario == .responder || p.scenario == .shortFlare {
            let levels = SyntheticCaseload.entries(for: p, config: config).compactMap(\.level)
            #expect((levels.last ?? 0) >= 4)
            #expect((levels.first ?? 9) == 1)
            stepBacks += zip(levels, levels.dropFirst()).filter { $1 < $0 }.count
        }
        #expect(stepBacks > 0)
    }

    /// The model's own fold (CaseloadBuilder) sees the planted symptom signals in the last 7 days.
    @Test func modelFoldSeesTheSymptomSignals() {
        let config = SyntheticConfig(patients: 80, seed: 31)
        let patients = SyntheticCaseload.patients(config)
        var builder = CaseloadBuilder()
        for p in patients {
            for row in SyntheticCaseload.entries(for: p, config: config) { builder.add(row) }
        }
        let roster = Dictionary(uniqueKeysWithValues: patients.map { ($0.patientID, $0.roster) })
        let records = builder.records(roster: roster)
        #expect(records.map(\.patientID) == patients.map(\.patientID))
        for (record, p) in zip(records, patients) {
            let week = record.days.filter { $0.date.days(until: config.endDate) < 7 }
            let failures = week.reduce(0) { $0 + $1.readinessFailures }
            let nights = week.filter { $0.nightPain == true }.count
            let swollen = week.filter { $0.swelling == true }.count
            let minutes = week.filter(\.isSessionDay).map(\.minutes).sorted()
            let medianMinutes = minutes.isEmpty ? 0 : minutes[minutes.count / 2]
            #expect((failures >= 4) == (p.scenario == .readinessFailures), "\(p.patientID) \(p.scenario)")
            #expect((nights >= 3) == (p.scenario == .nightPain), "\(p.patientID) \(p.scenario)")
            #expect((swollen >= 3) == (p.scenario == .swelling), "\(p.patientID) \(p.scenario)")
            #expect((medianMinutes > 30) == (p.scenario == .longSessions), "\(p.patientID) \(p.scenario)")
            #expect(week.isEmpty == (p.scenario == .dropOut), "\(p.patientID) \(p.scenario)")
        }
    }

    // MARK: Checks

    func checkDefiningProperty(_ p: SyntheticPatient, _ log: TestLog, _ config: SyntheticConfig) {
        let id = p.patientID
        let spw = p.roster.sessionsPerWeek
        switch p.scenario {
        case .responder:
            #expect((log.baseline ?? 0) >= 5, "\(id)")
            #expect((Stats.mean(log.pains(0...6)) ?? 9) <= 3, "\(id)")
        case .stepwise:
            let plateau = log.pains(19...26)
            #expect(((plateau.max() ?? 0) - (plateau.min() ?? 9)) <= 1.5, "\(id): flat stretch")
            #expect((log.baseline ?? 0) - (Stats.mean(plateau) ?? 9) >= 1, "\(id): first fall")
            #expect((Stats.mean(plateau) ?? 0) - (Stats.mean(log.pains(0...6)) ?? 9) >= 1.5, "\(id): second step")
            #expect((Stats.mean(log.pains(0...6)) ?? 9) < 3, "\(id): not stalled at the end")
        case .plateau:
            let last28 = log.pains(0...27)
            #expect(last28.count >= 14 && last28.allSatisfy { $0 >= 4 }, "\(id)")
            #expect((log.baseline ?? 0) - (Stats.mean(last28) ?? 9) >= 1, "\(id): early improvement")
            #expect(abs((Stats.mean(log.pains(21...27)) ?? 0) - (Stats.mean(log.pains(0...6)) ?? 9)) < 1, "\(id)")
        case .worsening:
            let slope = (Stats.olsSlope(log.painPoints(0...20)) ?? 0) * 7
            #expect(slope >= 1, "\(id): \(slope)/week")
        case .shortFlare:
            let flares = log.flareDays
            #expect(!flares.isEmpty, "\(id)")
            #expect(flares.allSatisfy { log.back($0) >= 4 }, "\(id): over 4+ days before the end")
            #expect(flares.allSatisfy { log.start.days(until: $0) >= 14 }, "\(id): after a few weeks")
            let span = (flares.first?.days(until: flares.last ?? log.end) ?? 9) + 1
            #expect(span <= 3, "\(id): 1–3 days")
        case .persistentFlare:
            let recent = Stats.median(log.pains(7...13)) ?? 9
            let final = log.window(0...4)
            #expect(final.count == 5 && final.allSatisfy { ($0.1.pain ?? 0) >= recent + 3 }, "\(id): \(recent)")
        case .lowAdherence:
            let sessions = log.window(0...13).filter { $0.1.exerciseRows > 0 }.count
            #expect(Double(sessions) <= 0.4 * spw * 2, "\(id): \(sessions)")
            #expect(!log.window(0...6).isEmpty, "\(id): still logging")
        case .dropOut:
            #expect(log.window(0...9).isEmpty, "\(id)")
            #expect(log.window(10...40).count >= 10, "\(id)")
        case .nightPain:
            #expect(log.window(0...6).filter { $0.1.night }.count >= 3, "\(id)")
        case .swelling:
            #expect(log.window(0...6).filter { $0.1.swelling }.count >= 3, "\(id)")
        case .highExercisePain:
            let during = log.window(0...6).flatMap(\.1.painDuring)
            #expect(during.count >= 10 && during.allSatisfy { (6...8).contains($0) }, "\(id)")
        case .readinessFailures:
            #expect(log.window(0...6).reduce(0) { $0 + $1.1.failedSessions.count } >= 4, "\(id)")
        case .longSessions:
            let sessions = log.window(0...6).filter { $0.1.exerciseRows > 0 }
            #expect(sessions.count >= 4 && sessions.allSatisfy { $0.1.minutes >= 40 }, "\(id)")
        case .newPatient:
            #expect(log.back(log.start) <= 9, "\(id)")
            #expect(log.days.keys.allSatisfy { $0 >= log.start }, "\(id)")
            #expect(!log.window(0...3).isEmpty, "\(id)")
        }
    }

    /// Outside its own signal, every patient looks clean.
    func checkNoOtherSignal(_ p: SyntheticPatient, _ log: TestLog) {
        let id = "\(p.patientID) \(p.scenario)"
        let s = p.scenario
        let last7 = log.window(0...6)
        if s != .nightPain { #expect(last7.filter { $0.1.night }.count <= 1, "\(id)") }
        if s != .swelling { #expect(last7.filter { $0.1.swelling }.count <= 1, "\(id)") }
        if s != .highExercisePain { #expect(log.days.values.flatMap(\.painDuring).allSatisfy { $0 <= 4 }, "\(id)") }
        if s != .readinessFailures { #expect(last7.allSatisfy { $0.1.failedSessions.isEmpty }, "\(id)") }
        let sessionMinutes = log.days.filter { $0.value.exerciseRows > 0 && (s != .longSessions || log.back($0.key) > 8) }
        #expect(sessionMinutes.values.allSatisfy { (12...18).contains($0.minutes) }, "\(id)")
        if s != .dropOut { #expect(!log.window(0...3).isEmpty, "\(id): recent rows") }
        if s != .lowAdherence && s != .dropOut {
            // Prescribed sessions over the programme days of the last 14.
            let programmeDays = min(14, log.back(log.start) + 1)
            let prescribed = p.roster.sessionsPerWeek * Double(programmeDays) / 7
            let done = log.window(0...13).filter { $0.1.exerciseRows > 0 }.count
            #expect(Double(done) >= 0.7 * prescribed - 1e-9 || programmeDays < 7, "\(id): \(done)/\(prescribed)")
        }
        if s != .persistentFlare {
            // No flare run longer than 3 days still going on at the end.
            let flares = Set(log.flareDays)
            let painDays = log.days.keys.filter { log.days[$0]?.pain != nil }.sorted()
            let tail = painDays.reversed().prefix { flares.contains($0) }
            #expect(tail.count <= 3, "\(id)")
        }
    }

    /// Every expected reason, and no other, follows from the documented default thresholds, computed here from the rows.
    func checkExpectedReasonsAgainstThresholds(_ p: SyntheticPatient, _ log: TestLog) {
        let id = "\(p.patientID) \(p.scenario)"
        let current = Stats.mean(log.pains(0...6))
        // Worsening: Theil–Sen ≥ 0.5/week with Mann–Kendall p < 0.05 over 21 days, or current ≥ baseline + 2.
        let trend = log.painPoints(0...20)
        var worsening = false
        if trend.count >= 8, let slope = Stats.theilSen(trend) {
            worsening = slope * 7 >= 0.5 && Stats.mannKendallP(trend.map(\.1)) < 0.05
        }
        if let c = current, let b = log.baseline, c >= b + 2 { worsening = true }
        #expect(worsening == p.expectedReasons.contains("worsening_pain"), "\(id)")
        // Symptom window (7 days) and adherence under the default thresholds of CaseloadAnalytics.Thresholds.
        let week = log.window(0...6)
        let sessionDays = week.filter { $0.1.exerciseRows > 0 }
        let reasons = p.expectedReasons
        #expect((week.filter { $0.1.night }.count >= 2) == reasons.contains("night_pain"), "\(id)")
        #expect((week.filter { $0.1.swelling }.count >= 2) == reasons.contains("swelling"), "\(id)")
        #expect((week.reduce(0) { $0 + $1.1.failedSessions.count } >= 3) == reasons.contains("readiness_failures"), "\(id)")
        #expect(((Stats.median(week.flatMap(\.1.painDuring)) ?? 0) > 5) == reasons.contains("high_exercise_pain"), "\(id)")
        #expect(((Stats.median(sessionDays.map(\.1.minutes)) ?? 0) > 30) == reasons.contains("long_sessions"), "\(id)")
        #expect(week.isEmpty == reasons.contains("no_recent_data"), "\(id)")
        let programmeDays = min(14, log.back(log.start) + 1)
        let prescribed = p.roster.sessionsPerWeek * Double(programmeDays) / 7
        let done = Double(log.window(0...13).filter { $0.1.exerciseRows > 0 }.count)
        #expect((done / prescribed < 0.5) == reasons.contains("low_adherence"), "\(id): \(done)/\(prescribed)")
        // Persistent flare: a frozen-baseline flare still going on at the last pain day, lasting > 3 days.
        let lastPainDay = log.days.keys.filter { log.days[$0]?.pain != nil }.max()
        let persistent = log.frozenBaselineFlares.contains { flare in
            flare.1 == lastPainDay && log.back(flare.1) <= 1 && flare.0.days(until: flare.1) + 1 > 3
        }
        #expect(persistent == p.expectedReasons.contains("persistent_flare"), "\(id)")
        // Plateau: |Theil–Sen change over 28 days| < 1 while current pain ≥ 3.
        let window = log.painPoints(0...27)
        var plateau = false
        if window.count >= 10, let slope = Stats.theilSen(window), let c = current {
            plateau = abs(slope * 28) < 1 && c >= 3
        }
        #expect(
            plateau == p.expectedReasons.contains("plateau"),
            "\(id): change \((Stats.theilSen(window) ?? 0) * 28), current \(current ?? -1), days \(log.back(log.start) + 1)")
    }
}
