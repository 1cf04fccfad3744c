import CaseloadModel

/// Adherence as a percentage of prescribed sessions, capped at 100.
///
/// `adherence = min(100, 100 × sessionDays / prescribed)`, where a session day is a date
/// with at least one exercise row (``DailyRecord/isSessionDay``) and
/// `prescribed = sessions_per_week × days / 7` for the days of the window.
///
/// - Parameters:
///   - sessionDays: session days in the window, ≥ 0.
///   - prescribed: prescribed sessions for the window, ≥ 0.
/// - Returns: a value in [0, 100], or `nil` when nothing was prescribed (an empty window
///   or a prescription of 0 sessions a week).
public func adherencePercent(sessionDays: Int, prescribed: Double) -> Double? {
    guard prescribed > 0 else { return nil }
    return min(100, 100 * Double(sessionDays) / prescribed)
}

/// Prescribed sessions for `days` calendar days at `sessionsPerWeek`: `sessionsPerWeek × days / 7`.
public func sessionsPrescribed(sessionsPerWeek: Double, days: Int) -> Double {
    sessionsPerWeek * Double(max(0, days)) / 7
}

/// Session days, prescribed sessions and adherence over one window of the programme.
public struct AdherenceWindow: Sendable, Hashable {
    /// Calendar days in the window (0 when it is empty).
    public var days: Int
    /// Dates in the window with at least one exercise row.
    public var sessionDays: Int
    /// `sessions_per_week × days / 7`, in sessions.
    public var prescribed: Double
    /// `nil` when nothing was prescribed.
    public var percent: Double?

    public init(days: Int, sessionDays: Int, prescribed: Double, percent: Double?) {
        self.days = days
        self.sessionDays = sessionDays
        self.prescribed = prescribed
        self.percent = percent
    }
}

/// Adherence over `from…to` (inclusive): session days counted from `days`, prescribed pro rata.
///
/// - Parameters:
///   - days: the patient's days in date order (days outside the range are ignored).
///   - from: first day of the window; a window whose start is after `to` is empty.
///   - to: last day of the window.
///   - sessionsPerWeek: the prescription.
/// - Returns: an empty window (0 days, 0 prescribed, `nil` percent) when `from > to`.
public func adherence(
    _ days: [DailyRecord], from: CalendarDate, to: CalendarDate, sessionsPerWeek: Double
) -> AdherenceWindow {
    guard from <= to else { return AdherenceWindow(days: 0, sessionDays: 0, prescribed: 0, percent: nil) }
    let length = from.days(until: to) + 1
    let sessions = records(days, in: from...to).filter(\.isSessionDay).count
    let prescribed = sessionsPrescribed(sessionsPerWeek: sessionsPerWeek, days: length)
    return AdherenceWindow(
        days: length, sessionDays: sessions, prescribed: prescribed,
        percent: adherencePercent(sessionDays: sessions, prescribed: prescribed))
}
