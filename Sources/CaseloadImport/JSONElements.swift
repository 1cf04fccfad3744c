import CaseloadModel
import Foundation

/// Where one element of a top-level JSON array lies in the file's bytes.
struct JSONElement: Equatable {
    /// First byte of the element.
    var start: Int
    /// One past its last byte.
    var end: Int
    /// 1-based line of `start`.
    var line: Int
    /// Offset where that line's columns are counted from (so a column is `start - lineStart + 1`):
    /// the line's first byte, or on line 1 the scan's start (after a byte-order mark), as the
    /// parser counts.
    var lineStart: Int
}

/// Reading a log that is one JSON array of patient objects on all cores.
///
/// The array is first split into its elements by a structural scan (strings, escapes and
/// bracket nesting, no values built). Elements are then parsed and turned into rows in
/// batches, several batches at a time on all cores, while the calling thread accounts the rows
/// of the batches before them, batch by batch in file order. The result is the one a single
/// pass gives: the same rows in the same order, the same warnings, ignored keys and patient
/// details (first object per patient wins), and for a file with a syntax error the same error,
/// found by parsing the whole file again in one pass.
enum JSONArrayReading {
    /// The elements of the top-level array in `bytes[start...]`, or `nil` when the text is not
    /// an array whose elements the scan can delimit (then the file is read in one pass, which
    /// also finds any syntax error). An element's own syntax is not checked here.
    static func elements(of bytes: [UInt8], from start: Int) -> [JSONElement]? {
        var scan = JSONParser(bytes: bytes, start: start)
        return scan.delimitArrayElements()
    }

    /// What one batch of elements gave: its rows in order, what its reader noted, or the first
    /// syntax error among its elements.
    struct BatchResult {
        var outcomes: [RowOutcome] = []
        var reader: JSONLogReader
        var error: JSONSyntaxError?
    }

    /// Parses `elements` and reads them into rows with a reader of their own.
    static func read(
        _ elements: ArraySlice<JSONElement>, of bytes: [UInt8], file: String, cells: CellParser, batchBytes: Int
    ) -> BatchResult {
        var result = BatchResult(reader: JSONLogReader(file: file, cells: cells))
        guard let first = elements.first, let last = elements.last else { return result }
        // The batch parses a copy of its own bytes: threads that share one array's buffer
        // contend for its reference count, which the parser takes for every string it reads.
        // An element larger than a batch is parsed where it lies, so no large copy is made.
        let shared = last.end - first.start > batchBytes
        let base = shared ? 0 : first.start
        let own = shared ? bytes : Array(bytes[base..<last.end])
        for element in elements {
            var parser = JSONParser(
                bytes: own, start: element.start - base, end: element.end - base, line: element.line,
                lineStart: element.lineStart - base)
            do {
                let node = try parser.parseValue(depth: 1)
                parser.skipWhitespace()
                guard parser.isAtEnd else {
                    result.error = JSONSyntaxError(line: parser.line, column: parser.column, message: "unexpected text")
                    return result
                }
                result.reader.read(node) { result.outcomes.append($0) }
            } catch let error as JSONSyntaxError {
                result.error = error
                return result
            } catch {
                preconditionFailure("the JSON parser throws only JSONSyntaxError")
            }
        }
        return result
    }

    /// Bytes of JSON a batch holds (about 8,000 rows of a typical export), and batches read at
    /// once before their rows are accounted.
    static let batchBytes = 256 * 1024
    static let batchesAtOnce = 8

    /// Reads every element in order into `reader` and `emit`: batches of up to `batchBytes` (or
    /// of one element, when it is larger) parsed on all cores in rounds of up to `batchesAtOnce`
    /// batches and `batchesAtOnce × batchBytes` bytes (or of one batch, when it is larger), on a
    /// thread of their own, while the calling thread hands the rows of the rounds before to
    /// `emit` in file order. At most three rounds' rows are held at once (one being parsed, one
    /// waiting, one being accounted), about 6 MB of JSON's worth.
    ///
    /// Returns the first syntax error in file order instead of reading on past it. It is the
    /// element parser's: its words can differ from the one pass's (which sees the array around
    /// the element), so the caller re-parses the file for the error it reports.
    static func readInParallel(
        _ elements: [JSONElement], of bytes: [UInt8], into reader: inout JSONLogReader,
        batchBytes: Int = batchBytes, batchesAtOnce: Int = batchesAtOnce, _ emit: (RowOutcome) -> Void
    ) -> JSONSyntaxError? {
        precondition(batchBytes >= 1 && batchesAtOnce >= 1, "batches hold something")
        var batches: [Range<Int>] = []
        var lower = 0
        while lower < elements.count {
            var upper = lower + 1
            while upper < elements.count && elements[upper].end - elements[lower].start <= batchBytes { upper += 1 }
            batches.append(lower..<upper)
            lower = upper
        }
        func size(_ batch: Range<Int>) -> Int { elements[batch.upperBound - 1].end - elements[batch.lowerBound].start }
        var rounds: [[Range<Int>]] = []
        var roundBytes = 0
        for batch in batches {
            if let round = rounds.last, round.count < batchesAtOnce,
                roundBytes + size(batch) <= batchesAtOnce * batchBytes
            {
                rounds[rounds.count - 1].append(batch)
                roundBytes += size(batch)
            } else {
                rounds.append([batch])
                roundBytes = size(batch)
            }
        }
        let (file, cells, planned) = (reader.file, reader.cells, rounds)
        let channel = BatchChannel<[BatchResult]>(capacity: 1)
        let parsed = DispatchSemaphore(value: 0)
        let parsing = Thread {
            for round in planned where !channel.wasAbandoned {
                var results = concurrentMap(count: round.count) { k in
                    read(elements[round[k]], of: bytes, file: file, cells: cells, batchBytes: batchBytes)
                }
                let failed = results.contains { $0.error != nil }
                channel.send(&results)
                if failed { break }
            }
            channel.finish()
            parsed.signal()
        }
        parsing.start()
        defer { parsed.wait() }
        while let results = channel.receive() {
            for result in results {
                for outcome in result.outcomes { emit(outcome) }
                reader.append(result.reader)
                if let error = result.error {
                    // The parsing thread stopped after sending this round; abandoning the channel
                    // keeps a later change to that loop from leaving it blocked in `send`.
                    channel.abandon()
                    return error
                }
            }
        }
        return nil
    }
}
