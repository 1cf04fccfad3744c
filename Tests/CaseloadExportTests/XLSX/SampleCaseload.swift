import CaseloadAnalytics
import CaseloadExport
import CaseloadModel

/// A small hand-made caseload whose Overview figures are worked out by hand below.
///
/// As of 2026-11-20. Five patients:
/// - P001 (Dr Ada Lovelace): priority 1, worsening pain (new) + night pain; adherence 42.9 %; pain 3.0 → 6.1 (+3.1);
///   last log 2026-11-19 (active).
/// - P003 (unassigned): priority 2, no recent data + low adherence (neither new); adherence 60 %; no pain data;
///   last log 2026-11-05 (not active).
/// - `+cmd|' /C calc'!A0` (clinician `=1+1`): priority 3, high exercise pain (new); adherence 79.96 %;
///   pain 4.0 → 4.5 (+0.5); last log 2026-11-14 = A−6 (active, edge).
/// - P002 (Dr Ada Lovelace): no follow-up; adherence 85 %; pain 5.0 → 2.0 (−3.0); last log 2026-11-20 (active).
/// - P005 (Dr Grace Hopper): on the roster, logged nothing.
///
/// So: 5 patients, 3 active this week, 3 needing follow-up, 2 new; pain changes {+3.1, −3.0, +0.5} → median +0.5;
/// adherence bands <50: 1, 50–79: 2 (60, 79.96), ≥80: 1, no data: 1.
enum SampleCaseload {
    static let asOf = CalendarDate(year: 2026, month: 11, day: 20)!
    static let injectionID = "+cmd|' /C calc'!A0"
    /// OWASP CSV/formula-injection payloads, plus tab- and CR-prefixed variants.
    static let payloads = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]

    static func date(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate {
        guard let date = CalendarDate(year: y, month: m, day: d) else { preconditionFailure("bad date") }
        return date
    }

    /// Days with the given pains (nil = logged without pain) at offsets from `start`; every logged day is a session.
    static func days(start: CalendarDate, _ pains: [(Int, Double?)]) -> [DailyRecord] {
        pains.map { offset, pain in
            var record = DailyRecord(date: start.adding(days: offset))
            record.exerciseRows = 3
            record.minutes = 15
            record.rowsWithDuration = 3
            record.pain = pain
            record.painDuring = pain.map { [$0, $0 + 1, $0 + 2] } ?? []
            record.swelling = offset % 2 == 0 ? false : nil
            record.nightPain = false
            return record
        }
    }

    /// One point per calendar day from `start` to `end`, with the 7-day mean of the logged pains.
    static func painSeries(
        start: CalendarDate, end: CalendarDate, days: [DailyRecord], flares: [Flare] = []
    ) -> [DailyPainPoint] {
        var byDay: [Int: Double] = [:]
        for day in days { if let pain = day.pain { byDay[day.date.daysSinceEpoch] = pain } }
        var points: [DailyPainPoint] = []
        var date = start
        while date <= end {
            let window = (0..<7).compactMap { byDay[date.adding(days: -$0).daysSinceEpoch] }
            let mean = window.isEmpty ? nil : window.reduce(0, +) / Double(window.count)
            let inFlare = flares.contains { $0.start <= date && date <= $0.end }
            points.append(DailyPainPoint(date: date, pain: byDay[date.daysSinceEpoch], rollingMean7: mean, inFlare: inFlare))
            date = date.adding(days: 1)
        }
        return points
    }

    static func patient(
        id: String, clinician: String?, start: CalendarDate?, days: [DailyRecord], adherence: Double?,
        adherence14: Double?, baseline: Double?, current: Double?, trend: PainTrend, followUp: [FollowUpFlag],
        priority: Int?, weekly: [WeeklySummary] = [], flares: [Flare] = []
    ) -> PatientSummary {
        let series = start.map { painSeries(start: $0, end: asOf, days: days, flares: flares) } ?? []
        var summary = PatientSummary(
            patientID: id, clinician: clinician, displayName: nil, programStart: start, firstDate: days.first?.date,
            lastDate: days.last?.date, daysInProgram: start.map { $0.days(until: asOf) + 1 } ?? 0,
            sessionsPrescribed: start.map { Double($0.days(until: asOf) + 1) } ?? 0, sessionsCompleted: days.count,
            adherencePct: adherence, adherence14dPct: adherence14, painBaseline: baseline, painCurrent: current,
            painChange: baseline.flatMap { b in current.map { $0 - b } }, trend: trend,
            plateau: PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: nil, notAssessedBecause: "test"),
            flares: flares, level: LevelSummary(current: 2, daysAtCurrent: 10, regressions: 1), weekly: weekly,
            days: days, painSeries: series, followUp: followUp, priority: priority, rowsAfterAsOf: 0)
        // As the analytics decide it (the Overview only shows it).
        summary.isActiveThisWeek = isActive(summary, weekEndingOn: asOf)
        return summary
    }

    static func week(_ w: Int, adherence: Double?, painMean: Double?) -> WeeklySummary {
        WeeklySummary(
            week: ISOWeek(year: 2026, week: w), sessionDays: 3, sessionsPrescribed: 7, adherencePct: adherence,
            minutes: 45, painMean: painMean, painMax: painMean.map { $0 + 1 }, painDuringMedian: nil,
            strengthDays: 2, mobilityDays: 1)
    }

    static var p001Start: CalendarDate { date(2026, 10, 23) }

    static func analysis() -> CaseloadAnalysis {
        let p001Days = days(start: p001Start, [(0, 3.0), (2, 3.0), (4, 3.0), (9, 4.0), (16, 5.0), (23, 6.0), (27, 6.2)])
        let p001 = patient(
            id: "P001", clinician: "Dr Ada Lovelace", start: p001Start, days: p001Days, adherence: 42.9,
            adherence14: 35.7, baseline: 3.0, current: 6.1,
            trend: PainTrend(slopePerWeek: 0.9, pValue: 0.002, kendallS: 14, days: 7, trend: .worsening),
            followUp: [
                FollowUpFlag(reason: .worseningPain,
                             explanation: "pain 6.1 now vs 3.0 at baseline; rising 0.9/week over 21 days, p=0.002",
                             isNew: true),
                FollowUpFlag(reason: .nightPain, explanation: "night pain on 3 of the last 7 days", isNew: false),
            ],
            priority: 1,
            weekly: [week(44, adherence: 57.1, painMean: 3.0), week(45, adherence: 14.3, painMean: 4.0),
                     week(47, adherence: 28.6, painMean: 6.1)],
            flares: [Flare(start: date(2026, 11, 15), end: date(2026, 11, 19), baseline: 4, peak: 6.2, isOngoing: true)])
        let p003Start = date(2026, 10, 16)
        let p003 = patient(
            id: "P003", clinician: nil, start: p003Start, days: days(start: p003Start, [(0, nil), (20, nil)]),
            adherence: 60, adherence14: 10, baseline: nil, current: nil,
            trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .insufficientData),
            followUp: [
                FollowUpFlag(reason: .noRecentData, explanation: "no log for 15 days (last 2026-11-05)", isNew: false),
                FollowUpFlag(reason: .lowAdherence, explanation: "10% of prescribed sessions in 14 days", isNew: false),
            ],
            priority: 2, weekly: [week(43, adherence: 14.3, painMean: nil), week(45, adherence: nil, painMean: nil)])
        let p004Start = date(2026, 11, 2)
        let p004 = patient(
            id: injectionID, clinician: "=1+1", start: p004Start,
            days: days(start: p004Start, [(1, 4.0), (12, 4.5)]), adherence: 79.96, adherence14: 80, baseline: 4.0,
            current: 4.5, trend: PainTrend(slopePerWeek: 0.1, pValue: 0.5, kendallS: 1, days: 2, trend: .stable),
            followUp: [FollowUpFlag(reason: .highExercisePain, explanation: "-2+3 median pain during exercise 6.5",
                                    isNew: true)],
            priority: 3, weekly: [week(45, adherence: 85.7, painMean: 4.0)])
        let p002Start = date(2026, 10, 1)
        let p002 = patient(
            id: "P002", clinician: "Dr Ada Lovelace", start: p002Start,
            days: days(start: p002Start, [(0, 5.0), (25, 3.0), (50, 2.0)]), adherence: 85, adherence14: 92.9,
            baseline: 5.0, current: 2.0,
            trend: PainTrend(slopePerWeek: -0.8, pValue: 0.01, kendallS: -9, days: 3, trend: .improving),
            followUp: [], priority: nil, weekly: [week(46, adherence: 100, painMean: 2.5)])
        let p005 = patient(
            id: "P005", clinician: "Dr Grace Hopper", start: nil, days: [], adherence: nil, adherence14: nil,
            baseline: nil, current: nil,
            trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .insufficientData),
            followUp: [], priority: nil)
        return CaseloadAnalysis(asOf: asOf, thresholds: Thresholds(), tiers: FollowUpTiers(), patients: [p001, p003, p004, p002, p005],
                                rowsAfterAsOf: 2)
    }

    static func context(created: Int = 1_795_132_800) -> ReportContext {
        let rejected = payloads.enumerated().map { index, payload in
            RejectedRow(file: "logs.csv", line: 10 + index, patientID: index == 0 ? nil : "P00\(index)",
                        column: "pain", value: payload, reason: "pain must be a number from 0 to 10")
        }
        return ReportContext(
            toolVersion: "0.1.0", commandLine: "caseload review logs.csv --roster roster.csv --as-of 2026-11-20",
            caseloadName: "All patients", createdEpochSeconds: created,
            inputs: [
                InputSummary(path: "logs.csv", role: .log, sha256: String(repeating: "ab", count: 32), bytes: 12_345,
                             format: .csv, dialect: ", UTF-8 LF",
                             counts: RowCounts(rowsRead: 100, rowsAccepted: 90, rowsRejected: 6, rowsDuplicate: 4),
                             warnings: ["2 rows dated after the as-of date"], ignoredColumns: ["device_id"]),
                InputSummary(path: "roster.csv", role: .roster, sha256: String(repeating: "cd", count: 32), bytes: 321,
                             format: .csv, dialect: ", UTF-8 LF",
                             counts: RowCounts(rowsRead: 5, rowsAccepted: 5)),
            ],
            rejected: rejected, totals: RowCounts(rowsRead: 105, rowsAccepted: 95, rowsRejected: 6, rowsDuplicate: 4))
    }
}
