/// A failure while building or writing an XLSX workbook, with where it happened.
///
/// libxlsxwriter reports most problems late (a bad output path only fails when the
/// workbook is closed), so the error names the operation, the sheet and the cell
/// (A1 notation) when they are known, and the library's own message.
public struct XLSXError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `write string` or `close workbook`.
    public var operation: String
    /// The library's explanation (`lxw_strerror`), or ours when the library gave none.
    public var reason: String
    /// The worksheet's name, when the operation concerned one.
    public var sheet: String?
    /// The cell in A1 notation (e.g. `B7`), when the operation concerned one.
    public var cell: String?
    /// The workbook's output path.
    public var path: String?

    /// Creates an error; `cell` is in A1 notation.
    public init(operation: String, reason: String, sheet: String? = nil, cell: String? = nil, path: String? = nil) {
        self.operation = operation
        self.reason = reason
        self.sheet = sheet
        self.cell = cell
        self.path = path
    }

    /// One line: `xlsx: <operation> failed at 'Sheet'!B7 in out.xlsx: <reason>`.
    public var description: String {
        var text = "xlsx: \(operation) failed"
        switch (sheet, cell) {
        case let (sheet?, cell?): text += " at '\(sheet)'!\(cell)"
        case let (sheet?, nil): text += " on sheet '\(sheet)'"
        case let (nil, cell?): text += " at \(cell)"
        case (nil, nil): break
        }
        if let path { text += " in \(path)" }
        return text + ": " + reason
    }
}

/// A1-notation helpers shared by the wrapper and the workbook layout.
enum CellName {
    /// Column letters for a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func column(_ col: Int) -> String {
        precondition(col >= 0, "column must be non-negative")
        var n = col + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// `B7` for row 6, column 1 (both 0-based).
    static func cell(row: Int, col: Int) -> String {
        column(col) + String(row + 1)
    }
}
