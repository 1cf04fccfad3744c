/// A calendar date (proleptic Gregorian), independent of time zones and locales.
///
/// Stored as the number of days since 1970-01-01, so comparisons, differences and
/// ISO weeks are plain integer arithmetic. Patients log local dates; the date they
/// wrote is the date that counts, whatever the clock of the machine running the review.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int

    /// Creates a date from a day count since 1970-01-01.
    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Creates a date from its parts, or `nil` when they name no real day (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysInMonth(year: year, month: month)
        else { return nil }
        daysSinceEpoch = CalendarDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`; `nil` for anything else or an impossible day.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let y = CalendarDate.digits(bytes[0..<4]),
              let m = CalendarDate.digits(bytes[5..<7]),
              let d = CalendarDate.digits(bytes[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        CalendarDate.civilFromDays(daysSinceEpoch)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// `YYYY-MM-DD` (years outside 0...9999 are written with as many digits as they need).
    public var isoString: String {
        let (y, m, d) = components
        return CalendarDate.pad(y, 4) + "-" + CalendarDate.pad(m, 2) + "-" + CalendarDate.pad(d, 2)
    }

    public var description: String { isoString }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (daysSinceEpoch + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// The ISO 8601 week this date falls in.
    public var isoWeek: ISOWeek {
        let thursday = adding(days: 4 - isoWeekday)
        let weekYear = thursday.year
        let jan1 = CalendarDate.daysFromCivil(year: weekYear, month: 1, day: 1)
        let week = (thursday.daysSinceEpoch - jan1) / 7 + 1
        return ISOWeek(year: weekYear, week: week)
    }

    /// The Excel serial day number (1900 date system) of this date.
    public var excelSerial: Double { Double(daysSinceEpoch + 25_569) }

    /// This date moved by `days` (negative moves back).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// Days from `self` to `other`: positive when `other` is later.
    public func days(until other: CalendarDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    /// True for Gregorian leap years.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in a month of a year (February by leap year).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        let padded = text.count < width ? String(repeating: "0", count: width - text.count) + text : text
        return value < 0 ? "-" + padded : padded
    }
}

/// An ISO 8601 week: weeks start on Monday and week 1 holds the year's first Thursday.
public struct ISOWeek: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The ISO week-numbering year (may differ from the calendar year near 1 January).
    public let year: Int
    /// Week number, 1–53.
    public let week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// The Monday that starts this week.
    public var monday: CalendarDate {
        let jan4 = CalendarDate(daysSinceEpoch: CalendarDate.daysFromCivil(year: year, month: 1, day: 4))
        let week1Monday = jan4.adding(days: 1 - jan4.isoWeekday)
        return week1Monday.adding(days: (week - 1) * 7)
    }

    /// `YYYY-Www`, e.g. `2026-W07`.
    public var description: String {
        "\(year)-W" + (week < 10 ? "0\(week)" : "\(week)")
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }
}

extension CalendarDate: Codable {
    /// Decodes a date written by ``encode(to:)``: its day count since 1970-01-01.
    public init(from decoder: any Decoder) throws {
        self.init(daysSinceEpoch: try decoder.singleValueContainer().decode(Int.self))
    }

    /// Encodes the date as its day count since 1970-01-01 (compact, and exact for any year).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(daysSinceEpoch)
    }
}
