import Testing

@testable import CaseloadImport

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> [JSONNode] {
        var parser = JSONParser(bytes: Array(text.utf8))
        var nodes: [JSONNode] = []
        try parser.parseDocument { nodes.append($0) }
        return nodes
    }

    private func syntaxError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as JSONSyntaxError {
            return error
        } catch {
            return nil
        }
    }

    @Test func positionsOfNestedValues() throws {
        let nodes = try parse("{\n  \"a\": [1, \"x\"],\n  \"b\": {\"c\": null}\n}")
        let root = try #require(nodes.first)
        #expect((root.line, root.column) == (1, 1))
        let a = try #require(root.value["a"])
        #expect((a.line, a.column) == (2, 8))
        guard case .array(let items) = a.value else {
            Issue.record("a is not an array")
            return
        }
        #expect(items.map { [$0.line, $0.column] } == [[2, 9], [2, 12]])
        let c = try #require(root.value["b"]?.value["c"])
        #expect((c.line, c.column) == (3, 14))
    }

    @Test func topLevelArrayYieldsEachElement() throws {
        let nodes = try parse(" [ {\"k\": 1},\n{\"k\": 2} ] ")
        #expect(nodes.map(\.line) == [1, 2])
        #expect(try parse("[]").isEmpty)
    }

    @Test func stringEscapes() throws {
        let nodes = try parse(#"["a\"b\\c\/d\n\u00e9\ud83d\ude42\t"]"#)
        guard case .string(let s) = nodes.first?.value else {
            Issue.record("not a string")
            return
        }
        #expect(s == "a\"b\\c/d\né🙂\t")
    }

    @Test func numbersKeepTheirText() throws {
        let nodes = try parse("[-1.5e3, 0, 2.50, true, false, null]")
        let texts = nodes.map { node -> String in
            switch node.value {
            case .number(let n): n
            case .bool(let b): "\(b)"
            case .null: "null"
            default: "?"
            }
        }
        #expect(texts == ["-1.5e3", "0", "2.50", "true", "false", "null"])
    }

    @Test(arguments: [
        ("{\"a\": [1, 2", 1, 12, "the JSON ends before the array opened at line 1, column 7 is closed (file truncated?)"),
        ("{\"a\": \n", 2, 1, "the JSON ends before the object opened at line 1, column 1 is closed (file truncated?)"),
        ("[1, 2] x", 1, 8, "unexpected text after the JSON value"),
        ("{\"a\" 1}", 1, 6, "expected ':' after an object key"),
        ("[01]", 1, 3, "expected ',' or ']' after an array element"),
        ("[1.]", 1, 4, "invalid number: no digits after '.'"),
        ("[tru]", 1, 2, "unexpected text where a JSON value was expected"),
        ("[\"a\nb\"]", 1, 4, "control character in a string (a line break must be written \\n)"),
        ("{a: 1}", 1, 2, "expected a quoted key in an object"),
        ("", 1, 1, "the file holds no JSON value"),
    ])
    func syntaxErrors(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        let error = syntaxError(text)
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message == message)
    }

    @Test func nestingLimit() throws {
        let deepest = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try parse(deepest) }
        let tooDeep = "[" + deepest + "]"
        #expect(syntaxError(tooDeep)?.message == "JSON nested deeper than 64 levels")
        // Hostile depth fails cleanly instead of overflowing the stack.
        let hostile = String(repeating: "[", count: 200_000)
        #expect(syntaxError(hostile)?.message == "JSON nested deeper than 64 levels")
    }
}
