import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// A JSON array log is read in windows (`JSONArrayReading.readFile`): scanned chunk by chunk, cut
/// into rounds that hold their own bytes, and never held whole. It must give what one pass over
/// the whole file gives, wherever the chunks and rounds fall.
@Suite struct JSONArrayWindowTests {
    /// The elements the scan finds when fed `bytes` in windows of up to `window` new bytes each,
    /// keeping (as the file reader does) only the bytes from `neededFrom` on: their text, line and
    /// column, or `nil` when the scan fails.
    static func scanInWindows(_ bytes: [UInt8], window: Int) -> [(text: String, line: Int, column: Int)]? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var scanner = JSONArrayScanner(start: start)
        var found: [JSONElement] = []
        // The windows start after a byte-order mark (the reader reads on until it knows).
        var base = start
        var kept: [UInt8] = []
        var next = start
        while next < bytes.count {
            let upper = min(bytes.count, next + window)
            kept.append(contentsOf: bytes[next..<upper])
            next = upper
            kept.withUnsafeBufferPointer { scanner.scan($0, base: base) { found.append($0) } }
            if scanner.failed { return nil }
            // Forget what the scan no longer needs, as the reader does once elements are cut out.
            let needed = scanner.neededFrom
            kept.removeFirst(needed - base)
            base = needed
        }
        guard scanner.finish() else { return nil }
        return found.map {
            (String(decoding: bytes[$0.start..<$0.end], as: UTF8.self), $0.line, $0.start - $0.lineStart + 1)
        }
    }

    /// Texts whose elements straddle window edges: strings holding brackets, braces, commas and
    /// escaped quotes or backslashes (an escape split from its backslash), CRLF line ends, a
    /// byte-order mark, nesting, bare values cut in the middle, an empty array.
    static let texts = [
        "[]",
        " \r\n[ \r\n]\r\n",
        #"[{"a": "}]"}, ["x", {"b": []}] , 7,"s",true, null, -1.5e3]"#,
        #"[{"q": "a \"quoted\" ] \\"}, {"r": "\\\"{[,"}, "\\", "\""]"#,
        "[\r\n{\"a\":\r\n 1},\r\n{}\r\n,\r\n[\"\\r\\n\"]\r\n]\r\n",
        "\u{FEFF}[\n  {\"a\": \"é, ü\"}, {\"b\":\n[1,\n2]},\n\n   3 ]",
        #"[{"a":[[[[{"b":"]]]]"}]]]]}, 12345678901234567890, false]"#,
        "[1x, {\"a\" 1}, {\"b\":tru}]",
    ]

    @Test(arguments: texts, [1, 2, 3, 5, 16])
    func windowsFindTheElementsOfTheWholeText(_ text: String, _ window: Int) throws {
        let bytes = Array(text.utf8)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let whole = try #require(JSONArrayReading.elements(of: bytes, from: start))
        let windowed = try #require(Self.scanInWindows(bytes, window: window))
        #expect(windowed.map(\.text) == whole.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) })
        #expect(windowed.map(\.line) == whole.map(\.line))
        #expect(windowed.map(\.column) == whole.map { $0.start - $0.lineStart + 1 })
    }

    /// Lines and columns after CRLF line ends and a byte-order mark, whatever the windows.
    @Test(arguments: [1, 4, 100])
    func positionsSurviveWindowEdges(_ window: Int) throws {
        let text = "\u{FEFF}[{\"a\": 1},\r\n  {\"b\": \"x\\\"y\"},\r\n\r\n\t[\r\n1]]"
        let found = try #require(Self.scanInWindows(Array(text.utf8), window: window))
        #expect(found.map(\.line) == [1, 2, 4])
        #expect(found.map(\.column) == [2, 3, 2])
    }

    /// Text the scan cannot delimit fails in windows too (so it goes to the one pass).
    @Test(arguments: [
        "", "{}", "[", "[{}", "[{}]]", "[{}] x", "[{}, ", "[{]}", "[[}]", "[{}}]", "[\"abc]", "[\"ab\nc\"]",
        "[{} {}]", "[1 2]", "[,]x", "[\"a\"x]", "[{\"a\": \"b\\\"}]", "[\"a\\",
    ], [1, 3])
    func undelimitableTextFailsInWindows(_ text: String, _ window: Int) {
        #expect(Self.scanInWindows(Array(text.utf8), window: window) == nil)
    }

    /// A messy log read from its file in windows of every kind of size (chunks of 1 byte to 1 MiB;
    /// batches of 1 byte to 1 MiB) gives the rows, warnings, ignored keys, patient details and notes
    /// of one pass, and the file's SHA-256 and size.
    @Test(arguments: [(1, 300, 2), (7, 1, 1), (64, 5_000, 3), (4_096, 2_000, 2), (1 << 20, 1 << 18, 8)])
    func fileReadsAsOnePass(_ chunkSize: Int, _ batchBytes: Int, _ batchesAtOnce: Int) throws {
        let cells = CellParser(dateOrder: .iso, decimalComma: false)
        let folder = try TemporaryFolder()
        for seed: UInt64 in 1...3 {
            let prefix = seed == 2 ? "\u{FEFF}" : ""
            let text = prefix + JSONArrayReadingTests.messyLog(patients: chunkSize == 1 ? 40 : 150, seed: seed)
            let bytes = Array(text.utf8)
            let start = seed == 2 ? 3 : 0
            var expected = JSONLogReader(file: "log.json", cells: cells)
            var expectedOutcomes: [RowOutcome] = []
            var parser = JSONParser(bytes: bytes, start: start)
            try parser.parseDocument { node in expected.read(node) { expectedOutcomes.append($0) } }
            let path = try folder.write("log\(seed).json", bytes)
            var reader = JSONLogReader(file: "log.json", cells: cells)
            var outcomes: [RowOutcome] = []
            let outcome = try JSONArrayReading.readFile(
                path, into: &reader, chunkSize: chunkSize, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce
            ) { outcomes.append($0) }
            guard case .read(let sha256, let size, _) = outcome else {
                Issue.record("seed \(seed): \(outcome)")
                continue
            }
            #expect(size == bytes.count)
            // The one pass (the importer's test hook) reads the file whole.
            let onePass = try CaseloadImporter().run(logs: [path], roster: nil) { _ in }
            #expect(sha256 == onePass.inputs[0].sha256)
            #expect(outcomes.count > 20)
            #expect(outcomes == expectedOutcomes, "seed \(seed)")
            #expect(reader.warnings == expected.warnings && !reader.warnings.isEmpty, "seed \(seed)")
            #expect(reader.ignoredKeys == expected.ignoredKeys && reader.ignoredKeys.count >= 3, "seed \(seed)")
            #expect(reader.roster == expected.roster && !reader.roster.isEmpty, "seed \(seed)")
            #expect(reader.notes == expected.notes, "seed \(seed)")
        }
    }

    /// The window holds about a round and a chunk, never the file: a 2.4 MB log read in 16 KiB
    /// chunks and rounds of 2 × 8 KiB never holds more than 64 KiB of it.
    @Test func windowStaysSmall() throws {
        let folder = try TemporaryFolder()
        let text = JSONArrayReadingTests.messyLog(patients: 30_000, seed: 11)
        #expect(text.utf8.count > 2_000_000)
        let path = try folder.write("big.json", text)
        var reader = JSONLogReader(file: "big.json", cells: CellParser(dateOrder: .iso, decimalComma: false))
        var rows = 0
        let outcome = try JSONArrayReading.readFile(
            path, into: &reader, chunkSize: 16 * 1024, batchBytes: 8 * 1024, batchesAtOnce: 2
        ) { _ in rows += 1 }
        guard case .read(_, let size, let largestWindow) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(size == text.utf8.count && rows > 10_000)
        // A chunk, a round of 2 batches, the open batch and an element being scanned (each under 2 KB).
        #expect(largestWindow >= 16 * 1024 && largestWindow <= 16 * 1024 + 3 * 8 * 1024 + 4 * 1024)
    }

    /// Empty arrays, and files that are not arrays (read in one pass instead, nothing read here).
    @Test(arguments: [
        ("[]", true), (" \n[\r\n]\n", true), ("\u{FEFF}[ ]", true),
        ("", false), ("  \n", false), (#"{"patient": {"id": "P1"}, "sessions": []}"#, false), ("\u{FEFF}", false),
        ("7", false),
    ])
    func emptyOrNotAnArray(_ text: String, _ isEmptyArray: Bool) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("log.json", text)
        for chunkSize in [1, 2, 1 << 20] {
            var reader = JSONLogReader(file: "log.json", cells: CellParser(dateOrder: .iso, decimalComma: false))
            var rows = 0
            let outcome = try JSONArrayReading.readFile(path, into: &reader, chunkSize: chunkSize) { _ in rows += 1 }
            switch outcome {
            case .read(_, let size, _): #expect(isEmptyArray && size == text.utf8.count && rows == 0)
            case .notAnArray: #expect(!isEmptyArray && rows == 0)
            case .failed(let fault): Issue.record("\(text): \(fault)")
            }
        }
    }

    /// Truncated or invalid arrays, in windows: the reading fails, and the importer reports the
    /// fault as one pass over the file does, with its line and column (pinned here).
    @Test(arguments: [
        // The last object is cut off.
        ("[\n{\"patient\": {\"id\": \"P1\"}, \"sessions\": []},\n{\"patient\": {\"id\": \"P2\"}", 3, 25,
         "the JSON ends before the object opened at line 3, column 1 is closed (file truncated?)"),
        // The closing bracket is missing.
        ("[\r\n{\"sessions\": []},\r\n{\"sessions\": []}\r\n", 4, 1,
         "the JSON ends before the array opened at line 1, column 1 is closed (file truncated?)"),
        // A member without its colon in the second element.
        ("[{\"sessions\": []},\n {\"sessions\" []}]", 2, 14, "expected ':' after an object key"),
        // Two elements without a comma.
        ("[{\"sessions\": []}\n{\"sessions\": []}]", 2, 1, "expected ',' or ']' after an array element"),
        // Text after the array.
        ("[{\"sessions\": []}]\n]", 2, 1, "unexpected text after the JSON value"),
        // A line break inside a string.
        ("[{\"sessions\": [], \"x\": \"a\nb\"}]", 1, 26,
         "control character in a string (a line break must be written \\n)"),
    ])
    func invalidArraysFailWithTheOnePassPosition(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bad.json", text)
        for chunkSize in [1, 3, 1 << 20] {
            var reader = JSONLogReader(file: "bad.json", cells: CellParser(dateOrder: .iso, decimalComma: false))
            let outcome = try JSONArrayReading.readFile(
                path, into: &reader, chunkSize: chunkSize, batchBytes: 8, batchesAtOnce: 1
            ) { _ in }
            guard case .failed = outcome else {
                Issue.record("chunks of \(chunkSize): \(outcome)")
                continue
            }
        }
        let error = #expect(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error?.file == path)
        #expect(error?.line == line && error?.column == column, "\(String(describing: error))")
        #expect(error?.reason == message)
        let onePass = #expect(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) { _ in } }
        #expect(error == onePass)
    }

    /// A NUL byte far into the file (past the first chunks, after rows were read) is refused as the
    /// one pass refuses it.
    @Test func lateNULByteIsRefusedAsBinary() throws {
        let folder = try TemporaryFolder()
        var bytes = Array(JSONArrayReadingTests.messyLog(patients: 15_000, seed: 3).utf8)
        #expect(bytes.count > FileChunkReader.defaultChunkSize + 1_000)
        bytes[bytes.count - 100] = 0
        let path = try folder.write("nul.json", bytes)
        let error = #expect(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error?.reason == "the file is binary (it holds NUL bytes), not JSON text")
        #expect(error?.line == nil)
    }

    /// A shard reads a JSON array log in windows too, and together the shards account for every
    /// row once, as a run that keeps everyone does.
    @Test func shardsOfAWindowedLogAddUp() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("log.json", JSONArrayReadingTests.messyLog(patients: 2_000, seed: 8))
        let whole = try CaseloadImporter().run(logs: [path], roster: nil)
        var read = 0, accepted = 0, rejected = 0, duplicate = 0
        for index in 0..<3 {
            let shard = try CaseloadImporter().run(logs: [path], roster: nil, selection: .shard(index, of: 3))
            #expect(shard.recordsSeen == whole.recordsSeen)
            #expect(shard.inputs[0].warnings == whole.inputs[0].warnings)
            read += shard.totals.rowsRead
            accepted += shard.totals.rowsAccepted
            rejected += shard.totals.rowsRejected
            duplicate += shard.totals.rowsDuplicate
        }
        #expect(whole.totals.rowsRead > 1_000 && whole.totals.rowsRejected > 100)
        #expect(read == whole.totals.rowsRead && accepted == whole.totals.rowsAccepted)
        #expect(rejected == whole.totals.rowsRejected && duplicate == whole.totals.rowsDuplicate)
    }
}
