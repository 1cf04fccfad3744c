/// Every number the analytics compare against, with its default and source.
///
/// Defaults follow docs/ANALYTICS.md; each may be overridden from the configuration
/// file and is recorded in the manifest and the workbook's About sheet.
public struct Thresholds: Sendable, Hashable {
    /// Days at the start of the programme averaged for the pain baseline.
    public var baselineDays: Int = 7
    /// Days ending at the as-of date averaged for current pain.
    public var currentDays: Int = 7
    /// Days in the recent-adherence window.
    public var recentAdherenceDays: Int = 14
    /// Days in the trend window.
    public var trendWindowDays: Int = 21
    /// Pain days needed in the trend window.
    public var trendMinPainDays: Int = 8
    /// |slope| in points a week for a trend to count as improving or worsening.
    public var trendMinSlopePerWeek: Double = 0.5
    /// Mann–Kendall significance level.
    public var trendAlpha: Double = 0.05
    /// Points above the previous days' median that make a flare day (MCID, Farrar 2001).
    public var flareMargin: Double = 2.0
    /// Days before a day whose median is the flare reference.
    public var flareReferenceDays: Int = 7
    /// Pain values needed in the reference days.
    public var flareMinReferenceValues: Int = 3
    /// A flare still going on that has lasted more days than this is persistent (guides: 1–3 days).
    public var flareExpectedMaxDays: Int = 3
    /// Days in the plateau window.
    public var plateauWindowDays: Int = 28
    /// Pain days needed in the plateau window.
    public var plateauMinPainDays: Int = 10
    /// Change across the window below which improvement has stalled, in points.
    public var plateauMaxChange: Double = 1.0
    /// Current pain at or above which a stall still matters.
    public var plateauMinCurrentPain: Double = 3.0
    /// Minimum segment length for the change-point search, in days.
    public var plateauMinSegmentDays: Int = 7
    /// Rise of current over baseline pain that counts as worsening (MCID, Farrar 2001).
    public var worseningMargin: Double = 2.0
    /// Recent adherence below this percentage is low; also the lower adherence band's bound.
    public var lowAdherencePct: Double = 50
    /// Programme adherence from this percentage up is the top band of the Overview and green in
    /// the heat maps (a reporting band, no clinical source; see docs/ANALYTICS.md).
    public var goodAdherencePct: Double = 80
    /// Days without any row that make data not recent.
    public var noRecentDataDays: Int = 7
    /// Days in the symptom window (night pain, swelling, readiness, exercise pain, minutes).
    public var symptomWindowDays: Int = 7
    /// Night-pain days in the symptom window that call for follow-up.
    public var nightPainDays: Int = 2
    /// Swelling days in the symptom window that call for follow-up.
    public var swellingDays: Int = 2
    /// Median pain during exercise above which follow-up is needed (pain-monitoring model, Silbernagel 2007).
    public var highExercisePain: Double = 5
    /// Failed readiness tests in the symptom window that call for follow-up.
    public var readinessFailures: Int = 3
    /// Median daily exercise minutes above which sessions are too long (programme: ~15 minutes).
    public var longSessionMinutes: Double = 30
    /// Drop (in points) of the last change-point segment's mean below the previous segment's
    /// mean that counts as renewed, step-wise improvement, so a stall before it is no plateau.
    public var plateauRenewedImprovement: Double = 1.0
    /// PELT penalty factor k: penalty = k · σ̂² · ln n, σ̂ the noise SD of the pain series
    /// (MAD of first differences / (0.6745·√2)), n the number of pain days.
    public var changePointPenaltyFactor: Double = 2.0
    /// Smallest noise SD assumed in the PELT penalty, in points (keeps a flat, noiseless
    /// series from being cut at every rounding step).
    public var changePointMinNoiseSD: Double = 0.5

    public init() {}
}
