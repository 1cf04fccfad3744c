import CaseloadModel

/// The outcome of a day's readiness tests (the small knee bend before a session).
public enum ReadinessOutcome: Sendable, Hashable {
    /// At least one test passed and none failed.
    case pass
    /// `count` tests failed (whatever else passed that day).
    case fail(count: Int)

    /// The outcome in words: `pass`, `fail`, or `fail ×3` for several failures.
    public var label: String {
        switch self {
        case .pass: return "pass"
        case .fail(let count): return count == 1 ? "fail" : "fail ×\(count)"
        }
    }
}

/// One row of a patient's daily table (the patient sheet): every figure of one day.
public struct PatientDay: Sendable, Hashable {
    public var date: CalendarDate
    /// True when the day has at least one exercise row.
    public var sessionDone: Bool
    /// Minutes of exercise; `nil` when no row of the day logged a duration.
    public var minutes: Double?
    /// The day's worst pain (0–10); `nil` without a pain score.
    public var pain: Double?
    /// Mean pain of the 7 days ending this day (``DailyPainPoint/rollingMean7``).
    public var rollingMean7: Double?
    /// The patient's baseline pain, repeated on every day (the chart's reference line).
    public var baseline: Double?
    /// Median of the day's pain-during-exercise ratings (0–10); `nil` without any.
    public var painDuringMedian: Double?
    public var swelling: Bool?
    public var nightPain: Bool?
    /// The readiness tests' outcome; `nil` when none was logged.
    public var readiness: ReadinessOutcome?
    /// True when the day is part of a flare.
    public var inFlare: Bool

    public init(
        date: CalendarDate, sessionDone: Bool, minutes: Double?, pain: Double?, rollingMean7: Double?,
        baseline: Double?, painDuringMedian: Double?, swelling: Bool?, nightPain: Bool?,
        readiness: ReadinessOutcome?, inFlare: Bool
    ) {
        self.date = date
        self.sessionDone = sessionDone
        self.minutes = minutes
        self.pain = pain
        self.rollingMean7 = rollingMean7
        self.baseline = baseline
        self.painDuringMedian = painDuringMedian
        self.swelling = swelling
        self.nightPain = nightPain
        self.readiness = readiness
        self.inFlare = inFlare
    }
}

/// The readiness outcome of one day: `fail(count:)` when any test failed, `pass` when some
/// passed and none failed, `nil` when none was logged.
public func readinessOutcome(of day: DailyRecord) -> ReadinessOutcome? {
    if day.readinessFailures > 0 { return .fail(count: day.readinessFailures) }
    if day.readinessPasses > 0 { return .pass }
    return nil
}

/// The patient's daily table: one row for every day of the programme window that has a log
/// record or a point of the pain series, in date order.
///
/// Pain is the pain series' value, else the record's; minutes only when a row logged a
/// duration; pain during exercise is the median of the day's ratings (``median(_:)``).
/// - Returns: empty for a patient without days in the programme window.
public func dailyTable(of patient: PatientSummary) -> [PatientDay] {
    var records: [Int: DailyRecord] = [:]
    for day in patient.days { records[day.date.daysSinceEpoch] = day }
    var points: [Int: DailyPainPoint] = [:]
    for point in patient.painSeries { points[point.date.daysSinceEpoch] = point }
    let dates = Set(records.keys).union(points.keys).sorted()
    return dates.map { key in
        let record = records[key]
        let point = points[key]
        return PatientDay(
            date: CalendarDate(daysSinceEpoch: key),
            sessionDone: record?.isSessionDay ?? false,
            minutes: record.flatMap { $0.rowsWithDuration > 0 ? $0.minutes : nil },
            pain: point?.pain ?? record?.pain,
            rollingMean7: point?.rollingMean7,
            baseline: patient.painBaseline,
            painDuringMedian: record.flatMap { median($0.painDuring) },
            swelling: record?.swelling,
            nightPain: record?.nightPain,
            readiness: record.flatMap(readinessOutcome(of:)),
            inFlare: point?.inFlare ?? false)
    }
}
