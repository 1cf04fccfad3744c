import CaseloadModel

/// The kind of session a programme day asks for.
enum SessionKind: Sendable {
    /// The daily programme: warm-up plus 3–4 strength exercises, about 15 minutes.
    case daily
    /// A strength day of the strength + mobility schedule.
    case strength
    /// A mobility/activation day of the strength + mobility schedule.
    case mobility
}

/// What happens on one programme day, decided before any row is written.
struct DayPlan {
    var scheduled: SessionKind?
    var session: SessionKind?
    var checkIn = false
    var painCurve = 0.0
    var painMissing = false
    var flare = false
    var nightPain = false
    var swelling = false
    var readinessFail = false
    var highExercisePain = false
    var longSession = false
    var levelDrop = 0
    var note: String?
}

/// Builds one patient's log rows from the patient's scenario and an independent random stream.
struct PatientLogGenerator {
    let patient: SyntheticPatient
    let end: CalendarDate
    let start: CalendarDate
    /// Programme days from start to end inclusive.
    let length: Int
    var rng: SplitMix64
    /// Whether the patient logs pain as whole numbers (else halves); decided first.
    var integerPain = false

    init(patient: SyntheticPatient, config: SyntheticConfig) {
        self.patient = patient
        end = config.endDate
        start = patient.roster.programStart ?? config.startDate
        length = max(1, start.days(until: end) + 1)
        rng = SplitMix64(seed: config.seed, stream: UInt64(patient.index), salt: 2)
    }

    /// Days before the end date for programme day `d` (0 on the end date).
    func back(_ d: Int) -> Int { length - 1 - d }

    // MARK: Pain curves

    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        a + (b - a) * min(1, max(0, t))
    }

    /// The noiseless pain of each programme day for the scenario.
    mutating func painCurve() -> [Double] {
        let n = length
        let p0 = 6 + 0.5 * Double(rng.int(in: 0...2))
        // Whole-number loggers end at 1.5 so rounding never lifts current pain to 3.
        let pEnd = integerPain ? 1.5 : 1.5 + 0.5 * Double(rng.int(in: 0...1))
        var curve = [Double](repeating: 0, count: n)
        let span = Double(max(1, n - 1))
        switch patient.scenario {
        case .stepwise:
            let plateau = 4.5
            let low = min(pEnd, 2.0)
            for d in 0..<n {
                let r = back(d)
                if r >= 28 {
                    curve[d] = Self.lerp(p0 + 1, plateau, Double(d) / Double(max(1, n - 29)))
                } else if r >= 18 {
                    curve[d] = plateau
                } else if r >= 13 {
                    curve[d] = Self.lerp(plateau, low + 0.5, Double(18 - r) / 5)
                } else {
                    curve[d] = Self.lerp(low + 0.5, low, Double(12 - r) / 12)
                }
            }
        case .plateau:
            let level = 4.5
            let high = 7 + 0.5 * Double(rng.int(in: 0...2))
            let early = min(21, n - 30)
            for d in 0..<n {
                curve[d] = d < early ? Self.lerp(high, level, Double(d) / Double(max(1, early))) : level
            }
        case .worsening:
            for d in 0..<n {
                let r = back(d)
                curve[d] = r > 21 ? Self.lerp(p0, 3, Double(d) / Double(max(1, n - 22))) : Self.lerp(3, 7.5, Double(21 - r) / 21)
            }
        case .persistentFlare:
            let flareDays = 5
            for d in 0..<n {
                let r = back(d)
                // A steep fall before the flare, so the 28-day window is not mistaken for a plateau.
                if r >= 30 {
                    curve[d] = Self.lerp(p0, 6, Double(d) / Double(max(1, n - 31)))
                } else if r >= flareDays {
                    curve[d] = Self.lerp(6, 1.5, Double(30 - r) / Double(30 - flareDays))
                } else {
                    curve[d] = 6.5
                }
            }
        case .newPatient:
            for d in 0..<n { curve[d] = Self.lerp(p0, p0 - 1, Double(d) / span) }
        default:
            for d in 0..<n { curve[d] = Self.lerp(p0, pEnd, Double(d) / span) }
        }
        return curve
    }

    /// Scenarios whose pain may be logged as whole numbers (their margins allow the coarser rounding).
    var allowsIntegerPain: Bool {
        switch patient.scenario {
        case .plateau, .worsening, .persistentFlare, .shortFlare, .stepwise, .dropOut: return false
        default: return true
        }
    }

    // MARK: Schedule

    /// The session kind the programme asks for on an ISO weekday (1 = Monday), shifted by `offset`.
    func scheduled(weekday: Int, offset: Int) -> SessionKind? {
        let spw = Int(patient.roster.sessionsPerWeek)
        let w = (weekday - 1 + offset) % 7 + 1
        switch spw {
        case 7...: return .daily
        case 6: return w == 7 ? nil : (w % 2 == 1 ? .strength : .mobility)
        default:
            switch w {
            case 1, 3, 6: return .strength
            case 2, 4: return .mobility
            default: return nil
            }
        }
    }

    // MARK: Plan

    /// Decides every programme day: sessions, check-ins, pain and the scenario's signals.
    mutating func plan() -> [DayPlan] {
        let n = length
        integerPain = allowsIntegerPain && rng.chance(0.5)
        let curve = painCurve()
        let offset = rng.below(7)
        var days = [DayPlan](repeating: DayPlan(), count: n)
        for d in 0..<n {
            let date = start.adding(days: d)
            days[d].scheduled = scheduled(weekday: date.isoWeekday, offset: offset)
            days[d].session = days[d].scheduled
            days[d].painCurve = curve[d]
        }

        // Clean adherence: at most one missed session per programme week, never two weeks running,
        // so any 14 days keep at least 70 % of the prescription.
        var skippedLastWeek = false
        var week = 0
        while week * 7 < n {
            let range = (week * 7)..<min(n, week * 7 + 7)
            let candidates = range.filter { days[$0].scheduled != nil }
            if !skippedLastWeek, !candidates.isEmpty, rng.chance(0.55) {
                days[rng.pick(candidates)].session = nil
                skippedLastWeek = true
            } else {
                skippedLastWeek = false
            }
            week += 1
        }
        for d in 0..<n where days[d].session == nil {
            days[d].checkIn = rng.chance(0.5)
        }

        // Occasional isolated symptoms long before the review window, as real logs have.
        if rng.chance(0.3), n > 30 { days[rng.below(n - 21)].nightPain = true }
        if rng.chance(0.2), n > 30 { days[rng.below(n - 21)].swelling = true }
        for d in 0..<n where back(d) >= 14 && days[d].session != nil && rng.chance(0.03) {
            days[d].readinessFail = true
        }
        for d in 0..<n where back(d) >= 8 && rng.chance(0.04) {
            days[d].painMissing = true
        }

        applyScenario(&days)

        // Trend scenarios score pain every day of the last four weeks (check-ins on rest days),
        // so their trend statistics rest on full windows.
        if [.plateau, .worsening, .persistentFlare].contains(patient.scenario) {
            for d in lastDays(28) {
                days[d].painMissing = false
                if days[d].session == nil { days[d].checkIn = true }
            }
        }

        // Every symptom day needs a row to carry it.
        for d in 0..<n where days[d].session == nil && (days[d].nightPain || days[d].swelling || days[d].flare) {
            days[d].checkIn = true
        }
        return days
    }

    /// Days (programme indices) among the last `count` days, most recent last.
    func lastDays(_ count: Int) -> [Int] {
        Array(max(0, length - count)..<length)
    }

    /// Picks `k` distinct elements of `items` in their original order.
    mutating func choose(_ k: Int, of items: [Int]) -> [Int] {
        var pool = items
        var chosen: [Int] = []
        while chosen.count < k, !pool.isEmpty {
            chosen.append(pool.remove(at: rng.below(pool.count)))
        }
        return chosen.sorted()
    }

    mutating func applyScenario(_ days: inout [DayPlan]) {
        let n = length
        switch patient.scenario {
        case .responder, .stepwise, .plateau, .worsening:
            break
        case .newPatient:
            // New patients are keen: no missed session, so a short programme never reads as low adherence.
            for d in 0..<n where days[d].scheduled != nil {
                days[d].session = days[d].scheduled
                days[d].checkIn = false
            }
        case .shortFlare:
            let flareLength = rng.int(in: 1...3)
            let lastFlareDay = n - 1 - rng.int(in: 7...14)  // over before the 7-day current-pain window
            let first = lastFlareDay - flareLength + 1
            for d in first...lastFlareDay {
                days[d].flare = true
                days[d].painMissing = false
                days[d].painCurve += 3.5
                days[d].levelDrop = 1
                if d == first { days[d].note = Catalogue.flareNote }
            }
            for d in (lastFlareDay + 1)...min(n - 1, lastFlareDay + rng.int(in: 1...2)) {
                days[d].levelDrop = 1
            }
            // Keep the reference week before the flare fully scored.
            for d in max(0, first - 7)..<first { days[d].painMissing = false }
        case .persistentFlare:
            for d in lastDays(28) { days[d].painMissing = false }
            for d in 0..<n where days[d].painCurve >= 6.5 && back(d) < 7 {
                days[d].flare = true
                days[d].levelDrop = 1
            }
            if let first = days.firstIndex(where: { $0.flare }) { days[first].note = Catalogue.flareNote }
        case .lowAdherence:
            let window = lastDays(14)
            let prescribed = Int(patient.roster.sessionsPerWeek) * 2
            let done = max(1, Int(Double(prescribed) * 0.3))
            let scheduled = window.filter { days[$0].scheduled != nil }
            let recent = scheduled.filter { back($0) <= 2 }
            var keep: [Int] = []
            if let r = recent.last { keep.append(r) }
            keep += choose(done - keep.count, of: scheduled.filter { !keep.contains($0) })
            for d in window {
                days[d].session = keep.contains(d) ? days[d].scheduled : nil
                days[d].checkIn = days[d].session == nil && rng.chance(0.35)
            }
        case .dropOut:
            let gap = rng.int(in: 14...18)  // fewer than 8 pain days left in the 21-day trend window
            for d in 0..<n where back(d) < gap {
                days[d] = DayPlan(scheduled: days[d].scheduled, painCurve: days[d].painCurve)
            }
        case .nightPain:
            for d in choose(rng.int(in: 3...5), of: lastDays(7)) {
                days[d].nightPain = true
                if rng.chance(0.5) { days[d].note = Catalogue.nightPainNote }
            }
        case .swelling:
            for d in choose(rng.int(in: 3...5), of: lastDays(7)) {
                days[d].swelling = true
                if rng.chance(0.5) { days[d].note = Catalogue.swellingNote }
            }
        case .highExercisePain:
            for d in lastDays(9) {
                days[d].highExercisePain = true
                if rng.chance(0.3) { days[d].note = Catalogue.highPainNote }
            }
        case .readinessFailures:
            let scheduled = lastDays(7).filter { days[$0].scheduled != nil }
            for d in choose(min(scheduled.count, rng.int(in: 4...5)), of: scheduled) {
                days[d].session = days[d].scheduled
                days[d].checkIn = false
                days[d].readinessFail = true
                if rng.chance(0.5) { days[d].note = Catalogue.readinessFailNote }
            }
        case .longSessions:
            for d in lastDays(9) {
                days[d].longSession = true
                if rng.chance(0.2) { days[d].note = Catalogue.longSessionNote }
            }
        }
        // Clean patients pass their readiness tests in the review window.
        if patient.scenario != .readinessFailures {
            for d in lastDays(14) { days[d].readinessFail = false }
        }
    }

    // MARK: Rows

    /// Rounds to the patient's logging precision and clamps to 0…10.
    static func quantise(_ value: Double, integer: Bool) -> Double {
        let q = integer ? value.rounded() : (value * 2).rounded() / 2
        return min(10, max(0, q))
    }

    /// Generates the patient's rows in date order.
    mutating func entries() -> [LogEntry] {
        let days = plan()
        let repeatSessionFields = rng.chance(0.25)
        let useSessionIDs = rng.chance(0.8)
        let stepDays = patient.scenario == .worsening ? 7 : rng.int(in: 8...13)
        let plateauLevelCap = patient.scenario == .plateau ? 1 + min(21, length - 30) / stepDays : 5
        let symptomsRecorded = rng.chance(0.85)  // else swelling/night pain are left blank unless present
        let id = patient.roster.patientID
        var rows: [LogEntry] = []
        rows.reserveCapacity(length * 5)

        for d in 0..<length {
            let plan = days[d]
            let date = start.adding(days: d)
            // Plateau patients vary less, so most day pairs tie and the stall is unmistakable; worsening
            // patients too, so day-to-day noise on the rise never looks like a flare.
            let draw = rng.below(patient.scenario == .plateau || patient.scenario == .worsening ? 10 : 4)
            let step = integerPain ? 0.45 : 0.5
            var noise = draw == 0 ? -step : (draw == 1 ? step : 0)
            // On the worsening rise only rounding varies: with noise, the 7-day median's lag behind a
            // rise of 1.5 points a week plus two unlucky days would pass for a flare (≥ 2 above it).
            if patient.scenario == .worsening && back(d) <= 21 { noise = 0 }
            let pain: Double? = plan.painMissing ? nil : Self.quantise(plan.painCurve + noise, integer: integerPain)
            let recordSymptoms = symptomsRecorded || plan.nightPain || plan.swelling
            let swelling: Bool? = recordSymptoms ? plan.swelling : nil
            let night: Bool? = recordSymptoms ? plan.nightPain : nil

            if let kind = plan.session {
                var level = min(5, 1 + d / stepDays, plateauLevelCap)
                level = max(1, level - plan.levelDrop - (plan.readinessFail ? 1 : 0))
                let exercises = sessionExercises(kind: kind, level: level, long: plan.longSession)
                let total: Double
                if plan.longSession {
                    total = 40 + 0.5 * Double(rng.int(in: 4...28))
                } else {
                    total = 13.5 + 0.5 * Double(rng.int(in: 0...6))
                }
                let weightSum = exercises.reduce(0) { $0 + $1.weight }
                let noteRow: Int? =
                    plan.note != nil ? rng.below(exercises.count) : (rng.chance(0.06) ? rng.below(exercises.count) : nil)
                let note = plan.note ?? (noteRow != nil ? rng.pick(Catalogue.notes) : nil)
                let sessionID: String? = useSessionIDs ? "S" + Self.compact(date) : nil
                for (i, ex) in exercises.enumerated() {
                    let minutes = max(0.5, ((total * ex.weight / weightSum) * 2).rounded() / 2)
                    var during: Double?
                    if ex.category == .massage {
                        during = nil
                    } else if plan.highExercisePain {
                        during = Double(rng.int(in: 6...8))
                    } else if rng.chance(0.06) {
                        during = nil
                    } else {
                        let base = (plan.painCurve * 0.45 + Double(rng.int(in: -1...1))).rounded()
                        during = min(4, max(0, base))
                    }
                    let sessionFields = i == 0 || repeatSessionFields
                    rows.append(
                        LogEntry(
                            patientID: id, date: date, sessionID: sessionID, exercise: ex.name, category: ex.category,
                            level: level, sets: ex.sets, reps: ex.reps, loadKg: ex.loadKg, durationMin: minutes,
                            painDuring: during, pain: sessionFields ? pain : nil,
                            swelling: sessionFields ? swelling : nil, nightPain: sessionFields ? night : nil,
                            readiness: sessionFields ? (plan.readinessFail ? .fail : .pass) : nil,
                            notes: i == noteRow ? note : nil))
                }
            } else if plan.checkIn {
                rows.append(
                    LogEntry(
                        patientID: id, date: date, pain: pain ?? Self.quantise(plan.painCurve, integer: integerPain),
                        swelling: swelling, nightPain: night, notes: patient.logFormat == .csv ? plan.note : nil))
            }
        }
        return rows
    }

    /// The exercises of one session at `level`; long sessions add sets and every strength exercise.
    mutating func sessionExercises(kind: SessionKind, level: Int, long: Bool) -> [Prescribed] {
        var list: [Prescribed]
        switch kind {
        case .daily:
            var strength = ExerciseLibrary.strength(level: level)
            while strength.count > 4 || (strength.count > 3 && !long && rng.chance(0.4)) {
                if long { break }
                strength.remove(at: rng.below(strength.count))
            }
            list = [rng.chance(0.5) ? ExerciseLibrary.massage : ExerciseLibrary.quadSets] + strength
        case .strength:
            list = [ExerciseLibrary.quadSets] + ExerciseLibrary.strength(level: level)
        case .mobility:
            list = ExerciseLibrary.mobility + [rng.chance(0.5) ? ExerciseLibrary.foamRoll : ExerciseLibrary.quadSets]
        }
        if long {
            for i in list.indices { list[i].sets = list[i].sets.map { $0 + 2 } }
        }
        return list
    }

    /// `YYYYMMDD` for session identifiers.
    static func compact(_ date: CalendarDate) -> String {
        let (y, m, d) = date.components
        let value = y * 10_000 + m * 100 + d
        return String(value)
    }
}
