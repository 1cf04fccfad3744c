#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One cell of a CSV report, typed so numbers are never mangled and text is never executed.
public enum CSVCell: Sendable, Hashable {
    /// No value: an empty cell, never zero.
    case empty
    /// Free text; neutralised against formula injection when written.
    case text(String)
    /// An integer.
    case integer(Int)
    /// A decimal number written with exactly `decimals` digits after a `.`.
    case decimal(Double, decimals: Int)

    /// A text cell, or empty for `nil`.
    public static func text(_ value: String?) -> CSVCell { value.map(CSVCell.text) ?? .empty }
    /// An integer cell, or empty for `nil`.
    public static func integer(_ value: Int?) -> CSVCell { value.map(CSVCell.integer) ?? .empty }
    /// A decimal cell, or empty for `nil` or a non-finite value.
    public static func decimal(_ value: Double?, _ decimals: Int) -> CSVCell {
        guard let value, value.isFinite else { return .empty }
        return .decimal(value, decimals: decimals)
    }

    /// The cell as it appears in the file, before RFC 4180 quoting.
    public var rendered: String {
        switch self {
        case .empty: return ""
        case .text(let text): return CSVCell.neutralised(text)
        case .integer(let value): return String(value)
        case .decimal(let value, let decimals): return CSVCell.fixed(value, decimals: decimals)
        }
    }

    /// Text that a spreadsheet would read as a formula gets a leading `'`.
    ///
    /// Follows the OWASP CSV-injection guidance: a cell starting with `=`, `+`, `-`, `@`,
    /// tab or carriage return is prefixed, so Excel and LibreOffice show it as text.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
            return "'" + text
        default:
            return text
        }
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero,
    /// independent of locale; never `-0`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else { return String(value) }
        let units = Int(scaled)
        let negative = value < 0 && units != 0
        let integerPart = units / Int(scale)
        var text = (negative ? "-" : "") + String(integerPart)
        if decimals > 0 {
            let fraction = String(units % Int(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }
}

/// Writes an RFC 4180 CSV file (UTF-8, CRLF line ends, fields quoted only when needed), streaming.
///
/// Create it, call ``writeRow(_:)`` for the header and each row, then ``close()``, which is
/// the only call that reports a write failure.
public final class CSVWriter {
    public let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private var buffer: [UInt8] = []
    private var failed = false

    /// Opens `path` for writing, replacing it.
    /// - Throws: ``ExportError`` when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        guard let handle = fopen(path, "wb") else {
            throw ExportError(path: path, reason: "cannot create file: \(String(cString: strerror(errno)))")
        }
        file = handle
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if let file { fclose(file) }
    }

    /// Appends one record.
    public func writeRow(_ cells: [CSVCell]) {
        writeFields(cells.map(\.rendered))
    }

    /// Appends one record of already-rendered fields (quoted as needed).
    public func writeFields(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            append(field)
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Flushes and closes the file.
    /// - Throws: ``ExportError`` when any write failed.
    public func close() throws {
        flush()
        guard let handle = file else { return }
        file = nil
        let closed = fclose(handle) == 0
        if failed || !closed {
            throw ExportError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    private func append(_ field: String) {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.append(contentsOf: field.utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private func flush() {
        guard let file, !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }
}
