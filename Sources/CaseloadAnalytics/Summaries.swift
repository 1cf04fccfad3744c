import CaseloadModel

/// Direction of a patient's pain over the trend window.
public enum Trend: String, Sendable, Hashable, CaseIterable, Codable {
    case improving, worsening, stable
    /// Too few pain days in the window (or none recently) to say.
    case insufficientData = "insufficient_data"

    /// The trend in plain words (`insufficient data` for ``insufficientData``).
    public var label: String {
        switch self {
        case .improving: return "improving"
        case .worsening: return "worsening"
        case .stable: return "stable"
        case .insufficientData: return "insufficient data"
        }
    }
}

/// Why a clinician should call a patient this week. Raw values are the stable
/// identifiers written to CSV (joined with `;`) and checked by the output contract.
///
/// Every reason states its ``label``, ``defaultTier`` and ``severity`` in an exhaustive
/// `switch` (FollowUpTier.swift), so a reason added without them does not compile.
/// The declaration order is the order reasons are listed in, and breaks ties in priority
/// between patients whose most urgent reasons have the same tier and score.
public enum FollowUpReason: String, Sendable, Hashable, CaseIterable, Codable {
    case worseningPain = "worsening_pain"
    case persistentFlare = "persistent_flare"
    case highExercisePain = "high_exercise_pain"
    case swelling = "swelling"
    case nightPain = "night_pain"
    case readinessFailures = "readiness_failures"
    case plateau = "plateau"
    case noRecentData = "no_recent_data"
    case lowAdherence = "low_adherence"
    case longSessions = "long_sessions"
}

/// One reason a patient needs a call, with the evidence in words.
public struct FollowUpFlag: Sendable, Hashable, Codable {
    public var reason: FollowUpReason
    /// One sentence with the numbers behind the reason, e.g.
    /// "pain 6.1 now vs 3.0 at baseline; rising 0.9/week over 21 days, p=0.002".
    public var explanation: String
    /// True when the reason did not hold as of seven days before the as-of date.
    public var isNew: Bool
    /// How soon to call about it: the reason's tier in force (``FollowUpTiers``).
    public var tier: FollowUpTier

    public init(reason: FollowUpReason, explanation: String, isNew: Bool, tier: FollowUpTier? = nil) {
        self.reason = reason
        self.explanation = explanation
        self.isNew = isNew
        self.tier = tier ?? reason.defaultTier
    }
}

/// The pain trend over the trend window: Theil–Sen slope with a Mann–Kendall test.
public struct PainTrend: Sendable, Hashable, Codable {
    /// Theil–Sen slope in pain points per week; `nil` when data are insufficient.
    public var slopePerWeek: Double?
    /// Two-sided Mann–Kendall p-value; `nil` when data are insufficient.
    public var pValue: Double?
    /// Kendall's S statistic; `nil` when data are insufficient.
    public var kendallS: Double?
    /// Pain days used.
    public var days: Int
    public var trend: Trend

    public init(slopePerWeek: Double?, pValue: Double?, kendallS: Double?, days: Int, trend: Trend) {
        self.slopePerWeek = slopePerWeek
        self.pValue = pValue
        self.kendallS = kendallS
        self.days = days
        self.trend = trend
    }
}

/// A run of days whose pain stood at least the flare margin above the recent median.
public struct Flare: Sendable, Hashable, Codable {
    public var start: CalendarDate
    /// Last day of the flare that stayed high (the as-of date's pain day when still going on).
    public var end: CalendarDate
    /// Median of the previous days' pain frozen when the flare began.
    public var baseline: Double
    public var peak: Double
    /// True when the flare is still going on at the as-of date.
    public var isOngoing: Bool
    /// Calendar days from start to end, inclusive.
    public var lengthDays: Int { start.days(until: end) + 1 }

    public init(start: CalendarDate, end: CalendarDate, baseline: Double, peak: Double, isOngoing: Bool) {
        self.start = start
        self.end = end
        self.baseline = baseline
        self.peak = peak
        self.isOngoing = isOngoing
    }
}

/// Whether improvement has stalled while pain is still meaningful.
public struct PlateauAssessment: Sendable, Hashable, Codable {
    public var isPlateau: Bool
    /// The day the stalled segment began (change-point), when a plateau is flagged.
    public var since: CalendarDate?
    /// Theil–Sen change across the plateau window in points (slope × window length); `nil` when not assessed.
    public var changeOverWindow: Double?
    /// Why no plateau was assessed, when it was not (e.g. "fewer than 10 pain days in 28").
    public var notAssessedBecause: String?

    public init(isPlateau: Bool, since: CalendarDate?, changeOverWindow: Double?, notAssessedBecause: String?) {
        self.isPlateau = isPlateau
        self.since = since
        self.changeOverWindow = changeOverWindow
        self.notAssessedBecause = notAssessedBecause
    }
}

/// Where the patient stands in the graded programme.
public struct LevelSummary: Sendable, Hashable, Codable {
    /// Level of the latest day that logged one.
    public var current: Int?
    /// Calendar days since the patient first reached the current level (inclusive of A).
    public var daysAtCurrent: Int?
    /// Times the logged level dropped below the previous logged level.
    public var regressions: Int

    public init(current: Int?, daysAtCurrent: Int?, regressions: Int) {
        self.current = current
        self.daysAtCurrent = daysAtCurrent
        self.regressions = regressions
    }
}

/// One patient's ISO week.
public struct WeeklySummary: Sendable, Hashable, Codable {
    public var week: ISOWeek
    public var sessionDays: Int
    /// Prescribed sessions for the programme days of this week (partial at either end).
    public var sessionsPrescribed: Double
    public var adherencePct: Double?
    public var minutes: Double
    public var painMean: Double?
    public var painMax: Double?
    public var painDuringMedian: Double?
    public var strengthDays: Int
    /// Days with mobility or activation work.
    public var mobilityDays: Int

    public init(
        week: ISOWeek, sessionDays: Int, sessionsPrescribed: Double, adherencePct: Double?, minutes: Double,
        painMean: Double?, painMax: Double?, painDuringMedian: Double?, strengthDays: Int, mobilityDays: Int
    ) {
        self.week = week
        self.sessionDays = sessionDays
        self.sessionsPrescribed = sessionsPrescribed
        self.adherencePct = adherencePct
        self.minutes = minutes
        self.painMean = painMean
        self.painMax = painMax
        self.painDuringMedian = painDuringMedian
        self.strengthDays = strengthDays
        self.mobilityDays = mobilityDays
    }
}

/// One day of the pain trajectory as a clinician sees it on the patient sheet.
public struct DailyPainPoint: Sendable, Hashable, Codable {
    public var date: CalendarDate
    /// The day's worst pain, `nil` on a day without a pain score.
    public var pain: Double?
    /// Mean of the pain scores in the 7 days ending this day; `nil` when there were none.
    public var rollingMean7: Double?
    /// True when the day is part of a flare.
    public var inFlare: Bool

    public init(date: CalendarDate, pain: Double?, rollingMean7: Double?, inFlare: Bool) {
        self.date = date
        self.pain = pain
        self.rollingMean7 = rollingMean7
        self.inFlare = inFlare
    }
}

/// Every figure and flag the weekly review shows for one patient, as of one date.
public struct PatientSummary: Sendable, Codable {
    public var patientID: String
    public var clinician: String?
    public var displayName: String?
    /// Start of the programme window (roster `program_start`, else the first log date).
    public var programStart: CalendarDate?
    public var firstDate: CalendarDate?
    public var lastDate: CalendarDate?
    /// Days from programme start to the as-of date inclusive (0 when the programme starts later).
    public var daysInProgram: Int
    public var sessionsPrescribed: Double
    public var sessionsCompleted: Int
    public var adherencePct: Double?
    public var adherence14dPct: Double?
    public var painBaseline: Double?
    public var painCurrent: Double?
    /// `painCurrent − painBaseline` (negative is better).
    public var painChange: Double?
    public var trend: PainTrend
    public var plateau: PlateauAssessment
    public var flares: [Flare]
    public var level: LevelSummary
    public var weekly: [WeeklySummary]
    /// The programme window's days (A−window…A) for charts and the daily table.
    public var days: [DailyRecord]
    public var painSeries: [DailyPainPoint]
    public var followUp: [FollowUpFlag]
    /// 1 = most urgent; `nil` when no follow-up is needed.
    public var priority: Int?
    /// Log rows dated after the as-of date, ignored for analytics.
    public var rowsAfterAsOf: Int
    /// True when a day of the programme window in the 7 days ending at the review's as-of date
    /// (A−6…A) has any log row ("active this week").
    public var isActiveThisWeek: Bool = false
    /// The score the follow-up list is ordered by (higher is more urgent, see
    /// `priorityScore(_:)`); `nil` when no follow-up is needed.
    public var priorityScore: Int? = nil

    public init(
        patientID: String, clinician: String?, displayName: String?, programStart: CalendarDate?,
        firstDate: CalendarDate?, lastDate: CalendarDate?, daysInProgram: Int, sessionsPrescribed: Double,
        sessionsCompleted: Int, adherencePct: Double?, adherence14dPct: Double?, painBaseline: Double?,
        painCurrent: Double?, painChange: Double?, trend: PainTrend, plateau: PlateauAssessment, flares: [Flare],
        level: LevelSummary, weekly: [WeeklySummary], days: [DailyRecord], painSeries: [DailyPainPoint],
        followUp: [FollowUpFlag], priority: Int?, rowsAfterAsOf: Int
    ) {
        self.patientID = patientID
        self.clinician = clinician
        self.displayName = displayName
        self.programStart = programStart
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.daysInProgram = daysInProgram
        self.sessionsPrescribed = sessionsPrescribed
        self.sessionsCompleted = sessionsCompleted
        self.adherencePct = adherencePct
        self.adherence14dPct = adherence14dPct
        self.painBaseline = painBaseline
        self.painCurrent = painCurrent
        self.painChange = painChange
        self.trend = trend
        self.plateau = plateau
        self.flares = flares
        self.level = level
        self.weekly = weekly
        self.days = days
        self.painSeries = painSeries
        self.followUp = followUp
        self.priority = priority
        self.rowsAfterAsOf = rowsAfterAsOf
    }

    /// True when at least one follow-up reason holds.
    public var needsFollowUp: Bool { !followUp.isEmpty }
    /// True when any reason is new this week.
    public var hasNewFollowUp: Bool { followUp.contains { $0.isNew } }
    /// The tier of the patient's most urgent reason; `nil` without follow-up.
    public var tier: FollowUpTier? { followUp.map(\.tier).min() }
}

/// The analysis of a whole run: every patient as of one date, under one set of thresholds.
public struct CaseloadAnalysis: Sendable {
    public var asOf: CalendarDate
    public var thresholds: Thresholds
    /// The tier of every follow-up reason in force.
    public var tiers: FollowUpTiers
    /// Ordered by priority (tier, then score; patients without follow-up last), then patient ID.
    public var patients: [PatientSummary]
    /// Log rows dated after the as-of date, ignored for analytics, over all patients.
    public var rowsAfterAsOf: Int

    public init(
        asOf: CalendarDate, thresholds: Thresholds, tiers: FollowUpTiers, patients: [PatientSummary],
        rowsAfterAsOf: Int
    ) {
        self.asOf = asOf
        self.thresholds = thresholds
        self.tiers = tiers
        self.patients = patients
        self.rowsAfterAsOf = rowsAfterAsOf
    }
}
