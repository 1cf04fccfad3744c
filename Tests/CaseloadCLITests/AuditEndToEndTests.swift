import Foundation
import Testing

/// `caseload audit` through the built binary (issue 16): the folder, the exact CSV columns, the
/// PROM file found beside the logs, pseudonymisation, --json, and bad usage.
@Suite(.serialized) struct AuditEndToEndTests {
    static let samples = CLIHarness.packageRoot.appendingPathComponent("samples")

    static func rows(_ file: URL) throws -> [[String]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func audit(_ extra: [String], out: URL) throws -> CLIResult {
        try CLIHarness.run(
            ["audit", samples.path, "--roster", samples.appendingPathComponent("roster.csv").path,
             "--from", "2026-10-01", "--to", "2026-11-22", "--out", out.path] + extra)
    }

    @Test func samplesAuditWritesEveryFileWithTheExactColumns() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("audit")
        let result = try Self.audit(["--verbose"], out: out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("proms.csv as the PROM file"))
        #expect(result.stdout.contains("All patients"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["audit-clinicians.csv", "audit-patients.csv", "audit.xlsx", "manifest.json", "rejected.csv"])

        let patients = try Self.rows(out.appendingPathComponent("audit-patients.csv"))
        #expect(patients[0] == [
            "patient_id", "clinician", "program_start", "episode_end", "status", "days", "baseline_pain", "final_pain",
            "change", "pct_change", "complete", "mcid_reached", "days_to_mcid", "adherence_pct", "prom_instrument",
            "prom_baseline", "prom_final", "prom_change", "prom_mic_reached",
        ])
        #expect(patients.count == 37, "30 CSV patients and the FHIR sample's 6, and the header")
        // The columns are the ones docs/OUTPUTS.md documents, in its order.
        let documented = try OutputContract.documented.get()
        #expect(documented.columns["audit-patients.csv"]?.map(\.name) == patients[0])
        let status = Set(patients.dropFirst().map { $0[4] })
        #expect(status == ["active", "discharged", "lapsed"], "the samples hold every status")
        #expect(patients.dropFirst().contains { $0[14] == "koos_pf" } && patients.dropFirst().contains { $0[14] == "akps" })
        let clinicians = try Self.rows(out.appendingPathComponent("audit-clinicians.csv"))
        #expect(clinicians[0] == [
            "clinician", "patients", "complete", "completeness_pct", "mcid_reached", "mcid_pct", "mcid_ci_low",
            "mcid_ci_high", "median_change", "median_days_to_mcid", "median_adherence_pct", "discharged", "active",
            "lapsed", "prom_complete", "prom_mic_pct",
        ])
        #expect(clinicians.last?.first == "All patients")
        #expect(documented.columns["audit-clinicians.csv"]?.map(\.name) == clinicians[0])
        let sum = clinicians.dropFirst().dropLast().reduce(0) { $0 + (Int($1[1]) ?? 0) }
        #expect(Int(clinicians.last?[1] ?? "") == sum)

        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["role"] as? String == "proms" })
        for input in inputs {
            let read = input["rows_read"] as? Int ?? -1
            let parts = ["rows_accepted", "rows_rejected", "rows_duplicate"].map { input[$0] as? Int ?? -1 }
            #expect(read == parts.reduce(0, +), "\(input["path"] ?? "")")
        }
        let rejected = try Self.rows(out.appendingPathComponent("rejected.csv"))
        let totals = try #require(manifest["totals"] as? [String: Int])
        #expect(rejected.count - 1 == totals["rows_rejected"])
        #expect((manifest["audit"] as? [String: Any])?["koos_pf_mic"] as? Double == 16.4)

        // The same run again gives the same bytes (the workbook too).
        let first = try Data(contentsOf: out.appendingPathComponent("audit.xlsx"))
        #expect(try Self.audit(["--verbose"], out: out).status == 0)
        #expect(try Data(contentsOf: out.appendingPathComponent("audit.xlsx")) == first)
    }

    /// Review finding: `--out` naming a folder that is not a caseload report (here the exports
    /// themselves) must not replace it; a new, an empty or an earlier report folder may be.
    @Test(arguments: ["review", "audit"])
    func outNeverReplacesAFolderThatIsNotAReport(command: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let exports = tmp.appendingPathComponent("exports")
        try FileManager.default.copyItem(at: Self.samples, to: exports)
        let before = try FileManager.default.contentsOfDirectory(atPath: exports.path).sorted()
        let period = command == "audit" ? ["--from", "2026-10-01", "--to", "2026-11-22"] : []
        let result = try CLIHarness.run([command, exports.path] + period + ["--out", exports.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not a caseload report"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: exports.path).sorted() == before)
        // An empty folder is fine, and so is replacing the report just written.
        let empty = tmp.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try CLIHarness.run([command, exports.path] + period + ["--out", empty.path, "--quiet"]).status == 0)
        #expect(try CLIHarness.run([command, exports.path] + period + ["--out", empty.path, "--quiet"]).status == 0)
    }

    @Test func reviewLeavesThePROMFileOut() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try CLIHarness.run(["check", Self.samples.path, "--verbose"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("proms.csv"))
        #expect(result.stderr.contains("proms.csv holds PROM scores, not a log"))
    }

    @Test func jsonCarriesTheCliniciansAndOutliers() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try Self.audit(["--json", "--config", tmp.appendingPathComponent("c.toml").path], out: tmp.appendingPathComponent("a"))
        #expect(result.status == 2, "a missing --config is a usage error")
        try Data("[audit]\nmcid_points = 1.2\n".utf8).write(to: tmp.appendingPathComponent("c.toml"))
        let json = try Self.audit(["--json", "--config", tmp.appendingPathComponent("c.toml").path], out: tmp.appendingPathComponent("a"))
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["clinicians"] as? [[String: Any]])
        #expect(rows.last?["clinician"] as? String == "All patients")
        #expect(document["outliers"] is [String])
        #expect(document["from"] as? String == "2026-10-01")
        let manifest = try String(contentsOf: tmp.appendingPathComponent("a/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"mcid_points\": 1.2"))
    }

    @Test func pseudonymisedAuditHoldsNoIdentifierOrName() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let inputs = try OutputSafetyTests.writePseudonymInputs(in: tmp)
        let proms = tmp.appendingPathComponent("scores.csv")
        try Data("patient_id,date,instrument,score\nZELDA7731,2026-03-02,koos_pf,40\nZELDA7731,2026-03-05,koos_pf,61\nOKONKWO6620,2026-03-04,akps,500\n".utf8)
            .write(to: proms)
        let key = tmp.appendingPathComponent("k1")
        try Data((0..<32).map { UInt8($0 * 5 % 256) }).write(to: key)
        let period = ["--from", "2026-03-01", "--to", "2026-03-31", "--proms", proms.path]
        let plain = tmp.appendingPathComponent("plain")
        #expect(try CLIHarness.run(["audit"] + inputs + period + ["--out", plain.path, "--quiet"]).status == 0)
        let plainBytes = try OutputSafetyTests.allOutputBytes(plain).values.reduce(Data(), +)
        #expect(plainBytes.range(of: Data("ZELDA7731".utf8)) != nil, "control run lacks the ID")

        let out = tmp.appendingPathComponent("audit")
        let result = try CLIHarness.run(
            ["audit"] + inputs + period + ["--out", out.path, "--quiet", "--pseudonymize", "--key-file", key.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try OutputSafetyTests.allOutputBytes(out)
        #expect(files.keys.contains { $0.hasPrefix("audit.xlsx!xl/worksheets/") })
        var secrets = OutputSafetyTests.patientIDs + OutputSafetyTests.names
        secrets += OutputSafetyTests.names.flatMap { $0.split(separator: " ").map(String.init) }
        for (path, data) in files {
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(path)")
            }
        }
        let patients = try Self.rows(out.appendingPathComponent("audit-patients.csv"))
        #expect(patients.dropFirst().allSatisfy { $0[0].hasPrefix("p-") })
        #expect(patients.dropFirst().contains { $0[14] == "koos_pf" && $0[17] == "21.0" })
    }

    @Test(arguments: [
        (["--from", "2026-13-01", "--to", "2026-11-22"], "--from '2026-13-01' is not a date"),
        (["--from", "2026-11-22", "--to", "2026-10-01"], "is after --to"),
        (["--from", "2026-10-01", "--to", "2026-11-22", "--as-of", "2026-11-22"], "--as-of does not apply"),
        (["--from", "2026-10-01", "--to", "2026-11-22", "--quiet", "--json"], "cannot be used together"),
        (["--from", "2026-10-01"], "--to"),
    ])
    func usageErrorsExitTwo(arguments: [String], mentions: String) throws {
        let result = try CLIHarness.run(["audit", Self.samples.path] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
    }

    @Test func helpHasExamples() throws {
        let help = try CLIHarness.run(["audit", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("caseload audit exports/ --from 2026-07-01 --to 2026-09-30 --proms proms.csv"))
    }
}
