import CaseloadModel

/// Everything a report must know about a group of patients (a caseload, or the whole run) before
/// it lists the first of them: the Overview's counts, adherence bands and follow-ups by reason, the
/// Weekly sheet's ISO weeks and row count, and the rows left out after the as-of date.
///
/// A tally is small whatever the group's size (its largest parts are the distinct pain changes and
/// the distinct ISO weeks), and tallies add up: a sharded run's shards each tally their part of every
/// caseload, and the merge adds them (``+(_:_:)``) to the tally of the whole, exactly as if one process
/// had counted every patient (``init(_:thresholds:)``).
public struct CaseloadTally: Sendable, Hashable, Codable {
    /// Patients in the group.
    public var patients: Int = 0
    /// Patients with a log row in the 7 days ending at the as-of date (``PatientSummary/isActiveThisWeek``).
    public var activeThisWeek: Int = 0
    /// Patients needing follow-up.
    public var needingFollowUp: Int = 0
    /// Patients with a follow-up reason that is new this week.
    public var newFollowUps: Int = 0
    /// Patients needing follow-up in each tier, in ``FollowUpTier`` order (`allCases`).
    public var byTier: [Int] = Array(repeating: 0, count: FollowUpTier.allCases.count)
    /// Patients needing follow-up for each reason, in ``FollowUpReason`` order (`allCases`).
    public var byReason: [Int] = Array(repeating: 0, count: FollowUpReason.allCases.count)
    /// Patients in each adherence band under the run's thresholds, in ``AdherenceBand/Kind`` order
    /// (low, middle, good, no data).
    public var byAdherenceBand: [Int] = Array(repeating: 0, count: AdherenceBand.Kind.allCases.count)
    /// The pain changes present (``PatientSummary/painChange``), each distinct value once with the
    /// patients who have it, in ascending order: enough for the exact median.
    public var painChanges: [PainChangeCount] = []
    /// The distinct ISO weeks of the group's weekly rows, in order.
    public var weeks: [ISOWeek] = []
    /// Weekly rows over the group's patients (the rows of `weekly.csv` and the Weekly table).
    public var weeklyRows: Int = 0
    /// Accepted rows dated after the as-of date, over the group's patients.
    public var rowsAfterAsOf: Int = 0

    /// One distinct pain change and how many patients have it.
    public struct PainChangeCount: Sendable, Hashable, Codable {
        /// The change, in points (now minus baseline).
        public var value: Double
        /// Patients with exactly this change.
        public var patients: Int

        /// Creates an entry.
        public init(value: Double, patients: Int) {
            self.value = value
            self.patients = patients
        }
    }

    /// An empty tally: no patients.
    public init() {}

    /// The tally of `patients` under `thresholds` (which place each patient in an adherence band).
    /// - Complexity: O(n + d log d) for n patients with d distinct pain changes and weeks.
    public init<C: Collection>(_ patients: C, thresholds: Thresholds) where C.Element == PatientSummary {
        var changes: [UInt64: Int] = [:]
        var weekSet = Set<ISOWeek>()
        let tierIndex = Dictionary(uniqueKeysWithValues: FollowUpTier.allCases.enumerated().map { ($1, $0) })
        let reasonIndex = Dictionary(uniqueKeysWithValues: FollowUpReason.allCases.enumerated().map { ($1, $0) })
        let bandIndex = Dictionary(uniqueKeysWithValues: AdherenceBand.Kind.allCases.enumerated().map { ($1, $0) })
        for p in patients {
            self.patients += 1
            if p.isActiveThisWeek { activeThisWeek += 1 }
            if let tier = p.tier {
                needingFollowUp += 1
                byTier[tierIndex[tier] ?? 0] += 1
            }
            if p.hasNewFollowUp { newFollowUps += 1 }
            for reason in FollowUpReason.allCases where p.followUp.contains(where: { $0.reason == reason }) {
                byReason[reasonIndex[reason] ?? 0] += 1
            }
            byAdherenceBand[bandIndex[adherenceBand(p.adherencePct, thresholds: thresholds)] ?? 0] += 1
            // Keyed by bit pattern, so that no two values a sort could tell apart share an entry.
            if let change = p.painChange { changes[change.bitPattern, default: 0] += 1 }
            for week in p.weekly { weekSet.insert(week.week) }
            weeklyRows += p.weekly.count
            rowsAfterAsOf += p.rowsAfterAsOf
        }
        painChanges = changes.map { PainChangeCount(value: Double(bitPattern: $0.key), patients: $0.value) }
            .sorted(by: CaseloadTally.ascending)
        weeks = weekSet.sorted()
    }

    /// The order of ``painChanges``: by value, then by bit pattern (only `-0` and `0` tie on value).
    static func ascending(_ a: PainChangeCount, _ b: PainChangeCount) -> Bool {
        a.value != b.value ? a.value < b.value : a.value.bitPattern < b.value.bitPattern
    }

    /// The tally of two disjoint groups together.
    public static func + (a: CaseloadTally, b: CaseloadTally) -> CaseloadTally {
        var sum = a
        sum.patients += b.patients
        sum.activeThisWeek += b.activeThisWeek
        sum.needingFollowUp += b.needingFollowUp
        sum.newFollowUps += b.newFollowUps
        sum.byTier = zip(a.byTier, b.byTier).map(+)
        sum.byReason = zip(a.byReason, b.byReason).map(+)
        sum.byAdherenceBand = zip(a.byAdherenceBand, b.byAdherenceBand).map(+)
        var changes: [PainChangeCount] = []
        changes.reserveCapacity(a.painChanges.count + b.painChanges.count)
        var (i, j) = (0, 0)
        while i < a.painChanges.count || j < b.painChanges.count {
            if j == b.painChanges.count || (i < a.painChanges.count && ascending(a.painChanges[i], b.painChanges[j])) {
                changes.append(a.painChanges[i])
                i += 1
            } else if i == a.painChanges.count || ascending(b.painChanges[j], a.painChanges[i]) {
                changes.append(b.painChanges[j])
                j += 1
            } else {
                changes.append(PainChangeCount(value: a.painChanges[i].value, patients: a.painChanges[i].patients + b.painChanges[j].patients))
                i += 1
                j += 1
            }
        }
        sum.painChanges = changes
        sum.weeks = Array(Set(a.weeks).union(b.weeks)).sorted()
        sum.weeklyRows += b.weeklyRows
        sum.rowsAfterAsOf += b.rowsAfterAsOf
        return sum
    }

    /// Patients with a pain change (both a baseline and a current pain).
    public var patientsWithPainChange: Int { painChanges.reduce(0) { $0 + $1.patients } }

    /// The median pain change, exactly as ``median(_:)`` finds it over every patient's change: the
    /// middle value, or the mean of the two middle values; `nil` when no patient has one.
    public var medianPainChange: Double? {
        let n = patientsWithPainChange
        guard n > 0 else { return nil }
        func value(atRank rank: Int) -> Double {
            var seen = 0
            for entry in painChanges {
                seen += entry.patients
                if rank < seen { return entry.value }
            }
            preconditionFailure("rank \(rank) is past the \(n) pain changes")
        }
        let mid = n / 2
        if n % 2 == 1 { return value(atRank: mid) }
        return (value(atRank: mid - 1) + value(atRank: mid)) / 2
    }

    /// The headline counts of the group, named `name` (what ``groupCounts(_:name:)`` gives for the
    /// same patients).
    public func counts(name: String) -> GroupCounts {
        var tiers: [FollowUpTier: Int] = [:]
        for (tier, count) in zip(FollowUpTier.allCases, byTier) where count > 0 { tiers[tier] = count }
        return GroupCounts(
            name: name, patients: patients, activeThisWeek: activeThisWeek, needingFollowUp: needingFollowUp,
            newFollowUps: newFollowUps, byTier: tiers, medianPainChange: medianPainChange,
            patientsWithPainChange: patientsWithPainChange)
    }

    /// The adherence bands with their labels under `thresholds` (those the tally was made under),
    /// as ``adherenceBands(_:thresholds:)`` gives them for the same patients.
    public func adherenceBands(thresholds: Thresholds) -> [AdherenceBand] {
        var counts: [AdherenceBand.Kind: Int] = [:]
        for (kind, count) in zip(AdherenceBand.Kind.allCases, byAdherenceBand) { counts[kind] = count }
        return CaseloadAnalytics.adherenceBands(counts: counts, thresholds: thresholds)
    }

    /// Patients needing follow-up for each reason, in ``FollowUpReason`` order (every reason listed),
    /// as ``followUpCountsByReason(_:)`` gives them.
    public var followUpsByReason: [(reason: FollowUpReason, patients: Int)] {
        Array(zip(FollowUpReason.allCases, byReason)).map { (reason: $0.0, patients: $0.1) }
    }
}
