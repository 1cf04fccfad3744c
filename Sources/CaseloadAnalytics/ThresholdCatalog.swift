/// One configurable threshold of a `Root` set of thresholds (``Thresholds`` for the review,
/// ``AuditThresholds`` for audits): its configuration key, unit, meaning, valid range and storage.
///
/// ``Thresholds/settings`` and ``AuditThresholds/settings`` list every field once; the manifest,
/// the workbook's About sheet and the configuration file all read these lists.
public struct ThresholdSetting<Root> {
    enum Storage {
        case integer(WritableKeyPath<Root, Int>)
        case number(WritableKeyPath<Root, Double>)
    }

    /// The snake_case key used in `caseload.toml`, the manifest and the About sheet.
    public let key: String
    /// Unit in words ("days", "points", "%"), empty when unitless.
    public let unit: String
    /// One sentence a clinician can read, with the clinical source where there is one.
    public let meaning: String
    /// Values a configuration may set.
    public let range: ClosedRange<Double>
    let storage: Storage

    /// True when the threshold takes whole numbers only.
    public var isInteger: Bool {
        if case .integer = storage { return true }
        return false
    }

    /// The threshold's value in `thresholds`.
    public func value(in thresholds: Root) -> Double {
        switch storage {
        case .integer(let path): return Double(thresholds[keyPath: path])
        case .number(let path): return thresholds[keyPath: path]
        }
    }

    /// Sets the threshold; `value` must be in ``range`` (and whole for integer thresholds).
    public func set(_ value: Double, in thresholds: inout Root) {
        precondition(range.contains(value), "\(key) = \(value) is outside \(range)")
        switch storage {
        case .integer(let path):
            precondition(value == value.rounded(), "\(key) takes whole numbers")
            thresholds[keyPath: path] = Int(value)
        case .number(let path):
            thresholds[keyPath: path] = value
        }
    }

    static func days(_ key: String, _ path: WritableKeyPath<Root, Int>, _ range: ClosedRange<Double>, _ meaning: String)
        -> ThresholdSetting
    {
        ThresholdSetting(key: key, unit: "days", meaning: meaning, range: range, storage: .integer(path))
    }

    static func count(
        _ key: String, _ unit: String, _ path: WritableKeyPath<Root, Int>, _ range: ClosedRange<Double>,
        _ meaning: String
    ) -> ThresholdSetting {
        ThresholdSetting(key: key, unit: unit, meaning: meaning, range: range, storage: .integer(path))
    }

    static func number(
        _ key: String, _ unit: String, _ path: WritableKeyPath<Root, Double>, _ range: ClosedRange<Double>,
        _ meaning: String
    ) -> ThresholdSetting {
        ThresholdSetting(key: key, unit: unit, meaning: meaning, range: range, storage: .number(path))
    }
}

extension Thresholds {
    /// Every threshold, in declaration order, with key, unit, meaning and valid range.
    public static var settings: [ThresholdSetting<Thresholds>] {
        [
            .days("baseline_days", \.baselineDays, 1...28, "Days at the start of the programme averaged for the pain baseline."),
            .days("current_days", \.currentDays, 1...28, "Days ending at the as-of date averaged for current pain."),
            .days("recent_adherence_days", \.recentAdherenceDays, 1...56, "Days in the recent-adherence window."),
            .days("trend_window_days", \.trendWindowDays, 7...84, "Days in the pain-trend window."),
            .days("trend_min_pain_days", \.trendMinPainDays, 3...84, "Pain days needed in the trend window to judge a trend."),
            .number(
                "trend_min_slope_per_week", "points/week", \.trendMinSlopePerWeek, 0...10,
                "Smallest weekly change in pain that counts as improving or worsening."),
            .number("trend_alpha", "", \.trendAlpha, 0.0001...0.5, "Significance level of the Mann–Kendall trend test."),
            .number(
                "flare_margin", "points", \.flareMargin, 0.5...10,
                "Points above the previous days' median that make a flare day (MCID, Farrar 2001)."),
            .days("flare_reference_days", \.flareReferenceDays, 3...28, "Days before a day whose median pain is the flare reference."),
            .count(
                "flare_min_reference_values", "values", \.flareMinReferenceValues, 1...28,
                "Pain values needed in the reference days to judge a flare."),
            .days(
                "flare_expected_max_days", \.flareExpectedMaxDays, 1...28,
                "A flare still going on after more days than this is persistent (programme guide: a 1–3 day setback is expected)."),
            .days("plateau_window_days", \.plateauWindowDays, 14...112, "Days in the plateau window."),
            .days("plateau_min_pain_days", \.plateauMinPainDays, 3...112, "Pain days needed in the plateau window to judge a plateau."),
            .number(
                "plateau_max_change", "points", \.plateauMaxChange, 0...10,
                "Change across the plateau window below which improvement has stalled."),
            .number(
                "plateau_min_current_pain", "points", \.plateauMinCurrentPain, 0...10,
                "Current pain at or above which a stall still matters."),
            .days("plateau_min_segment_days", \.plateauMinSegmentDays, 2...56, "Shortest segment the change-point search considers."),
            .number(
                "worsening_margin", "points", \.worseningMargin, 0.5...10,
                "Rise of current over baseline pain that counts as worsening (MCID, Farrar 2001)."),
            .number(
                "low_adherence_pct", "%", \.lowAdherencePct, 0...100,
                "Recent adherence below this percentage is low; adherence bands and heat maps are red below it."),
            .number(
                "good_adherence_pct", "%", \.goodAdherencePct, 0...100,
                "Adherence from this percentage up is the top band and green in the heat maps (a reporting band)."),
            .days("no_recent_data_days", \.noRecentDataDays, 1...56, "Days without any log row after which data are not recent."),
            .days(
                "symptom_window_days", \.symptomWindowDays, 1...28,
                "Days in the symptom window (night pain, swelling, readiness, exercise pain, minutes)."),
            .days("night_pain_days", \.nightPainDays, 1...28, "Night-pain days in the symptom window that call for follow-up."),
            .days("swelling_days", \.swellingDays, 1...28, "Swelling days in the symptom window that call for follow-up."),
            .number(
                "high_exercise_pain", "points", \.highExercisePain, 0...10,
                "Median pain during exercise above which follow-up is needed (pain-monitoring model, Silbernagel 2007)."),
            .count(
                "readiness_failures", "tests", \.readinessFailures, 1...100,
                "Failed readiness tests in the symptom window that call for follow-up."),
            .number(
                "long_session_minutes", "minutes", \.longSessionMinutes, 1...600,
                "Median daily exercise minutes above which sessions are too long (programme: about 15)."),
            .number(
                "plateau_renewed_improvement", "points", \.plateauRenewedImprovement, 0...10,
                "Drop of the last segment's mean below the one before that counts as renewed, step-wise improvement."),
            .number(
                "change_point_penalty_factor", "", \.changePointPenaltyFactor, 0.1...100,
                "PELT penalty factor k: penalty = k · noise variance · ln(pain days)."),
            .number(
                "change_point_min_noise_sd", "points", \.changePointMinNoiseSD, 0.01...10,
                "Smallest noise SD assumed in the change-point penalty."),
        ]
    }
}
