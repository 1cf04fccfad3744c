import Foundation
import Synchronization
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The importer's progress hook: per chunk, never per row, and it ends on the file's true totals.
@Suite struct ImportProgressTests {
    final class Recorder: Sendable {
        let events = Mutex<[ImportProgress]>([])
        func record(_ event: ImportProgress) { events.withLock { $0.append(event) } }
    }

    /// A CSV log of about 2.3 MB: the header and then the same valid row 40,000 times
    /// (duplicates are still rows read).
    static func bigLog(in folder: TemporaryFolder) throws -> String {
        var text = "patient_id,date,exercise,sets,reps,pain\n"
        for _ in 0..<40_000 { text += "P1,2026-11-01,wall sit,3,10,4\n" }
        return try folder.write("big.csv", Array(text.utf8))
    }

    @Test func reportsEachChunkThenTheFileTotals() throws {
        let folder = try TemporaryFolder()
        let path = try Self.bigLog(in: folder)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let recorder = Recorder()
        var importer = CaseloadImporter()
        importer.progress = { recorder.record($0) }
        let result = try importer.run(logs: [path], roster: nil)
        let events = recorder.events.withLock { $0 }

        let chunks = (size + FileChunkReader.defaultChunkSize - 1) / FileChunkReader.defaultChunkSize
        #expect(chunks >= 2, "the file spans several chunks")
        // One report after each chunk, one more when done: never one per row.
        #expect(events.count == chunks + 1)
        #expect(events.allSatisfy { $0.path == path })
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.bytesRead <= $1.bytesRead && $0.rowsRead <= $1.rowsRead })
        let last = try #require(events.last)
        #expect(last.isDone && events.dropLast().allSatisfy { !$0.isDone })
        #expect(last.bytesRead == size)
        #expect(last.rowsRead == 40_000)
        #expect(last.rowsRead == result.totals.rowsRead)
        #expect(events[0].bytesRead == FileChunkReader.defaultChunkSize)
    }

    @Test func jsonFilesReportWhenDone() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "log.json",
            Array(#"[{"patient":{"id":"P1"},"sessions":[{"date":"2026-11-01","pain":3,"exercises":[{"name":"Wall sit"}]}]}]"#.utf8))
        let recorder = Recorder()
        var importer = CaseloadImporter()
        importer.progress = { recorder.record($0) }
        let result = try importer.run(logs: [path], roster: nil)
        let events = recorder.events.withLock { $0 }
        let last = try #require(events.last)
        #expect(last.isDone)
        #expect(last.rowsRead == result.totals.rowsRead && last.rowsRead > 0)
        #expect(last.bytesRead == result.inputs[0].bytes)
    }

    @Test func noHookNoCalls() throws {
        let folder = try TemporaryFolder()
        let path = try Self.bigLog(in: folder)
        // The default importer has no hook and reads the same.
        let plain = try CaseloadImporter().run(logs: [path], roster: nil)
        #expect(CaseloadImporter().progress == nil)
        #expect(plain.totals.rowsRead == 40_000)
    }
}
