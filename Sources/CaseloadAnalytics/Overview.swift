import CaseloadModel
import Foundation

/// One band of programme adherence on the Overview, with the patients in it.
public struct AdherenceBand: Sendable, Hashable {
    /// Which band this is.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// Adherence below `low_adherence_pct`.
        case low
        /// From `low_adherence_pct` up to, not including, `good_adherence_pct`.
        case middle
        /// `good_adherence_pct` or more.
        case good
        /// No adherence figure (no programme start, or no programme day yet).
        case noData
    }

    public var kind: Kind
    /// The band in words, with its bounds as configured, e.g. `Below 50 %`, `50–79.9 %`.
    public var label: String
    /// Patients whose programme adherence falls in the band.
    public var patients: Int

    public init(kind: Kind, label: String, patients: Int) {
        self.kind = kind
        self.label = label
        self.patients = patients
    }
}

/// The band a programme adherence falls in under the configured thresholds.
///
/// `low` below ``Thresholds/lowAdherencePct``, `good` from ``goodAdherenceBound(_:)``,
/// `middle` between, `noData` for `nil`. Percentages in %, as in ``PatientSummary/adherencePct``.
public func adherenceBand(_ percent: Double?, thresholds: Thresholds) -> AdherenceBand.Kind {
    guard let percent else { return .noData }
    if percent < thresholds.lowAdherencePct { return .low }
    if percent >= goodAdherenceBound(thresholds) { return .good }
    return .middle
}

/// Where the good band starts: `good_adherence_pct`, or `low_adherence_pct` when a clinic set
/// that higher (then there is no middle band).
public func goodAdherenceBound(_ thresholds: Thresholds) -> Double {
    max(thresholds.lowAdherencePct, thresholds.goodAdherencePct)
}

/// Counts of patients in each adherence band, in band order (low, middle, good, no data).
///
/// Labels carry the configured bounds: with the defaults (50 and 80) they read `Below 50 %`,
/// `50–79 %`, `80 % or more`, `No data` (the middle band's upper bound is shown as the last
/// whole percentage below `good_adherence_pct` when that is whole, else to one decimal).
/// When `low_adherence_pct` is not below `good_adherence_pct` there is no middle band.
/// - Returns: four bands (three without a middle band); counts 0 on empty input.
public func adherenceBands(_ patients: [PatientSummary], thresholds: Thresholds) -> [AdherenceBand] {
    var counts: [AdherenceBand.Kind: Int] = [:]
    for p in patients { counts[adherenceBand(p.adherencePct, thresholds: thresholds), default: 0] += 1 }
    return adherenceBands(counts: counts, thresholds: thresholds)
}

/// The adherence bands with their labels under `thresholds` (as ``adherenceBands(_:thresholds:)``),
/// given the patients in each band (a missing band has none); the middle band's patients are dropped
/// when the thresholds leave no middle band (none can fall in it then).
public func adherenceBands(counts: [AdherenceBand.Kind: Int], thresholds: Thresholds) -> [AdherenceBand] {
    let goodBound = goodAdherenceBound(thresholds)
    let low = percentBoundText(thresholds.lowAdherencePct)
    let good = percentBoundText(goodBound)
    let belowGood = goodBound == goodBound.rounded() ? String(Int(goodBound) - 1) : Figure.percent.text(goodBound)
    var bands = [AdherenceBand(kind: .low, label: "Below \(low) %", patients: counts[.low] ?? 0)]
    if thresholds.lowAdherencePct < goodBound {
        bands.append(AdherenceBand(kind: .middle, label: "\(low)–\(belowGood) %", patients: counts[.middle] ?? 0))
    }
    bands.append(AdherenceBand(kind: .good, label: "\(good) % or more", patients: counts[.good] ?? 0))
    bands.append(AdherenceBand(kind: .noData, label: "No data", patients: counts[.noData] ?? 0))
    return bands
}

/// A percentage bound (a threshold) as labels show it: whole numbers without decimals (`50`),
/// others as ``Figure/percent`` writes them (`62.5`).
public func percentBoundText(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : Figure.percent.text(value)
}

/// The headline counts of a group of patients (a caseload, a clinician's patients).
public struct GroupCounts: Sendable, Hashable {
    /// The group's name: a clinician, `Unassigned`, or the caseload's name.
    public var name: String
    public var patients: Int
    /// Patients with any log row in the 7 days ending at the as-of date (``PatientSummary/isActiveThisWeek``).
    public var activeThisWeek: Int
    public var needingFollowUp: Int
    /// Patients with a follow-up reason that is new this week.
    public var newFollowUps: Int
    /// Patients needing follow-up in each tier, in tier order.
    public var byTier: [FollowUpTier: Int]
    /// Median of ``PatientSummary/painChange`` over the patients that have one, in points
    /// (negative is better); `nil` when none has.
    public var medianPainChange: Double?
    /// Patients with both a baseline and a current pain.
    public var patientsWithPainChange: Int

    public init(
        name: String, patients: Int, activeThisWeek: Int, needingFollowUp: Int, newFollowUps: Int,
        byTier: [FollowUpTier: Int], medianPainChange: Double?, patientsWithPainChange: Int
    ) {
        self.name = name
        self.patients = patients
        self.activeThisWeek = activeThisWeek
        self.needingFollowUp = needingFollowUp
        self.newFollowUps = newFollowUps
        self.byTier = byTier
        self.medianPainChange = medianPainChange
        self.patientsWithPainChange = patientsWithPainChange
    }
}

/// The headline counts of `patients`, named `name`.
///
/// `medianPainChange` is the median of the pain changes present (points); every count is 0
/// and the median `nil` on empty input.
public func groupCounts<C: Collection>(_ patients: C, name: String) -> GroupCounts where C.Element == PatientSummary {
    var changes: [Double] = []
    var active = 0, needing = 0, new = 0
    var byTier: [FollowUpTier: Int] = [:]
    for p in patients {
        if let change = p.painChange { changes.append(change) }
        if p.isActiveThisWeek { active += 1 }
        if let tier = p.tier {
            needing += 1
            byTier[tier, default: 0] += 1
        }
        if p.hasNewFollowUp { new += 1 }
    }
    return GroupCounts(
        name: name, patients: patients.count, activeThisWeek: active, needingFollowUp: needing, newFollowUps: new,
        byTier: byTier, medianPainChange: median(changes), patientsWithPainChange: changes.count)
}

/// The name a report shows for a patient's clinician, and the caseload the patient belongs
/// to: the roster's clinician trimmed, or `Unassigned` when that is empty or missing.
public func clinicianName(_ clinician: String?) -> String {
    let trimmed = clinician?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return trimmed.isEmpty ? unassignedCaseload : trimmed
}

/// The caseload of patients without a clinician.
public let unassignedCaseload = "Unassigned"

/// The run's caseloads: each clinician's patients (by ``clinicianName(_:)``), clinicians sorted
/// by name case-insensitively (then as written), `Unassigned` last.
///
/// Patients keep the order given (the run's priority order); within each caseload the
/// priorities are renumbered 1…n, so each caseload's follow-up list starts at 1.
/// - Returns: one caseload per clinician present; empty on empty input.
public func caseloads(of patients: [PatientSummary]) -> [(name: String, patients: [PatientSummary])] {
    var byName: [String: [PatientSummary]] = [:]
    for patient in patients { byName[clinicianName(patient.clinician), default: []].append(patient) }
    return byName.keys.sorted(by: caseloadOrder).map { name in
        var members = byName[name] ?? []
        var rank = 0
        for index in members.indices where members[index].priority != nil {
            rank += 1
            members[index].priority = rank
        }
        return (name, members)
    }
}

/// The order of caseload names: case-insensitive, then as written, `Unassigned` last.
public func caseloadOrder(_ a: String, _ b: String) -> Bool {
    if (a == unassignedCaseload) != (b == unassignedCaseload) { return b == unassignedCaseload }
    let (la, lb) = (a.lowercased(), b.lowercased())
    return la == lb ? a < b : la < lb
}

/// The headline counts per caseload (``caseloads(of:)``: clinicians in name order, `Unassigned` last).
/// - Returns: one entry per clinician present; empty on empty input.
public func countsByClinician(_ patients: [PatientSummary]) -> [GroupCounts] {
    caseloads(of: patients).map { groupCounts($0.patients, name: $0.name) }
}

/// Patients needing follow-up for each reason, in ``FollowUpReason`` order (every reason listed).
public func followUpCountsByReason(_ patients: [PatientSummary]) -> [(reason: FollowUpReason, patients: Int)] {
    FollowUpReason.allCases.map { reason in
        (reason, patients.count(where: { $0.followUp.contains { $0.reason == reason } }))
    }
}

/// Log rows dated after `asOf` over `patients`, and how many patients have any.
///
/// These rows are accepted (they are counted in the accounting) but left out of every figure
/// of a review as of `asOf`. 0 and 0 on empty input.
public func rowsAfter(_ asOf: CalendarDate, in patients: [PatientRecord]) -> (rows: Int, patients: Int) {
    var rows = 0, withAny = 0
    for patient in patients {
        let after = patient.days.reduce(0) { $0 + ($1.date > asOf ? $1.rows : 0) }
        rows += after
        if after > 0 { withAny += 1 }
    }
    return (rows, withAny)
}
