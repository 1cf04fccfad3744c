import Foundation
import Testing

/// The output contract check itself: what it reads from docs/OUTPUTS.md, and that a report folder
/// breaking any one rule, or a page drifting from the output, is reported.
@Suite struct OutputContractTests {
    // MARK: - Reading the page

    /// Each way the page states a format is read as that format.
    @Test(arguments: [
        ("points 0–10, 2 decimals", "", OutputContract.Format.decimal(places: 2)),
        ("%, 1 decimal", "", .decimal(places: 1)),
        ("4 decimals", "", .decimal(places: 4)),
        ("sessions, 1 decimal", "", .decimal(places: 1)),
        ("yes / no", "", .oneOf(["yes", "no"])),
        ("improving / worsening / stable / insufficient_data", "", .oneOf(["improving", "worsening", "stable", "insufficient_data"])),
        ("`urgent` / `soon` / `routine`", "", .oneOf(["urgent", "soon", "routine"])),
        ("urgent / soon / routine; empty without follow-up", "", .oneOf(["urgent", "soon", "routine"])),
        ("urgent / soon / routine (empty without follow-up)", "", .oneOf(["urgent", "soon", "routine"])),
        ("ids joined by `;`", "`night_pain`, `swelling`", .ids(["night_pain", "swelling"])),
        ("level, count", "", .whole),
        ("days", "", .whole),
        ("rank", "", .whole),
        ("date", "", .date),
        ("week", "", .week),
        ("text", "", .text),
        ("points/week", "", .unchecked("points/week")),
    ])
    func formatsAreReadFromTheUnitColumn(format: String, meaning: String, expected: OutputContract.Format) {
        #expect(OutputContract.Format.parse(format: format, meaning: meaning) == expected)
    }

    /// A value fits its format, or is reported, whatever the format.
    @Test(arguments: [
        (OutputContract.Format.date, "2026-11-22", true), (.date, "2024-02-29", true), (.date, "2026-02-29", false),
        (.date, "2026-13-01", false), (.date, "22/11/2026", false), (.date, "2026-1-02", false),
        (.week, "2026-W53", true), (.week, "2025-W53", false), (.week, "2026-W00", false), (.week, "2026-47", false),
        (.whole, "0", true), (.whole, "12", true), (.whole, "012", false), (.whole, "-1", false), (.whole, "1.0", false),
        (.decimal(places: 1), "94.3", true), (.decimal(places: 1), "-0.5", true), (.decimal(places: 1), "94.30", false),
        (.decimal(places: 1), "94", false), (.decimal(places: 1), "94,3", false), (.decimal(places: 2), ".50", false),
        (.oneOf(["yes", "no"]), "yes", true), (.oneOf(["yes", "no"]), "Yes", false), (.oneOf(["yes", "no"]), "", true),
        (.ids(["a", "b"]), "a;b", true), (.ids(["a", "b"]), "a;c", false), (.ids(["a", "b"]), "a;a", false),
        (.ids(["a", "b"]), "a;", false), (.text, "anything, at all", true), (.unchecked("x"), "anything", true),
    ])
    func valuesAreCheckedAgainstTheirFormat(format: OutputContract.Format, value: String, fits: Bool) {
        #expect((format.problem(with: value) == nil) == fits, "\(value) as \(format)")
    }

    /// A page in the documented shape: the tree, a table (several names in a row, a renumbered
    /// column) and a list that takes its formats from the table.
    static let miniature = """
        # Outputs
        ```
        DIR/
          book.xlsx            the workbook
          patients.csv           one row per person
          calls.csv            the calls
          manifest.json        provenance
          caseloads/<slug>/    one folder per clinician
            book.xlsx, patients.csv   (that caseload's rows only)
        ```
        ### patients.csv
        | column | unit / format | meaning |
        |---|---|---|
        | patient_id | text | as given |
        | first_date, last_date | date | the span |
        | priority | rank | 1 = first (renumbered from 1 in each caseload folder) |
        | reasons | ids joined by `;` | `a`, `b` |

        ### calls.csv
        `patient_id, priority,
        note`: one row per call.
        """

    /// Files, caseload files, several names in a row, renumbered columns and a list's inherited formats.
    @Test func aPageInTheDocumentedShapeIsRead() throws {
        let contract = try OutputContract.parse(Self.miniature)
        #expect(contract.runFiles == ["book.xlsx", "patients.csv", "calls.csv", "manifest.json"])
        #expect(contract.caseloadsFolder == "caseloads")
        #expect(contract.caseloadFiles == ["book.xlsx", "patients.csv"])
        #expect(contract.columns["patients.csv"]?.map(\.name) == ["patient_id", "first_date", "last_date", "priority", "reasons"])
        #expect(contract.columns["patients.csv"]?.map(\.format) == [.text, .date, .date, .whole, .ids(["a", "b"])])
        #expect(contract.columns["patients.csv"]?.filter(\.perFolder).map(\.name) == ["priority"])
        #expect(contract.columns["calls.csv"]?.map(\.name) == ["patient_id", "priority", "note"])
        #expect(contract.columns["calls.csv"]?.map(\.format) == [.text, .whole, .text])
    }

    /// A page without its tree, a file's section or a list's columns is not a contract.
    @Test(arguments: [
        ("no tree", "```\nDIR/\n", ""),
        ("a file without its section", "### calls.csv\n", "### other.csv\n"),
        ("a list section without a list", "`patient_id, priority,\nnote`: one row per call.", "One row per call."),
    ])
    func aPageMissingPartOfTheContractIsRefused(name: String, remove: String, insert: String) {
        let page = Self.miniature.replacingOccurrences(of: remove, with: insert)
        #expect(page != Self.miniature)
        #expect(throws: OutputContract.DocumentError.self, "\(name)") { try OutputContract.parse(page) }
    }

    /// docs/OUTPUTS.md itself reads as a contract: each CSV file has its columns and the reason list its ids.
    @Test func theProjectsPageIsACompleteContract() throws {
        let contract = try OutputContract.documented.get()
        #expect(contract.runFiles.contains("manifest.json"))
        #expect(Set(contract.caseloadFiles).isSubset(of: contract.runFiles))
        for file in contract.runFiles where file.hasSuffix(".csv") {
            let names = try #require(contract.columns[file]).map(\.name)
            #expect(names.first == "patient_id" || file == "rejected.csv", "\(file)")
            #expect(Set(names).count == names.count, "\(file) names a column twice")
        }
        let reasons = try #require(contract.columns["patients.csv"]?.first { $0.name == "followup_reasons" })
        guard case .ids(let ids) = reasons.format else {
            Issue.record("followup_reasons is \(reasons.format), not a list of identifiers")
            return
        }
        #expect(ids.count >= 10)
    }

    // MARK: - Reading CSV

    /// Well-formed CSV reads without a problem; each kind of malformed CSV is named.
    @Test(arguments: [
        ("a,b\r\n1,2\r\n", nil),
        ("a,b\r\n\"1,5\",\"say \"\"hi\"\"\"\r\n", nil),
        ("a,b\r\n\"x\r\ny\",2\r\n", nil),
        ("a,b\n1,2\n", "without CR LF"),
        ("a,b\r\n1,2\r3,4\r\n", "without CR LF"),
        ("a,b\r\n1,2", "last line"),
        ("a,b\r\n\"1\",2\r\n", "quoted without"),
        ("a,b\r\n1\"5,2\r\n", "quote inside an unquoted"),
        ("a,b\r\n\"1,5\"x,2\r\n", "follows a closing quote"),
        ("a,b\r\n\"1,5\r\n", "never closed"),
    ] as [(String, String?)])
    func csvIsReadByTheRFC4180Rules(input: String, problem: String?) {
        let problems = ContractTable.read(Array(input.utf8)).problems
        if let problem {
            #expect(problems.contains { $0.contains(problem) }, "\(problems)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    // MARK: - Folders that break the contract

    /// The samples' report, written once; each test changes a copy of it.
    static let sampleReport: Result<URL, any Error> = Result {
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("report")
        let result = try CLIHarness.run(["review"] + Samples.inputArguments + ["--out", out.path, "--quiet"])
        guard result.status == 0 else { throw HarnessError(message: "review of the samples failed: \(result.stderr)") }
        return out
    }

    /// The unchanged samples' report breaks no rule (so every breakage below is the change's doing).
    @Test func theSamplesReportHoldsTheContract() throws {
        let report = try Self.sampleReport.get()
        let breaches = try OutputContract.documented.get().check(report)
        #expect(breaches.isEmpty, "\(breaches.map(\.description).joined(separator: "\n"))")
    }

    /// One way to break a copy of the samples' report.
    struct Breakage: Sendable, CustomTestStringConvertible {
        /// What the change does.
        let name: String
        /// The rule it breaks.
        let rule: ContractRule
        /// False when the manifest's `outputs[]` should keep the old digests and sizes.
        var reseal = true
        /// Changes the report folder.
        let apply: @Sendable (URL) throws -> Void
        /// The name shown in the test output.
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(name: "weekly.csv missing", rule: .files) { try Edit.remove($0, "weekly.csv") },
        Breakage(name: "an undocumented file", rule: .files) { try Data("x".utf8).write(to: $0.appendingPathComponent("notes.txt")) },
        Breakage(name: "a caseload folder without followup.csv", rule: .files) {
            try Edit.remove($0, try Edit.firstCaseload($0) + "followup.csv")
        },
        Breakage(name: "a byte-order mark", rule: .encoding) {
            try Edit.bytes($0, "patients.csv") { [0xEF, 0xBB, 0xBF] + $0 }
        },
        Breakage(name: "a byte that is not UTF-8", rule: .encoding) {
            try Edit.bytes($0, "weekly.csv") { bytes in
                var bytes = bytes
                bytes.insert(0xFF, at: try #require(bytes.firstIndex(of: 0x0D)))
                return bytes
            }
        },
        Breakage(name: "LF line ends", rule: .csvSyntax) { try Edit.text($0, "weekly.csv") { $0.replacingOccurrences(of: "\r\n", with: "\n") } },
        Breakage(name: "a field quoted without need", rule: .csvSyntax) {
            try Edit.text($0, "weekly.csv") { text in
                var lines = text.components(separatedBy: "\r\n")
                let fields = lines[1].split(separator: ",", maxSplits: 1)
                lines[1] = "\"\(fields[0])\",\(fields[1])"
                return lines.joined(separator: "\r\n")
            }
        },
        Breakage(name: "a row short of a field", rule: .csvSyntax) { try Edit.csv($0, "weekly.csv") { $0[1].removeLast() } },
        Breakage(name: "a renamed column", rule: .header) {
            try Edit.csv($0, "followup.csv") { $0[0] = $0[0].map { $0 == "explanation" ? "explanations" : $0 } }
        },
        Breakage(name: "two decimals where the page says one", rule: .format) {
            try Edit.cell($0, "patients.csv", row: 1, "adherence_pct") { $0 + "0" }
        },
        Breakage(name: "a date written day first", rule: .format) {
            try Edit.cell($0, "patients.csv", row: 1, "program_start") { $0.split(separator: "-").reversed().joined(separator: "/") }
        },
        Breakage(name: "a day that does not exist", rule: .format) {
            try Edit.cell($0, "patients.csv", row: 1, "program_start") { _ in "2026-02-30" }
        },
        Breakage(name: "a trend word not on the page", rule: .format) {
            try Edit.cell($0, "patients.csv", row: 1, "trend") { _ in "better" }
        },
        Breakage(name: "yes/no written as false", rule: .format) {
            try Edit.cell($0, "patients.csv", row: 1, "plateau") { _ in "false" }
        },
        Breakage(name: "a follow-up reason not on the page", rule: .format) {
            try Edit.cell($0, "followup.csv", row: 1, "followup_reasons") { _ in "bad_knee" }
        },
        Breakage(name: "a week not in ISO form", rule: .format) {
            try Edit.cell($0, "weekly.csv", row: 1, "week") { $0.replacingOccurrences(of: "-W", with: "-") }
        },
        Breakage(name: "text that would run as a formula", rule: .neutralised) {
            try Edit.cell($0, "rejected.csv", row: 1, "reason") { _ in "=HYPERLINK(\"x\")" }
        },
        Breakage(name: "an input's rows do not add up", rule: .accounting) {
            try Edit.manifest($0) { m in
                var inputs = try #require(m["inputs"] as? [[String: Any]])
                inputs[0]["rows_read"] = try #require(inputs[0]["rows_read"] as? Int) + 1
                m["inputs"] = inputs
            }
        },
        Breakage(name: "totals that are not the inputs' sums", rule: .accounting) {
            try Edit.manifest($0) { m in
                var totals = try #require(m["totals"] as? [String: Any])
                for key in ["rows_read", "rows_accepted"] { totals[key] = try #require(totals[key] as? Int) + 1 }
                m["totals"] = totals
            }
        },
        Breakage(name: "a file changed after the manifest", rule: .outputs, reseal: false) {
            try Edit.bytes($0, "caseload.xlsx") { $0 + [0] }
        },
        Breakage(name: "an output left out of the manifest", rule: .outputs) {
            try Edit.manifest($0) { m in m["outputs"] = Array(try #require(m["outputs"] as? [[String: Any]]).dropLast()) }
        },
        Breakage(name: "a patient count that is not the rows", rule: .counts) {
            try Edit.manifest($0) { m in m["patients"] = try #require(m["patients"] as? Int) + 1 }
        },
        Breakage(name: "a rejected row missing", rule: .counts) { try Edit.csv($0, "rejected.csv") { $0.removeLast() } },
        Breakage(name: "priorities out of order", rule: .priority) { try Edit.csv($0, "followup.csv") { $0.swapAt(1, 2) } },
        Breakage(name: "a priority without follow-up", rule: .priority) {
            try Edit.csv($0, "patients.csv") { rows in
                let (followUp, priority) = (try Edit.column(rows, "followup"), try Edit.column(rows, "priority"))
                let row = try #require(rows.indices.last { rows[$0][followUp] == "no" })
                rows[row][priority] = "99"
            }
        },
        Breakage(name: "a follow-up row missing", rule: .followUp) { try Edit.csv($0, "followup.csv") { $0.removeLast() } },
        Breakage(name: "a follow-up row disagreeing with patients.csv", rule: .followUp) {
            try Edit.cell($0, "followup.csv", row: 1, "clinician") { $0 + " Jr" }
        },
        Breakage(name: "patients without follow-up out of ID order", rule: .order) {
            try Edit.csv($0, "patients.csv") { $0.swapAt($0.count - 1, $0.count - 2) }
        },
        Breakage(name: "weeks out of order", rule: .order) { try Edit.csv($0, "weekly.csv") { $0.swapAt(1, 2) } },
        Breakage(name: "a caseload missing from the manifest", rule: .caseloads) {
            try Edit.manifest($0) { m in m["caseloads"] = Array(try #require(m["caseloads"] as? [[String: Any]]).dropFirst()) }
        },
        Breakage(name: "a caseload folder missing a patient", rule: .caseloads) {
            try Edit.csv($0, try Edit.firstCaseload($0) + "patients.csv") { $0.removeLast() }
        },
        Breakage(name: "a caseload's row differing from the run's", rule: .caseloads) {
            try Edit.cell($0, try Edit.firstCaseload($0) + "patients.csv", row: 1, "pain_current") { $0 == "0.00" ? "1.00" : "0.00" }
        },
        Breakage(name: "a caseload folder name that is not a slug", rule: .caseloads) {
            let old = try Edit.firstCaseload($0)
            let new = String(old.dropLast()) + "_X/"
            try FileManager.default.moveItem(at: $0.appendingPathComponent(old), to: $0.appendingPathComponent(String(new)))
            try Edit.text($0, "manifest.json") { $0.replacingOccurrences(of: "\"\(old.dropLast())", with: "\"\(new.dropLast())") }
        },
        Breakage(name: "a workbook that is not a ZIP package", rule: .workbook) {
            try Data("not a workbook".utf8).write(to: $0.appendingPathComponent("caseload.xlsx"))
        },
        Breakage(name: "a manifest without as_of", rule: .manifest) { try Edit.manifest($0) { $0["as_of"] = nil } },
    ]

    /// A copy of the samples' report with one change breaks the rule the change aims at.
    @Test(arguments: breakages)
    func aFolderBreakingARuleIsReported(_ breakage: Breakage) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let report = tmp.appendingPathComponent("report")
        try FileManager.default.copyItem(at: try Self.sampleReport.get(), to: report)
        try breakage.apply(report)
        if breakage.reseal { try Edit.reseal(report) }
        let breaches = try OutputContract.documented.get().check(report)
        #expect(breaches.contains { $0.rule == breakage.rule },
                "expected a \(breakage.rule) breach, got:\n\(breaches.map(\.description).joined(separator: "\n"))")
    }

    /// No rule goes untested: each has a breakage aimed at it.
    @Test func everyRuleHasAFolderBreakingIt() {
        #expect(Set(Self.breakages.map(\.rule)) == Set(ContractRule.allCases))
    }

    // MARK: - A page drifting from the output

    /// One change to docs/OUTPUTS.md that the samples' report no longer matches.
    struct Drift: Sendable, CustomTestStringConvertible {
        /// What the change does.
        let name: String
        /// The rule the unchanged report then breaks.
        let rule: ContractRule
        /// Changes the page's lines.
        let change: @Sendable ([String]) -> [String]
        /// The name shown in the test output.
        var testDescription: String { name }
    }

    /// The index of the first line starting with `prefix`, or the end index.
    static func line(_ lines: [String], _ prefix: String) -> Int { lines.firstIndex { $0.hasPrefix(prefix) } ?? lines.endIndex }

    static let drifts: [Drift] = [
        Drift(name: "a column added to patients.csv's table", rule: .header) { lines in
            var lines = lines
            lines.insert("| extra_column | text | not written |", at: min(line(lines, "| patient_id |") + 1, lines.count))
            return lines
        },
        Drift(name: "the last column dropped from followup.csv's list", rule: .header) { lines in
            // The list is the first backticked span after the heading: drop its last name.
            var lines = lines
            let list = line(lines, "### followup.csv") + 1
            guard list < lines.count, let end = lines[list].dropFirst().firstIndex(of: "`"),
                let comma = lines[list][..<end].lastIndex(of: ",")
            else { return lines }
            lines[list].removeSubrange(comma..<end)
            return lines
        },
        Drift(name: "two weekly.csv columns swapped", rule: .header) { lines in
            var lines = lines
            let (a, b) = (line(lines, "| pain_mean |"), line(lines, "| pain_max |"))
            if a < lines.count && b < lines.count { lines.swapAt(a, b) }
            return lines
        },
        Drift(name: "a column's decimals changed", rule: .format) { lines in
            lines.map { $0.hasPrefix("| pain_mean |") ? $0.replacingOccurrences(of: "2 decimals", with: "3 decimals") : $0 }
        },
        Drift(name: "a reason identifier dropped", rule: .format) {
            $0.map { $0.replacingOccurrences(of: "`worsening_pain`, ", with: "") }
        },
        Drift(name: "a file dropped from the tree", rule: .files) { $0.filter { !$0.hasPrefix("  weekly.csv ") } },
    ]

    /// The unchanged samples' report checked against a changed page breaks the rule the change touches.
    @Test(arguments: drifts)
    func aPageDriftingFromTheOutputFailsTheCheck(_ drift: Drift) throws {
        let page = try String(contentsOf: OutputContract.documentURL, encoding: .utf8)
        let lines = page.components(separatedBy: "\n")
        let changed = drift.change(lines)
        let changedSomething = changed != lines
        try #require(changedSomething, "the change found nothing to change in docs/OUTPUTS.md")
        let contract = try OutputContract.parse(changed.joined(separator: "\n"))
        let breaches = contract.check(try Self.sampleReport.get())
        #expect(breaches.contains { $0.rule == drift.rule },
                "expected a \(drift.rule) breach, got:\n\(breaches.map(\.description).joined(separator: "\n"))")
    }
}

/// Changes to a copy of a report folder, for ``OutputContractTests``.
enum Edit {
    /// Removes `path` from `folder`.
    static func remove(_ folder: URL, _ path: String) throws {
        try FileManager.default.removeItem(at: folder.appendingPathComponent(path))
    }

    /// The first caseload folder (`caseloads/<slug>/`).
    static func firstCaseload(_ folder: URL) throws -> String {
        let slugs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("caseloads").path)
        return "caseloads/\(try #require(slugs.sorted().first))/"
    }

    /// Rewrites the bytes of `path`.
    static func bytes(_ folder: URL, _ path: String, _ change: ([UInt8]) throws -> [UInt8]) throws {
        let url = folder.appendingPathComponent(path)
        try Data(change(Array(try Data(contentsOf: url)))).write(to: url)
    }

    /// Rewrites the text of `path`.
    static func text(_ folder: URL, _ path: String, _ change: (String) throws -> String) throws {
        let url = folder.appendingPathComponent(path)
        try Data(change(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
    }

    /// Rewrites the records of the CSV file `path` (header first) and writes them back by RFC 4180.
    static func csv(_ folder: URL, _ path: String, _ change: (inout [[String]]) throws -> Void) throws {
        try bytes(folder, path) { bytes in
            var records = ContractTable.read(bytes).records.map(\.fields)
            try change(&records)
            let text = records.map { fields in
                fields.map { field in
                    field.contains(where: { ",\"\r\n".contains($0) })
                        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",") + "\r\n"
            }.joined()
            return Array(text.utf8)
        }
    }

    /// The index of column `name` in the header `records[0]`.
    static func column(_ records: [[String]], _ name: String) throws -> Int {
        try #require(records.first?.firstIndex(of: name), "no column \(name)")
    }

    /// Rewrites one cell: column `name` of data row `row` (1 = the first row after the header).
    static func cell(_ folder: URL, _ path: String, row: Int, _ name: String, _ change: (String) -> String) throws {
        try csv(folder, path) { records in
            let index = try column(records, name)
            try #require(row < records.count, "\(path) has no row \(row)")
            let old = records[row][index]
            records[row][index] = change(old)
            try #require(records[row][index] != old, "the change left \(name) as it was")
        }
    }

    /// Rewrites manifest.json.
    static func manifest(_ folder: URL, _ change: (inout [String: Any]) throws -> Void) throws {
        let url = folder.appendingPathComponent("manifest.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        try change(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Brings each `outputs[]` entry's `sha256` and `bytes` up to date with its file (entries whose
    /// file is gone stay), so a change breaks only the rule it is aimed at.
    static func reseal(_ folder: URL) throws {
        try manifest(folder) { m in
            guard let outputs = m["outputs"] as? [[String: Any]] else { return }
            m["outputs"] = outputs.map { output in
                var output = output
                if let path = output["path"] as? String,
                    let data = try? Data(contentsOf: folder.appendingPathComponent(path))
                {
                    output["bytes"] = data.count
                    output["sha256"] = sha256Hex(data)
                }
                return output
            }
        }
    }
}
