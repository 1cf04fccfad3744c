import CaseloadModel
import Foundation

/// The figures the follow-up reasons are decided from, for one patient as of one date.
///
/// Built by ``summarise(_:asOf:thresholds:)``; exposed so each reason can be tested on
/// hand-made figures.
public struct FollowUpEvidence: Sendable, Hashable {
    /// The as-of date A.
    public var asOf: CalendarDate
    /// Programme start (`nil` when neither roster nor log gives one).
    public var programStart: CalendarDate?
    /// Mean pain over the programme's first 7 days.
    public var painBaseline: Double?
    /// Mean pain over A−6…A.
    public var painCurrent: Double?
    /// Trend over the last 21 days.
    public var trend: PainTrend
    /// Flares of the programme window, in date order.
    public var flares: [Flare]
    /// The plateau assessment.
    public var plateau: PlateauAssessment
    /// Adherence over the last 14 days.
    public var adherence14d: AdherenceWindow
    /// Latest day with any row on or before the as-of date (programme window or not).
    public var lastLogDate: CalendarDate?
    /// The programme days of the symptom window A−6…A.
    public var symptomDays: [DailyRecord]

    public init(
        asOf: CalendarDate, programStart: CalendarDate?, painBaseline: Double?, painCurrent: Double?,
        trend: PainTrend, flares: [Flare], plateau: PlateauAssessment, adherence14d: AdherenceWindow,
        lastLogDate: CalendarDate?, symptomDays: [DailyRecord]
    ) {
        self.asOf = asOf
        self.programStart = programStart
        self.painBaseline = painBaseline
        self.painCurrent = painCurrent
        self.trend = trend
        self.flares = flares
        self.plateau = plateau
        self.adherence14d = adherence14d
        self.lastLogDate = lastLogDate
        self.symptomDays = symptomDays
    }
}

/// Every follow-up reason that holds, most urgent first, each with a one-sentence explanation.
///
/// Definitions (thresholds from ``Thresholds``; see docs/ANALYTICS.md for sources):
/// - `worsening_pain`: trend `worsening`, or current ≥ baseline + `worseningMargin` (2, Farrar 2001).
/// - `persistent_flare`: a flare going on at A that has lasted more than 3 days.
/// - `plateau`: ``PlateauAssessment/isPlateau``.
/// - `low_adherence`: 14-day adherence < `lowAdherencePct` (50 %).
/// - `no_recent_data`: no row at all in A−6…A (`noRecentDataDays`), once the programme has
///   started (or when no start is known).
/// - `night_pain`, `swelling`: on ≥ 2 days of the symptom window A−6…A.
/// - `high_exercise_pain`: median `pain_during` over the symptom window > 5 (Silbernagel 2007).
/// - `readiness_failures`: ≥ 3 failed readiness tests in the symptom window.
/// - `long_sessions`: median exercise minutes over the symptom window's session days that
///   logged a duration > 30 (a ~15-minute programme).
///
/// Every flag has `isNew == false`; ``summarise(_:asOf:thresholds:)`` sets it.
/// - Returns: flags in ``FollowUpReason`` declaration order; empty when nothing holds.
public func followUpFlags(_ evidence: FollowUpEvidence, thresholds: Thresholds = Thresholds()) -> [FollowUpFlag] {
    var flags: [FollowUpFlag] = []
    func add(_ reason: FollowUpReason, _ explanation: String) {
        flags.append(FollowUpFlag(reason: reason, explanation: explanation, isNew: false))
    }
    let e = evidence
    let window = "the last \(thresholds.symptomWindowDays) days"

    // Worsening pain.
    let trendWorse = e.trend.trend == .worsening
    var risen = false
    if let current = e.painCurrent, let baseline = e.painBaseline, current - baseline >= thresholds.worseningMargin {
        risen = true
    }
    if trendWorse || risen {
        var parts: [String] = []
        if let current = e.painCurrent {
            parts.append("pain \(Figure.pain.text(current)) now" + (e.painBaseline.map { " vs \(Figure.pain.text($0)) at baseline" } ?? ""))
        }
        if trendWorse, let slope = e.trend.slopePerWeek, let p = e.trend.pValue {
            let pText = p < 0.001 ? "p" + Figure.pValue.text(p) : "p=" + Figure.pValue.text(p)
            parts.append(
                "rising \(Rounding.fixed(slope, decimals: Figure.slopePerWeek.decimals))/week over "
                    + "\(thresholds.trendWindowDays) days, \(pText)")
        }
        add(.worseningPain, parts.joined(separator: "; "))
    }

    // Persistent flare.
    if let flare = e.flares.last(where: { isPersistent($0, thresholds: thresholds) }) {
        add(.persistentFlare,
            "flare since \(flare.start) (\(flare.lengthDays) days), pain up to \(Figure.pain.text(flare.peak)) "
                + "vs \(Figure.pain.text(flare.baseline)) before it")
    }

    // Symptom window.
    let symptoms = e.symptomDays
    var during: [Double] = []
    for day in symptoms { day.appendPainDuring(to: &during) }
    if let m = medianReordering(&during), m > thresholds.highExercisePain {
        add(.highExercisePain,
            "median pain during exercise \(Figure.pain.text(m)) over \(window) (\(during.count) ratings), "
                + "above \(Figure.pain.text(thresholds.highExercisePain))")
    }
    let swellingDays = symptoms.filter { $0.swelling == true }.count
    if swellingDays >= thresholds.swellingDays {
        add(.swelling, "\(swellingDays) of \(window) with swelling")
    }
    let nightDays = symptoms.filter { $0.nightPain == true }.count
    if nightDays >= thresholds.nightPainDays {
        add(.nightPain, "\(nightDays) of \(window) with night pain")
    }
    let failures = symptoms.reduce(0) { $0 + $1.readinessFailures }
    if failures >= thresholds.readinessFailures {
        add(.readinessFailures, "\(failures) failed readiness tests in \(window)")
    }

    // Plateau.
    if e.plateau.isPlateau {
        var text = "pain \(Figure.pain.text(e.painCurrent, missing: "?")) now, changed "
            + "\(Figure.pain.text(e.plateau.changeOverWindow, missing: "?")) over the last \(thresholds.plateauWindowDays) days"
        if let since = e.plateau.since { text += "; at this level since \(since)" }
        add(.plateau, text)
    }

    // No recent data.
    let started = e.programStart.map { $0 <= e.asOf } ?? true
    let recentStart = e.asOf.adding(days: -(thresholds.noRecentDataDays - 1))
    if started, (e.lastLogDate.map { $0 < recentStart } ?? true) {
        if let last = e.lastLogDate {
            add(.noRecentData, "no log entry since \(last) (\(last.days(until: e.asOf)) days)")
        } else if let start = e.programStart {
            add(.noRecentData, "no log entry since the programme started on \(start) (\(start.days(until: e.asOf) + 1) days)")
        } else {
            add(.noRecentData, "no log entry yet")
        }
    }

    // Low adherence.
    if let pct = e.adherence14d.percent, pct < thresholds.lowAdherencePct {
        add(.lowAdherence,
            "\(e.adherence14d.sessionDays) session days in the last \(e.adherence14d.days) days vs "
                + "\(Figure.sessions.text(e.adherence14d.prescribed)) prescribed (\(Figure.percent.text(pct))%)")
    }

    // Long sessions.
    let timed = symptoms.filter { $0.isSessionDay && $0.rowsWithDuration > 0 }.map(\.minutes)
    if let m = median(timed), m > thresholds.longSessionMinutes {
        add(.longSessions,
            "median \(Figure.minutes.text(m)) minutes of exercise on \(timed.count) session days in \(window), "
                + "against a programme of about 15 minutes")
    }

    let order = Dictionary(uniqueKeysWithValues: FollowUpReason.allCases.enumerated().map { ($1, $0) })
    return flags.sorted { (order[$0.reason] ?? 0) < (order[$1.reason] ?? 0) }
}

/// Priority score of a patient's flags: higher is more urgent.
///
/// `score = 100 × max severity + 10 × min(number of reasons − 1, 9) + (1 if any reason is new)`,
/// with each reason's ``FollowUpReason/severity`` (10 for `worsening_pain` down to 1 for
/// `long_sessions`).
/// Lexicographic: the most severe reason decides (one step of severity, 100, outweighs any number
/// of extra reasons and news, at most 91), so a persistent flare or worsening pain always comes
/// before a pile of lesser reasons; among equal worst reasons, more reasons, then news, come first.
/// - Returns: `nil` when there are no flags.
public func priorityScore(_ flags: [FollowUpFlag]) -> Int? {
    guard let top = flags.map({ $0.reason.severity }).max() else { return nil }
    return 100 * top + 10 * min(flags.count - 1, 9) + (flags.contains(where: \.isNew) ? 1 : 0)
}

