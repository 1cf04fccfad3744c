import CaseloadModel

/// A realistic, deterministic synthetic caseload of patellofemoral-pain home-exercise logs.
///
/// Everything is a pure function of ``SyntheticConfig`` (patients, days, seed, end date,
/// clinicians, JSON share): the generator draws from its own ``SplitMix64`` streams, one per
/// patient, so a patient's rows do not depend on how many patients precede or follow it.
public enum SyntheticCaseload {
    /// How often each scenario is drawn for patients after the first 14 (weights sum to 100).
    static let scenarioWeights: [(Scenario, Int)] = [
        (.responder, 30), (.stepwise, 14), (.newPatient, 6), (.plateau, 5), (.worsening, 5), (.shortFlare, 6),
        (.persistentFlare, 4), (.lowAdherence, 6), (.dropOut, 5), (.nightPain, 4), (.swelling, 4),
        (.highExercisePain, 4), (.readinessFailures, 4), (.longSessions, 3),
    ]

    /// The caseload's patients, in index order.
    ///
    /// Patients 0–13 get the 14 scenarios in ``Scenario`` declaration order (so every scenario
    /// appears once there are 14 or more patients); later patients draw one from a fixed
    /// weighted table (about half clean). Clinicians are assigned round-robin. IDs are
    /// `P0001`, `P0002`, … (``SyntheticConfig/idPrefix`` then the number, wider when there are
    /// more than 9,999 patients).
    /// - Complexity: O(patients).
    public static func patients(_ config: SyntheticConfig) -> [SyntheticPatient] {
        let width = max(4, String(config.patients).count)
        return (0..<config.patients).map { patient(index: $0, config: config, idWidth: width) }
    }

    /// One patient of the caseload (the same value ``patients(_:)`` returns at `index`).
    public static func patient(index: Int, config: SyntheticConfig) -> SyntheticPatient {
        precondition(index >= 0 && index < config.patients, "index out of range")
        return patient(index: index, config: config, idWidth: max(4, String(config.patients).count))
    }

    static func patient(index: Int, config: SyntheticConfig, idWidth: Int) -> SyntheticPatient {
        var rng = SplitMix64(seed: config.seed, stream: UInt64(index), salt: 1)
        let scenario: Scenario
        if index < Scenario.allCases.count {
            scenario = Scenario.allCases[index]
        } else {
            var ticket = rng.below(100)
            var chosen = Scenario.responder
            for (candidate, weight) in scenarioWeights {
                if ticket < weight {
                    chosen = candidate
                    break
                }
                ticket -= weight
            }
            scenario = chosen
        }
        let number = String(index + 1)
        let id = config.idPrefix + String(repeating: "0", count: max(0, idWidth - number.count)) + number
        let first = rng.pick(Catalogue.firstNames)
        let last = rng.pick(Catalogue.lastNames)
        let displayName = rng.chance(0.1) ? "\(last), \(first)" : "\(first) \(last)"
        let sessionsPerWeek: Double = rng.chance(0.55) ? 7 : (rng.chance(0.5) ? 6 : 5)
        let startOffset = rng.int(in: 0...3)
        let newStart = rng.int(in: 3...8)  // at most 9 programme days: fewer than a plateau window needs
        let programStart =
            scenario == .newPatient ? config.endDate.adding(days: -newStart) : config.startDate.adding(days: startOffset)
        let format: InputFormat = rng.unit() < config.jsonShare ? .json : .csv
        // Audit data draws from its own stream, so the rest of the patient is the same with or without it.
        var discharge: CalendarDate?
        if config.auditData, scenario == .responder {
            var audit = SplitMix64(seed: config.seed, stream: UInt64(index), salt: 3)
            if audit.chance(0.5) { discharge = config.endDate.adding(days: -audit.int(in: 7...20)) }
        }
        let roster = RosterEntry(
            patientID: id, clinician: Catalogue.clinician(index % config.clinicians), displayName: displayName,
            programStart: programStart, sessionsPerWeek: sessionsPerWeek, dischargeDate: discharge)
        return SyntheticPatient(
            index: index, roster: roster, scenario: scenario, expectedReasons: scenario.expectedReasons, logFormat: format)
    }

    /// The patient's log rows, in date order (rows of one session together, session fields on
    /// the first row or, for about a quarter of patients, repeated on every row).
    ///
    /// Deterministic per patient: depends only on the patient (its index, scenario, roster)
    /// and the configuration's seed and end date.
    /// - Complexity: O(days × exercises per session).
    /// A discharged patient (``SyntheticConfig/auditData``) logs nothing after the discharge date.
    public static func entries(for patient: SyntheticPatient, config: SyntheticConfig) -> [LogEntry] {
        var generator = PatientLogGenerator(patient: patient, config: config)
        let rows = generator.entries()
        guard let discharge = patient.roster.dischargeDate else { return rows }
        return rows.filter { $0.date <= discharge }
    }

    /// The patient's PROM scores when ``SyntheticConfig/auditData`` is set: a baseline in the
    /// programme's first 5 days and, for a programme of at least 4 weeks (and not a drop-out), a
    /// final score in the last 10 days before the discharge or the end date. KOOS-PF for about
    /// 70 % of patients, else AKPS; baselines 35–60; the change follows the scenario (responders and
    /// step-wise improvers +15…30, worsening −10…0, the rest +4…15). Deterministic per patient.
    public static func proms(for patient: SyntheticPatient, config: SyntheticConfig) -> [PROMScore] {
        guard config.auditData, let start = patient.roster.programStart else { return [] }
        var rng = SplitMix64(seed: config.seed, stream: UInt64(patient.index), salt: 4)
        let instrument: PROMInstrument = rng.chance(0.7) ? .koosPF : .akps
        let baseline = Double(35 + rng.int(in: 0...25))
        var scores = [PROMScore(
            patientID: patient.patientID, date: start.adding(days: rng.int(in: 0...4)), instrument: instrument,
            score: baseline)]
        let end = patient.roster.dischargeDate ?? config.endDate
        let change: Int
        switch patient.scenario {
        case .responder, .stepwise, .shortFlare: change = rng.int(in: 15...30)
        case .worsening: change = -rng.int(in: 0...10)
        default: change = rng.int(in: 4...15)
        }
        if patient.scenario != .dropOut, start.days(until: end) >= 28 {
            scores.append(PROMScore(
                patientID: patient.patientID, date: end.adding(days: -rng.int(in: 0...9)), instrument: instrument,
                score: min(100, max(0, baseline + Double(change)))))
        }
        return scores
    }
}
