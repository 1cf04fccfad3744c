import Foundation
import Testing
@testable import CaseloadExport

/// The libxlsxwriter wrapper: errors surface as Swift errors naming the sheet and cell,
/// text stays text, long cells and full sheets are cut visibly, output is reproducible.
@Suite struct WorkbookTests {
    private func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    @Test func writingAboveTheCurrentRowInConstantMemoryModeNamesSheetAndCell() throws {
        try withFolder { folder in
            let workbook = try Workbook(path: folder.appendingPathComponent("order.xlsx").path)
            let sheet = try workbook.addWorksheet("Data")
            try sheet.write("row 7", row: 6, col: 0)
            let error = #expect(throws: XLSXError.self) { try sheet.write("back to row 2", row: 1, col: 1) }
            #expect(error?.sheet == "Data")
            #expect(error?.cell == "B2")
            #expect(error?.operation == "write string")
            #expect(error?.reason.isEmpty == false)
            #expect(error?.libraryCode == .worksheetIndexOutOfRange)
            #expect(error?.description.contains("'Data'!B2") == true)
            try workbook.close()
        }
    }

    @Test(arguments: [
        ("a[b]", XLSXError.LibraryCode.invalidSheetNameCharacter), ("What?", .invalidSheetNameCharacter),
        ("one/two", .invalidSheetNameCharacter), (String(repeating: "x", count: 32), .sheetNameLengthExceeded),
        ("'quoted'", .sheetNameStartEndApostrophe),
    ])
    func exactSheetNamesExcelRejectsThrowNamingTheSheet(name: String, code: XLSXError.LibraryCode) throws {
        try withFolder { folder in
            let workbook = try Workbook(path: folder.appendingPathComponent("names.xlsx").path)
            let error = #expect(throws: XLSXError.self) { _ = try workbook.addWorksheet(exactName: name) }
            #expect(error?.sheet == name)
            #expect(error?.libraryCode == code)
            // The sanitising entry point accepts the same name and the file closes cleanly.
            let sheet = try workbook.addWorksheet(name)
            #expect(sheet.name != name)
            try workbook.close()
        }
    }

    @Test func closingIntoAMissingFolderThrowsWithThePath() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("no/such/folder/out.xlsx").path
            let workbook = try Workbook(path: path)
            _ = try workbook.addWorksheet("Sheet")
            let error = #expect(throws: XLSXError.self) { try workbook.close() }
            #expect(error?.operation == "close workbook")
            #expect(error?.libraryCode == .creatingXLSXFile)
            #expect(error?.path == path)
            #expect(workbook.isClosed)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(arguments: ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"])
    func formulaLikeTextIsStoredAsText(payload: String) throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("inject.xlsx").path
            let workbook = try Workbook(path: path)
            let sheet = try workbook.addWorksheet("Notes")
            try sheet.write(payload, row: 0, col: 0)
            try workbook.close()
            let cell = try #require(try XLSXFile(path: path).sheet("Notes")["A1"])
            #expect(cell.type == "inlineStr")
            #expect(cell.formula == nil)
            #expect(cell.text == payload)
        }
    }

    @Test func textLongerThanACellHoldsIsCutVisibly() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("long.xlsx").path
            let workbook = try Workbook(path: path)
            let sheet = try workbook.addWorksheet("Long")
            try sheet.write(String(repeating: "x", count: 40_000), row: 0, col: 0)
            // 😀 is 2 UTF-16 units: 20,000 of them (40,000 units) must be cut between emoji, not inside one.
            try sheet.write(String(repeating: "😀", count: 20_000), row: 1, col: 0)
            try sheet.write(String(repeating: "y", count: 32_767), row: 2, col: 0)
            try workbook.close()
            let stored = try XLSXFile(path: path).sheet("Long")
            let a1 = try #require(stored["A1"]?.text)
            #expect(a1.utf16.count == 32_767)
            #expect(a1.hasSuffix("… [truncated]"))
            #expect(a1.hasPrefix("xxxx"))
            let a2 = try #require(stored["A2"]?.text)
            #expect(a2.utf16.count <= 32_767)
            #expect(a2.hasSuffix("😀… [truncated]"))
            #expect(stored["A3"]?.text == String(repeating: "y", count: 32_767))
        }
    }

    @Test func nonFiniteNumbersBecomeEmptyCells() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("nan.xlsx").path
            let workbook = try Workbook(path: path)
            let sheet = try workbook.addWorksheet("N")
            try sheet.write(number: .nan, row: 0, col: 0)
            try sheet.write(number: .infinity, row: 0, col: 1)
            try sheet.write(number: 2.5, row: 0, col: 2)
            try workbook.close()
            let stored = try XLSXFile(path: path).sheet("N")
            #expect(stored["A1"] == nil)
            #expect(stored["B1"] == nil)
            #expect(stored["C1"]?.number == 2.5)
        }
    }

    @Test func rowsBeyondTheSheetLimitEndInAVisibleNote() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("full.xlsx").path
            let workbook = try Workbook(path: path, maxRows: 10)
            let sheet = try workbook.addWorksheet("Full")
            try sheet.write("header", row: 0, col: 0)
            // 25 rows from row 1: rows 1…8 hold data, row 9 (the last) the note for the other 17.
            let end = try sheet.writeRows(from: 1, count: 25, what: "widgets") { index, row in
                try sheet.write(number: Double(index), row: row, col: 0)
            }
            #expect(end == 10)
            let error = #expect(throws: XLSXError.self) {
                _ = try sheet.writeRows(from: 10, count: 1, what: "widgets") { _, _ in }
            }
            #expect(error?.sheet == "Full")
            try workbook.close()
            let stored = try XLSXFile(path: path).sheet("Full")
            #expect(stored["A9"]?.number == 7)
            let note = try #require(stored["A10"]?.text)
            #expect(note.contains("17 more widgets not shown"))
            #expect(note.contains("at most 10 rows"))
        }
    }

    @Test func sameContentAndCreationTimeGiveIdenticalBytes() throws {
        try withFolder { folder in
            func write(_ name: String, created: Int) throws -> Data {
                let path = folder.appendingPathComponent(name).path
                let properties = DocumentProperties(title: "T", subject: "S", author: "A", keywords: "K",
                                                    comments: "C", createdEpochSeconds: created)
                let workbook = try Workbook(path: path, properties: properties)
                let sheet = try workbook.addWorksheet("S")
                try sheet.write("hello", row: 0, col: 0, style: .header)
                try sheet.write(number: 1.5, row: 1, col: 0, style: .oneDecimal)
                try workbook.close()
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
            let first = try write("a.xlsx", created: 1_700_000_000)
            let second = try write("b.xlsx", created: 1_700_000_000)
            let later = try write("c.xlsx", created: 1_800_000_000)
            #expect(first == second)
            #expect(first != later)
        }
    }

    @Test func documentPropertiesAreStamped() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("props.xlsx").path
            // 2026-11-20T00:00:00Z = 20,777 days × 86,400 s.
            let properties = DocumentProperties(title: "Review", subject: "Knees", author: "caseload 1.0",
                                                keywords: "a, b", comments: "ran it",
                                                createdEpochSeconds: 20_777 * 86_400)
            let workbook = try Workbook(path: path, properties: properties)
            _ = try workbook.addWorksheet("S")
            try workbook.close()
            let core = try XLSXFile(path: path).coreProperties()
            #expect(core["title"] == "Review")
            #expect(core["subject"] == "Knees")
            #expect(core["creator"] == "caseload 1.0")
            #expect(core["keywords"] == "a, b")
            #expect(core["description"] == "ran it")
            #expect(core["created"] == "2026-11-20T00:00:00Z")
        }
    }

    @Test(arguments: [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")])
    func columnLetters(col: Int, letters: String) {
        #expect(CellName.column(col) == letters)
    }

    @Test func cellNamesAreOneBasedRows() {
        #expect(CellName.cell(row: 6, col: 1) == "B7")
        #expect(CellName.cell(row: 0, col: 0) == "A1")
    }
}

extension WorkbookTests {
    @Test func aMissingTemporaryFolderIsReportedWhenTheWorkbookIsCreated() throws {
        try withFolderPublic { folder in
            let path = folder.appendingPathComponent("tmp.xlsx").path
            let missing = folder.appendingPathComponent("missing").path
            let error = #expect(throws: XLSXError.self) { _ = try Workbook(path: path, temporaryDirectory: missing) }
            #expect(error?.operation == "create workbook")
            #expect(error?.libraryCode == nil)  // our check, not the library's
            #expect(error?.reason.contains(missing) == true)
            #expect(error?.path == path)
        }
    }

    @Test func anExistingTemporaryFolderIsUsedAndLeftClean() throws {
        try withFolderPublic { folder in
            let scratch = folder.appendingPathComponent("scratch")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("tmp.xlsx").path
            let workbook = try Workbook(path: path, temporaryDirectory: scratch.path)
            let sheet = try workbook.addWorksheet("First")
            try sheet.write("x", row: 0, col: 0)
            try workbook.close()
            #expect(try XLSXFile(path: path).sheet("First")["A1"]?.text == "x")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        }
    }

    private func withFolderPublic(_ body: (URL) throws -> Void) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }
}
