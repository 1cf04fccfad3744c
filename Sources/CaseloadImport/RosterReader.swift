import CaseloadModel

/// What a line of a small CSV table (``TableRowParser``) came to.
enum TableRowOutcome {
    /// An empty line: not a row.
    case blank
    /// A new line, for the patient with this ID.
    case accepted(String)
    /// An exact repeat of an accepted line of the patient with this ID.
    case duplicate(String)
    case rejected(RejectedRow)
}

/// Reads the lines of a small CSV table after its header: the roster, a PROM file
/// (``CaseloadImporter/readTable(_:role:as:)``).
protocol TableRowParser {
    /// Reads the header; throws ``ImportError`` when a required column is missing.
    init(header: CSVRecord, file: String, cells: CellParser) throws
    /// The header's columns, known and ignored.
    var columns: ColumnMap { get }
    /// File-level notes (Windows-1252 fields, short rows, ambiguous dates).
    var notes: ReadNotes { get }
    /// Reads one line after the header.
    mutating func parse(_ record: CSVRecord) -> TableRowOutcome
}

/// Reads the roster CSV (`--roster`): one line per patient.
///
/// Columns: `patient_id` (required), `clinician`, `display_name`, `program_start`,
/// `sessions_per_week` (decimal > 0 and ≤ 14, default 7), `discharge_date`. Same dialect
/// rules as the log. A second line for a patient is rejected, naming the first line; an
/// exact repeat of the first line is counted as a duplicate.
struct RosterRowParser: TableRowParser {
    static let names = ["patient_id", "clinician", "display_name", "program_start", "sessions_per_week", "discharge_date"]

    let file: String
    let columns: ColumnMap
    var cells: CellParser
    var notes = ReadNotes()
    /// Accepted entries with the line each came from.
    private(set) var entries: [String: (entry: RosterEntry, line: Int)] = [:]

    init(header: CSVRecord, file: String, cells: CellParser) throws {
        self.file = file
        self.cells = cells
        columns = try ColumnMap(header: header, file: file, knownNames: RosterRowParser.names, required: ["patient_id"])
    }

    mutating func parse(_ record: CSVRecord) -> TableRowOutcome {
        switch record.withView({ columns.shape(of: $0, file: file, patientID: { _ in nil }) }) {
        case .blank: return .blank
        case .rejected(let row): return .rejected(row)
        case .cells(let isShort): if isShort { notes.shortRows += 1 }
        }
        var problems = RowProblems()
        var id: String?
        var entry = RosterEntry(patientID: "")
        let line = record.line
        record.bytes.withUnsafeBufferPointer { all in
            let empty = UnsafeBufferPointer(rebasing: all[0..<0])
            for column in 0..<columns.count {
                guard let known = columns.known[column] else { continue }
                let name = RosterRowParser.names[known]
                let raw = column < record.count ? UnsafeBufferPointer(rebasing: all[record.range(of: column)]) : empty
                let trimmed = CellParser.trimmed(raw)
                func text() -> String? {
                    guard !trimmed.isEmpty else { return nil }
                    let decoded = CellParser.decode(trimmed)
                    if decoded.wasWindows1252 { notes.noteWindows1252(line: line) }
                    return decoded.text
                }
                func date() -> CalendarDate? {
                    var ambiguous = false
                    switch cells.date(raw, name: name, ambiguous: &ambiguous) {
                    case .missing: return nil
                    case .value(let d): return d.date
                    case .invalid(let reason):
                        if ambiguous { notes.noteAmbiguousDate(CellParser.show(trimmed), line: line) }
                        problems.add(column: name, value: CellParser.stored(raw), reason: reason)
                        return nil
                    }
                }
                switch known {
                case 0:
                    id = text()
                    if id == nil { problems.add(column: name, value: CellParser.stored(raw), reason: "no patient_id") }
                case 1: entry.clinician = text()
                case 2: entry.displayName = text()
                case 3: entry.programStart = date()
                case 4:
                    switch cells.sessionsPerWeek(raw, name: name) {
                    case .missing: break
                    case .value(let v): entry.sessionsPerWeek = v
                    case .invalid(let reason): problems.add(column: name, value: CellParser.stored(raw), reason: reason)
                    }
                default: entry.dischargeDate = date()
                }
            }
        }
        if problems.count > 0 {
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: id, column: problems.column, value: problems.value,
                    reason: problems.fullReason))
        }
        guard let id else { return .blank }
        entry.patientID = id
        if let first = entries[id] {
            if first.entry == entry { return .duplicate(id) }
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: id, column: "patient_id", value: id,
                    reason: "patient \(id) is already on the roster at line \(first.line)"))
        }
        entries[id] = (entry, line)
        return .accepted(id)
    }
}
