import Crypto
import Foundation
import Testing

/// What one rule of the output contract is about; every breach names the rule it breaks.
enum ContractRule: String, CaseIterable, Sendable {
    /// The documented files and folders are there, and nothing else is.
    case files
    /// CSV files are UTF-8 without a byte-order mark.
    case encoding
    /// RFC 4180: CRLF line ends, fields quoted exactly when they hold a comma, quote or line break,
    /// every row as wide as the header.
    case csvSyntax
    /// The header row is the documented column list, in order.
    case header
    /// Every value is in its column's documented format (dates, weeks, decimals, words, identifiers).
    case format
    /// No text cell starts with a character a spreadsheet would run as a formula.
    case neutralised
    /// `caseload.xlsx` is a ZIP package.
    case workbook
    /// `manifest.json` is a JSON object with the documented keys.
    case manifest
    /// `rows_read = rows_accepted + rows_rejected + rows_duplicate` for every input and in the totals,
    /// and the totals are the inputs' sums.
    case accounting
    /// `outputs[]` lists every other file written, with its SHA-256 and size.
    case outputs
    /// The manifest's counts are the CSV files' row counts.
    case counts
    /// Follow-up priorities run 1…n in `followup.csv` order; a patient has one exactly when follow-up is needed.
    case priority
    /// `followup.csv` holds the `patients.csv` rows with `followup` = yes, with the same values.
    case followUp
    /// Rows are in the documented order (priority, then patient ID; weekly by patient, then week).
    case order
    /// Caseload folders: one per manifest caseload, holding that caseload's rows of the run's files.
    case caseloads
}

/// One way a report folder breaks the contract.
struct ContractBreach: Sendable, CustomStringConvertible {
    /// The rule broken.
    var rule: ContractRule
    /// Where: a path relative to the report folder, with the line when known.
    var place: String
    /// What is wrong, in plain words.
    var detail: String

    /// `place: detail [rule]`.
    var description: String { "\(place): \(detail) [\(rule.rawValue)]" }
}

/// The contract of a report folder, read from docs/OUTPUTS.md: the files of the run folder and of
/// each caseload folder (the tree at the top of the page), each CSV file's columns in order with
/// their formats (the `### <file>.csv` tables and lists), and the invariants the page states.
///
/// The page is the source: a column added to the output but not to the page, or to the page but not
/// to the output, makes ``check(_:)`` report a breach.
struct OutputContract: Sendable {
    /// A column's value format, read from the page's *unit / format* column.
    enum Format: Equatable, Sendable, CustomStringConvertible {
        /// Free text (checked only for formula neutralising).
        case text
        /// A format the page states in words this check does not know: not checked.
        case unchecked(String)
        /// `YYYY-MM-DD`, a real calendar date.
        case date
        /// ISO week `YYYY-Www`, a week the year has.
        case week
        /// A whole number ≥ 0.
        case whole
        /// A number with exactly `places` digits after the `.`.
        case decimal(places: Int)
        /// One of the listed words.
        case oneOf([String])
        /// Identifiers from the list joined by `;`, each at most once.
        case ids([String])

        /// The units the page names for whole numbers.
        static let wholeUnits: Set<String> = ["days", "count", "rows", "rank", "level", "line"]

        /// The format in words, for a breach's text.
        var description: String {
            switch self {
            case .text: "text"
            case .unchecked(let words): "unchecked (\(words))"
            case .date: "a date YYYY-MM-DD"
            case .week: "an ISO week YYYY-Www"
            case .whole: "a whole number"
            case .decimal(let places): "a number with \(places) decimal\(places == 1 ? "" : "s")"
            case .oneOf(let words): "one of " + words.joined(separator: " / ")
            case .ids(let ids): "identifiers joined by ; from " + ids.joined(separator: ", ")
            }
        }

        /// The format a table row states: `format` is its *unit / format* cell, `meaning` its
        /// meaning cell (where an identifier list names its identifiers).
        static func parse(format: String, meaning: String) -> Format {
            let plain = format.replacingOccurrences(of: "`", with: "").lowercased()
                .trimmingCharacters(in: .whitespaces)
            let words = plain.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map(String.init)
            if let at = words.firstIndex(where: { $0 == "decimal" || $0 == "decimals" }), at > 0,
                let places = Int(words[at - 1])
            {
                return .decimal(places: places)
            }
            if plain.hasPrefix("ids joined by") { return .ids(backticked(meaning)) }
            let head = plain.split(separator: ";", omittingEmptySubsequences: false)[0]
                .split(separator: "(", omittingEmptySubsequences: false)[0]
            let options = head.components(separatedBy: " / ").map { $0.trimmingCharacters(in: .whitespaces) }
            if options.count >= 2,
                options.allSatisfy({ option in
                    !option.isEmpty && option.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                })
            {
                return .oneOf(options)
            }
            switch plain {
            case "date": return .date
            case "week": return .week
            case "text": return .text
            default: break
            }
            if !words.isEmpty && words.allSatisfy(wholeUnits.contains) { return .whole }
            return .unchecked(format)
        }

        /// What is wrong with `value` in this format, or `nil` when it fits (an empty cell always fits:
        /// it is a missing value).
        func problem(with value: String) -> String? {
            if value.isEmpty { return nil }
            let fits: Bool
            switch self {
            case .text, .unchecked: fits = true
            case .date: fits = OutputContract.isDate(value)
            case .week: fits = OutputContract.isWeek(value)
            case .whole: fits = OutputContract.isWhole(value)
            case .decimal(let places): fits = OutputContract.isDecimal(value, places: places)
            case .oneOf(let words): fits = words.contains(value)
            case .ids(let ids):
                let parts = value.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                fits = parts.allSatisfy(ids.contains) && Set(parts).count == parts.count
            }
            return fits ? nil : "\(quoted(value)) is not \(description)"
        }
    }

    /// One documented column.
    struct Column: Equatable, Sendable {
        /// The header name.
        var name: String
        /// The values it takes.
        var format: Format
        /// True when the page says the column is renumbered in each caseload folder (so a caseload's
        /// value may differ from the run's).
        var perFolder: Bool
    }

    /// Why docs/OUTPUTS.md could not be read as a contract.
    struct DocumentError: Error, CustomStringConvertible {
        /// What is missing or unreadable.
        var description: String
    }

    /// Files of the run folder, in the page's order (`caseload.xlsx`, `patients.csv`, …, `manifest.json`).
    var runFiles: [String]
    /// The folder that holds one folder per caseload (`caseloads`).
    var caseloadsFolder: String
    /// Files of each caseload folder.
    var caseloadFiles: [String]
    /// Each CSV file's columns in order, by file name.
    var columns: [String: [Column]]

    // MARK: - Reading the page

    /// docs/OUTPUTS.md in this checkout.
    static let documentURL = CLIHarness.packageRoot.appendingPathComponent("docs/OUTPUTS.md")

    /// The contract docs/OUTPUTS.md states, read once.
    static let documented: Result<OutputContract, any Error> = Result {
        try parse(String(contentsOf: documentURL, encoding: .utf8))
    }

    /// Reads the contract from the Markdown of docs/OUTPUTS.md.
    ///
    /// - The first fenced block is the folder tree: lines indented two spaces name the run folder's
    ///   files, a line ending in `/` (`caseloads/<slug>/`) the caseload folders, and the line indented
    ///   under it, before any `(`, their files joined by `,`.
    /// - A `### <name>.csv` section holds either a table, whose first cell names one or more columns
    ///   (joined by `,`) and whose second cell is the format, or a list: its first backticked span
    ///   holds the column names joined by `,`, each taking the format of the `patients.csv` column of
    ///   that name (text otherwise).
    /// - Throws: ``DocumentError`` when the tree or a CSV file's section is missing.
    static func parse(_ markdown: String) throws -> OutputContract {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")

        guard let open = lines.firstIndex(where: { $0.hasPrefix("```") }),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        else { throw DocumentError(description: "docs/OUTPUTS.md: no fenced folder tree") }
        var runFiles: [String] = []
        var caseloadFiles: [String] = []
        var caseloadPattern: String?
        for line in lines[(open + 1)..<close] {
            let indent = line.prefix(while: { $0 == " " }).count
            let body = line.dropFirst(indent)
            guard let first = body.split(separator: " ").first.map(String.init), indent >= 2 else { continue }
            if indent == 2 {
                if first.hasSuffix("/") { caseloadPattern = first } else { runFiles.append(first) }
            } else if caseloadPattern != nil {
                let listed = body.split(separator: "(", omittingEmptySubsequences: false)[0]
                caseloadFiles += listed.split(separator: ",").compactMap { $0.split(separator: " ").first.map(String.init) }
            }
        }
        guard let pattern = caseloadPattern, let folder = pattern.split(separator: "/").first.map(String.init),
            !runFiles.isEmpty, !caseloadFiles.isEmpty
        else { throw DocumentError(description: "docs/OUTPUTS.md: the folder tree names no files or no caseload folder") }

        var tables: [String: [Column]] = [:]
        var lists: [String: [String]] = [:]
        for (index, line) in lines.enumerated() where line.hasPrefix("### ") {
            let name = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
            guard name.hasSuffix(".csv") else { continue }
            let section = lines[(index + 1)...].prefix(while: { !$0.hasPrefix("#") })
            let rows = section.filter { $0.hasPrefix("|") }
            if rows.count > 2 {
                tables[name] = rows.dropFirst(2).flatMap { row -> [Column] in
                    let cells = row.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                    guard cells.count >= 2 else { return [] }
                    let meaning = cells.count > 2 ? cells[2] : ""
                    let format = Format.parse(format: cells[1], meaning: meaning)
                    return names(cells[0]).map {
                        Column(name: $0, format: format, perFolder: meaning.contains("renumbered"))
                    }
                }
            } else {
                let text = section.joined(separator: " ")
                guard let start = text.firstIndex(of: "`"),
                    let end = text[text.index(after: start)...].firstIndex(of: "`")
                else { throw DocumentError(description: "docs/OUTPUTS.md: \(name) lists no columns") }
                lists[name] = names(String(text[text.index(after: start)..<end]))
            }
        }
        let patients = tables["patients.csv"] ?? []
        for (name, list) in lists {
            tables[name] = list.map { column in
                patients.first { $0.name == column } ?? Column(name: column, format: .text, perFolder: false)
            }
        }
        for file in Set(runFiles + caseloadFiles) where file.hasSuffix(".csv") {
            guard let found = tables[file], !found.isEmpty else {
                throw DocumentError(description: "docs/OUTPUTS.md: no `### \(file)` section with its columns")
            }
        }
        return OutputContract(runFiles: runFiles, caseloadsFolder: folder, caseloadFiles: caseloadFiles, columns: tables)
    }

    /// Column names joined by `,` (backticks and spaces dropped).
    static func names(_ cell: String) -> [String] {
        cell.replacingOccurrences(of: "`", with: "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The backticked words of `text`, in order.
    static func backticked(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    // MARK: - Checking a folder

    /// Every breach of the contract by the run's report folder `folder`, its caseload folders included.
    func check(_ folder: URL) -> [ContractBreach] {
        var audit = Audit(root: folder, contract: self)
        let run = audit.tables(in: "", files: runFiles)
        // A run without patients has no clinician, so it may have no caseload folder at all.
        let noPatients = run["patients.csv"]?.rows.isEmpty ?? false
        let caseloadsExpected = !noPatients || audit.isFolder(caseloadsFolder)
        audit.listing("", expected: runFiles, folders: caseloadsExpected ? [caseloadsFolder] : [])
        audit.workbooks(in: "", files: runFiles)
        audit.relations(run, in: "")

        let caseloadsPath = caseloadsFolder + "/"
        let caseloadsURL = folder.appendingPathComponent(caseloadsFolder)
        let slugs = ((try? FileManager.default.contentsOfDirectory(atPath: caseloadsURL.path)) ?? []).sorted()
        var folders: [String: Tables] = [:]
        for slug in slugs {
            let place = caseloadsPath + slug + "/"
            guard audit.isFolder(place) else {
                audit.breach(.files, caseloadsPath + slug, "is not a folder")
                continue
            }
            audit.listing(place, expected: caseloadFiles, folders: [])
            let tables = audit.tables(in: place, files: caseloadFiles)
            audit.workbooks(in: place, files: caseloadFiles)
            audit.relations(tables, in: place)
            audit.caseload(tables, in: place, run: run)
            folders[place] = tables
        }
        audit.partition(folders, run: run)
        if runFiles.contains("manifest.json"), let manifest = audit.manifest() {
            audit.manifest(manifest, run: run, caseloads: folders)
        }
        return audit.summary()
    }

    // MARK: - Value forms

    /// True for `YYYY-MM-DD` naming a real day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }

    /// True for `YYYY-Www` naming a week the ISO year has (week 53 only in long years).
    static func isWeek(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 3, parts[1].first == "W",
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
            let year = Int(parts[0]), let week = Int(parts[1].dropFirst())
        else { return false }
        // A year has 53 ISO weeks when it starts on a Thursday, or on a Wednesday in a leap year.
        func p(_ y: Int) -> Int { (y + y / 4 - y / 100 + y / 400) % 7 }
        let weeks = p(year) == 4 || p(year - 1) == 3 ? 53 : 52
        return (1...weeks).contains(week)
    }

    /// True for a whole number ≥ 0 without leading zeros.
    static func isWhole(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy({ $0.isASCII && $0.isNumber }) && (text == "0" || text.first != "0")
    }

    /// True for an optionally negative number with exactly `places` digits after the `.`.
    static func isDecimal(_ text: String, places: Int) -> Bool {
        let unsigned = text.hasPrefix("-") ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        if places == 0 { return parts.count == 1 && isWhole(unsigned) }
        return parts.count == 2 && isWhole(String(parts[0])) && parts[1].count == places
            && parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
    }

    /// The caseload a `clinician` cell belongs to: the name as written before neutralising (a leading
    /// `'` before a formula character dropped), trimmed; an empty name is `Unassigned`.
    static func caseloadName(_ clinician: String) -> String {
        var name = clinician
        if name.first == "'", let second = name.dropFirst().first, formulaStarts.contains(second) { name.removeFirst() }
        name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? "Unassigned" : name
    }

    /// Starting characters a spreadsheet would read as a formula (OWASP CSV injection).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
}

/// The SHA-256 of `data` in lower-case hex.
func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

/// `value` in quotes, shortened, for a breach's text.
private func quoted(_ value: String) -> String {
    "'" + (value.count > 40 ? String(value.prefix(40)) + "…" : value) + "'"
}

// MARK: - Reading CSV strictly

/// A CSV file read by the RFC 4180 rules the page states.
struct ContractTable {
    /// One data row: its fields and the physical line it starts on.
    struct Row {
        var line: Int
        var fields: [String]
    }

    /// The header row.
    var header: [String]
    /// The data rows.
    var rows: [Row]

    /// The index of column `name`.
    func index(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The value of column `name` in `row` (`nil` when the column or the field is missing).
    func value(_ row: Row, _ name: String) -> String? {
        index(name).flatMap { $0 < row.fields.count ? row.fields[$0] : nil }
    }

    /// Column `name`'s values, one per row (empty when the column is missing).
    func values(_ name: String) -> [String] { rows.map { value($0, name) ?? "" } }

    /// Reads `bytes` record by record, collecting each kind of syntax problem once (with its line).
    ///
    /// Records end at CR LF; a lone CR or LF outside quotes ends the record too but is a problem. A
    /// quoted field must hold a comma, quote, CR or LF and be followed by a comma or the record's end;
    /// an unquoted field must hold no quote.
    static func read(_ bytes: [UInt8]) -> (records: [Row], problems: [String]) {
        var records: [Row] = []
        var problems: [String] = []
        var seen: Set<String> = []
        func problem(_ kind: String, _ line: Int) {
            if seen.insert(kind).inserted { problems.append("line \(line): \(kind)") }
        }
        let (comma, quote, cr, lf): (UInt8, UInt8, UInt8, UInt8) = (0x2C, 0x22, 0x0D, 0x0A)
        var i = 0
        var line = 1
        let n = bytes.count
        while i < n {
            let start = line
            var fields: [String] = []
            var endedWithCRLF = false
            fieldLoop: while true {
                var field: [UInt8] = []
                if i < n && bytes[i] == quote {
                    i += 1
                    var closed = false
                    while i < n {
                        if bytes[i] == quote {
                            if i + 1 < n && bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if bytes[i] == lf { line += 1 }
                        field.append(bytes[i])
                        i += 1
                    }
                    if !closed { problem("a quoted field is never closed", start) }
                    if !field.contains(where: { $0 == comma || $0 == quote || $0 == cr || $0 == lf }) {
                        problem("a field is quoted without a comma, quote or line break in it", line)
                    }
                    if i < n && bytes[i] != comma && bytes[i] != cr && bytes[i] != lf {
                        problem("text follows a closing quote", line)
                        while i < n && bytes[i] != comma && bytes[i] != cr && bytes[i] != lf { i += 1 }
                    }
                } else {
                    while i < n && bytes[i] != comma && bytes[i] != cr && bytes[i] != lf {
                        if bytes[i] == quote { problem("a quote inside an unquoted field", line) }
                        field.append(bytes[i])
                        i += 1
                    }
                }
                fields.append(String(decoding: field, as: UTF8.self))
                guard i < n else { break fieldLoop }
                switch bytes[i] {
                case comma:
                    i += 1
                case cr where i + 1 < n && bytes[i + 1] == lf:
                    i += 2
                    line += 1
                    endedWithCRLF = true
                    break fieldLoop
                default:
                    problem("a line ends without CR LF", line)
                    i += 1
                    line += 1
                    break fieldLoop
                }
            }
            if i >= n && !endedWithCRLF { problem("the last line does not end with CR LF", start) }
            records.append(Row(line: start, fields: fields))
        }
        return (records, problems)
    }
}

// MARK: - The checks

/// The CSV tables of one folder, by file name.
typealias Tables = [String: ContractTable]

/// One check of a report folder: the breaches found so far.
private struct Audit {
    let root: URL
    let contract: OutputContract
    var breaches: [ContractBreach] = []
    /// Breaches found of each rule in each file, recorded or not.
    var found: [String: Int] = [:]

    /// Breaches recorded of one rule in one file; the rest are only counted (one broken thing,
    /// such as a wrong header, can break a rule on every row).
    static let recordedPerFile = 5

    init(root: URL, contract: OutputContract) {
        self.root = root
        self.contract = contract
    }

    /// Records a breach (at most ``recordedPerFile`` of a rule in a file; ``summary()`` counts the rest).
    mutating func breach(_ rule: ContractRule, _ place: String, _ detail: String) {
        let key = rule.rawValue + " " + (place.split(separator: ":").first.map(String.init) ?? place)
        found[key, default: 0] += 1
        if found[key, default: 0] <= Self.recordedPerFile {
            breaches.append(ContractBreach(rule: rule, place: place, detail: detail))
        }
    }

    /// The breaches recorded, then one line for each rule and file with more than were recorded.
    func summary() -> [ContractBreach] {
        breaches + found.filter { $0.value > Self.recordedPerFile }.sorted { $0.key < $1.key }.compactMap { key, count in
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let rule = ContractRule(rawValue: parts[0]) else { return nil }
            return ContractBreach(rule: rule, place: parts[1], detail: "\(count - Self.recordedPerFile) more like the above")
        }
    }

    /// The URL of `path` relative to the report folder.
    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// True when `path` is a folder.
    func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url(path).path, isDirectory: &folder) && folder.boolValue
    }

    /// The folder `place` holds exactly the files `expected` and the folders `folders`.
    mutating func listing(_ place: String, expected: [String], folders: [String]) {
        let found = Set((try? FileManager.default.contentsOfDirectory(atPath: url(place).path)) ?? [])
        for name in expected where !found.contains(name) { breach(.files, place + name, "missing") }
        for name in folders where !isFolder(place + name) { breach(.files, place + name + "/", "missing") }
        for name in found.subtracting(expected + folders).sorted() { breach(.files, place + name, "not in docs/OUTPUTS.md") }
    }

    /// Reads and checks each CSV of `files` in `place`: encoding, syntax, header, value formats.
    mutating func tables(in place: String, files: [String]) -> Tables {
        var tables: Tables = [:]
        for file in files where file.hasSuffix(".csv") {
            let path = place + file
            guard let data = try? Data(contentsOf: url(path)) else { continue }
            let bytes = Array(data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { breach(.encoding, path, "starts with a UTF-8 byte-order mark") }
            guard String(bytes: bytes, encoding: .utf8) != nil else {
                breach(.encoding, path, "is not valid UTF-8")
                continue
            }
            let (records, problems) = ContractTable.read(bytes)
            for problem in problems { breach(.csvSyntax, path, problem) }
            guard let header = records.first else {
                breach(.csvSyntax, path, "has no header row")
                continue
            }
            let table = ContractTable(header: header.fields, rows: Array(records.dropFirst()))
            let documented = contract.columns[file] ?? []
            if table.header != documented.map(\.name) {
                breach(.header, path, "header \(table.header.joined(separator: ",")) is not the documented "
                    + documented.map(\.name).joined(separator: ","))
            }
            for row in table.rows where row.fields.count != table.header.count {
                breach(.csvSyntax, "\(path):\(row.line)", "\(row.fields.count) fields, the header has \(table.header.count)")
            }
            for column in documented {
                guard let index = table.index(column.name) else { continue }
                var reported = 0
                for row in table.rows where index < row.fields.count && reported < 3 {
                    let value = row.fields[index]
                    if let problem = column.format.problem(with: value) {
                        breach(.format, "\(path):\(row.line)", "\(column.name): \(problem)")
                        reported += 1
                    }
                    if column.format == .text, let first = value.first, OutputContract.formulaStarts.contains(first) {
                        breach(.neutralised, "\(path):\(row.line)", "\(column.name): \(quoted(value)) would run as a formula")
                        reported += 1
                    }
                }
            }
            tables[file] = table
        }
        return tables
    }

    /// Each workbook of `files` in `place` is a ZIP package (it starts with `PK\u{3}\u{4}`).
    mutating func workbooks(in place: String, files: [String]) {
        for file in files where file.hasSuffix(".xlsx") {
            guard let data = try? Data(contentsOf: url(place + file)) else { continue }
            if !Array(data.prefix(4)).elementsEqual([0x50, 0x4B, 0x03, 0x04]) {
                breach(.workbook, place + file, "is not a ZIP package")
            }
        }
    }

    /// The invariants inside one folder: follow-up flags, priorities and row order.
    mutating func relations(_ tables: Tables, in place: String) {
        guard let patients = tables["patients.csv"] else { return }
        let ids = patients.values("patient_id")
        if Set(ids).count != ids.count { breach(.order, place + "patients.csv", "a patient ID appears twice") }
        if ids.contains("") { breach(.format, place + "patients.csv", "a row has no patient ID") }

        // Follow-up flag, reasons and priority go together; priorities are 1…n in file order.
        var flagged: [ContractTable.Row] = []
        var seenUnflagged = false
        var previousUnflagged: String?
        for row in patients.rows {
            let needs = patients.value(row, "followup") == "yes"
            let at = "\(place)patients.csv:\(row.line)"
            if needs != !(patients.value(row, "priority") ?? "").isEmpty {
                breach(.priority, at, "followup is \(needs ? "yes" : "no") but priority is \(needs ? "empty" : "set")")
            }
            if needs != !(patients.value(row, "followup_reasons") ?? "").isEmpty {
                breach(.followUp, at, "followup is \(needs ? "yes" : "no") but followup_reasons is \(needs ? "empty" : "set")")
            }
            let id = patients.value(row, "patient_id") ?? ""
            if needs {
                flagged.append(row)
                if seenUnflagged { breach(.order, at, "a patient needing follow-up comes after one who does not") }
            } else {
                if let previous = previousUnflagged, !(previous < id) {
                    breach(.order, at, "patient \(id) comes after \(previous) among those without follow-up")
                }
                previousUnflagged = id
                seenUnflagged = true
            }
        }
        let priorities = flagged.map { patients.value($0, "priority") ?? "" }
        let expected = flagged.indices.map { String($0 + 1) }
        if priorities != expected {
            breach(.priority, place + "patients.csv", "priorities in row order are \(priorities.prefix(8)), not 1…\(flagged.count)")
        }

        if let followUp = tables["followup.csv"] {
            let listed = followUp.values("patient_id")
            let flaggedIDs = flagged.map { patients.value($0, "patient_id") ?? "" }
            if listed != flaggedIDs {
                let at = zip(listed, flaggedIDs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(listed.count, flaggedIDs.count)
                let got = at < listed.count ? listed[at] : "the end"
                let want = at < flaggedIDs.count ? flaggedIDs[at] : "the end"
                breach(.followUp, place + "followup.csv",
                       "row \(at + 1) is \(got) where the patients.csv rows with followup=yes have \(want)")
            }
            let followUpPriorities = followUp.values("priority")
            if followUpPriorities != followUp.rows.indices.map({ String($0 + 1) }) {
                breach(.priority, place + "followup.csv",
                       "priorities \(followUpPriorities.prefix(8)) do not run 1…\(followUp.rows.count) in file order")
            }
            let byID = Dictionary(patients.rows.map { (patients.value($0, "patient_id") ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            let shared = followUp.header.filter { patients.header.contains($0) && $0 != "patient_id" }
            for row in followUp.rows {
                let at = "\(place)followup.csv:\(row.line)"
                guard let id = followUp.value(row, "patient_id"), let twin = byID[id] else { continue }
                for column in shared where followUp.value(row, column) != patients.value(twin, column) {
                    let (mine, theirs) = (followUp.value(row, column) ?? "", patients.value(twin, column) ?? "")
                    breach(.followUp, at, "\(column) \(quoted(mine)) differs from patients.csv's \(quoted(theirs))")
                }
                let reasons = Set((followUp.value(row, "followup_reasons") ?? "").split(separator: ";"))
                let new = (followUp.value(row, "new_reasons") ?? "").split(separator: ";")
                if !Set(new).isSubset(of: reasons) { breach(.followUp, at, "new_reasons are not among followup_reasons") }
                if followUp.index("new_this_week") != nil && followUp.index("new_reasons") != nil
                    && (followUp.value(row, "new_this_week") == "yes") == new.isEmpty
                {
                    breach(.followUp, at, "new_this_week disagrees with new_reasons")
                }
            }
        }

        // Weekly rows: patients in patients.csv order, weeks rising within a patient.
        if let weekly = tables["weekly.csv"] {
            let rank = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var previous: (patient: Int, week: String)?
            for row in weekly.rows {
                let at = "\(place)weekly.csv:\(row.line)"
                let id = weekly.value(row, "patient_id") ?? ""
                let week = weekly.value(row, "week") ?? ""
                guard let position = rank[id] else {
                    breach(.order, at, "patient \(id) is not in patients.csv")
                    continue
                }
                if let last = previous, (position, week) <= (last.patient, last.week) {
                    breach(.order, at, "\(id) \(week) is out of order (patients.csv order, then week)")
                }
                previous = (position, week)
            }
        }
    }

    /// A caseload folder's rows are the run's rows of its patients (per-folder columns aside).
    mutating func caseload(_ tables: Tables, in place: String, run: Tables) {
        guard let patients = tables["patients.csv"], let runPatients = run["patients.csv"] else { return }
        let perFolder = Set((contract.columns["patients.csv"] ?? []).filter(\.perFolder).map(\.name))
        let runByID = Dictionary(runPatients.rows.map { (runPatients.value($0, "patient_id") ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        var members: Set<String> = []
        for row in patients.rows {
            let id = patients.value(row, "patient_id") ?? ""
            members.insert(id)
            guard let twin = runByID[id] else {
                breach(.caseloads, "\(place)patients.csv:\(row.line)", "patient \(id) is not in the run's patients.csv")
                continue
            }
            for column in patients.header
            where !perFolder.contains(column) && patients.value(row, column) != runPatients.value(twin, column) {
                breach(.caseloads, "\(place)patients.csv:\(row.line)", "\(column) differs from the run's patients.csv")
            }
        }
        let clinicians = Set(patients.values("clinician").map(OutputContract.caseloadName))
        if clinicians.count > 1 {
            breach(.caseloads, place + "patients.csv", "holds patients of several clinicians: \(clinicians.sorted())")
        }
        // A caseload's weekly and rejected rows are the run's rows of its own patients, in the run's order.
        for file in ["weekly.csv", "rejected.csv"] {
            guard let own = tables[file], let all = run[file] else { continue }
            let expected = all.rows.filter { members.contains(all.value($0, "patient_id") ?? "") }.map(\.fields)
            if own.rows.map(\.fields) != expected {
                breach(.caseloads, place + file, "is not the run's \(file) rows of this caseload's patients")
            }
        }
    }

    /// Every patient of the run is in exactly one caseload folder.
    mutating func partition(_ folders: [String: Tables], run: Tables) {
        guard let runPatients = run["patients.csv"] else { return }
        var count: [String: Int] = [:]
        for tables in folders.values {
            for id in tables["patients.csv"]?.values("patient_id") ?? [] { count[id, default: 0] += 1 }
        }
        for id in runPatients.values("patient_id") where count[id] != 1 {
            breach(.caseloads, contract.caseloadsFolder + "/", "patient \(id) is in \(count[id] ?? 0) caseload folders, not 1")
        }
    }

    /// `manifest.json` as a JSON object, or `nil` (with a breach) when it is missing or not one.
    mutating func manifest() -> [String: Any]? {
        guard let data = try? Data(contentsOf: url("manifest.json")) else { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            breach(.manifest, "manifest.json", "is not a JSON object")
            return nil
        }
        return object
    }

    /// The manifest's keys, accounting, counts, caseloads and outputs.
    mutating func manifest(_ m: [String: Any], run: Tables, caseloads: [String: Tables]) {
        let keys = ["tool", "version", "command_line", "as_of", "created", "thresholds", "patient_sheets", "inputs",
                    "totals", "rows_after_as_of", "patients", "patients_needing_followup", "caseloads", "outputs"]
        for key in keys where m[key] == nil { breach(.manifest, "manifest.json", "no \(key)") }
        if let asOf = m["as_of"], !((asOf as? String).map(OutputContract.isDate) ?? false) {
            breach(.manifest, "manifest.json", "as_of is not a date YYYY-MM-DD")
        }

        // Accounting, per input and in the totals.
        let counts = ["rows_read", "rows_accepted", "rows_rejected", "rows_duplicate"]
        let inputKeys = ["path", "role", "sha256", "bytes", "format", "dialect"] + counts + ["warnings", "ignored_columns", "ignored_resources"]
        var sums = [String: Int]()
        func balanced(_ object: [String: Any], _ name: String) {
            let values = counts.map { object[$0] as? Int }
            guard let read = values[0], let accepted = values[1], let rejected = values[2], let duplicate = values[3] else {
                breach(.accounting, "manifest.json", "\(name) lacks a row count")
                return
            }
            if read != accepted + rejected + duplicate {
                breach(.accounting, "manifest.json",
                       "\(name): rows_read \(read) ≠ \(accepted) accepted + \(rejected) rejected + \(duplicate) duplicate")
            }
        }
        let inputs = m["inputs"] as? [[String: Any]] ?? []
        for input in inputs {
            let name = "input \(input["path"] as? String ?? "?")"
            for key in inputKeys where input[key] == nil { breach(.manifest, "manifest.json", "\(name) has no \(key)") }
            if let role = input["role"] as? String, !["log", "roster"].contains(role) {
                breach(.manifest, "manifest.json", "\(name): role \(role) is not log or roster")
            }
            if let hash = input["sha256"] as? String, !isSHA256(hash) {
                breach(.manifest, "manifest.json", "\(name): sha256 is not 64 hex digits")
            }
            balanced(input, name)
            for key in counts { sums[key, default: 0] += input[key] as? Int ?? 0 }
        }
        let totals = m["totals"] as? [String: Any] ?? [:]
        balanced(totals, "totals")
        for key in counts where (totals[key] as? Int) != sums[key] ?? 0 {
            breach(.accounting, "manifest.json", "totals.\(key) \(totals[key] as? Int ?? -1) is not the inputs' sum \(sums[key] ?? 0)")
        }

        // Counts against the CSV rows.
        func expectCount(_ value: Any?, _ rows: Int?, _ what: String) {
            guard let rows else { return }
            if value as? Int != rows {
                breach(.counts, "manifest.json", "\(what) is \(value.map { "\($0)" } ?? "missing"), the files hold \(rows)")
            }
        }
        expectCount(m["patients"], run["patients.csv"]?.rows.count, "patients")
        expectCount(m["patients_needing_followup"], run["followup.csv"]?.rows.count, "patients_needing_followup")
        expectCount(totals["rows_rejected"], run["rejected.csv"]?.rows.count, "totals.rows_rejected")
        expectCount(m["rows_after_as_of"], run["patients.csv"].map { $0.values("rows_after_as_of").compactMap { Int($0) }.reduce(0, +) },
                    "rows_after_as_of")

        // Caseloads: one entry per folder, named for its clinician, with its counts.
        let entries = m["caseloads"] as? [[String: Any]] ?? []
        var listed: Set<String> = []
        for entry in entries {
            guard let name = entry["name"] as? String, let folder = entry["folder"] as? String else {
                breach(.manifest, "manifest.json", "a caseload without name or folder")
                continue
            }
            let place = folder.hasSuffix("/") ? folder : folder + "/"
            listed.insert(place)
            let slug = String(place.dropFirst(contract.caseloadsFolder.count + 1).dropLast())
            if !place.hasPrefix(contract.caseloadsFolder + "/") || !isSlug(slug) {
                breach(.caseloads, "manifest.json", "caseload folder \(folder) is not \(contract.caseloadsFolder)/<slug>")
            }
            guard let tables = caseloads[place] else {
                breach(.caseloads, "manifest.json", "caseload folder \(folder) is not there")
                continue
            }
            expectCount(entry["patients"], tables["patients.csv"]?.rows.count, "\(folder) patients")
            expectCount(entry["patients_needing_followup"], tables["followup.csv"]?.rows.count, "\(folder) patients_needing_followup")
            let clinicians = Set(tables["patients.csv"]?.values("clinician").map(OutputContract.caseloadName) ?? [])
            if !clinicians.isSubset(of: [name]) {
                breach(.caseloads, place + "patients.csv", "clinicians \(clinicians.sorted()) are not the caseload's \(name)")
            }
        }
        for place in Set(caseloads.keys).subtracting(listed).sorted() {
            breach(.caseloads, place, "is not among the manifest's caseloads")
        }

        // Outputs: every other file written, with its SHA-256 and size.
        let outputs = m["outputs"] as? [[String: Any]] ?? []
        var described: Set<String> = []
        for output in outputs {
            guard let path = output["path"] as? String else {
                breach(.outputs, "manifest.json", "an output without a path")
                continue
            }
            described.insert(path)
            guard let data = try? Data(contentsOf: url(path)) else {
                breach(.outputs, "manifest.json", "output \(path) is not there")
                continue
            }
            if output["bytes"] as? Int != data.count {
                let stated = output["bytes"].map { "\($0)" } ?? "missing"
                breach(.outputs, "manifest.json", "output \(path): bytes \(stated), the file has \(data.count)")
            }
            if output["sha256"] as? String != sha256Hex(data) {
                breach(.outputs, "manifest.json", "output \(path): sha256 does not match the file")
            }
        }
        let written = Set(allFiles().filter { $0 != "manifest.json" })
        for path in written.subtracting(described).sorted() { breach(.outputs, "manifest.json", "outputs[] does not list \(path)") }
    }

    /// Every regular file under the report folder, relative to it.
    func allFiles() -> [String] {
        guard let paths = FileManager.default.subpaths(atPath: root.path) else { return [] }
        return paths.filter { !isFolder($0) }
    }

    /// True for 64 lower-case hex digits.
    func isSHA256(_ text: String) -> Bool { text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase } }

    /// True for lower-case ASCII letters and digits in runs joined by single `-`.
    func isSlug(_ text: String) -> Bool {
        let runs = text.split(separator: "-", omittingEmptySubsequences: false)
        return !text.isEmpty && runs.allSatisfy { run in
            !run.isEmpty && run.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        }
    }
}

/// The check as the end-to-end tests use it.
extension OutputContract {
    /// Records one issue listing every breach of docs/OUTPUTS.md by the report folder `folder`.
    /// - Throws: when docs/OUTPUTS.md cannot be read as a contract.
    static func expectHolds(_ folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let breaches = try documented.get().check(folder)
        let list = breaches.map(\.description).joined(separator: "\n")
        #expect(
            breaches.isEmpty, "\(breaches.count) breach(es) of docs/OUTPUTS.md in \(folder.lastPathComponent):\n\(list)",
            sourceLocation: sourceLocation)
    }
}
