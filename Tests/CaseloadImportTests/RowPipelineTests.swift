import Testing

@testable import CaseloadImport

/// `RecordBatch`: records taken over by swap, cleared and refilled with their buffers reused.
@Suite struct RowPipelineTests {
    static func record(_ text: String, line: Int) -> CSVRecord {
        var r = tokenize(Array((text + "\n").utf8), chunkSize: 1 << 16)[0]
        r.line = line
        return r
    }

    /// Take three, clear, take two: the views and copies give exactly the last two, and each `take`
    /// leaves the caller a record to empty (the batch's spare), never one of the batch's records.
    @Test func takenRecordsReadBackAfterReuse() {
        var batch = RecordBatch()
        var spares: [CSVRecord] = []
        for (i, text) in ["a,b,c", "dd,ee", "f"].enumerated() {
            var r = RowPipelineTests.record(text, line: i + 1)
            batch.take(&r)
            spares.append(r)
        }
        #expect(batch.count == 3)
        #expect(spares.allSatisfy { $0.bytes.isEmpty && $0.ends.isEmpty })  // fresh slots at first
        batch.clear()
        #expect(batch.isEmpty)
        for (i, text) in ["x,yy", "zzz"].enumerated() {
            var r = RowPipelineTests.record(text, line: 10 + i)
            batch.take(&r)
            // A reused slot hands back the record it held before: stale, for the caller to empty.
            #expect(r.strings == [["a", "b", "c"], ["dd", "ee"]][i])
        }
        var seen: [[String]] = []
        var lines: [Int] = []
        batch.forEachView { index, view in
            seen.append((0..<view.count).map { String(decoding: view.field($0), as: UTF8.self) })
            lines.append(view.line)
            #expect(index == seen.count - 1)
        }
        #expect(seen == [["x", "yy"], ["zzz"]])
        #expect(lines == [10, 11])
        var copy = CSVRecord()
        batch.unpack(1, into: &copy)
        #expect(copy.strings == ["zzz"])
        #expect(copy.line == 11)
    }

    /// A spare whose buffers grew past the kept size (a row with long notes) is not handed back:
    /// the caller gets a fresh record instead, so long rows do not leave large buffers in every slot.
    @Test func largeSparesAreDroppedNotReused() {
        var batch = RecordBatch()
        var long = RowPipelineTests.record("P1," + String(repeating: "n", count: 5_000), line: 1)
        batch.take(&long)
        batch.clear()
        var next = RowPipelineTests.record("P2,short", line: 2)
        batch.take(&next)
        #expect(next.bytes.capacity <= RecordBatch.keptBytes)
        #expect(next.bytes.isEmpty)
        var small = RowPipelineTests.record("P3,x", line: 3)
        batch.take(&small)
        batch.clear()
        var again = RowPipelineTests.record("P4,y", line: 4)
        batch.take(&again)
        #expect(again.strings == ["P2", "short"])  // a small spare is handed back, stale
    }
}
