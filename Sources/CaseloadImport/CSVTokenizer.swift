#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
/// One CSV record: its fields' bytes stored one after the other, and where it starts.
///
/// Field bytes are unquoted and unescaped (`"a ""b"""` is stored as `a "b"`) and not
/// decoded: turning them into numbers or strings is the row parser's job.
public struct CSVRecord: Sendable {
    /// All fields' bytes, each but the last followed by one separator byte (so an unquoted
    /// record is stored as the line itself, copied in one piece).
    public internal(set) var bytes: [UInt8] = []
    /// End offset in ``bytes`` of each field (so field `i` is `ends[i-1]+1..<ends[i]`).
    public internal(set) var ends: [Int] = []
    /// The physical line (1-based) where the record starts.
    public internal(set) var line = 1
    /// True when the file ended inside a quoted field of this record.
    public internal(set) var isUnterminated = false

    /// Number of fields.
    public var count: Int { ends.count }

    /// The byte range of field `index` in ``bytes``.
    public func range(of index: Int) -> Range<Int> {
        precondition(index >= 0 && index < ends.count, "field index out of range")
        return fieldRange(index, ends: ends)
    }

    /// Calls `body` with the bytes of field `index`.
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(of: index)
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[r]))
        }
    }

    /// Field `index` decoded as UTF-8 (invalid bytes replaced); for tests and messages.
    public func string(at index: Int) -> String {
        String(decoding: bytes[range(of: index)], as: UTF8.self)
    }

    /// Every field decoded as UTF-8.
    public var strings: [String] { (0..<count).map { string(at: $0) } }
}

/// The byte range of field `index` in a record as the tokenizer lays it out: the fields one after
/// the other, one separator byte between two fields, `ends[i]` the end of field `i`.
@inline(__always)
func fieldRange<Ends: RandomAccessCollection<Int>>(_ index: Int, ends: Ends) -> Range<Int> where Ends.Index == Int {
    (index == 0 ? 0 : ends[index - 1] + 1)..<ends[index]
}

/// A CSV record seen in place: its bytes and field ends borrowed from a buffer that outlives
/// the view, laid out as in ``CSVRecord``. The row parsers read records through views, so a
/// record handed over by the reading thread is parsed where it lies, never copied out.
struct RecordView {
    /// All fields' bytes, each but the last followed by one separator byte.
    let bytes: UnsafeBufferPointer<UInt8>
    /// End offset in `bytes` of each field.
    let ends: UnsafeBufferPointer<Int>
    /// The physical line (1-based) where the record starts.
    let line: Int
    /// True when the file ended inside a quoted field of this record.
    let isUnterminated: Bool

    /// Number of fields.
    var count: Int { ends.count }

    /// The byte range of field `index` in `bytes`.
    func range(of index: Int) -> Range<Int> {
        fieldRange(index, ends: ends)
    }

    /// The bytes of field `index`.
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range(of: index)])
    }
}

extension CSVRecord {
    /// Calls `body` with a view of the record.
    func withView<R>(_ body: (RecordView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in
                try body(RecordView(bytes: b, ends: e, line: line, isUnterminated: isUnterminated))
            }
        }
    }
}

/// A streaming RFC 4180 tokenizer over bytes: feed it chunks, it hands out records.
///
/// - Quoted fields may hold delimiters, doubled quotes and line breaks (LF, CRLF or CR).
/// - A quote inside an unquoted field is kept literally; text after a closing quote is
///   appended literally (`"ab"c` reads as `abc`).
/// - Blank lines are skipped; LF, CRLF and lone CR all end a record and count one line.
/// - A file ending inside a quoted field yields a last record with ``CSVRecord/isUnterminated``.
///
/// The tokenizer holds only the record being built, never the file.
/// - Complexity: O(n) in the bytes fed. A plain line (see `plainLine`) is read a few times over
///   by vectorised scans (line end, quotes and CRs, delimiters) and copied once; any other byte is
///   looked at once by the byte loop and copied at most once. Where a line is not plain, the scans
///   are not tried again before its end, so no byte is scanned by them twice.
public struct CSVTokenizer: Sendable {
    private enum State: Sendable { case fieldStart, unquoted, quoted, quoteInQuoted }
    private enum Pending: Sendable { case none, crInQuotes, crEndedRecord }

    /// The field delimiter byte.
    public let delimiter: UInt8
    /// The physical line the tokenizer is on (1-based).
    public private(set) var line = 1
    private var state = State.fieldStart
    private var pending = Pending.none
    private var record = CSVRecord()
    /// Bytes the plain-line scans have started from so far (each counted once per attempt), for the
    /// tests to check that no byte is scanned from twice.
    private(set) var plainScanned = 0
    /// Per byte: bit 0 = ends an unquoted run, bit 1 = ends a quoted run.
    private let classes: [UInt8]

    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Creates a tokenizer for `delimiter` (which must not be a quote or line break).
    public init(delimiter: UInt8) {
        precondition(
            delimiter != CSVTokenizer.quote && delimiter != CSVTokenizer.lf && delimiter != CSVTokenizer.cr,
            "delimiter must not be a quote or line break")
        self.delimiter = delimiter
        var table = [UInt8](repeating: 0, count: 256)
        table[Int(delimiter)] = 1
        for b in [CSVTokenizer.quote, CSVTokenizer.lf, CSVTokenizer.cr] { table[Int(b)] = 3 }
        classes = table
    }

    /// Tokenizes `chunk`, calling `emit` for every record completed in it.
    public mutating func consume(
        _ chunk: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void
    ) rethrows {
        try consumeInPlace(chunk, { try emit($0) })
    }

    /// Tokenizes `chunk`, handing every record completed in it to `emit`, which may keep the
    /// record's buffers by swapping in a record of its own (emptied here before the next record).
    mutating func consumeInPlace(
        _ chunk: UnsafeBufferPointer<UInt8>, _ emit: (inout CSVRecord) throws -> Void
    ) rethrows {
        guard let p = chunk.baseAddress, chunk.count > 0 else { return }
        let n = chunk.count
        var i = 0
        switch pending {
        case .none: break
        case .crInQuotes:
            pending = .none
            if p[0] == CSVTokenizer.lf { record.bytes.append(CSVTokenizer.lf); i = 1 }
        case .crEndedRecord:
            pending = .none
            if p[0] == CSVTokenizer.lf { i = 1 }
        }
        let table = classes
        // Where the next plain-line attempt may start: after a line found not plain (or the chunk's
        // end when it holds no more LF), so that a file of lone-CR line ends, or a quoted field
        // spanning lines, is not scanned again from every record start.
        var plainFrom = i
        try table.withUnsafeBufferPointer { cls in
            while i < n {
                switch state {
                case .fieldStart, .unquoted:
                    if i >= plainFrom && state == .fieldStart && record.bytes.isEmpty && record.ends.isEmpty {
                        if let next = try plainLine(p, from: i, count: n, retryFrom: &plainFrom, emit) {
                            i = next
                            plainFrom = next
                            continue
                        }
                    }
                    // Unquoted text is copied lazily, a run of whole fields (delimiters kept as the
                    // separator bytes) at a time: one copy per line in the usual case.
                    var runStart = i
                    var fieldBegin = state == .fieldStart ? i : -1  // -1: the field already has text
                    scan: while true {
                        while i < n && cls[Int(p[i])] & 1 == 0 { i += 1 }
                        if i == n {
                            flush(p, runStart, n)
                            state = fieldBegin == n ? .fieldStart : .unquoted
                            return
                        }
                        let b = p[i]
                        if b == delimiter {
                            record.ends.append(record.bytes.count + (i - runStart))
                            i += 1
                            fieldBegin = i
                        } else if b == CSVTokenizer.quote {
                            if fieldBegin == i {
                                flush(p, runStart, i)
                                i += 1
                                state = .quoted
                                break scan
                            }
                            i += 1  // a quote inside unquoted text is kept literally
                            fieldBegin = -1
                        } else {
                            flush(p, runStart, i)
                            state = fieldBegin == i ? .fieldStart : .unquoted
                            i += 1
                            line += 1
                            if b == CSVTokenizer.cr { i = skipLF(after: i, p, n, inQuotes: false) }
                            try endRecord(emit)
                            break scan  // the next record may be a plain line
                        }
                    }
                case .quoted:
                    let start = i
                    while i < n && cls[Int(p[i])] & 2 == 0 { i += 1 }
                    if i > start {
                        record.bytes.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
                    }
                    if i == n { return }
                    let b = p[i]
                    i += 1
                    if b == CSVTokenizer.quote {
                        state = .quoteInQuoted
                    } else {
                        record.bytes.append(b)
                        line += 1
                        if b == CSVTokenizer.cr { i = skipLF(after: i, p, n, inQuotes: true) }
                    }
                case .quoteInQuoted:
                    let b = p[i]
                    i += 1
                    if b == CSVTokenizer.quote {
                        record.bytes.append(b)
                        state = .quoted
                    } else if b == delimiter {
                        record.ends.append(record.bytes.count)
                        record.bytes.append(delimiter)  // the separator byte
                        state = .fieldStart
                    } else if b == CSVTokenizer.lf || b == CSVTokenizer.cr {
                        line += 1
                        if b == CSVTokenizer.cr { i = skipLF(after: i, p, n, inQuotes: false) }
                        try endRecord(emit)
                    } else {
                        record.bytes.append(b)
                        state = .unquoted
                    }
                }
            }
        }
    }

    /// Ends the input: emits the last record if the file did not end with a line break.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) rethrows {
        try finishInPlace({ try emit($0) })
    }

    /// Ends the input as ``finish(_:)`` does, handing the last record over as ``consumeInPlace(_:_:)`` does.
    mutating func finishInPlace(_ emit: (inout CSVRecord) throws -> Void) rethrows {
        pending = .none
        switch state {
        case .quoted:
            record.isUnterminated = true
            try endRecord(emit)
        case .fieldStart where record.ends.isEmpty && record.bytes.isEmpty:
            break
        default:
            try endRecord(emit)
        }
    }

    /// Tokenizes the line starting at `i`, at the start of a record, in one go when it is plain: it
    /// ends with LF or CRLF inside the chunk, is not empty, and holds no quote and no other CR.
    /// Such a line is one record whose fields are the text between delimiters, exactly as the
    /// byte-by-byte loop would read it; finding the line end and checking for quotes and CRs is done
    /// by `memchr` (vectorised in the C library) and the delimiters are found 8 bytes at a time.
    /// - Parameter retryFrom: set, when the line is not plain, to where the next attempt may start
    ///   (after this line's LF, or `n` when the chunk has no LF left).
    /// - Returns: the index after the line, or `nil` (nothing done) when the line is not plain.
    private mutating func plainLine(
        _ p: UnsafePointer<UInt8>, from i: Int, count n: Int, retryFrom: inout Int,
        _ emit: (inout CSVRecord) throws -> Void
    ) rethrows -> Int? {
        guard let found = memchr(p + i, Int32(CSVTokenizer.lf), n - i) else {
            plainScanned += n - i
            retryFrom = n
            return nil
        }
        let lf = UnsafeRawPointer(found) - UnsafeRawPointer(p)
        plainScanned += lf + 1 - i
        retryFrom = lf + 1
        var end = lf
        if end > i && p[end - 1] == CSVTokenizer.cr { end -= 1 }
        let length = end - i
        guard length > 0, memchr(p + i, Int32(CSVTokenizer.cr), length) == nil,
            memchr(p + i, Int32(CSVTokenizer.quote), length) == nil
        else { return nil }
        let maxFields = 64  // 512 bytes: small enough for the stack (a larger buffer is a malloc per line)
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: maxFields) { ends -> Int? in
            let line = UnsafeRawPointer(p + i)
            var k = 0
            var j = 0
            // A byte equal to the delimiter is a zero byte of `word ^ pattern`; the exact zero-byte
            // test below sets the high bit of each such byte and of no other.
            let pattern = UInt64(delimiter) &* 0x0101_0101_0101_0101
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            while j + 8 <= length {
                let x = UInt64(littleEndian: line.loadUnaligned(fromByteOffset: j, as: UInt64.self)) ^ pattern
                var zeros = ~(((x & low7) &+ low7) | x | low7)
                while zeros != 0 {
                    guard k < maxFields else { return nil }
                    ends[k] = j + zeros.trailingZeroBitCount / 8
                    k += 1
                    zeros &= zeros &- 1
                }
                j += 8
            }
            while j < length {
                if line.load(fromByteOffset: j, as: UInt8.self) == delimiter {
                    guard k < maxFields else { return nil }
                    ends[k] = j
                    k += 1
                }
                j += 1
            }
            record.bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: length))
            record.ends.append(contentsOf: UnsafeBufferPointer(rebasing: ends[0..<k]))
            self.line += 1
            try endRecord(emit)
            return lf + 1
        }
    }

    /// Appends the chunk's bytes `start..<end` to the record.
    private mutating func flush(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        if end > start { record.bytes.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start)) }
    }

    /// After a CR at `i - 1`: swallows a following LF (a CRLF pair) or remembers to check
    /// the next chunk. Returns the next index.
    private mutating func skipLF(after i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, inQuotes: Bool) -> Int {
        if i < n {
            guard p[i] == CSVTokenizer.lf else { return i }
            if inQuotes { record.bytes.append(CSVTokenizer.lf) }
            return i + 1
        }
        pending = inQuotes ? .crInQuotes : .crEndedRecord
        return i
    }

    private mutating func endRecord(_ emit: (inout CSVRecord) throws -> Void) rethrows {
        let blank = state == .fieldStart && record.ends.isEmpty && record.bytes.isEmpty
        if !blank {
            record.ends.append(record.bytes.count)
            try emit(&record)
        }
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
        record.isUnterminated = false
        record.line = line
        state = .fieldStart
    }
}

/// The CSV dialect found in a file.
public struct CSVDialect: Sendable, Equatable {
    /// `,`, `;` or tab.
    public var delimiter: UInt8
    /// True when the file starts with a UTF-8 byte order mark.
    public var hasBOM: Bool
    /// `LF`, `CRLF`, `CR`, or `none` for a one-line file.
    public var newline: String

    /// Guesses the dialect from the start of a file (BOM already removed).
    ///
    /// The delimiter is whichever of `,` `;` tab occurs most often outside quotes on the
    /// first line; ties and a line with none go to `,`.
    public static func sniff(_ prefix: UnsafeBufferPointer<UInt8>, hasBOM: Bool) -> CSVDialect {
        var comma = 0, semicolon = 0, tab = 0
        var inQuotes = false
        var newline = "none"
        var i = 0
        while i < prefix.count {
            let b = prefix[i]
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if b == UInt8(ascii: ",") { comma += 1 }
                else if b == UInt8(ascii: ";") { semicolon += 1 }
                else if b == UInt8(ascii: "\t") { tab += 1 }
                else if b == UInt8(ascii: "\n") { newline = "LF"; break }
                else if b == UInt8(ascii: "\r") {
                    newline = i + 1 < prefix.count && prefix[i + 1] == UInt8(ascii: "\n") ? "CRLF" : "CR"
                    break
                }
            }
            i += 1
        }
        var delimiter = UInt8(ascii: ",")
        if semicolon > comma && semicolon >= tab { delimiter = UInt8(ascii: ";") }
        else if tab > comma && tab > semicolon { delimiter = UInt8(ascii: "\t") }
        return CSVDialect(delimiter: delimiter, hasBOM: hasBOM, newline: newline)
    }

    /// The delimiter as written in a dialect string: `','`, `';'` or `tab`.
    public var delimiterName: String {
        delimiter == UInt8(ascii: "\t") ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'"
    }
}
