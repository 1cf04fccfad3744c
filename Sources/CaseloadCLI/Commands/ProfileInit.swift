import ArgumentParser
import CaseloadImport
import Foundation

/// `caseload profile init`: a draft profile from an export's header and first rows.
struct ProfileInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a draft mapping profile from an export's header.",
        discussion: """
            Matches the export's headers to caseload's columns by name and synonyms (Patient ID, Client, \
            Date, Timestamp, Pain, Exercise Name, Duration (s) …), guesses the weight and duration units \
            and the date format from the header and the first 2,000 rows, and writes a profile with a \
            comment on each guess and on each column left unmapped. Without --output it prints the profile.

            Examples:
              caseload profile init clinic-export.csv
              caseload profile init clinic-export.csv --output clinic.toml
            """
    )

    @Argument(help: "The other app's CSV export.")
    var export: String

    @Option(help: ArgumentHelp("Where to write the profile (default: print it).", valueName: "file"))
    var output: String?

    @Flag(help: "Let --output replace an existing file.")
    var force = false

    func validate() throws {
        if force && output == nil { throw ValidationError("--force goes with --output") }
    }

    func run() throws {
        let text = try ProfileDraft.text(forExport: export)
        guard let output else {
            print(text, terminator: "")
            return
        }
        if FileManager.default.fileExists(atPath: output) && !force {
            throw Failure(description: "\(output) already exists; pass --force to replace it")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw Failure(description: "\(output): cannot write the profile: \(error.localizedDescription)")
        }
        print("Wrote \(output): a draft profile for \(export). Check its guesses, then: caseload profile check \(output) \(export)")
    }
}
