import CaseloadModel

/// One day's pain score: the highest `pain` logged that day (0–10).
public struct PainDay: Sendable, Hashable {
    /// The calendar day.
    public var date: CalendarDate
    /// The day's highest pain score, 0–10.
    public var pain: Double

    public init(date: CalendarDate, pain: Double) {
        self.date = date
        self.pain = pain
    }
}

/// The first day of a patient's programme window: roster `program_start`, else the first log date.
///
/// - Returns: `nil` for a patient with neither (roster only, no log rows, no start date).
public func programStart(of patient: PatientRecord) -> CalendarDate? {
    patient.roster?.programStart ?? patient.days.first?.date
}

/// The days of `days` whose date lies in `range` (both ends inclusive).
///
/// - Parameter days: strictly ascending by date, as in ``PatientRecord/days``.
/// - Complexity: O(log n + k) for k days returned.
func records(_ days: [DailyRecord], in range: ClosedRange<CalendarDate>) -> ArraySlice<DailyRecord> {
    let lower = firstIndex(in: days) { $0.date >= range.lowerBound }
    let upper = firstIndex(in: days) { $0.date > range.upperBound }
    return days[lower..<max(lower, upper)]
}

/// Binary search for the first index where a monotone predicate turns true.
private func firstIndex(in days: [DailyRecord], where isAtOrAfter: (DailyRecord) -> Bool) -> Int {
    var low = 0
    var high = days.count
    while low < high {
        let mid = (low + high) / 2
        if isAtOrAfter(days[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
}

/// Daily pain: one ``PainDay`` for every day that has a pain score, in date order.
///
/// The day's score is ``DailyRecord/pain``, already the highest of its rows. Days without
/// a score are left out (never treated as zero).
public func dailyPain<C: Collection>(from days: C) -> [PainDay] where C.Element == DailyRecord {
    days.compactMap { day in day.pain.map { PainDay(date: day.date, pain: $0) } }
}

/// Mean daily pain over the days of `pain` that fall in `range`.
///
/// Baseline pain is this over the programme's first 7 days (start…start+6, clipped at the
/// as-of date); current pain over A−6…A (clipped at the programme start).
/// - Returns: `nil` when no day in the range has a pain score.
public func meanPain(_ pain: [PainDay], in range: ClosedRange<CalendarDate>) -> Double? {
    mean(pain.filter { range.contains($0.date) }.map(\.pain))
}

/// The pain trend over the trend window A−(w−1)…A (default w = 21 days), clipped at the
/// programme start.
///
/// Slope: Theil–Sen over (x = day offset from A, y = daily pain), so gaps keep their calendar
/// positions; reported per week (per day × 7). Significance: Mann–Kendall on the window's
/// pain values in date order. The trend is `improving` (slope ≤ −0.5/week) or `worsening`
/// (≥ +0.5/week) when p < α (0.05), else `stable`.
///
/// - Parameters:
///   - pain: the programme window's daily pain, in date order (days after A are ignored).
///   - asOf: the as-of date A.
///   - thresholds: `trendWindowDays`, `trendMinPainDays` (8), `currentDays` (7),
///     `trendMinSlopePerWeek` (0.5), `trendAlpha` (0.05).
/// - Returns: `insufficient_data` with `nil` statistics when the window has fewer than
///   `trendMinPainDays` pain days or no pain day in the last `currentDays` days.
public func painTrend(_ pain: [PainDay], asOf: CalendarDate, thresholds: Thresholds = Thresholds()) -> PainTrend {
    let windowStart = asOf.adding(days: -(thresholds.trendWindowDays - 1))
    let inWindow = pain.filter { $0.date >= windowStart && $0.date <= asOf }
    let recentStart = asOf.adding(days: -(thresholds.currentDays - 1))
    guard inWindow.count >= thresholds.trendMinPainDays, inWindow.contains(where: { $0.date >= recentStart }),
          let slope = theilSenSlope(inWindow.map { (x: Double(asOf.days(until: $0.date)), y: $0.pain) })
    else {
        return PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: inWindow.count, trend: .insufficientData)
    }
    let test = mannKendall(inWindow.map(\.pain))
    let perWeek = slope * 7
    let trend: Trend
    if test.p < thresholds.trendAlpha && perWeek >= thresholds.trendMinSlopePerWeek {
        trend = .worsening
    } else if test.p < thresholds.trendAlpha && perWeek <= -thresholds.trendMinSlopePerWeek {
        trend = .improving
    } else {
        trend = .stable
    }
    return PainTrend(slopePerWeek: perWeek, pValue: test.p, kendallS: test.s, days: inWindow.count, trend: trend)
}

/// One ``DailyPainPoint`` per calendar day from `start` to `asOf` inclusive.
///
/// `rollingMean7` is the mean of the pain scores present in the 7 days ending that day
/// (days before `start` are not used); `inFlare` is true from a flare's start to its last
/// high day.
/// - Returns: empty when `start` is after `asOf`.
public func painSeries(
    _ days: [DailyRecord], from start: CalendarDate, asOf: CalendarDate, flares: [Flare]
) -> [DailyPainPoint] {
    guard start <= asOf else { return [] }
    let count = start.days(until: asOf) + 1
    var pain = [Double?](repeating: nil, count: count)
    for day in records(days, in: start...asOf) {
        pain[start.days(until: day.date)] = day.pain
    }
    let rolling = rollingMean(pain, window: 7)
    return (0..<count).map { i in
        let date = start.adding(days: i)
        let inFlare = flares.contains { $0.start <= date && date <= $0.end }
        return DailyPainPoint(date: date, pain: pain[i], rollingMean7: rolling[i], inFlare: inFlare)
    }
}
