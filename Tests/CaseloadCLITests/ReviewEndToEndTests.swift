import Foundation
import Testing

/// Runs the built `caseload` binary on the committed samples and on bad invocations.
@Suite(.serialized) struct ReviewEndToEndTests {
    static let samples = CLIHarness.packageRoot.appendingPathComponent("samples")

    func review(_ extra: [String], out: URL) throws -> CLIResult {
        try CLIHarness.run(
            ["review", Self.samples.path, "--roster", Self.samples.appendingPathComponent("roster.csv").path,
             "--out", out.path] + extra)
    }

    @Test func samplesReportMeetsTheOutputContract() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let result = try review([], out: out)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("need follow-up"))
        #expect(result.stdout.contains("rejected"))

        // The whole folder, each caseload folder included, against docs/OUTPUTS.md.
        try OutputContract.expectHolds(out)
        let caseloads = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("caseloads").path)
        #expect(caseloads.count >= 3)

        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        let totals = try #require(manifest["totals"] as? [String: Int])
        #expect(try #require(totals["rows_rejected"]) > 0, "the messy sample export plants bad rows")
        #expect(try #require(totals["rows_duplicate"]) > 0, "the messy sample export plants duplicates")
        let rejected = try String(contentsOf: out.appendingPathComponent("rejected.csv"), encoding: .utf8)
        #expect(rejected.split(separator: "\r\n").count == totals["rows_rejected"].map { $0 + 1 })
    }

    @Test func sameInputsGiveByteIdenticalReports() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        // The same command twice (the workbook's About sheet records the command line, --out included).
        let a = tmp.appendingPathComponent("a")
        let b = tmp.appendingPathComponent("b")
        #expect(try review([], out: a).status == 0)
        try FileManager.default.moveItem(at: a, to: b)
        #expect(try review([], out: a).status == 0)
        let files = try #require(FileManager.default.subpaths(atPath: a.path)).filter {
            $0.hasSuffix(".csv") || $0.hasSuffix(".xlsx")
        }.sorted()
        #expect(files.contains("caseload.xlsx"))
        for file in files {
            let left = try Data(contentsOf: a.appendingPathComponent(file))
            let right = try Data(contentsOf: b.appendingPathComponent(file))
            #expect(left == right, "\(file) differs between two runs")
        }
    }

    /// `--patient-sheets`: each caseload's workbook holds one sheet per patient the choice names
    /// (the samples' caseloads are small, so `auto` and `all` give everyone a sheet and `follow-up`
    /// only the patients in that caseload's `followup.csv`), and the manifest records the choice.
    @Test(arguments: [([String](), "auto-200", false), (["--patient-sheets", "all"], "all", false),
                      (["--patient-sheets", "follow-up"], "follow-up", true)])
    func patientSheetsChoiceSetsWhoGetsASheet(extra: [String], recorded: String, followUpOnly: Bool) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let result = try review(extra + ["--quiet"], out: out)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        try OutputContract.expectHolds(out)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        #expect(manifest["patient_sheets"] as? String == recorded)
        let caseloads = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("caseloads").path)
        #expect(caseloads.count >= 3)
        var followUps = 0
        var patients = 0
        // Every workbook of the report: each caseload's, and the run's (the samples' run has 30
        // patients, so it carries patient sheets too).
        for slug in caseloads.map({ "caseloads/" + $0 }) + [""] {
            let folder = slug.isEmpty ? out : out.appendingPathComponent(slug)
            func dataRows(_ file: String) throws -> Int {
                try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                    .split(separator: "\r\n").count - 1
            }
            let expected = followUpOnly ? try dataRows("followup.csv") : try dataRows("patients.csv")
            if !slug.isEmpty {
                followUps += try dataRows("followup.csv")
                patients += try dataRows("patients.csv")
            }
            let workbook = try XLSXEntries(folder.appendingPathComponent("caseload.xlsx")).text("xl/workbook.xml")
            let sheets = workbook.components(separatedBy: "<sheet ").count - 1
            #expect(sheets - 6 == expected, "\(slug): \(sheets) sheets")  // six fixed sheets
        }
        // Both kinds of patient, so the choices give different workbooks.
        #expect(followUps > 0 && followUps < patients, "\(followUps) of \(patients) patients need follow-up")
    }

    /// `[report] patient_sheets` in the configuration applies when `--patient-sheets` is absent, and
    /// the option wins over it when given.
    @Test func patientSheetsComeFromTheConfigurationUnlessTheOptionIsGiven() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let config = tmp.appendingPathComponent("clinic.toml")
        try Data("[report]\npatient_sheets = \"follow-up\"\n".utf8).write(to: config)
        for (extra, recorded) in [([String](), "follow-up"), (["--patient-sheets", "all"], "all")] {
            let out = tmp.appendingPathComponent("report-\(recorded)")
            let result = try review(["--config", config.path, "--verbose", "--json"] + extra, out: out)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            // --verbose names the configuration file and the setting it holds (README, --verbose).
            #expect(result.stderr.contains("configuration from \(config.path)"), "\(result.stderr)")
            #expect(result.stderr.contains("patient_sheets=follow-up"), "\(result.stderr)")
            let manifest = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                    as? [String: Any])
            #expect(manifest["patient_sheets"] as? String == recorded)
        }
    }

    @Test func rosterCSVInsideAnInputFolderIsUsedWhenNoRosterIsGiven() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let implied = tmp.appendingPathComponent("implied")
        let explicit = tmp.appendingPathComponent("explicit")
        let result = try CLIHarness.run(["review", Self.samples.path, "--out", implied.path, "--quiet"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        try OutputContract.expectHolds(implied)
        #expect(try review(["--quiet"], out: explicit).status == 0)
        let a = try Data(contentsOf: implied.appendingPathComponent("patients.csv"))
        let b = try Data(contentsOf: explicit.appendingPathComponent("patients.csv"))
        #expect(a == b)
        let manifest = try String(contentsOf: implied.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"role\": \"roster\""))
    }

    /// Review finding: one mistyped year moved the review date of the whole caseload.
    @Test func aLogDateAfterTodayNeedsAnExplicitAsOf() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let typo = tmp.appendingPathComponent("typo.csv")
        try Data("patient_id,date,exercise,pain\nP0001,2199-11-20,Glute bridge,3\n".utf8).write(to: typo)
        let roster = Self.samples.appendingPathComponent("roster.csv").path
        let out = tmp.appendingPathComponent("r")
        let refused = try CLIHarness.run(["review", Self.samples.path, typo.path, "--roster", roster, "--out", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("2199-11-20") && refused.stderr.contains("--as-of"), "stderr: \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let explicit = try CLIHarness.run(
            ["review", Self.samples.path, typo.path, "--roster", roster, "--as-of", "2026-11-22", "--out", out.path,
             "--quiet"])
        #expect(explicit.status == 0, "stderr: \(explicit.stderr)")
        try OutputContract.expectHolds(out)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        #expect(manifest["rows_after_as_of"] as? Int == 1)
    }

    @Test func strictRefusesRejectedRowsAndWritesNothing() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let result = try review(["--strict"], out: out)
        #expect(result.status == 1)
        #expect(result.stderr.contains("rejected"))
        #expect(result.stderr.contains("messy-export.csv:"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: [
        (["review"], 2, "Missing expected argument"),
        (["review", "samples", "--as-of", "2026-13-01"], 2, "--as-of"),
        (["review", "samples", "--as-of", "9999-12-31"], 2, "outside 1900-01-01"),
        (["review", "samples", "--date-format", "YYYY"], 2, "--date-format"),
        (["review", "samples", "--bogus"], 2, "--bogus"),
        (["review", "samples", "--patient-sheets", "some"], 2, "'some'"),
        (["frobnicate"], 2, "frobnicate"),
        (["review", "no-such-file.csv"], 1, "no-such-file.csv"),
    ])
    func badInvocations(arguments: [String], status: Int32, mentions: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = arguments.first == "review" ? ["--out", tmp.appendingPathComponent("r").path] : []
        let result = try CLIHarness.run(arguments + out)
        #expect(result.status == status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(mentions), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("r").path))
    }

    @Test func unreadableInputIsFatalAndNamesTheFile() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let bad = tmp.appendingPathComponent("not-a-log.csv")
        try Data("name,age\nx,1\n".utf8).write(to: bad)
        let out = tmp.appendingPathComponent("r")
        let result = try CLIHarness.run(["review", bad.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not-a-log.csv"))
        #expect(result.stderr.contains("patient_id"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func helpListsExamples() throws {
        let result = try CLIHarness.run(["review", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("--roster"))
    }
}
