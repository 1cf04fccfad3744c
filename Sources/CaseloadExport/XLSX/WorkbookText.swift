import CaseloadAnalytics

/// The fixed words of the workbook: threshold rows, definitions. Reason, trend and tier
/// wording comes from CaseloadAnalytics (``FollowUpReason/label``, ``Trend/label``).
enum WorkbookText {
    /// One threshold as the About sheet lists it.
    struct ThresholdRow {
        /// The configuration key (snake_case, as in the manifest and config file).
        var name: String
        var value: Double
        var unit: String
        var meaning: String
    }

    /// Every threshold in force, in the order of ``Thresholds``' declaration.
    static func thresholdRows(_ t: Thresholds) -> [ThresholdRow] { rows(Thresholds.settings, values: t) }

    /// Every setting's value in `values`, in the settings' order.
    static func rows<Root>(_ settings: [ThresholdSetting<Root>], values: Root) -> [ThresholdRow] {
        settings.map { setting in
            ThresholdRow(name: setting.key, value: setting.value(in: values), unit: setting.unit, meaning: setting.meaning)
        }
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
        ("Tier", "How soon to call: " + FollowUpTier.allCases.map { "\($0.rawValue) (\($0.meaning))" }.joined(separator: ", ")
            + "; a patient's tier is their most urgent reason's."),
        ("New follow-up", "A follow-up reason that did not hold as of seven days before the as-of date."),
        ("Priority", "1 is most urgent: ordered by tier, then the most severe reason, then the number of reasons, then a new reason, then patient ID."),
        ("Weekly adherence", "Session days in the ISO week divided by the sessions prescribed for that week's programme days."),
        ("7-day mean pain", "Mean of the pain scores in the 7 days ending that day (days without a score are skipped)."),
    ]

    /// Where the definitions are written out in full.
    static let analyticsDoc = "docs/ANALYTICS.md"
}
