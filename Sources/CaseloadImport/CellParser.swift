import CaseloadModel

/// The outcome of reading one cell.
enum Cell<Value> {
    /// The cell was empty or only spaces.
    case missing
    case value(Value)
    /// The cell held something unusable; the reason is a short sentence.
    case invalid(String)

    /// `.invalid(reason)`, or `.invalid("")` without building the reason when `explain` is false:
    /// the CSV short way only asks whether a cell is usable, and hands any row with a bad cell to
    /// the general way, which words the reason. A reason costs a few thousand instructions.
    @inline(__always)
    static func invalid(explaining explain: Bool, _ reason: @autoclosure () -> String) -> Cell {
        .invalid(explain ? reason() : "")
    }
}

/// A date, with the time and offset when the cell carried them.
struct DateCell: Equatable {
    var date: CalendarDate
    var secondsOfDay: Int?
    var utcOffsetMinutes: Int?
}

/// Reads cell values straight from bytes: numbers, dates, booleans, enums, text.
///
/// Values are trimmed of spaces and tabs before reading (except notes, kept as written).
/// Reasons name the column and the value, e.g. `pain 11 is outside 0–10`.
struct CellParser: Sendable {
    var dateOrder: DateOrder
    /// Accept `,` as decimal separator (files delimited by `;`).
    var decimalComma: Bool

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    // MARK: Trimming and text

    @inline(__always)
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = b.count
        while lo < hi && (b[lo] == space || b[lo] == tab) { lo += 1 }
        while hi > lo && (b[hi - 1] == space || b[hi - 1] == tab) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }

    @inline(__always)
    static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in b where byte != space && byte != tab { return false }
        return true
    }

    /// Decodes bytes as UTF-8, or as Windows-1252 when they are not valid UTF-8.
    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> (text: String, wasWindows1252: Bool) {
        var ascii = true
        for byte in b where byte >= 0x80 { ascii = false; break }
        if ascii || isValidUTF8(b) { return (String(decoding: b, as: UTF8.self), false) }
        var scalars = String.UnicodeScalarView()
        for byte in b {
            let code: UInt32 = (0x80...0x9F).contains(byte) ? UInt32(windows1252High[Int(byte - 0x80)]) : UInt32(byte)
            scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
        }
        return (String(scalars), true)
    }

    /// Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control).
    static let windows1252High: [UInt16] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return false
            }
            guard i + need < n else { return false }
            let second = b[i + 1]
            guard second >= lower && second <= upper else { return false }
            var k = 2
            while k <= need {
                guard b[i + k] >= 0x80 && b[i + k] <= 0xBF else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }

    // MARK: Numbers

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses `[+-]digits[.digits]` (`,` as separator too when `decimalComma`), or `nil`.
    /// Exact to the nearest double (one correctly rounded division) for up to 18 digits.
    func number(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        var i = 0
        var negative = false
        if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var seenSeparator = false
        var hasDigit = false
        while i < n {
            let c = b[i]
            if c >= 48 && c <= 57 {
                hasDigit = true
                if digits < 18 {
                    mantissa = mantissa * 10 + UInt64(c - 48)
                    if seenSeparator { fractionDigits += 1 }
                    if mantissa > 0 || seenSeparator { digits += 1 }
                } else if !seenSeparator {
                    return nil  // absurdly large: not a value anyone logs
                }
            } else if !seenSeparator && (c == UInt8(ascii: ".") || (decimalComma && c == UInt8(ascii: ","))) {
                seenSeparator = true
            } else {
                return nil
            }
            i += 1
        }
        guard hasDigit, fractionDigits < CellParser.powersOfTen.count else { return nil }
        let value = Double(mantissa) / CellParser.powersOfTen[fractionDigits]
        return negative && value != 0 ? -value : value
    }

    /// A decimal ≥ 0.
    @inline(__always)
    func nonNegativeDecimal(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<Double> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        guard let value = number(b) else {
            return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not a number")
        }
        if value < 0 { return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is negative") }
        return .value(value)
    }

    /// A whole number ≥ 0 (`3.0` counts as 3).
    @inline(__always)
    func nonNegativeInteger(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<Int> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        if b.count <= 9 {
            // Fast path for the usual cell, digits only: the same value the general path gives.
            var value = 0
            var allDigits = true
            for c in b {
                guard c >= 48 && c <= 57 else { allDigits = false; break }
                value = value * 10 + Int(c - 48)
            }
            if allDigits { return .value(value) }
        }
        guard let value = number(b) else {
            return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not a number")
        }
        if value < 0 { return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is negative") }
        guard value == value.rounded(.towardZero), value < 1e12 else {
            return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not a whole number")
        }
        return .value(Int(value))
    }

    /// A 0–10 rating (decimals allowed).
    @inline(__always)
    func rating(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<Double> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        guard let value = number(b) else {
            return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not a number")
        }
        guard value >= 0 && value <= 10 else {
            return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is outside 0–10")
        }
        return .value(value)
    }

    /// Sessions a week: > 0 and ≤ 14.
    func sessionsPerWeek(_ raw: UnsafeBufferPointer<UInt8>, name: String) -> Cell<Double> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        guard let value = number(b), value > 0, value <= 14 else {
            return .invalid("\(name) \(CellParser.show(b)) is not a number above 0 and at most 14")
        }
        return .value(value)
    }

    // MARK: Booleans and enums

    /// True when `b` equals `word` (lower-case ASCII) ignoring ASCII case; no allocation.
    @inline(__always)
    static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard b.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { w in
            for k in 0..<w.count {
                let c = b[k]
                if (c >= 65 && c <= 90 ? c | 0x20 : c) != w[k] { return false }
            }
            return true
        }
    }

    /// yes/no, true/false, y/n, 1/0 in any case.
    @inline(__always)
    func boolean(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<Bool> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        // Only the words of the cell's length are compared (the words differ in length but for
        // the one-letter ones).
        let word: (text: StaticString, value: Bool)? =
            switch b.count {
            case 1: b[0] | 0x20 == UInt8(ascii: "y") || b[0] == UInt8(ascii: "1") ? ("y", true)
                : b[0] | 0x20 == UInt8(ascii: "n") || b[0] == UInt8(ascii: "0") ? ("n", false) : nil
            case 2: ("no", false)
            case 3: ("yes", true)
            case 4: ("true", true)
            case 5: ("false", false)
            default: nil
            }
        if let word, b.count == 1 || CellParser.equalsIgnoringCase(b, word.text) { return .value(word.value) }
        return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not yes/no")
    }

    @inline(__always)
    func category(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<ExerciseCategory> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        // Only the words of the cell's length are compared.
        let found: ExerciseCategory? =
            switch b.count {
            case 3: CellParser.equalsIgnoringCase(b, "run") ? .run : nil
            case 4: CellParser.equalsIgnoringCase(b, "test") ? .test : nil
            case 5: CellParser.equalsIgnoringCase(b, "other") ? .other : nil
            case 7: CellParser.equalsIgnoringCase(b, "massage") ? .massage : nil
            case 8:
                CellParser.equalsIgnoringCase(b, "strength") ? .strength
                    : CellParser.equalsIgnoringCase(b, "mobility") ? .mobility : nil
            case 10: CellParser.equalsIgnoringCase(b, "activation") ? .activation : nil
            default: nil
            }
        if let found { return .value(found) }
        return .invalid(
            explaining: explain,
            "\(name) \(CellParser.show(b)) is not one of "
                + ExerciseCategory.allCases.map(\.rawValue).joined(separator: ", "))
    }

    @inline(__always)
    func readiness(_ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool = true) -> Cell<ReadinessResult> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        if CellParser.equalsIgnoringCase(b, "pass") { return .value(.pass) }
        if CellParser.equalsIgnoringCase(b, "fail") { return .value(.fail) }
        return .invalid(explaining: explain, "\(name) \(CellParser.show(b)) is not pass/fail")
    }

    // MARK: Dates

    /// Reason prefix used when a date is in day/month order but no order was given.
    static let ambiguousDateAdvice = "pass --date-format DD/MM/YYYY or MM/DD/YYYY"

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        guard from >= 0, from + count <= b.count else { return nil }
        var value = 0
        for k in from..<(from + count) {
            let c = b[k]
            guard c >= 48 && c <= 57 else { return nil }
            value = value * 10 + Int(c - 48)
        }
        return value
    }

    /// A date `YYYY-MM-DD`, an ISO 8601 date-time, or (with a date order) `DD/MM/YYYY` /
    /// `MM/DD/YYYY` with `/`, `.` or `-`. `ambiguous` is set when a non-ISO date was
    /// rejected only because no date order was given.
    func date(_ raw: UnsafeBufferPointer<UInt8>, name: String, ambiguous: inout Bool) -> Cell<DateCell> {
        let b = CellParser.trimmed(raw)
        if b.isEmpty { return .missing }
        var shown: String { CellParser.show(b) }  // only for messages: not built for a valid date
        var year = 0, month = 0, day = 0
        var rest = 0
        if b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
           let y = CellParser.digits(b, 0, 4), let m = CellParser.digits(b, 5, 2), let d = CellParser.digits(b, 8, 2) {
            (year, month, day, rest) = (y, m, d, 10)
        } else if let (first, second, y, end) = CellParser.numericDate(b) {
            switch dateOrder {
            case .iso:
                ambiguous = true
                return .invalid("\(name) \(shown) is not YYYY-MM-DD; \(CellParser.ambiguousDateAdvice)")
            case .dayMonthYear: (year, month, day) = (y, second, first)
            case .monthDayYear: (year, month, day) = (y, first, second)
            }
            rest = end
        } else {
            return .invalid("\(name) \(shown) is not a date (expected YYYY-MM-DD)")
        }
        var seconds: Int?
        var offset: Int?
        if rest < b.count {
            guard let time = CellParser.time(b, from: rest) else {
                return .invalid("\(name) \(shown) is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)")
            }
            seconds = time.seconds
            offset = time.offset
        }
        guard let calendarDate = CalendarDate(year: year, month: month, day: day) else {
            return .invalid("\(name) \(shown) does not exist")
        }
        if year < 1900 { return .invalid("\(name) \(shown) is before 1900") }
        if year > 2199 { return .invalid("\(name) \(shown) is after 2199") }
        return .value(DateCell(date: calendarDate, secondsOfDay: seconds, utcOffsetMinutes: offset))
    }

    /// `d{1,2} SEP d{1,2} SEP d{4}` with one separator of `/ . -`; returns the parts and the end index.
    private static func numericDate(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, Int)? {
        var i = 0
        func number(maxDigits: Int) -> Int? {
            var value = 0, count = 0
            while i < b.count, count < maxDigits, b[i] >= 48, b[i] <= 57 {
                value = value * 10 + Int(b[i] - 48)
                i += 1
                count += 1
            }
            return count == 0 ? nil : value
        }
        guard let first = number(maxDigits: 2), i < b.count else { return nil }
        let separator = b[i]
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: "-")
        else { return nil }
        i += 1
        guard let second = number(maxDigits: 2), i < b.count, b[i] == separator else { return nil }
        i += 1
        let yearStart = i
        guard let year = number(maxDigits: 4), i - yearStart == 4 else { return nil }
        return (first, second, year, i)
    }

    /// `[T ]HH:MM[:SS[.fff]][Z|±HH[:MM]|±HHMM]` starting at `from`.
    private static func time(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> (seconds: Int, offset: Int?)? {
        var i = from
        let sep = b[i]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(b, i, 2), i + 2 < b.count, b[i + 2] == UInt8(ascii: ":"),
              let minute = digits(b, i + 3, 2), hour <= 23, minute <= 59
        else { return nil }
        i += 5
        var second = 0
        if i < b.count && b[i] == UInt8(ascii: ":") {
            guard let s = digits(b, i + 1, 2), s <= 59 else { return nil }
            second = s
            i += 3
            if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                i += 1
                let start = i
                while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        let seconds = hour * 3600 + minute * 60 + second
        if i == b.count { return (seconds, nil) }
        let sign = b[i]
        if (sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z")) && i + 1 == b.count { return (seconds, 0) }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let oh = digits(b, i + 1, 2), oh <= 18 else {
            return nil
        }
        i += 3
        var om = 0
        if i < b.count {
            if b[i] == UInt8(ascii: ":") { i += 1 }
            guard let m = digits(b, i, 2), m <= 59, i + 2 == b.count else { return nil }
            om = m
        }
        let minutes = oh * 60 + om
        return (seconds, sign == UInt8(ascii: "-") ? -minutes : minutes)
    }

    // MARK: Messages

    /// A value as shown in a reason: decoded, at most 60 characters.
    static func show(_ b: UnsafeBufferPointer<UInt8>) -> String {
        let text = decode(b).text
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    /// A raw value as stored in a rejected row: decoded, at most 200 characters.
    static func stored(_ b: UnsafeBufferPointer<UInt8>) -> String {
        let limited = b.count > 800 ? UnsafeBufferPointer(rebasing: b[0..<800]) : b
        let text = decode(limited).text
        return text.count > 200 || b.count > 800 ? String(text.prefix(199)) + "…" : text
    }
}

// MARK: Cells by kind

extension CellParser {
    /// Reads a cell of a value kind (``CaseloadModel/LogValueKind``, not text or a date) as the
    /// ``CaseloadModel/LogValues`` word of its value: the one switch from the field table's kinds
    /// to the rules above, shared by the CSV short way, the general way and the JSON reader.
    /// - Parameters:
    ///   - column: the column, whose name the reason gives.
    ///   - explain: false when only usability matters (see ``Cell/invalid(explaining:_:)``).
    /// The column's name is looked up only for an invalid cell (which is then read again, with
    /// the name, for its reason): rows are mostly valid.
    @inline(__always)
    func word(_ kind: LogValueKind, _ raw: UnsafeBufferPointer<UInt8>, column: LogColumn, explain: Bool = true) -> Cell<UInt64> {
        let cell = word(kind, raw, name: "", explain: false)
        guard explain, case .invalid = cell else { return cell }
        return word(kind, raw, name: column.name, explain: true)
    }

    @inline(__always)
    private func word(_ kind: LogValueKind, _ raw: UnsafeBufferPointer<UInt8>, name: String, explain: Bool) -> Cell<UInt64> {
        switch kind {
        case .count: nonNegativeInteger(raw, name: name, explain: explain).word
        case .amount: nonNegativeDecimal(raw, name: name, explain: explain).word
        case .rating: rating(raw, name: name, explain: explain).word
        case .flag: boolean(raw, name: name, explain: explain).word
        case .category: category(raw, name: name, explain: explain).word
        case .readiness: readiness(raw, name: name, explain: explain).word
        case .text, .freeText, .date: preconditionFailure("\(kind) is not a value kind")
        }
    }
}

extension Cell where Value: LogWordValue {
    /// The same outcome with the value as its ``CaseloadModel/LogValues`` word.
    @inline(__always)
    var word: Cell<UInt64> {
        switch self {
        case .missing: .missing
        case .value(let v): .value(v.logWord)
        case .invalid(let reason): .invalid(reason)
        }
    }
}
