import ArgumentParser
import CaseloadExport
import CaseloadImport
import CaseloadShard
import Foundation

/// The `caseload` command: subcommands and the one place errors are printed and exit codes set.
struct CaseloadCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "Weekly review of home-exercise logs for patellofemoral pain.",
        discussion: """
            Exit codes: 0 success; 1 input or output failure (unreadable or missing input, rows \
            rejected under --strict, report not writable, unknown patient, a sharded run that does \
            not add up); 2 usage error (bad option or date, bad caseload.toml); 75 a transient I/O \
            failure of a sharded run (worth retrying).

            Thresholds come from caseload.toml in the working folder, or --config FILE \
            (write a commented one with `caseload config --init`).

            Shell completion: caseload --generate-completion-script bash|zsh|fish
            """,
        version: version,
        subcommands: [
            Review.self, Check.self, Patient.self, Audit.self, Generate.self, ConfigCommand.self, Plan.self, Shard.self,
            Merge.self, PlanStatus.self, ProfileCommand.self,
        ]
    )

    /// Parses the arguments, runs the subcommand, prints any error once to stderr and exits
    /// with the documented code.
    static func runAndExit() -> Never {
        let code: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            code = 0
        } catch let failure as Failure {
            printError(failure.description)
            code = 1
        } catch let error as ImportError {
            printError(error.description)
            code = 1
        } catch let error as ExportError {
            printError(error.description)
            code = 1
        } catch let error as ShardError {
            printError(error.description)
            code = error.isTransient ? 75 : 1
        } catch let error as ConfigError {
            printError(error.description)
            code = 2
        } catch {
            let exit = exitCode(for: error)
            if exit == .success {
                print(fullMessage(for: error))
                code = 0
            } else {
                printError(fullMessage(for: error))
                code = 2
            }
        }
        Foundation.exit(code)
    }

    static func printError(_ message: String) {
        let text = message.hasPrefix("Error:") || message.hasPrefix("caseload:") ? message : "caseload: " + message
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// A run that cannot finish: exit code 1, the message printed once.
struct Failure: Error, CustomStringConvertible {
    var description: String
}
