import CaseloadAnalytics
import CaseloadModel
import Foundation
import Testing

@testable import CaseloadShard

/// Shard folders written from a caseload analysed apart per shard, and read back as a merge reads them.
enum ShardedSources {
    /// Writes `shards` shard folders of `records` under a new temporary folder; their folders and
    /// summaries in index order. `tamper` may change what shard `i` holds before it is written.
    static func write(
        _ records: [PatientRecord], shards: Int,
        tamper: (Int, [PatientRecord]) -> [PatientRecord] = { $1 }
    ) throws -> (folders: [String], summaries: [ShardSummary]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString)").path
        var folders: [String] = []
        var summaries: [ShardSummary] = []
        for index in 0..<shards {
            let mine = tamper(index, records.filter { ShardFunction.shard(of: $0.patientID, count: shards) == index })
            let analysis = analyse(mine, asOf: Caseload.asOf)
            let summary = ShardSummary(version: "t", planSHA256: "p", binarySHA256: "b", index: index, count: shards,
                                       inputs: [], patients: 0, rejectedRows: 0, seriesPatients: 0)
            let output = ShardOutput(summary: summary, analysis: analysis, rejected: [], perWorkbook: 5)
            let folder = root + "/shards/" + ShardFolder.name(index: index, count: shards)
            try ShardFolder.write(output, to: folder, attemptTag: "t")
            folders.append(folder)
            summaries.append(try ShardFolder.verify(folder, planSHA256: "p", binarySHA256: "b", index: index, count: shards).summary)
        }
        return (folders, summaries)
    }

    static func report(_ written: (folders: [String], summaries: [ShardSummary])) throws -> ShardedReport {
        try ShardedReport(
            folders: written.folders, summaries: written.summaries, rejected: [], asOf: Caseload.asOf,
            thresholds: Thresholds(), tiers: FollowUpTiers())
    }

    static func all(_ cursor: any PatientCursor) throws -> [PatientSummary] {
        var out: [PatientSummary] = []
        while let next = try cursor.next() { out.append(next) }
        return out
    }

    static func all(_ cursor: any WeeklyCursor) throws -> [(patientID: String, weekly: [WeeklySummary])] {
        var out: [(patientID: String, weekly: [WeeklySummary])] = []
        while let next = try cursor.next() { out.append(next) }
        return out
    }
}

@Suite("A sharded run's report, read from the shards")
struct ShardedReportTests {
    /// What a merge must hand the writer for one group: the order, priorities and weekly rows of the
    /// same group of a single process's analysis, and its tally.
    func expectSame(_ streamed: any PatientGroup, _ single: any PatientGroup) throws {
        #expect(streamed.name == single.name)
        #expect(streamed.tally == single.tally)
        let a = try ShardedSources.all(try streamed.patients(weekly: true))
        let b = try ShardedSources.all(try single.patients(weekly: true))
        #expect(a.map(\.patientID) == b.map(\.patientID))
        #expect(a.map(\.priority) == b.map(\.priority))
        #expect(a.map(\.weekly) == b.map(\.weekly))
        #expect(a.map(\.followUp) == b.map(\.followUp))
        let withoutWeekly = try ShardedSources.all(try streamed.patients(weekly: false))
        #expect(withoutWeekly.map(\.patientID) == b.map(\.patientID) && withoutWeekly.allSatisfy(\.weekly.isEmpty))
        let followUp = try ShardedSources.all(try streamed.patientsNeedingFollowUp())
        let singleFollowUp = try ShardedSources.all(try single.patientsNeedingFollowUp())
        #expect(followUp.map(\.patientID) == singleFollowUp.map(\.patientID))
        #expect(followUp.map(\.priority) == singleFollowUp.map(\.priority))
        let weekly = try ShardedSources.all(try streamed.weeklyByPatientID())
        let singleWeekly = try ShardedSources.all(try single.weeklyByPatientID())
        #expect(weekly.map(\.patientID) == singleWeekly.map(\.patientID))
        #expect(weekly.map(\.weekly) == singleWeekly.map(\.weekly))
        // The first few patients' daily series come back from the shards' series files.
        let first = Array(b.prefix(3))
        let series = try streamed.withDailySeries(Array(a.prefix(3)))
        #expect(series.map(\.days) == first.map(\.days) && series.map(\.painSeries) == first.map(\.painSeries))
    }

    @Test("shards read back in the single analysis' order, priorities and rows: the run and each caseload",
          arguments: [1, 2, 3, 7])
    func streamsEqualTheSingleAnalysis(shards: Int) throws {
        let records = Caseload.records(count: 90)
        let single = AnalysisReport(analyse(records, asOf: Caseload.asOf), rejected: [])
        let report = try ShardedSources.report(try ShardedSources.write(records, shards: shards))
        try report.checkPatients()
        try expectSame(report.run, single.run)
        #expect(report.caseloads.map(\.name) == single.caseloads.map(\.name))
        #expect(report.caseloads.count == 3)
        for (streamed, one) in zip(report.caseloads, single.caseloads) { try expectSame(streamed, one) }
    }

    @Test("the follow-up cursor stops at the first patient without follow-up, numbering as it goes")
    func followUpCursorStops() throws {
        let records = Caseload.records(count: 40)
        let report = try ShardedSources.report(try ShardedSources.write(records, shards: 3))
        let followUp = try ShardedSources.all(try report.run.patientsNeedingFollowUp())
        #expect(!followUp.isEmpty && followUp.count < 40)
        #expect(followUp.count == report.run.tally.needingFollowUp)
        #expect(followUp.map(\.priority) == (1...followUp.count).map { Optional($0) })
    }

    @Test("a patient in two shards, in the wrong shard, or a shard holding other patients than it says is refused",
          arguments: ["is also in", "belongs to shard", "its summary says"])
    func refusals(message: String) throws {
        let records = Caseload.records(count: 30)
        let stray = try #require(records.first { ShardFunction.shard(of: $0.patientID, count: 2) == 0 })
        let written = try ShardedSources.write(records, shards: 2) { index, mine in
            switch message {
            case "is also in": return index == 1 ? mine + [stray] : mine
            case "belongs to shard": return records.filter { ShardFunction.shard(of: $0.patientID, count: 2) != index }
            default: return mine
            }
        }
        var summaries = written.summaries
        if message == "its summary says" {
            // One patient fewer in the first caseload's tally than its files hold (the totals kept in step).
            summaries[0].caseloads[0].tally.patients -= 1
            summaries[0].caseloads[1].tally.patients += 1
        }
        let report = try ShardedSources.report((written.folders, summaries))
        #expect {
            try report.checkPatients()
        } throws: { error in
            (error as? ShardError)?.reason.contains(message) ?? false
        }
    }

    @Test("caseload offsets that do not fit the files are refused before anything is read")
    func offsetsChecked() throws {
        let written = try ShardedSources.write(Caseload.records(count: 12), shards: 1)
        var summaries = written.summaries
        summaries[0].caseloads[1].weeklyOffset = summaries[0].caseloads[2].weeklyOffset + 1
        #expect(throws: ShardError.self) { _ = try ShardedSources.report((written.folders, summaries)) }
        summaries = written.summaries
        summaries[0].caseloads.swapAt(0, 1)
        #expect(throws: ShardError.self) { _ = try ShardedSources.report((written.folders, summaries)) }
    }
}

@Suite("Weekly blocks and shard file readers")
struct ShardFileTests {
    static let weeks: [WeeklySummary] = [
        WeeklySummary(week: ISOWeek(year: 2026, week: 1), sessionDays: 3, sessionsPrescribed: 2.857142857142857,
                      adherencePct: 100, minutes: 46, painMean: 6.571428571428571, painMax: 7, painDuringMedian: 2.5,
                      strengthDays: 2, mobilityDays: 3),
        WeeklySummary(week: ISOWeek(year: 2025, week: 53), sessionDays: 0, sessionsPrescribed: 0, adherencePct: nil,
                      minutes: 0, painMean: nil, painMax: nil, painDuringMedian: nil, strengthDays: 0, mobilityDays: 0),
        WeeklySummary(week: ISOWeek(year: 2026, week: 47), sessionDays: 1, sessionsPrescribed: 5, adherencePct: 20,
                      minutes: -0.0, painMean: 0.1 + 0.2, painMax: nil, painDuringMedian: 10, strengthDays: 1, mobilityDays: 0),
    ]

    /// A file of blocks (IDs with 0 to 3 weeks, one ID not ASCII) and of lines, in a temporary folder.
    static func files() throws -> (blocks: String, lines: String, entries: [(String, [WeeklySummary])], text: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blocks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let entries: [(String, [WeeklySummary])] = (0..<40).map { n in
            (n == 7 ? "Zoë-\(n)" : "P\(n)", Array(weeks.prefix(n % 4)))
        }
        var bytes: [UInt8] = []
        for (id, weekly) in entries { WeeklyBlocks.append(patientID: id, weekly: weekly, to: &bytes) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/w.bin"))
        let text = (0..<40).map { String(repeating: "x", count: $0 * 7) + "|\($0)" }
        try Data((text.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/l.jsonl"))
        return (folder + "/w.bin", folder + "/l.jsonl", entries, text)
    }

    @Test("blocks and lines read back whole, whatever the chunk size", arguments: [1, 5, 88, 97, 4096, 65_536])
    func readBack(chunk: Int) throws {
        let (blocks, lines, entries, text) = try Self.files()
        let file = try ShardFile(blocks)
        let reader = RangeReader(file, range: 0..<file.size, chunkBytes: chunk)
        var read: [(String, [WeeklySummary])] = []
        while let block = try reader.nextBlock() { read.append(block) }
        #expect(read.map(\.0) == entries.map(\.0))
        // Bit for bit, -0 and the sum 0.1 + 0.2 included.
        #expect(read.map { $0.1.map(\.minutes.bitPattern) } == entries.map { $0.1.map(\.minutes.bitPattern) })
        #expect(read.map(\.1) == entries.map(\.1))
        let skipping = RangeReader(file, range: 0..<file.size, chunkBytes: chunk)
        var ids: [String] = []
        while let block = try skipping.nextBlock(skipWeeks: true) { ids.append(block.patientID) }
        #expect(ids == entries.map(\.0))
        let lineFile = try ShardFile(lines)
        let lineReader = RangeReader(lineFile, range: 0..<lineFile.size, chunkBytes: chunk)
        var got: [String] = []
        while let line = try lineReader.nextLine() { got.append(String(decoding: line, as: UTF8.self)) }
        #expect(got == text)
    }

    @Test("a range that ends inside a block or a line is refused")
    func truncated() throws {
        let (blocks, lines, _, _) = try Self.files()
        let file = try ShardFile(blocks)
        let reader = RangeReader(file, range: 0..<(file.size - 3), chunkBytes: 64)
        #expect(throws: ShardError.self) { while try reader.nextBlock() != nil {} }
        let lineFile = try ShardFile(lines)
        let lineReader = RangeReader(lineFile, range: 0..<(lineFile.size - 1), chunkBytes: 64)
        #expect(throws: ShardError.self) { while try lineReader.nextLine() != nil {} }
    }
}
