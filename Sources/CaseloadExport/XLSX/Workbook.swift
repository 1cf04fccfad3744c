import CXLSXWriter
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text stamped into the file's document properties (File ▸ Properties in Excel).
struct DocumentProperties: Sendable, Hashable {
    var title = ""
    var subject = ""
    var author = ""
    var keywords = ""
    var comments = ""
    /// Creation time in seconds since 1970-01-01 UTC; fixed so reruns give identical bytes.
    var createdEpochSeconds = 0
}

/// The look of a cell. Formats are created once per distinct style and cached by the workbook.
///
/// A style is a small handle: its attributes are interned once, process-wide, when it is made
/// (styles are `static let`s, made once), so writing a cell copies an integer and the workbook
/// finds the cell's format by index instead of hashing the attributes for every cell.
struct CellStyle: Hashable, Sendable {
    enum Align: Hashable, Sendable { case general, left, center, right }

    /// What a style looks like.
    struct Attributes: Hashable, Sendable {
        var bold = false
        var italic = false
        var underline = false
        var fontSize: Double?
        /// 0xRRGGBB.
        var fontColor: UInt32?
        /// Solid fill, 0xRRGGBB.
        var fill: UInt32?
        var numberFormat: String?
        var align: Align = .general
        var verticalTop = false
        var wrap = false
        /// Thin bottom border in this colour.
        var bottomBorder: UInt32?
    }

    /// The attributes' index in ``CellStyle/table``: equal attributes, equal index.
    let index: Int

    init(
        bold: Bool = false, italic: Bool = false, underline: Bool = false, fontSize: Double? = nil,
        fontColor: UInt32? = nil, fill: UInt32? = nil, numberFormat: String? = nil, align: Align = .general,
        verticalTop: Bool = false, wrap: Bool = false, bottomBorder: UInt32? = nil
    ) {
        index = CellStyle.table.intern(
            Attributes(
                bold: bold, italic: italic, underline: underline, fontSize: fontSize, fontColor: fontColor,
                fill: fill, numberFormat: numberFormat, align: align, verticalTop: verticalTop, wrap: wrap,
                bottomBorder: bottomBorder))
    }

    /// The style's attributes.
    var attributes: Attributes { CellStyle.table[index] }

    static let plain = CellStyle()

    /// Every distinct style made so far, process-wide.
    static let table = StyleTable()

    /// Interned ``Attributes``, safe to use from any thread.
    final class StyleTable: @unchecked Sendable {
        private var all: [Attributes] = []
        private var indices: [Attributes: Int] = [:]
        private let lock = NSLock()

        func intern(_ attributes: Attributes) -> Int {
            lock.lock()
            defer { lock.unlock() }
            if let index = indices[attributes] { return index }
            all.append(attributes)
            indices[attributes] = all.count - 1
            return all.count - 1
        }

        subscript(index: Int) -> Attributes {
            lock.lock()
            defer { lock.unlock() }
            return all[index]
        }
    }
}

/// A cell rectangle on a named sheet, 0-based and inclusive.
struct SheetRange: Hashable, Sendable {
    var sheet: String
    var firstRow: Int
    var firstCol: Int
    var lastRow: Int
    var lastCol: Int
}

/// A C copy of `text` for a struct field the library reads later; the caller frees it.
/// - Throws: ``XLSXError`` when `strdup` cannot allocate the copy.
private func cString(_ text: String, operation: String, path: String) throws -> UnsafeMutablePointer<CChar> {
    guard let copy = strdup(text) else {
        throw XLSXError(operation: operation, reason: "could not allocate a copy of a string", path: path)
    }
    return copy
}

/// The library's workbook and everything allocated from it, shared by the ``Workbook`` and
/// every handle made from it.
///
/// libxlsxwriter frees a workbook's sheets, formats, charts and series together with the
/// workbook (`workbook_close`, `lxw_workbook_free`). So each ``Worksheet`` and ``Chart`` holds
/// this owner strongly and reaches its C pointer only through a check that the workbook is still
/// open: a handle used after ``Workbook/close()`` or ``Workbook/discard()`` throws an
/// ``XLSXError`` instead of touching freed memory. The owner refers to no handle, so there is no
/// reference cycle; it goes with the workbook and the last handle, and frees the library's
/// workbook then if nobody closed or discarded it.
final class WorkbookOwner {
    /// The file written on ``close()``.
    let path: String
    /// Rows a worksheet may hold.
    let maxRows: Int
    /// The library's workbook, `nil` once closed or discarded. Read before every cell write, so
    /// exclusivity is not checked at run time: it is only written by ``close()`` and ``discard()``,
    /// never while another access is under way (the owner is not shared between threads).
    @exclusivity(unchecked) private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var tmpdirCString: UnsafeMutablePointer<CChar>?
    /// Formats made so far, by ``CellStyle/index`` (nil: not made yet in this workbook).
    /// Emptied on close, so a freed format can never be handed out.
    @exclusivity(unchecked) private var formats: [UnsafeMutablePointer<lxw_format>?] = []
    /// The sheets whose rows did not all fit, in the order they were cut.
    var cuts: [SheetCut] = []

    /// Takes ownership of a workbook from `workbook_new_opt` and of the `strdup`ed temporary folder.
    fileprivate init(
        handle: UnsafeMutablePointer<lxw_workbook>, tmpdirCString: UnsafeMutablePointer<CChar>?, path: String,
        maxRows: Int
    ) {
        self.handle = handle
        self.tmpdirCString = tmpdirCString
        self.path = path
        self.maxRows = maxRows
    }

    deinit {
        // Only reached with the workbook open when neither close() nor discard() ran; no handle is
        // left (each holds this owner), so freeing here cannot leave one dangling.
        if let handle { lxw_workbook_free(handle) }
        free(tmpdirCString)
    }

    /// False once the workbook was closed or discarded.
    @inline(__always) var isOpen: Bool { handle != nil }

    /// The error for a handle used after its workbook was closed or discarded.
    func closedError(_ operation: String, sheet: String? = nil) -> XLSXError {
        XLSXError(
            operation: operation, reason: "the workbook was already closed or discarded", sheet: sheet, path: path)
    }

    /// The library's workbook, or an error when it was already closed or discarded.
    func live(_ operation: String) throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else { throw closedError(operation) }
        return handle
    }

    /// Turns a libxlsxwriter status into a Swift error naming the operation, sheet and cell and
    /// keeping the library's code.
    func check(_ error: lxw_error, operation: String, sheet: String? = nil, cell: (row: Int, col: Int)? = nil) throws {
        guard error != LXW_NO_ERROR else { return }
        let reason = lxw_strerror(error).map { String(cString: $0) } ?? "error \(error.rawValue)"
        throw XLSXError(
            operation: operation, reason: reason, sheet: sheet,
            cell: cell.map { CellName.cell(row: $0.row, col: $0.col) }, path: path,
            libraryCode: XLSXError.LibraryCode(error))
    }

    /// The cached format for a style (created on first use); `nil` for no style.
    /// - Throws: ``XLSXError`` when the workbook is closed or the library cannot allocate the format.
    @inline(__always)
    func format(_ style: CellStyle?, sheet: String? = nil) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let style else { return nil }
        if style.index < formats.count, let existing = formats[style.index] { return existing }
        return try makeFormat(style, sheet: sheet)
    }

    /// Creates the format of a style not used in this workbook yet (formats are numbered in
    /// order of first use, so the same cells give the same styles part).
    private func makeFormat(_ cellStyle: CellStyle, sheet: String?) throws -> UnsafeMutablePointer<lxw_format> {
        guard let format = workbook_add_format(try live("add format")) else {
            throw XLSXError(
                operation: "add format", reason: "libxlsxwriter could not allocate the format", sheet: sheet,
                path: path)
        }
        let style = cellStyle.attributes
        if style.bold { format_set_bold(format) }
        if style.italic { format_set_italic(format) }
        if style.underline { format_set_underline(format, UInt8(LXW_UNDERLINE_SINGLE.rawValue)) }
        if let size = style.fontSize { format_set_font_size(format, size) }
        if let color = style.fontColor { format_set_font_color(format, lxw_color_t(color)) }
        if let fill = style.fill {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, lxw_color_t(fill))
        }
        if let numberFormat = style.numberFormat { format_set_num_format(format, numberFormat) }
        switch style.align {
        case .general: break
        case .left: format_set_align(format, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        if style.verticalTop { format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue)) }
        if style.wrap { format_set_text_wrap(format) }
        if let border = style.bottomBorder {
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bottom_color(format, lxw_color_t(border))
        }
        if formats.count <= cellStyle.index { formats += Array(repeating: nil, count: cellStyle.index + 1 - formats.count) }
        formats[cellStyle.index] = format
        return format
    }

    /// Writes the file and frees the library's workbook, whatever the outcome.
    /// - Throws: ``XLSXError`` when already closed or discarded, or when the file cannot be written.
    fileprivate func close() throws {
        let handle = try live("close workbook")
        self.handle = nil
        formats.removeAll()
        let status = workbook_close(handle)  // frees everything, even on failure
        free(tmpdirCString)
        tmpdirCString = nil
        try check(status, operation: "close workbook")
    }

    /// Frees the library's workbook without writing it; nothing happens when already closed.
    fileprivate func discard() {
        guard let handle else { return }
        self.handle = nil
        formats.removeAll()
        lxw_workbook_free(handle)
        free(tmpdirCString)
        tmpdirCString = nil
    }
}

/// One workbook being written: sheets, formats and charts are made from it, and it is written
/// by ``close()`` or dropped by ``discard()``.
///
/// Nothing reaches the disk until ``close()``, which is the only place the write error is
/// reported. The C state lives in a ``WorkbookOwner`` that every handle shares, so a sheet or
/// chart used after the workbook is closed throws instead of reaching freed memory. Every C
/// status goes through ``WorkbookOwner/check(_:operation:sheet:cell:)``.
final class Workbook {
    /// Rows in an Excel worksheet.
    static let excelMaxRows = 1_048_576
    /// Columns in an Excel worksheet.
    static let excelMaxColumns = 16_384
    /// Characters in an Excel cell.
    static let excelMaxCellCharacters = 32_767

    /// The file written on ``close()``.
    let path: String
    /// Whether rows are flushed as the next begins (then written in ascending order per sheet).
    let constantMemory: Bool
    /// Rows a worksheet may hold; lowered only by tests to exercise the overflow path.
    let maxRows: Int
    /// The C state shared with the handles.
    private let owner: WorkbookOwner
    private var names = SheetNamer()
    /// The sheets added so far, in workbook order.
    private(set) var worksheets: [Worksheet] = []
    /// The sheets whose rows did not all fit (each ends in a visible note), in the order they were cut.
    var cuts: [SheetCut] { owner.cuts }

    /// Starts a workbook that will be written to `path` when closed.
    /// - Parameters:
    ///   - constantMemory: flush each row as the next begins (rows must then be written in ascending order per sheet).
    ///   - temporaryDirectory: where libxlsxwriter keeps its temporary files (`nil`: the system default).
    ///   - maxRows: rows per sheet; the Excel limit unless a test lowers it.
    /// - Throws: ``XLSXError`` when the temporary folder is unusable or the library cannot allocate the workbook.
    init(
        path: String, constantMemory: Bool = true, temporaryDirectory: String? = nil,
        properties: DocumentProperties? = nil, maxRows: Int = Workbook.excelMaxRows
    ) throws {
        precondition(maxRows >= 2 && maxRows <= Workbook.excelMaxRows, "maxRows out of range")
        self.path = path
        self.constantMemory = constantMemory
        self.maxRows = maxRows
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        var tmpdirCString: UnsafeMutablePointer<CChar>?
        if let temporaryDirectory {
            // libxlsxwriter quietly falls back when the folder is unusable; say so instead.
            var info = stat()
            guard stat(temporaryDirectory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                  access(temporaryDirectory, W_OK) == 0
            else {
                throw XLSXError(
                    operation: "create workbook",
                    reason: "temporary folder \(temporaryDirectory) does not exist or is not writable", path: path)
            }
            tmpdirCString = try cString(temporaryDirectory, operation: "create workbook", path: path)
            options.tmpdir = tmpdirCString
        }
        guard let handle = workbook_new_opt(path, &options) else {
            free(tmpdirCString)
            throw XLSXError(operation: "create workbook", reason: "libxlsxwriter could not allocate it", path: path)
        }
        owner = WorkbookOwner(handle: handle, tmpdirCString: tmpdirCString, path: path, maxRows: maxRows)
        if let properties {
            do {
                try setProperties(properties)
            } catch {
                owner.discard()  // a thrown init still runs deinit, which expects a closed workbook
                throw error
            }
        }
    }

    deinit {
        // The owner frees the library's workbook once the last handle goes; an open workbook here
        // is still a bug of the caller (its file was never written).
        assert(!owner.isOpen, "Workbook for \(path) was never closed")
    }

    /// True once ``close()`` or ``discard()`` ran.
    var isClosed: Bool { !owner.isOpen }

    private func setProperties(_ properties: DocumentProperties) throws {
        var props = lxw_doc_properties()
        let operation = "set document properties"
        var texts: [UnsafeMutablePointer<CChar>?] = []
        defer { texts.forEach { free($0) } }
        for text in [properties.title, properties.subject, properties.author, properties.keywords, properties.comments] {
            texts.append(try cString(text, operation: operation, path: path))
        }
        props.title = texts[0]
        props.subject = texts[1]
        props.author = texts[2]
        props.keywords = texts[3]
        props.comments = texts[4]
        props.created = time_t(properties.createdEpochSeconds)
        try owner.check(workbook_set_properties(try owner.live(operation), &props), operation: operation)
    }

    /// Adds a worksheet under a valid, unique version of `name` (see ``SheetName``).
    func addWorksheet(_ name: String) throws -> Worksheet {
        let unique = names.unique(name)
        return try addWorksheet(exactName: unique)
    }

    /// Adds a worksheet under exactly `name`, failing when Excel would not accept it.
    /// - Throws: ``XLSXError`` with the library's sheet-name code when the name is refused, or
    ///   without a code when the library could not make the sheet.
    func addWorksheet(exactName name: String) throws -> Worksheet {
        let operation = "add worksheet"
        let workbook = try owner.live(operation)
        try owner.check(workbook_validate_sheet_name(workbook, name), operation: operation, sheet: name)
        guard let sheet = workbook_add_worksheet(workbook, name) else {
            throw XLSXError(
                operation: operation, reason: "libxlsxwriter refused the sheet (temporary file or memory)",
                sheet: name, path: path)
        }
        names.reserve(name)
        let handle = Worksheet(handle: sheet, name: name, owner: owner)
        worksheets.append(handle)
        return handle
    }

    /// A chart to be inserted into a worksheet of this workbook.
    /// - Throws: ``XLSXError`` when the workbook is closed or the library cannot allocate the chart.
    func addChart(_ kind: Chart.Kind) throws -> Chart {
        let type: lxw_chart_type
        switch kind {
        case .line: type = LXW_CHART_LINE
        case .bar: type = LXW_CHART_BAR
        case .column: type = LXW_CHART_COLUMN
        case .scatter: type = LXW_CHART_SCATTER_STRAIGHT
        }
        let operation = "add chart"
        guard let chart = workbook_add_chart(try owner.live(operation), UInt8(type.rawValue)) else {
            throw XLSXError(operation: operation, reason: "libxlsxwriter could not allocate it", path: path)
        }
        return Chart(handle: chart, kind: kind, owner: owner)
    }

    /// Writes the file and frees the workbook. Call exactly once; sheets and charts of the
    /// workbook throw when used afterwards.
    /// - Throws: ``XLSXError`` when the file cannot be written (e.g. the folder does not exist,
    ///   ``XLSXError/LibraryCode/creatingXLSXFile``) or the workbook was already closed.
    func close() throws {
        try owner.close()
    }

    /// Frees the workbook without writing it (after a failed write); does nothing when already
    /// closed. Sheets and charts of the workbook throw when used afterwards.
    ///
    /// `workbook_close` must not be called once a sheet could not be added: libxlsxwriter 1.1.4
    /// then crashes while packaging (seen when its temporary files hit the open-file limit).
    func discard() {
        owner.discard()
    }

    /// The libxlsxwriter version of the header this module was compiled against, and of the
    /// library loaded at run time. ``Chart`` reads two members of `lxw_chart` at the header's
    /// offsets, so the two must agree.
    static var libraryVersions: (header: String, runtime: String) {
        (LXW_VERSION, lxw_version().map { String(cString: $0) } ?? "")
    }
}

/// A handle on one worksheet of a ``Workbook``.
///
/// It keeps the workbook's C state alive and reaches the sheet's pointer only through
/// ``live(_:)``, which throws once the workbook is closed or discarded: one check per call.
struct Worksheet {
    /// The sheet's pointer; read it only through ``live(_:)`` or ``target(_:_:_:)``.
    private let unsafeHandle: UnsafeMutablePointer<lxw_worksheet>
    /// The sheet's name as written into the workbook.
    let name: String
    /// The workbook's C state, kept alive by this handle.
    fileprivate let owner: WorkbookOwner

    fileprivate init(handle: UnsafeMutablePointer<lxw_worksheet>, name: String, owner: WorkbookOwner) {
        unsafeHandle = handle
        self.name = name
        self.owner = owner
    }

    /// Rows this sheet may hold.
    var maxRows: Int { owner.maxRows }

    /// Records that only `shown` of `total` rows of `what` fit in this sheet (the workbook's
    /// ``Workbook/cuts``; the report's summary says so).
    func recordCut(what: String, total: Int, shown: Int) {
        owner.cuts.append(SheetCut(workbook: owner.path, sheet: name, what: what, rows: total, shown: shown, limit: maxRows))
    }

    /// The workbook's output path.
    var path: String { owner.path }

    /// The sheet's pointer, or an error naming `operation` once the workbook is closed or discarded.
    @inline(__always)
    private func live(_ operation: String) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard owner.isOpen else { throw owner.closedError(operation, sheet: name) }
        return unsafeHandle
    }

    private func check(_ error: lxw_error, _ operation: String, _ row: Int, _ col: Int) throws {
        try owner.check(error, operation: operation, sheet: name, cell: (row, col))
    }

    /// The sheet's pointer and a cell's indices, after checking that the workbook is open and the
    /// cell inside the sheet: the one check a cell write pays.
    @inline(__always)
    private func target(_ row: Int, _ col: Int, _ operation: String) throws
        -> (UnsafeMutablePointer<lxw_worksheet>, lxw_row_t, lxw_col_t)
    {
        let sheet = try live(operation)
        let (r, c) = try index(row, col, operation)
        return (sheet, r, c)
    }

    private func index(_ row: Int, _ col: Int, _ operation: String) throws -> (lxw_row_t, lxw_col_t) {
        guard row >= 0, row < maxRows, col >= 0, col < Workbook.excelMaxColumns else {
            throw XLSXError(
                operation: operation, reason: "row or column outside the worksheet", sheet: name,
                cell: row >= 0 && col >= 0 ? CellName.cell(row: row, col: col) : "R\(row)C\(col)", path: path)
        }
        return (lxw_row_t(row), lxw_col_t(col))
    }

    /// The cached format for a style in this sheet's workbook.
    @inline(__always)
    private func format(_ style: CellStyle?) throws -> UnsafeMutablePointer<lxw_format>? {
        try owner.format(style, sheet: name)
    }

    /// `text` cut so Excel accepts it: at most 32,767 UTF-16 units, ending in a visible marker when cut.
    static func fitted(_ text: String) -> String {
        let limit = Workbook.excelMaxCellCharacters
        guard text.utf16.count > limit else { return text }
        let marker = "… [truncated]"
        let budget = limit - marker.utf16.count
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text.index(after: index)
            let width = text[index..<next].utf16.count
            if used + width > budget { break }
            used += width
            end = next
        }
        return String(text[..<end]) + marker
    }

    /// Writes `text` as a string cell: never as a formula, whatever it starts with.
    func write(_ text: String, row: Int, col: Int, style: CellStyle? = nil) throws {
        let (sheet, r, c) = try target(row, col, "write string")
        let format = try format(style)
        // `withCString` hands a short string over from the stack; passing the String itself as the
        // `const char *` copied every short string to the heap first.
        let status = Worksheet.fitted(text).withCString { worksheet_write_string(sheet, r, c, $0, format) }
        try check(status, "write string", row, col)
    }

    /// Writes a number; NaN and infinities are written as empty cells (Excel has no such values).
    func write(number: Double, row: Int, col: Int, style: CellStyle? = nil) throws {
        guard number.isFinite else {
            try writeBlank(row: row, col: col, style: style)
            return
        }
        let (sheet, r, c) = try target(row, col, "write number")
        try check(worksheet_write_number(sheet, r, c, number, try format(style)), "write number", row, col)
    }

    /// Writes an empty cell carrying a style; without a style nothing is written at all.
    func writeBlank(row: Int, col: Int, style: CellStyle?) throws {
        guard style != nil else { return }
        let (sheet, r, c) = try target(row, col, "write blank")
        try check(worksheet_write_blank(sheet, r, c, try format(style)), "write blank", row, col)
    }

    /// Writes a hyperlink (`internal:'Sheet'!A1`, `https://…`) showing `text`.
    func writeLink(_ url: String, text: String, row: Int, col: Int, style: CellStyle? = nil, tooltip: String? = nil)
        throws
    {
        let (sheet, r, c) = try target(row, col, "write link")
        try check(
            worksheet_write_url_opt(sheet, r, c, url, try format(style), Worksheet.fitted(text), tooltip),
            "write link", row, col)
    }

    /// Sets the width (in characters) and default style of columns `first...last`.
    func setColumns(_ first: Int, _ last: Int, width: Double, style: CellStyle? = nil) throws {
        let (sheet, _, c1) = try target(0, first, "set column width")
        let (_, c2) = try index(0, last, "set column width")
        try check(worksheet_set_column(sheet, c1, c2, width, try format(style)), "set column width", 0, first)
    }

    /// Sets a row's height in points (rows must still be in order in constant-memory mode).
    func setRow(_ row: Int, height: Double) throws {
        let (sheet, r, _) = try target(row, 0, "set row height")
        try check(worksheet_set_row(sheet, r, height, nil), "set row height", row, 0)
    }

    /// Keeps rows above `row` and columns left of `col` in view.
    func freezePanes(row: Int, col: Int) throws {
        let (sheet, r, c) = try target(row, col, "freeze panes")
        worksheet_freeze_panes(sheet, r, c)
    }

    /// Adds filter buttons to a header row over the given range.
    func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        let (sheet, r1, c1) = try target(firstRow, firstCol, "autofilter")
        let (r2, c2) = try index(lastRow, lastCol, "autofilter")
        try check(worksheet_autofilter(sheet, r1, c1, r2, c2), "autofilter", firstRow, firstCol)
    }

    /// Hides the screen and print gridlines.
    /// - Throws: ``XLSXError`` once the workbook is closed, like every use of the sheet.
    func hideGridlines() throws {
        worksheet_gridlines(try live("hide gridlines"), UInt8(LXW_HIDE_ALL_GRIDLINES.rawValue))
    }

    /// Colours the sheet's tab (0xRRGGBB).
    /// - Throws: ``XLSXError`` once the workbook is closed, like every use of the sheet.
    func setTabColor(_ color: UInt32) throws {
        worksheet_set_tab_color(try live("set tab colour"), lxw_color_t(color))
    }

    /// Prints in landscape, scaled to one page wide (as many pages tall as needed).
    /// - Throws: ``XLSXError`` once the workbook is closed, like every use of the sheet.
    func printLandscapeFitToWidth() throws {
        let sheet = try live("set print layout")
        worksheet_set_landscape(sheet)
        worksheet_fit_to_pages(sheet, 1, 0)
        worksheet_set_paper(sheet, 9)  // A4
    }

    /// Makes this the sheet shown when the file opens.
    /// - Throws: ``XLSXError`` once the workbook is closed, like every use of the sheet.
    func activate() throws {
        worksheet_activate(try live("activate sheet"))
    }

    /// Applies a conditional format to a range.
    func conditionalFormat(_ rule: ConditionalRule, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        let (sheet, r1, c1) = try target(firstRow, firstCol, "conditional format")
        let (r2, c2) = try index(lastRow, lastCol, "conditional format")
        var cf = lxw_conditional_format()
        var owned: [UnsafeMutablePointer<CChar>?] = []
        defer { owned.forEach { free($0) } }
        switch rule {
        case let .colorScale(minValue, minColor, midValue, midColor, maxValue, maxColor):
            cf.type = UInt8(LXW_CONDITIONAL_3_COLOR_SCALE.rawValue)
            cf.min_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
            cf.min_value = minValue
            cf.min_color = lxw_color_t(minColor)
            cf.mid_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
            cf.mid_value = midValue
            cf.mid_color = lxw_color_t(midColor)
            cf.max_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
            cf.max_value = maxValue
            cf.max_color = lxw_color_t(maxColor)
        case let .formula(formula, style):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_FORMULA.rawValue)
            let text = try cString(formula, operation: "conditional format", path: path)
            owned.append(text)
            cf.value_string = text
            cf.format = try format(style)
        case let .textContains(needle, style):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_TEXT.rawValue)
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_TEXT_CONTAINING.rawValue)
            let text = try cString(needle, operation: "conditional format", path: path)
            owned.append(text)
            cf.value_string = text
            cf.format = try format(style)
        case let .greaterThan(value, style):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_GREATER_THAN.rawValue)
            cf.value = value
            cf.format = try format(style)
        case let .lessThan(value, style):
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
            cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_LESS_THAN.rawValue)
            cf.value = value
            cf.format = try format(style)
        }
        try check(worksheet_conditional_format_range(sheet, r1, c1, r2, c2, &cf), "conditional format", firstRow, firstCol)
    }

    /// Places a chart with its top-left corner at a cell, scaled from the default 480×288 pixels.
    /// - Throws: ``XLSXError`` when the workbook is closed, the chart belongs to another
    ///   workbook, or the library refuses it (e.g. a chart inserted twice).
    func insertChart(_ chart: Chart, row: Int, col: Int, xScale: Double = 1, yScale: Double = 1) throws {
        let operation = "insert chart"
        let (sheet, r, c) = try target(row, col, operation)
        guard chart.owner === owner else {
            throw XLSXError(
                operation: operation, reason: "the chart belongs to another workbook", sheet: name,
                cell: CellName.cell(row: row, col: col), path: path)
        }
        var options = lxw_chart_options()
        options.x_scale = xScale
        options.y_scale = yScale
        try check(worksheet_insert_chart_opt(sheet, r, c, try chart.live(operation), &options), operation, row, col)
    }
}

/// A rule for ``Worksheet/conditionalFormat(_:firstRow:firstCol:lastRow:lastCol:)``.
enum ConditionalRule {
    /// Three-colour scale anchored at fixed numbers (0xRRGGBB colours).
    case colorScale(minValue: Double, minColor: UInt32, midValue: Double, midColor: UInt32, maxValue: Double, maxColor: UInt32)
    /// Style a cell when an Excel formula (relative to the range's top-left cell) is true.
    case formula(String, CellStyle)
    /// Style a cell whose text contains a string.
    case textContains(String, CellStyle)
    case greaterThan(Double, CellStyle)
    case lessThan(Double, CellStyle)
}

/// A handle on one chart of a ``Workbook``.
///
/// Like ``Worksheet`` it keeps the workbook's C state alive and throws once the workbook is
/// closed or discarded. Its kind is kept here rather than read back from the library's struct.
struct Chart {
    /// The chart types the workbooks draw. `scatter` plots numeric x against y (the audit's funnel
    /// plot): straight lines between points unless a series is markers only.
    enum Kind { case line, bar, column, scatter }

    /// How a series is drawn.
    struct SeriesStyle {
        var color: UInt32
        var width: Double = 2.25
        var dashed = false
        var markers = false
        /// Draw only the markers, no line between them.
        var markersOnly = false
        var markerSize = 5
    }

    /// The chart's pointer; read it only through ``live(_:)``.
    private let unsafeHandle: UnsafeMutablePointer<lxw_chart>
    /// The chart type it was made with.
    let kind: Kind
    /// The workbook's C state, kept alive by this handle.
    fileprivate let owner: WorkbookOwner

    fileprivate init(handle: UnsafeMutablePointer<lxw_chart>, kind: Kind, owner: WorkbookOwner) {
        unsafeHandle = handle
        self.kind = kind
        self.owner = owner
    }

    /// The chart's pointer, or an error naming `operation` once the workbook is closed or discarded.
    fileprivate func live(_ operation: String) throws -> UnsafeMutablePointer<lxw_chart> {
        guard owner.isOpen else { throw owner.closedError(operation) }
        return unsafeHandle
    }

    /// Adds a series reading its categories and values from ranges of the workbook.
    /// - Throws: ``XLSXError`` when the workbook is closed or the library cannot add the series
    ///   (it returns `NULL` when out of memory), rather than leaving the chart without it.
    func addSeries(name: String, categories: SheetRange, values: SheetRange, style: SeriesStyle) throws {
        let operation = "add chart series"
        guard let series = chart_add_series(try live(operation), nil, nil) else {
            throw XLSXError(
                operation: operation, reason: "libxlsxwriter could not add the series '\(name)'",
                sheet: values.sheet, path: owner.path)
        }
        chart_series_set_categories(
            series, categories.sheet, lxw_row_t(categories.firstRow), lxw_col_t(categories.firstCol),
            lxw_row_t(categories.lastRow), lxw_col_t(categories.lastCol))
        chart_series_set_values(
            series, values.sheet, lxw_row_t(values.firstRow), lxw_col_t(values.firstCol),
            lxw_row_t(values.lastRow), lxw_col_t(values.lastCol))
        chart_series_set_name(series, name)
        var line = lxw_chart_line()
        line.color = lxw_color_t(style.color)
        line.width = Float(style.width)
        if style.dashed { line.dash_type = UInt8(LXW_CHART_LINE_DASH_DASH.rawValue) }
        if style.markersOnly { line.none = 1 }
        chart_series_set_line(series, &line)
        if style.markers || style.markersOnly {
            chart_series_set_marker_type(series, UInt8(LXW_CHART_MARKER_CIRCLE.rawValue))
            chart_series_set_marker_size(series, UInt8(clamping: style.markerSize))
            var fill = lxw_chart_fill()
            fill.color = lxw_color_t(style.color)
            chart_series_set_marker_fill(series, &fill)
            var border = lxw_chart_line()
            border.color = lxw_color_t(style.color)
            chart_series_set_marker_line(series, &border)
        } else if kind == .line || kind == .scatter {
            chart_series_set_marker_type(series, UInt8(LXW_CHART_MARKER_NONE.rawValue))
        }
        if kind == .bar || kind == .column {
            var fill = lxw_chart_fill()
            fill.color = lxw_color_t(style.color)
            chart_series_set_fill(series, &fill)
        }
    }

    /// Sets the chart's title.
    func setTitle(_ title: String) throws { chart_title_set_name(try live("set chart title"), title) }
    /// Draws no title.
    func hideTitle() throws { chart_title_off(try live("hide chart title")) }
    /// Puts the legend under the plot.
    func legendAtBottom() throws {
        chart_legend_set_position(try live("place chart legend"), UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
    }
    /// Draws no legend.
    func hideLegend() throws {
        chart_legend_set_position(try live("hide chart legend"), UInt8(LXW_CHART_LEGEND_NONE.rawValue))
    }
    /// Joins the points either side of a missing value (never drawn as zero).
    func connectAcrossBlanks() throws {
        chart_show_blanks_as(try live("show blanks as connected"), UInt8(LXW_CHART_BLANKS_AS_CONNECTED.rawValue))
    }

    /// One of the chart's two axes: the horizontal (`x_axis`) or the vertical (`y_axis`).
    ///
    /// These are the only members of `lxw_chart` read here. libxlsxwriter 1.1.4's `chart.h`
    /// documents both for use ("A pointer to the chart x_axis object which can be used in
    /// functions that configures the X axis"; its examples call `chart_axis_set_name(chart->x_axis, …)`),
    /// while the struct's other members, the chart type among them, are private. The offsets are
    /// the compiled header's, so the test suite checks the loaded library is the header's version
    /// (``Workbook/libraryVersions``) and that axis settings land on the right axis of each kind.
    private func axis(horizontal: Bool, _ operation: String) throws -> UnsafeMutablePointer<lxw_chart_axis> {
        let chart = try live(operation)
        guard let axis = horizontal ? chart.pointee.x_axis : chart.pointee.y_axis else {
            throw XLSXError(operation: operation, reason: "the chart has no such axis", path: owner.path)
        }
        return axis
    }

    /// Configures the category axis: horizontal except in bar charts, where it is vertical.
    /// - Parameters:
    ///   - reversed: list categories from the far end (in a bar chart: first row on top).
    func categoryAxis(name: String? = nil, numberFormat: String? = nil, labelInterval: Int? = nil, reversed: Bool = false)
        throws
    {
        let axis = try axis(horizontal: kind != .bar, "set category axis")
        if let name { chart_axis_set_name(axis, name) }
        if let numberFormat { chart_axis_set_num_format(axis, numberFormat) }
        if let labelInterval, labelInterval > 1 {
            chart_axis_set_interval_unit(axis, UInt16(clamping: labelInterval))
            chart_axis_set_interval_tick(axis, UInt16(clamping: labelInterval))
        }
        if reversed { chart_axis_set_reverse(axis) }
    }

    /// Configures the value axis: vertical except in bar charts, where it is horizontal.
    func valueAxis(name: String? = nil, min: Double? = nil, max: Double? = nil, majorUnit: Double? = nil,
                   numberFormat: String? = nil) throws {
        let axis = try axis(horizontal: kind == .bar, "set value axis")
        if let name { chart_axis_set_name(axis, name) }
        if let min { chart_axis_set_min(axis, min) }
        if let max { chart_axis_set_max(axis, max) }
        if let majorUnit { chart_axis_set_major_unit(axis, majorUnit) }
        if let numberFormat { chart_axis_set_num_format(axis, numberFormat) }
    }
}

extension Workbook {
    /// Keeps a name for a sheet added later with ``addWorksheet(exactName:)``, so data-named sheets avoid it.
    func reserveSheetName(_ name: String) {
        names.reserve(name)
    }
}
