import CaseloadModel
import CaseloadSynthetic
import Foundation
import Testing

/// A generated caseload with known scenarios, reviewed by the binary: each scenario's
/// follow-up reasons must come back, and clean patients must not be flagged.
@Suite struct ScenarioRecoveryTests {
    /// Reads `followup.csv` into patient → set of reason identifiers.
    func followUpReasons(_ folder: URL) throws -> [String: Set<String>] {
        let text = try String(contentsOf: folder.appendingPathComponent("patients.csv"), encoding: .utf8)
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = lines.removeFirst().components(separatedBy: ",")
        let idColumn = try #require(header.firstIndex(of: "patient_id"))
        let reasonColumn = try #require(header.firstIndex(of: "followup_reasons"))
        var result: [String: Set<String>] = [:]
        for line in lines {
            // Identifiers and reason lists hold no commas or quotes, and they come before any free text.
            let fields = line.components(separatedBy: ",")
            result[fields[idColumn]] = Set(fields[reasonColumn].split(separator: ";").map(String.init))
        }
        return result
    }

    @Test func reviewRecoversEveryPlantedScenario() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let data = tmp.appendingPathComponent("data")
        let end = try #require(CalendarDate(iso: "2026-11-22"))
        let config = SyntheticConfig(patients: 60, days: 63, seed: 42, endDate: end)
        let generate = try CLIHarness.run(
            ["generate", "--patients", "60", "--days", "63", "--seed", "42", "--end-date", "2026-11-22", "--out", data.path])
        #expect(generate.status == 0, "stderr: \(generate.stderr)")
        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(
            ["review", data.path, "--roster", data.appendingPathComponent("roster.csv").path, "--as-of", "2026-11-22",
             "--out", out.path])
        #expect(review.status == 0, "stderr: \(review.stderr)")
        try OutputContract.expectHolds(out)
        let found = try followUpReasons(out)

        let truth = SyntheticCaseload.patients(config)
        #expect(Set(truth.map(\.scenario)) == Set(Scenario.allCases), "every scenario is planted")
        var misses: [String] = []
        for patient in truth {
            let id = patient.roster.patientID
            let got = found[id] ?? []
            let missing = patient.expectedReasons.subtracting(got)
            if !missing.isEmpty {
                misses.append("\(id) (\(patient.scenario.rawValue)): expected \(missing.sorted()), got \(got.sorted())")
            }
            if patient.expectedReasons.isEmpty && !got.isEmpty {
                misses.append("\(id) (\(patient.scenario.rawValue)): expected no follow-up, got \(got.sorted())")
            }
        }
        let report = misses.joined(separator: "\n")
        #expect(misses.isEmpty, "\(misses.count) scenario mismatches:\n\(report)")
    }
}
