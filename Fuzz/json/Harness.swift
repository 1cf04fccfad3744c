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
// warnings, ignored keys, patient details and notes of one pass, or fail where it fails; and the
// file is read in windows (`JSONArrayReading.readFile`) in chunks of 1 to 7 bytes, which must give
// the same, or fail where one pass fails, or leave a file that is not an array to it. A
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
    if data[0] % 2 == 0 {
        let batchBytes = Int(data[0] / 2) % 64 + 1
        smallBatchesMustReadAsOnePass(Array(bytes), batchBytes: batchBytes)
        smallWindowsMustReadAsOnePass(bytes, at: path, chunkSize: Int(data[0] / 2) % 7 + 1, batchBytes: batchBytes)
    }
    return 0
}

/// Writes `bytes` to `path`, reads it one pass and in windows of `chunkSize` bytes (batches of
/// `batchBytes`), and traps unless both fail, or the windows leave a file that is not an array to
/// the one pass, or both give the same rows and reader state.
private func smallWindowsMustReadAsOnePass(_ bytes: Data, at path: String, chunkSize: Int, batchBytes: Int) {
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return }
    defer { unlink(path) }
    let all = Array(bytes)
    let start = all.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    let cells = CellParser(dateOrder: .iso, decimalComma: false)
    var onePass = JSONLogReader(file: "f.json", cells: cells)
    var expected: [RowOutcome] = []
    var parser = JSONParser(bytes: all, start: start)
    let onePassFailed = all.isEmpty || all.contains(0)
        || (try? parser.parseDocument { node in onePass.read(node) { expected.append($0) } }) == nil
    var reader = JSONLogReader(file: "f.json", cells: cells)
    var outcomes: [RowOutcome] = []
    let outcome: JSONArrayReading.FileOutcome
    do {
        outcome = try JSONArrayReading.readFile(
            path, into: &reader, chunkSize: chunkSize, batchBytes: batchBytes, batchesAtOnce: 2
        ) { outcomes.append($0) }
    } catch {
        fatalError("the file written could not be read: \(error)")
    }
    switch outcome {
    case .notAnArray:
        guard outcomes.isEmpty else { fatalError("rows read from a file that is not an array") }
    case .failed:
        guard onePassFailed else { fatalError("the windows fail where one pass reads the file") }
    case .read(_, let size, _):
        guard !onePassFailed else { fatalError("the windows read a file one pass refuses") }
        guard size == all.count, outcomes == expected, reader.warnings == onePass.warnings,
            reader.ignoredKeys == onePass.ignoredKeys, reader.roster == onePass.roster, reader.notes == onePass.notes
        else { fatalError("windows read otherwise than one pass (chunks of \(chunkSize) bytes)") }
    }
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
