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

    /// An independent reference for the one rounding rule (issue 14 §4): Foundation's `Decimal`
    /// parses the shortest decimal form of the value and rounds it half away from zero
    /// (`.plain` on the magnitude); beyond 9e15 units the value is written as Swift prints it.
    static func referenceFixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard abs(value) * scale < 9.0e15 else { return String(value) }
        var exact = Decimal(string: abs(value).description) ?? 0
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, decimals, .plain)
        let digits = NSDecimalNumber(decimal: rounded).stringValue
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        var text = String(parts[0])
        if decimals > 0 {
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            text += "." + fraction + String(repeating: "0", count: decimals - fraction.count)
        }
        let negative = value < 0 && rounded != 0
        return (negative ? "-" : "") + text
    }

    /// Decimals agree with the reference over every digit count and values of every magnitude,
    /// both signs, halves, the 9e15 fallback's edge and the non-finite values.
    @Test func decimalsMatchTheReference() {
        var values: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 8.999_999_999_999_999e15, 9e15, 1e300, -1e-300]
        var x = 0.000_123_456_789
        while x < 1e17 {
            values += [x, -x, x * 0.5, (x * 10).rounded() / 10 + 0.05, -(x * 100).rounded() / 100 - 0.005]
            x *= 7.3
        }
        for value in values {
            for decimals in 0...9 {
                #expect(CSVCell.fixed(value, decimals: decimals) == Self.referenceFixed(value, decimals: decimals),
                        "\(value) with \(decimals) decimals")
                #expect(CSVCell.decimal(value, decimals: decimals).rendered == Self.referenceFixed(value, decimals: decimals))
            }
        }
        for value in [0, 1, -1, 9, -10, 1_234_567, Int.max, Int.min, Int.min + 1] {
            #expect(CSVCell.integer(value).rendered == String(value))
        }
    }

    /// A row written cell by cell comes out byte for byte as its fields rendered by the reference
    /// (old) rules, neutralised by hand and written as text: the direct path (neutralising and
    /// quoting on the fly, numbers as digits) changes nothing.
    @Test func writeRowMatchesTheReferenceRendering() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = ["", "plain", "=1,2", "-\"q\"", "@a\nb", "\t", "a,b", "say \"hi\"", "\r\n", "café 😀", "'=x", "+",
                     String(repeating: "long text ", count: 20)]
        let numbers: [CSVCell] = [.integer(-7), .integer(42), .decimal(-2.25, decimals: 1), .decimal(3.14159, decimals: 3)]
        func reference(_ cell: CSVCell) -> String {
            switch cell {
            case .empty: return ""
            case .text(let t):
                // By the first byte: "\r\n" is one Character, so `hasPrefix("\r")` would miss it.
                return t.utf8.first.map { Array("=+-@\t\r".utf8).contains($0) } == true ? "'" + t : t
            case .integer(let v): return String(v)
            case .decimal(let v, let d): return Self.referenceFixed(v, decimals: d)
            }
        }
        var rows: [[CSVCell]] = []
        for (i, text) in texts.enumerated() {
            for (j, number) in numbers.enumerated() {
                rows.append([.text(text), number, .empty, .text(texts[(i + j + 1) % texts.count])])
                rows.append([number, .text(text)])
            }
        }
        let direct = dir.appendingPathComponent("direct.csv").path
        let referenced = dir.appendingPathComponent("reference.csv").path
        let a = try CSVWriter(path: direct)
        let b = try CSVWriter(path: referenced)
        for row in rows {
            a.writeRow(row)
            b.writeFields(row.map(reference))
        }
        try a.close()
        try b.close()
        let left = try Data(contentsOf: URL(fileURLWithPath: direct))
        let right = try Data(contentsOf: URL(fileURLWithPath: referenced))
        #expect(left == right)
        #expect(left.count > 3_000)
    }

    @Test func unwritableFileIsAnErrorNamingThePath() {
        #expect(throws: ExportError.self) {
            _ = try CSVWriter(path: "/nonexistent-folder-\(UUID().uuidString)/x.csv")
        }
    }
}
