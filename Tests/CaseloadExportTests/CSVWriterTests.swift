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

    @Test(arguments: [
        (CSVCell.integer(0), "0"), (.integer(Int.max), "9223372036854775807"),
        (.integer(Int.min), "-9223372036854775808"), (.integer(-10), "-10"),
        (.decimal(-0.0, decimals: 2), "0.00"), (.decimal(0.001, decimals: 3), "0.001"),
        (.decimal(8.9e14, decimals: 1), "890000000000000.0"), (.decimal(1e300, decimals: 1), "1e+300"),
        (.decimal(-1e16, decimals: 0), "-1e+16"), (.decimal(3.14159, decimals: 9), "3.141590000"),
    ])
    func numbersRenderExactly(cell: CSVCell, expected: String) {
        #expect(cell.rendered == expected)
    }

    /// A row written cell by cell comes out byte for byte as its rendered fields written as text:
    /// the direct path (neutralising and quoting on the fly, numbers as digits) changes nothing.
    @Test func writeRowMatchesItsRenderedFields() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = ["", "plain", "=1,2", "-\"q\"", "@a\nb", "\t", "a,b", "say \"hi\"", "\r\n", "café 😀", "'=x", "+",
                     String(repeating: "long text ", count: 20)]
        var random = SystemRandomNumberGenerator()
        var rows: [[CSVCell]] = []
        for _ in 0..<500 {
            rows.append((0..<Int.random(in: 1...8, using: &random)).map { _ -> CSVCell in
                switch Int.random(in: 0..<4, using: &random) {
                case 0: return .empty
                case 1: return .text(texts.randomElement(using: &random)!)
                case 2: return .integer(Int.random(in: -1_000_000...1_000_000, using: &random))
                default:
                    return .decimal(Double.random(in: -1000...1000, using: &random), decimals: Int.random(in: 0...4, using: &random))
                }
            })
        }
        let direct = dir.appendingPathComponent("direct.csv").path
        let rendered = dir.appendingPathComponent("rendered.csv").path
        let a = try CSVWriter(path: direct)
        let b = try CSVWriter(path: rendered)
        for row in rows {
            a.writeRow(row)
            b.writeFields(row.map(\.rendered))
        }
        try a.close()
        try b.close()
        let left = try Data(contentsOf: URL(fileURLWithPath: direct))
        let right = try Data(contentsOf: URL(fileURLWithPath: rendered))
        #expect(left == right)
        #expect(left.count > 10_000)
    }

    @Test func unwritableFileIsAnErrorNamingThePath() {
        #expect(throws: ExportError.self) {
            _ = try CSVWriter(path: "/nonexistent-folder-\(UUID().uuidString)/x.csv")
        }
    }
}
