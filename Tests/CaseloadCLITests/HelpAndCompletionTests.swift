import Foundation
import Testing

/// `--help` with examples for every command, the exit codes, and shell completion scripts.
@Suite struct HelpAndCompletionTests {
    @Test(arguments: ["review", "check", "patient", "generate", "config", "profile"])
    func everyCommandHasHelpWithExamples(command: String) throws {
        let result = try CLIHarness.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("caseload \(command)"))
    }

    @Test func rootHelpDocumentsTheExitCodesAndCommands() throws {
        let result = try CLIHarness.run(["--help"])
        #expect(result.status == 0)
        // Help text is wrapped to the terminal width: compare with runs of whitespace as one space.
        let flat = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for text in ["0 success; 1 input or output failure", "2 usage error", "--generate-completion-script",
            "review", "check", "patient", "generate", "config", "profile"] {
            #expect(flat.contains(text), "\(text)")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameEveryCommand(shell: String) throws {
        let result = try CLIHarness.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["review", "check", "patient", "generate", "config"] {
            #expect(result.stdout.contains(command), "\(shell): \(command)")
        }
        // fish spells long options `-l as-of`.
        #expect(result.stdout.contains("as-of") && result.stdout.contains("config"))
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try CLIHarness.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }
}
