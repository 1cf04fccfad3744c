import Foundation
import Testing
@testable import CaseloadExport

/// The C boundary: library failures keep libxlsxwriter's code, and charts read only the
/// documented members of the library's struct.
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
            chart.addSeries(
                name: "Values", categories: SheetRange(sheet: "S", firstRow: 0, firstCol: 0, lastRow: 2, lastCol: 0),
                values: SheetRange(sheet: "S", firstRow: 0, firstCol: 1, lastRow: 2, lastCol: 1),
                style: .init(color: Palette.bar))
            chart.categoryAxis(name: "Categories")
            chart.valueAxis(name: "Amounts", max: 7)
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
