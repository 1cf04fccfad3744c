import Foundation
import Testing
@testable import CaseloadExport

/// The C boundary: library failures keep libxlsxwriter's code.
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
}
