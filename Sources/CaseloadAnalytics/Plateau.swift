import CaseloadModel
import Foundation

/// Change points of a daily pain series by PELT with a noise-scaled penalty.
///
/// Penalty = `changePointPenaltyFactor` (2) · σ̂² · ln n, where n is the number of pain days
/// and σ̂ = max(`changePointMinNoiseSD` (0.5), MAD(first differences) / (0.6745 · √2)), a
/// noise estimate that a step in the mean barely moves. Segments are at least
/// `plateauMinSegmentDays` (7) pain days long.
///
/// - Parameter pain: pain days in date order (gaps are skipped: a segment is counted in
///   pain days, not calendar days).
/// - Returns: the segments as index ranges into `pain`, in order; one segment when no
///   change is found or the series is shorter than two minimum segments; empty for no days.
public func painSegments(_ pain: [PainDay], thresholds: Thresholds = Thresholds()) -> [Range<Int>] {
    let values = pain.map(\.pain)
    guard !values.isEmpty else { return [] }
    // MAD of the first differences around their median; for Gaussian noise the differences
    // have SD σ·√2 and MAD ≈ 0.6745 · SD. A step in the mean moves one difference only.
    let differences = zip(values, values.dropFirst()).map { $1 - $0 }
    let mad = median(differences).flatMap { m in median(differences.map { abs($0 - m) }) } ?? 0
    let sigma = max(thresholds.changePointMinNoiseSD, mad / (0.6745 * 2.0.squareRoot()))
    let penalty = thresholds.changePointPenaltyFactor * sigma * sigma * log(Double(values.count))
    let ends = pelt(values, penalty: penalty, minSegment: thresholds.plateauMinSegmentDays)
    var start = 0
    return ends.map { end in
        defer { start = end }
        return start..<end
    }
}

/// Whether improvement has stalled while pain is still meaningful.
///
/// Assessed over the plateau window A−27…A (`plateauWindowDays` = 28, clipped at the
/// programme start) only when it holds at least `plateauMinPainDays` (10) pain days, some
/// pain in the last `currentDays` (7) days, no flare going on and a trend that is not
/// worsening (otherwise `notAssessedBecause` says why). Then
/// `changeOverWindow = Theil–Sen slope (points/day) × (plateauWindowDays − 1)`, and the
/// patient is on a plateau when `|changeOverWindow| < plateauMaxChange` (1 point) while
/// current pain ≥ `plateauMinCurrentPain` (3) — unless the window's pain shows renewed
/// step-wise improvement: the guide (Guide 001: Ferdinands L., "Patellofemoral Pain Syndrome
/// Exercises: How to Use PT Knee Exercises for Recovery", Alleviate) describes "quick
/// improvements at the beginning, followed by a plateau before they see another stepwise
/// improvement", so when PELT (min segment 7) splits the window and the last segment's mean
/// is at least `plateauRenewedImprovement` (1 point) below the one before, no plateau is flagged.
///
/// `since` is the first day of the last segment of the change-point search over the whole
/// programme's daily pain (min segment 7): the day the current level of pain began.
///
/// - Parameters:
///   - pain: the programme window's daily pain in date order.
///   - asOf: the as-of date A.
///   - currentPain: mean pain over A−6…A.
///   - trend: the patient's ``PainTrend``.
///   - flares: the patient's flares.
public func assessPlateau(
    _ pain: [PainDay], asOf: CalendarDate, currentPain: Double?, trend: PainTrend, flares: [Flare],
    thresholds: Thresholds = Thresholds()
) -> PlateauAssessment {
    let pain = pain.filter { $0.date <= asOf }
    let windowStart = asOf.adding(days: -(thresholds.plateauWindowDays - 1))
    let window = pain.filter { $0.date >= windowStart }
    func notAssessed(_ reason: String) -> PlateauAssessment {
        PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: nil, notAssessedBecause: reason)
    }
    guard window.count >= thresholds.plateauMinPainDays else {
        return notAssessed("fewer than \(thresholds.plateauMinPainDays) pain days in \(thresholds.plateauWindowDays)")
    }
    guard let current = currentPain else {
        return notAssessed("no pain score in the last \(thresholds.currentDays) days")
    }
    guard !flares.contains(where: \.isOngoing) else { return notAssessed("a flare is going on") }
    guard trend.trend != .worsening else { return notAssessed("pain is worsening") }
    guard let slope = theilSenSlope(window.map { (x: Double(asOf.days(until: $0.date)), y: $0.pain) }) else {
        return notAssessed("fewer than \(thresholds.plateauMinPainDays) pain days in \(thresholds.plateauWindowDays)")
    }
    let change = slope * Double(thresholds.plateauWindowDays - 1)
    guard abs(change) < thresholds.plateauMaxChange, current >= thresholds.plateauMinCurrentPain else {
        return PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: change, notAssessedBecause: nil)
    }
    let segments = painSegments(window, thresholds: thresholds)
    if segments.count >= 2,
       let lastMean = mean(segments[segments.count - 1].map { window[$0].pain }),
       let previousMean = mean(segments[segments.count - 2].map { window[$0].pain }),
       previousMean - lastMean >= thresholds.plateauRenewedImprovement {
        return PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: change, notAssessedBecause: nil)
    }
    let since = painSegments(pain, thresholds: thresholds).last.flatMap { range in
        range.isEmpty ? nil : pain[range.lowerBound].date
    }
    return PlateauAssessment(isPlateau: true, since: since, changeOverWindow: change, notAssessedBecause: nil)
}
