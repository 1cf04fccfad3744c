import Foundation
import Testing
@testable import CaseloadExport

/// Sheet names made from data: valid by Excel's rules and unique case-insensitively.
@Suite struct SheetNameTests {
    @Test(arguments: [
        ("Overview", "Overview"),
        ("P001", "P001"),
        ("a/b:c", "a_b_c"),
        ("[x]*?\\", "_x____"),
        ("'quoted'", "quoted"),
        ("it's", "it's"),
        ("''", "Sheet"),
        ("", "Sheet"),
        ("   ", "Sheet"),
        ("tab\there", "tab_here"),
        ("History", "History_"),
        ("history", "history_"),
        ("+cmd|' /C calc'!A0", "+cmd|' _C calc'!A0"),
        (String(repeating: "a", count: 40), String(repeating: "a", count: 31)),
        (String(repeating: "a", count: 30) + "'b", String(repeating: "a", count: 30)),
        (String(repeating: "é", count: 35), String(repeating: "é", count: 31)),
        (String(repeating: "😀", count: 20), String(repeating: "😀", count: 15)),
    ])
    func sanitised(raw: String, expected: String) {
        let name = SheetName.sanitized(raw)
        #expect(name == expected)
        #expect(name.utf16.count <= 31)
        #expect(!name.contains { SheetName.forbidden.contains($0) })
        #expect(name.first != "'" && name.last != "'")
    }

    @Test func clashesGetNumberedSuffixesCaseInsensitively() {
        var namer = SheetNamer()
        let names = ["P1", "p1", "P1", "a/b", "a:b", String(repeating: "z", count: 40), String(repeating: "Z", count: 35)]
            .map { namer.unique($0) }
        #expect(names == [
            "P1", "p1 (2)", "P1 (3)", "a_b", "a_b (2)", String(repeating: "z", count: 31),
            String(repeating: "Z", count: 27) + " (2)",
        ])
        #expect(Set(names.map { $0.lowercased() }).count == names.count)
    }

    @Test func reservedNamesAreAvoided() {
        var namer = SheetNamer()
        namer.reserve("About")
        #expect(namer.unique("about") == "about (2)")
    }

    /// Every sanitised, de-duplicated name is accepted by libxlsxwriter itself.
    @Test func libxlsxwriterAcceptsEveryNameHandedOut() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("names.xlsx").path
        let raws = ["a[1]", "A[1]", "'", "x/y", "History", String(repeating: "é", count: 40),
                    String(repeating: "é", count: 40), "Sheet", "", "sheet"]
        let workbook = try Workbook(path: path)
        var written: [String] = []
        for raw in raws { written.append(try workbook.addWorksheet(raw).name) }
        try workbook.close()
        #expect(try XLSXFile(path: path).sheetNames == written)
    }
}
