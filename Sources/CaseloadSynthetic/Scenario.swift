import CaseloadModel

/// The story one synthetic patient's log tells, planted so the analytics can be checked against it.
///
/// Every scenario starts from a clean patient (adherence ≥ 70 %, no night-pain or swelling
/// clusters, pain during exercise ≤ 4, sessions of about 12–18 minutes, readiness tests
/// passed) and changes only what defines it, so the scenario is the only signal. Windows are
/// counted back from the configuration's end date (the as-of date of a review).
public enum Scenario: String, CaseIterable, Sendable, Hashable {
    /// Pain falls steadily from about 6 (6–7) to about 2 (1.5–2).
    case responder
    /// Pain falls from about 7 to 4.5, stalls there for 10 days, then steps down again to about 1.5–2 (not a plateau at the end).
    case stepwise
    /// Pain improves from 7–8 for up to 3 weeks, then stays at 4–5 (mostly 4.5) to the end (≥ 4 weeks).
    case plateau
    /// Pain improves to about 3, then rises to about 7.5 over the last 21 days (about 1.5 points a week,
    /// without day-to-day noise, so the rise never passes for a flare).
    case worsening
    /// A setback of 1–3 days (+3.5 points) after a few weeks, ending 7–14 days before the end date
    /// (so it is over, and outside the 7-day current-pain window).
    case shortFlare
    /// After a steep fall to about 1.5–2.5, a jump to about 6.5 (≥ 3 points above the recent level)
    /// lasting the final 5 days.
    case persistentFlare
    /// About 30 % (always ≤ 40 %) of the prescribed sessions done in the last 14 days.
    case lowAdherence
    /// No rows at all in the last 14–18 days (too few pain days left for a trend).
    case dropOut
    /// Night pain on 3–5 of the last 7 days.
    case nightPain
    /// Swelling on 3–5 of the last 7 days.
    case swelling
    /// Pain during every exercise (massage rows carry none) of 6–8 over the last 9 days.
    case highExercisePain
    /// 4–5 failed readiness tests (small knee bend) in the last 7 days; those sessions are done a level lower.
    case readinessFailures
    /// Sessions of 40–55 minutes over the last 9 days.
    case longSessions
    /// The programme started 3–8 days before the end date (too few days for trend or plateau).
    case newPatient

    /// The follow-up reason identifiers (`FollowUpReason` raw values) the analytics should raise
    /// for this scenario as of the end date, under the default thresholds.
    ///
    /// A drop-out has both `no_recent_data` and `low_adherence` (no session in the recent
    /// adherence window). Clean scenarios (`responder`, `stepwise`, `shortFlare`, `newPatient`)
    /// expect none.
    public var expectedReasons: Set<String> {
        switch self {
        case .responder, .stepwise, .shortFlare, .newPatient: return []
        case .plateau: return ["plateau"]
        case .worsening: return ["worsening_pain"]
        case .persistentFlare: return ["persistent_flare"]
        case .lowAdherence: return ["low_adherence"]
        case .dropOut: return ["no_recent_data", "low_adherence"]
        case .nightPain: return ["night_pain"]
        case .swelling: return ["swelling"]
        case .highExercisePain: return ["high_exercise_pain"]
        case .readinessFailures: return ["readiness_failures"]
        case .longSessions: return ["long_sessions"]
        }
    }

    /// True for the scenarios that should raise no follow-up.
    public var isClean: Bool { expectedReasons.isEmpty }
}
