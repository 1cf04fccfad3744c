import CaseloadAnalytics
import Foundation
import Testing

@testable import CaseloadExport

@Suite struct ReportWriterTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func slicesRenumberPrioritiesAndPutUnassignedLast() {
        let slices = Caseloads.slices(of: ReportFixtures.analysis.patients, rejected: ReportFixtures.context.rejected)
        #expect(slices.map(\.name) == ["Dr Adams", "Dr Ng", "Unassigned"])
        let ng = slices[1]
        #expect(ng.patients.map(\.patientID) == ["P03", "P02"])
        #expect(ng.patients.map(\.priority) == [1, 2])
        #expect(ng.rejected.map(\.line) == [3])
        #expect(slices[2].patients.map(\.priority) == [1])
        #expect(slices[0].patients.map(\.priority) == [nil])
    }

    @Test func writesEveryCSVAndAManifestThatAccountsForThem() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report").path
        let report = try ReportWriter.write(analysis: ReportFixtures.analysis, context: ReportFixtures.context, to: out)
        for name in ["patients.csv", "followup.csv", "weekly.csv", "rejected.csv", "manifest.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        for slug in ["dr-adams", "dr-ng", "unassigned"] {
            #expect(FileManager.default.fileExists(atPath: out + "/caseloads/\(slug)/patients.csv"))
        }
        let followUp = try String(contentsOfFile: out + "/followup.csv", encoding: .utf8)
        let lines = followUp.split(separator: "\r\n")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("P03,Dr Ng,1,persistent_flare;night_pain,yes,"))
        #expect(followUp.contains("evidence for low_adherence =1+1"))

        let manifestData = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["as_of"] as? String == "2026-11-22")
        let thresholds = try #require(manifest["thresholds"] as? [String: Any])
        #expect(thresholds["flare_margin"] as? Double == 2.0)
        #expect(thresholds["trend_window_days"] as? Int == 21)
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(outputs.count == report.outputs.count)
        let paths = Set(outputs.compactMap { $0["path"] as? String })
        #expect(paths.contains("caseloads/dr-ng/followup.csv"))
        let totals = try #require(manifest["totals"] as? [String: Int])
        #expect(totals["rows_read"] == 10 && totals["rows_duplicate"] == 1)
        let patientsCSV = try Data(contentsOf: URL(fileURLWithPath: out + "/patients.csv"))
        let entry = try #require(outputs.first { $0["path"] as? String == "patients.csv" })
        #expect(entry["bytes"] as? Int == patientsCSV.count)
    }

    /// The tiers in force reach every workbook of the report, the caseload folders' too, and the manifest.
    @Test func tierOverridesReachEveryWorkbookAndTheManifest() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var analysis = ReportFixtures.analysis
        analysis.tiers = FollowUpTiers(overrides: [.plateau: .routine])
        let out = root.appendingPathComponent("report").path
        let report = try ReportWriter.write(analysis: analysis, context: ReportFixtures.context, to: out)
        let workbooks = ["caseload.xlsx"] + report.caseloads.map { "caseloads/\($0.slug)/caseload.xlsx" }
        #expect(workbooks.count == 4)
        for path in workbooks {
            let about = try XLSXFile(path: out + "/" + path).sheet("About")
            let row = try #require(about.rows.first { about["B\($0)"]?.text == "plateau" }, "\(path)")
            #expect(about["C\(row)"]?.text == "routine", "\(path)")
            #expect(about["D\(row)"]?.text?.contains("[tiers] in caseload.toml (default soon)") == true, "\(path)")
        }
        let manifest = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"plateau\": \"routine\""))
    }

    /// A staging folder left by a run that was killed is removed by the next run; one of a run
    /// still going (here this test's parent process) is left alone.
    @Test func stagingFoldersOfKilledRunsAreRemoved() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()  // its pid now belongs to no process
        let dead = root.path + "/.report.tmp-\(finished.processIdentifier)"
        let alive = root.path + "/.report.tmp-\(getppid())"
        let other = root.path + "/.other.tmp-\(finished.processIdentifier)"
        for folder in [dead, alive, other] {
            try FileManager.default.createDirectory(atPath: folder + "/caseloads", withIntermediateDirectories: true)
        }
        _ = try ReportWriter.write(
            analysis: ReportFixtures.analysis, context: ReportFixtures.context, to: root.path + "/report")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
        #expect(left == ["report", ".report.tmp-\(getppid())", ".other.tmp-\(finished.processIdentifier)"])
    }

    @Test func failedWriteLeavesThePreviousReportUntouchedAndNoPartialFiles() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report").path
        _ = try ReportWriter.write(analysis: ReportFixtures.analysis, context: ReportFixtures.context, to: out)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))

        var changed = ReportFixtures.analysis
        changed.patients.removeLast()
        // The failure names a file in the hidden staging folder, as a real write error would.
        let staging = root.path + "/.report.tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let error = #expect(throws: ExportError.self) {
            _ = try ReportWriter.write(
                analysis: changed, context: ReportFixtures.context, to: out,
                afterEachFile: { path in
                    if path.hasPrefix("caseloads/") { throw ExportError(path: staging + "/" + path, reason: "disk full") }
                })
        }
        #expect(error?.reason == "disk full")
        #expect(error?.path.hasPrefix(out + "/caseloads/") == true, "the error names --out, not the staging folder")
        let after = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))
        #expect(before == after)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(leftovers == ["report"])
    }

    @Test func sameInputsGiveByteIdenticalCSVs() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try ReportWriter.write(analysis: ReportFixtures.analysis, context: ReportFixtures.context, to: root.path + "/a")
        let b = try ReportWriter.write(analysis: ReportFixtures.analysis, context: ReportFixtures.context, to: root.path + "/b")
        #expect(a.outputs == b.outputs)
    }
}
