/// The small, strict subset of TOML that mapping profiles are written in, read into tables of
/// string values with their line numbers.
///
/// The subset: `[table]` and `[dotted.table]` headers (segments bare, `"quoted"` or `'literal'`),
/// `key = value` lines whose key is bare or quoted, `#` comments, blank lines, and values that are
/// one-line basic strings (`"…"`, with TOML's escapes) or literal strings (`'…'`, no escapes).
/// Anything else (numbers, booleans, arrays, inline tables, multi-line strings, dotted keys,
/// arrays of tables) is an error naming the line, as are a table or a key given twice.
///
/// The project has no TOML library (`caseload.toml` is read by its own parser in the CLI): profiles
/// need quoted keys and literal strings, which that parser does not take, and the import module
/// reads them, so this reader lives here. It never allocates more than the text it returns.
struct ProfileTOML: Sendable, Equatable {
    /// One `key = "value"` line.
    struct Entry: Sendable, Equatable {
        var key: String
        var value: String
        /// 1-based line of the entry.
        var line: Int
    }

    /// One table: its dotted name as segments, the line of its header and its entries in file order.
    struct Table: Sendable, Equatable {
        var path: [String]
        var line: Int
        var entries: [Entry]

        /// The dotted name as written in messages: `[values.readiness_test]`.
        var displayName: String { "[" + path.map(ProfileTOML.displayKey).joined(separator: ".") + "]" }
    }

    /// The tables in file order.
    var tables: [Table]

    /// A key as a message shows it: bare when it can be, else in double quotes.
    static func displayKey(_ key: String) -> String {
        isBareKey(key) ? key : "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// True for a TOML bare key: ASCII letters, digits, `_` and `-`, at least one.
    static func isBareKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && (isBareKeyByte(UInt8($0.value))) }
    }

    private static func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    /// Reads profile text.
    /// - Parameter file: the profile's path, for errors.
    /// - Throws: ``ImportError`` naming the file and line of the first problem.
    init(parsing text: String, file: String) throws {
        var tables: [Table] = []
        var seenTables: [String: Int] = [:]
        var seenKeys: [String: Int] = [:]
        var lineNumber = 0
        var lines = Substring(text).split(separator: "\n", omittingEmptySubsequences: false)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        for rawLine in lines {
            lineNumber += 1
            var line = Array(rawLine.unicodeScalars)
            if line.last == "\r" { line.removeLast() }
            var cursor = Cursor(scalars: line, line: lineNumber, file: file)
            cursor.skipSpaces()
            if cursor.isAtEnd || cursor.peek == "#" { continue }
            if cursor.peek == "[" {
                cursor.advance()
                if cursor.peek == "[" { throw cursor.error("arrays of tables ([[…]]) are not used in profiles") }
                var path: [String] = []
                repeat {
                    cursor.skipSpaces()
                    path.append(try cursor.key(what: "a table name"))
                    cursor.skipSpaces()
                } while cursor.take(".")
                guard cursor.take("]") else { throw cursor.error("a table header ends with ]") }
                try cursor.expectLineEnd()
                let name = path.map(ProfileTOML.displayKey).joined(separator: ".")
                if let previous = seenTables[name] {
                    throw cursor.error("table [\(name)] appears twice (first on line \(previous))")
                }
                seenTables[name] = lineNumber
                tables.append(Table(path: path, line: lineNumber, entries: []))
                continue
            }
            let key = try cursor.key(what: "a key")
            cursor.skipSpaces()
            if cursor.peek == "." {
                throw cursor.error("dotted keys are not used in profiles; write a table header, e.g. [values.\(ProfileTOML.displayKey(key))]")
            }
            guard cursor.take("=") else { throw cursor.error("expected = after the key \(ProfileTOML.displayKey(key))") }
            cursor.skipSpaces()
            let value = try cursor.stringValue(key: key)
            try cursor.expectLineEnd()
            guard !tables.isEmpty else {
                throw ImportError(
                    file: file, line: lineNumber,
                    reason: "\(ProfileTOML.displayKey(key)) is outside any table; profiles put every key under a "
                        + "[table] such as [profile] or [columns]")
            }
            let scoped = tables[tables.count - 1].displayName + "." + ProfileTOML.displayKey(key)
            if let previous = seenKeys[scoped] {
                throw ImportError(
                    file: file, line: lineNumber,
                    reason: "\(ProfileTOML.displayKey(key)) is set twice in \(tables[tables.count - 1].displayName) (first on line \(previous))")
            }
            seenKeys[scoped] = lineNumber
            tables[tables.count - 1].entries.append(Entry(key: key, value: value, line: lineNumber))
        }
        self.tables = tables
    }

    /// Reads one line's scalars.
    private struct Cursor {
        let scalars: [Unicode.Scalar]
        let line: Int
        let file: String
        var index = 0

        init(scalars: [Unicode.Scalar], line: Int, file: String) {
            self.scalars = scalars
            self.line = line
            self.file = file
        }

        var isAtEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func advance() { index += 1 }

        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard peek == c else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while let c = peek, c == " " || c == "\t" { index += 1 }
        }

        func error(_ reason: String) -> ImportError {
            ImportError(file: file, line: line, column: index + 1, reason: reason)
        }

        /// Nothing but spaces and a comment may follow.
        mutating func expectLineEnd() throws {
            skipSpaces()
            guard isAtEnd || peek == "#" else {
                throw error("unexpected text after the value (one `key = \"value\"` a line; # starts a comment)")
            }
            // A comment may hold anything but control characters other than tab.
            while let c = peek {
                if c.value < 0x20 && c != "\t" || c.value == 0x7F { throw error("a control character in a comment") }
                index += 1
            }
        }

        /// A bare, basic-string or literal-string key.
        mutating func key(what: String) throws -> String {
            guard let c = peek else { throw error("expected \(what)") }
            if c == "\"" { return try basicString() }
            if c == "'" { return try literalString() }
            var key = ""
            while let c = peek, c.isASCII, ProfileTOML.isBareKeyByte(UInt8(c.value)) {
                key.unicodeScalars.append(c)
                index += 1
            }
            if key.isEmpty {
                throw error("expected \(what): letters, digits, _ and -, or a name in quotes")
            }
            return key
        }

        /// A string value; any other TOML value is refused with what it looks like.
        mutating func stringValue(key: String) throws -> String {
            guard let c = peek else { throw error("the value is missing after =") }
            if c == "\"" { return try basicString() }
            if c == "'" { return try literalString() }
            let rest = String(String.UnicodeScalarView(scalars[index...]))
            let word = rest.prefix { $0 != " " && $0 != "\t" && $0 != "#" }
            let kind: String
            switch c {
            case "[": kind = "an array"
            case "{": kind = "an inline table"
            default: kind = word == "true" || word == "false" ? "a boolean" : "'\(word)'"
            }
            throw error(
                "\(ProfileTOML.displayKey(key)) takes a string in quotes, not \(kind) "
                    + "(write e.g. \(ProfileTOML.displayKey(key)) = \"\(word.isEmpty ? "…" : String(word))\")")
        }

        /// `'…'`: no escapes; `'''` is a multi-line string, not used.
        mutating func literalString() throws -> String {
            index += 1
            if peek == "'" && index + 1 < scalars.count && scalars[index + 1] == "'" {
                throw error("multi-line strings (''') are not used in profiles")
            }
            var out = String.UnicodeScalarView()
            while let c = peek {
                index += 1
                if c == "'" { return String(out) }
                if c.value < 0x20 && c != "\t" || c.value == 0x7F { throw error("a control character in a string") }
                out.append(c)
            }
            throw error("a string opened with ' is not closed on its line")
        }

        /// `"…"` with TOML's escapes; `"""` is a multi-line string, not used.
        mutating func basicString() throws -> String {
            index += 1
            if peek == "\"" && index + 1 < scalars.count && scalars[index + 1] == "\"" {
                throw error("multi-line strings (\"\"\") are not used in profiles")
            }
            var out = String.UnicodeScalarView()
            while let c = peek {
                index += 1
                switch c {
                case "\"":
                    return String(out)
                case "\\":
                    guard let e = peek else { throw error("a string ends in a lone backslash") }
                    index += 1
                    switch e {
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    case "b": out.append("\u{08}")
                    case "t": out.append("\t")
                    case "n": out.append("\n")
                    case "f": out.append("\u{0C}")
                    case "r": out.append("\r")
                    case "u", "U":
                        let digits = e == "u" ? 4 : 8
                        guard index + digits <= scalars.count else { throw error("\\\(e) needs \(digits) hex digits") }
                        var value: UInt32 = 0
                        for k in 0..<digits {
                            guard let d = hexValue(scalars[index + k]) else {
                                throw error("\\\(e) needs \(digits) hex digits")
                            }
                            value = value << 4 | d
                        }
                        index += digits
                        guard let scalar = Unicode.Scalar(value) else {
                            throw error("\\\(e) names no Unicode scalar value")
                        }
                        out.append(scalar)
                    default:
                        throw error("unsupported escape \\\(e) in a string (use \\\\ for a backslash, or a 'literal string')")
                    }
                default:
                    if c.value < 0x20 && c != "\t" || c.value == 0x7F { throw error("a control character in a string") }
                    out.append(c)
                }
            }
            throw error("a string opened with \" is not closed on its line")
        }

        private func hexValue(_ c: Unicode.Scalar) -> UInt32? {
            switch c.value {
            case 0x30...0x39: c.value - 0x30
            case 0x41...0x46: c.value - 0x41 + 10
            case 0x61...0x66: c.value - 0x61 + 10
            default: nil
            }
        }
    }
}
