import Foundation

/// The committed samples and what their generator planted, read from `samples/README.md`
/// (written by the generator from its scenarios, not by the review).
enum Samples {
    static let folder = CLIHarness.packageRoot.appendingPathComponent("samples")
    static let roster = folder.appendingPathComponent("roster.csv")
    /// The samples' end date, stated in samples/README.md.
    static let endDate = "2026-11-22"

    /// `review`/`check`/`patient` arguments for the samples with the roster.
    static var inputArguments: [String] { [folder.path, "--roster", roster.path] }

    /// The FHIR sample: a Bulk export of six more patients (`F0001`…), written by
    /// `caseload generate --format fhir-bulk`, with its own README and caseload.toml.
    static let fhirFolder = folder.appendingPathComponent("fhir")

    /// The scenario tables: the CSV samples' (`| Patient | Clinician | Log | Scenario | Expected reasons |`)
    /// and the FHIR sample's (`| Patient | Clinician | Scenario | Expected reasons |`), as
    /// (ID, clinician, reasons cell).
    static func tableRows() throws -> [(id: String, clinician: String, reasons: String)] {
        var rows: [(String, String, String)] = []
        for (readme, reasonsColumn) in [(folder, 4), (fhirFolder, 3)] {
            let text = try String(contentsOf: readme.appendingPathComponent("README.md"), encoding: .utf8)
            for line in text.split(separator: "\n") where isPatientRow(line) {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count > reasonsColumn else { continue }
                rows.append((cells[0], cells[1], cells[reasonsColumn]))
            }
        }
        return rows
    }

    /// Expected follow-up reasons by patient, from both scenario tables (empty for "none").
    static func expectedReasons() throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for row in try tableRows() { result[row.id] = row.reasons == "none" ? [] : Set(row.reasons.components(separatedBy: ", ")) }
        return result
    }

    /// True for a scenario-table row (`| P0001 | …`, `| F0001 | …`), false for the header and everything else.
    static func isPatientRow(_ line: Substring) -> Bool {
        guard let id = line.split(separator: "|").first?.trimmingCharacters(in: .whitespaces),
              let first = id.first, first.isASCII, first.isUppercase
        else { return false }
        return id.dropFirst().allSatisfy(\.isNumber) && id.count > 1
    }

    /// Expected clinician by patient, from the same tables.
    static func clinicians() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try tableRows() { result[row.id] = row.clinician }
        return result
    }

    /// True when every line of `stderr` is one of the FHIR sample's file warnings (its manifest,
    /// its line that is not JSON, the readiness and PROM Observations a review without the sample's
    /// caseload.toml does not read): what a run over `samples` prints besides its output.
    static func onlyFHIRSampleWarnings(_ stderr: String) -> Bool {
        stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("caseload: warning: ") && $0.contains("samples/fhir/") }
    }
}
