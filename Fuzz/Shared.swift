// Shared by both libFuzzer targets (compiled into each by Fuzz/build.sh).
import CaseloadImport
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
