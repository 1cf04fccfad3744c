import Foundation
import Testing

@testable import CaseloadExport

@Suite struct CSVWriterTests {
    /// OWASP CSV-injection payloads: each must come out as text with a leading quote.
    @Test(arguments: [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\tab", "'\tab"),
        ("\rcr", "'\rcr"),
        ("plain note", "plain note"),
        ("", ""),
        ("a=b", "a=b"),
    ])
    func neutralisesFormulaText(input: String, expected: String) {
        #expect(CSVCell.text(input).rendered == expected)
    }

    @Test func numbersAreNeverNeutralised() {
        #expect(CSVCell.decimal(-1.25, decimals: 2).rendered == "-1.25")
        #expect(CSVCell.integer(-3).rendered == "-3")
    }

    @Test(arguments: [
        (2.345, 2, "2.35"), (2.344, 2, "2.34"), (-0.04, 1, "0.0"), (-0.05, 1, "-0.1"), (100.0, 1, "100.0"),
        (0.5, 0, "1"), (7.0 / 3.0, 3, "2.333"), (1e-9, 2, "0.00"), (12.0, 0, "12"), (-12.75, 1, "-12.8"),
    ])
    func fixedDecimals(value: Double, decimals: Int, expected: String) {
        #expect(CSVCell.fixed(value, decimals: decimals) == expected)
    }

    @Test func missingValuesAreEmptyCells() {
        #expect(CSVCell.decimal(nil, 1).rendered == "")
        #expect(CSVCell.decimal(.nan, 1).rendered == "")
        #expect(CSVCell.integer(nil).rendered == "")
        #expect(CSVCell.text(nil as String?).rendered == "")
    }

    @Test func quotesOnlyWhatNeedsQuoting() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        let writer = try CSVWriter(path: path)
        writer.writeFields(["a", "b,c", "say \"hi\"", "line1\nline2", "😀 café"])
        writer.writeRow([.text("=HYPERLINK(\"x\")"), .decimal(1.5, decimals: 1), .empty])
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "a,\"b,c\",\"say \"\"hi\"\"\",\"line1\nline2\",😀 café\r\n\"'=HYPERLINK(\"\"x\"\")\",1.5,\r\n")
    }

    @Test func unwritableFileIsAnErrorNamingThePath() {
        #expect(throws: ExportError.self) {
            _ = try CSVWriter(path: "/nonexistent-folder-\(UUID().uuidString)/x.csv")
        }
    }
}
