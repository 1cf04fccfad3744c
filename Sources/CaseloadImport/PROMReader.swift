import CaseloadModel

/// Reads a PROM scores CSV (`audit --proms`): one score a line.
///
/// Columns: `patient_id`, `date`, `instrument` (`koos_pf` or `akps`, case-insensitive) and `score`
/// (a number within the instrument's range, 0–100), all required. Same dialect rules as the log.
/// An exact repeat of an accepted line (same patient, date, instrument and score) is a
/// duplicate; a second, different score for the same patient, date and instrument is rejected,
/// naming the first line.
struct PROMRowParser: TableRowParser {
    static let names = ["patient_id", "date", "instrument", "score"]

    let file: String
    let columns: ColumnMap
    var cells: CellParser
    var notes = ReadNotes()
    /// Accepted scores in file order.
    private(set) var scores: [PROMScore] = []
    /// The line of each accepted score, by patient, date and instrument.
    private var lineOf: [Key: (score: Double, line: Int)] = [:]

    private struct Key: Hashable {
        var patientID: String
        var date: CalendarDate
        var instrument: PROMInstrument
    }

    init(header: CSVRecord, file: String, cells: CellParser) throws {
        self.file = file
        self.cells = cells
        columns = try ColumnMap(header: header, file: file, knownNames: PROMRowParser.names, required: PROMRowParser.names)
    }

    mutating func parse(_ record: CSVRecord) -> TableRowOutcome {
        switch record.withView({ columns.shape(of: $0, file: file, patientID: { _ in nil }) }) {
        case .blank: return .blank
        case .rejected(let row): return .rejected(row)
        case .cells(let isShort): if isShort { notes.shortRows += 1 }
        }
        var problems = RowProblems()
        var id: String?, date: CalendarDate?, instrument: PROMInstrument?, score: Double?
        let line = record.line
        record.bytes.withUnsafeBufferPointer { all in
            let empty = UnsafeBufferPointer(rebasing: all[0..<0])
            for column in 0..<columns.count {
                guard let known = columns.known[column] else { continue }
                let name = PROMRowParser.names[known]
                let raw = column < record.count ? UnsafeBufferPointer(rebasing: all[record.range(of: column)]) : empty
                let trimmed = CellParser.trimmed(raw)
                func missing() { problems.add(column: name, value: "", reason: "no \(name)") }
                switch known {
                case 0:
                    if trimmed.isEmpty { missing(); continue }
                    let decoded = CellParser.decode(trimmed)
                    if decoded.wasWindows1252 { notes.noteWindows1252(line: line) }
                    id = decoded.text
                case 1:
                    var ambiguous = false
                    switch cells.date(raw, name: name, ambiguous: &ambiguous) {
                    case .missing: missing()
                    case .value(let d): date = d.date
                    case .invalid(let reason):
                        if ambiguous { notes.noteAmbiguousDate(CellParser.show(trimmed), line: line) }
                        problems.add(column: name, value: CellParser.stored(raw), reason: reason)
                    }
                case 2:
                    if trimmed.isEmpty { missing(); continue }
                    let text = CellParser.decode(trimmed).text.lowercased()
                    if let known = PROMInstrument(rawValue: text) {
                        instrument = known
                    } else {
                        let choices = PROMInstrument.allCases.map(\.rawValue).joined(separator: ", ")
                        problems.add(
                            column: name, value: CellParser.stored(raw),
                            reason: "instrument \(CellParser.show(trimmed)) is not one caseload knows (\(choices))")
                    }
                default:
                    if trimmed.isEmpty { missing(); continue }
                    if let value = cells.number(trimmed) {
                        score = value
                    } else {
                        problems.add(
                            column: name, value: CellParser.stored(raw), reason: "score \(CellParser.show(trimmed)) is not a number")
                    }
                }
            }
        }
        if let instrument, let value = score, !instrument.range.contains(value) {
            problems.add(
                column: "score", value: PlainNumber.text(value),
                reason: "score \(PlainNumber.text(value)) is outside \(instrument.rawValue)'s range 0–100")
        }
        if problems.count > 0 {
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: id, column: problems.column, value: problems.value,
                    reason: problems.fullReason))
        }
        guard let id, let date, let instrument, let score else { return .blank }
        let key = Key(patientID: id, date: date, instrument: instrument)
        if let first = lineOf[key] {
            if first.score == score { return .duplicate(id) }
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: id, column: "score", value: PlainNumber.text(score),
                    reason: "\(id) already has a \(instrument.rawValue) score on \(date) at line \(first.line)"))
        }
        lineOf[key] = (score, line)
        scores.append(PROMScore(patientID: id, date: date, instrument: instrument, score: score))
        return .accepted(id)
    }
}

/// How a number shows in a rejection: as Swift writes it, without a trailing `.0`.
enum PlainNumber {
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// What reading a PROM file gave: its accounting, the accepted scores and the rejected rows.
public struct PROMImport: Sendable {
    /// The file's summary (role ``InputRole/proms``); `rows_read = accepted + rejected + duplicate`.
    public var input: InputSummary
    /// Accepted scores, in file order.
    public var scores: [PROMScore]
    /// Every rejected line, with the reason.
    public var rejected: [RejectedRow]
}

extension CaseloadImporter {
    /// Reads a PROM scores CSV (`patient_id, date, instrument, score`), accounting for every row.
    /// - Throws: ``ImportError`` for a file that cannot be read as CSV, or lacks a required column.
    public func readPROMs(_ path: String) throws -> PROMImport {
        let (summary, parser, rejected) = try readTable(path, role: .proms, as: PROMRowParser.self)
        return PROMImport(input: summary, scores: parser.scores, rejected: rejected)
    }
}
