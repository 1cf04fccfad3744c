/// A parsed JSON value with the position where it starts.
struct JSONNode: Sendable {
    var value: JSONValue
    /// 1-based line of the value's first byte.
    var line: Int
    /// 1-based byte column of the value's first byte.
    var column: Int
}

/// One member of a JSON object, in file order.
struct JSONMember: Sendable {
    var key: String
    var node: JSONNode
}

/// A JSON value. Numbers keep their text so they are read by the same cell parsers as CSV.
indirect enum JSONValue: Sendable {
    case object([JSONMember])
    case array([JSONNode])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// The member named `key` (the first one when a key repeats).
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.node
    }
}

/// A JSON syntax error with its position.
struct JSONSyntaxError: Error, Sendable {
    var line: Int
    var column: Int
    var message: String
}

/// A small RFC 8259 parser over bytes that tracks line and column.
///
/// Foundation's `JSONSerialization` loses positions; this one keeps the line and column
/// of every value so rejected rows can point at them. Nesting is limited to
/// ``maxDepth`` levels so hostile input fails with a message, not a stack overflow.
struct JSONParser {
    /// Deepest nesting of arrays and objects accepted.
    static let maxDepth = 64

    private let bytes: [UInt8]
    /// One past the last byte to read (the end of a line for NDJSON).
    private let end: Int
    private(set) var index: Int
    private(set) var line: Int
    private var lineStart: Int
    /// Containers open at the current position: kind (`{` or `[`), line, column.
    private var open: [(kind: UInt8, line: Int, column: Int)] = []

    /// A parser over `bytes[start..<end]` (all of `bytes` by default), whose first byte
    /// stands on `line`, a line that starts at `lineStart` (at `start` by default).
    init(bytes: [UInt8], start: Int = 0, end: Int? = nil, line: Int = 1, lineStart: Int? = nil) {
        precondition(start >= 0 && start <= (end ?? bytes.count) && (end ?? bytes.count) <= bytes.count, "bad range")
        precondition((lineStart ?? start) <= start, "a line starts before its bytes")
        self.bytes = bytes
        self.end = end ?? bytes.count
        self.index = start
        self.line = line
        self.lineStart = lineStart ?? start
    }

    var column: Int { index - lineStart + 1 }
    var isAtEnd: Bool { index >= end }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column, message: message)
    }

    private func endOfInput() -> JSONSyntaxError {
        if let innermost = open.last {
            let what = innermost.kind == UInt8(ascii: "{") ? "object" : "array"
            return error(
                "the JSON ends before the \(what) opened at line \(innermost.line), column \(innermost.column) "
                    + "is closed (file truncated?)")
        }
        return error("the JSON ends where a value was expected (file truncated?)")
    }

    /// Skips spaces, tabs and line breaks.
    mutating func skipWhitespace() {
        while index < end {
            let b = bytes[index]
            if b == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            } else if b != UInt8(ascii: " ") && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\r") {
                return
            }
            index += 1
        }
    }

    /// Parses a whole document: calls `element` for the top-level value, or for each
    /// element of a top-level array (so a large array is never held whole).
    mutating func parseDocument(_ element: (JSONNode) throws -> Void) throws {
        skipWhitespace()
        guard index < end else { throw error("the file holds no JSON value") }
        if bytes[index] == UInt8(ascii: "[") {
            open.append((UInt8(ascii: "["), line, column))
            index += 1
            skipWhitespace()
            if index < end && bytes[index] == UInt8(ascii: "]") {
                index += 1
            } else {
                while true {
                    try element(try parseValue(depth: 1))
                    skipWhitespace()
                    guard index < end else { throw endOfInput() }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                    throw error("expected ',' or ']' after an array element")
                }
            }
            open.removeLast()
        } else {
            try element(try parseValue(depth: 0))
        }
        skipWhitespace()
        if index < end { throw error("unexpected text after the JSON value") }
    }

    /// Parses one value at the current position.
    mutating func parseValue(depth: Int) throws -> JSONNode {
        skipWhitespace()
        guard index < end else { throw endOfInput() }
        let startLine = line, startColumn = column
        let b = bytes[index]
        let value: JSONValue
        switch b {
        case UInt8(ascii: "{"): value = try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): value = try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
        case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
        case UInt8(ascii: "n"): try literal("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try parseNumber())
        default:
            throw error("unexpected character '\(CellParser.printable(b))' where a JSON value was expected")
        }
        return JSONNode(value: value, line: startLine, column: startColumn)
    }

    private mutating func enter(_ kind: UInt8, depth: Int) throws {
        guard depth <= JSONParser.maxDepth else {
            throw error("JSON nested deeper than \(JSONParser.maxDepth) levels")
        }
        open.append((kind, line, column))
        index += 1
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        try enter(UInt8(ascii: "{"), depth: depth)
        var members: [JSONMember] = []
        skipWhitespace()
        if index < end && bytes[index] == UInt8(ascii: "}") {
            index += 1
            open.removeLast()
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < end else { throw endOfInput() }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key in an object") }
            let key = try parseString()
            skipWhitespace()
            guard index < end else { throw endOfInput() }
            guard bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            index += 1
            members.append(JSONMember(key: key, node: try parseValue(depth: depth)))
            skipWhitespace()
            guard index < end else { throw endOfInput() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw error("expected ',' or '}' in an object")
        }
        open.removeLast()
        return .object(members)
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        try enter(UInt8(ascii: "["), depth: depth)
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < end && bytes[index] == UInt8(ascii: "]") {
            index += 1
            open.removeLast()
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < end else { throw endOfInput() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; break }
            throw error("expected ',' or ']' in an array")
        }
        open.removeLast()
        return .array(elements)
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            index + count <= end && (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if !matches {
            if index + count > end { throw endOfInput() }
            throw error("unexpected text where a JSON value was expected")
        }
        index += count
    }

    private mutating func parseNumber() throws -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while index < end && bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else { throw endOfInput() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw error("invalid number")
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("invalid number: no digits after '.'") }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard digits() > 0 else { throw error("invalid number: no digits in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            let start = index
            while index < end {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                index += 1
            }
            out.append(contentsOf: bytes[start..<index])
            guard index < end else { throw endOfInput() }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw error("control character in a string (a line break must be written \\n)") }
            index += 1
            guard index < end else { throw endOfInput() }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code), index + 1 < end, bytes[index] == UInt8(ascii: "\\"),
                   bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        code = 0xFFFD
                    }
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape '\\\(CellParser.printable(escape))' in a string")
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= end else { throw endOfInput() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case 48...57: digit = b - 48
            case 65...70: digit = b - 55
            case 97...102: digit = b - 87
            default: throw error("invalid \\u escape in a string")
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }
}

extension CellParser {
    /// A byte shown in a message: the character when printable ASCII, else `0xNN`.
    static func printable(_ b: UInt8) -> String {
        if b >= 0x20 && b < 0x7F { return String(Character(Unicode.Scalar(b))) }
        let hex = String(b, radix: 16, uppercase: true)
        return "0x" + (b < 16 ? "0" + hex : hex)
    }
}
