// libFuzzer target: the FHIR R4 reader (detection, the directory, every resource kind, accounting).
//
// The first byte picks the file (even: `.json`, a Bundle, single resource or array of resources;
// odd: `.ndjson`, one resource a line) and, from its other bits, how the NDJSON is cut into
// batches; the rest is written to a temporary file. The file is imported with every [fhir] list
// set (so that symptom, readiness, PROM and QuestionnaireResponse paths are reached), which must
// either throw an `ImportError` or return counts that balance (rows read = accepted + rejected +
// duplicate, per file and in total). Then, when the file is FHIR, it is read again with its NDJSON
// cut into batches of 1 to 64 bytes converted 1 to 4 at a time, which must give the one-pass
// result: the same summary, roster facts, rejected rows, folded days and PROM scores. A crash, a
// hang, a stack overflow or any other error type is a finding.
@testable import CaseloadImport
import CaseloadModel
import Foundation

private let base = fuzzScratchPath("fhir")

private let options: ImportOptions = {
    let local = "https://fuzz.example/codes"
    return ImportOptions(fhir: FHIROptions(
        readinessTestCodes: ["\(local)|r"], koosPFCodes: ["\(local)|k"], akpsCodes: ["\(local)|a"],
        koosPFQuestionnaires: ["https://fuzz.example/Q/k"], akpsQuestionnaires: ["https://fuzz.example/Q/a"]))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let path = base + (data[0] % 2 == 0 ? ".json" : ".ndjson")
    let bytes = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return 0 }
    defer { unlink(path) }
    let importer = CaseloadImporter(options: options)
    do {
        let result = try importer.run(logs: [path], roster: nil)
        guard result.totals.isBalanced, result.inputs.allSatisfy({ $0.counts.isBalanced }) else {
            fatalError("unbalanced counts: \(result.totals)")
        }
        _ = result.builder.records(roster: result.roster)
    } catch is ImportError {
        return 0  // a clear refusal is a valid outcome
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    batchesMustReadAsOnePass(path, importer: importer, batchBytes: Int(data[0] >> 1) % 64 + 1, atOnce: Int(data[0] >> 6) + 1)
    return 0
}

/// Reads the FHIR file at `path` one pass and in small batches; traps unless they agree.
private func batchesMustReadAsOnePass(_ path: String, importer: CaseloadImporter, batchBytes: Int, atOnce: Int) {
    let kinds = FHIRDirectory.classify([path])
    guard let kind = kinds[path], kind.holdsResources,
          let directory = try? importer.fhirDirectory(of: [path], kinds: kinds)
    else { return }
    func read(_ bytes: Int, _ rounds: Int) -> (ImportState, FHIRFileResult)? {
        var state = ImportState()
        guard let result = try? importer.readFHIR(
            path, kind: kind, directory: directory, state: &state, batchBytes: bytes, batchesAtOnce: rounds)
        else { return nil }
        return (state, result)
    }
    let one = read(1 << 30, 1), small = read(batchBytes, atOnce)
    guard (one == nil) == (small == nil) else { fatalError("one way refuses the file and the other reads it") }
    guard let (a, x) = one, let (b, y) = small else { return }
    let (da, db) = (a.builder.records(), b.builder.records())
    guard x.summary == y.summary, x.roster == y.roster, a.rejected == b.rejected, a.fhirPROMs.scores == b.fhirPROMs.scores,
          da.map(\.patientID) == db.map(\.patientID), da.map(\.days) == db.map(\.days)
    else { fatalError("batches of \(batchBytes) bytes, \(atOnce) at a time, read otherwise than one pass") }
}
