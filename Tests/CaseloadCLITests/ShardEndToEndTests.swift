import CaseloadAnalytics
import CaseloadModel
import CaseloadShard
import Foundation
import Testing

/// `caseload plan` → `shard` × N (separate processes) → `merge` against `review --plan`, and every
/// refusal of the merge (docs/SCALING.md).
@Suite("Sharded runs, end to end")
struct ShardEndToEndTests {
    /// A work folder with a copy of the samples (messy export: duplicates across files, rows
    /// without a patient, rejected rows), so tests may change inputs.
    struct Work {
        var root: URL
        var plan: String { root.appendingPathComponent("work/plan.json").path }

        init() throws {
            root = try CLIHarness.temporaryDirectory()
            try FileManager.default.copyItem(
                at: CLIHarness.packageRoot.appendingPathComponent("samples"), to: root.appendingPathComponent("samples"))
        }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
            try CLIHarness.run(arguments, in: root, environment: environment)
        }

        /// Plans the samples as of their last day into `work/plan.json`.
        func makePlan(shards: Int, extra: [String] = []) throws {
            let result = try run(
                ["plan", "samples", "--roster", "samples/roster.csv", "--as-of", "2026-11-22", "--shards", "\(shards)",
                 "--out", "work/plan.json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
        }

        /// Runs every shard as its own process.
        func runShards(_ indices: Range<Int>) throws {
            for index in indices {
                let result = try run(["shard", "--plan", "work/plan.json", "--index", "\(index)", "--quiet"])
                #expect(result.status == 0, "shard \(index): \(result.stderr)")
            }
        }

        func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

        func shardFolder(_ index: Int, of count: Int) -> String {
            path("work/shards/shard-" + String(format: "%05d", index) + "-of-" + String(format: "%05d", count))
        }
    }

    /// Every file of `a` and `b`, relative, sorted.
    static func files(_ root: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [String] = []
        while let next = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(next).path, isDirectory: &isDirectory),
               !isDirectory.boolValue
            {
                out.append(next)
            }
        }
        return out.sorted()
    }

    /// Checks that the merged report is the single one byte for byte, but for the manifest's one
    /// added `execution` object.
    static func expectSameReport(merged: URL, single: URL, shards: Int) throws {
        let names = try files(merged)
        #expect(names == (try files(single)))
        #expect(names.contains("caseload.xlsx") && names.contains("rejected.csv"))
        for name in names where name != "manifest.json" {
            let a = try Data(contentsOf: merged.appendingPathComponent(name))
            let b = try Data(contentsOf: single.appendingPathComponent(name))
            #expect(a == b, "\(name) differs")
        }
        let manifest = String(decoding: try Data(contentsOf: merged.appendingPathComponent("manifest.json")), as: UTF8.self)
        let reference = String(decoding: try Data(contentsOf: single.appendingPathComponent("manifest.json")), as: UTF8.self)
        let marker = ",\n  \"execution\": {"
        let cut = try #require(manifest.range(of: marker), "the merged manifest has no execution object")
        #expect(String(manifest[..<cut.lowerBound]) + "\n}\n" == reference)
        let execution = String(manifest[cut.lowerBound...])
        #expect(execution.contains("\"mode\": \"sharded\""))
        #expect(execution.contains("\"shards\": \(shards)"))
        #expect(!reference.contains("\"execution\""))
    }

    @Test("plan → shard × N → merge equals review --plan", arguments: [1, 2, 3, 7])
    func shardedEqualsSingle(shards: Int) throws {
        let work = try Work()
        try work.makePlan(shards: shards, extra: ["--hash"])
        try work.runShards(0..<shards)
        let status = try work.run(["plan-status", "work/plan.json", "--missing"])
        #expect(status.status == 0 && status.stdout.isEmpty)
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("7956 rows = 7850 used + 8 rejected + 98 duplicate"))
        #expect(!merge.stdout.contains("Sheet cut"), "nothing of the samples reaches Excel's row limit")
        let single = try work.run(["review", "--plan", "work/plan.json", "--out", "single", "--quiet"])
        #expect(single.status == 0, "\(single.stderr)")
        try Self.expectSameReport(merged: work.root.appendingPathComponent("merged"),
                                  single: work.root.appendingPathComponent("single"), shards: shards)
        // A plain review of the same options writes the same CSVs (its workbooks and manifest show its
        // own command line, with --out; the sharded run shows the plan's).
        let plain = try work.run(["review", "samples", "--roster", "samples/roster.csv", "--as-of", "2026-11-22",
                                  "--out", "plain", "--quiet"])
        #expect(plain.status == 0)
        let manifest = String(decoding: try Data(contentsOf: work.root.appendingPathComponent("single/manifest.json")), as: UTF8.self)
        #expect(manifest.contains(#""command_line": "caseload review samples --roster samples/roster.csv --as-of 2026-11-22""#))
        for name in ["patients.csv", "followup.csv", "weekly.csv", "rejected.csv"] {
            #expect(try Data(contentsOf: work.root.appendingPathComponent("plain/" + name))
                == Data(contentsOf: work.root.appendingPathComponent("single/" + name)), "\(name)")
        }
    }

    /// Sheets past the row limit: a caseload generated here (120 patients, 6 weeks) and a limit lowered
    /// to 100 rows by `CASELOAD_TEST_SHEET_ROW_LIMIT` (honoured by debug builds only), so the Patients and
    /// Weekly sheets of the run's workbook and the Weekly sheets of the caseloads' are cut as Excel's
    /// 1,048,576 rows would cut a run of about 87,000 patients. The merge cuts exactly what `review --plan`
    /// cuts (same bytes), says so in its summary and in `--json`, and the CSVs keep every row.
    @Test("past the row limit: merge cuts the sheets review --plan cuts, says so, and the CSVs keep every row")
    func sheetsCutAtTheRowLimitThroughMerge() throws {
        let work = try Work()
        let generated = try work.run(["generate", "--patients", "120", "--days", "42", "--seed", "5", "--out", "gen"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let plan = try work.run(["plan", "gen", "--roster", "gen/roster.csv", "--as-of", "2026-11-22", "--shards", "3",
                                 "--out", "work/plan.json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        try work.runShards(0..<3)
        let limit = ["CASELOAD_TEST_SHEET_ROW_LIMIT": "100"]
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"], environment: limit)
        #expect(merge.status == 0, "\(merge.stderr)")
        let single = try work.run(["review", "--plan", "work/plan.json", "--out", "single"], environment: limit)
        #expect(single.status == 0, "\(single.stderr)")
        try Self.expectSameReport(merged: work.root.appendingPathComponent("merged"),
                                  single: work.root.appendingPathComponent("single"), shards: 3)

        func cutLines(_ text: String) -> [String] {
            text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Sheet cut at the row limit: ") }
        }
        let cuts = cutLines(merge.stdout)
        #expect(cuts == cutLines(single.stdout))
        func dataRows(_ csv: String) throws -> Int {
            // Records end in CRLF (one Character in Swift), and no field here holds a line break.
            try Data(contentsOf: work.root.appendingPathComponent("merged/" + csv)).filter { $0 == 0x0A }.count - 1
        }
        let patients = try dataRows("patients.csv")
        let weekly = try dataRows("weekly.csv")
        #expect(patients == 120 && weekly > 120 * 5)
        let prefix = "Sheet cut at the row limit: "
        #expect(cuts.contains { $0.hasPrefix(prefix + "caseload.xlsx, sheet Patients: ")
            && $0.contains(" of \(patients) patients not shown (a worksheet holds at most 100 rows; the CSVs list them all)") })
        #expect(cuts.contains { $0.hasPrefix(prefix + "caseload.xlsx, sheet Weekly: ")
            && $0.contains(" of \(weekly.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) weekly rows not shown") })
        #expect(cuts.contains { $0.hasPrefix(prefix + "caseloads/") && $0.contains("/caseload.xlsx, sheet Weekly: ") })

        // --json lists the same cuts; the rows left out are the rows not shown.
        let json = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged-json", "--json"], environment: limit)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let listed = try #require(document["sheets_cut"] as? [[String: Any]])
        #expect(listed.count == cuts.count)
        for cut in listed {
            let rows = cut["rows"] as? Int ?? -1, shown = cut["shown"] as? Int ?? -1
            #expect(cut["left_out"] as? Int == rows - shown && shown > 0 && shown < 100 && cut["limit"] as? Int == 100)
        }
        let run = try #require(listed.first { $0["workbook"] as? String == "caseload.xlsx" && $0["sheet"] as? String == "Weekly" })
        #expect(run["rows"] as? Int == weekly && run["what"] as? String == "weekly rows")
    }

    @Test("a pseudonymised run: sharded by pseudonym, identical to review --plan, no ID or key in the shards")
    func pseudonymizedShardsMergeIdentically() throws {
        let work = try Work()
        let key = Data((0..<48).map { UInt8(($0 * 37 + 11) % 256) })
        try key.write(to: work.root.appendingPathComponent("key.bin"))
        try work.makePlan(shards: 3, extra: ["--pseudonymize", "--key-file", "key.bin", "--patient-sheets", "all"])
        try work.runShards(0..<3)
        #expect(try work.run(["merge", "--plan", "work/plan.json", "--out", "merged", "--quiet"]).status == 0)
        #expect(try work.run(["review", "--plan", "work/plan.json", "--out", "single", "--quiet"]).status == 0)
        try Self.expectSameReport(merged: work.root.appendingPathComponent("merged"),
                                  single: work.root.appendingPathComponent("single"), shards: 3)
        let plan = String(decoding: try Data(contentsOf: URL(fileURLWithPath: work.plan)), as: UTF8.self)
        #expect(plan.contains("key.bin"))
        for index in 0..<3 {
            for file in ["patients.jsonl", "weekly.bin", "weekly-by-id.bin", "series.jsonl"] {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: work.shardFolder(index, of: 3) + "/" + file))
                #expect(bytes.range(of: Data("P00".utf8)) == nil, "shard \(index)'s \(file) holds a raw patient ID")
                #expect(bytes.range(of: Data("p-".utf8)) != nil, "shard \(index)'s \(file)")
            }
        }
    }

    @Test("--strict: the merge refuses as review does when rows were rejected, and writes nothing")
    func strictRefusesRejectedRows() throws {
        let work = try Work()
        try work.makePlan(shards: 2, extra: ["--strict"])
        try work.runShards(0..<2)
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        let single = try work.run(["review", "--plan", "work/plan.json", "--out", "single"])
        #expect(merge.status == 1 && single.status == 1)
        #expect(merge.stderr.contains("8 rows rejected (--strict)"))
        // The single run also prints its inputs' warnings (the FHIR sample's); the shards printed
        // theirs, not the merge.
        let refusal = single.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("caseload: warning: ") }.joined(separator: "\n")
        #expect(merge.stderr == refusal)
        #expect(!work.exists("merged") && !work.exists("single"))
        // Without rejected rows a strict plan merges.
        try FileManager.default.removeItem(atPath: work.path("samples/messy-export.csv"))
        try FileManager.default.removeItem(atPath: work.path("samples/fhir"))  // its messy Observations
        try work.makePlan(shards: 2, extra: ["--strict"])
        try work.runShards(0..<2)
        #expect(try work.run(["merge", "--plan", "work/plan.json", "--out", "merged", "--quiet"]).status == 0)
        #expect(try work.run(["review", "--plan", "work/plan.json", "--out", "single", "--quiet"]).status == 0)
        try Self.expectSameReport(merged: work.root.appendingPathComponent("merged"),
                                  single: work.root.appendingPathComponent("single"), shards: 2)
    }

    @Test("a missing shard is refused, plan-status names it, and re-running it completes the run")
    func missingShardIsRefusedThenRerun() throws {
        let work = try Work()
        try work.makePlan(shards: 3)
        try work.runShards(0..<3)
        // A killed attempt: the finished folder gone, a half-written one under the attempt's name.
        let final = work.shardFolder(1, of: 3)
        try FileManager.default.removeItem(atPath: final)
        let debris = work.path("work/shards/.shard-00001-of-00003.tmp-424242")
        try FileManager.default.createDirectory(atPath: debris, withIntermediateDirectories: true)
        try Data("{\"half\":".utf8).write(to: URL(fileURLWithPath: debris + "/patients.jsonl"))
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        #expect(merge.status == 1)
        #expect(merge.stderr.contains("1 of 3 shards have not finished: 1"))
        #expect(!work.exists("merged"))
        let status = try work.run(["plan-status", "work/plan.json", "--missing"])
        #expect(status.stdout == "1\n")
        try work.runShards(1..<2)
        #expect(!FileManager.default.fileExists(atPath: debris), "the killed attempt's folder is removed")
        #expect(try work.run(["merge", "--plan", "work/plan.json", "--out", "merged", "--quiet"]).status == 0)
        #expect(try work.run(["review", "--plan", "work/plan.json", "--out", "single", "--quiet"]).status == 0)
        try Self.expectSameReport(merged: work.root.appendingPathComponent("merged"),
                                  single: work.root.appendingPathComponent("single"), shards: 3)
    }

    @Test("a finished shard is not redone")
    func finishedShardIsSkipped() throws {
        let work = try Work()
        try work.makePlan(shards: 2)
        try work.runShards(0..<1)
        let summary = work.shardFolder(0, of: 2) + "/summary.json"
        let before = try FileManager.default.attributesOfItem(atPath: summary)[.modificationDate] as? Date
        let again = try work.run(["shard", "--plan", "work/plan.json", "--index-env", "TASK"], environment: ["TASK": "0"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already done"))
        #expect(try FileManager.default.attributesOfItem(atPath: summary)[.modificationDate] as? Date == before)
    }

    @Test("a shard of another plan is refused")
    func shardOfAnotherPlanIsRefused() throws {
        let work = try Work()
        try work.makePlan(shards: 2)
        try work.runShards(0..<2)
        // Another plan (another as-of date) in another work folder, with shard 1 copied from the first.
        let other = try work.run(["plan", "samples", "--roster", "samples/roster.csv", "--as-of", "2026-11-15",
                                  "--shards", "2", "--out", "other/plan.json"])
        #expect(other.status == 0)
        #expect(try work.run(["shard", "--plan", "other/plan.json", "--index", "0", "--quiet"]).status == 0)
        try FileManager.default.createDirectory(atPath: work.path("other/shards"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: work.shardFolder(1, of: 2), toPath: work.path("other/shards/shard-00001-of-00002"))
        let merge = try work.run(["merge", "--plan", "other/plan.json", "--out", "merged"])
        #expect(merge.status == 1)
        #expect(merge.stderr.contains("made from another plan"))
        #expect(!work.exists("merged"))
    }

    @Test("shards made by another binary are refused")
    func anotherBinaryIsRefused() throws {
        let work = try Work()
        // The same program with one byte more: another SHA-256.
        let copy = work.root.appendingPathComponent("caseload-other")
        var bytes = try Data(contentsOf: try CLIHarness.binary)
        bytes.append(0)
        try bytes.write(to: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy.path)
        let plan = try CLIHarness.runProcess(copy, ["plan", "samples", "--as-of", "2026-11-22", "--shards", "1",
                                                    "--out", "work/plan.json"], in: work.root)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try CLIHarness.runProcess(copy, ["shard", "--plan", "work/plan.json", "--index", "0"], in: work.root).status == 0)
        let shard = try work.run(["shard", "--plan", "work/plan.json", "--index", "0"])
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        #expect(shard.status == 1 && merge.status == 1)
        #expect(merge.stderr.contains("is not the one that made the plan"))
        #expect(!work.exists("merged"))
    }

    @Test("a patient in two shards is refused")
    func patientInTwoShardsIsRefused() throws {
        let work = try Work()
        try work.makePlan(shards: 2)
        try work.runShards(0..<2)
        // Forged with the shard code itself, so every file, offset, tally and checksum agrees: shard 1
        // rewritten with shard 0's first patient added.
        let zero = work.shardFolder(0, of: 2)
        let one = work.shardFolder(1, of: 2)
        func read(_ folder: String) throws -> (summary: ShardSummary, patients: [PatientSummary]) {
            let summary = try JSONDecoder().decode(
                ShardSummary.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
            let report = try ShardedReport(folders: [folder], summaries: [summary], rejected: [], asOf: CalendarDate(daysSinceEpoch: 0),
                                           thresholds: Thresholds(), tiers: FollowUpTiers())
            let cursor = try report.run.patients(weekly: true)
            var patients: [PatientSummary] = []
            while let next = try cursor.next() { patients.append(next) }
            return (summary, patients)
        }
        let stray = try #require(try read(zero).patients.first)
        let (summary, patients) = try read(one)
        let forged = CaseloadAnalysis(
            asOf: CalendarDate(daysSinceEpoch: 0), thresholds: Thresholds(), tiers: FollowUpTiers(),
            patients: (patients + [stray]).sorted(by: PriorityOrder.precedes), rowsAfterAsOf: 0)
        let output = ShardOutput(summary: summary, analysis: forged, rejected: try ShardFolder.readRejected(one), perWorkbook: 250)
        try ShardFolder.write(output, to: one, attemptTag: "forged")
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        #expect(merge.status == 1)
        #expect(merge.stderr.contains("patient \(stray.patientID) is also in"), "\(merge.stderr)")
        #expect(!work.exists("merged"))
    }

    @Test("an input changed between shards is refused")
    func inputChangedBetweenShardsIsRefused() throws {
        let work = try Work()
        try work.makePlan(shards: 3)
        try work.runShards(0..<1)
        // Same size, other bytes: only the SHA-256 the shards compute while reading can tell.
        let log = URL(fileURLWithPath: work.path("samples/logs.csv"))
        var text = String(decoding: try Data(contentsOf: log), as: UTF8.self)
        let range = try #require(text.range(of: "P0001"))
        text.replaceSubrange(range, with: "P0991")
        try Data(text.utf8).write(to: log)
        try work.runShards(1..<3)
        let merge = try work.run(["merge", "--plan", "work/plan.json", "--out", "merged"])
        #expect(merge.status == 1)
        #expect(merge.stderr.contains("the input changed between shards"), "\(merge.stderr)")
        #expect(!work.exists("merged"))
    }

    @Test("usage errors exit 2", arguments: [
        (["shard", "--plan", "work/plan.json", "--index", "5"], "outside 0…1"),
        (["shard", "--plan", "work/plan.json", "--index-env", "NO_SUCH_VARIABLE_SET"], "is not set"),
        (["shard", "--plan", "work/plan.json"], "exactly one of --index and --index-env"),
        (["plan", "samples", "--shards", "2", "--out", "work/p.json"], "--as-of is required"),
        (["plan", "samples", "--as-of", "2026-11-22", "--shards", "2", "--out", "samples/work/p.json"], "inside the input folder"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let work = try Work()
        try work.makePlan(shards: 2)
        let result = try work.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
