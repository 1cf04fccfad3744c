/// How soon a clinician should call about a follow-up reason.
///
/// Cases are declared from most to least urgent; ``Comparable`` follows that order, so the
/// smallest tier of a patient's reasons is their most urgent. Raw values are the stable
/// identifiers written to CSV, JSON, the manifest and `[tiers]` in `caseload.toml`.
/// Defaults and their sources: docs/ANALYTICS.md, "Follow-up tiers".
public enum FollowUpTier: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// Call within a day or two.
    case urgent
    /// Call this week.
    case soon
    /// Raise it at the next contact.
    case routine

    /// What the tier asks of the clinician, in plain words.
    public var meaning: String {
        switch self {
        case .urgent: return "call within a day or two"
        case .soon: return "call this week"
        case .routine: return "at the next contact"
        }
    }

    /// The tier's rank: 0 for `urgent`, 2 for `routine`.
    public var rank: Int {
        switch self {
        case .urgent: return 0
        case .soon: return 1
        case .routine: return 2
        }
    }

    public static func < (lhs: FollowUpTier, rhs: FollowUpTier) -> Bool { lhs.rank < rhs.rank }
}

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

    /// The tier a reason has unless `[tiers]` in `caseload.toml` overrides it.
    ///
    /// Argued in docs/ANALYTICS.md: a rise in pain of 2 points or more, a flare that persists,
    /// new swelling and worsening night pain are the warning signs of the programme guides and
    /// the high alert tiers of published remote-monitoring tools (MedBridge Pathways, Bluejay);
    /// pain above 5/10 during exercise breaks the pain-monitoring model (Silbernagel 2007) and
    /// needs the load changed before the next sessions. Missing data, low adherence, failed
    /// readiness tests and a plateau need a call this week; long sessions can wait.
    public var defaultTier: FollowUpTier {
        switch self {
        case .worseningPain, .persistentFlare, .highExercisePain, .swelling, .nightPain: return .urgent
        case .readinessFailures, .plateau, .noRecentData, .lowAdherence: return .soon
        case .longSessions: return .routine
        }
    }

    /// The reason's weight in the priority score: 10 for the most urgent down to 1.
    ///
    /// Stated per reason (never taken from the declaration order), and within each default
    /// tier, so under the default tiers ordering by tier first leaves the order by score as it was.
    public var severity: Int {
        switch self {
        case .worseningPain: return 10
        case .persistentFlare: return 9
        case .highExercisePain: return 8
        case .swelling: return 7
        case .nightPain: return 6
        case .readinessFailures: return 5
        case .plateau: return 4
        case .noRecentData: return 3
        case .lowAdherence: return 2
        case .longSessions: return 1
        }
    }
}

/// The tier of every follow-up reason in force: the defaults, with `[tiers]` overrides.
public struct FollowUpTiers: Sendable, Hashable {
    /// Reasons whose tier the configuration sets, with that tier.
    public private(set) var overrides: [FollowUpReason: FollowUpTier]

    /// The defaults of ``FollowUpReason/defaultTier``, overridden where `overrides` says.
    public init(overrides: [FollowUpReason: FollowUpTier] = [:]) {
        self.overrides = overrides
    }

    /// The tier of `reason` in force.
    public func tier(of reason: FollowUpReason) -> FollowUpTier {
        overrides[reason] ?? reason.defaultTier
    }

    /// True when `reason`'s tier comes from the configuration rather than the default.
    public func isOverridden(_ reason: FollowUpReason) -> Bool {
        overrides[reason] != nil
    }
}

extension PatientSummary {
    /// Reason identifiers joined with `;` (the CSV spelling), in listing order.
    public var followUpReasonIDs: String { followUp.map(\.reason.rawValue).joined(separator: ";") }

    /// Every reason in plain words with its evidence, joined with ` | `, e.g.
    /// `Night pain: 3 of the last 7 days with night pain | Low adherence: …`.
    public var followUpExplanation: String {
        followUp.map { "\($0.reason.label): \($0.explanation)" }.joined(separator: " | ")
    }

    /// The reasons that are new this week, joined with `;`.
    public var newFollowUpReasonIDs: String {
        followUp.filter(\.isNew).map(\.reason.rawValue).joined(separator: ";")
    }
}
