import CaseloadModel

/// One ``WeeklySummary`` per ISO week (Monday–Sunday) overlapping the programme window start…A.
///
/// For each week, over the programme days inside it (partial at either end):
/// - `sessionsPrescribed = sessions_per_week × programme days in the week / 7`;
///   `adherencePct = min(100, 100 × session days / prescribed)` (`nil` when 0 prescribed);
/// - `minutes`: total exercise minutes; `painMean`, `painMax`: over the days with a pain
///   score (`nil` when none); `painDuringMedian`: median of every `pain_during` value;
/// - `strengthDays`: days with strength work; `mobilityDays`: days with mobility or
///   activation work — to set against the guide's (Hill 2025, /work/shared/domain/000)
///   "2–3 dedicated strength sessions" and "2–3 mobility or activation days" a week.
///
/// - Parameters:
///   - days: the patient's days in date order (days outside the window are ignored).
///   - start: the programme start.
///   - asOf: the as-of date A.
///   - sessionsPerWeek: the prescription.
/// - Returns: weeks in order; empty when `start` is after `asOf`.
public func weeklySummaries(
    _ days: [DailyRecord], from start: CalendarDate, asOf: CalendarDate, sessionsPerWeek: Double
) -> [WeeklySummary] {
    guard start <= asOf else { return [] }
    var result: [WeeklySummary] = []
    var weekStart = start
    while weekStart <= asOf {
        let sunday = weekStart.adding(days: 7 - weekStart.isoWeekday)
        let weekEnd = min(sunday, asOf)
        let inWeek = Array(records(days, in: weekStart...weekEnd))
        let programmeDays = weekStart.days(until: weekEnd) + 1
        let sessions = inWeek.filter(\.isSessionDay).count
        let prescribed = sessionsPrescribed(sessionsPerWeek: sessionsPerWeek, days: programmeDays)
        let pains = inWeek.compactMap(\.pain)
        result.append(WeeklySummary(
            week: weekStart.isoWeek,
            sessionDays: sessions,
            sessionsPrescribed: prescribed,
            adherencePct: adherencePercent(sessionDays: sessions, prescribed: prescribed),
            minutes: inWeek.reduce(0) { $0 + $1.minutes },
            painMean: mean(pains),
            painMax: pains.max(),
            painDuringMedian: median(inWeek.flatMap(\.painDuring)),
            strengthDays: inWeek.filter { $0.categories.contains(.strength) }.count,
            mobilityDays: inWeek.filter { !$0.categories.isDisjoint(with: [.mobility, .activation]) }.count))
        weekStart = sunday.adding(days: 1)
    }
    return result
}
