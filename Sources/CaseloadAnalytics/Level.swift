import CaseloadModel

/// Where the patient stands in the graded programme, from the levels logged.
///
/// - `current`: the level of the latest day (≤ A) that logged one.
/// - `daysAtCurrent`: calendar days from the first day of the current uninterrupted run of
///   logged levels equal to `current` to A, inclusive (days without a level do not break
///   the run).
/// - `regressions`: how often a logged level is lower than the previous logged level. The
///   guide (Guide 001: Ferdinands L., "Patellofemoral Pain Syndrome Exercises: How to Use PT
///   Knee Exercises for Recovery", Alleviate) advises going "back to the previous level of
///   challenge for a day or two" when exercise hurts, so a few regressions are expected.
///
/// - Parameters:
///   - days: the programme window's days in date order.
///   - asOf: the as-of date A (later days are ignored).
/// - Returns: `current` and `daysAtCurrent` `nil`, 0 regressions, when no level was logged.
public func levelSummary<C: Collection>(_ days: C, asOf: CalendarDate) -> LevelSummary where C.Element == DailyRecord {
    var current: Int?
    var runStart: CalendarDate?
    var regressions = 0
    for day in days where day.date <= asOf {
        guard let level = day.level else { continue }
        if let previous = current {
            if level < previous { regressions += 1 }
            if level != previous { runStart = day.date }
        } else {
            runStart = day.date
        }
        current = level
    }
    let daysAt = runStart.map { $0.days(until: asOf) + 1 }
    return LevelSummary(current: current, daysAtCurrent: daysAt, regressions: regressions)
}
