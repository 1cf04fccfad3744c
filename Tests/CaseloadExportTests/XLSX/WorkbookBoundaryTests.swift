import Foundation
import Testing
@testable import CaseloadExport

/// The C boundary: library failures keep libxlsxwriter's code, sheets and charts cannot reach
/// the library once their workbook is closed, and charts read only the documented members.
@Suite struct WorkbookBoundaryTests {
    private func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    // MARK: - Library codes

    @Test func aNameAlreadyUsedCarriesTheLibrarysCode() throws {
        try withFolder { folder in
            let workbook = try Workbook(path: folder.appendingPathComponent("twice.xlsx").path)
            _ = try workbook.addWorksheet(exactName: "Data")
            // Excel compares sheet names case-insensitively.
            let error = #expect(throws: XLSXError.self) { _ = try workbook.addWorksheet(exactName: "DATA") }
            #expect(error?.libraryCode == .sheetNameAlreadyUsed)
            #expect(error?.sheet == "DATA")
            try workbook.close()
        }
    }

    @Test func ourOwnChecksCarryNoLibraryCode() throws {
        try withFolder { folder in
            let workbook = try Workbook(path: folder.appendingPathComponent("ours.xlsx").path, maxRows: 10)
            let sheet = try workbook.addWorksheet("S")
            let error = #expect(throws: XLSXError.self) { try sheet.write("x", row: 10, col: 0) }
            #expect(error?.reason == "row or column outside the worksheet")
            #expect(error?.libraryCode == nil)
            try workbook.close()
        }
    }

    @Test func namedLibraryCodesAreDistinctErrors() {
        let codes: [XLSXError.LibraryCode] = [
            .memoryMallocFailed, .creatingXLSXFile, .creatingTmpfile, .readingTmpfile, .zipFileOperation,
            .zipParameterError, .zipBadZipFile, .zipInternalError, .zipFileAdd, .zipClose, .parameterValidation,
            .sheetNameLengthExceeded, .invalidSheetNameCharacter, .sheetNameStartEndApostrophe,
            .sheetNameAlreadyUsed, .maxStringLengthExceeded, .worksheetIndexOutOfRange, .maxURLLengthExceeded,
            .maxNumberOfURLsExceeded,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.rawValue > 0 })  // 0 is LXW_NO_ERROR
        #expect(XLSXError.LibraryCode(rawValue: 2) == .creatingXLSXFile)
    }

    // MARK: - Use after close

    /// How a test ends a workbook before using its handles.
    enum End: String, CaseIterable, CustomTestStringConvertible {
        case close, discard
        var testDescription: String { rawValue }

        func apply(to workbook: Workbook) throws {
            switch self {
            case .close: try workbook.close()
            case .discard: workbook.discard()
            }
        }
    }

    /// Every way the layout uses a worksheet (a chart of the same workbook at hand).
    enum SheetUse: String, CaseIterable, CustomTestStringConvertible {
        case writeString, writeNumber, writeBlank, writeLink, setColumns, setRow, freezePanes, autofilter
        case hideGridlines, setTabColor, printLayout, activate, conditionalFormat, insertChart
        var testDescription: String { rawValue }

        func apply(to sheet: Worksheet, chart: Chart) throws {
            switch self {
            case .writeString: try sheet.write("late", row: 5, col: 0, style: .header)
            case .writeNumber: try sheet.write(number: 1, row: 5, col: 0)
            case .writeBlank: try sheet.writeBlank(row: 5, col: 0, style: .section)
            case .writeLink: try sheet.writeLink("https://example.org", text: "x", row: 5, col: 0)
            case .setColumns: try sheet.setColumns(0, 2, width: 10)
            case .setRow: try sheet.setRow(5, height: 20)
            case .freezePanes: try sheet.freezePanes(row: 1, col: 0)
            case .autofilter: try sheet.autofilter(firstRow: 0, firstCol: 0, lastRow: 5, lastCol: 2)
            case .hideGridlines: try sheet.hideGridlines()
            case .setTabColor: try sheet.setTabColor(Palette.tabInfo)
            case .printLayout: try sheet.printLandscapeFitToWidth()
            case .activate: try sheet.activate()
            case .conditionalFormat:
                try sheet.conditionalFormat(.greaterThan(0, .bad), firstRow: 0, firstCol: 0, lastRow: 5, lastCol: 0)
            case .insertChart: try sheet.insertChart(chart, row: 0, col: 3)
            }
        }
    }

    /// Every way the layout uses a chart.
    enum ChartUse: String, CaseIterable, CustomTestStringConvertible {
        case addSeries, setTitle, hideTitle, legendAtBottom, hideLegend, connectAcrossBlanks
        case categoryAxis, valueAxis
        var testDescription: String { rawValue }

        func apply(to chart: Chart) throws {
            switch self {
            case .addSeries:
                let range = SheetRange(sheet: "S", firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 0)
                try chart.addSeries(name: "late", categories: range, values: range, style: .init(color: 0))
            case .setTitle: try chart.setTitle("late")
            case .hideTitle: try chart.hideTitle()
            case .legendAtBottom: try chart.legendAtBottom()
            case .hideLegend: try chart.hideLegend()
            case .connectAcrossBlanks: try chart.connectAcrossBlanks()
            case .categoryAxis: try chart.categoryAxis(name: "late")
            case .valueAxis: try chart.valueAxis(min: 0)
            }
        }
    }

    /// A closed workbook's sheet and chart, made in a function whose `Workbook` is gone on
    /// return: only the handles keep the C state's owner alive.
    private func endedHandles(in folder: URL, _ end: End) throws -> (Worksheet, Chart) {
        let workbook = try Workbook(path: folder.appendingPathComponent("ended.xlsx").path)
        let sheet = try workbook.addWorksheet("S")
        let chart = try workbook.addChart(.line)
        try sheet.write("before", row: 0, col: 0)
        try end.apply(to: workbook)
        return (sheet, chart)
    }

    @Test(arguments: SheetUse.allCases, End.allCases)
    func aSheetUsedAfterItsWorkbookEndsThrows(use: SheetUse, end: End) throws {
        try withFolder { folder in
            let (sheet, chart) = try endedHandles(in: folder, end)
            let error = #expect(throws: XLSXError.self) { try use.apply(to: sheet, chart: chart) }
            #expect(error?.reason == "the workbook was already closed or discarded")
            #expect(error?.sheet == "S")
            #expect(error?.libraryCode == nil)
            #expect(error?.path == folder.appendingPathComponent("ended.xlsx").path)
        }
    }

    @Test(arguments: ChartUse.allCases, End.allCases)
    func aChartUsedAfterItsWorkbookEndsThrows(use: ChartUse, end: End) throws {
        try withFolder { folder in
            let (_, chart) = try endedHandles(in: folder, end)
            let error = #expect(throws: XLSXError.self) { try use.apply(to: chart) }
            #expect(error?.reason == "the workbook was already closed or discarded")
            #expect(error?.libraryCode == nil)
        }
    }

    @Test func aClosedWorkbookRefusesNewSheetsChartsAndASecondClose() throws {
        try withFolder { folder in
            let workbook = try Workbook(path: folder.appendingPathComponent("closed.xlsx").path)
            _ = try workbook.addWorksheet("S")
            try workbook.close()
            #expect(throws: XLSXError.self) { _ = try workbook.addWorksheet("T") }
            #expect(throws: XLSXError.self) { _ = try workbook.addChart(.bar) }
            let error = #expect(throws: XLSXError.self) { try workbook.close() }
            #expect(error?.operation == "close workbook")
            workbook.discard()  // after close: nothing to free, nothing happens
            #expect(workbook.isClosed)
        }
    }

    @Test func aChartGoesOnlyIntoASheetOfItsOwnWorkbook() throws {
        try withFolder { folder in
            let first = try Workbook(path: folder.appendingPathComponent("first.xlsx").path)
            let second = try Workbook(path: folder.appendingPathComponent("second.xlsx").path)
            let sheet = try first.addWorksheet("S")
            let foreign = try second.addChart(.column)
            let error = #expect(throws: XLSXError.self) { try sheet.insertChart(foreign, row: 0, col: 0) }
            #expect(error?.reason == "the chart belongs to another workbook")
            try first.close()
            try second.close()
        }
    }

    // MARK: - Chart axes

    @Test func theLoadedLibraryIsTheVersionOfTheCompiledHeader() {
        let versions = Workbook.libraryVersions
        #expect(versions.header == versions.runtime)
        #expect(!versions.header.isEmpty)
    }

    /// Axis settings land on the category and value axes of each kind (a bar chart's category
    /// axis is its vertical `y_axis`): the two `lxw_chart` members the wrapper reads are the axes.
    @Test(arguments: [(Chart.Kind.line, "b"), (.column, "b"), (.bar, "l")])
    func axisSettingsLandOnTheRightAxis(kind: Chart.Kind, categoryPosition: String) throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("axes.xlsx").path
            let workbook = try Workbook(path: path)
            let sheet = try workbook.addWorksheet("S")
            for row in 0..<3 {
                try sheet.write("c\(row)", row: row, col: 0)
                try sheet.write(number: Double(row), row: row, col: 1)
            }
            let chart = try workbook.addChart(kind)
            #expect(chart.kind == kind)
            try chart.addSeries(
                name: "Values", categories: SheetRange(sheet: "S", firstRow: 0, firstCol: 0, lastRow: 2, lastCol: 0),
                values: SheetRange(sheet: "S", firstRow: 0, firstCol: 1, lastRow: 2, lastCol: 1),
                style: .init(color: Palette.bar))
            try chart.categoryAxis(name: "Categories")
            try chart.valueAxis(name: "Amounts", max: 7)
            try sheet.insertChart(chart, row: 0, col: 3)
            try workbook.close()

            let stored = try #require(try XLSXFile(path: path).sheet("S").charts.first)
            let categoryAxis = try #require(stored.first("catAx"))
            let valueAxis = try #require(stored.first("valAx"))
            #expect(categoryAxis.first("title")?.allText == "Categories")
            #expect(categoryAxis.first("axPos")?.attributes["val"] == categoryPosition)
            #expect(valueAxis.first("title")?.allText == "Amounts")
            #expect(valueAxis.first("max")?.attributes["val"] == "7")
            // Line charts draw no fill under their series; bars and columns are filled.
            let seriesShape = try #require(stored.first("ser")?.children.first { $0.localName == "spPr" })
            #expect(seriesShape.children.contains { $0.localName == "solidFill" } == (kind != .line))
        }
    }
}
