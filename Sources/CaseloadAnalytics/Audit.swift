import CaseloadModel
import Foundation

/// The period an audit covers: `from…to`, both days included.
public struct AuditPeriod: Sendable, Hashable {
    public var from: CalendarDate
    public var to: CalendarDate

    /// - Precondition: `from <= to`.
    public init(from: CalendarDate, to: CalendarDate) {
        precondition(from <= to, "an audit period runs forwards")
        self.from = from
        self.to = to
    }
}

/// Where a patient's episode stands at the end of the audit period.
public enum EpisodeStatus: String, Sendable, Hashable, CaseIterable {
    /// Discharged on or before the period's end.
    case discharged
    /// Not discharged, with a log row in the last `active_days` of the episode.
    case active
    /// Neither: the patient stopped logging.
    case lapsed
}

extension PROMInstrument {
    /// The minimal important change in force for the instrument, in points (higher is better):
    /// `koos_pf_mic` (16.4, Crossley 2018) or `akps_mic` (10, Crossley 2004).
    public func mic(_ thresholds: AuditThresholds) -> Double {
        switch self {
        case .koosPF: return thresholds.koosPfMic
        case .akps: return thresholds.akpsMic
        }
    }
}

/// A patient's PROM over the episode.
public struct PROMOutcome: Sendable, Hashable {
    public var instrument: PROMInstrument
    /// The first score in start ± `prom_baseline_days`.
    public var baseline: Double?
    /// The last score in the final `prom_final_days` of the episode.
    public var final: Double?
    /// `final − baseline` (positive is better); `nil` unless both exist.
    public var change: Double?
    /// The change is at least the instrument's MIC; `nil` unless both scores exist.
    public var micReached: Bool?

    /// True when both scores exist.
    public var isComplete: Bool { change != nil }

    public init(instrument: PROMInstrument, baseline: Double?, final: Double?, change: Double?, micReached: Bool?) {
        self.instrument = instrument
        self.baseline = baseline
        self.final = final
        self.change = change
        self.micReached = micReached
    }
}

/// One patient's episode in an audit: the outcome figures of `audit-patients.csv`.
public struct AuditEpisode: Sendable, Hashable {
    public var patientID: String
    public var clinician: String?
    public var programStart: CalendarDate
    /// E = min(discharge date, period end).
    public var episodeEnd: CalendarDate
    public var status: EpisodeStatus
    /// Days from the programme start to E, inclusive.
    public var days: Int
    /// Mean daily pain over the programme's first `baseline_days` (as in the review), 0–10.
    public var baselinePain: Double?
    /// Mean daily pain over the last `final_days` of the episode, 0–10.
    public var finalPain: Double?
    /// `final − baseline`, points (negative is better); `nil` unless complete.
    public var change: Double?
    /// `100 × change / baseline`, %; `nil` unless complete with a baseline above 0.
    public var pctChange: Double?
    /// Reached a clinically important drop (`mcid_points` or `mcid_percent`); `nil` unless complete.
    public var mcidReached: Bool?
    /// Days from the programme start to the first day whose trailing mean met the MCID rule.
    public var daysToMCID: Int?
    /// Adherence over start…E, % (the review's definition).
    public var adherencePct: Double?
    /// The PROM outcome, when PROM scores were given for the patient.
    public var prom: PROMOutcome?

    /// True when both baseline and final pain exist.
    public var isComplete: Bool { baselinePain != nil && finalPain != nil }

    public init(
        patientID: String, clinician: String?, programStart: CalendarDate, episodeEnd: CalendarDate,
        status: EpisodeStatus, days: Int, baselinePain: Double?, finalPain: Double?, change: Double?,
        pctChange: Double?, mcidReached: Bool?, daysToMCID: Int?, adherencePct: Double?, prom: PROMOutcome?
    ) {
        self.patientID = patientID
        self.clinician = clinician
        self.programStart = programStart
        self.episodeEnd = episodeEnd
        self.status = status
        self.days = days
        self.baselinePain = baselinePain
        self.finalPain = finalPain
        self.change = change
        self.pctChange = pctChange
        self.mcidReached = mcidReached
        self.daysToMCID = daysToMCID
        self.adherencePct = adherencePct
        self.prom = prom
    }
}

/// True when a drop from `baseline` to `pain` is clinically important: by at least `mcid_points`,
/// or by at least `mcid_percent` of a baseline above 0 (Farrar 2001's "2 points or 30 %").
public func meetsMCID(baseline: Double, pain: Double, thresholds: AuditThresholds) -> Bool {
    let drop = baseline - pain
    if drop >= thresholds.mcidPoints { return true }
    return baseline > 0 && 100 * drop / baseline >= thresholds.mcidPercent
}

/// The audit episode of one patient, or `nil` when the patient does not belong to the audit.
///
/// A patient belongs when their programme window (start to discharge, open-ended without one)
/// overlaps the period and they have a log day in it. E = min(discharge, period end).
/// - Baseline pain: mean daily pain over start…start+`baseline_days`−1, even before `from`.
/// - Final pain: mean daily pain over E−`final_days`+1…E, only when that window starts after the
///   baseline window (a shorter episode has none, so it is not complete).
/// - MCID (complete episodes only): ``meetsMCID(baseline:pain:thresholds:)``.
/// - Days to MCID: the first D in start+`baseline_days`…E whose trailing mean pain over
///   D−`mcid_trailing_days`+1…D meets the rule against the baseline; `D − start` days.
/// - Adherence: over start…E, as in the review. Status: discharged (discharge ≤ `to`), else
///   active (a row in the last `active_days` of the episode), else lapsed.
/// - PROM: ``promOutcome(_:start:end:thresholds:)`` over `proms` (this patient's scores).
/// - Returns: `nil` without a programme start, or outside the period.
public func auditEpisode(
    _ patient: PatientRecord, period: AuditPeriod, thresholds: Thresholds, audit: AuditThresholds,
    proms: [PROMScore] = []
) -> AuditEpisode? {
    guard let start = programStart(of: patient) else { return nil }
    let discharge = patient.roster?.dischargeDate
    guard start <= period.to, (discharge.map { $0 >= period.from } ?? true) else { return nil }
    guard patient.days.contains(where: { $0.date >= period.from && $0.date <= period.to && $0.rows > 0 }) else {
        return nil
    }
    let end = min(discharge ?? period.to, period.to)
    guard start <= end else { return nil }
    let window = Array(records(patient.days, in: start...end))
    let pain = dailyPain(from: window)
    let baselineEnd = start.adding(days: thresholds.baselineDays - 1)
    let baseline = meanPain(pain, in: start...baselineEnd)
    // The final window must start after the baseline window: in a shorter episode the two would
    // share days and the change would be 0 by construction, so there is no final pain.
    let finalStart = end.adding(days: -(audit.finalDays - 1))
    let final = finalStart > baselineEnd ? meanPain(pain, in: finalStart...end) : nil
    var change: Double?, pct: Double?, reached: Bool?
    if let baseline, let final {
        change = final - baseline
        if baseline > 0 { pct = 100 * (final - baseline) / baseline }
        reached = meetsMCID(baseline: baseline, pain: final, thresholds: audit)
    }
    var daysToMCID: Int?
    if let baseline {
        var day = start.adding(days: thresholds.baselineDays)
        while day <= end {
            if let trailing = meanPain(pain, in: day.adding(days: -(audit.mcidTrailingDays - 1))...day),
               meetsMCID(baseline: baseline, pain: trailing, thresholds: audit)
            {
                daysToMCID = start.days(until: day)
                break
            }
            day = day.adding(days: 1)
        }
    }
    let status: EpisodeStatus
    if let discharge, discharge <= period.to {
        status = .discharged
    } else if records(patient.days, in: end.adding(days: -(audit.activeDays - 1))...end).contains(where: { $0.rows > 0 }) {
        status = .active
    } else {
        status = .lapsed
    }
    let adherence = adherence(patient.days, from: start, to: end, sessionsPerWeek: patient.sessionsPerWeek)
    return AuditEpisode(
        patientID: patient.patientID, clinician: patient.clinician, programStart: start, episodeEnd: end,
        status: status, days: start.days(until: end) + 1, baselinePain: baseline, finalPain: final, change: change,
        pctChange: pct, mcidReached: reached, daysToMCID: daysToMCID, adherencePct: adherence.percent,
        prom: promOutcome(proms, start: start, end: end, thresholds: audit))
}

/// A patient's PROM outcome over start…end, or `nil` without any score.
///
/// Per instrument: the baseline is the first score in start−`prom_baseline_days`…start+`prom_baseline_days`,
/// the final score the last in end−`prom_final_days`…end dated after the baseline score, the change
/// `final − baseline`, and the MIC reached when the change is at least the
/// instrument's MIC. With scores of several instruments, the first instrument in
/// ``PROMInstrument`` order with both scores is reported, else the first with any score.
public func promOutcome(
    _ scores: [PROMScore], start: CalendarDate, end: CalendarDate, thresholds: AuditThresholds
) -> PROMOutcome? {
    let baselineRange = start.adding(days: -thresholds.promBaselineDays)...start.adding(days: thresholds.promBaselineDays)
    let finalRange = end.adding(days: -thresholds.promFinalDays)...end
    var outcomes: [PROMOutcome] = []
    for instrument in PROMInstrument.allCases {
        let own = scores.filter { $0.instrument == instrument }.sorted { $0.date < $1.date }
        guard !own.isEmpty else { continue }
        let first = own.first { baselineRange.contains($0.date) }
        let last = own.last { score in
            finalRange.contains(score.date) && (first.map { score.date > $0.date } ?? true)
        }
        let change = first.flatMap { b in last.map { $0.score - b.score } }
        outcomes.append(
            PROMOutcome(
                instrument: instrument, baseline: first?.score, final: last?.score, change: change,
                micReached: change.map { $0 >= instrument.mic(thresholds) }))
    }
    return outcomes.first(where: \.isComplete) ?? outcomes.first
}

/// Wilson score interval for `successes` of `n` at `z`, as proportions 0–1.
///
/// `centre = (p + z²/2n) / (1 + z²/n)`, `half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)`, p = successes/n.
/// - Returns: `nil` when `n` is 0.
public func wilsonInterval(successes: Int, of n: Int, z: Double) -> (low: Double, high: Double)? {
    guard n > 0 else { return nil }
    let nn = Double(n)
    let p = Double(successes) / nn
    let z2 = z * z
    let denominator = 1 + z2 / nn
    let centre = (p + z2 / (2 * nn)) / denominator
    let half = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot() / denominator
    return (max(0, centre - half), min(1, centre + half))
}

/// A clinician's (or the service's) audit figures: a row of `audit-clinicians.csv`.
public struct ClinicianAudit: Sendable, Hashable {
    /// The clinician, `Unassigned`, or ``allPatientsRow`` for the service.
    public var clinician: String
    public var patients: Int
    public var complete: Int
    /// `100 × complete / patients`, %; `nil` without patients.
    public var completenessPct: Double?
    public var mcidReached: Int
    /// `100 × mcid_reached / complete`, %; `nil` without complete episodes.
    public var mcidPct: Double?
    /// Wilson interval of the MCID proportion at `ci_z`, %; `nil` without complete episodes.
    public var mcidCILow: Double?
    public var mcidCIHigh: Double?
    /// Median pain change of the complete episodes, points.
    public var medianChange: Double?
    /// Median days to MCID of the episodes that have one (a day whose trailing mean met the rule,
    /// whether or not the final pain still meets it).
    public var medianDaysToMCID: Double?
    /// Median adherence, %, of the episodes that have one.
    public var medianAdherencePct: Double?
    public var discharged: Int
    public var active: Int
    public var lapsed: Int
    /// Episodes with a baseline and a final PROM score.
    public var promComplete: Int
    /// `100 × MIC reached / prom_complete`, %; `nil` without complete PROMs.
    public var promMICPct: Double?

    /// The name of the last row, over every patient of the audit.
    public static let allPatientsRow = "All patients"
}

/// The audit figures of a group of episodes, named `clinician`. Every count is 0 and every
/// percentage and median `nil` on empty input.
public func clinicianAudit(_ episodes: [AuditEpisode], clinician: String, thresholds: AuditThresholds) -> ClinicianAudit {
    let complete = episodes.filter(\.isComplete)
    let reached = complete.filter { $0.mcidReached == true }.count
    let interval = wilsonInterval(successes: reached, of: complete.count, z: thresholds.ciZ)
    let proms = episodes.compactMap(\.prom).filter(\.isComplete)
    func pct(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? 100 * Double(part) / Double(whole) : nil }
    return ClinicianAudit(
        clinician: clinician, patients: episodes.count, complete: complete.count,
        completenessPct: pct(complete.count, episodes.count), mcidReached: reached,
        mcidPct: pct(reached, complete.count), mcidCILow: interval.map { 100 * $0.low },
        mcidCIHigh: interval.map { 100 * $0.high }, medianChange: median(complete.compactMap(\.change)),
        medianDaysToMCID: median(episodes.compactMap { $0.daysToMCID.map(Double.init) }),
        medianAdherencePct: median(episodes.compactMap(\.adherencePct)),
        discharged: episodes.count { $0.status == .discharged }, active: episodes.count { $0.status == .active },
        lapsed: episodes.count { $0.status == .lapsed }, promComplete: proms.count,
        promMICPct: pct(proms.count { $0.micReached == true }, proms.count))
}

/// The funnel plot's control limits at one number of complete episodes, as proportions 0–1.
public struct FunnelLimits: Sendable, Hashable {
    /// Complete episodes.
    public var n: Int
    public var innerLow: Double
    public var innerHigh: Double
    public var outerLow: Double
    public var outerHigh: Double
}

/// Control limits around the service's proportion `p`: `p ± z·√(p(1−p)/n)`, clipped to 0–1,
/// at `funnel_inner_z` and `funnel_outer_z`.
/// - Precondition: `n > 0`.
public func funnelLimits(p: Double, n: Int, thresholds: AuditThresholds) -> FunnelLimits {
    precondition(n > 0, "funnel limits need at least one episode")
    let sd = (p * (1 - p) / Double(n)).squareRoot()
    func clip(_ x: Double) -> Double { min(1, max(0, x)) }
    return FunnelLimits(
        n: n, innerLow: clip(p - thresholds.funnelInnerZ * sd), innerHigh: clip(p + thresholds.funnelInnerZ * sd),
        outerLow: clip(p - thresholds.funnelOuterZ * sd), outerHigh: clip(p + thresholds.funnelOuterZ * sd))
}

/// The whole audit: every episode, the per-clinician rows, the service row and the funnel.
public struct AuditAnalysis: Sendable {
    public var period: AuditPeriod
    public var thresholds: Thresholds
    public var audit: AuditThresholds
    /// Episodes by clinician (``caseloads(of:)`` order of names), then patient ID.
    public var episodes: [AuditEpisode]
    /// One row per clinician, clinicians by name, `Unassigned` last.
    public var clinicians: [ClinicianAudit]
    /// The service row, over every episode.
    public var service: ClinicianAudit
    /// The service's MCID proportion (0–1) the funnel is drawn around; `nil` without complete episodes.
    public var funnelCentre: Double?
    /// Control limits for n = 1 … the largest clinician's complete episodes.
    public var funnel: [FunnelLimits]
    /// Two-sided confidence of the outer limits, in % (99.8 at z = 3.09): 100 × (2Φ(z) − 1).
    public var outerConfidencePct: Double { confidencePercent(z: audit.funnelOuterZ) }
    /// Clinicians whose MCID proportion lies outside the outer (99.8 %) limits: a prompt to look, not a verdict.
    public var outliers: [String]
    /// Patients read who do not belong to the audit period.
    public var patientsOutsidePeriod: Int
}

/// The two-sided confidence of ±z, in %: 100 × (2Φ(z) − 1), Φ the standard normal distribution
/// function (95.0 at 1.96, 99.8 at 3.09).
public func confidencePercent(z: Double) -> Double {
    100 * (1 - erfc(z / 2.0.squareRoot()))
}

/// Audits `patients` over `period`: the episodes, per clinician and for the service, the funnel
/// limits and the clinicians outside the outer limits.
///
/// - Parameter proms: accepted PROM scores (any patient; those of patients outside the audit are unused).
/// - Returns: an analysis with no episodes, rows of zeros and no funnel when nobody belongs.
public func auditAnalysis(
    _ patients: [PatientRecord], period: AuditPeriod, thresholds: Thresholds = Thresholds(),
    audit: AuditThresholds = AuditThresholds(), proms: [PROMScore] = []
) -> AuditAnalysis {
    var scoresByPatient: [String: [PROMScore]] = [:]
    for score in proms { scoresByPatient[score.patientID, default: []].append(score) }
    var episodes: [AuditEpisode] = []
    for patient in patients {
        if let episode = auditEpisode(
            patient, period: period, thresholds: thresholds, audit: audit, proms: scoresByPatient[patient.patientID] ?? [])
        {
            episodes.append(episode)
        }
    }
    var byName: [String: [AuditEpisode]] = [:]
    for episode in episodes { byName[clinicianName(episode.clinician), default: []].append(episode) }
    let names = byName.keys.sorted(by: caseloadOrder)
    let ordered = names.flatMap { (byName[$0] ?? []).sorted { $0.patientID < $1.patientID } }
    let clinicians = names.map { clinicianAudit(byName[$0] ?? [], clinician: $0, thresholds: audit) }
    let service = clinicianAudit(episodes, clinician: ClinicianAudit.allPatientsRow, thresholds: audit)
    let centre = service.complete > 0 ? Double(service.mcidReached) / Double(service.complete) : nil
    var funnel: [FunnelLimits] = []
    var outliers: [String] = []
    if let centre {
        let largest = clinicians.map(\.complete).max() ?? 0
        funnel = (1...max(1, largest)).map { funnelLimits(p: centre, n: $0, thresholds: audit) }
        for row in clinicians where row.complete > 0 {
            let limits = funnelLimits(p: centre, n: row.complete, thresholds: audit)
            let share = Double(row.mcidReached) / Double(row.complete)
            if share < limits.outerLow || share > limits.outerHigh { outliers.append(row.clinician) }
        }
    }
    return AuditAnalysis(
        period: period, thresholds: thresholds, audit: audit, episodes: ordered, clinicians: clinicians,
        service: service, funnelCentre: centre, funnel: funnel, outliers: outliers,
        patientsOutsidePeriod: patients.count - episodes.count)
}
