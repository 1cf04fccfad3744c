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

    /// Expected follow-up reasons by patient, from the README's scenario table (empty for "none").
    static func expectedReasons() throws -> [String: Set<String>] {
        let text = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        var result: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where isPatientRow(line) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let id = cells.first else { continue }
            let reasons = cells[4] == "none" ? [] : cells[4].components(separatedBy: ", ")
            result[id] = Set(reasons)
        }
        return result
    }

    /// True for a scenario-table row (`| P0001 | …`), false for the header and everything else.
    static func isPatientRow(_ line: Substring) -> Bool {
        guard let id = line.split(separator: "|").first?.trimmingCharacters(in: .whitespaces), id.hasPrefix("P") else {
            return false
        }
        return id.dropFirst().allSatisfy(\.isNumber) && id.count > 1
    }

    /// Expected clinician by patient, from the same table.
    static func clinicians() throws -> [String: String] {
        let text = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where isPatientRow(line) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2 { result[cells[0]] = cells[1] }
        }
        return result
    }
}
