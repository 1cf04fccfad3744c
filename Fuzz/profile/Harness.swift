// libFuzzer target: mapping profiles (the profile file reader, the profiled CSV reader, the draft
// that `caseload profile init` writes).
//
// The first byte picks the profile: 1, 2 or 3 (mod 4) the built-in strong, hevy or fitnotes, and the
// rest of the input is the export; 0 a profile file: the bytes up to the first NUL are the profile's
// text and the bytes after it the export. Then:
// - the profile text must read as a profile or be refused with an `ImportError` (any other outcome traps);
// - the export, written as `PFP-1.csv`, is imported through the profile with and without the test
//   hook, and both must refuse it alike (an `ImportError`) or give balanced, equal counts, rows and days;
// - `profile check`'s preview of it must end in a preview or an `ImportError`;
// - the draft profile `profile init` writes for it must read back as a valid profile.
@testable import CaseloadImport
import CaseloadModel
import Foundation

private let scratch = fuzzScratchPath("profile") + "/PFP-1.csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let profile: MappingProfile
    var export = Array(bytes.dropFirst())
    switch bytes[0] % 4 {
    case 1: profile = .strong
    case 2: profile = .hevy
    case 3: profile = .fitnotes
    default:
        let text = export.firstIndex(of: 0).map { Array(export[..<$0]) } ?? export
        export = export.firstIndex(of: 0).map { Array(export[($0 + 1)...]) } ?? []
        do {
            profile = try MappingProfile(parsing: String(decoding: text, as: UTF8.self), path: "fuzz.toml")
        } catch is ImportError {
            return 0
        } catch {
            fatalError("the profile reader threw \(error)")
        }
    }
    let folder = (scratch as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: scratch, contents: Data(export)) else { return 0 }
    defer { unlink(scratch) }

    let importer = CaseloadImporter(options: ImportOptions(profiles: [profile]))
    let general = Result { try importer.run(logs: [scratch], roster: nil, onAccepted: { _ in }) }
    let usual = Result { try importer.run(logs: [scratch], roster: nil) }
    switch (general, usual) {
    case (.failure(let a), .failure(let b)):
        guard a is ImportError, "\(a)" == "\(b)" else { fatalError("refused differently or not with an ImportError: \(a) / \(b)") }
    case (.success(let a), .success(let b)):
        guard a.totals.isBalanced, a.inputs.allSatisfy({ $0.counts.isBalanced }) else {
            fatalError("unbalanced counts: \(a.totals)")
        }
        let (daysA, daysB) = (a.builder.records(roster: a.roster), b.builder.records(roster: b.roster))
        guard daysA.map(\.patientID) == daysB.map(\.patientID), daysA.map(\.days) == daysB.map(\.days),
            a.rejected == b.rejected, a.inputs == b.inputs, a.totals == b.totals
        else { fatalError("two imports of one file differ") }
    default:
        fatalError("one import refuses the file and the other reads it")
    }

    do {
        _ = try importer.preview(profile, export: scratch, rows: 5)
    } catch is ImportError {
    } catch {
        fatalError("preview threw \(error)")
    }

    do {
        let draft = try ProfileDraft.text(forExport: scratch)
        do {
            _ = try MappingProfile(parsing: draft, path: "draft.toml")
        } catch {
            fatalError("profile init wrote a profile that does not read back: \(error)\n\(draft)")
        }
    } catch is ImportError {
    } catch {
        fatalError("profile init threw \(error)")
    }
    return 0
}
