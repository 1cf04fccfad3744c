import CaseloadAnalytics
import CaseloadModel
/// The workbook's palette and cell styles, in one place so every sheet looks alike.
enum Palette {
    static let ink: UInt32 = 0x1F3864
    static let muted: UInt32 = 0x595959
    static let headerFill: UInt32 = 0xDCE6F1
    static let headerRule: UInt32 = 0x8EA9DB
    static let followUpFill: UInt32 = 0xFCE4D6
    static let badFill: UInt32 = 0xFFC7CE
    static let badInk: UInt32 = 0x9C0006
    static let goodFill: UInt32 = 0xC6EFCE
    static let goodInk: UInt32 = 0x006100
    static let soonFill: UInt32 = 0xFFEB9C
    static let soonInk: UInt32 = 0x9C5700
    static let scaleRed: UInt32 = 0xF8696B
    static let scaleYellow: UInt32 = 0xFFEB84
    static let scaleGreen: UInt32 = 0x63BE7B
    static let painLine: UInt32 = 0xC00000
    static let meanLine: UInt32 = 0x1F4E79
    static let baselineLine: UInt32 = 0x7F7F7F
    static let bar: UInt32 = 0x4472C4
    static let flareMarker: UInt32 = 0xFF8C00
    static let tabFollowUp: UInt32 = 0xED7D31
    static let tabInfo: UInt32 = 0x7F7F7F
}

/// Number formats used across the workbook.
enum NumberFormat {
    static let date = "yyyy-mm-dd"
    static let dateTime = "yyyy-mm-dd hh:mm \"UTC\""
    static let oneDecimal = "0.0"
    static let twoDecimals = "0.00"
    static let integer = "0"
    static let thousands = "#,##0"
    static let chartDate = "dd mmm"
}

extension CellStyle {
    static let title = CellStyle(bold: true, fontSize: 16, fontColor: Palette.ink)
    static let subtitle = CellStyle(italic: true, fontColor: Palette.muted)
    static let section = CellStyle(bold: true, fontSize: 12, fontColor: Palette.ink, bottomBorder: Palette.ink)
    static let header = CellStyle(
        bold: true, fill: Palette.headerFill, verticalTop: true, wrap: true, bottomBorder: Palette.headerRule)
    static let label = CellStyle(bold: true)
    static let note = CellStyle(italic: true, fontColor: Palette.muted)
    static let warning = CellStyle(bold: true, fontColor: Palette.badInk, fill: Palette.badFill)
    static let link = CellStyle(underline: true, fontColor: 0x0563C1)
    static let wrapped = CellStyle(verticalTop: true, wrap: true)
    static let date = CellStyle(numberFormat: NumberFormat.date, align: .left)
    static let dateTime = CellStyle(numberFormat: NumberFormat.dateTime, align: .left)
    static let oneDecimal = CellStyle(numberFormat: NumberFormat.oneDecimal)
    // One style per kind of figure, with the number format of ``Figure/excelFormat``, so the
    // workbook displays a value as the CSV files, the terminal and the explanations write it.
    static let pain = CellStyle(numberFormat: Figure.pain.excelFormat)
    static let painChange = CellStyle(numberFormat: Figure.painChange.excelFormat)
    static let slopePerWeek = CellStyle(numberFormat: Figure.slopePerWeek.excelFormat)
    /// Percentages, stored as fractions (0.5 for 50 %).
    static let percent = CellStyle(numberFormat: Figure.percent.excelFormat)
    static let sessions = CellStyle(numberFormat: Figure.sessions.excelFormat)
    static let minutes = CellStyle(numberFormat: Figure.minutes.excelFormat)
    static let twoDecimals = CellStyle(numberFormat: NumberFormat.twoDecimals)
    static let integer = CellStyle(numberFormat: NumberFormat.integer)
    static let thousands = CellStyle(numberFormat: NumberFormat.thousands)
    static let centered = CellStyle(align: .center)
    static let bad = CellStyle(fontColor: Palette.badInk, fill: Palette.badFill)
    static let badPain = CellStyle(
        fontColor: Palette.badInk, fill: Palette.badFill, numberFormat: Figure.pain.excelFormat)
    /// The tier cell of a patient needing a call: red for urgent, amber for soon, plain for routine.
    static let tierUrgent = CellStyle(bold: true, fontColor: Palette.badInk, fill: Palette.badFill, verticalTop: true)
    static let tierSoon = CellStyle(fontColor: Palette.soonInk, fill: Palette.soonFill, verticalTop: true)
    static let tierRoutine = CellStyle(verticalTop: true)

    /// The tier cell's style.
    static func tier(_ tier: FollowUpTier) -> CellStyle {
        switch tier {
        case .urgent: return tierUrgent
        case .soon: return tierSoon
        case .routine: return tierRoutine
        }
    }
    static let good = CellStyle(fontColor: Palette.goodInk, fill: Palette.goodFill)
    static let highlightRow = CellStyle(fill: Palette.followUpFill)
    static let newMarker = CellStyle(bold: true, fontColor: Palette.badInk, align: .center, verticalTop: true)
    static let top = CellStyle(verticalTop: true)
    static let topCentered = CellStyle(numberFormat: NumberFormat.integer, align: .center, verticalTop: true)
    static let topLink = CellStyle(underline: true, fontColor: 0x0563C1, verticalTop: true)
}

/// One cell of a row as the layout describes it; `nil` values become empty cells.
enum CellValue {
    case empty
    case text(String?, CellStyle? = nil)
    case number(Double?, CellStyle? = nil)
    case int(Int?, CellStyle? = nil)
    case date(Double?)  // Excel serial
    case link(url: String, text: String, style: CellStyle = .link)

    /// A figure whose number format shows a sign (pain change, slope) or that can be negative
    /// (a percentage change), stored rounded to the decimals shown: Excel picks a format's section
    /// by the stored value's sign, so −0.04 stored as it is would show as `-0.0` where every other
    /// output writes `0.0`. Percentages are given in % and stored as fractions.
    static func signed(_ value: Double?, _ kind: Figure) -> CellValue {
        let shown = value.map { Rounding.rounded($0, decimals: kind.decimals) }
        switch kind {
        case .painChange: return .number(shown, .painChange)
        case .slopePerWeek: return .number(shown, .slopePerWeek)
        case .percent: return .number(shown.map { $0 / 100 }, .percent)
        case .pain: return .number(shown, .pain)
        case .sessions: return .number(shown, .sessions)
        case .minutes: return .number(shown, .minutes)
        case .pValue: return .number(shown, CellStyle(numberFormat: Figure.pValue.excelFormat))
        }
    }

    static func yesNo(_ value: Bool?) -> CellValue {
        value.map { .text($0 ? "Yes" : "No", .centered) } ?? .empty
    }
}

extension Worksheet {
    /// Writes `cells` left to right from `firstCol`.
    func write(row: Int, _ cells: [CellValue], firstCol: Int = 0) throws {
        for (offset, cell) in cells.enumerated() {
            let col = firstCol + offset
            switch cell {
            case .empty: continue
            case let .text(text, style):
                if let text { try write(text, row: row, col: col, style: style) }
            case let .number(value, style):
                if let value { try write(number: value, row: row, col: col, style: style) }
            case let .int(value, style):
                if let value { try write(number: Double(value), row: row, col: col, style: style ?? .integer) }
            case let .date(serial):
                if let serial { try write(number: serial, row: row, col: col, style: .date) }
            case let .link(url, text, style):
                try writeLink(url, text: text, row: row, col: col, style: style)
            }
        }
    }

    /// Writes a header row in the header style; `tall` leaves room for two wrapped lines.
    func writeHeader(row: Int, _ titles: [String], firstCol: Int = 0, tall: Bool = false) throws {
        if tall { try setRow(row, height: 30) }
        for (offset, title) in titles.enumerated() {
            try write(title, row: row, col: firstCol + offset, style: .header)
        }
    }

    /// Writes `count` rows from `start` through `body(index, row)`. When they do not fit,
    /// the last row that fits becomes a visible note saying how many rows were left out.
    /// - Returns: the first row after what was written.
    /// - Throws: ``XLSXError`` when not even the note fits.
    func writeRows(from start: Int, count: Int, what: String, body: (Int, Int) throws -> Void) throws -> Int {
        let room = maxRows - start
        if count <= room {
            for i in 0..<count { try body(i, start + i) }
            return start + count
        }
        guard room >= 1 else {
            throw XLSXError(
                operation: "write \(what)", reason: "the worksheet is full; \(count) rows could not be written",
                sheet: name, path: path)
        }
        let shown = room - 1
        for i in 0..<shown { try body(i, start + i) }
        recordCut(what: what, total: count, shown: shown)
        let note = "⚠ \(grouped(count - shown)) more \(what) not shown: a worksheet holds at most "
            + "\(grouped(maxRows)) rows. The CSV export lists them all."
        try write(note, row: start + shown, col: 0, style: .warning)
        return start + room
    }
}

/// `1048576` → `1,048,576`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return value < 0 ? "-" + out : out
}

extension Worksheet {
    /// A section heading: `title` in the first cell and the section band across `width` columns.
    func writeSection(_ title: String, row: Int, width: Int) throws {
        try write(title, row: row, col: 0, style: .section)
        for col in 1..<max(1, width) { try writeBlank(row: row, col: col, style: .section) }
    }
}

extension Worksheet {
    /// A section of settings in force: the title, a Name/Value/Unit/Meaning header and one row each.
    /// - Returns: the first row after the table.
    func writeSettings(_ title: String, _ rows: [WorkbookText.ThresholdRow], row start: Int) throws -> Int {
        var row = start
        try writeSection(title, row: row, width: 4)
        row += 1
        try writeHeader(row: row, ["Name", "Value", "Unit", "Meaning"])
        row += 1
        for setting in rows {
            try write(row: row, [
                .text(setting.name), .number(setting.value, CellStyle(numberFormat: "General", align: .left)),
                .text(setting.unit.isEmpty ? nil : setting.unit), .text(setting.meaning),
            ])
            row += 1
        }
        return row
    }

    /// The rejected rows' section: a title with their count, a header and one row each (a note
    /// when there is none), with an autofilter.
    func writeRejectedRows(_ rejected: [RejectedRow], row start: Int) throws {
        var row = start
        try write("Rejected rows (\(grouped(rejected.count)))", row: row, col: 0, style: .section)
        row += 1
        try writeHeader(row: row, ["File", "Line", "Patient", "Column", "Value", "Reason"])
        let header = row
        row += 1
        guard !rejected.isEmpty else {
            try write("No row was rejected.", row: row, col: 0, style: .note)
            return
        }
        let end = try writeRows(from: row, count: rejected.count, what: "rejected rows") { index, r in
            let bad = rejected[index]
            try write(row: r, [
                .text(bad.file), .int(bad.line), .text(bad.patientID), .text(bad.column), .text(bad.value),
                .text(bad.reason),
            ])
        }
        try autofilter(firstRow: header, firstCol: 0, lastRow: max(header, end - 1), lastCol: 5)
    }
}

extension Worksheet {
    /// The Data quality sheet of a review or an audit: the row accounting in one sentence and
    /// `note`, every input file (role, format, dialect, SHA-256, bytes, counts, warnings, ignored
    /// columns) with an "All inputs" row that warns when the counts do not balance, then the
    /// rejected rows.
    func writeDataQuality(inputs: [InputSummary], totals t: RowCounts, rejected: [RejectedRow], note: String) throws {
        try setTabColor(Palette.tabInfo)
        let widths: [Double] = [40, 8, 8, 18, 20, 12, 10, 10, 10, 10, 40, 30]
        for (col, width) in widths.enumerated() { try setColumns(col, col, width: width) }
        try write("Data quality", row: 0, col: 0, style: .title)
        try write(
            "\(grouped(t.rowsRead)) rows read: \(grouped(t.rowsAccepted)) accepted, \(grouped(t.rowsRejected)) "
                + "rejected, \(grouped(t.rowsDuplicate)) duplicate. " + note,
            row: 1, col: 0, style: .subtitle)
        var row = 3
        try write("Input files", row: row, col: 0, style: .section)
        row += 1
        try writeHeader(row: row, ["File", "Role", "Format", "Dialect", "SHA-256", "Bytes", "Rows read",
                                   "Accepted", "Rejected", "Duplicate", "Warnings", "Ignored columns"],
                        tall: true)
        row += 1
        row = try writeRows(from: row, count: inputs.count, what: "input files") { index, r in
            let input = inputs[index]
            try write(row: r, [
                .text(input.path), .text(input.role.rawValue), .text(input.format.rawValue), .text(input.dialect),
                .text(input.sha256), .int(input.bytes, .thousands), .int(input.counts.rowsRead, .thousands),
                .int(input.counts.rowsAccepted, .thousands), .int(input.counts.rowsRejected, .thousands),
                .int(input.counts.rowsDuplicate, .thousands),
                .text(input.warnings.isEmpty ? nil : input.warnings.joined(separator: "\n"), .wrapped),
                .text(input.ignoredColumns.isEmpty ? nil : input.ignoredColumns.joined(separator: ", "), .wrapped),
            ])
        }
        guard row < maxRows - 3 else { return }
        try write(row: row, [
            .text("All inputs", .label), .empty, .empty, .empty, .empty, .empty,
            .int(t.rowsRead, .thousands), .int(t.rowsAccepted, .thousands), .int(t.rowsRejected, .thousands),
            .int(t.rowsDuplicate, .thousands),
            .text(t.isBalanced ? nil : "Counts do not balance: read ≠ accepted + rejected + duplicate.", .warning),
        ])
        row += 2
        try writeRejectedRows(rejected, row: row)
    }
}
