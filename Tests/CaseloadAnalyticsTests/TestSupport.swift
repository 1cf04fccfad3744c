import CaseloadAnalytics
import CaseloadModel

/// Monday 2026-03-02 (ISO week 2026-W10): day 0 of most hand-made series.
let day0 = CalendarDate(iso: "2026-03-02") ?? CalendarDate(daysSinceEpoch: 0)

/// A date `offset` days after `day0`.
func d(_ offset: Int) -> CalendarDate { day0.adding(days: offset) }

/// A hand-made day. `sessions` exercise rows, `checkIns` check-in rows.
func record(
    _ offset: Int, pain: Double? = nil, sessions: Int = 0, checkIns: Int = 0, minutes: Double? = nil,
    painDuring: [Double] = [], swelling: Bool? = nil, nightPain: Bool? = nil, readinessFailures: Int = 0,
    level: Int? = nil, categories: CategorySet = [], base: CalendarDate = day0
) -> DailyRecord {
    var r = DailyRecord(date: base.adding(days: offset))
    r.pain = pain
    r.exerciseRows = sessions
    r.checkInRows = checkIns
    if let minutes {
        r.minutes = minutes
        r.rowsWithDuration = max(1, sessions)
    }
    r.painDuring = painDuring
    r.swelling = swelling
    r.nightPain = nightPain
    r.readinessFailures = readinessFailures
    r.level = level
    r.categories = categories
    return r
}

/// Pain days from (offset, pain) pairs relative to `day0`.
func painDays(_ pairs: [(Int, Double)]) -> [PainDay] {
    pairs.map { PainDay(date: d($0.0), pain: $0.1) }
}

/// A patient from days, with a roster line when `start` or `sessionsPerWeek` is given.
func patient(
    _ id: String, _ days: [DailyRecord], start: CalendarDate? = nil, sessionsPerWeek: Double? = nil
) -> PatientRecord {
    let roster = (start != nil || sessionsPerWeek != nil)
        ? RosterEntry(patientID: id, programStart: start, sessionsPerWeek: sessionsPerWeek ?? 7) : nil
    return PatientRecord(patientID: id, roster: roster, days: days)
}

/// Approximate equality for doubles (absolute tolerance).
func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return abs(x - y) <= tolerance
    default: return false
    }
}
