import CaseloadModel

/// A profile's `[dates] format`: a strptime-style pattern for the export's dates.
///
/// Directives: `%d` day and `%m` month (1–2 digits), `%Y` year (4 digits), `%y` year (2 digits:
/// 69–99 are 1969–1999, 00–68 are 2000–2068, as POSIX strptime reads them), `%b` and `%B` an English
/// month name, full or abbreviated (`Sep`, `Sept`, `September`; any case), `%H` hour 0–23 and `%I`
/// hour 1–12 (1–2 digits), `%M` minute and `%S` second (1–2 digits, 0–59), `%p` `am`/`pm` (also
/// `a.m.`/`p.m.`, any case), `%%` a percent sign. A space in the pattern matches any run of white
/// space in the value, none included (as strptime's does), so `12:34:56 pm` also reads
/// `12:34:56\u{202F}pm` (U+202F NARROW NO-BREAK SPACE, which Strong writes on some iOS locales).
/// Other characters match themselves, in any case. The whole value (trimmed) must match.
public struct ProfileDateFormat: Sendable, Hashable {
    /// Why a pattern cannot be used.
    struct Problem: Error {
        var reason: String
    }

    private enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        case space
        case day, month, monthName, year, shortYear, hour, hour12, minute, second, meridiem
    }

    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    /// The directives a pattern may use, for messages.
    static let directives = "%d %m %Y %y %b %B %H %I %M %S %p %%"

    /// Reads `pattern`.
    /// - Throws: a `Problem` for an unknown directive, a pattern without a year, month and day,
    ///   `%I` without `%p` (or `%p` without `%I`), a time without minutes, or a directive given twice.
    init(_ pattern: String) throws {
        var tokens: [Token] = []
        var scalars = pattern.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == "%" {
                guard let d = scalars.next() else { throw Problem(reason: "the pattern ends in a lone %") }
                let token: Token
                switch d {
                case "d": token = .day
                case "m": token = .month
                case "b", "B", "h": token = .monthName
                case "Y": token = .year
                case "y": token = .shortYear
                case "H": token = .hour
                case "I": token = .hour12
                case "M": token = .minute
                case "S": token = .second
                case "p": token = .meridiem
                case "%": token = .literal("%")
                default:
                    throw Problem(reason: "%\(d) is not supported (use \(ProfileDateFormat.directives))")
                }
                if token != .literal("%"), tokens.contains(token) || (token == .year && tokens.contains(.shortYear))
                    || (token == .shortYear && tokens.contains(.year)) || (token == .month && tokens.contains(.monthName))
                    || (token == .monthName && tokens.contains(.month)) || (token == .hour && tokens.contains(.hour12))
                    || (token == .hour12 && tokens.contains(.hour))
                {
                    throw Problem(reason: "'\(pattern)' gives the %\(d) part twice")
                }
                tokens.append(token)
            } else if c.properties.isWhitespace {
                if tokens.last != .space { tokens.append(.space) }
            } else {
                tokens.append(.literal(c))
            }
        }
        let has = Set(tokens)
        guard has.contains(.year) || has.contains(.shortYear), has.contains(.month) || has.contains(.monthName),
            has.contains(.day)
        else {
            throw Problem(reason: "'\(pattern)' needs a year (%Y or %y), a month (%m or %b) and a day (%d)")
        }
        if has.contains(.hour12) != has.contains(.meridiem) {
            throw Problem(reason: "'\(pattern)': %I (hour 1–12) and %p (am/pm) go together; for 0–23 use %H")
        }
        if (has.contains(.hour) || has.contains(.hour12)) != has.contains(.minute) {
            throw Problem(reason: "'\(pattern)': a time needs an hour (%H or %I) and minutes (%M)")
        }
        if has.contains(.second) && !has.contains(.minute) {
            throw Problem(reason: "'\(pattern)': seconds (%S) need an hour and minutes")
        }
        self.pattern = pattern
        self.tokens = tokens
    }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// `value` as caseload's own date text (`YYYY-MM-DD`, with `THH:MM[:SS]` when the pattern has a
    /// time), or `nil` when it does not match the pattern. The day is not checked to exist here.
    func isoText(_ value: String) -> String? {
        let text = Array(value.trimmingSpaces.unicodeScalars)
        var i = 0
        var year: Int?, month: Int?, day: Int?, hour: Int?, minute: Int?, second: Int?
        var pm: Bool?
        func digits(min: Int, max: Int) -> Int? {
            var value = 0, count = 0
            while i < text.count, count < max, let d = text[i].asciiDigit {
                value = value * 10 + d
                i += 1
                count += 1
            }
            return count >= min ? value : nil
        }
        func lowerASCII(_ c: Unicode.Scalar) -> Unicode.Scalar {
            c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 0x20) ?? c : c
        }
        /// Consumes `word` (lower-case ASCII) at `i`, in any case.
        func take(_ word: String) -> Bool {
            let w = Array(word.unicodeScalars)
            guard i + w.count <= text.count else { return false }
            for k in 0..<w.count where lowerASCII(text[i + k]) != w[k] { return false }
            i += w.count
            return true
        }
        for token in tokens {
            switch token {
            case .literal(let c):
                guard i < text.count, lowerASCII(text[i]) == lowerASCII(c) else { return nil }
                i += 1
            case .space:
                while i < text.count, text[i].properties.isWhitespace { i += 1 }
            case .day:
                guard let d = digits(min: 1, max: 2) else { return nil }
                day = d
            case .month:
                guard let m = digits(min: 1, max: 2) else { return nil }
                month = m
            case .monthName:
                var found: Int?
                for (index, name) in ProfileDateFormat.months.enumerated() {
                    if take(name) || (index == 8 && take("sept")) || take(String(name.prefix(3))) {
                        found = index + 1
                        break
                    }
                }
                guard let found else { return nil }
                month = found
            case .year:
                guard let y = digits(min: 4, max: 4) else { return nil }
                year = y
            case .shortYear:
                guard let y = digits(min: 2, max: 2) else { return nil }
                year = y < 69 ? 2000 + y : 1900 + y
            case .hour, .hour12:
                guard let h = digits(min: 1, max: 2) else { return nil }
                hour = h
            case .minute:
                guard let m = digits(min: 1, max: 2) else { return nil }
                minute = m
            case .second:
                guard let s = digits(min: 1, max: 2) else { return nil }
                second = s
            case .meridiem:
                if take("am") || take("a.m.") {
                    pm = false
                } else if take("pm") || take("p.m.") {
                    pm = true
                } else {
                    return nil
                }
            }
        }
        guard i == text.count, let year, let month, let day else { return nil }
        var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        if var hour, let minute {
            if let pm {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (pm ? 12 : 0)
            }
            guard hour <= 23, minute <= 59, (second ?? 0) <= 59 else { return nil }
            out += "T" + pad(hour, 2) + ":" + pad(minute, 2)
            if let second { out += ":" + pad(second, 2) }
        }
        return out
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Two formats are equal when their patterns are (the tokens follow from the pattern).
    public static func == (lhs: ProfileDateFormat, rhs: ProfileDateFormat) -> Bool { lhs.pattern == rhs.pattern }

    /// Hashes the pattern.
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

extension Unicode.Scalar {
    /// 0–9 for an ASCII digit, else `nil`.
    var asciiDigit: Int? {
        value >= 0x30 && value <= 0x39 ? Int(value - 0x30) : nil
    }
}

/// Durations as exports write them.
enum ProfileDuration {
    /// Minutes in an `hm` duration: groups of a number and a unit (`h`, `m`/`min`, `s`/`sec`, any
    /// case, spaces optional): `1h 15m`, `35m`, `45s`, `1h`, `2h 5m 30s`; or a clock duration
    /// `H:MM:SS` (`0:25:00`, as FitNotes writes it). `nil` for anything else (a bare number too:
    /// its unit would be a guess).
    static func minutes(hm text: String) -> Double? {
        let scalars = Array(text.trimmingSpaces.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        if scalars.contains(":") {
            let parts = String(String.UnicodeScalarView(scalars)).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.unicodeScalars.allSatisfy { $0.asciiDigit != nil } }),
                let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2]), parts[1].count == 2, parts[2].count == 2,
                m <= 59, s <= 59
            else { return nil }
            return Double(h) * 60 + Double(m) + Double(s) / 60
        }
        var i = 0
        var total = 0.0
        var seen: Set<String> = []
        while i < scalars.count {
            while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
            if i == scalars.count { break }
            var number = 0.0
            var digits = 0
            var fraction = false
            var scale = 1.0
            while i < scalars.count {
                if let d = scalars[i].asciiDigit {
                    guard digits < 9 else { return nil }
                    if fraction {
                        scale /= 10
                        number += Double(d) * scale
                    } else {
                        number = number * 10 + Double(d)
                    }
                    digits += 1
                } else if scalars[i] == "." && !fraction {
                    fraction = true
                } else {
                    break
                }
                i += 1
            }
            guard digits > 0 else { return nil }
            while i < scalars.count, scalars[i] == " " { i += 1 }
            var unit = ""
            while i < scalars.count, scalars[i].properties.isAlphabetic {
                unit.unicodeScalars.append(scalars[i])
                i += 1
            }
            let factor: Double
            switch unit.lowercased() {
            case "h", "hr", "hrs", "hour", "hours": factor = 60
            case "m", "min", "mins", "minute", "minutes": factor = 1
            case "s", "sec", "secs", "second", "seconds": factor = 1.0 / 60
            default: return nil
            }
            guard seen.insert(String(factor)).inserted else { return nil }
            total += number * factor
        }
        return seen.isEmpty ? nil : total
    }
}
