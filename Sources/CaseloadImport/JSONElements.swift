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
/// The array is split into its elements by a structural scan (``JSONArrayScanner``: strings,
/// escapes and bracket nesting, no values built), as the file is read in windows
/// (``readFile(_:into:chunkSize:batchBytes:batchesAtOnce:progress:_:)``) or over bytes held whole
/// (``elements(of:from:)``). Elements are grouped into batches and rounds (``JSONRoundCutter``),
/// parsed and turned into rows several batches at a time on all cores, while the calling thread
/// accounts the rows of the batches before them, batch by batch in file order. The result is the
/// one a single pass gives: the same rows in the same order, the same warnings, ignored keys and
/// patient details (first object per patient wins), and for a file with a syntax error the same
/// error, found by parsing the whole file again in one pass.
enum JSONArrayReading {
    /// The elements of the top-level array in `bytes[start...]`, or `nil` when the text is not
    /// an array whose elements the scan can delimit (then the file is read in one pass, which
    /// also finds any syntax error). An element's own syntax is not checked here.
    static func elements(of bytes: [UInt8], from start: Int) -> [JSONElement]? {
        var scanner = JSONArrayScanner(start: start)
        var elements: [JSONElement] = []
        bytes.withUnsafeBufferPointer { scanner.scan($0, base: 0) { elements.append($0) } }
        return scanner.finish() ? elements : nil
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

    /// Reads every element in order into `reader` and `emit` (see ``readRounds(into:batchBytes:batchesAtOnce:produce:_:)``),
    /// `elements` being those of `bytes` (``elements(of:from:)``).
    ///
    /// Returns the first syntax error in file order instead of reading on past it. It is the
    /// element parser's: its words can differ from the one pass's (which sees the array around
    /// the element), so the caller re-parses the file for the error it reports.
    static func readInParallel(
        _ elements: [JSONElement], of bytes: [UInt8], into reader: inout JSONLogReader,
        batchBytes: Int = batchBytes, batchesAtOnce: Int = batchesAtOnce, _ emit: (RowOutcome) -> Void
    ) -> JSONSyntaxError? {
        readRounds(into: &reader, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce, produce: { rounds in
            var cutter = JSONRoundCutter(batchBytes: batchBytes, batchesAtOnce: batchesAtOnce)
            var round = JSONRound()
            bytes.withUnsafeBufferPointer { source in
                func send(_ cut: ArraySlice<JSONElement>, _ batches: [Range<Int>]) {
                    round.fill(cut, batches: batches, from: source, base: 0)
                    rounds.send(&round)
                }
                for element in elements {
                    if rounds.wasAbandoned { return }
                    cutter.add(element, send)
                }
                cutter.finish(send)
            }
        }, emit)
    }

    /// Reads the elements that `produce` cuts into rounds (``JSONRound``, sent into the channel it
    /// is given, in file order) into `reader` and `emit`: `produce` runs on a thread of its own; a
    /// second thread parses each round's batches on all cores (``read(_:of:file:cells:batchBytes:)``),
    /// while the calling thread hands the rows of the rounds before to `emit` in file order. At most
    /// a few rounds are held at once (two cut and waiting, one being parsed, one parsed and waiting,
    /// one being accounted: about 10 MB of JSON's worth with the default sizes), whatever the size
    /// of the file.
    ///
    /// Returns the first syntax error in file order instead of reading on past it (the rounds
    /// after it are not read; `produce` sees its channel abandoned and should stop).
    static func readRounds(
        into reader: inout JSONLogReader, batchBytes: Int = batchBytes, batchesAtOnce: Int = batchesAtOnce,
        produce: @escaping @Sendable (BatchChannel<JSONRound>) -> Void, _ emit: (RowOutcome) -> Void
    ) -> JSONSyntaxError? {
        precondition(batchBytes >= 1 && batchesAtOnce >= 1, "batches hold something")
        let (file, cells) = (reader.file, reader.cells)
        let rounds = BatchChannel<JSONRound>(capacity: 2)
        let parsed = BatchChannel<[BatchResult]>(capacity: 1)
        let done = DispatchSemaphore(value: 0)
        let cutting = Thread {
            produce(rounds)
            rounds.finish()
            done.signal()
        }
        let parsing = Thread {
            // (A round is not recycled: its batches are copied out of it again, so it is shared
            // with the batches' reading until they are done.)
            while let round = rounds.receive() {
                var results = concurrentMap(count: round.batches.count) { k in
                    read(
                        round.elements[round.batches[k]], of: round.bytes, file: file, cells: cells,
                        batchBytes: batchBytes)
                }
                let failed = results.contains { $0.error != nil }
                parsed.send(&results)
                if failed || parsed.wasAbandoned { break }
            }
            // Releases a producer blocked in `send` after a failure (a no-op at the end).
            rounds.abandon()
            parsed.finish()
            done.signal()
        }
        cutting.start()
        parsing.start()
        defer {
            done.wait()
            done.wait()
        }
        while let results = parsed.receive() {
            for result in results {
                for outcome in result.outcomes { emit(outcome) }
                reader.append(result.reader)
                if let error = result.error {
                    // The parsing thread stopped after sending this round; abandoning the channel
                    // keeps a later change to that loop from leaving it blocked in `send`.
                    parsed.abandon()
                    return error
                }
            }
        }
        return nil
    }
}

/// Whole elements of a JSON array log with their own copy of the bytes they span, grouped into
/// batches: what the cutting thread hands the parsing thread (``JSONArrayReading``).
struct JSONRound: PipelineBatch {
    /// The bytes from the first element's start to the last one's end.
    private(set) var bytes: [UInt8] = []
    /// The elements, positioned in ``bytes`` (a `lineStart` may lie before them: negative).
    private(set) var elements: [JSONElement] = []
    /// The batches, as ranges of ``elements``, in order.
    private(set) var batches: [Range<Int>] = []

    init() {}

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
        elements.removeAll(keepingCapacity: true)
        batches.removeAll(keepingCapacity: true)
    }

    /// Fills the round with `cut` (elements positioned in the file) and its `batches` (ranges of
    /// `cut`'s indices from its start), copying their bytes from `source`, a window whose first
    /// byte is at offset `base` of the file.
    mutating func fill(
        _ cut: ArraySlice<JSONElement>, batches: [Range<Int>], from source: UnsafeBufferPointer<UInt8>, base: Int
    ) {
        clear()
        guard let first = cut.first, let last = cut.last else { return }
        precondition(first.start >= base && last.end - base <= source.count, "the window holds the round")
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[(first.start - base)..<(last.end - base)]))
        for element in cut {
            elements.append(JSONElement(
                start: element.start - first.start, end: element.end - first.start, line: element.line,
                lineStart: element.lineStart - first.start))
        }
        let offset = cut.startIndex
        self.batches.append(contentsOf: batches.map { ($0.lowerBound - offset)..<($0.upperBound - offset) })
    }
}

/// Groups the elements of a JSON array, as they are found in file order, into batches and rounds:
/// a batch holds elements spanning at most `batchBytes` (or one larger element), a round up to
/// `batchesAtOnce` batches spanning at most `batchesAtOnce × batchBytes` (or one larger batch).
/// Each round is handed out as soon as it is complete, so only the elements of one round (and the
/// batch after it) wait here.
struct JSONRoundCutter {
    let batchBytes: Int
    let batchesAtOnce: Int
    /// Elements found and not yet handed out.
    private var pending: [JSONElement] = []
    /// Where in `pending` the batch being filled starts.
    private var open = 0
    /// The complete batches of the round being filled, as ranges of `pending`.
    private var closed: [Range<Int>] = []
    private var roundBytes = 0

    init(batchBytes: Int = JSONArrayReading.batchBytes, batchesAtOnce: Int = JSONArrayReading.batchesAtOnce) {
        precondition(batchBytes >= 1 && batchesAtOnce >= 1, "batches hold something")
        self.batchBytes = batchBytes
        self.batchesAtOnce = batchesAtOnce
    }

    /// The start of the first element not yet handed out (its bytes are still needed).
    var firstPendingStart: Int? { pending.first?.start }

    /// Takes the next element, calling `cut` with a round that it completes: its elements and its
    /// batches (ranges of the elements' indices).
    mutating func add(_ element: JSONElement, _ cut: (ArraySlice<JSONElement>, [Range<Int>]) -> Void) {
        if open < pending.count && element.end - pending[open].start > batchBytes { closeBatch(cut) }
        pending.append(element)
    }

    /// The elements ended: hands out the last round.
    mutating func finish(_ cut: (ArraySlice<JSONElement>, [Range<Int>]) -> Void) {
        if open < pending.count { closeBatch(cut) }
        if !closed.isEmpty { cutRound(cut) }
    }

    private mutating func closeBatch(_ cut: (ArraySlice<JSONElement>, [Range<Int>]) -> Void) {
        let size = pending[pending.count - 1].end - pending[open].start
        if !closed.isEmpty && roundBytes + size > batchesAtOnce * batchBytes { cutRound(cut) }
        closed.append(open..<pending.count)
        roundBytes += size
        open = pending.count
        if closed.count == batchesAtOnce { cutRound(cut) }
    }

    private mutating func cutRound(_ cut: (ArraySlice<JSONElement>, [Range<Int>]) -> Void) {
        let count = closed[closed.count - 1].upperBound
        cut(pending[0..<count], closed)
        pending.removeFirst(count)
        open -= count
        closed.removeAll(keepingCapacity: true)
        roundBytes = 0
    }
}
