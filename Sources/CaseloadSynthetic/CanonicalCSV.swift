import CaseloadModel

/// How a CSV file separates and spells its values.
public struct CSVDialect: Sendable, Hashable {
    /// The field delimiter byte (`,` or `;`).
    public var delimiter: UInt8
    /// The decimal separator byte (`.` or `,`).
    public var decimalSeparator: UInt8
    /// `\n` or `\r\n`.
    public var lineEnding: [UInt8]
    /// Whether the file starts with a UTF-8 byte-order mark.
    public var byteOrderMark: Bool

    /// Creates a dialect.
    public init(delimiter: UInt8, decimalSeparator: UInt8, lineEnding: [UInt8], byteOrderMark: Bool) {
        self.delimiter = delimiter
        self.decimalSeparator = decimalSeparator
        self.lineEnding = lineEnding
        self.byteOrderMark = byteOrderMark
    }

    /// The canonical dialect: `,`, `.`, LF, no BOM.
    public static let canonical = CSVDialect(
        delimiter: UInt8(ascii: ","), decimalSeparator: UInt8(ascii: "."), lineEnding: [0x0A], byteOrderMark: false)
    /// A spreadsheet export from a comma-decimal locale: `;`, `,`, CRLF, UTF-8 BOM.
    public static let semicolonExcel = CSVDialect(
        delimiter: UInt8(ascii: ";"), decimalSeparator: UInt8(ascii: ","), lineEnding: [0x0D, 0x0A], byteOrderMark: true)
}

/// Encodes log rows as canonical CSV (RFC 4180 quoting), straight into a byte buffer.
///
/// Empty cell = missing; booleans `yes`/`no`; readiness `pass`/`fail`; dates `YYYY-MM-DD`;
/// numbers in their shortest form (`3`, `3.5`). A field is quoted when it holds the
/// delimiter, a double quote, CR or LF; quotes inside are doubled. Text is never altered
/// (notes starting with `=` or `-` stay as written: guarding spreadsheets is the exporter's job).
public enum CanonicalCSV {
    /// The canonical log columns, in order: the field table's (``CaseloadModel/LogColumn``).
    public static let columns = LogColumn.names

    /// Appends the start of a file: the UTF-8 byte-order mark when the dialect has one, then the header line.
    public static func appendHeader(to buffer: inout [UInt8], dialect: CSVDialect = .canonical) {
        if dialect.byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF] as [UInt8]) }
        appendRecord(columns, to: &buffer, dialect: dialect)
    }

    /// Appends one record of already formatted fields (quoted as needed) and the line ending.
    public static func appendRecord(_ fields: [String], to buffer: inout [UInt8], dialect: CSVDialect = .canonical) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.append(dialect.delimiter) }
            appendText(field, to: &buffer, delimiter: dialect.delimiter)
        }
        buffer.append(contentsOf: dialect.lineEnding)
    }

    /// The row's cells as text, one per column of the field table, in order (empty string = missing).
    public static func fields(of entry: LogEntry, dialect: CSVDialect = .canonical) -> [String] {
        LogColumn.allCases.map { column in
            var bytes: [UInt8] = []
            appendCell(column, of: entry, to: &bytes, dialect: dialect)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Appends one log row and the line ending.
    /// - Complexity: O(length of the row's text).
    public static func appendRow(_ entry: LogEntry, to buffer: inout [UInt8], dialect: CSVDialect = .canonical) {
        for column in LogColumn.allCases {
            if column.rawValue > 0 { buffer.append(dialect.delimiter) }
            if column.kind.isText {
                if let text = entry[text: column] { appendText(text, to: &buffer, delimiter: dialect.delimiter) }
            } else {
                appendCell(column, of: entry, to: &buffer, dialect: dialect)
            }
        }
        buffer.append(contentsOf: dialect.lineEnding)
    }

    /// Appends the cell of `column` as written by its kind (text unquoted: the caller quotes it).
    static func appendCell(_ column: LogColumn, of entry: LogEntry, to buffer: inout [UInt8], dialect: CSVDialect) {
        let values = entry.values
        switch column.kind {
        case .text, .freeText:
            if let text = entry[text: column] { buffer.append(contentsOf: text.utf8) }
        case .date:
            if let date: CalendarDate = values[column] { appendDate(date, to: &buffer) }
        case .count:
            if let v: Int = values[column] { appendInt(v, to: &buffer) }
        case .amount, .rating:
            if let v: Double = values[column] {
                appendNumber(v, to: &buffer, decimalSeparator: dialect.decimalSeparator)
            }
        case .flag:
            if let v: Bool = values[column] { appendYesNo(v, to: &buffer) }
        case .category:
            if let v: ExerciseCategory = values[column] { buffer.append(contentsOf: v.rawValue.utf8) }
        case .readiness:
            if let v: ReadinessResult = values[column] { buffer.append(contentsOf: v.rawValue.utf8) }
        }
    }

    /// True when a field must be quoted: it holds the delimiter, `"`, CR or LF.
    public static func needsQuoting(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) -> Bool {
        text.utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
    }

    static func appendText(_ text: String, to buffer: inout [UInt8], delimiter: UInt8) {
        if needsQuoting(text, delimiter: delimiter) {
            buffer.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: text.utf8)
        }
    }

    static func appendYesNo(_ value: Bool, to buffer: inout [UInt8]) {
        if value {
            buffer.append(contentsOf: [0x79, 0x65, 0x73] as [UInt8])  // yes
        } else {
            buffer.append(contentsOf: [0x6E, 0x6F] as [UInt8])  // no
        }
    }

    static func appendInt(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendUnsigned(UInt(value.magnitude), to: &buffer)
        } else {
            appendUnsigned(UInt(value), to: &buffer)
        }
    }

    static func appendUnsigned(_ value: UInt, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[count] = 0x30 + UInt8(v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[i]) }
        }
    }

    /// Shortest text of a number: halves and integers by a fast path, anything else by Swift's shortest round-trip form.
    static func appendNumber(_ value: Double, to buffer: inout [UInt8], decimalSeparator: UInt8) {
        let doubled = value * 2
        if doubled == doubled.rounded(), abs(value) < 1e15 {
            let twice = Int(doubled)
            if twice < 0 { buffer.append(UInt8(ascii: "-")) }
            let magnitude = UInt(twice.magnitude)
            appendUnsigned(magnitude / 2, to: &buffer)
            if magnitude % 2 == 1 {
                buffer.append(decimalSeparator)
                buffer.append(UInt8(ascii: "5"))
            }
            return
        }
        for byte in "\(value)".utf8 {
            buffer.append(byte == UInt8(ascii: ".") ? decimalSeparator : byte)
        }
    }

    static func appendDate(_ date: CalendarDate, to buffer: inout [UInt8]) {
        let (y, m, d) = date.components
        guard (0...9999).contains(y) else {
            buffer.append(contentsOf: date.isoString.utf8)
            return
        }
        buffer.append(0x30 + UInt8(y / 1000))
        buffer.append(0x30 + UInt8(y / 100 % 10))
        buffer.append(0x30 + UInt8(y / 10 % 10))
        buffer.append(0x30 + UInt8(y % 10))
        buffer.append(UInt8(ascii: "-"))
        buffer.append(0x30 + UInt8(m / 10))
        buffer.append(0x30 + UInt8(m % 10))
        buffer.append(UInt8(ascii: "-"))
        buffer.append(0x30 + UInt8(d / 10))
        buffer.append(0x30 + UInt8(d % 10))
    }
}
