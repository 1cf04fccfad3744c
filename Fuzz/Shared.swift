// Shared by the libFuzzer targets (compiled into each by Fuzz/build.sh).
@testable import CaseloadImport
import CaseloadModel
import Foundation

/// A scratch file path for one fuzz process: in RAM when /dev/shm exists.
func fuzzScratchPath(_ name: String) -> String {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return dir + "/caseload-fuzz-\(name)-\(getpid())"
}

/// Writes `bytes` to `path`, runs the importer on it and traps unless it either refuses with an
/// `ImportError` or returns counts that balance (rows read = accepted + rejected + duplicate).
func importMustBalance(_ bytes: Data, at path: String) {
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return }
    defer { unlink(path) }
    do {
        let result = try CaseloadImporter().run(logs: [path], roster: nil)
        guard result.totals.isBalanced, result.inputs.allSatisfy({ $0.counts.isBalanced }) else {
            fatalError("unbalanced counts: \(result.totals)")
        }
        _ = result.builder.records(roster: result.roster)
    } catch is ImportError {
        // A clear refusal is a valid outcome.
    } catch {
        fatalError("unexpected error type: \(error)")
    }
}

/// Imports `bytes` (written to `path`) with the test hook, the reference way (every CSV row the
/// general way, a JSON array in one pass), then the usual way (plain CSV rows the short way, a
/// JSON array on all cores), and traps unless both refuse the file alike or give the same result.
func bothWaysMustAgree(_ bytes: Data, at path: String) {
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return }
    defer { unlink(path) }
    let importer = CaseloadImporter()
    let general = Result { try importer.run(logs: [path], roster: nil, onAccepted: { _ in }) }
    let usual = Result { try importer.run(logs: [path], roster: nil) }
    switch (general, usual) {
    case (.failure(let a), .failure(let b)):
        guard "\(a)" == "\(b)" else { fatalError("the two ways refuse differently: \(a) / \(b)") }
    case (.success(let a), .success(let b)):
        let (daysA, daysB) = (a.builder.records(roster: a.roster), b.builder.records(roster: b.roster))
        guard daysA.map(\.patientID) == daysB.map(\.patientID), daysA.map(\.days) == daysB.map(\.days) else {
            fatalError("the two ways fold different days")
        }
        guard a.rejected == b.rejected, a.inputs == b.inputs, a.latestDate == b.latestDate,
            a.roster == b.roster, a.totals == b.totals
        else {
            fatalError("the two ways account differently: \(a.inputs) / \(b.inputs)")
        }
    default:
        fatalError("one way refuses the file and the other reads it")
    }
}
