// libFuzzer target: the JSON and NDJSON log importer (JSON parser, log reader, cells).
//
// The first byte picks the format (even: `.json`, odd: `.ndjson`); the rest is written
// to a temporary file and run through `CaseloadImporter`, which must either throw an
// `ImportError` or return counts that balance (rows read = accepted + rejected +
// duplicate). Then it is imported both ways a JSON array can be read (in one pass, and split
// into elements read on all cores), which must refuse it alike or agree on every patient's
// days, every rejected row, the file's summary, the latest date and the patient details. Last,
// when the scan delimits the array, its elements are read on all cores in batches of 1 to 64
// bytes (so that files of a few kilobytes cross many batches and rounds) and must give the rows,
// warnings, ignored keys, patient details and notes of one pass, or fail where it fails. A
// crash, a hang, a stack overflow or any other error type is a finding.
@testable import CaseloadImport
import CaseloadModel
import Foundation

private let base = fuzzScratchPath("json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let path = base + (data[0] % 2 == 0 ? ".json" : ".ndjson")
    let bytes = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    importMustBalance(bytes, at: path)
    bothWaysMustAgree(bytes, at: path)
    if data[0] % 2 == 0 { smallBatchesMustReadAsOnePass(Array(bytes), batchBytes: Int(data[0] / 2) % 64 + 1) }
    return 0
}

/// Reads `bytes`, when the scan delimits them as an array, one pass and on all cores in batches of
/// `batchBytes`, and traps unless both fail or both give the same rows and reader state.
private func smallBatchesMustReadAsOnePass(_ bytes: [UInt8], batchBytes: Int) {
    guard !bytes.contains(0) else { return }  // the importer refuses such a file before reading it
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    guard let elements = JSONArrayReading.elements(of: bytes, from: start) else { return }
    let cells = CellParser(dateOrder: .iso, decimalComma: false)
    var onePass = JSONLogReader(file: "f.json", cells: cells)
    var expected: [RowOutcome] = []
    var parser = JSONParser(bytes: bytes, start: start)
    let onePassFailed = (try? parser.parseDocument { node in onePass.read(node) { expected.append($0) } }) == nil
    var reader = JSONLogReader(file: "f.json", cells: cells)
    var outcomes: [RowOutcome] = []
    let error = JSONArrayReading.readInParallel(
        elements, of: bytes, into: &reader, batchBytes: batchBytes, batchesAtOnce: 3
    ) { outcomes.append($0) }
    guard (error != nil) == onePassFailed else { fatalError("one way fails and the other does not") }
    guard !onePassFailed else { return }
    guard outcomes == expected, reader.warnings == onePass.warnings, reader.ignoredKeys == onePass.ignoredKeys,
        reader.roster == onePass.roster, reader.notes == onePass.notes
    else { fatalError("small batches read otherwise than one pass (batches of \(batchBytes) bytes)") }
}
