import Foundation
import Testing

@testable import CaseloadImport

@Suite struct CSVTokenizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let records: [[String]]
        let lines: [Int]
        var unterminatedLast = false
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "LF", input: "a,b\n1,2\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        Case(name: "CRLF", input: "a,b\r\n1,2\r\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        Case(name: "CR", input: "a,b\r1,2\r", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        Case(name: "no final newline", input: "a,b\n1,2", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
        Case(name: "blank lines skipped, lines still counted", input: "a\n\n\r\n\nb\n", records: [["a"], ["b"]], lines: [1, 5]),
        Case(name: "quoted newline", input: "\"x\ny\",z\nw,v\n", records: [["x\ny", "z"], ["w", "v"]], lines: [1, 3]),
        Case(name: "quoted CRLF kept", input: "x\r\n\"a\r\nb\"\r\nc\r\n", records: [["x"], ["a\r\nb"], ["c"]], lines: [1, 2, 4]),
        Case(name: "quoted CR kept", input: "x\r\"a\rb\"\rc", records: [["x"], ["a\rb"], ["c"]], lines: [1, 2, 4]),
        Case(name: "doubled quotes", input: "\"a \"\"b\"\" c\",\"\"\"\"\n", records: [["a \"b\" c", "\""]], lines: [1]),
        Case(name: "quoted delimiter", input: "\"a,b\",c\n", records: [["a,b", "c"]], lines: [1]),
        Case(name: "quote inside unquoted field kept", input: "5\"6,x\"\n", records: [["5\"6", "x\""]], lines: [1]),
        Case(name: "text after closing quote appended", input: "\"ab\"c,d\n", records: [["abc", "d"]], lines: [1]),
        Case(name: "trailing delimiter gives empty field", input: "a,\n,\n", records: [["a", ""], ["", ""]], lines: [1, 2]),
        Case(name: "empty quoted field is a record", input: "\"\"\nx\n", records: [[""], ["x"]], lines: [1, 2]),
        Case(name: "spaces kept", input: " a , b \n", records: [[" a ", " b "]], lines: [1]),
        Case(name: "emoji and UTF-8", input: "é,🙂\n", records: [["é", "🙂"]], lines: [1]),
        Case(
            name: "unterminated quote at end", input: "a\n\"bc\nd", records: [["a"], ["bc\nd"]], lines: [1, 2],
            unterminatedLast: true),
    ]

    @Test(arguments: cases)
    func tokenizesTheSameInAnyChunking(_ testCase: Case) {
        for chunkSize in [1, 2, 3, 5, 4096] {
            let records = tokenize(Array(testCase.input.utf8), chunkSize: chunkSize)
            #expect(records.map(\.strings) == testCase.records, "chunk size \(chunkSize)")
            #expect(records.map(\.line) == testCase.lines, "chunk size \(chunkSize)")
            #expect(records.last?.isUnterminated == testCase.unterminatedLast, "chunk size \(chunkSize)")
            #expect(records.dropLast().allSatisfy { !$0.isUnterminated })
        }
    }

    /// The importer's way of taking records (`consumeInPlace`, swapping in a used record each time,
    /// as `RecordBatch.take` does) gives the same records, lines and flags as `consume`, whatever the
    /// swapped-in record still holds.
    @Test(arguments: cases)
    func recordsTakenInPlaceAreTheSame(_ testCase: Case) {
        for chunkSize in [1, 3, 4096] {
            var tokenizer = CSVTokenizer(delimiter: UInt8(ascii: ","))
            var taken: [CSVRecord] = []
            func take(_ record: inout CSVRecord) {
                // A stale record of its own each time (buffers not shared), so the tokenizer empties
                // it in place, as it does a batch's spare.
                var spare = CSVRecord()
                spare.bytes = Array("left,over,from\nbefore".utf8)
                spare.ends = [4, 9, 22]
                spare.isUnterminated = true
                spare.line = 99
                swap(&record, &spare)
                taken.append(spare)
            }
            let bytes = Array(testCase.input.utf8)
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                while start < all.count {
                    let end = min(start + chunkSize, all.count)
                    tokenizer.consumeInPlace(UnsafeBufferPointer(rebasing: all[start..<end]), take)
                    start = end
                }
            }
            tokenizer.finishInPlace(take)
            let plain = tokenize(bytes, chunkSize: chunkSize)
            #expect(taken.map(\.strings) == plain.map(\.strings), "chunk size \(chunkSize)")
            #expect(taken.map(\.line) == plain.map(\.line), "chunk size \(chunkSize)")
            #expect(taken.map(\.isUnterminated) == plain.map(\.isUnterminated), "chunk size \(chunkSize)")
        }
    }

    /// Plain lines are read in one go (`plainLine`) when a whole line lies in the chunk, and byte by
    /// byte otherwise (fed one byte at a time, no line is ever whole): seeded random files whose
    /// lines mix empty fields, spaces, quotes, CRs, CRLF and LF endings, blank lines, a missing final
    /// newline and up to 100 fields (more than the one-go reader's 65) read the same both ways.
    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")])
    func plainLinesReadInOneGoAsByteByByte(_ delimiter: UInt8) {
        var rng = AccountingPropertyTests.SplitMix(state: 4_096 + UInt64(delimiter))
        let pieces = ["a", "bb", "", " ", "0123456789abcdef", "x y", "\"q\"", "\"a,b;c\td\"", "\"\"\"\"", "e\"f", "\r", "é"]
        let endings = ["\n", "\r\n", "\n", "\r", "\n\n"]
        var text = ""
        for _ in 0..<400 {
            let fields = Int.random(in: 1...100, using: &rng) > 90 ? Int.random(in: 60...100, using: &rng)
                : Int.random(in: 1...20, using: &rng)
            let cells = (0..<fields).map { _ -> String in
                // Mostly plain text, now and then a quote, a CR or non-ASCII.
                let plain = Int.random(in: 0..<10, using: &rng) < 8
                return pieces[Int.random(in: 0..<(plain ? 6 : pieces.count), using: &rng)]
            }
            text += cells.joined(separator: String(Character(Unicode.Scalar(delimiter))))
            text += endings[Int.random(in: 0..<endings.count, using: &rng)]
        }
        text += "last,line"
        let bytes = Array(text.utf8)
        let (whole, scanned) = tokenizeCounting(bytes, delimiter: delimiter, chunkSize: 1 << 20)
        #expect(scanned <= bytes.count)
        let byByte = tokenize(bytes, delimiter: delimiter, chunkSize: 1)
        #expect(whole.count > 300)
        #expect(whole.map(\.strings) == byByte.map(\.strings))
        #expect(whole.map(\.line) == byByte.map(\.line))
        #expect(whole.map(\.isUnterminated) == byByte.map(\.isUnterminated))
        for chunkSize in [7, 64, 1000] {
            let chunked = tokenize(bytes, delimiter: delimiter, chunkSize: chunkSize)
            #expect(chunked.map(\.strings) == byByte.map(\.strings), "chunk size \(chunkSize)")
            #expect(chunked.map(\.line) == byByte.map(\.line), "chunk size \(chunkSize)")
        }
    }

    /// Lone-CR line ends (no LF anywhere) and quoted fields spanning lines: the plain-line scans
    /// never start from a byte twice (once tried per line at most, or once per chunk when no LF is
    /// left), so the work stays linear; and the records are the byte loop's.
    @Test(arguments: [
        ("lone CR", String(repeating: "P1,2026-03-02,s1,Bridge,3,10,no\r", count: 40_000)),
        ("quoted line breaks", String(repeating: "P1,\"two\nlines\",x\n\"a\"\"b\",c\n", count: 20_000)),
        ("CRLF", String(repeating: "P1,2026-03-02,s1,Bridge,3,10,no\r\n", count: 40_000)),
    ])
    func plainLineScansStayLinear(_ name: String, _ text: String) {
        let bytes = Array(text.utf8)
        let (records, scanned) = tokenizeCounting(bytes, delimiter: UInt8(ascii: ","), chunkSize: 1 << 20)
        #expect(scanned <= bytes.count, "\(name): \(scanned) bytes scanned from, of \(bytes.count)")
        #expect(scanned > 0, "\(name)")
        let byByte = tokenize(bytes, chunkSize: 1)
        #expect(records.map(\.strings) == byByte.map(\.strings), "\(name)")
        #expect(records.map(\.line) == byByte.map(\.line), "\(name)")
    }

    /// The one-go reader's limit of 64 delimiters a line (63 to 66 tried, the last delimiter in the
    /// 8-byte loop or in the tail), and a delimiter byte above 0x7F (0xE9) among bytes next to it.
    @Test func delimiterCountsAroundTheLimitAndAHighDelimiter() {
        for fields in 63...67 {
            for pad in ["", "x", "xyz1234"] {
                let line = (0..<fields).map { "\(pad)\($0 % 10)" }.joined(separator: ",")
                let bytes = Array((line + "\n" + line + "\r\n").utf8)
                let whole = tokenize(bytes, chunkSize: 1 << 16)
                #expect(whole.map(\.strings) == tokenize(bytes, chunkSize: 1).map(\.strings), "\(fields) fields")
                #expect(whole.count == 2 && whole.allSatisfy { $0.count == fields }, "\(fields) fields")
            }
        }
        let high: UInt8 = 0xE9
        let row: [UInt8] = [0xC3, 0xA9, high, 0xE8, 0xEA, high, high, 0x41, 0xE9, 0x7F, 0x80, 0xFF, high, 0x0A]
        let bytes = row + row + [0x61, high, 0x62, 0x0A]
        let whole = tokenize(bytes, delimiter: high, chunkSize: 1 << 16)
        #expect(whole.map(\.bytes) == tokenize(bytes, delimiter: high, chunkSize: 1).map(\.bytes))
        #expect(whole.map(\.count) == [6, 6, 2])
    }

    @Test func semicolonAndTabDelimiters() {
        #expect(tokenize(Array("a;b,c\n".utf8), delimiter: UInt8(ascii: ";"), chunkSize: 64).map(\.strings) == [["a", "b,c"]])
        #expect(tokenize(Array("a\tb;c\n".utf8), delimiter: UInt8(ascii: "\t"), chunkSize: 64).map(\.strings) == [["a", "b;c"]])
    }

    struct SniffCase: Sendable {
        let input: String
        let delimiter: Character
        let newline: String
    }

    @Test(arguments: [
        SniffCase(input: "a,b,c\n1,2,3\n", delimiter: ",", newline: "LF"),
        SniffCase(input: "a;b;c\r\n", delimiter: ";", newline: "CRLF"),
        SniffCase(input: "a\tb\tc\r1\t2\t3", delimiter: "\t", newline: "CR"),
        SniffCase(input: "a,b;c\n", delimiter: ",", newline: "LF"),
        SniffCase(input: "\"a;b;c\",d\n", delimiter: ",", newline: "LF"),
        SniffCase(input: "\"x\ny\";b;c\n", delimiter: ";", newline: "LF"),
        SniffCase(input: "single", delimiter: ",", newline: "none"),
    ])
    func sniffsDelimiterAndNewline(_ c: SniffCase) {
        let dialect = Array(c.input.utf8).withUnsafeBufferPointer { CSVDialect.sniff($0, hasBOM: false) }
        #expect(dialect.delimiter == c.delimiter.asciiValue)
        #expect(dialect.newline == c.newline)
    }

    @Test func twentyMegabyteFieldIsOneField() {
        var bytes = Array("notes\n\"".utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: 20 << 20))
        bytes.append(contentsOf: Array("\"\nend\n".utf8))
        let records = tokenize(bytes, chunkSize: 1 << 20)
        #expect(records.count == 3)
        #expect(records[1].count == 1)
        #expect(records[1].range(of: 0).count == 20 << 20)
        #expect(records[2].strings == ["end"])
        #expect(records[2].line == 3)
    }

    @Test func hundredThousandColumnHeader() {
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",") + "\n"
        let records = tokenize(Array(header.utf8), chunkSize: 1 << 20)
        #expect(records.count == 1)
        #expect(records[0].count == 100_000)
        #expect(records[0].string(at: 99_999) == "c99999")
    }
}
