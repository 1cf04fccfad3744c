import CaseloadModel

/// One ``WeeklySummary`` per ISO week (Monday–Sunday) overlapping the programme window start…A.
///
/// For each week, over the programme days inside it (partial at either end):
/// - `sessionsPrescribed = sessions_per_week × programme days in the week / 7`;
///   `adherencePct = min(100, 100 × session days / prescribed)` (`nil` when 0 prescribed);
/// - `minutes`: total exercise minutes; `painMean`, `painMax`: over the days with a pain
///   score (`nil` when none); `painDuringMedian`: median of every `pain_during` value;
/// - `strengthDays`: days with strength work; `mobilityDays`: days with mobility or
///   activation work — to set against the guide's (Guide 000: Hill R., "How to manage
///   patellofemoral pain with targeted strengthening and movement pattern corrections", 2025)
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
    var pains: [Double] = [], during: [Double] = []  // reused week after week
    var weekStart = start
    while weekStart <= asOf {
        let sunday = weekStart.adding(days: 7 - weekStart.isoWeekday)
        let weekEnd = min(sunday, asOf)
        let programmeDays = weekStart.days(until: weekEnd) + 1
        let prescribed = sessionsPrescribed(sessionsPerWeek: sessionsPerWeek, days: programmeDays)
        // One pass over the week's days (a slice of `days`, not a copy).
        var sessions = 0, strengthDays = 0, mobilityDays = 0
        var minutes = 0.0
        pains.removeAll(keepingCapacity: true)
        during.removeAll(keepingCapacity: true)
        for day in records(days, in: weekStart...weekEnd) {
            if day.isSessionDay { sessions += 1 }
            minutes += day.minutes
            if let pain = day.pain { pains.append(pain) }
            day.appendPainDuring(to: &during)
            if day.categories.contains(.strength) { strengthDays += 1 }
            if !day.categories.isDisjoint(with: [.mobility, .activation]) { mobilityDays += 1 }
        }
        result.append(WeeklySummary(
            week: weekStart.isoWeek,
            sessionDays: sessions,
            sessionsPrescribed: prescribed,
            adherencePct: adherencePercent(sessionDays: sessions, prescribed: prescribed),
            minutes: minutes,
            painMean: mean(pains),
            painMax: pains.max(),
            painDuringMedian: medianReordering(&during),
            strengthDays: strengthDays,
            mobilityDays: mobilityDays))
        weekStart = sunday.adding(days: 1)
    }
    return result
}
