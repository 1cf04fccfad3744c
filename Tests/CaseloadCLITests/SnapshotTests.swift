import Foundation
import Testing

/// Golden CSVs of the committed samples' report. Re-record on purpose only:
/// `CASELOAD_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`. A missing baseline fails.
@Suite struct SnapshotTests {
    static let snapshots = CLIHarness.packageRoot.appendingPathComponent("Tests/CaseloadCLITests/Snapshots")
    static let recording = ProcessInfo.processInfo.environment["CASELOAD_RECORD_SNAPSHOTS"] == "1"

    @Test func sampleReportCSVsMatchTheGoldenFiles() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        // Relative input paths and the FHIR sample's settings, as in `make report`, so rejected.csv
        // is the same on every checkout.
        let result = try CLIHarness.run(
            ["review", "samples", "--roster", "samples/roster.csv", "--config", "samples/fhir/caseload.toml", "--out", out.path],
            in: CLIHarness.packageRoot)
        #expect(result.status == 0, "stderr: \(result.stderr)")

        for name in ["patients.csv", "followup.csv", "weekly.csv", "rejected.csv"] {
            let actual = try Data(contentsOf: out.appendingPathComponent(name))
            let golden = Self.snapshots.appendingPathComponent("sample-" + name)
            if Self.recording {
                try actual.write(to: golden)
                continue
            }
            guard let expected = try? Data(contentsOf: golden) else {
                Issue.record("missing golden file \(golden.lastPathComponent): record it with CASELOAD_RECORD_SNAPSHOTS=1")
                continue
            }
            if actual != expected {
                let a = String(decoding: actual, as: UTF8.self).components(separatedBy: "\r\n")
                let e = String(decoding: expected, as: UTF8.self).components(separatedBy: "\r\n")
                let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }
                let line = (first?.offset ?? min(a.count, e.count)) + 1
                let got = first?.element.0 ?? "(\(a.count) lines)"
                let want = first?.element.1 ?? "(\(e.count) lines)"
                Issue.record("\(name) differs from its golden file at line \(line):\n  got:      \(got)\n  expected: \(want)")
            }
        }
    }
}
