// libFuzzer target: the CSV reader (tokenizer, dialect sniffing, the log importer).
//
// Each input is read three times by the tokenizer, whole, split into two chunks at a point
// taken from the input, and one byte at a time (so that the byte loop reads every line that the
// others may read in one go), and the records must be identical: chunk boundaries must never
// change what is read. Then the bytes are written to a temporary `.csv` file and run
// through `CaseloadImporter`, which must either throw an `ImportError` or return counts
// that balance (rows read = accepted + rejected + duplicate). Last, the file is imported both
// ways a CSV row can be read (every row the general way, `LogRowParser.parse`, and the usual
// way, where plain rows take `LogRowParser.quickRow`): the two must agree on every patient's
// days, every rejected row, the file's summary and the latest date. Any other outcome traps.
@testable import CaseloadImport
import CaseloadModel
import Foundation

/// A record as plain values, for comparison.
private struct Flat: Equatable {
    var fields: [[UInt8]]
    var line: Int
    var unterminated: Bool
}

private func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, splitAt split: Int, delimiter: UInt8) -> [Flat] {
    var tokenizer = CSVTokenizer(delimiter: delimiter)
    var out: [Flat] = []
    let emit: (CSVRecord) -> Void = { record in
        let fields = (0..<record.count).map { Array(record.bytes[record.range(of: $0)]) }
        out.append(Flat(fields: fields, line: record.line, unterminated: record.isUnterminated))
    }
    tokenizer.consume(UnsafeBufferPointer(rebasing: bytes[0..<split]), emit)
    tokenizer.consume(UnsafeBufferPointer(rebasing: bytes[split...]), emit)
    tokenizer.finish(emit)
    return out
}

/// The records read one byte at a time: no line is ever whole in a chunk, so the byte loop reads
/// everything (the other readings let plain lines be read in one go).
private func tokenizeByteByByte(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> [Flat] {
    var tokenizer = CSVTokenizer(delimiter: delimiter)
    var out: [Flat] = []
    let emit: (CSVRecord) -> Void = { record in
        let fields = (0..<record.count).map { Array(record.bytes[record.range(of: $0)]) }
        out.append(Flat(fields: fields, line: record.line, unterminated: record.isUnterminated))
    }
    for i in bytes.indices { tokenizer.consume(UnsafeBufferPointer(rebasing: bytes[i...i]), emit) }
    tokenizer.finish(emit)
    return out
}

private let scratch = fuzzScratchPath("csv") + ".csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let dialect = CSVDialect.sniff(bytes, hasBOM: false)
    let whole = tokenize(bytes, splitAt: 0, delimiter: dialect.delimiter)
    let split = size == 0 ? 0 : Int(data[0]) % (size + 1)
    let parts = tokenize(bytes, splitAt: split, delimiter: dialect.delimiter)
    guard whole == parts else { fatalError("records differ when the input is split at \(split)") }
    guard whole == tokenizeByteByByte(bytes, delimiter: dialect.delimiter) else {
        fatalError("records differ when the input is read one byte at a time")
    }

    importMustBalance(Data(bytes), at: scratch)
    bothWaysMustAgree(Data(bytes), at: scratch)
    return 0
}
