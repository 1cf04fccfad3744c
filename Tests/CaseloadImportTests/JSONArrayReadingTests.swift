import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// A JSON array log is split into its elements by a structural scan and read on all cores; it
/// must give what one pass over the file gives.
@Suite struct JSONArrayReadingTests {
    /// Each element's text, line and column, as the scan delimits them.
    static func split(_ text: String) -> [(text: String, line: Int, column: Int)]? {
        let bytes = Array(text.utf8)
        return JSONArrayReading.elements(of: bytes, from: 0)?.map {
            (String(decoding: bytes[$0.start..<$0.end], as: UTF8.self), $0.line, $0.start - $0.lineStart + 1)
        }
    }

    @Test(arguments: [
        ("[]", [String]()),
        (" \n[ ]\n", []),
        (#"[{"a": 1}]"#, [#"{"a": 1}"#]),
        (#"[{"a": "}]"}, ["x", {"b": []}] , 7,"s",true, null, -1.5e3]"#,
         [#"{"a": "}]"}"#, #"["x", {"b": []}]"#, "7", #""s""#, "true", "null", "-1.5e3"]),
        (#"[{"q": "a \"quoted\" ] \\"}, {}]"#, [#"{"q": "a \"quoted\" ] \\"}"#, "{}"]),
        ("[\r\n{\"a\":\r\n 1},\r\n{}\r\n]\r\n", ["{\"a\":\r\n 1}", "{}"]),
        (#"[{"a":[[[[]]]]}]"#, [#"{"a":[[[[]]]]}"#]),
        ("[1x]", ["1x"]),
        (#"[{"a" 1}, {"b":tru}]"#, [#"{"a" 1}"#, #"{"b":tru}"#]),
    ])
    func elementsAreDelimited(_ text: String, _ expected: [String]) {
        #expect(Self.split(text)?.map(\.text) == expected)
    }

    /// Lines and columns are those of each element's first byte (columns in bytes).
    @Test func elementsKnowTheirLineAndColumn() {
        let text = "[\n  {\"a\": \"é\"}, {\"b\":\n[1,\n2]},\n\n   3 ]"
        let split = Self.split(text)
        #expect(split?.map(\.line) == [2, 2, 6])
        #expect(split?.map(\.column) == [3, 16, 4])
    }

    /// Text the scan cannot delimit is left to the one pass, which reports what is wrong with it.
    @Test(arguments: [
        "", "{}", #"{"patient": {}}"#, "[", "[{}", "[{}]]", "[{}] x", "[{},]x", "[{}, ", "[{]}", "[[}]", "[{}}]",
        "[\"abc]", "[\"ab\nc\"]", "[{} {}]", "[1 2]", "[,]x", "[\"a\"x]",
    ])
    func undelimitableTextIsLeftToTheOnePass(_ text: String) {
        #expect(Self.split(text) == nil)
    }

    /// A log with many patients, each written as its own kind of trouble now and then: bad
    /// values, unknown keys, patients repeated with other details, sessions without ids, check-ins,
    /// wrong shapes, Windows line ends and deep whitespace.
    static func messyLog(patients: Int, seed: UInt64) -> String {
        var rng = AccountingPropertyTests.SplitMix(state: seed)
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        var objects: [String] = []
        for p in 0..<patients {
            let id = "P\(p % (patients / 2 + 1))"
            let clinician = pick(["\"Dr A\"", "\"Dr B\"", "\"\"", "7"])
            let start = pick(["\"2026-01-05\"", "\"2026-13-01\"", "\"05/01/2026\"", "null"])
            var sessions: [String] = []
            for s in 0..<Int(rng.next() % 6) {
                let date = pick([
                    "\"2026-02-0\(s + 1)\"", "\"2026-02-0\(s + 1)T07:30:00+01:00\"", "\"03/02/2026\"", "\"x\"",
                ])
                var exercises: [String] = []
                for _ in 0..<Int(rng.next() % 4) {
                    exercises.append(pick([
                        #"{"name": "Bridge", "category": "strength", "sets": 3, "reps": 10, "pain_during": 2}"#,
                        #"{"name": "Clam", "sets": "three", "mood": "ok"}"#,
                        #"{"name": true}"#, "null", #"{"name": "Wall sit", "pain_during": 11, "notes": "a \"b\" ]"}"#,
                    ]))
                }
                let exercisesText = pick(["[" + exercises.joined(separator: ",\r\n") + "]", "\"Bridge\"", "[]"])
                sessions.append(pick([
                    #"{"date": \#(date), "pain": \#(pick(["3", "11", "true", "\"4.5\""])), "#
                        + #""exercises": \#(exercisesText)}"#,
                    #"{"date": \#(date), "session_id": "S\#(s)", "night_pain": "yes", "extra": {"k": [1]}}"#,
                    #"{"date": \#(date), "id": \#(pick(["\"A\"", "1", "{}"])), "exercises": \#(exercisesText)}"#,
                    "5",
                ]))
            }
            let sessionsText = pick(["[" + sessions.joined(separator: ", ") + "]", "{}", "[]"])
            objects.append(pick([
                #"{"patient": {"id": "\#(id)", "clinician": \#(clinician), "program_start": \#(start), "#
                    + #""sessions_per_week": \#(pick(["3", "0", "\"x\""]))}, "sessions": \#(sessionsText)}"#,
                #"{"patient": {"id": "\#(id)", "hobby": 1}, "sessions": \#(sessionsText), "device": "x"}"#,
                #"{"sessions": \#(sessionsText)}"#,
                #"{"patient": {"id": "\#(id)"}}"#,
                "\"just text\"",
            ]))
        }
        return "[\n" + objects.joined(separator: pick([",\n", ", ", " ,\r\n\t"])) + "\n]\n"
    }

    /// One pass over the whole file, as the importer reads it with its test hook.
    static func onePass(_ bytes: [UInt8], cells: CellParser) throws -> (JSONLogReader, [RowOutcome]) {
        var reader = JSONLogReader(file: "log.json", cells: cells)
        var outcomes: [RowOutcome] = []
        var parser = JSONParser(bytes: bytes, start: 0)
        try parser.parseDocument { node in reader.read(node) { outcomes.append($0) } }
        return (reader, outcomes)
    }

    @Test(arguments: [(1, 1), (1, 8), (300, 3), (5_000, 2), (1 << 20, 8)])
    func readsAsOnePass(_ batchBytes: Int, _ batchesAtOnce: Int) throws {
        let cells = CellParser(dateOrder: .iso, decimalComma: false)
        for seed: UInt64 in 1...4 {
            let bytes = Array(Self.messyLog(patients: 120, seed: seed).utf8)
            let (expected, expectedOutcomes) = try Self.onePass(bytes, cells: cells)
            let elements = try #require(JSONArrayReading.elements(of: bytes, from: 0))
            #expect(elements.count == 120)
            var reader = JSONLogReader(file: "log.json", cells: cells)
            var outcomes: [RowOutcome] = []
            let error = JSONArrayReading.readInParallel(
                elements, of: bytes, into: &reader, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce
            ) { outcomes.append($0) }
            #expect(error == nil)
            #expect(outcomes.count > 60)
            #expect(outcomes.contains { if case .rejected = $0 { true } else { false } })
            #expect(outcomes == expectedOutcomes, "seed \(seed)")
            #expect(reader.warnings == expected.warnings && !reader.warnings.isEmpty, "seed \(seed)")
            #expect(reader.ignoredKeys == expected.ignoredKeys && reader.ignoredKeys.count >= 3, "seed \(seed)")
            #expect(reader.roster == expected.roster && !reader.roster.isEmpty, "seed \(seed)")
            #expect(reader.notes == expected.notes, "seed \(seed)")
        }
    }

    /// A syntax error in a later batch stops the reading there: the rows are those of the elements
    /// before the broken one, as the one pass gives them before it fails (a broken object gives no
    /// row either way). The rows are thrown away with the file's error; this pins the order.
    @Test(arguments: [(1, 1), (400, 2)])
    func syntaxErrorStopsTheReading(_ batchBytes: Int, _ batchesAtOnce: Int) throws {
        let cells = CellParser(dateOrder: .iso, decimalComma: false)
        var bytes = Array(Self.messyLog(patients: 200, seed: 9).utf8)
        var elements = try #require(JSONArrayReading.elements(of: bytes, from: 0))
        // Break the 150th element inside (a member without its colon), keeping its bounds.
        let broken = elements[149]
        bytes.replaceSubrange(broken.start..<broken.end, with: Array(#"{"patient" 1}"#.utf8))
        elements = try #require(JSONArrayReading.elements(of: bytes, from: 0))
        var expectedOutcomes: [RowOutcome] = []
        var expected = JSONLogReader(file: "log.json", cells: cells)
        var parser = JSONParser(bytes: bytes, start: 0)
        let onePassError = #expect(throws: JSONSyntaxError.self) {
            try parser.parseDocument { node in expected.read(node) { expectedOutcomes.append($0) } }
        }
        var reader = JSONLogReader(file: "log.json", cells: cells)
        var outcomes: [RowOutcome] = []
        let error = JSONArrayReading.readInParallel(
            elements, of: bytes, into: &reader, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce
        ) { outcomes.append($0) }
        #expect(error?.line == onePassError?.line && error?.column == onePassError?.column)
        #expect(error?.message == onePassError?.message)
        #expect(outcomes == expectedOutcomes && outcomes.count > 60)
        #expect(reader.warnings == expected.warnings)
    }

    /// A syntax error inside an element is reported as the one pass reports it: the same words,
    /// line and column, and the first one in the file when there are several.
    /// (`delimited`: whether the scan delimits the file, so that the error is found on all cores.)
    @Test(arguments: [
        (#"[{"patient": {"id": "P1"}, "sessions": []}, {"patient" {"id": "P2"}}]"#, true),
        ("[{\"patient\": {\"id\": \"P1\"}},\n {\"sessions\": [tru]},\n {\"a\": 1,}]", true),
        ("[\n{\"sessions\": []},\n 12x, {\"b\" 1}]", true),
        (#"[{"a": "\q"}]"#, true),
        ("[{\"a\": \"ok\"}, {\"b\": \"\\u12G4\"}]", true),
        ("[" + String(repeating: "[", count: 80) + String(repeating: "]", count: 80) + "]", true),
        ("\u{FEFF}[{\"a\" 1}]", true),
        ("\u{FEFF}[{\"a\": 1}, tru]", true),
        ("[{\"a\": [1}]}]", false),
        ("[{\"a\": 1}\n{\"b\": 2}]", false),
        ("[\"a\\", false),
    ])
    func syntaxErrorsAsOnePass(_ text: String, _ delimited: Bool) throws {
        let bytes = Array(text.utf8)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        #expect((JSONArrayReading.elements(of: bytes, from: start) != nil) == delimited)
        let folder = try TemporaryFolder()
        let path = try folder.write("bad.json", text)
        let importer = CaseloadImporter()
        let usual = #expect(throws: ImportError.self) { try importer.run(logs: [path], roster: nil) }
        let onePass = #expect(throws: ImportError.self) { try importer.run(logs: [path], roster: nil) { _ in } }
        #expect(usual == onePass)
        #expect(usual?.line != nil && usual?.column != nil)
    }

    /// Through the importer, every way in: a log of many batches (and rounds), a byte-order mark,
    /// an empty array, a top-level string holding a backslash.
    @Test func importerReadsAsOnePass() throws {
        let folder = try TemporaryFolder()
        let big = Self.messyLog(patients: 30_000, seed: 5)
        // More than one round of batches, so the importer's own reading crosses rounds.
        #expect(big.utf8.count > JSONArrayReading.batchBytes * JSONArrayReading.batchesAtOnce)
        let paths = [
            try folder.write("big.json", big),
            try folder.write("bom.json", "\u{FEFF}" + Self.messyLog(patients: 40, seed: 6)),
            try folder.write("empty.json", " [ ] "),
            try folder.write("backslash.json", #"["\\", {"patient": {"id": "P9"}, "sessions": []}]"#),
        ]
        for path in paths {
            let (result, _) = try importLogs([path])
            #expect(result.totals.isBalanced, "\(path)")
        }
        let (all, entries) = try importLogs(paths)
        #expect(all.rejected.count > 1_000 && entries.count > 100)
        #expect(all.rejected.contains { $0.file.hasSuffix("backslash.json") && $0.line == 1 })
    }

    @Test func emptyArrayReadsNothing() throws {
        var reader = JSONLogReader(file: "log.json", cells: CellParser(dateOrder: .iso, decimalComma: false))
        var outcomes: [RowOutcome] = []
        let error = JSONArrayReading.readInParallel([], of: Array("[]".utf8), into: &reader) { outcomes.append($0) }
        #expect(error == nil && outcomes.isEmpty && reader.warnings.isEmpty)
    }
}
