import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel
@testable import CaseloadSynthetic

/// The field table (`LogColumn`) drives every reader: each column is recognised as a CSV header by
/// both CSV ways, sits where the table says in a caseload JSON object, takes part in the duplicate
/// fingerprint, and is written by the generator's canonical CSV. The checks run over
/// `LogColumn.allCases`, so a column added to the table is checked with no edit here (a new *kind*
/// needs its two sample cells in `samples`).
@Suite struct LogColumnTableTests {
    /// Two valid cells of each kind, different values.
    static func samples(_ kind: LogValueKind) -> (String, String) {
        switch kind {
        case .text: ("a1", "b2")
        case .freeText: (" note, one", "note two")
        case .date: ("2026-03-02", "2026-03-03T07:30:00+01:00")
        case .count: ("1", "2")
        case .amount: ("1.5", "2.25")
        case .rating: ("3", "4.5")
        case .flag: ("yes", "no")
        case .category: ("strength", "Mobility")
        case .readiness: ("pass", "FAIL")
        }
    }

    static let key = FingerprintKey(a: 0x9E37_79B9_7F4A_7C15, b: 0xD1B5_4A32_D192_ED03)

    /// A row's cells by column: every column's first sample, `column` its second (or empty).
    static func cells(changing column: LogColumn? = nil, toEmpty: Bool = false) -> [LogColumn: String] {
        var cells: [LogColumn: String] = [:]
        for c in LogColumn.allCases { cells[c] = samples(c.kind).0 }
        if let column { cells[column] = toEmpty ? "" : samples(column.kind).1 }
        return cells
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Reads one CSV row both ways under `header` (names in that order).
    static func readCSV(_ cells: [LogColumn: String], header: [LogColumn]) throws -> (quick: FoldedRow?, general: RowOutcome) {
        let text = header.map(\.name).joined(separator: ",") + "\n"
            + header.map { csvField(cells[$0] ?? "") }.joined(separator: ",") + "\n"
        let records = tokenize(Array(text.utf8), chunkSize: 1 << 16)
        let parserCells = CellParser(dateOrder: .iso, decimalComma: false)
        var quick = try LogRowParser(header: records[0], file: "t.csv", cells: parserCells)
        var general = try LogRowParser(header: records[0], file: "t.csv", cells: parserCells)
        var patients = PatientNumbering()
        var names: [String] = []
        return records[1].withView { view in
            (quick.quickRow(view, patients: &patients, newPatients: &names, key: key), general.parse(view))
        }
    }

    /// Reads one caseload JSON patient object holding the row, built from the table's JSON places.
    static func readJSON(_ cells: [LogColumn: String]) throws -> RowOutcome {
        var patient: [String: String] = [:]
        var session: [String: String] = [:]
        var exercise: [String: String] = [:]
        for column in LogColumn.allCases {
            guard let value = cells[column], !value.isEmpty else { continue }
            switch column.spec.json {
            case .patientID(let key): patient[key] = value
            case .session(let key), .sessionIdentity(let key, _): session[key] = value
            case .exercise(let key), .exerciseElseSession(let key): exercise[key] = value
            }
        }
        func object(_ members: [String: String]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: members, options: [.sortedKeys]), as: UTF8.self)
        }
        var sessionText = try object(session)
        sessionText.removeLast()
        sessionText += (session.isEmpty ? "" : ",") + "\"exercises\": [" + (try object(exercise)) + "]}"
        let text = "{\"patient\": " + (try object(patient)) + ", \"sessions\": [" + sessionText + "]}"
        var reader = JSONLogReader(file: "t.json", cells: CellParser(dateOrder: .iso, decimalComma: false))
        var outcomes: [RowOutcome] = []
        var parser = JSONParser(bytes: Array(text.utf8), start: 0)
        try parser.parseDocument { node in reader.read(node) { outcomes.append($0) } }
        #expect(reader.ignoredKeys.isEmpty, "\(reader.ignoredKeys)")
        #expect(outcomes.count == 1)
        return try #require(outcomes.first)
    }

    static func accepted(_ outcome: RowOutcome, _ context: String) -> LogEntry? {
        guard case .accepted(let entry) = outcome else {
            Issue.record("not accepted: \(context): \(outcome)")
            return nil
        }
        return entry
    }

    /// The table's invariants: names are distinct snake_case, the block has room for every column,
    /// the short way has room for every text, and the two required columns are the patient and the date.
    @Test func tableIsWellFormed() {
        let names = LogColumn.allCases.flatMap { [$0.name] + $0.spec.synonyms }
        #expect(Set(names.map { $0.lowercased() }).count == names.count)
        #expect(LogColumn.allCases.allSatisfy { $0.name.allSatisfy { $0.isLowercase || $0 == "_" } })
        #expect(LogValues.firstColumnSlot + LogColumn.allCases.count <= LogValues.capacity)
        #expect(LogValues.usedWords <= LogValues.capacity && LogValues.usedWords % 2 == 0)
        #expect(LogValues().words.count == LogValues.capacity)
        #expect(DuplicateFilter.hashedTextColumns.count <= ASCIITexts.capacity)
        #expect(LogColumn.allCases.filter(\.isRequired) == [.patientID, .date])
        #expect(LogColumn.allCases.filter { $0.kind == .date } == [.date])
        #expect(LogColumn.patientID.kind == .text)
        #expect(CanonicalCSV.columns == LogColumn.allCases.map(\.name))
    }

    /// Every column's name is a header both CSV ways recognise, in any order and case; nothing is
    /// left to the ignored columns.
    @Test func everyColumnIsACSVHeader() throws {
        var header = LogColumn.allCases
        header.reverse()
        let text = header.map { $0.name.uppercased() }.joined(separator: ",") + ",clinic\n"
        let records = tokenize(Array(text.utf8), chunkSize: 1 << 16)
        let parser = try LogRowParser(header: records[0], file: "t.csv", cells: CellParser(dateOrder: .iso, decimalComma: false))
        #expect(parser.fields == header + [nil])
        #expect(parser.columns.ignoredColumns == ["clinic"])
        #expect(parser.roles.last == .ignored)
        #expect(!parser.roles.dropLast().contains(.ignored))
        for column in LogColumn.allCases {
            #expect(LogColumn.named(column.name.uppercased()) == column)
        }
    }

    /// Every column has a key in a caseload JSON object, listed among the keys the reader knows.
    @Test func everyColumnIsAJSONKey() {
        for column in LogColumn.allCases {
            switch column.spec.json {
            case .patientID(let key): #expect(JSONLogReader.patientKeys.contains(key), "\(column)")
            case .session(let key): #expect(JSONLogReader.sessionKeys.contains(key), "\(column)")
            case .sessionIdentity(let key, let alias):
                #expect(JSONLogReader.sessionKeys.isSuperset(of: [key, alias]), "\(column)")
            case .exercise(let key): #expect(JSONLogReader.exerciseKeys.contains(key), "\(column)")
            case .exerciseElseSession(let key):
                #expect(JSONLogReader.exerciseKeys.contains(key) && JSONLogReader.sessionKeys.contains(key), "\(column)")
            }
        }
        // The lists hold the table's keys and nothing else but the exercise list itself.
        var session: Set<String> = ["exercises"], exercise: Set<String> = []
        for column in LogColumn.allCases {
            switch column.spec.json {
            case .patientID: break
            case .session(let key): session.insert(key)
            case .sessionIdentity(let key, let alias): session.formUnion([key, alias])
            case .exercise(let key): exercise.insert(key)
            case .exerciseElseSession(let key): session.insert(key); exercise.insert(key)
            }
        }
        #expect(JSONLogReader.sessionKeys == session)
        #expect(JSONLogReader.exerciseKeys == exercise)
        // As documented (docs/FORMATS.md, "JSON and NDJSON").
        #expect(session.isSuperset(of: ["date", "session_id", "id", "readiness_test", "pain", "swelling", "night_pain", "notes"]))
        #expect(exercise.isSuperset(of: ["name", "category", "level", "sets", "reps", "load_kg", "duration_min", "pain_during", "notes"]))
    }

    /// A row with every column set reads the same from CSV (both ways) and from JSON, and the
    /// generator's canonical CSV writes it back to the same row.
    @Test func everyColumnReadsAlikeEverywhere() throws {
        let cells = Self.cells()
        let csv = try Self.readCSV(cells, header: LogColumn.allCases)
        let entry = try #require(Self.accepted(csv.general, "CSV"))
        let quick = try #require(csv.quick, "the short way took the row")
        #expect(quick.fingerprint == DuplicateFilter.fingerprint(entry, key: Self.key))
        #expect(quick.contribution == DayContribution(entry))
        #expect(Self.accepted(try Self.readJSON(cells), "JSON") == entry)
        // Every column holds a value.
        for column in LogColumn.allCases where !column.kind.isText {
            #expect(entry.values.has(column.valueSlot), "\(column)")
        }
        for column in LogColumn.allCases where column.kind.isText {
            #expect(entry[text: column] != nil, "\(column)")
        }
        var written: [UInt8] = []
        CanonicalCSV.appendRow(entry, to: &written)
        let fields = CanonicalCSV.fields(of: entry)
        #expect(fields.count == LogColumn.allCases.count)
        let again = try Self.readCSV(
            Dictionary(uniqueKeysWithValues: zip(LogColumn.allCases, fields)), header: LogColumn.allCases)
        var expected = entry
        // The canonical CSV writes the date, not its time or offset.
        expected.secondsOfDay = nil
        expected.utcOffsetMinutes = nil
        #expect(Self.accepted(again.general, "rewritten") == expected)
    }

    /// Every column is part of a row's identity: changing its value, or emptying it, changes the
    /// fingerprint (the patient changes the patient's table instead), the same way from CSV's short
    /// way, its general way and JSON.
    @Test(arguments: LogColumn.allCases)
    func everyColumnTakesPartInTheFingerprint(_ column: LogColumn) throws {
        let base = try #require(Self.accepted(try Self.readCSV(Self.cells(), header: LogColumn.allCases).general, "base"))
        let baseFingerprint = DuplicateFilter.fingerprint(base, key: Self.key)
        let emptyToo = !column.isRequired
        for toEmpty in emptyToo ? [false, true] : [false] {
            let cells = Self.cells(changing: column, toEmpty: toEmpty)
            let csv = try Self.readCSV(cells, header: LogColumn.allCases)
            let entry = try #require(Self.accepted(csv.general, "\(column) \(toEmpty)"))
            #expect(entry != base, "\(column) \(toEmpty)")
            let fingerprint = DuplicateFilter.fingerprint(entry, key: Self.key)
            if column == .patientID {
                #expect(entry.patientID != base.patientID)
            } else {
                #expect(fingerprint != baseFingerprint, "\(column) \(toEmpty) is not part of the fingerprint")
            }
            let quick = try #require(csv.quick, "\(column) \(toEmpty): the short way declined")
            #expect(quick.fingerprint == fingerprint, "\(column) \(toEmpty)")
            #expect(quick.contribution == DayContribution(entry), "\(column) \(toEmpty)")
            var expected = entry
            if toEmpty, case .sessionIdentity = column.spec.json {
                // A JSON session without an ID gets one from its date as written.
                expected[text: column] = cells[.date]
            }
            #expect(Self.accepted(try Self.readJSON(cells), "JSON \(column)") == expected, "\(column) \(toEmpty)")
        }
    }

    /// A header may hold any one column besides the two required ones; a bad cell in it is
    /// rejected both ways, naming the column.
    @Test(arguments: LogColumn.allCases.filter { !$0.isRequired && !$0.kind.isText })
    func everyValueColumnRejectsABadCell(_ column: LogColumn) throws {
        var cells = Self.cells()
        cells[column] = "?!"
        let csv = try Self.readCSV(cells, header: [.patientID, .date, column])
        #expect(csv.quick == nil)
        guard case .rejected(let row) = csv.general else {
            Issue.record("\(column): \(csv.general)")
            return
        }
        #expect(row.column == column.name)
        #expect(row.reason.hasPrefix(column.name + " ?!"), "\(row.reason)")
    }

    /// docs/FORMATS.md documents every column of the table in its training-log table.
    @Test func formatsPageListsEveryColumn() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/FORMATS.md"), encoding: .utf8)
        guard let start = page.range(of: "## Training log (CSV)"), let end = page.range(of: "### Dates") else {
            Issue.record("docs/FORMATS.md has no training-log section")
            return
        }
        let section = page[start.upperBound..<end.lowerBound]
        let documented = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { line in
            line.split(separator: "|")[0].split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        #expect(documented == LogColumn.allCases.map(\.name))
    }
}

