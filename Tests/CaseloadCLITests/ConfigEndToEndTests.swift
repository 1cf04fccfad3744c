import CaseloadAnalytics
import Foundation
import Testing

/// `caseload config`: the commented file, showing what is in force, and the errors.
@Suite struct ConfigEndToEndTests {
    @Test func initWritesEveryThresholdOnceAndRefusesToOverwrite() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let first = try CLIHarness.run(["config", "--init"], in: tmp)
        #expect(first.status == 0)
        #expect(first.stdout
            == "Wrote caseload.toml: \(Thresholds.settings.count) thresholds and the report settings at their defaults.\n")
        let file = tmp.appendingPathComponent("caseload.toml")
        let text = try String(contentsOf: file, encoding: .utf8)
        for setting in Thresholds.settings {
            #expect(text.components(separatedBy: "\n\(setting.key) = ").count == 2, "\(setting.key) once")
        }
        #expect(text.contains("(MCID, Farrar 2001)"), "clinical sources are in the comments")

        try Data("edited".utf8).write(to: file, options: .atomic)
        let again = try CLIHarness.run(["config", "--init"], in: tmp)
        #expect(again.status == 1)
        #expect(again.stderr == "caseload: caseload.toml already exists; pass --force to replace it\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == "edited")
        #expect(try CLIHarness.run(["config", "--init", "--force"], in: tmp).status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }

    @Test func showsTheValuesInForceAndWhereTheyCameFrom() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let defaults = try CLIHarness.run(["config"], in: tmp)
        #expect(defaults.status == 0)
        #expect(defaults.stdout.hasPrefix("Thresholds in force (defaults; no caseload.toml):"))
        #expect(!defaults.stdout.contains("set (default"))

        try Data("[thresholds]\nflare_margin = 3\n".utf8).write(to: tmp.appendingPathComponent("caseload.toml"))
        let set = try CLIHarness.run(["config"], in: tmp)
        #expect(set.stdout.hasPrefix("Thresholds in force (caseload.toml over the defaults):"))
        let line = try #require(set.stdout.split(separator: "\n").first { $0.hasPrefix("flare_margin ") })
        #expect(line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            == ["flare_margin", "3", "points", "caseload.toml", "(default", "2)"])
        // Every other threshold is the default; the report setting follows the table.
        let lines = set.stdout.split(separator: "\n")
        let rows = lines.dropFirst(2).prefix(Thresholds.settings.count)
        #expect(rows.filter { $0.hasSuffix(" default") }.count == Thresholds.settings.count - 1)
        // Then the follow-up tiers (title, header, one row a reason) and the report setting.
        #expect(lines.count == 2 + Thresholds.settings.count + 2 + FollowUpReason.allCases.count
            + 2 + AuditThresholds.settings.count + 1)
        #expect(lines.last == "Report: patient_sheets = auto (default; review --patient-sheets overrides it)")
        #expect(lines.contains("Follow-up tiers in force:"))

        try Data("[tiers]\nnight_pain = \"soon\"\nswelling = \"urgent\"\n".utf8)
            .write(to: tmp.appendingPathComponent("caseload.toml"))
        let tiers = try CLIHarness.run(["config"], in: tmp)
        let tierLines = tiers.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(tierLines.contains("night_pain soon caseload.toml (default urgent)"))
        #expect(tierLines.contains("swelling urgent caseload.toml (= default)"))
        #expect(tierLines.contains("long_sessions routine default"))

        try Data("[report]\npatient_sheets = \"follow-up\"\n".utf8).write(to: tmp.appendingPathComponent("caseload.toml"))
        let report = try CLIHarness.run(["config"], in: tmp)
        #expect(report.stdout.hasSuffix(
            "Report: patient_sheets = follow-up (caseload.toml; review --patient-sheets overrides it)\n"))
    }

    @Test(arguments: [
        (["config", "--init", "--config", "x.toml"], 2, "--init and --config cannot be used together"),
        (["config", "--force"], 2, "--output and --force go with --init"),
        (["config", "--config", "missing.toml"], 2, "missing.toml: configuration file not found"),
        (["config", "--init", "--output", "/proc/no/such/dir/caseload.toml"], 1, "cannot write the configuration file"),
    ])
    func badConfigInvocations(arguments: [String], status: Int32, message: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try CLIHarness.run(arguments, in: tmp)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Every threshold at the edge of its valid range still gives a complete report: the ranges
    /// in the catalogue are safe for the analytics.
    @Test(arguments: ["lower", "upper"])
    func everyThresholdAtTheEdgeOfItsRangeStillReviews(edge: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let lines = Thresholds.settings.map { setting -> String in
            let value = edge == "lower" ? setting.range.lowerBound : setting.range.upperBound
            return "\(setting.key) = \(value)"
        }
        try Data((["[thresholds]"] + lines).joined(separator: "\n").utf8).write(to: tmp.appendingPathComponent("edge.toml"))
        let out = tmp.appendingPathComponent("r")
        let result = try CLIHarness.run(
            ["review"] + Samples.inputArguments + ["--config", "edge.toml", "--out", out.path, "--json"], in: tmp)
        #expect(result.status == 0, "\(result.stderr)")
        try OutputContract.expectHolds(out)
    }

    @Test func badFileInTheWorkingFolderStopsEveryCommandThatReadsIt() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        try Data("[thresholds]\nbaseline_days = 0\n".utf8).write(to: tmp.appendingPathComponent("caseload.toml"))
        let message = "caseload: caseload.toml:2: baseline_days: 0 is outside the valid range 1–28 days\n"
        for arguments in [["config"], ["check"] + Samples.inputArguments, ["patient", "P0001"] + Samples.inputArguments,
            ["review"] + Samples.inputArguments + ["--out", tmp.appendingPathComponent("r").path]] {
            let result = try CLIHarness.run(arguments, in: tmp)
            #expect(result.status == 2, "\(arguments[0])")
            #expect(result.stderr == message, "\(arguments[0]): \(result.stderr)")
        }
    }
}
