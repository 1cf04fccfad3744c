/// Every constant of the audit definition (`[audit]` in `caseload.toml`), with its default and source.
///
/// The audit also uses the review's ``Thresholds`` (baseline days, the adherence definition);
/// both are recorded in the audit's manifest and on its About sheet. Definitions and sources:
/// docs/ANALYTICS.md, "Audit".
public struct AuditThresholds: Sendable, Hashable {
    /// A drop in pain of at least this many points is a clinically important change (Farrar 2001;
    /// the patellofemoral figure is 1.2, Piva 2009, which a clinic may set instead).
    public var mcidPoints: Double = 2
    /// A drop in pain of at least this percentage of the baseline is a clinically important change (Farrar 2001).
    public var mcidPercent: Double = 30
    /// Days ending at the episode's end averaged for the final pain.
    public var finalDays: Int = 7
    /// Days of the trailing mean pain judged against the baseline for days to MCID.
    public var mcidTrailingDays: Int = 7
    /// Days ending at the episode's end in which a log row makes the patient active.
    public var activeDays: Int = 14
    /// z of the Wilson interval around each MCID proportion (1.96: 95 %).
    public var ciZ: Double = 1.96
    /// z of the funnel plot's inner control limits (1.96: 95 %).
    public var funnelInnerZ: Double = 1.96
    /// z of the funnel plot's outer control limits (3.09: 99.8 %); a clinician outside them is named.
    public var funnelOuterZ: Double = 3.09
    /// Days either side of the programme start in which the first PROM score is the baseline.
    public var promBaselineDays: Int = 14
    /// Days before the episode's end (E − this … E) in which the last PROM score is the final score.
    public var promFinalDays: Int = 28
    /// Minimal important change of KOOS-PF (0–100, higher is better), points (Crossley 2018).
    public var koosPfMic: Double = 16.4
    /// Minimal clinically important difference of the Anterior Knee Pain Scale (0–100), points (Crossley 2004).
    public var akpsMic: Double = 10

    public init() {}

    /// Every audit threshold, in declaration order, with key, unit, meaning and valid range.
    public static var settings: [ThresholdSetting<AuditThresholds>] {
        [
            .number(
                "mcid_points", "points", \.mcidPoints, 0.5...10,
                "A drop in pain of at least this many points is clinically important (Farrar 2001; patellofemoral pain: 1.2, Piva 2009)."),
            .number(
                "mcid_percent", "%", \.mcidPercent, 1...100,
                "A drop in pain of at least this share of the baseline is clinically important (Farrar 2001)."),
            .days("final_days", \.finalDays, 1...28, "Days ending at the episode's end averaged for the final pain."),
            .days(
                "mcid_trailing_days", \.mcidTrailingDays, 1...28,
                "Days of the trailing mean pain compared with the baseline for days to MCID."),
            .days("active_days", \.activeDays, 1...56, "Days ending at the episode's end in which a log row makes a patient active."),
            .number("ci_z", "", \.ciZ, 0.5...5, "z of the Wilson interval around each MCID proportion (1.96: 95 %)."),
            .number("funnel_inner_z", "", \.funnelInnerZ, 0.5...5, "z of the funnel plot's inner limits (1.96: 95 %)."),
            .number(
                "funnel_outer_z", "", \.funnelOuterZ, 0.5...5,
                "z of the funnel plot's outer limits (3.09: 99.8 %); a clinician outside them is named."),
            .days(
                "prom_baseline_days", \.promBaselineDays, 0...56,
                "Days either side of the programme start in which the first PROM score is the baseline."),
            .days(
                "prom_final_days", \.promFinalDays, 1...112,
                "Days before the episode's end (E minus this to E) in which the last PROM score is the final score."),
            .number(
                "koos_pf_mic", "points", \.koosPfMic, 1...100,
                "Minimal important change of KOOS-PF, 0–100 (Crossley 2018)."),
            .number(
                "akps_mic", "points", \.akpsMic, 1...100,
                "Minimal clinically important difference of the Anterior Knee Pain Scale, 0–100 (Crossley 2004)."),
        ]
    }
}
