import CaseloadAnalytics
import CaseloadModel
import Foundation
import Testing

@testable import CaseloadShard

/// A small caseload analysed by the real analytics: patients with rising, falling and missing pain.
enum Caseload {
    static let asOf = CalendarDate(daysSinceEpoch: 20_600)

    static func records(count: Int) -> [PatientRecord] {
        (0..<count).map { n in
            var days: [DailyRecord] = []
            for d in 0..<42 where (d + n) % 5 != 0 {
                var day = DailyRecord(date: asOf.adding(days: d - 41))
                day.exerciseRows = 1 + n % 3
                day.pain = n % 4 == 0 ? nil : Double((n % 7) + (n % 2 == 0 ? d / 8 : -d / 10)).clamped(0, 10)
                day.nightPain = n % 9 == 0 && d > 36
                days.append(day)
            }
            let roster = RosterEntry(patientID: "P\(1000 + n)")
            var entry = roster
            entry.clinician = ["Ada", "Bo", nil][n % 3]
            return PatientRecord(patientID: "P\(1000 + n)", roster: entry, days: days)
        }
    }
}

extension Double {
    func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(high, Swift.max(low, self)) }
}

@Suite("Shard function")
struct ShardFunctionTests {
    @Test("rows without a patient belong to shard 0; one shard holds everyone")
    func edges() {
        #expect(ShardFunction.shard(of: nil, count: 7) == 0)
        #expect(ShardFunction.shard(of: "P0001", count: 1) == 0)
    }

    @Test("the function is stable: values from an independent implementation (Python) of FNV-1a + SplitMix64",
          arguments: [
              ("", UInt64(0xf52a_15e9_a9b5_e89b), [1, 0, 5]),
              ("P0001", UInt64(0x3e5c_4f00_cdfe_7096), [0, 0, 3]),
              ("P0002", UInt64(0xee20_bf7d_6dee_9d8b), [1, 2, 5]),
              ("p-0123456789abcdef", UInt64(0x22ed_7d29_eb8d_04f9), [1, 1, 1]),
              ("Jane Doe", UInt64(0x6805_e6bd_938f_3b8b), [1, 2, 2]),
          ])
    func stable(id: String, hash: UInt64, shards: [Int]) {
        // Part of the plan format: a change here must also change ShardFunction.name.
        #expect(ShardFunction.hash(id) == hash)
        #expect([2, 3, 7].map { ShardFunction.shard(of: id, count: $0) } == shards)
    }

    @Test("IDs spread evenly", arguments: [2, 3, 7, 64])
    func even(count: Int) {
        var sizes = [Int](repeating: 0, count: count)
        let ids = 20_000
        for n in 0..<ids { sizes[ShardFunction.shard(of: "P" + String(n), count: count)] += 1 }
        let mean = Double(ids) / Double(count)
        for size in sizes { #expect(abs(Double(size) - mean) < 0.2 * mean, "\(sizes)") }
    }
}

@Suite("Merging shards")
struct ShardMergeTests {
    @Test("shards analysed apart merge into the single analysis' order and priorities", arguments: [1, 2, 3, 7])
    func kWayMergeEqualsSingleRun(shards: Int) {
        let records = Caseload.records(count: 90)
        let single = analyse(records, asOf: Caseload.asOf)
        #expect(single.patients.contains { $0.needsFollowUp } && single.patients.contains { !$0.needsFollowUp })
        let parts = (0..<shards).map { shard in
            analyse(records.filter { ShardFunction.shard(of: $0.patientID, count: shards) == shard }, asOf: Caseload.asOf)
                .patients
        }
        let merged = ranked(PriorityOrder.merge(parts), asOf: Caseload.asOf, thresholds: single.thresholds, tiers: single.tiers)
        #expect(merged.patients.map(\.patientID) == single.patients.map(\.patientID))
        #expect(merged.patients.map(\.priority) == single.patients.map(\.priority))
        #expect(merged.rowsAfterAsOf == single.rowsAfterAsOf)
    }

    @Test("a summary survives the shard file format exactly")
    func summaryRoundTrip() throws {
        let analysis = analyse(Caseload.records(count: 12), asOf: Caseload.asOf)
        let encoder = ShardCoding.lineEncoder
        for patient in analysis.patients {
            let once = try encoder.encode(patient)
            let back = try ShardCoding.decoder.decode(PatientSummary.self, from: once)
            #expect(try encoder.encode(back) == once)
            #expect(back.days == patient.days && back.painSeries == patient.painSeries && back.weekly == patient.weekly)
            #expect(back.painCurrent == patient.painCurrent && back.trend == patient.trend)
        }
    }

    @Test("series are kept for the first patients of each caseload and of the shard")
    func seriesCandidates() {
        let patients = analyse(Caseload.records(count: 30), asOf: Caseload.asOf).patients
        let keep = ShardFolder.seriesCandidates(patients, perWorkbook: 4)
        var expected: Set<Int> = Set(0..<4)
        var seen: [String: Int] = [:]
        for (i, p) in patients.enumerated() {
            let name = clinicianName(p.clinician)
            if seen[name, default: 0] < 4 { expected.insert(i) }
            seen[name, default: 0] += 1
        }
        #expect(keep == expected)
        #expect(keep.count < patients.count)
    }

    static func input(_ path: String, sha: String = "abc", counts: RowCounts, seen: Int) -> ShardSummary.ShardInput {
        ShardSummary.ShardInput(
            summary: InputSummary(path: path, sha256: sha, bytes: 10, format: .csv, counts: counts), recordsSeen: seen)
    }

    static func summary(_ index: Int, of count: Int, _ inputs: [ShardSummary.ShardInput]) -> ShardSummary {
        ShardSummary(version: "t", planSHA256: "p", binarySHA256: "b", index: index, count: count, inputs: inputs,
                     patients: 0, rejectedRows: 0, seriesPatients: 0)
    }

    static let plan = RunPlan(
        version: "t", binarySHA256: "b", created: "", workingDirectory: "/", shards: 2, asOf: "2026-01-01",
        review: RunPlan.ReviewOptions(inputs: ["a.csv"], roster: nil, dateFormat: nil, config: nil, patientSheets: nil,
                                      pseudonymize: false, keyFile: nil, strict: false),
        commandLine: "", inputs: [RunPlan.PlanInput(path: "a.csv", role: "log", bytes: 10, sha256: nil)], config: nil)

    @Test("inputs add up when every record is owned once")
    func inputsAddUp() throws {
        let merged = try ShardMerge.mergedInputs(
            plan: Self.plan, planPath: "plan.json",
            summaries: [Self.summary(0, of: 2, [Self.input("a.csv", counts: RowCounts(rowsRead: 3, rowsAccepted: 2, rowsRejected: 1), seen: 5)]),
                        Self.summary(1, of: 2, [Self.input("a.csv", counts: RowCounts(rowsRead: 2, rowsAccepted: 1, rowsDuplicate: 1), seen: 5)])],
            folders: ["s0", "s1"])
        #expect(merged.map(\.counts) == [RowCounts(rowsRead: 5, rowsAccepted: 3, rowsRejected: 1, rowsDuplicate: 1)])
    }

    @Test("refusals", arguments: [
        // Record counted twice: the shards own 6 of 5 records.
        ([RowCounts(rowsRead: 3, rowsAccepted: 3), RowCounts(rowsRead: 3, rowsAccepted: 3)], ["abc", "abc"], "owned exactly once"),
        // A record owned by no shard.
        ([RowCounts(rowsRead: 3, rowsAccepted: 3), RowCounts(rowsRead: 1, rowsAccepted: 1)], ["abc", "abc"], "owned exactly once"),
        // A shard whose counts do not balance.
        ([RowCounts(rowsRead: 3, rowsAccepted: 2), RowCounts(rowsRead: 2, rowsAccepted: 2)], ["abc", "abc"], "rows read ≠"),
        // The input changed between shards.
        ([RowCounts(rowsRead: 3, rowsAccepted: 3), RowCounts(rowsRead: 2, rowsAccepted: 2)], ["abc", "abd"], "changed between shards"),
    ])
    func refusals(counts: [RowCounts], shas: [String], message: String) {
        let summaries = (0..<2).map { Self.summary($0, of: 2, [Self.input("a.csv", sha: shas[$0], counts: counts[$0], seen: 5)]) }
        #expect {
            _ = try ShardMerge.mergedInputs(plan: Self.plan, planPath: "plan.json", summaries: summaries, folders: ["s0", "s1"])
        } throws: { error in
            (error as? ShardError)?.reason.contains(message) ?? false
        }
    }

    @Test("rejected rows go back to the run's order; a row claimed twice or by nobody is refused")
    func rejectedOrder() throws {
        func row(_ n: Int) -> OrderedRejectedRow {
            OrderedRejectedRow(ordinal: n, row: RejectedRow(file: "a", line: n + 2, patientID: nil, column: "c", value: "", reason: "r"))
        }
        let merged = try ShardMerge.mergedRejected([[row(0), row(3)], [row(1), row(2)]], folders: ["s0", "s1"])
        #expect(merged.map(\.row.line) == [2, 3, 4, 5])
        #expect(throws: ShardError.self) { try ShardMerge.mergedRejected([[row(0), row(1)], [row(1)]], folders: ["s0", "s1"]) }
        #expect(throws: ShardError.self) { try ShardMerge.mergedRejected([[row(0)], [row(2)]], folders: ["s0", "s1"]) }
    }
}

@Suite("Shard folders")
struct ShardFolderTests {
    func written() throws -> (folder: String, output: ShardOutput) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("shard-\(UUID().uuidString)").path
        let analysis = analyse(Caseload.records(count: 20), asOf: Caseload.asOf)
        let summary = ShardSummary(version: "t", planSHA256: "p", binarySHA256: "b", index: 1, count: 3, inputs: [],
                                   patients: 0, rejectedRows: 0, seriesPatients: 0)
        let output = ShardOutput(summary: summary, analysis: analysis, rejected: [], perWorkbook: 5)
        let folder = root + "/shards/" + ShardFolder.name(index: 1, count: 3)
        try ShardFolder.write(output, to: folder, attemptTag: "t")
        return (folder, output)
    }

    @Test("a written folder verifies and reads back; its series hold only the candidates")
    func roundTrip() throws {
        let (folder, output) = try written()
        #expect(folder.hasSuffix("shard-00001-of-00003"))
        let (summary, _) = try ShardFolder.verify(folder, planSHA256: "p", binarySHA256: "b", index: 1, count: 3)
        #expect(summary.patients == 20 && summary.seriesPatients == output.series.count && output.series.count < 20)
        let report = try ShardedReport(
            folders: [folder], summaries: [summary], rejected: [], asOf: Caseload.asOf, thresholds: Thresholds(),
            tiers: FollowUpTiers())
        let patients = try ShardedSources.all(try report.run.patients(weekly: true))
        #expect(patients.map(\.patientID) == output.caseloads.flatMap(\.patients).sorted(by: PriorityOrder.precedes).map(\.patientID))
        #expect(patients.allSatisfy { $0.days.isEmpty && $0.painSeries.isEmpty })
        #expect(patients.contains { !$0.weekly.isEmpty })
        let wanted = Set(output.series.prefix(2).map(\.patientID))
        #expect(Set(try ShardFolder.readSeries(folder, wanted: wanted).keys) == wanted)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (folder as NSString).deletingLastPathComponent)
        #expect(siblings == [ShardFolder.name(index: 1, count: 3)], "no staging folder is left")
    }

    @Test("a changed file, a missing marker or another plan is refused")
    func tampering() throws {
        let (folder, _) = try written()
        #expect(throws: ShardError.self) {
            try ShardFolder.verify(folder, planSHA256: "other", binarySHA256: "b", index: 1, count: 3)
        }
        #expect(throws: ShardError.self) {
            try ShardFolder.verify(folder, planSHA256: "p", binarySHA256: "b", index: 2, count: 3)
        }
        let handle = try #require(FileHandle(forWritingAtPath: folder + "/patients.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
        #expect(throws: ShardError.self) { try ShardFolder.verify(folder, planSHA256: "p", binarySHA256: "b", index: 1, count: 3) }
        try FileManager.default.removeItem(atPath: folder + "/_SUCCESS")
        #expect(throws: ShardError.self) { try ShardFolder.verify(folder, planSHA256: "p", binarySHA256: "b", index: 1, count: 3) }
    }

    @Test("debris of killed attempts is removed, other shards' folders are not")
    func debris() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("debris-\(UUID().uuidString)").path
        let fm = FileManager.default
        for name in [".shard-00001-of-00003.tmp-1", ".shard-00001-of-00003.tmp-2", ".shard-00002-of-00003.tmp-1", "shard-00001-of-00003"] {
            try fm.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        }
        try ShardFolder.removeDebris(of: "shard-00001-of-00003", in: root)
        #expect(try fm.contentsOfDirectory(atPath: root).sorted() == [".shard-00002-of-00003.tmp-1", "shard-00001-of-00003"])
    }
}
