import CaseloadModel

/// The latest log date over all patients: the default as-of date.
///
/// - Returns: `nil` when no patient logged anything.
public func latestDate(in patients: [PatientRecord]) -> CalendarDate? {
    patients.compactMap { $0.days.last?.date }.max()
}

/// Every figure and flag of one patient as of `asOf`, without a priority rank.
///
/// The programme window runs from ``programStart(of:)`` to A inclusive; days after A are
/// ignored (their rows are counted in `rowsAfterAsOf`) and days before the programme start
/// are outside every window (they only count as "a log entry" for `no_recent_data`).
/// A follow-up reason is `isNew` when the same definitions evaluated as of A−7 on the same
/// data do not give it. A patient whose roster `discharge_date` is before A is summarised as of
/// that date (rows after it count as `rowsAfterAsOf`) and needs no follow-up. See
/// docs/ANALYTICS.md for every definition.
///
/// Sparse data never traps: a roster-only patient, one day, no pain scores, gaps or a start
/// after A give `nil` for what cannot be computed, 0 counts and empty series.
///
/// Each reason carries its tier in force (`tiers`), and ``PatientSummary/isActiveThisWeek``
/// is judged over the 7 days ending at A, even for a patient discharged before it.
///
/// - Complexity: O(d²) in the days of the trend and plateau windows, O(n²) worst case
///   for the change-point search over the programme's n pain days.
public func summarise(
    _ patient: PatientRecord, asOf: CalendarDate, thresholds: Thresholds, tiers: FollowUpTiers = FollowUpTiers()
) -> PatientSummary {
    if let discharge = patient.roster?.dischargeDate, discharge < asOf {
        // Discharged before A: the programme window ends at discharge, and nobody is called about it.
        var summary = evaluate(patient, asOf: discharge, thresholds: thresholds)
        summary.followUp = []
        summary.priorityScore = nil
        summary.isActiveThisWeek = isActive(summary, weekEndingOn: asOf)
        return summary
    }
    var summary = evaluate(patient, asOf: asOf, thresholds: thresholds)
    summary.isActiveThisWeek = isActive(summary, weekEndingOn: asOf)
    // Only reasons given as of A can be new: without any, A−7 need not be evaluated.
    guard !summary.followUp.isEmpty else { return summary }
    let before = Set(evaluate(patient, asOf: asOf.adding(days: -7), thresholds: thresholds, reasonsOnly: true)
        .followUp.map(\.reason))
    for i in summary.followUp.indices {
        summary.followUp[i].isNew = !before.contains(summary.followUp[i].reason)
        summary.followUp[i].tier = tiers.tier(of: summary.followUp[i].reason)
    }
    summary.priorityScore = priorityScore(summary.followUp)
    return summary
}

/// Analyses every patient as of `asOf` and ranks those needing follow-up.
///
/// Patients are summarised in parallel (they are independent); the result does not depend
/// on scheduling. Order: patients with follow-up by their tier (``PatientSummary/tier``, the
/// tier of their most urgent reason: `urgent` first), then by ``priorityScore(_:)`` (highest
/// first), then by their first reason in ``FollowUpReason`` declaration order, then patient ID,
/// ranked `priority` 1…n; then patients without follow-up (`priority == nil`) by patient ID.
/// Under the default tiers the order by tier agrees with the order by score (each default
/// tier holds a contiguous run of severities), so the tier changes the order only when
/// `[tiers]` overrides it.
///
/// - Parameters:
///   - patients: one record per patient (IDs should be unique).
///   - asOf: the as-of date A ending every window (default in the CLI: ``latestDate(in:)``).
///   - thresholds: every threshold the definitions use.
///   - tiers: the tier of each follow-up reason (defaults unless `[tiers]` overrides them).
public func analyse(
    _ patients: [PatientRecord], asOf: CalendarDate, thresholds: Thresholds = Thresholds(),
    tiers: FollowUpTiers = FollowUpTiers()
) -> CaseloadAnalysis {
    var summaries = summariseAll(patients, asOf: asOf, thresholds: thresholds, tiers: tiers)
    summaries.sort(by: PriorityOrder.precedes)
    return ranked(summaries, asOf: asOf, thresholds: thresholds, tiers: tiers)
}

/// An analysis of `summaries`, already in ``PriorityOrder`` order, with priorities numbered 1…n
/// over the patients needing follow-up (the others get `nil`).
///
/// `analyse` ends with it; a sharded run's merge calls it on the shards' summaries merged in order
/// (``PriorityOrder/merge(_:)``), so both number the same patients the same way.
public func ranked(
    _ summaries: [PatientSummary], asOf: CalendarDate, thresholds: Thresholds, tiers: FollowUpTiers
) -> CaseloadAnalysis {
    var summaries = summaries
    var rank = 0
    for i in summaries.indices {
        if summaries[i].needsFollowUp {
            rank += 1
            summaries[i].priority = rank
        } else {
            summaries[i].priority = nil
        }
    }
    return CaseloadAnalysis(
        asOf: asOf, thresholds: thresholds, tiers: tiers, patients: summaries,
        rowsAfterAsOf: summaries.reduce(0) { $0 + $1.rowsAfterAsOf })
}

/// The order of a caseload's patients: those with follow-up by their tier (``PatientSummary/tier``,
/// `urgent` first), then by ``PatientSummary/priorityScore`` (highest first), then by their first
/// reason in ``FollowUpReason`` declaration order, then patient ID; then patients without
/// follow-up by patient ID.
///
/// A total order over distinct patient IDs: any subset of a run's patients (a shard's) sorted by it
/// is a subsequence of the whole run sorted by it, so sorted shards merge into the run's order.
public enum PriorityOrder {
    private static let reasonIndex = Dictionary(
        uniqueKeysWithValues: FollowUpReason.allCases.enumerated().map { ($1, $0) })

    private static func topReason(_ s: PatientSummary) -> Int {
        s.followUp.compactMap { reasonIndex[$0.reason] }.min() ?? Int.max
    }

    /// True when `a` comes before `b`.
    public static func precedes(_ a: PatientSummary, _ b: PatientSummary) -> Bool {
        switch (a.priorityScore, b.priorityScore) {
        case let (x?, y?):
            if let ta = a.tier, let tb = b.tier, ta != tb { return ta < tb }
            if x != y { return x > y }
            let (ra, rb) = (topReason(a), topReason(b))
            if ra != rb { return ra < rb }
            return a.patientID < b.patientID
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return a.patientID < b.patientID
        }
    }

    /// Merges lists each already in this order into one list in this order (a k-way merge,
    /// O(n log k) for n patients in k lists). Equal elements keep the order of their lists.
    public static func merge(_ lists: [[PatientSummary]]) -> [PatientSummary] {
        var merged: [PatientSummary] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        var heads = lists.map { _ in 0 }
        // A binary heap of list indices, ordered by each list's head element (ties: lower list first).
        var heap: [Int] = []
        func before(_ i: Int, _ j: Int) -> Bool {
            let (a, b) = (lists[i][heads[i]], lists[j][heads[j]])
            if precedes(a, b) { return true }
            if precedes(b, a) { return false }
            return i < j
        }
        func siftUp(_ start: Int) {
            var child = start
            while child > 0 {
                let parent = (child - 1) / 2
                guard before(heap[child], heap[parent]) else { return }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let (left, right) = (2 * parent + 1, 2 * parent + 2)
                var first = parent
                if left < heap.count, before(heap[left], heap[first]) { first = left }
                if right < heap.count, before(heap[right], heap[first]) { first = right }
                if first == parent { return }
                heap.swapAt(first, parent)
                parent = first
            }
        }
        for i in lists.indices where !lists[i].isEmpty {
            heap.append(i)
            siftUp(heap.count - 1)
        }
        while let top = heap.first {
            merged.append(lists[top][heads[top]])
            heads[top] += 1
            if heads[top] == lists[top].count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        return merged
    }
}

/// Summaries in input order, computed in parallel over chunks of patients.
private func summariseAll(
    _ patients: [PatientRecord], asOf: CalendarDate, thresholds: Thresholds, tiers: FollowUpTiers
) -> [PatientSummary] {
    guard patients.count > 1 else {
        return patients.map { summarise($0, asOf: asOf, thresholds: thresholds, tiers: tiers) }
    }
    let chunkSize = 16
    let chunks = (patients.count + chunkSize - 1) / chunkSize
    return concurrentMap(count: chunks) { chunk in
        let lower = chunk * chunkSize
        return patients[lower..<min(patients.count, lower + chunkSize)].map {
            summarise($0, asOf: asOf, thresholds: thresholds, tiers: tiers)
        }
    }.flatMap { $0 }
}

/// One patient's figures as of `asOf`, with every follow-up flag marked not new.
/// With `reasonsOnly`, the series meant for display (painSeries, weekly) are left empty.
func evaluate(
    _ patient: PatientRecord, asOf: CalendarDate, thresholds: Thresholds, reasonsOnly: Bool = false
) -> PatientSummary {
    let start = programStart(of: patient)
    let upToAsOf = patient.days.prefix { $0.date <= asOf }
    let rowsAfter = patient.days.filter { $0.date > asOf }.reduce(0) { $0 + $1.rows }
    let windowDays: [DailyRecord] = start.map { s in s <= asOf ? Array(records(patient.days, in: s...asOf)) : [] } ?? []
    let programmeDays = start.map { max(0, $0.days(until: asOf) + 1) } ?? 0
    let spw = patient.sessionsPerWeek

    let whole = start.map { adherence(patient.days, from: $0, to: asOf, sessionsPerWeek: spw) }
    let recentFrom = asOf.adding(days: -(thresholds.recentAdherenceDays - 1))
    let recent = start.map { adherence(patient.days, from: max($0, recentFrom), to: asOf, sessionsPerWeek: spw) }
        ?? AdherenceWindow(days: 0, sessionDays: 0, prescribed: 0, percent: nil)

    let pain = dailyPain(from: windowDays)
    let baseline = start.flatMap { s in meanPain(pain, in: s...s.adding(days: thresholds.baselineDays - 1)) }
    let current = meanPain(pain, in: asOf.adding(days: -(thresholds.currentDays - 1))...asOf)
    let change = current.flatMap { c in baseline.map { c - $0 } }
    let trend = painTrend(pain, asOf: asOf, thresholds: thresholds)
    let flares = detectFlares(pain, asOf: asOf, thresholds: thresholds)
    let plateau = assessPlateau(
        pain, asOf: asOf, currentPain: current, trend: trend, flares: flares, thresholds: thresholds)

    let symptomFrom = asOf.adding(days: -(thresholds.symptomWindowDays - 1))
    let symptomDays = windowDays.filter { $0.date >= symptomFrom }
    let evidence = FollowUpEvidence(
        asOf: asOf, programStart: start, painBaseline: baseline, painCurrent: current, trend: trend,
        flares: flares, plateau: plateau, adherence14d: recent, lastLogDate: upToAsOf.last?.date,
        symptomDays: symptomDays)
    let flags = followUpFlags(evidence, thresholds: thresholds)

    let series = reasonsOnly ? [] : start.map { painSeries(windowDays, from: $0, asOf: asOf, flares: flares) } ?? []
    let weekly = reasonsOnly ? [] : start.map {
        weeklySummaries(windowDays, from: $0, asOf: asOf, sessionsPerWeek: spw)
    } ?? []

    return PatientSummary(
        patientID: patient.patientID, clinician: patient.clinician, displayName: patient.roster?.displayName,
        programStart: start, firstDate: upToAsOf.first?.date, lastDate: upToAsOf.last?.date,
        daysInProgram: programmeDays, sessionsPrescribed: whole?.prescribed ?? 0,
        sessionsCompleted: whole?.sessionDays ?? 0, adherencePct: whole?.percent,
        adherence14dPct: recent.percent, painBaseline: baseline, painCurrent: current, painChange: change,
        trend: trend, plateau: plateau, flares: flares, level: levelSummary(windowDays, asOf: asOf),
        weekly: weekly, days: windowDays, painSeries: series, followUp: flags, priority: nil,
        rowsAfterAsOf: rowsAfter)
}

/// True when `summary`'s programme window (``PatientSummary/days``) has a day with rows in the
/// 7 days ending at `asOf` (A−6…A): "active this week". `asOf` is the review date, even for a
/// patient discharged before it. False when the patient has no such day.
public func isActive(_ summary: PatientSummary, weekEndingOn asOf: CalendarDate) -> Bool {
    let from = asOf.adding(days: -6)
    return summary.days.contains { $0.date >= from && $0.date <= asOf && $0.rows > 0 }
}
