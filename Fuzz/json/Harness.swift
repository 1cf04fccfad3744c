// libFuzzer target: the JSON and NDJSON log importer (JSON parser, log reader, cells).
//
// The first byte picks the format (even: `.json`, odd: `.ndjson`); the rest is written
// to a temporary file and run through `CaseloadImporter`, which must either throw an
// `ImportError` or return counts that balance (rows read = accepted + rejected +
// duplicate). Then it is imported both ways a JSON array can be read (in one pass, and split
// into elements read on all cores), which must refuse it alike or agree on every patient's
// days, every rejected row, the file's summary and the latest date. A crash, a hang, a stack
// overflow or any other error type is a finding.
import CaseloadImport
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
    return 0
}
