import CaseloadModel
import Foundation

/// The columns of the canonical training log, in their documented order.
enum LogField: Int, CaseIterable, Sendable {
    case patientID, date, sessionID, exercise, category, level, sets, reps, loadKg, durationMin, painDuring, pain
    case swelling, nightPain, readiness, notes

    /// The column name (CSV header) and JSON key.
    var name: String {
        switch self {
        case .patientID: "patient_id"
        case .date: "date"
        case .sessionID: "session_id"
        case .exercise: "exercise"
        case .category: "category"
        case .level: "level"
        case .sets: "sets"
        case .reps: "reps"
        case .loadKg: "load_kg"
        case .durationMin: "duration_min"
        case .painDuring: "pain_during"
        case .pain: "pain"
        case .swelling: "swelling"
        case .nightPain: "night_pain"
        case .readiness: "readiness_test"
        case .notes: "notes"
        }
    }

    static let names = LogField.allCases.map(\.name)
}

/// What became of one record.
enum RowOutcome: Equatable {
    /// Every cell empty: not a row.
    case blank
    case accepted(LogEntry)
    case rejected(RejectedRow)
}

/// A log row being filled cell by cell, shared by the CSV and JSON readers.
struct LogDraft {
    var patientID: String?
    var date: DateCell?
    var entry = LogDraft.blank
    var problems = RowProblems()

    /// The empty row every draft starts from (copied: cheaper than building one per row).
    private static let blank = LogEntry(patientID: "", date: CalendarDate(daysSinceEpoch: 0))

    /// Reads one cell into the draft, or records why it is invalid.
    /// - Parameters:
    ///   - column: the name used in a rejection (CSV column or JSON path), made only for a bad cell.
    ///   - decodeText: decodes a text cell (the caller counts Windows-1252 fields).
    mutating func read(
        _ field: LogField, _ raw: UnsafeBufferPointer<UInt8>, column: @autoclosure () -> String, cells: CellParser,
        ambiguous: inout Bool, decodeText: (UnsafeBufferPointer<UInt8>) -> String
    ) {
        func fail(_ reason: String) {
            problems.add(column: column(), value: CellParser.stored(raw), reason: reason)
        }
        func take<T>(_ cell: Cell<T>, _ assign: (T) -> Void) {
            switch cell {
            case .missing: break
            case .value(let v): assign(v)
            case .invalid(let reason): fail(reason)
            }
        }
        let name = field.name
        switch field {
        case .patientID:
            let b = CellParser.trimmed(raw)
            if b.isEmpty { fail("no patient_id") } else { patientID = decodeText(b) }
        case .date:
            if CellParser.isBlank(raw) { fail("no date"); return }
            readDate(cells.date(raw, name: name, ambiguous: &ambiguous), raw, column: column())
        case .sessionID:
            let b = CellParser.trimmed(raw)
            if !b.isEmpty { entry.sessionID = decodeText(b) }
        case .exercise:
            let b = CellParser.trimmed(raw)
            if !b.isEmpty { entry.exercise = decodeText(b) }
        case .category: take(cells.category(raw, name: name)) { entry.category = $0 }
        case .level: take(cells.nonNegativeInteger(raw, name: name)) { entry.level = $0 }
        case .sets: take(cells.nonNegativeInteger(raw, name: name)) { entry.sets = $0 }
        case .reps: take(cells.nonNegativeInteger(raw, name: name)) { entry.reps = $0 }
        case .loadKg: take(cells.nonNegativeDecimal(raw, name: name)) { entry.loadKg = $0 }
        case .durationMin: take(cells.nonNegativeDecimal(raw, name: name)) { entry.durationMin = $0 }
        case .painDuring: take(cells.rating(raw, name: name)) { entry.painDuring = $0 }
        case .pain: take(cells.rating(raw, name: name)) { entry.pain = $0 }
        case .swelling: take(cells.boolean(raw, name: name)) { entry.swelling = $0 }
        case .nightPain: take(cells.boolean(raw, name: name)) { entry.nightPain = $0 }
        case .readiness: take(cells.readiness(raw, name: name)) { entry.readiness = $0 }
        case .notes: if !CellParser.isBlank(raw) { entry.notes = decodeText(raw) }
        }
    }

    /// Takes the date cell as `CellParser.date` read it from `raw` (a cell that is not blank).
    mutating func readDate(
        _ cell: Cell<DateCell>, _ raw: UnsafeBufferPointer<UInt8>, column: @autoclosure () -> String
    ) {
        switch cell {
        case .missing: break
        case .value(let v): date = v
        case .invalid(let reason): problems.add(column: column(), value: CellParser.stored(raw), reason: reason)
        }
    }

    /// Records a value that is invalid for a reason found outside the cell parsers.
    mutating func fail(column: String, value: String, reason: String) {
        problems.add(column: column, value: value, reason: reason)
    }

    /// The finished row: accepted when every value was valid, else rejected.
    mutating func outcome(file: String, line: Int) -> RowOutcome {
        if problems.count > 0 {
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: patientID, column: problems.column, value: problems.value,
                    reason: problems.fullReason))
        }
        guard let patientID, let date else {
            // Both are checked as cells; reaching here means the caller skipped a required field.
            return .rejected(
                RejectedRow(
                    file: file, line: line, patientID: patientID, column: patientID == nil ? "patient_id" : "date",
                    value: "", reason: patientID == nil ? "no patient_id" : "no date"))
        }
        entry.patientID = patientID
        entry.date = date.date
        entry.secondsOfDay = date.secondsOfDay
        entry.utcOffsetMinutes = date.utcOffsetMinutes
        return .accepted(entry)
    }
}

/// Turns CSV records into log rows: validates every cell, rejects a row whole.
///
/// Kept apart from the tokenizer so that either can be tested, fuzzed or run in
/// parallel on its own.
struct LogRowParser {
    let file: String
    let columns: ColumnMap
    let fields: [LogField?]
    var cells: CellParser
    var notes = ReadNotes()
    private var patientCache = TextCache()
    private var sessionCache = TextCache()
    private var exerciseCache = TextCache()
    /// The last date cell read, as bytes, with what `CellParser.date` made of it: a session's
    /// rows carry the same date, so most rows skip the date parsing.
    private var lastDateBytes: [UInt8] = []
    private var lastDate: (cell: Cell<DateCell>, ambiguous: Bool)?

    /// Reads the header.
    /// - Throws: ``ImportError`` when `patient_id` or `date` is missing or a name repeats.
    init(header: CSVRecord, file: String, cells: CellParser) throws {
        self.file = file
        self.cells = cells
        columns = try ColumnMap(
            header: header, file: file, knownNames: LogField.names, required: ["patient_id", "date"])
        fields = columns.known.map { $0.flatMap { LogField(rawValue: $0) } }
    }

    /// The notes gathered since the last call (the parser starts afresh).
    mutating func takeNotes() -> ReadNotes {
        defer { notes = ReadNotes() }
        return notes
    }

    /// Validates one record, read in place.
    mutating func parse(_ record: RecordView) -> RowOutcome {
        switch columns.shape(of: record, file: file, patientID: { patientIDGuess($0) }) {
        case .blank: return .blank
        case .rejected(let row): return .rejected(row)
        case .cells(let isShort): if isShort { notes.shortRows += 1 }
        }
        var draft = LogDraft()
        let line = record.line
        let empty = UnsafeBufferPointer(rebasing: record.bytes[0..<0])
        for column in 0..<columns.count {
            guard let field = fields[column] else { continue }
            let raw = column < record.count ? record.field(column) : empty
            var ambiguous = false
            if field == .date && !CellParser.isBlank(raw) {
                readDate(raw, into: &draft, ambiguous: &ambiguous)
            } else {
                draft.read(field, raw, column: field.name, cells: cells, ambiguous: &ambiguous) { bytes in
                    let decoded: (text: String, wasWindows1252: Bool)
                    switch field {
                    case .patientID: decoded = patientCache.text(bytes)
                    case .sessionID: decoded = sessionCache.text(bytes)
                    case .exercise: decoded = exerciseCache.text(bytes)
                    default: decoded = CellParser.decode(bytes)
                    }
                    if decoded.wasWindows1252 { notes.noteWindows1252(line: line) }
                    return decoded.text
                }
            }
            if ambiguous { notes.noteAmbiguousDate(CellParser.show(CellParser.trimmed(raw)), line: line) }
        }
        return draft.outcome(file: file, line: line)
    }

    /// Reads a date cell through the one-entry cache (same bytes, same result).
    private mutating func readDate(_ raw: UnsafeBufferPointer<UInt8>, into draft: inout LogDraft, ambiguous: inout Bool) {
        let read = cachedDate(raw)
        ambiguous = read.ambiguous
        draft.readDate(read.cell, raw, column: LogField.date.name)
    }

    /// What `CellParser.date` makes of `raw` (a cell that is not blank), through a one-entry cache:
    /// a session's rows carry the same date, so most rows skip the parsing.
    private mutating func cachedDate(_ raw: UnsafeBufferPointer<UInt8>) -> (cell: Cell<DateCell>, ambiguous: Bool) {
        if let lastDate, lastDateBytes.hasSameBytes(as: raw) { return lastDate }
        var ambiguous = false
        let cell = cells.date(raw, name: LogField.date.name, ambiguous: &ambiguous)
        lastDateBytes.removeAll(keepingCapacity: true)
        lastDateBytes.append(contentsOf: raw)
        lastDate = (cell, ambiguous)
        return (cell, ambiguous)
    }

    private func patientIDGuess(_ record: RecordView) -> String? {
        guard let column = fields.firstIndex(of: .patientID), column < record.count else { return nil }
        let id = CellParser.decode(CellParser.trimmed(record.field(column))).text
        return id.isEmpty ? nil : id
    }
}

extension LogRowParser {
    /// Reads one record into `batch`: an accepted row as a ``FoldedRow`` (its patient numbered by
    /// `patients`, its fingerprint taken with `key`), a rejected row whole, a blank record not at all.
    ///
    /// Most rows take a short way (``quickRow(_:patients:newPatients:key:)``): cells read straight
    /// from their bytes into the fingerprint and the day's contribution, with no ``LogEntry`` (a
    /// `String` is made only for a new patient ID and, to hash it, for the session of a row with a
    /// readiness result). Any row it does not take (a cell to reject, a short or long row, an ambiguous
    /// date, text that is not ASCII) goes through ``parse(_:)``, so every rejection, note and
    /// decoded text is exactly the general path's; the tests check that the two ways agree.
    /// A declined row is read twice (up to the cell that stopped the short way, then whole), which
    /// costs little while such rows are rare, as in every export measured (BENCHMARKS.md).
    /// - Parameter keepEntries: read every row the general way and keep each accepted row in
    ///   `batch.entries` too (for tests).
    mutating func fold(
        _ record: RecordView, into batch: inout FoldedBatch, patients: inout PatientNumbering, key: FingerprintKey,
        keepEntries: Bool = false
    ) {
        if !keepEntries, let row = quickRow(record, patients: &patients, newPatients: &batch.newPatients, key: key) {
            batch.accepted.append(row)
            batch.shortWayRows += 1
            return
        }
        switch parse(record) {
        case .blank: return
        case .rejected(let row): batch.rejected.append(row)
        case .accepted(let entry):
            if keepEntries { batch.entries.append(entry) }
            batch.accepted.append(
                FoldedRow(entry, patient: patients.number(entry.patientID, newInto: &batch.newPatients), key: key))
        }
    }

    /// The row, when it has exactly the header's fields, every cell is valid, its date is not
    /// ambiguous and all its text (patient, session, exercise, notes) is ASCII; `nil` otherwise,
    /// having changed nothing but the parser's caches.
    mutating func quickRow(
        _ record: RecordView, patients: inout PatientNumbering, newPatients: inout [String], key: FingerprintKey
    ) -> FoldedRow? {
        guard !record.isUnterminated, record.count == columns.count else { return nil }
        /// The value of a cell that is valid (`.some(nil)` when missing), `nil` when it is not.
        func valid<T>(_ cell: Cell<T>) -> T?? {
            switch cell {
            case .missing: .some(nil)
            case .value(let v): .some(v)
            case .invalid: nil
            }
        }
        var numbers = RowNumbers()
        var date: DateCell?
        var patient: UnsafeBufferPointer<UInt8>?
        var session: UnsafeBufferPointer<UInt8>?
        var exercise: UnsafeBufferPointer<UInt8>?
        var notes: UnsafeBufferPointer<UInt8>?
        var textBits: UInt8 = 0
        func text(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            for byte in b { textBits |= byte }
            return b
        }
        for column in 0..<record.count {
            guard let field = fields[column] else { continue }
            let raw = record.field(column)
            switch field {
            case .patientID:
                let b = CellParser.trimmed(raw)
                if b.isEmpty { return nil }
                patient = text(b)
            case .date:
                if CellParser.isBlank(raw) { return nil }
                let read = cachedDate(raw)
                // An ambiguous date is invalid today; were it ever accepted with a warning, the
                // general way must still note it.
                guard !read.ambiguous, case .value(let d) = read.cell else { return nil }
                date = d
            case .sessionID:
                let b = CellParser.trimmed(raw)
                if !b.isEmpty { session = text(b) }
            case .exercise:
                let b = CellParser.trimmed(raw)
                if !b.isEmpty { exercise = text(b) }
            case .notes:
                if !CellParser.isBlank(raw) { notes = text(raw) }
            case .category:
                guard let v = valid(cells.category(raw, name: field.name, explain: false)) else { return nil }
                numbers.category = v
            case .level:
                guard let v = valid(cells.nonNegativeInteger(raw, name: field.name, explain: false)) else { return nil }
                numbers.level = v
            case .sets:
                guard let v = valid(cells.nonNegativeInteger(raw, name: field.name, explain: false)) else { return nil }
                numbers.sets = v
            case .reps:
                guard let v = valid(cells.nonNegativeInteger(raw, name: field.name, explain: false)) else { return nil }
                numbers.reps = v
            case .loadKg:
                guard let v = valid(cells.nonNegativeDecimal(raw, name: field.name, explain: false)) else { return nil }
                numbers.loadKg = v
            case .durationMin:
                guard let v = valid(cells.nonNegativeDecimal(raw, name: field.name, explain: false)) else { return nil }
                numbers.durationMin = v
            case .painDuring:
                guard let v = valid(cells.rating(raw, name: field.name, explain: false)) else { return nil }
                numbers.painDuring = v
            case .pain:
                guard let v = valid(cells.rating(raw, name: field.name, explain: false)) else { return nil }
                numbers.pain = v
            case .swelling:
                guard let v = valid(cells.boolean(raw, name: field.name, explain: false)) else { return nil }
                numbers.swelling = v
            case .nightPain:
                guard let v = valid(cells.boolean(raw, name: field.name, explain: false)) else { return nil }
                numbers.nightPain = v
            case .readiness:
                guard let v = valid(cells.readiness(raw, name: field.name, explain: false)) else { return nil }
                numbers.readiness = v
            }
        }
        guard textBits < 0x80, let patient, let date else { return nil }
        numbers.date = date.date
        numbers.secondsOfDay = date.secondsOfDay
        numbers.utcOffsetMinutes = date.utcOffsetMinutes
        let sessionHash = numbers.readiness == nil
            ? 0 : DayContribution.sessionHash(session.map { String(decoding: $0, as: UTF8.self) } ?? "")
        return FoldedRow(
            patient: patients.number(ascii: patient, newInto: &newPatients),
            fingerprint: DuplicateFilter.fingerprint(
                numbers: numbers, asciiSession: session, exercise: exercise, notes: notes, key: key),
            contribution: DayContribution(
                date: date.date, isCheckIn: exercise == nil, durationMin: numbers.durationMin,
                category: numbers.category, level: numbers.level, painDuring: numbers.painDuring, pain: numbers.pain,
                swelling: numbers.swelling, nightPain: numbers.nightPain, readiness: numbers.readiness,
                sessionHash: sessionHash))
    }
}
