import CaseloadModel
import Foundation

// MARK: Reading a JSON array log in windows

extension JSONArrayReading {
    /// How reading a JSON log in windows (``readFile(_:into:chunkSize:batchBytes:batchesAtOnce:progress:_:)``) ended.
    enum FileOutcome {
        /// The whole array was read: the file's SHA-256 (lower-case hex) and size in bytes, and the
        /// most bytes of it the window held at once.
        case read(sha256: String, bytes: Int, largestWindow: Int)
        /// The file is empty or its text is not an array: nothing was read (no row emitted, the
        /// reader untouched), so it can be read in one pass instead.
        case notAnArray
        /// The file is not a JSON array that can be read so: a syntax error in an element (the
        /// element parser's), or text the scan cannot delimit, or a NUL byte. Rows before the fault
        /// may have been emitted. The fault is reported as one pass over the whole file finds it;
        /// `fault` is where the windowed reading met it, should that pass find nothing.
        case failed(fault: JSONSyntaxError)
    }

    /// Reads a log that is one JSON array without holding the file: the file is read in chunks of
    /// `chunkSize` bytes into a window, scanned as it comes (``JSONArrayScanner``), and its
    /// elements cut into rounds (``JSONRoundCutter``) that are copied out of the window and read on
    /// all cores (``readRounds(into:batchBytes:batchesAtOnce:produce:_:)``). The window keeps only
    /// the bytes from the first element not yet cut into a round: about one round (2 MiB) and a
    /// chunk, or one element when it is larger. So memory follows the rounds in flight, not the
    /// file: a shard that keeps few of the patients holds few of them.
    ///
    /// The rows, warnings, ignored keys and patient details are those of one pass over the file
    /// (`JSONArrayReadingTests`). `progress` is called after each chunk with the bytes read so far,
    /// from the reading thread.
    /// - Throws: ``ImportError`` when the file cannot be opened or read.
    static func readFile(
        _ path: String, into reader: inout JSONLogReader, chunkSize: Int = FileChunkReader.defaultChunkSize,
        batchBytes: Int = batchBytes, batchesAtOnce: Int = batchesAtOnce,
        progress: (@Sendable (Int) -> Void)? = nil, _ emit: (RowOutcome) -> Void
    ) throws -> FileOutcome {
        let cutting = HandOff<Result<FileOutcome, any Error>>()
        let error = readRounds(into: &reader, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce, produce: { rounds in
            cutting.value = Result {
                try cutRounds(
                    path, into: rounds, chunkSize: chunkSize, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce,
                    progress: progress)
            }
        }, emit)
        // `readRounds` returns after the cutting thread ended, so its outcome is written.
        guard let outcome = cutting.value else { preconditionFailure("the cutting thread ended without an outcome") }
        if let error { return .failed(fault: error) }
        return try outcome.get()
    }

    /// The cutting stage of ``readFile(_:into:chunkSize:batchBytes:batchesAtOnce:progress:_:)``:
    /// reads `path` chunk by chunk, scans it and sends its rounds into `rounds` in file order.
    /// Stops early (`.failed`) when the channel is abandoned (an element failed to parse).
    private static func cutRounds(
        _ path: String, into rounds: BatchChannel<JSONRound>, chunkSize: Int, batchBytes: Int, batchesAtOnce: Int,
        progress: (@Sendable (Int) -> Void)?
    ) throws -> FileOutcome {
        var file = try FileChunkReader(path: path, chunkSize: chunkSize)
        var scanner: JSONArrayScanner?
        var cutter = JSONRoundCutter(batchBytes: batchBytes, batchesAtOnce: batchesAtOnce)
        var window: [UInt8] = []
        var base = 0  // the file offset of window[0]
        var round = JSONRound()
        var sentAny = false
        var largestWindow = 0

        /// Scans the window from where the scan stopped, sending each round it completes.
        func scanWindow(_ scanner: inout JSONArrayScanner) {
            window.withUnsafeBufferPointer { w in
                scanner.scan(w, base: base) { element in
                    cutter.add(element) { cut, batches in
                        round.fill(cut, batches: batches, from: w, base: base)
                        rounds.send(&round)
                        sentAny = true
                    }
                }
            }
        }
        func fault(_ scanner: JSONArrayScanner?, _ message: String) -> FileOutcome {
            let at = scanner?.failure ?? (line: 1, column: 1)
            return .failed(fault: JSONSyntaxError(line: at.line, column: at.column, message: message))
        }
        /// After a failed scan: not an array (nothing sent), or a fault.
        func failedScan(_ scanner: JSONArrayScanner) -> FileOutcome {
            !scanner.isArray && !sentAny ? .notAnArray : fault(scanner, "the JSON array cannot be delimited")
        }

        while true {
            let chunk = try file.next()
            if chunk.isEmpty { break }
            progress?(file.bytesRead)
            // The one pass refuses a file holding a NUL byte, wherever it is.
            if let start = chunk.baseAddress, memchr(start, 0, chunk.count) != nil {
                return fault(scanner, "the file holds a NUL byte")
            }
            window.append(contentsOf: chunk)
            largestWindow = max(largestWindow, window.count)
            if scanner == nil {
                // A byte-order mark is skipped; line 1's columns count from after it.
                guard window.count >= 3 else { continue }
                scanner = JSONArrayScanner(start: window.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
            }
            // Taken out and put back, so that scanning does not copy the scanner's state.
            guard var current = scanner.take() else { preconditionFailure("the scanner was made above") }
            scanWindow(&current)
            scanner = current
            if current.failed { return failedScan(current) }
            if rounds.wasAbandoned { return fault(current, "the reading was abandoned") }
            // Drop the bytes of the elements already cut into rounds (and the whitespace and commas
            // between them): a round holds its own copy.
            let needed = min(cutter.firstPendingStart ?? Int.max, current.neededFrom)
            if needed > base {
                window.removeFirst(needed - base)
                base = needed
            }
        }
        if scanner == nil {
            // A file shorter than a byte-order mark (or empty: the one pass says so).
            guard !window.isEmpty else { return .notAnArray }
            var fresh = JSONArrayScanner(start: 0)
            scanWindow(&fresh)
            scanner = fresh
        }
        guard var scanned = scanner else { preconditionFailure("the scanner was made above") }
        guard !scanned.failed, scanned.finish() else { return failedScan(scanned) }
        window.withUnsafeBufferPointer { w in
            cutter.finish { cut, batches in
                round.fill(cut, batches: batches, from: w, base: base)
                rounds.send(&round)
            }
        }
        if rounds.wasAbandoned { return fault(scanned, "the reading was abandoned") }
        return .read(sha256: file.sha256Hex(), bytes: file.bytesRead, largestWindow: largestWindow)
    }
}
