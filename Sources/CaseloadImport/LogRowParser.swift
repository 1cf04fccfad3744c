import CaseloadModel
import Foundation

/// What became of one record.
enum RowOutcome: Equatable {
    /// Every cell empty: not a row.
    case blank
    case accepted(LogEntry)
    case rejected(RejectedRow)
}

/// What the general way needs of one column's line in the field table, looked up once (per file,
/// or once for the JSON reader) rather than once a cell.
/// (Its name is looked up only for a reason: holding a `String` would cost a reference count a copy.)
struct ColumnReading: Sendable {
    let column: LogColumn
    let kind: LogValueKind
    let isRequired: Bool
    /// Where its value goes (``CaseloadModel/LogColumn/valueSlot``).
    let slot: Int

    init(_ column: LogColumn) {
        self.column = column
        kind = column.kind
        isRequired = column.isRequired
        slot = column.valueSlot
    }

    var name: String { column.name }

    /// Every column's, in table order.
    static let all: [ColumnReading] = LogColumn.allCases.map(ColumnReading.init)
}

/// A log row being filled cell by cell, shared by the CSV and JSON readers.
struct LogDraft {
    var patientID: String?
    var date: DateCell?
    var entry = LogDraft.blank
    var problems = RowProblems()

    /// The empty row every draft starts from (copied: cheaper than building one per row).
    private static let blank = LogEntry(patientID: "", date: CalendarDate(daysSinceEpoch: 0))

    /// Reads one cell of `column` into the draft by its kind (the field table), or records why it
    /// is invalid.
    /// - Parameters:
    ///   - column: the name used in a rejection (CSV column or JSON path), made only for a bad cell.
    ///   - decodeText: decodes a text cell (the caller counts Windows-1252 fields).
    mutating func read(
        _ field: LogColumn, _ raw: UnsafeBufferPointer<UInt8>, column: @autoclosure () -> String, cells: CellParser,
        ambiguous: inout Bool, decodeText: (UnsafeBufferPointer<UInt8>) -> String
    ) {
        read(ColumnReading.all[field.rawValue], raw, column: column(), cells: cells, ambiguous: &ambiguous, decodeText: decodeText)
    }

    /// As the `LogColumn` overload above, with the column's
    /// table line already looked up (the CSV and JSON readers resolve it once per file).
    mutating func read(
        _ field: ColumnReading, _ raw: UnsafeBufferPointer<UInt8>, column: @autoclosure () -> String, cells: CellParser,
        ambiguous: inout Bool, decodeText: (UnsafeBufferPointer<UInt8>) -> String
    ) {
        func fail(_ reason: String) {
            problems.add(column: column(), value: CellParser.stored(raw), reason: reason)
        }
        let kind = field.kind
        switch kind {
        case .text, .freeText:
            // Text is trimmed; free text is kept as written, and missing when blank.
            let b = kind == .text ? CellParser.trimmed(raw) : raw
            if kind == .text ? b.isEmpty : CellParser.isBlank(b) {
                if field.isRequired { fail("no \(field.name)") }
            } else if field.column == .patientID {
                patientID = decodeText(b)
            } else {
                entry[text: field.column] = decodeText(b)
            }
        case .date:
            if CellParser.isBlank(raw) {
                if field.isRequired { fail("no \(field.name)") }
                return
            }
            // The name is looked up only for an invalid date (read again, with it, for the reason).
            var cell = cells.date(raw, name: "", ambiguous: &ambiguous)
            if case .invalid = cell { cell = cells.date(raw, name: field.name, ambiguous: &ambiguous) }
            readDate(cell, raw, column: column())
        case .count, .amount, .rating, .flag, .category, .readiness:
            switch cells.word(kind, raw, column: field.column) {
            case .missing: if field.isRequired { fail("no \(field.name)") }
            case .value(let word): entry.values.set(word, at: field.slot)
            case .invalid(let reason): fail(reason)
            }
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

/// What one CSV column of a file is to its rows, resolved from the header and the field table
/// once per file, so that no cell looks anything up: one case per kind of cell, carrying where
/// its value goes (the ``CaseloadModel/LogValues`` slot), so the short way dispatches once a cell.
enum ColumnRole: Equatable {
    /// Not a log column (listed in the input's ignored columns).
    case ignored
    /// The patient ID (trimmed text, required).
    case patient
    /// The row's date.
    case date
    /// Trimmed text: its place among ``DuplicateFilter/hashedTextColumns`` and its presence slot.
    case text(index: Int, slot: Int)
    /// Text kept as written.
    case freeText(index: Int, slot: Int)
    /// Values, each with the slot of its word.
    case count(slot: Int)
    case amount(slot: Int)
    case rating(slot: Int)
    case flag(slot: Int)
    case category(slot: Int)
    case readiness(slot: Int)

    /// The role of `column` (from the field table); `nil` is an ignored column.
    init(_ column: LogColumn?) {
        guard let column else {
            self = .ignored
            return
        }
        let slot = column.valueSlot
        switch column.kind {
        case .text, .freeText:
            if column == .patientID {
                self = .patient
            } else if let index = DuplicateFilter.hashedTextColumns.firstIndex(of: column) {
                self = column.kind == .text ? .text(index: index, slot: slot) : .freeText(index: index, slot: slot)
            } else {
                preconditionFailure("text column \(column.name) is not hashed")
            }
        case .date: self = .date
        case .count: self = .count(slot: slot)
        case .amount: self = .amount(slot: slot)
        case .rating: self = .rating(slot: slot)
        case .flag: self = .flag(slot: slot)
        case .category: self = .category(slot: slot)
        case .readiness: self = .readiness(slot: slot)
        }
    }
}

/// Turns CSV records into log rows: validates every cell, rejects a row whole.
///
/// Kept apart from the tokenizer so that either can be tested, fuzzed or run in
/// parallel on its own. Both ways through a row (``parse(_:)`` and
/// ``quickRow(_:patients:newPatients:key:)``) are driven by the field table
/// (``CaseloadModel/LogColumn``), resolved to a ``ColumnRole`` per header column once.
struct LogRowParser {
    let file: String
    let columns: ColumnMap
    /// Per header column, the log column it holds (`nil` when ignored).
    let fields: [LogColumn?]
    /// Per header column, its table line as the general way reads it (`nil` when ignored).
    private let readings: [ColumnReading?]
    /// Per header column, its role.
    let roles: [ColumnRole]
    var cells: CellParser
    var notes = ReadNotes()
    /// Per header column, a cache of the texts it decoded (trimmed text columns repeat: IDs,
    /// sessions, exercise names); `nil` for the others.
    private var textCaches: [TextCache?]
    /// The places among the hashed texts of the columns the day's fold needs.
    private let sessionText = DuplicateFilter.hashedTextColumns.firstIndex(of: .sessionID)
    private let exerciseText = DuplicateFilter.hashedTextColumns.firstIndex(of: .exercise)
    /// The field table's constants the short way needs, looked up once a file, not once a row.
    private let usedWords = LogValues.usedWords
    private let usedBytes = LogValues.usedWords * 8
    private let decimalSlots = LogValues.decimalSlots
    private let hashedTextCount = DuplicateFilter.hashedTextColumns.count
    /// The last date cell read, as bytes, with what `CellParser.date` made of it: a session's
    /// rows carry the same date, so most rows skip the date parsing.
    private var lastDateBytes: [UInt8] = []
    private var lastDate: (cell: Cell<DateCell>, ambiguous: Bool)?

    /// The header names (and synonyms) of the log columns, lower-case, to their raw values.
    private static let lookup: [String: Int] = Dictionary(
        LogColumn.headerNames.map { ($0.name, $0.column.rawValue) }, uniquingKeysWith: { first, _ in first })
    private static let required: [(index: Int, name: String)] = LogColumn.allCases.filter(\.isRequired)
        .map { ($0.rawValue, $0.name) }

    /// Reads the header.
    /// - Throws: ``ImportError`` when `patient_id` or `date` is missing or a name repeats.
    init(header: CSVRecord, file: String, cells: CellParser) throws {
        precondition(ASCIITexts.fits, "more hashed text columns than ASCIITexts.capacity: raise it")
        self.file = file
        self.cells = cells
        columns = try ColumnMap(header: header, file: file, lookup: LogRowParser.lookup, required: LogRowParser.required)
        let fields = columns.known.map { $0.flatMap { LogColumn(rawValue: $0) } }
        self.fields = fields
        roles = fields.map(ColumnRole.init)
        readings = fields.map { $0.map { ColumnReading.all[$0.rawValue] } }
        textCaches = fields.map { $0?.kind == .text ? TextCache() : nil }
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
            guard let field = readings[column] else { continue }
            let raw = column < record.count ? record.field(column) : empty
            var ambiguous = false
            if field.column == .date && !CellParser.isBlank(raw) {
                readDate(raw, into: &draft, ambiguous: &ambiguous)
            } else {
                draft.read(field, raw, column: field.name, cells: cells, ambiguous: &ambiguous) { bytes in
                    let decoded = textCaches[column]?.text(bytes) ?? CellParser.decode(bytes)
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
        draft.readDate(read.cell, raw, column: LogColumn.date.name)
    }

    /// What `CellParser.date` makes of `raw` (a cell that is not blank), through a one-entry cache:
    /// a session's rows carry the same date, so most rows skip the parsing.
    private mutating func cachedDate(_ raw: UnsafeBufferPointer<UInt8>) -> (cell: Cell<DateCell>, ambiguous: Bool) {
        if let lastDate, lastDateBytes.hasSameBytes(as: raw) { return lastDate }
        var ambiguous = false
        let cell = cells.date(raw, name: LogColumn.date.name, ambiguous: &ambiguous)
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
    ///
    /// Each cell goes by its column's ``ColumnRole``: a value through its kind's rule into the
    /// word of its column's slot, a text as bytes, so a column added to the field table is read
    /// here with no edit (a new *kind* adds a role and its rule). The words are written in place,
    /// in scratch memory on the stack, and become a ``CaseloadModel/LogValues`` block once the row
    /// is whole.
    mutating func quickRow(
        _ record: RecordView, patients: inout PatientNumbering, newPatients: inout [String], key: FingerprintKey
    ) -> FoldedRow? {
        guard !record.isUnterminated, record.count == columns.count else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: LogValues.capacity) { words in
            withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<UInt8>.self, capacity: ASCIITexts.capacity) { texts in
                guard let words = words.baseAddress, let texts = texts.baseAddress else { return nil }
                return quickRow(record, words: words, texts: texts, patients: &patients, newPatients: &newPatients, key: key)
            }
        }
    }

    /// ``quickRow(_:patients:newPatients:key:)`` with its scratch memory: `words` has room for
    /// ``CaseloadModel/LogValues/usedWords`` words, `texts` for ``ASCIITexts/capacity`` cells.
    private mutating func quickRow(
        _ record: RecordView, words: UnsafeMutablePointer<UInt64>, texts: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>,
        patients: inout PatientNumbering, newPatients: inout [String], key: FingerprintKey
    ) -> FoldedRow? {
        words.initialize(repeating: 0, count: usedWords)
        var present: UInt64 = 0
        var ascii = ASCIITexts(cells: texts)
        var patient: UnsafeBufferPointer<UInt8>?
        var hasDate = false
        var textBits: UInt8 = 0
        for column in 0..<record.count {
            switch roles[column] {
            case .ignored:
                continue
            case .patient:
                let b = CellParser.trimmed(record.field(column))
                if b.isEmpty { return nil }
                for byte in b { textBits |= byte }
                patient = b
            case .date:
                let raw = record.field(column)
                if CellParser.isBlank(raw) { return nil }
                let read = cachedDate(raw)
                // An ambiguous date is invalid today; were it ever accepted with a warning, the
                // general way must still note it.
                guard !read.ambiguous, case .value(let d) = read.cell else { return nil }
                LogRowParser.put(d.date, at: LogColumn.date.valueSlot, words, &present)
                if let s = d.secondsOfDay { LogRowParser.put(s, at: LogValues.secondsOfDaySlot, words, &present) }
                if let o = d.utcOffsetMinutes { LogRowParser.put(o, at: LogValues.utcOffsetSlot, words, &present) }
                hasDate = true
            case .text(let index, let slot):
                let b = CellParser.trimmed(record.field(column))
                if !b.isEmpty {
                    for byte in b { textBits |= byte }
                    ascii.set(index, b, slot: slot)
                }
            case .freeText(let index, let slot):
                let raw = record.field(column)
                if !CellParser.isBlank(raw) {
                    for byte in raw { textBits |= byte }
                    ascii.set(index, raw, slot: slot)
                }
            case .count(let slot):
                guard LogRowParser.store(
                    cells.nonNegativeInteger(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            case .amount(let slot):
                guard LogRowParser.store(
                    cells.nonNegativeDecimal(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            case .rating(let slot):
                guard LogRowParser.store(cells.rating(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            case .flag(let slot):
                guard LogRowParser.store(cells.boolean(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            case .category(let slot):
                guard LogRowParser.store(cells.category(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            case .readiness(let slot):
                guard LogRowParser.store(
                    cells.readiness(record.field(column), name: "", explain: false), slot, words, &present)
                else { return nil }
            }
        }
        guard textBits < 0x80, let patient, hasDate else { return nil }
        words[0] = present
        let session = sessionText.flatMap { ascii[$0] }
        let sessionHash = present & (1 &<< UInt64(truncatingIfNeeded: LogColumn.readiness.valueSlot)) == 0
            ? 0 : DayContribution.sessionHash(session.map { String(decoding: $0, as: UTF8.self) } ?? "")
        let isCheckIn = exerciseText.map { ascii[$0] == nil } ?? true
        // The contribution first: the fingerprint normalizes the words in place.
        let contribution = DayContribution(words: words, isCheckIn: isCheckIn, sessionHash: sessionHash)
        return FoldedRow(
            patient: patients.number(ascii: patient, newInto: &newPatients),
            fingerprint: DuplicateFilter.fingerprint(
                words: words, usedBytes: usedBytes, decimalSlots: decimalSlots, asciiTexts: ascii,
                textCount: hashedTextCount, key: key),
            contribution: contribution)
    }

    /// Writes `value` at `slot` of `words` and marks it present.
    @inline(__always)
    private static func put<Value: LogWordValue>(
        _ value: Value, at slot: Int, _ words: UnsafeMutablePointer<UInt64>, _ present: inout UInt64
    ) {
        words[slot] = value.logWord
        present |= 1 &<< UInt64(truncatingIfNeeded: slot)
    }

    /// Writes a valid cell's value at `slot` of `words`; false for an invalid cell.
    @inline(__always)
    private static func store<Value: LogWordValue>(
        _ cell: Cell<Value>, _ slot: Int, _ words: UnsafeMutablePointer<UInt64>, _ present: inout UInt64
    ) -> Bool {
        switch cell {
        case .missing: return true
        case .value(let v): put(v, at: slot, words, &present); return true
        case .invalid: return false
        }
    }
}

/// The text cells of a row read the short way, as ASCII bytes, by their place among
/// ``DuplicateFilter/hashedTextColumns``, with the presence bits the fingerprint gives them.
struct ASCIITexts {
    /// Room for the hashed text columns (a test checks they fit).
    static let capacity = 4
    /// Scratch memory for ``capacity`` cells; cell `i` is meaningful only when present.
    private let cells: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>
    /// Bit `i` set when text `i` is present.
    private(set) var present: UInt8 = 0
    /// The presence bits of the present texts at their columns' value slots.
    private(set) var presenceBits: UInt64 = 0

    /// Texts kept in `cells` (room for ``capacity``), none present yet.
    init(cells: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>) {
        self.cells = cells
    }

    /// True when every hashed text column has a place (checked once, by ``LogRowParser``: a fifth
    /// text column in the field table must raise ``capacity`` before any row is read).
    static let fits: Bool = DuplicateFilter.hashedTextColumns.count <= capacity

    @inline(__always)
    mutating func set(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, slot: Int) {
        (cells + index).initialize(to: bytes)
        present |= 1 &<< UInt8(truncatingIfNeeded: index)
        presenceBits |= 1 &<< UInt64(truncatingIfNeeded: slot)
    }

    /// Text `index`, `nil` when missing.
    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<UInt8>? {
        present & (1 &<< UInt8(truncatingIfNeeded: index)) != 0 ? cells[index] : nil
    }
}
