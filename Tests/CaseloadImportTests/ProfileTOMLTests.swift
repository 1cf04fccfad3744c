import Foundation
import Testing

@testable import CaseloadImport

/// The profile subset of TOML: what it reads, and every refusal with its line.
@Suite struct ProfileTOMLTests {
    @Test func readsTablesQuotedKeysAndBothStringKinds() throws {
        let text = """
            \u{FEFF}# a comment
            [profile]
            name = "Clinic \\"app\\" v3"   # trailing comment with a # inside

            [ values . "readiness_test" ]
            "Not OK" = "fail"
            'ok' = 'pass'
            bare-key_1 = "tab\\there \\u00E9 \\U0001F62C"
            [patient]
            from_filename = '^(PFP-[0-9]+)\\d'\r
            """
        let toml = try ProfileTOML(parsing: text, file: "p.toml")
        #expect(toml.tables.map(\.path) == [["profile"], ["values", "readiness_test"], ["patient"]])
        #expect(toml.tables[0].entries == [ProfileTOML.Entry(key: "name", value: "Clinic \"app\" v3", line: 3)])
        #expect(toml.tables[1].entries.map(\.key) == ["Not OK", "ok", "bare-key_1"])
        #expect(toml.tables[1].entries.map(\.value) == ["fail", "pass", "tab\there é 😬"])
        #expect(toml.tables[1].line == 5)
        // A literal string keeps its backslashes; a CR before the line end is not part of the line.
        #expect(toml.tables[2].entries[0].value == "^(PFP-[0-9]+)\\d")
        #expect(toml.tables[1].displayName == "[values.readiness_test]")
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var reason: String
        var testDescription: String { reason }
    }

    static let refusals: [Refusal] = [
        Refusal(text: "name = \"x\"\n", line: 1, reason: "name is outside any table"),
        Refusal(text: "[profile]\nname = 3\n", line: 2, reason: "name takes a string in quotes, not '3'"),
        Refusal(text: "[profile]\nname = true\n", line: 2, reason: "not a boolean"),
        Refusal(text: "[profile]\nname = [\"a\"]\n", line: 2, reason: "not an array"),
        Refusal(text: "[profile]\nname = {a = \"b\"}\n", line: 2, reason: "not an inline table"),
        Refusal(text: "[profile]\nname = \"\"\"x\"\"\"\n", line: 2, reason: "multi-line strings"),
        Refusal(text: "[profile]\nname = '''x'''\n", line: 2, reason: "multi-line strings"),
        Refusal(text: "[profile]\nname = \"open\n", line: 2, reason: "not closed on its line"),
        Refusal(text: "[profile]\nname = 'open\n", line: 2, reason: "not closed on its line"),
        Refusal(text: "[profile]\nname = \"a\\qb\"\n", line: 2, reason: "unsupported escape \\q"),
        Refusal(text: "[profile]\nname = \"\\u12\"\n", line: 2, reason: "needs 4 hex digits"),
        Refusal(text: "[profile]\nname = \"\\uD800\"\n", line: 2, reason: "names no Unicode scalar value"),
        Refusal(text: "[profile]\nname = \"x\" \"y\"\n", line: 2, reason: "unexpected text after the value"),
        Refusal(text: "[profile]\nname \"x\"\n", line: 2, reason: "expected = after the key name"),
        Refusal(text: "[profile]\nname =\n", line: 2, reason: "the value is missing"),
        Refusal(text: "[profile]\na.b = \"x\"\n", line: 2, reason: "dotted keys are not used"),
        Refusal(text: "[profile]\nname = \"a\"\nname = \"b\"\n", line: 3, reason: "name is set twice in [profile] (first on line 2)"),
        Refusal(text: "[profile]\n[profile]\n", line: 2, reason: "table [profile] appears twice (first on line 1)"),
        Refusal(text: "[[profile]]\n", line: 1, reason: "arrays of tables"),
        Refusal(text: "[profile\n", line: 1, reason: "a table header ends with ]"),
        Refusal(text: "[]\n", line: 1, reason: "expected a table name"),
        Refusal(text: "[profile]\n= \"x\"\n", line: 2, reason: "expected a key"),
        Refusal(text: "[profile]\nname = \"a\u{01}b\"\n", line: 2, reason: "a control character in a string"),
        Refusal(text: "[profile] # ok \u{07}\n", line: 1, reason: "a control character in a comment"),
    ]

    @Test(arguments: refusals)
    func refusesWithTheLine(_ refusal: Refusal) {
        do {
            _ = try ProfileTOML(parsing: refusal.text, file: "p.toml")
            Issue.record("parsed: \(refusal.text)")
        } catch let error as ImportError {
            #expect(error.file == "p.toml")
            #expect(error.line == refusal.line, "\(error)")
            #expect(error.reason.contains(refusal.reason), "\(error.reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func displayKeyQuotesWhatIsNotBare() {
        #expect(ProfileTOML.displayKey("load_kg") == "load_kg")
        #expect(ProfileTOML.displayKey("Not OK") == "\"Not OK\"")
        #expect(ProfileTOML.displayKey("a\"b") == "\"a\\\"b\"")
    }
}
