import CaseloadAnalytics
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
        var bytes: [UInt8] = []
        render(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the cell as it appears in the file, before RFC 4180 quoting, to `bytes`
    /// (what ``rendered`` returns, without building a `String`).
    func render(into bytes: inout [UInt8]) {
        switch self {
        case .empty: return
        case .text(let text):
            if CSVCell.needsNeutralising(text) { bytes.append(UInt8(ascii: "'")) }
            bytes.append(contentsOf: text.utf8)
        case .integer(let value): CSVCell.appendInteger(value, to: &bytes)
        case .decimal(let value, let decimals): CSVCell.appendFixed(value, decimals: decimals, to: &bytes)
        }
    }

    /// Text that a spreadsheet would read as a formula gets a leading `'`.
    ///
    /// Follows the OWASP CSV-injection guidance: a cell starting with `=`, `+`, `-`, `@`,
    /// tab or carriage return is prefixed, so Excel and LibreOffice show it as text.
    public static func neutralised(_ text: String) -> String {
        needsNeutralising(text) ? "'" + text : text
    }

    /// Whether ``neutralised(_:)`` prefixes `text`.
    static func needsNeutralising(_ text: String) -> Bool {
        switch text.utf8.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// `value` with exactly `decimals` digits after the point under the one rounding rule of
    /// every output (``Rounding``: half away from zero, as written); never `-0`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        Rounding.fixed(value, decimals: decimals)
    }

    /// Appends ``fixed(_:decimals:)`` of `value` to `bytes`.
    static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
        Rounding.appendFixed(value, decimals: decimals, to: &bytes)
    }

    /// Appends the decimal digits of `value` (with a leading `-` when negative) to `bytes`.
    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        Rounding.appendInteger(value, to: &bytes)
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
        for (index, cell) in cells.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            switch cell {
            case .empty:
                break
            case .text(let text):
                append(text, neutralising: true)
            case .integer, .decimal:
                // Digits, `-`, `.` and the fallback's `e`, `+`, `nan`, `inf` never need quotes.
                cell.render(into: &buffer)
            }
        }
        endRecord()
    }

    /// Appends one record of already-rendered fields (quoted as needed).
    public func writeFields(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            append(field, neutralising: false)
        }
        endRecord()
    }

    /// Writes a whole file: `header`, then whatever `rows` writes, then closes it.
    /// - Returns: `path`.
    /// - Throws: ``ExportError`` when the file cannot be created or written.
    @discardableResult
    public static func writeTable(path: String, header: [String], rows: (CSVWriter) -> Void) throws -> String {
        let writer = try CSVWriter(path: path)
        writer.writeFields(header)
        rows(writer)
        try writer.close()
        return path
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

    private func endRecord() {
        buffer.append(0x0D)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends `field`, with a leading `'` when `neutralising` and ``CSVCell/neutralised(_:)``
    /// would add one, in quotes (inner quotes doubled) when it holds `,`, `"`, LF or CR.
    private func append(_ field: String, neutralising: Bool) {
        let prefix = neutralising && CSVCell.needsNeutralising(field)
        var field = field
        field.withUTF8 { bytes in
            let needsQuotes = bytes.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            }
            if needsQuotes { buffer.append(UInt8(ascii: "\"")) }
            if prefix { buffer.append(UInt8(ascii: "'")) }
            guard needsQuotes else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    private func flush() {
        guard let file, !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }
}
