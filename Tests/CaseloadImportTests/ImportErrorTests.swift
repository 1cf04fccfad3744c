import Testing

@testable import CaseloadImport

@Suite struct ImportErrorTests {
    @Test func descriptionOmitsMissingParts() {
        #expect(ImportError(file: "a.csv", line: 3, column: 2, reason: "bad").description == "a.csv:3:2: bad")
        #expect(ImportError(file: "a.csv", line: 3, reason: "bad").description == "a.csv:3: bad")
        #expect(ImportError(file: "a.csv", reason: "bad").description == "a.csv: bad")
    }

    @Test(arguments: [
        ("YYYY-MM-DD", DateOrder.iso), ("yyyy-mm-dd", .iso), ("DD/MM/YYYY", .dayMonthYear), ("DD.MM.YYYY", .dayMonthYear),
        ("DD-MM-YYYY", .dayMonthYear), (" dd/mm/yyyy ", .dayMonthYear), ("MM/DD/YYYY", .monthDayYear),
        ("MM.DD.YYYY", .monthDayYear), ("MM-DD-YYYY", .monthDayYear),
    ])
    func dateFormats(_ text: String, _ order: DateOrder) throws {
        #expect(try ImportOptions.dateOrder(parsing: text) == order)
    }

    @Test(arguments: ["", "YYYY/MM/DD", "DD/MM-YYYY", "D/M/Y", "ISO"])
    func badDateFormats(_ text: String) {
        #expect(throws: ImportError.self) { try ImportOptions.dateOrder(parsing: text) }
    }
}
