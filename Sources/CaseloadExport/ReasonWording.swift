import CaseloadAnalytics

extension FollowUpReason {
    /// The reason in plain words, as a clinician would say it on the phone list.
    public var label: String {
        switch self {
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
}

extension PatientSummary {
    /// Reason identifiers joined with `;` (the CSV and report-contract spelling).
    public var followUpReasonIDs: String { followUp.map(\.reason.rawValue).joined(separator: ";") }

    /// Every reason in plain words with its evidence, e.g.
    /// `Night pain: 3 of the last 7 days with night pain | Low adherence: …`.
    public var followUpExplanation: String {
        followUp.map { "\($0.reason.label): \($0.explanation)" }.joined(separator: " | ")
    }
}
