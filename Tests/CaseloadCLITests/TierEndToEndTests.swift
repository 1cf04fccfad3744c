import Foundation
import Testing

/// Follow-up tiers through the built binary (issue 14 §5): the CSV columns, the manifest, `--json`,
/// the terminal table, and `[tiers]` in caseload.toml changing the order.
@Suite(.serialized) struct TierEndToEndTests {
    static let samples = CLIHarness.packageRoot.appendingPathComponent("samples")

    /// Rows of a CSV file (no quoted line breaks in the columns read here), header first.
    static func rows(_ file: URL) throws -> [[String]] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\r\n").map { line in
            // The explanation column holds quoted commas; the tier is the last field, unquoted.
            line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func review(_ out: URL, config: URL? = nil, extra: [String] = []) throws -> CLIResult {
        try CLIHarness.run(
            ["review", samples.path, "--roster", samples.appendingPathComponent("roster.csv").path, "--out", out.path]
                + (config.map { ["--config", $0.path] } ?? []) + extra)
    }

    @Test func tiersShowInEveryOutput() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let result = try Self.review(out)
        #expect(result.status == 0, "\(result.stderr)")

        let patients = try Self.rows(out.appendingPathComponent("patients.csv"))
        #expect(patients[0].last == "tier")
        let followup = try Self.rows(out.appendingPathComponent("followup.csv"))
        #expect(followup[0].last == "tier")
        let tiers = followup.dropFirst().map { $0.last ?? "" }
        #expect(!tiers.isEmpty && tiers.allSatisfy { ["urgent", "soon", "routine"].contains($0) })
        // Ordered by tier: no urgent patient after a soon one, no soon after a routine one.
        let ranks = tiers.map { ["urgent": 0, "soon": 1, "routine": 2][$0] ?? 9 }
        #expect(ranks == ranks.sorted())
        // Patients without follow-up have an empty tier.
        let followupCol = try #require(patients[0].firstIndex(of: "followup"))
        for row in patients.dropFirst() where row[followupCol] == "no" { #expect(row.last == "") }

        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json")))
                as? [String: Any])
        let inForce = try #require(manifest["tiers"] as? [String: String])
        #expect(inForce.count == 10)
        #expect(inForce["night_pain"] == "urgent" && inForce["long_sessions"] == "routine")

        // The terminal table has a tier column.
        #expect(result.stdout.contains("#   tier"))
        let firstRow = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("1 ") })
        #expect(firstRow.contains(" \(tiers[0]) "))

        // --json carries the tier per patient and per reason.
        let json = try CLIHarness.run(
            ["review", Self.samples.path, "--roster", Self.samples.appendingPathComponent("roster.csv").path,
             "--out", tmp.appendingPathComponent("j").path, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let list = try #require(document["follow_up"] as? [[String: Any]])
        #expect(list.compactMap { $0["tier"] as? String } == tiers)
        let reasons = try #require(list.first?["reasons"] as? [[String: Any]])
        #expect(reasons.allSatisfy { ["urgent", "soon", "routine"].contains($0["tier"] as? String ?? "") })
    }

    /// Making every reason routine except low adherence (urgent) puts the low-adherence patients first.
    @Test func configuredTiersReorderTheFollowUpList() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let config = tmp.appendingPathComponent("clinic.toml")
        let lines = ["worsening_pain", "persistent_flare", "high_exercise_pain", "swelling", "night_pain",
                     "readiness_failures", "plateau", "no_recent_data", "long_sessions"].map { "\($0) = \"routine\"" }
        try Data(("[tiers]\nlow_adherence = \"urgent\"\n" + lines.joined(separator: "\n") + "\n").utf8).write(to: config)
        let out = tmp.appendingPathComponent("report")
        let result = try Self.review(out, config: config, extra: ["--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let followup = try Self.rows(out.appendingPathComponent("followup.csv"))
        let reasonsCol = try #require(followup[0].firstIndex(of: "followup_reasons"))
        let body = followup.dropFirst()
        let urgent = body.filter { $0.last == "urgent" }
        #expect(!urgent.isEmpty)
        #expect(urgent.allSatisfy { $0[reasonsCol].contains("low_adherence") })
        #expect(body.prefix(urgent.count).allSatisfy { $0.last == "urgent" })
        #expect(body.dropFirst(urgent.count).allSatisfy { $0.last == "routine" })
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"low_adherence\": \"urgent\""))
        #expect(manifest.contains("\"night_pain\": \"routine\""))
    }

    @Test func aBadTierStopsTheRunNamingTheLine() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let config = tmp.appendingPathComponent("clinic.toml")
        try Data("[tiers]\n\nnight_pain = \"asap\"\n".utf8).write(to: config)
        let out = tmp.appendingPathComponent("report")
        let result = try Self.review(out, config: config)
        #expect(result.status == 2)
        #expect(result.stderr.contains("clinic.toml:3: night_pain: takes one of \"urgent\", \"soon\", \"routine\""))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
