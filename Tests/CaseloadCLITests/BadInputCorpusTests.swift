import Foundation
import Testing

/// The hostile-input corpus (`Tests/CaseloadImportTests/Fixtures/bad/`, large cases generated
/// here) run through the built binary. Every case ends either in a clear error (exit 1, stderr
/// naming the file and, where known, line and column, no report folder) or in a report whose
/// manifest accounts for every row: rows read = accepted + rejected + duplicate, and which holds the
/// output contract of docs/OUTPUTS.md.
@Suite(.serialized) struct BadInputCorpusTests {
    static let corpus = CLIHarness.packageRoot.appendingPathComponent("Tests/CaseloadImportTests/Fixtures/bad")

    static func fixture(_ name: String) -> String { corpus.appendingPathComponent(name).path }

    /// A run in a fresh folder: the result, the report folder asked for, and the folder to remove.
    struct Run {
        var result: CLIResult
        var out: URL
        var tmp: URL

        /// The manifest, or a failed expectation when the report is missing.
        func manifest() throws -> [String: Any] {
            let url = out.appendingPathComponent("manifest.json")
            return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        }

        func totals() throws -> [String: Int] { try #require(try manifest()["totals"] as? [String: Int]) }

        func text(_ file: String) throws -> String {
            try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
        }
    }

    static func review(_ inputs: [String], _ extra: [String] = []) throws -> Run {
        let tmp = try CLIHarness.temporaryDirectory()
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review"] + inputs + ["--out", out.path, "--quiet"] + extra)
        return Run(result: result, out: out, tmp: tmp)
    }

    /// Checks a fatal run: exit 1, one message naming `file` (with `position` when given), nothing written.
    static func expectFatal(_ run: Run, file: String, position: String? = nil, reason: String) throws {
        #expect(run.result.status == 1, "stderr: \(run.result.stderr)")
        let location = file + (position.map { ":" + $0 } ?? "") + ": "
        #expect(run.result.stderr.contains(location + reason), "stderr: \(run.result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.out.path), "a report was written")
        let left = try FileManager.default.contentsOfDirectory(atPath: run.tmp.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// Checks a report run: exit 0 and balanced counts, in total and for every input.
    static func expectBalanced(_ run: Run) throws -> [String: Int] {
        #expect(run.result.status == 0, "stderr: \(run.result.stderr)")
        let totals = try run.totals()
        #expect(totals["rows_read"] == totals["rows_accepted"].flatMap { a in
            totals["rows_rejected"].flatMap { r in totals["rows_duplicate"].map { a + r + $0 } }
        }, "unbalanced totals \(totals)")
        for input in try #require(try run.manifest()["inputs"] as? [[String: Any]]) {
            let read = input["rows_read"] as? Int
            let parts = ["rows_accepted", "rows_rejected", "rows_duplicate"].compactMap { input[$0] as? Int }
            #expect(parts.count == 3 && read == parts.reduce(0, +), "unbalanced input \(input)")
        }
        // The whole folder against docs/OUTPUTS.md: hostile input must still give a well-formed report.
        try OutputContract.expectHolds(run.out)
        return totals
    }

    // MARK: - Files that cannot be read at all

    @Test(arguments: [
        ("empty.csv", nil, "the file is empty"),
        ("binary_garbage.csv", nil, "the file is binary (it holds NUL bytes), not CSV text"),
        ("image_png.csv", nil, "the file is binary (it holds NUL bytes), not CSV text"),
        ("duplicate_header.csv", "1:4", "duplicate column name 'Pain' (also column 3)"),
        ("missing_required.csv", "1", "no date column in the header"),
    ] as [(String, String?, String)])
    func unreadableFileIsAClearError(name: String, position: String?, reason: String) throws {
        let run = try Self.review([Self.fixture(name)], ["--as-of", "2026-03-08"])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        try Self.expectFatal(run, file: Self.fixture(name), position: position, reason: reason)
    }

    @Test func truncatedJSONNamesWhereTheTextEnds() throws {
        let run = try Self.review([Self.fixture("truncated.json")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        // 105 bytes on one line, ending inside a string: the error names line 1 and a column.
        #expect(run.result.status == 1)
        let message = run.result.stderr
        #expect(message.contains(Self.fixture("truncated.json") + ":1:"), "stderr: \(message)")
        #expect(!FileManager.default.fileExists(atPath: run.out.path))
    }

    @Test func headerOnlyWithoutAsOfAsksForADate() throws {
        let run = try Self.review([Self.fixture("header_only.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        #expect(run.result.status == 1)
        #expect(run.result.stderr.contains("--as-of"), "stderr: \(run.result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.out.path))
    }

    @Test func headerOnlyWithAsOfGivesAnEmptyReport() throws {
        let run = try Self.review([Self.fixture("header_only.csv")], ["--as-of", "2026-03-08"])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_read"] == 0)
        #expect(try run.manifest()["patients"] as? Int == 0)
    }

    /// 200,000 nested arrays: the parser stops at its depth limit with a position, no stack overflow.
    @Test func deeplyNestedJSONIsRefusedWithAPosition() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let path = tmp.appendingPathComponent("deep.json").path
        let text = "{\"patients\": " + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review", path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(path + ":1:"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("nested deeper than"), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// A 20 MB field in a data row: read, kept out of the folded log, and the row still counted.
    @Test func twentyMegabyteFieldIsAccounted() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let path = tmp.appendingPathComponent("huge-field.csv").path
        var bytes = Array("patient_id,date,exercise,pain,notes\nH01,2026-03-02,Wall sit,3,\"".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "n"), count: 20 << 20)
        bytes += Array("\"\nH01,2026-03-03,Wall sit,2,short\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review", path, "--out", out.path, "--quiet"])
        let run = Run(result: result, out: out, tmp: tmp)
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_read"] == 2)
        #expect(totals["rows_accepted"] == 2, "notes are free text of any length")
    }

    /// A header of 100,000 columns: the two known ones are used, the rest listed as ignored.
    @Test func hundredThousandColumnHeaderIsAccounted() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let path = tmp.appendingPathComponent("wide.csv").path
        let header = "patient_id,date," + (0..<99_998).map { "c\($0)" }.joined(separator: ",")
        let row = "W01,2026-03-02" + String(repeating: ",1", count: 99_998)
        try Data((header + "\n" + row + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review", path, "--out", out.path, "--quiet"])
        let run = Run(result: result, out: out, tmp: tmp)
        let totals = try Self.expectBalanced(run)
        #expect(totals == ["rows_read": 1, "rows_accepted": 1, "rows_rejected": 0, "rows_duplicate": 0])
        let inputs = try #require(try run.manifest()["inputs"] as? [[String: Any]])
        #expect((inputs.first?["ignored_columns"] as? [String])?.count == 99_998)
    }

    // MARK: - Files with bad rows: a report, the bad rows accounted for

    @Test func invalidUTF8InTheMiddleIsReadAsWindows1252AndWarned() throws {
        let run = try Self.review([Self.fixture("invalid_utf8.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_accepted"] == 5)
        let inputs = try #require(try run.manifest()["inputs"] as? [[String: Any]])
        let warnings = try #require(inputs.first?["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("not UTF-8") && $0.contains("line 3") }, "\(warnings)")
    }

    @Test func unterminatedQuoteAtEndOfFileRejectsTheLastRecord() throws {
        let run = try Self.review([Self.fixture("unterminated_quote.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        // Rows 2 and 3 are fine; the quote opened on line 4 swallows line 5 to the end of the file.
        #expect(totals["rows_read"] == 3)
        #expect(totals["rows_accepted"] == 2)
        #expect(totals["rows_rejected"] == 1)
        let rejected = try run.text("rejected.csv")
        #expect(rejected.contains(",4,"), "\(rejected)")
        #expect(rejected.contains("unterminated"), "\(rejected)")
    }

    @Test func quoteInAnUnquotedFieldIsKeptLiterally() throws {
        let run = try Self.review([Self.fixture("quote_in_unquoted.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_accepted"] == 2)
        #expect(totals["rows_rejected"] == 0)
    }

    @Test func mixedDelimitersRejectTheForeignLines() throws {
        let run = try Self.review([Self.fixture("mixed_delimiters.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        // Commas are sniffed; the `;` and tab lines are one field each, with no date.
        #expect(totals["rows_accepted"] == 2)
        #expect(totals["rows_rejected"] == 2)
        let rejected = try run.text("rejected.csv")
        #expect(rejected.contains(",3,") && rejected.contains(",4,"), "\(rejected)")
    }

    @Test func jsonWithWrongTypesRejectsRowsAndKeepsTheGoodOne() throws {
        let run = try Self.review([Self.fixture("wrong_types.json")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        // Ten rows: W01's five sessions (only 2026-03-04 is well formed), W02 (ID is a list), W03 (sessions
        // is an object), W04 (the exercise is a nested list), `42` (not an object), W05 (patient is a string).
        #expect(totals["rows_read"] == 10)
        #expect(totals["rows_accepted"] == 1)
        #expect(totals["rows_rejected"] == 9)
        let patients = try run.text("patients.csv")
        #expect(patients.contains("\nW01,"))
    }

    @Test func datesBefore1900OrAfter2199AreRejected() throws {
        let run = try Self.review([Self.fixture("dates_out_of_range.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_accepted"] == 2)
        #expect(totals["rows_rejected"] == 4)
        #expect(try run.manifest()["as_of"] as? String == "2026-03-03", "a far date must not become the review date")
        let rejected = try run.text("rejected.csv")
        #expect(rejected.contains("after 2199"))
        #expect(rejected.contains("before 1900"))
    }

    /// Clinician names that are paths or device names become safe folder names inside the report.
    @Test func clinicianNamesCannotEscapeTheReportFolder() throws {
        let run = try Self.review(
            [Self.fixture("clinician_names_log.csv")], ["--roster", Self.fixture("clinician_names_roster.csv")])
        defer { try? FileManager.default.removeItem(at: run.tmp) }
        _ = try Self.expectBalanced(run)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.tmp.path) == ["report"])
        let folders = try FileManager.default.contentsOfDirectory(atPath: run.out.appendingPathComponent("caseloads").path)
        #expect(folders.count == 5, "\(folders)")
        let reserved: Set<String> = ["con", "prn", "aux", "nul", "com1", "lpt1", ".", ".."]
        for folder in folders {
            #expect(folder.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }, "\(folder)")
            #expect(!reserved.contains(folder.lowercased()), "\(folder)")
        }
        let manifest = try run.manifest()
        let names = try #require(manifest["caseloads"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(Set(names) == ["../../etc/passwd", "CON", "/absolute/path", "..", "nul.txt"])
    }

    /// One patient, one day, 1,000,000 distinct exercise rows: folded into one day, every row counted.
    @Test func millionRowsOnOneDayFoldIntoOneDay() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let path = tmp.appendingPathComponent("million.csv").path
        var text = "patient_id,date,exercise,duration_min,pain\n"
        text.reserveCapacity(40 << 20)
        for i in 0..<1_000_000 { text += "M01,2026-03-02,ex\(i),1,2\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review", path, "--out", out.path, "--quiet"])
        let run = Run(result: result, out: out, tmp: tmp)
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_accepted"] == 1_000_000)
        let patients = try run.text("patients.csv").split(separator: "\r\n")
        #expect(patients.count == 2, "one header, one patient")
        // sessions_completed is the 8th column: one session day.
        #expect(patients.last?.split(separator: ",", omittingEmptySubsequences: false)[7] == "1")
    }

    /// 40,000 patients with one row each, all in one (unassigned) caseload: the workbook caps
    /// patient sheets and says so; the CSVs hold everyone.
    @Test func fortyThousandPatientsInOneCaseload() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let path = tmp.appendingPathComponent("many.csv").path
        var text = "patient_id,date,exercise,pain\n"
        for i in 0..<40_000 { text += "P\(i),2026-03-02,Wall sit,\(i % 11)\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run(["review", path, "--out", out.path, "--quiet", "--as-of", "2026-03-20"])
        let run = Run(result: result, out: out, tmp: tmp)
        let totals = try Self.expectBalanced(run)
        #expect(totals["rows_accepted"] == 40_000)
        #expect(try run.text("patients.csv").split(separator: "\r\n").count == 40_001)
        let sheets = try XLSXEntries(out.appendingPathComponent("caseload.xlsx"))
        let workbook = try sheets.text("xl/workbook.xml")
        // Six fixed sheets and at most 250 patient sheets.
        #expect(workbook.components(separatedBy: "<sheet ").count - 1 <= 256)
        #expect(try sheets.text("xl/worksheets/sheet2.xml").contains("patients due a sheet of their own have none"))
    }
}

/// The entries of an XLSX (a zip), unpacked with the system's `unzip`.
struct XLSXEntries {
    let folder: URL

    init(_ file: URL) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let unzip = try CLIHarness.runProcess(
            URL(fileURLWithPath: "/usr/bin/env"), ["unzip", "-q", "-o", file.path, "-d", folder.path], in: folder)
        guard unzip.status == 0 else { throw HarnessError(message: "unzip failed: \(unzip.stderr)") }
    }

    func text(_ entry: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(entry), encoding: .utf8)
    }

    /// Every unpacked file's bytes, by relative path.
    func all() throws -> [String: Data] {
        var out: [String: Data] = [:]
        for path in FileManager.default.subpaths(atPath: folder.path) ?? [] {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[path] = try Data(contentsOf: url)
            }
        }
        return out
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
