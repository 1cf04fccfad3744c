import CaseloadModel

/// Finds flares: runs of days whose pain stood at least the flare margin above the recent median.
///
/// Walking the pain days in date order, outside a flare a day starts one when
/// `pain ≥ median(reference) + flareMargin` (2 points, the MCID of Farrar 2001), where the
/// reference is the pain values of the `flareReferenceDays` (7) calendar days before it,
/// needing at least `flareMinReferenceValues` (3) of them. The reference median is then
/// frozen, and the flare lasts while pain stays `≥ frozen reference + flareMargin`; the
/// first pain day below that ends it (that day may itself start a new flare against its
/// own reference). A day without a pain score neither ends nor extends a flare: a gap in
/// logging is not evidence that pain settled. A flare not ended by the as-of date is
/// `isOngoing`.
///
/// - Parameters:
///   - pain: daily pain in date order (only the programme window should be given; days
///     after `asOf` are ignored).
///   - asOf: the as-of date A.
/// - Returns: flares in date order; empty for fewer than 4 pain days.
/// - Complexity: O(n · reference days).
public func detectFlares(_ pain: [PainDay], asOf: CalendarDate, thresholds: Thresholds = Thresholds()) -> [Flare] {
    let pain = pain.filter { $0.date <= asOf }
    var flares: [Flare] = []
    var current: Flare?
    var reference: [Double] = []  // reused: one buffer for every day's look-back
    for (index, day) in pain.enumerated() {
        if let flare = current {
            if day.pain >= flare.baseline + thresholds.flareMargin {
                current?.end = day.date
                current?.peak = max(flare.peak, day.pain)
                continue
            }
            flares.append(flare)
            current = nil
        }
        let referenceStart = day.date.adding(days: -thresholds.flareReferenceDays)
        reference.removeAll(keepingCapacity: true)
        var j = index - 1
        while j >= 0, pain[j].date >= referenceStart {
            reference.append(pain[j].pain)
            j -= 1
        }
        guard reference.count >= thresholds.flareMinReferenceValues, let base = medianReordering(&reference),
              day.pain >= base + thresholds.flareMargin
        else { continue }
        current = Flare(start: day.date, end: day.date, baseline: base, peak: day.pain, isOngoing: false)
    }
    if var flare = current {
        flare.isOngoing = true
        flares.append(flare)
    }
    return flares
}

/// True when `flare` is still going on at the as-of date and has lasted more than
/// `flareExpectedMaxDays` (3) days, start to last high day inclusive.
///
/// The programme guide (Guide 001: Ferdinands L., "Patellofemoral Pain Syndrome Exercises:
/// How to Use PT Knee Exercises for Recovery", Alleviate) expects "a setback that can last
/// 1-3 days after a few weeks of making steady progress"; a flare longer than that is not
/// the expected setback.
public func isPersistent(_ flare: Flare, thresholds: Thresholds = Thresholds()) -> Bool {
    flare.isOngoing && flare.lengthDays > thresholds.flareExpectedMaxDays
}
