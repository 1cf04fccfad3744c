import CaseloadModel
import Foundation

/// A tiny RFC 4180 reader for tests: quoted fields, doubled quotes, CR/LF/CRLF record ends.
/// Independent of the code under test.
enum RFC4180 {
    static func parse(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var i = 0
        var inQuotes = false
        var sawAnything = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == 0x22 && field.isEmpty {
                inQuotes = true
                sawAnything = true
            } else if b == delimiter {
                endField()
                sawAnything = true
            } else if b == 0x0D || b == 0x0A {
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                endField()
                records.append(fields)
                fields = []
                sawAnything = false
            } else {
                field.append(b)
                sawAnything = true
            }
            i += 1
        }
        if sawAnything || !field.isEmpty {
            endField()
            records.append(fields)
        }
        return records
    }
}

/// One day of one patient, folded by the tests themselves (not by CaseloadBuilder).
struct TestDay {
    var sessions = Set<String>()
    var exerciseRows = 0
    var pain: Double?
    var painDuring: [Double] = []
    var night = false
    var swelling = false
    var failedSessions = Set<String>()
    var minutes = 0.0
    var rows = 0
}

/// A patient's log folded by date, with helpers counting back from the end date.
struct TestLog {
    let end: CalendarDate
    let start: CalendarDate
    var days: [CalendarDate: TestDay] = [:]

    init(_ entries: [LogEntry], end: CalendarDate, start: CalendarDate) {
        self.end = end
        self.start = start
        for e in entries {
            var day = days[e.date] ?? TestDay()
            day.rows += 1
            if let ex = e.exercise {
                day.exerciseRows += 1
                day.sessions.insert(e.sessionID ?? "-")
                day.minutes += e.durationMin ?? 0
                _ = ex
            }
            if let p = e.pain { day.pain = max(day.pain ?? p, p) }
            if let d = e.painDuring { day.painDuring.append(d) }
            if e.nightPain == true { day.night = true }
            if e.swelling == true { day.swelling = true }
            if e.readiness == .fail { day.failedSessions.insert(e.sessionID ?? "-") }
            days[e.date] = day
        }
    }

    /// Days back from the end date (0 = end date).
    func back(_ date: CalendarDate) -> Int { date.days(until: end) }

    /// Days whose `back` lies in `range`, in date order.
    func window(_ range: ClosedRange<Int>) -> [(CalendarDate, TestDay)] {
        days.filter { range.contains(back($0.key)) }.sorted { $0.key < $1.key }
    }

    func pains(_ range: ClosedRange<Int>) -> [Double] { window(range).compactMap(\.1.pain) }

    /// (day number, pain) points in a window, for trend statistics.
    func painPoints(_ range: ClosedRange<Int>) -> [(Double, Double)] {
        window(range).compactMap { d, v in v.pain.map { (Double(d.daysSinceEpoch), $0) } }
    }

    /// Mean pain of the first 7 programme days.
    var baseline: Double? {
        let values = days.filter { start.days(until: $0.key) < 7 }.compactMap(\.value.pain)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Flares as the analytics describe them: a flare starts on a day whose pain is ≥ 2 above the
    /// median of the previous 7 days' pain values (≥ 3 of them); that median is frozen as its
    /// baseline and the flare lasts while pain stays ≥ baseline + 2.
    /// Returns (first day, last day) of each flare, in order.
    var frozenBaselineFlares: [(CalendarDate, CalendarDate)] {
        var flares: [(CalendarDate, CalendarDate)] = []
        var current: (start: CalendarDate, last: CalendarDate, baseline: Double)?
        for date in days.keys.sorted() {
            guard let p = days[date]?.pain else { continue }
            if let c = current {
                if p >= c.baseline + 2 {
                    current = (c.start, date, c.baseline)
                    continue
                }
                flares.append((c.start, c.last))
                current = nil
            }
            let previous = (1...7).compactMap { days[date.adding(days: -$0)]?.pain }
            if previous.count >= 3, let m = Stats.median(previous), p >= m + 2 {
                current = (date, date, m)
            }
        }
        if let c = current { flares.append((c.start, c.last)) }
        return flares
    }

    /// Pain flare days: pain ≥ median of the previous 7 days' pain values (≥ 3 of them) + 2.
    var flareDays: [CalendarDate] {
        days.keys.sorted().filter { date in
            guard let p = days[date]?.pain else { return false }
            let previous = (1...7).compactMap { days[date.adding(days: -$0)]?.pain }
            guard previous.count >= 3, let m = Stats.median(previous) else { return false }
            return p >= m + 2
        }
    }
}

/// Reference statistics written for the tests.
enum Stats {
    static func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }

    static func median(_ v: [Double]) -> Double? {
        guard !v.isEmpty else { return nil }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Theil–Sen slope (per day): median of pairwise slopes.
    static func theilSen(_ points: [(Double, Double)]) -> Double? {
        var slopes: [Double] = []
        for i in points.indices {
            for j in points.indices where j > i && points[j].0 != points[i].0 {
                slopes.append((points[j].1 - points[i].1) / (points[j].0 - points[i].0))
            }
        }
        return median(slopes)
    }

    /// Ordinary least squares slope (per day).
    static func olsSlope(_ points: [(Double, Double)]) -> Double? {
        guard points.count >= 2, let mx = mean(points.map(\.0)), let my = mean(points.map(\.1)) else { return nil }
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx == 0 ? nil : sxy / sxx
    }

    /// Two-sided Mann–Kendall p-value (normal approximation with continuity correction and tie correction).
    static func mannKendallP(_ values: [Double]) -> Double {
        let n = values.count
        guard n >= 3 else { return 1 }
        var s = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                s += values[j] > values[i] ? 1 : (values[j] < values[i] ? -1 : 0)
            }
        }
        var ties: [Double: Int] = [:]
        for v in values { ties[v, default: 0] += 1 }
        let nn = Double(n)
        var variance = nn * (nn - 1) * (2 * nn + 5)
        for t in ties.values where t > 1 {
            let tt = Double(t)
            variance -= tt * (tt - 1) * (2 * tt + 5)
        }
        variance /= 18
        guard variance > 0 else { return 1 }
        let z = s > 0 ? (s - 1) / variance.squareRoot() : (s < 0 ? (s + 1) / variance.squareRoot() : 0)
        return erfc(abs(z) / 2.0.squareRoot())
    }
}

/// A fresh temporary folder per test.
func temporaryDirectory(_ name: String = #function) -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "caseload-synthetic-\(safe)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func readBytes(_ path: String) -> [UInt8] {
    (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
}
