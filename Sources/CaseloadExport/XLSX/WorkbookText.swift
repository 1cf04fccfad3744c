import CaseloadAnalytics

/// The words the workbook shows a clinician: reason labels, threshold meanings, definitions.
enum WorkbookText {
    /// A follow-up reason in plain words.
    static func label(_ reason: FollowUpReason) -> String {
        switch reason {
        case .worseningPain: return "Pain getting worse"
        case .persistentFlare: return "Flare lasting too long"
        case .highExercisePain: return "High pain during exercise"
        case .swelling: return "Swelling"
        case .nightPain: return "Night pain"
        case .readinessFailures: return "Failed readiness tests"
        case .plateau: return "Improvement has stalled"
        case .noRecentData: return "No recent data"
        case .lowAdherence: return "Low adherence"
        case .longSessions: return "Sessions too long"
        }
    }

    /// A trend in plain words.
    static func label(_ trend: Trend) -> String {
        switch trend {
        case .improving: return "improving"
        case .worsening: return "worsening"
        case .stable: return "stable"
        case .insufficientData: return "insufficient data"
        }
    }

    /// One threshold as the About sheet lists it.
    struct ThresholdRow {
        /// The configuration key (snake_case, as in the manifest and config file).
        var name: String
        var value: Double
        var unit: String
        var meaning: String
    }

    /// Every threshold in force, in the order of ``Thresholds``' declaration.
    static func thresholdRows(_ t: Thresholds) -> [ThresholdRow] {
        [
            .init(name: "baseline_days", value: Double(t.baselineDays), unit: "days",
                  meaning: "Days at the start of the programme averaged for the pain baseline."),
            .init(name: "current_days", value: Double(t.currentDays), unit: "days",
                  meaning: "Days ending at the as-of date averaged for current pain."),
            .init(name: "recent_adherence_days", value: Double(t.recentAdherenceDays), unit: "days",
                  meaning: "Days in the recent-adherence window."),
            .init(name: "trend_window_days", value: Double(t.trendWindowDays), unit: "days",
                  meaning: "Days in the pain-trend window."),
            .init(name: "trend_min_pain_days", value: Double(t.trendMinPainDays), unit: "days",
                  meaning: "Pain days needed in the trend window to judge a trend."),
            .init(name: "trend_min_slope_per_week", value: t.trendMinSlopePerWeek, unit: "points/week",
                  meaning: "Smallest weekly change in pain that counts as improving or worsening."),
            .init(name: "trend_alpha", value: t.trendAlpha, unit: "",
                  meaning: "Significance level of the Mann–Kendall trend test."),
            .init(name: "flare_margin", value: t.flareMargin, unit: "points",
                  meaning: "Points above the previous days' median that make a flare day (MCID, Farrar 2001)."),
            .init(name: "flare_reference_days", value: Double(t.flareReferenceDays), unit: "days",
                  meaning: "Days before a day whose median pain is the flare reference."),
            .init(name: "flare_min_reference_values", value: Double(t.flareMinReferenceValues), unit: "values",
                  meaning: "Pain values needed in the reference days to judge a flare."),
            .init(name: "flare_expected_max_days", value: Double(t.flareExpectedMaxDays), unit: "days",
                  meaning: "A flare still going on after more days than this is persistent (guides: 1–3 days)."),
            .init(name: "plateau_window_days", value: Double(t.plateauWindowDays), unit: "days",
                  meaning: "Days in the plateau window."),
            .init(name: "plateau_min_pain_days", value: Double(t.plateauMinPainDays), unit: "days",
                  meaning: "Pain days needed in the plateau window to judge a plateau."),
            .init(name: "plateau_max_change", value: t.plateauMaxChange, unit: "points",
                  meaning: "Change across the plateau window below which improvement has stalled."),
            .init(name: "plateau_min_current_pain", value: t.plateauMinCurrentPain, unit: "points",
                  meaning: "Current pain at or above which a stall still matters."),
            .init(name: "plateau_min_segment_days", value: Double(t.plateauMinSegmentDays), unit: "days",
                  meaning: "Shortest segment the change-point search considers."),
            .init(name: "worsening_margin", value: t.worseningMargin, unit: "points",
                  meaning: "Rise of current over baseline pain that counts as worsening (MCID, Farrar 2001)."),
            .init(name: "low_adherence_pct", value: t.lowAdherencePct, unit: "%",
                  meaning: "Recent adherence below this percentage is low."),
            .init(name: "no_recent_data_days", value: Double(t.noRecentDataDays), unit: "days",
                  meaning: "Days without any log row after which data are not recent."),
            .init(name: "symptom_window_days", value: Double(t.symptomWindowDays), unit: "days",
                  meaning: "Days in the symptom window (night pain, swelling, readiness, exercise pain, minutes)."),
            .init(name: "night_pain_days", value: Double(t.nightPainDays), unit: "days",
                  meaning: "Night-pain days in the symptom window that call for follow-up."),
            .init(name: "swelling_days", value: Double(t.swellingDays), unit: "days",
                  meaning: "Swelling days in the symptom window that call for follow-up."),
            .init(name: "high_exercise_pain", value: t.highExercisePain, unit: "points",
                  meaning: "Median pain during exercise above which follow-up is needed (Silbernagel 2007)."),
            .init(name: "readiness_failures", value: Double(t.readinessFailures), unit: "tests",
                  meaning: "Failed readiness tests in the symptom window that call for follow-up."),
            .init(name: "long_session_minutes", value: t.longSessionMinutes, unit: "minutes",
                  meaning: "Median daily exercise minutes above which sessions are too long (programme: about 15)."),
        ]
    }

    /// How each figure is defined, one sentence each (details in docs/ANALYTICS.md).
    static let definitions: [(figure: String, definition: String)] = [
        ("Adherence %", "Session days divided by prescribed sessions over the programme window (start to as-of date)."),
        ("Adherence 14 d %", "The same ratio over the last 14 days (recent_adherence_days)."),
        ("Pain at baseline", "Mean of the daily worst pain over the first baseline_days of the programme."),
        ("Pain now", "Mean of the daily worst pain over the current_days ending at the as-of date."),
        ("Pain change", "Pain now minus pain at baseline; negative is better."),
        ("Pain slope / week", "Theil–Sen slope of daily pain over the trend window, in points a week."),
        ("Trend", "Improving or worsening when the Mann–Kendall test is significant and |slope| ≥ trend_min_slope_per_week."),
        ("Flare", "A run of days whose pain is at least flare_margin above the median of the previous days."),
        ("Plateau", "Change across plateau_window_days below plateau_max_change while pain is still ≥ plateau_min_current_pain."),
        ("Active this week", "Patients with at least one log row in the 7 days ending at the as-of date."),
        ("New follow-up", "A follow-up reason that did not hold as of seven days before the as-of date."),
        ("Priority", "1 is most urgent: ordered by the most urgent reason, then the number of reasons, then patient ID."),
        ("Weekly adherence", "Session days in the ISO week divided by the sessions prescribed for that week's programme days."),
        ("7-day mean pain", "Mean of the pain scores in the 7 days ending that day (days without a score are skipped)."),
    ]

    /// Where the definitions are written out in full.
    static let analyticsDoc = "docs/ANALYTICS.md"
}
