import Foundation
import Testing

/// `caseload review` as a clinician and a scheduled script use it: summary, --json, --quiet,
/// colour and progress only on a terminal, configuration, time zones, output checks.
@Suite(.serialized) struct ReviewWorkflowTests {
    static func review(_ extra: [String], out: URL, in directory: URL? = nil, environment: [String: String] = [:]) throws
        -> CLIResult
    {
        try CLIHarness.run(
            ["review"] + Samples.inputArguments + ["--out", out.path] + extra, in: directory, environment: environment)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Data lines of a report CSV (CRLF, header first).
    static func csvRows(_ url: URL) throws -> [[String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
    }

    @Test func jsonSummaryIsTheOnlyStdoutAndNamesThePlantedFollowUps() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let result = try Self.review(["--json"], out: out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Samples.onlyFHIRSampleWarnings(result.stderr), "\(result.stderr)")
        try OutputContract.expectHolds(out)
        let doc = try Self.json(result.stdout)  // fails unless stdout is exactly one JSON document

        #expect(doc["as_of"] as? String == Samples.endDate)
        #expect(doc["workbook"] as? String == out.path + "/caseload.xlsx")
        let totals = try #require(doc["totals"] as? [String: Int])
        let read = try #require(totals["rows_read"])
        #expect(read == totals["rows_accepted"]! + totals["rows_rejected"]! + totals["rows_duplicate"]!)
        #expect(try #require(totals["rows_rejected"]) > 0, "the messy sample plants bad rows")

        let expected = try Samples.expectedReasons()
        #expect(doc["patients"] as? Int == expected.count)
        let followUp = try #require(doc["follow_up"] as? [[String: Any]])
        var got: [String: Set<String>] = [:]
        for entry in followUp {
            let id = try #require(entry["patient_id"] as? String)
            let reasons = try #require(entry["reasons"] as? [[String: Any]])
            got[id] = Set(reasons.compactMap { $0["reason"] as? String })
            #expect(reasons.allSatisfy { ($0["explanation"] as? String)?.isEmpty == false }, "\(id) has evidence")
            #expect(entry["clinician"] as? String == (try Samples.clinicians())[id])
        }
        #expect(got == expected.filter { !$0.value.isEmpty })
        #expect(doc["follow_up_count"] as? Int == got.count)
        // Priorities are 1…n in order.
        #expect(followUp.compactMap { $0["priority"] as? Int } == Array(1...followUp.count))
        let caseloads = try #require(doc["caseloads"] as? [[String: Any]])
        #expect(Set(caseloads.compactMap { $0["name"] as? String }) == Set(try Samples.clinicians().values))
        #expect(caseloads.compactMap { $0["patients"] as? Int }.reduce(0, +) == expected.count)
    }

    @Test func textSummaryIsPlainWhenStdoutIsNotATerminal() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        // NO_COLOR empty counts as unset: only the missing terminal keeps the text plain.
        let result = try Self.review([], out: tmp.appendingPathComponent("r"), environment: ["NO_COLOR": ""])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}"), "no ANSI escapes off a terminal")
        #expect(!result.stderr.contains("\r"), "no progress bar off a terminal")
        #expect(result.stdout.contains("#   tier     patient  clinician"))
        // Every patient the generator planted a reason for is in the table, once (third column).
        for (id, reasons) in try Samples.expectedReasons() {
            let rows = result.stdout.split(separator: "\n").filter {
                $0.split(separator: " ").dropFirst(2).first == Substring(id)
            }
            #expect(rows.count == (reasons.isEmpty ? 0 : 1), "\(id)")
        }
    }

    @Test func topLimitsTheTableAndSaysHowManyMore() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try Self.review(["--top", "3"], out: tmp.appendingPathComponent("r"))
        #expect(result.status == 0)
        let needing = try Samples.expectedReasons().values.filter { !$0.isEmpty }.count
        let lines = result.stdout.components(separatedBy: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("#  tier") }, "\(result.stdout)")
        #expect(lines[header + 1].hasPrefix("1 ") && lines[header + 3].hasPrefix("3 "))
        #expect(lines[header + 4] == "… and \(needing - 3) more on the Follow-up sheet of caseload.xlsx (--top 0 lists all)")
    }

    @Test func quietPrintsNothingAndStillWritesTheReport() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("r")
        let result = try Self.review(["--quiet"], out: out)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("caseload.xlsx").path))
    }

    @Test func verboseLogsEachFileToStderrOnly() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try Self.review(["--verbose", "--json"], out: tmp.appendingPathComponent("r"))
        #expect(result.status == 0)
        _ = try Self.json(result.stdout)
        for file in ["roster.csv", "logs.csv", "logs.json", "messy-export.csv"] {
            #expect(result.stderr.contains("caseload: debug: read ") && result.stderr.contains(file), "\(file)")
        }
        #expect(result.stderr.contains("dialect=delimiter=';' encoding=UTF-8+BOM newline=CRLF"))
    }

    @Test func inputWarningsAreLoggedUnlessQuiet() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let log = tmp.appendingPathComponent("log.json")
        try Data(
            #"[{"patient":{"id":"P1"},"sessions":[{"date":"2026-11-01","pain":3,"exercises":[{"name":"Wall sit"}]}]},{"patient":{"id":"P2"}}]"#
                .utf8
        ).write(to: log)
        let out = tmp.appendingPathComponent("r")
        let loud = try CLIHarness.run(["review", log.path, "--out", out.path])
        #expect(loud.status == 0, "\(loud.stderr)")
        #expect(loud.stderr.hasPrefix("caseload: warning: \(log.path): "), "\(loud.stderr)")
        #expect(loud.stderr.contains("has no sessions"))
        #expect(!loud.stdout.contains("warning"), "logs never go to stdout")
        let quiet = try CLIHarness.run(["review", log.path, "--out", out.path, "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty && quiet.stdout.isEmpty)
    }

    @Test func configInTheWorkingFolderOrGivenIsUsedAndRecorded() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        // Adherence below 99% is now low: the planted low-adherence patient stays flagged, and more join.
        try Data("[thresholds]\nlow_adherence_pct = 99  # strict clinic\n".utf8)
            .write(to: tmp.appendingPathComponent("caseload.toml"))
        let out = tmp.appendingPathComponent("r")
        let result = try Self.review(["--json"], out: out, in: tmp)
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try Self.json(String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8))
        let thresholds = try #require(manifest["thresholds"] as? [String: Any])
        #expect((thresholds["low_adherence_pct"] as? NSNumber)?.doubleValue == 99)
        let doc = try Self.json(result.stdout)
        let flagged = try #require(doc["follow_up"] as? [[String: Any]]).filter {
            ($0["reasons"] as? [[String: Any]])?.contains { $0["reason"] as? String == "low_adherence" } == true
        }
        let plantedLow = try Samples.expectedReasons().filter { $0.value.contains("low_adherence") }.count
        #expect(flagged.count > plantedLow)

        // --config overrides the working folder's file.
        let other = tmp.appendingPathComponent("other.toml")
        try Data("[thresholds]\nlow_adherence_pct = 50\n".utf8).write(to: other)
        #expect(try Self.review(["--quiet", "--config", other.path], out: out, in: tmp).status == 0)
        let again = try Self.json(String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(((again["thresholds"] as? [String: Any])?["low_adherence_pct"] as? NSNumber)?.doubleValue == 50)
    }

    @Test(arguments: [
        ("[thresholds]\nflare_margin = 0.1\n", "bad.toml:2: flare_margin: 0.1 is outside the valid range 0.5–10 points"),
        ("[thresholds]\n\nnight_pain = 2\n", "bad.toml:3: night_pain: unknown threshold; did you mean night_pain_days?"),
    ])
    func badConfigIsAUsageErrorNamingLineAndKey(text: String, message: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        try Data(text.utf8).write(to: tmp.appendingPathComponent("bad.toml"))
        let out = tmp.appendingPathComponent("r")
        let result = try Self.review(["--config", "bad.toml"], out: out, in: tmp)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("caseload: " + message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func datesAreCalendarDatesInEveryTimeZoneAndLocale() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        var outputs: [String: (stdout: String, files: [String: Data])] = [:]
        let zones = ["UTC", "Pacific/Auckland", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
        for zone in zones {
            // The same --out path each time: the About sheet records the command line.
            let out = tmp.appendingPathComponent("r")
            try? FileManager.default.removeItem(at: out)
            let result = try Self.review(
                ["--json", "--as-of", "2026-11-15"], out: out,
                environment: ["TZ": zone, "LC_ALL": zone == "UTC" ? "C" : "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"])
            #expect(result.status == 0, "\(zone): \(result.stderr)")
            var files: [String: Data] = [:]
            for name in ["patients.csv", "followup.csv", "weekly.csv", "caseload.xlsx", "manifest.json"] {
                files[name] = try Data(contentsOf: out.appendingPathComponent(name))
            }
            outputs[zone] = (result.stdout, files)
            let doc = try Self.json(result.stdout)
            #expect(doc["as_of"] as? String == "2026-11-15", "\(zone)")
        }
        let reference = try #require(outputs["UTC"])
        for zone in zones {
            let other = try #require(outputs[zone])
            #expect(other.stdout == reference.stdout, "\(zone) summary differs from UTC")
            for (name, data) in reference.files { #expect(other.files[name] == data, "\(zone): \(name) differs from UTC") }
        }
        // Week boundaries: 2026-11-15 is a Sunday, so the last ISO week in weekly.csv is 2026-W46 complete.
        let weekly = try String(contentsOf: tmp.appendingPathComponent("r/weekly.csv"), encoding: .utf8)
        #expect(weekly.contains("2026-W46"))
        #expect(!weekly.contains("2026-W47"))
    }

    @Test func outputThatCannotBeAFolderFailsBeforeReading() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let file = tmp.appendingPathComponent("file.txt")
        try Data("x".utf8).write(to: file)
        let asFile = try Self.review([], out: file)
        #expect(asFile.status == 1)
        #expect(asFile.stderr == "caseload: \(file.path): the output path is a file, not a folder\n")
        let under = file.appendingPathComponent("report")
        let underFile = try Self.review([], out: under)
        #expect(underFile.status == 1)
        #expect(underFile.stderr.contains("\(file.path) is a file"))
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }

    @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
    func unwritableOutputFolderFails() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer {
            chmod(tmp.path, 0o700)
            try? FileManager.default.removeItem(at: tmp)
        }
        chmod(tmp.path, 0o500)
        let result = try Self.review([], out: tmp.appendingPathComponent("r"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not writable"))
    }

    @Test(arguments: [
        (["review", "samples", "--quiet", "--json"], 2, "--quiet and --json cannot be used together"),
        (["review", "samples", "--quiet", "--verbose"], 2, "--quiet and --verbose cannot be used together"),
        (["review", "samples", "--top=-1"], 2, "--top must be 0 or more"),
        (["review", "samples", "--as-of", "22/11/2026"], 2, "--as-of '22/11/2026' is not a date in the form YYYY-MM-DD"),
        (["review", "samples", "--config", "no-such.toml"], 2, "no-such.toml: configuration file not found"),
        (["review", "samples", "--roster", "no-such-roster.csv"], 1, "no-such-roster.csv: file not found"),
    ])
    func badReviewInvocations(arguments: [String], status: Int32, message: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("r")
        let result = try CLIHarness.run(arguments + ["--out", out.path])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// A real pseudo-terminal through util-linux `script`, when installed: colour on stdout and a
    /// progress bar on stderr; `NO_COLOR` turns the colour off but not the bar.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalTheSummaryIsColouredAndProgressIsDrawn() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let binary = try CLIHarness.binary.path
        let command = ([binary, "review"] + Samples.inputArguments + ["--out", tmp.appendingPathComponent("r").path])
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let coloured = try CLIHarness.runProcess(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: tmp, environment: ["NO_COLOR": ""])
        #expect(coloured.status == 0, "\(coloured.stdout)")
        #expect(coloured.stdout.contains("\u{1B}[31mworsening_pain\u{1B}[0m"))
        #expect(coloured.stdout.contains("\rlogs.csv ["))
        #expect(coloured.stdout.contains(" rows\u{1B}[K"))
        let plain = try CLIHarness.runProcess(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: tmp, environment: ["NO_COLOR": "1"])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("\u{1B}[31m"))
        #expect(plain.stdout.contains("\rlogs.csv ["))
    }
}
