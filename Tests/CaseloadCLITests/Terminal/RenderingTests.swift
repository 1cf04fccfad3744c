import Testing

@testable import CaseloadCLI

/// The TTY-only renderings (colour, progress bar), tested as functions: tests run without a terminal.
@Suite struct RenderingTests {
    static func stripANSI(_ text: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" || scalar == "K" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    @Test func plainStyleIsTheIdentityAndColourWrapsInANSI() {
        let plain = TextStyle.plain
        #expect(plain.red("x") == "x" && plain.bold("x") == "x" && plain.yellow("x") == "x")
        let colour = TextStyle(isEnabled: true)
        #expect(colour.red("worse") == "\u{1B}[31mworse\u{1B}[0m")
        #expect(colour.bold("") == "", "no escapes around nothing")
    }

    @Test func colourNeverMovesTheColumns() {
        let header = ["#", "patient", "reasons"]
        let rows = [["1", "P0004", "worsening_pain"], ["12", "P0123456", "plateau"]]
        let plain = TextTable.render(header: header, rows: rows)
        let coloured = TextTable.render(header: header, rows: rows) { row, column, text in
            row == nil ? TextStyle(isEnabled: true).bold(text) : TextStyle(isEnabled: true).red(text)
        }
        #expect(coloured.map(Self.stripANSI) == plain)
        #expect(coloured != plain)
        // Columns start where the widest cell above or below them ends, plus two spaces.
        #expect(plain == ["#   patient   reasons", "1   P0004     worsening_pain", "12  P0123456  plateau"])
    }

    @Test(arguments: [
        // bytes, total, rows, expected
        (0, 2_000_000, 0, "logs.csv [----------]   0%  0.0/2.0 MB  0 rows"),
        (1_000_000, 2_000_000, 12_345, "logs.csv [#####-----]  50%  1.0/2.0 MB  12,345 rows"),
        (2_000_000, 2_000_000, 1_234_567, "logs.csv [##########] 100%  2.0/2.0 MB  1,234,567 rows"),
        (1_049_000, 0, 999, "logs.csv  1.0 MB  999 rows"),
    ])
    func progressLine(bytes: Int, total: Int, rows: Int, expected: String) {
        #expect(ProgressBar.line(file: "/data/exports/logs.csv", bytesRead: bytes, totalBytes: total, rows: rows, width: 10) == expected)
    }

    @Test func progressBarDrawsOverOneLineAndErasesItself() throws {
        final class Sink: @unchecked Sendable { var text = "" }
        let sink = Sink()
        let bar = ProgressBar(files: [], width: 4) { sink.text += $0 }
        bar.update(.init(path: "a.csv", bytesRead: 10, rowsRead: 1, isDone: false))
        bar.update(.init(path: "a.csv", bytesRead: 20, rowsRead: 2, isDone: true))
        bar.finish()
        #expect(!sink.text.contains("\n"), "the bar redraws in place")
        #expect(sink.text.hasSuffix("\r\u{1B}[K"), "and clears its line at the end")
        #expect(Self.stripANSI(sink.text).contains("a.csv  0.0 MB  2 rows"))
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (-1234567, "-1,234,567")])
    func groupedCounts(value: Int, text: String) {
        #expect(ProgressBar.grouped(value) == text)
    }
}
