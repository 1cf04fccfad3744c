/// The one rounding rule of every output, and one text formatter per kind of figure.
///
/// **The rule.** A number is rounded to a fixed number of decimals half away from zero, as
/// written in its shortest decimal form: 6.25 → 6.3, 6.35 → 6.4, −6.25 → −6.3, 1.005 → 1.01
/// (to 2 decimals), 0.15 → 0.2. Zero is never signed: −0.04 → 0.0. This is how Excel and
/// LibreOffice display a number under a `0.0` format, so a figure reads the same in the CSV
/// files, the workbook, the terminal, the explanations and `caseload patient`
/// (`FiguresTests` checks the halves; docs/OUTPUTS.md states the rule).
///
/// **The kinds.** Text shows each kind with one precision everywhere (``Figure``); the CSV
/// files keep the data precision of docs/OUTPUTS.md (pain means to 2 decimals, p-values to 4),
/// rounded by the same rule.
public enum Rounding {
    /// `value` with exactly `decimals` digits after a `.`, rounded half away from zero as
    /// written in its shortest decimal form; never `-0`. Non-finite values are written as
    /// Swift prints them (`nan`, `inf`); callers write them as missing instead.
    /// - Precondition: `decimals` is 0...9.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var bytes: [UInt8] = []
        appendFixed(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` rounded half away from zero to `decimals` places, as a number.
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        Double(fixed(value, decimals: decimals)) ?? value
    }

    /// Appends ``fixed(_:decimals:)`` of `value` to `bytes` (no `String` built: the CSV writer's path).
    ///
    /// Away from a tie the binary product `|value| × 10^decimals` rounds the same way as the
    /// decimal form, and is used as it is; within 10⁻⁶ of a tie the shortest decimal form
    /// (Swift's `description`) decides, so 1.005 (stored as 1.00499999…) gives 1.01.
    public static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        guard value.isFinite else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let product = value.magnitude * Double(scale)
        guard product < 9.0e15 else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        var units = Int(product.rounded(.toNearestOrAwayFromZero))
        let fraction = product - product.rounded(.down)
        if abs(fraction - 0.5) < 1e-6 {
            units = unitsFromDecimalForm(value.magnitude, decimals: decimals) ?? units
        }
        if value < 0 && units != 0 { bytes.append(UInt8(ascii: "-")) }
        appendInteger(units / scale, to: &bytes)
        guard decimals > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var rest = units % scale
        let start = bytes.count
        for _ in 0..<decimals {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }

    /// `magnitude × 10^decimals` rounded half away from zero, computed on the digits of the
    /// shortest decimal form; `nil` when that form is in exponent notation.
    static func unitsFromDecimalForm(_ magnitude: Double, decimals: Int) -> Int? {
        let text = magnitude.description
        guard !text.contains("e"), !text.contains("E") else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? Array(parts[1].utf8) : []
        var digits = Array(whole.utf8)
        for i in 0..<decimals { digits.append(i < fraction.count ? fraction[i] : UInt8(ascii: "0")) }
        var units = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            units = units * 10 + Int(d - UInt8(ascii: "0"))
        }
        if decimals < fraction.count, fraction[decimals] >= UInt8(ascii: "5") { units += 1 }
        return units
    }

    /// Appends the decimal digits of `value` (with a leading `-` when negative) to `bytes`.
    public static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
}

/// A kind of figure, with the one way every human-readable output writes it.
///
/// Explanations, the terminal, `caseload patient`, the workbook's text and the workbook's
/// number formats (``excelFormat``) all use these, so a value prints the same everywhere.
public enum Figure: Sendable, CaseIterable {
    /// Pain on 0–10 (a mean, a baseline, a peak): one decimal, e.g. `6.3`.
    case pain
    /// A change in pain points: one decimal with a sign, e.g. `+1.2`, `-0.5`, `0.0`.
    case painChange
    /// Pain points a week: one decimal with a sign.
    case slopePerWeek
    /// A percentage (adherence): one decimal, e.g. `42.9`; the text adds `%`.
    case percent
    /// Sessions (prescribed sessions are pro rata, so fractional): one decimal.
    case sessions
    /// Minutes of exercise: one decimal.
    case minutes
    /// A two-sided p-value: three decimals, or `<0.001`.
    case pValue

    /// Decimals shown.
    public var decimals: Int {
        switch self {
        case .pain, .painChange, .slopePerWeek, .percent, .sessions, .minutes: return 1
        case .pValue: return 3
        }
    }

    /// The value as text under this kind's rule (see ``Rounding``); `missing` for `nil` or a
    /// non-finite value.
    public func text(_ value: Double?, missing: String = "–") -> String {
        guard let value, value.isFinite else { return missing }
        switch self {
        case .painChange, .slopePerWeek:
            let body = Rounding.fixed(value, decimals: decimals)
            return body.hasPrefix("-") || Rounding.rounded(value, decimals: decimals) == 0 ? body : "+" + body
        case .pValue:
            return value < 0.001 ? "<0.001" : Rounding.fixed(value, decimals: decimals)
        case .pain, .percent, .sessions, .minutes:
            return Rounding.fixed(value, decimals: decimals)
        }
    }

    /// The Excel number format that displays the value as ``text(_:missing:)`` does (Excel rounds
    /// half away from zero too). Percentages are stored in the workbook as fractions.
    public var excelFormat: String {
        switch self {
        case .pain, .sessions, .minutes: return "0.0"
        case .painChange, .slopePerWeek: return "+0.0;-0.0;0.0"
        case .percent: return "0.0%"
        case .pValue: return "0.000"
        }
    }

    /// A daily pain score as logged: whole numbers without decimals (`7`), others with one (`6.5`),
    /// under the same rounding rule.
    public static func painScore(_ value: Double) -> String {
        let text = Rounding.fixed(value, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
