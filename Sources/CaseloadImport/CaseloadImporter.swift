import CaseloadModel
import Foundation

/// Everything an import run produced: the folded log, the roster and the accounting.
public struct ImportResult: Sendable {
    /// Every accepted log row, folded in.
    public var builder: CaseloadBuilder
    /// Roster entries by patient ID: the roster file's, plus patient details found in
    /// JSON logs for patients the roster file does not list (empty without either).
    public var roster: [String: RosterEntry]
    /// The roster first (role `.roster`) when given, then the log files in the order read.
    public var inputs: [InputSummary]
    /// Rejected rows, in file order, then line order.
    public var rejected: [RejectedRow]
    /// The sum of every input's counts (the roster's rows included).
    public var totals: RowCounts
    /// The latest accepted log date (the default as-of date), `nil` when none was accepted.
    public var latestDate: CalendarDate?
    /// Accepted PROM scores (``adding(_:)`` a PROM file), in file order.
    public var proms: [PROMScore] = []
    /// How many CSV rows were read the short way (`LogRowParser.quickRow`), for tests and benchmarks.
    var shortWayRows = 0
    /// Per input (aligned with ``inputs``), the rows read in the whole file, whoever owns them: the
    /// file's `rowsRead` in a run that keeps every patient. With a ``PatientSelection`` the owned
    /// rows are a part of it, and a sharded run's shards must add up to it.
    public var recordsSeen: [Int] = []
    /// Per rejected row (aligned with ``rejected``), its position among the rejected rows of the
    /// whole run in a run that keeps every patient (0-based), so that shards' rows can be put back
    /// in the run's order.
    public var rejectedOrdinals: [Int] = []
    /// Patients met in the inputs but not kept (``PatientSelection``): their IDs and roster
    /// display names, which pseudonymisation must know to word and check every output as a run
    /// that keeps everyone would.
    var otherPatientIDs: Set<String> = []
    var otherDisplayNames: Set<String> = []

    /// Creates a result; the importer fills one in, tests and tools may build their own.
    public init(
        builder: CaseloadBuilder = CaseloadBuilder(), roster: [String: RosterEntry] = [:], inputs: [InputSummary] = [],
        rejected: [RejectedRow] = [], totals: RowCounts = RowCounts(), latestDate: CalendarDate? = nil
    ) {
        self.builder = builder
        self.roster = roster
        self.inputs = inputs
        self.rejected = rejected
        self.totals = totals
        self.latestDate = latestDate
    }
}

extension ImportResult {
    /// This result with a PROM file's scores, summary (after the other inputs), rejected rows and
    /// counts (in ``totals``) added.
    public func adding(_ proms: PROMImport) -> ImportResult {
        var out = self
        out.proms += proms.scores
        out.inputs.append(proms.input)
        out.rejected += proms.rejected
        out.totals.rowsRead += proms.input.counts.rowsRead
        out.totals.rowsAccepted += proms.input.counts.rowsAccepted
        out.totals.rowsRejected += proms.input.counts.rowsRejected
        out.totals.rowsDuplicate += proms.input.counts.rowsDuplicate
        return out
    }
}

/// Reads training logs (CSV, TSV, JSON, NDJSON) and a roster into the canonical model.
///
/// Bad rows are rejected and counted, never fatal; duplicate rows (across all files, in
/// the order given) are dropped and counted. For every input and in total,
/// `rowsRead == rowsAccepted + rowsRejected + rowsDuplicate`.
public struct CaseloadImporter: Sendable {
    /// How cells are read (date order).
    public var options: ImportOptions
    /// Called after each chunk (1 MiB) of a log or roster file is consumed, and once when the
    /// file is done, never per row; `nil` (the default) costs nothing. The CLI draws its
    /// progress bar from it. For a CSV log the chunk reports come from the importer's reading
    /// thread and the last one from the calling thread, never two at once.
    public var progress: (@Sendable (ImportProgress) -> Void)?

    /// Creates an importer with `options`.
    public init(options: ImportOptions = ImportOptions()) {
        self.options = options
    }

    /// Reads the roster (when given) and then every log file in order.
    /// - Parameters:
    ///   - logs: log files, in the order to read them (see ``discoverInputs(_:excluding:)``).
    ///   - roster: the roster CSV, or `nil`.
    /// - Returns: the folded rows, the roster, per-file summaries and every rejected row.
    /// - Throws: ``ImportError`` when a file cannot be read at all (missing, empty,
    ///   binary, no `patient_id`/`date` column, duplicate column names, invalid JSON).
    /// - Complexity: O(total bytes); memory grows with patients × days and the number of
    ///   distinct rows (11 to 21 bytes each for duplicate detection), not with file size.
    public func run(logs: [String], roster: String?) throws -> ImportResult {
        try run(logs: logs, roster: roster, onAccepted: nil)
    }

    /// As ``run(logs:roster:)``, also handing every accepted row to `onAccepted` (for tests). With
    /// a hook, CSV rows are all read the general way (`LogRowParser.parse`, every row a
    /// ``CaseloadModel/LogEntry``) and a JSON array in one pass, not on all cores
    /// (`JSONArrayReading`), so that the tests can compare those ways with the usual ones.
    func run(logs: [String], roster: String?, onAccepted: ((LogEntry) -> Void)?) throws -> ImportResult {
        try run(logs: logs, roster: roster, selection: nil, onAccepted: onAccepted)
    }

    /// As ``run(logs:roster:)``, keeping only the rows and roster lines of the patients `selection`
    /// owns (one shard of a sharded run). Every record is still read, parsed and checked, so file
    /// errors, dialects, warnings and ignored columns are those of a run that keeps everyone; a
    /// record is counted (read, accepted, rejected or duplicate) only by the selection that owns its
    /// patient, and one without a patient ID by the selection that owns `nil`. The result's
    /// ``ImportResult/recordsSeen`` and ``ImportResult/rejectedOrdinals`` say where the kept part
    /// stands in the whole.
    public func run(logs: [String], roster: String?, selection: PatientSelection?) throws -> ImportResult {
        try run(logs: logs, roster: roster, selection: selection, onAccepted: nil)
    }

    private func run(
        logs: [String], roster: String?, selection: PatientSelection?, onAccepted: ((LogEntry) -> Void)?
    ) throws -> ImportResult {
        var state = ImportState()
        state.onAccepted = onAccepted
        state.selection = selection
        var result = ImportResult()
        if let roster {
            let before = state.recordsSeen
            let (summary, entries) = try readRoster(roster, state: &state)
            result.inputs.append(summary)
            result.recordsSeen.append(state.recordsSeen - before)
            for (id, entry) in entries {
                if state.owns(id) {
                    result.roster[id] = entry
                } else if let name = entry.displayName {
                    result.otherDisplayNames.insert(name)
                }
            }
        }
        var jsonRoster: [String: RosterEntry] = [:]
        // The registry names each input's format (by --format, content or extension); FHIR
        // inputs' patients are gathered before any row is read.
        let kinds = try FormatRegistry.classify(logs, choices: options.formats)
        var fhirKinds: [String: FHIRFileKind] = [:]
        for (path, kind) in kinds {
            if case .log(let format) = kind, format == .fhirJSON || format == .fhirNDJSON {
                fhirKinds[path] = format == .fhirNDJSON ? .ndjson : .resources
            }
        }
        let directory = try fhirDirectory(of: logs, kinds: fhirKinds)
        // Other apps' CSV exports are matched to their mapping profiles before any row is read.
        let profiled = try ProfileRouting(logs: logs, kinds: kinds, options: options)
        var fhirRoster = FHIRRosterMerge()
        for path in logs {
            let before = state.recordsSeen
            let kind = kinds[path] ?? .log(LogFormat(byExtensionOf: path))
            let reader = kind.reader(directory: directory, allPaths: logs, profile: profiled.reading(for: path))
            let reading = try reader.read(path, importer: self, state: &state)
            switch reading.roster {
            case .none: break
            case .wholeWhenUnlisted(let entries):
                for (id, entry) in entries where jsonRoster[id] == nil { jsonRoster[id] = entry }
            case .factByFact(let facts):
                fhirRoster.add(facts, input: result.inputs.count)
            }
            result.inputs.append(reading.summary)
            result.recordsSeen.append(state.recordsSeen - before)
        }
        fhirRoster.addNames(directory.patientOrder, for: state.fhirPatients)
        var fhirOwned: Set<String> = []
        for id in fhirRoster.patientIDs where state.owns(id) { fhirOwned.insert(id) }
        fhirRoster.merge(into: &result, owned: fhirOwned)
        for (id, entry) in jsonRoster where result.roster[id] == nil {
            if state.owns(id) {
                result.roster[id] = entry
            } else if let name = entry.displayName {
                result.otherDisplayNames.insert(name)
            }
        }
        result.builder = state.builder
        result.rejected = state.rejected
        result.rejectedOrdinals = state.rejectedOrdinals
        result.latestDate = state.latestDate
        result.proms = state.fhirPROMs.scores
        result.shortWayRows = state.shortWayRows
        result.otherPatientIDs = Set(state.ownership.lazy.filter { !$0.value }.map(\.key))
        result.totals = result.inputs.reduce(RowCounts()) { $0 + $1.counts }
        state = ImportState()
        releaseFreedMemory()
        return result
    }

    /// Hands the memory freed by the import (the duplicate table, row batches, every row's
    /// strings) back to the system, so the stages after it do not start from a swollen heap.
    /// glibc keeps freed blocks for reuse otherwise: 75 MB of peak RSS on a 1 M-row log.
    /// (`malloc_trim` is looked up at run time: Swift's Glibc module does not export `malloc.h`.)
    private func releaseFreedMemory() {
        #if os(Linux)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    // MARK: CSV

    /// Opens a CSV file, checks its first bytes, sniffs the dialect and streams records.
    /// With `reportsDone` false the caller sends the last progress report (with its own row count).
    /// - Parameter tabDelimited: read as TSV (true) or sniff the delimiter (false); `nil`: by the
    ///   path's extension.
    func streamCSV(
        _ path: String, tabDelimited: Bool? = nil, rowsSoFar: () -> Int = { 0 }, reportsDone: Bool = true,
        _ onRecord: (inout CSVRecord, CSVDialect) throws -> Void
    ) throws -> (dialect: CSVDialect, sha256: String, bytes: Int) {
        var reader = try FileChunkReader(path: path)
        var chunk = try reader.next()
        guard chunk.count > 0 else { throw ImportError(file: path, reason: "the file is empty") }
        var hasBOM = false
        if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
            hasBOM = true
            chunk = UnsafeBufferPointer(rebasing: chunk[3...])
        } else if chunk.count >= 2 && ((chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF)) {
            throw ImportError(file: path, line: 1, reason: "the file is UTF-16; save it as UTF-8 CSV")
        }
        if chunk.contains(0) {
            throw ImportError(file: path, reason: "the file is binary (it holds NUL bytes), not CSV text")
        }
        var dialect = CSVDialect.sniff(chunk, hasBOM: hasBOM)
        if tabDelimited ?? (InputFormat(path: path) == .tsv) { dialect.delimiter = UInt8(ascii: "\t") }
        var tokenizer = CSVTokenizer(delimiter: dialect.delimiter)
        let found = dialect
        func emit(_ record: inout CSVRecord) throws { try onRecord(&record, found) }
        try tokenizer.consumeInPlace(chunk, emit)
        while true {
            progress?(ImportProgress(path: path, bytesRead: reader.bytesRead, rowsRead: rowsSoFar(), isDone: false))
            let next = try reader.next()
            if next.isEmpty { break }
            try tokenizer.consumeInPlace(next, emit)
        }
        try tokenizer.finishInPlace(emit)
        if reportsDone {
            progress?(ImportProgress(path: path, bytesRead: reader.bytesRead, rowsRead: rowsSoFar(), isDone: true))
        }
        return (dialect, reader.sha256Hex(), reader.bytesRead)
    }

    func dialectString(_ dialect: CSVDialect, windows1252: Bool) -> String {
        let encoding = (dialect.hasBOM ? "UTF-8+BOM" : "UTF-8") + (windows1252 ? "+Windows-1252" : "")
        return "delimiter=\(dialect.delimiterName) encoding=\(encoding) newline=\(dialect.newline)"
    }

    func cellParser(for delimiter: UInt8?) -> CellParser {
        CellParser(dateOrder: options.dateOrder, decimalComma: delimiter == UInt8(ascii: ";"))
    }

    /// Records (or rows) per batch handed from one stage of the CSV pipeline to the next.
    static let pipelineBatchSize = 2048

    /// Reads a CSV log in stages on their own threads, joined by bounded ``BatchChannel``s:
    /// a reading thread (file, SHA-256, tokenizer) hands batches of records alternately to two
    /// parsing threads, and the calling thread takes their batches back in the same alternation
    /// (so batch by batch in file order) for the accounting. A parsing thread validates each row
    /// (`LogRowParser.fold`: plain rows the short way, the rest through `parse`) and reduces an
    /// accepted one to a ``FoldedRow``: its patient numbered by the thread, its duplicate
    /// fingerprint, its day's contribution. The calling thread maps the numbers to the builder's
    /// patient slots, keeps or drops each accepted row by its fingerprint (in file order, so the
    /// first copy of a duplicate is the one kept) and folds it in, then files the batch's
    /// rejected rows (in file order among themselves). Validation is the costliest stage
    /// (BENCHMARKS.md), so it runs twice over; the result is the same as one thread's.
    ///
    /// Both parsers read the header (the reader sends it to each first); each batch's file
    /// notes (Windows-1252 fields, short rows, ambiguous dates) travel with its rows and are
    /// merged in file order, so the warnings are the same as one parser's.
    /// - Parameter format: ``LogFormat/csv`` or ``LogFormat/tsv`` (tab-delimited whatever the extension).
    func readCSVLog(_ path: String, format: LogFormat, state: inout ImportState) throws -> InputSummary {
        typealias ReadInfo = (dialect: CSVDialect, sha256: String, bytes: Int)
        // Two parsing lanes: with one, validation was the critical path (ingest 0.59 s best of 4
        // on the medium caseload, against 0.52 s with two; BENCHMARKS.md).
        let lanes = 2
        let records = (0..<lanes).map { _ in BatchChannel<RecordBatch>(capacity: 3) }
        let outcomes = (0..<lanes).map { _ in BatchChannel<FoldedBatch>(capacity: 3) }
        let dialect = HandOff<CSVDialect>()
        let accounted = SharedCount()
        let reading = HandOff<Result<ReadInfo, any Error>>()
        let parsing = (0..<lanes).map { _ in HandOff<Result<LogRowParser, any Error>>() }
        let stagesDone = DispatchSemaphore(value: 0)
        let importer = self
        let batchSize = CaseloadImporter.pipelineBatchSize
        let keepEntries = state.onAccepted != nil

        let reader = Thread {
            reading.value = Result {
                var batch = RecordBatch()
                var lane = 0
                var sawHeader = false
                let info = try importer.streamCSV(
                    path, tabDelimited: format == .tsv, rowsSoFar: { accounted.value }, reportsDone: false
                ) {
                    record, found in
                    guard sawHeader else {
                        // Written before the header is sent; the channel's lock orders the reads.
                        dialect.value = found
                        sawHeader = true
                        for channel in records {
                            var header = RecordBatch()
                            header.append(record)
                            channel.send(&header)
                        }
                        return
                    }
                    batch.take(&record)
                    if batch.count == batchSize {
                        records[lane].send(&batch)
                        if records[lane].wasAbandoned { throw PipelineAbandoned() }
                        lane = (lane + 1) % lanes
                    }
                }
                if !batch.isEmpty { records[lane].send(&batch) }
                return info
            }
            for channel in records { channel.finish() }
            stagesDone.signal()
        }
        let parsers = (0..<lanes).map { lane in
            Thread {
                parsing[lane].value = Result {
                    // The first batch on each lane holds only the header.
                    guard var first = records[lane].receive() else {
                        throw ImportError(file: path, reason: "the file has no header line")
                    }
                    var header = CSVRecord()
                    first.unpack(0, into: &header)
                    records[lane].recycle(&first)
                    var parser = try LogRowParser(
                        header: header, file: path, cells: importer.cellParser(for: dialect.value?.delimiter))
                    var parsed = FoldedBatch()
                    var patients = PatientNumbering()
                    let key = DuplicateFilter.processKey
                    while var batch = records[lane].receive() {
                        batch.forEachView { _, view in  // read where it lies
                            parser.fold(view, into: &parsed, patients: &patients, key: key, keepEntries: keepEntries)
                        }
                        records[lane].recycle(&batch)
                        parsed.notes = parser.takeNotes()
                        outcomes[lane].send(&parsed)
                    }
                    return parser
                }
                if case .failure = parsing[lane].value { records[lane].abandon() }
                outcomes[lane].finish()
                stagesDone.signal()
            }
        }
        reader.start()
        for thread in parsers { thread.start() }
        var counts = RowCounts()
        var notes = ReadNotes()
        var lane = 0
        // Per lane, the builder's patient slot of each of the lane's patient numbers.
        var patientSlots = [[Int]](repeating: [], count: lanes)
        while var parsed = outcomes[lane].receive() {
            let before = counts.rowsRead
            state.account(parsed, patientSlots: &patientSlots[lane], counts: &counts)
            notes.append(parsed.notes)
            accounted.add(counts.rowsRead - before)
            outcomes[lane].recycle(&parsed)
            lane = (lane + 1) % lanes
        }
        // After a failure a lane may still hold batches: drain them so every thread can finish.
        for channel in outcomes { while channel.receive() != nil {} }
        for _ in 0...lanes { stagesDone.wait() }
        guard let read = reading.value else {
            throw ImportError(file: path, reason: "a reading thread ended without a result")
        }
        let parsed = try parsing.map { lane -> Result<LogRowParser, any Error> in
            guard let result = lane.value else {
                throw ImportError(file: path, reason: "a parsing thread ended without a result")
            }
            return result
        }
        // Once the header was read, a parser's failure is the header's (both parsers read the same
        // one): it is the first thing wrong with the file, whatever the reading met after it. Before
        // that, the reading stage's failure (unreadable, empty, binary file) explains the parsers'.
        if dialect.value != nil {
            for result in parsed { _ = try result.get() }
        }
        let info: ReadInfo
        do {
            info = try read.get()
        } catch is PipelineAbandoned {
            throw ImportError(file: path, reason: "the file was not read to its end")
        }
        let rowParser = try parsed[0].get()
        for result in parsed.dropFirst() { _ = try result.get() }
        progress?(ImportProgress(path: path, bytesRead: info.bytes, rowsRead: counts.rowsRead, isDone: true))
        return InputSummary(
            path: path, role: .log, sha256: info.sha256, bytes: info.bytes, format: format.reported,
            dialect: dialectString(info.dialect, windows1252: notes.nonUTF8Fields > 0), counts: counts,
            warnings: notes.warnings, ignoredColumns: rowParser.columns.ignoredColumns)
    }

    private func readRoster(_ path: String, state: inout ImportState) throws -> (InputSummary, [String: RosterEntry]) {
        // A sharded run keeps only the lines of the patients it owns (``ImportState/owns(_:)``),
        // counting every line it sees.
        // `keepRejected` files the kept rejected lines in the state itself.
        let (summary, parser, _) = try readTable(
            path, role: .roster, as: RosterRowParser.self, seen: { state.recordsSeen += 1 },
            owns: { state.owns($0) }, keepRejected: { state.keepRejected($0) })
        return (summary, parser.entries.mapValues(\.entry))
    }

    /// Reads a small CSV table (the roster, a PROM file) line by line through `Parser`, accounting
    /// for every line: accepted, rejected (with the reason) or duplicate; blank lines are not rows.
    /// - Parameters:
    ///   - seen: called for every line that is a row, kept or not.
    ///   - owns: whether a line of this patient is kept (all, unless the run is one shard of many).
    ///   - keepRejected: whether a rejected line is kept (likewise).
    /// - Returns: the file's summary, the parser (holding what it accepted) and the rejected rows kept.
    /// - Throws: ``ImportError`` for a file that cannot be read as CSV or has no header line.
    func readTable<Parser: TableRowParser>(
        _ path: String, role: InputRole, as _: Parser.Type, seen: () -> Void = {},
        owns: (String) -> Bool = { _ in true }, keepRejected: (RejectedRow) -> Bool = { _ in true }
    ) throws -> (InputSummary, Parser, [RejectedRow]) {
        var parser: Parser?
        var counts = RowCounts()
        var rejected: [RejectedRow] = []
        let info = try streamCSV(path, rowsSoFar: { counts.rowsRead }) { record, dialect in
            guard parser != nil else {
                parser = try Parser(header: record, file: path, cells: cellParser(for: dialect.delimiter))
                return
            }
            switch parser?.parse(record) {
            case .blank, nil: return
            case .accepted(let id):
                seen()
                guard owns(id) else { return }
                counts.rowsAccepted += 1
            case .duplicate(let id):
                seen()
                guard owns(id) else { return }
                counts.rowsDuplicate += 1
            case .rejected(let row):
                seen()
                guard keepRejected(row) else { return }
                counts.rowsRejected += 1
                rejected.append(row)
            }
            counts.rowsRead += 1
        }
        guard let parser else { throw ImportError(file: path, reason: "the file has no header line") }
        let summary = InputSummary(
            path: path, role: role, sha256: info.sha256, bytes: info.bytes, format: InputFormat(path: path),
            dialect: dialectString(info.dialect, windows1252: parser.notes.nonUTF8Fields > 0), counts: counts,
            warnings: parser.notes.warnings, ignoredColumns: parser.columns.ignoredColumns)
        return (summary, parser, rejected)
    }

    // MARK: JSON

    /// Reads a caseload JSON (`format` ``LogFormat/caseloadJSON``) or NDJSON
    /// (``LogFormat/caseloadNDJSON``) log; returns its summary and the patient details it holds.
    /// A JSON array is read in windows on all cores (`JSONArrayReading.readFile`), never held whole:
    /// a shard's memory then follows the rounds in flight and the patients it keeps, not the file.
    /// Anything else (an NDJSON file, a single object, a file with a fault) is read whole in one pass
    /// (``readWholeJSONLog(_:format:state:reportsProgress:)``), which also words and places every
    /// error; so does the test hook (`state.onAccepted`), the reference the tests compare the usual
    /// reading with.
    func readJSONLog(
        _ path: String, format logFormat: LogFormat, state: inout ImportState
    ) throws -> (InputSummary, [String: RosterEntry]) {
        guard logFormat == .caseloadJSON, state.onAccepted == nil else {
            return try readWholeJSONLog(path, format: logFormat, state: &state)
        }
        var counts = RowCounts()
        var json = JSONLogReader(file: path, cells: cellParser(for: nil))
        let report = progress.map { report in
            { @Sendable (bytes: Int) in report(ImportProgress(path: path, bytesRead: bytes, rowsRead: 0, isDone: false)) }
        }
        let outcome = try JSONArrayReading.readFile(path, into: &json, progress: report) {
            state.account($0, counts: &counts)
        }
        switch outcome {
        case .read(let sha256, let size, _):
            progress?(ImportProgress(path: path, bytesRead: size, rowsRead: counts.rowsRead, isDone: true))
            var warnings = json.notes.warnings
            warnings.append(contentsOf: json.warnings)
            let summary = InputSummary(
                path: path, role: .log, sha256: sha256, bytes: size, format: logFormat.reported, dialect: nil, counts: counts,
                warnings: warnings, ignoredColumns: json.ignoredKeys)
            return (summary, json.roster)
        case .notAnArray:
            // Nothing was read yet.
            return try readWholeJSONLog(path, format: logFormat, state: &state)
        case .failed(let fault):
            // The fault, worded and placed as one pass over the file finds it (the first one in the
            // file, which an element parser may word otherwise); the rows read so far go with the
            // error.
            var discarded = ImportState()
            _ = try readWholeJSONLog(path, format: logFormat, state: &discarded, reportsProgress: false)
            assertionFailure("the windowed reading failed but one pass read the file: \(fault)")
            throw ImportError(file: path, line: fault.line, column: fault.column, reason: fault.message)
        }
    }

    /// Reads a `.json` or `.ndjson` log held whole, in one pass (an NDJSON file line by line).
    private func readWholeJSONLog(
        _ path: String, format logFormat: LogFormat, state: inout ImportState, reportsProgress: Bool = true
    ) throws -> (InputSummary, [String: RosterEntry]) {
        let progress = reportsProgress ? progress : nil
        var reader = try FileChunkReader(path: path)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(reader.sizeHint)
        while true {
            let chunk = try reader.next()
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
            progress?(ImportProgress(path: path, bytesRead: reader.bytesRead, rowsRead: 0, isDone: false))
        }
        guard !bytes.isEmpty else { throw ImportError(file: path, reason: "the file is empty") }
        let format = logFormat.reported
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes.contains(0) {
            throw ImportError(file: path, reason: "the file is binary (it holds NUL bytes), not JSON text")
        }
        var counts = RowCounts()
        var json = JSONLogReader(file: path, cells: cellParser(for: nil))
        func emit(_ outcome: RowOutcome) { state.account(outcome, counts: &counts) }
        do {
            if format == .ndjson {
                var parsedAny = false
                var firstError: JSONSyntaxError?
                var lineStart = start
                var lineNumber = 1
                while lineStart < bytes.count {
                    let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                    defer {
                        lineStart = lineEnd + 1
                        lineNumber += 1
                    }
                    var lineParser = JSONParser(bytes: bytes, start: lineStart, end: lineEnd, line: lineNumber)
                    lineParser.skipWhitespace()
                    if lineParser.isAtEnd { continue }
                    do {
                        let node = try lineParser.parseValue(depth: 0)
                        lineParser.skipWhitespace()
                        guard lineParser.isAtEnd else {
                            throw JSONSyntaxError(
                                line: lineNumber, column: lineParser.column, message: "more than one JSON value on the line")
                        }
                        parsedAny = true
                        json.read(node, emit)
                    } catch let error as JSONSyntaxError {
                        if firstError == nil { firstError = error }
                        emit(.rejected(RejectedRow(
                            file: path, line: lineNumber, patientID: nil, column: "",
                            value: Array(bytes[lineStart..<lineEnd]).withUnsafeBufferPointer { CellParser.stored($0) },
                            reason: "the line is not valid JSON: \(error.message) (column \(error.column))")))
                    }
                }
                if !parsedAny, let firstError { throw firstError }
            } else {
                var parser = JSONParser(bytes: bytes, start: start)
                try parser.parseDocument { node in json.read(node, emit) }
            }
        } catch let error as JSONSyntaxError {
            throw ImportError(file: path, line: error.line, column: error.column, reason: error.message)
        }
        progress?(ImportProgress(path: path, bytesRead: reader.bytesRead, rowsRead: counts.rowsRead, isDone: true))
        var warnings = json.notes.warnings
        warnings.append(contentsOf: json.warnings)
        let summary = InputSummary(
            path: path, role: .log, sha256: reader.sha256Hex(), bytes: reader.bytesRead, format: format,
            dialect: nil, counts: counts, warnings: warnings, ignoredColumns: json.ignoredKeys)
        return (summary, json.roster)
    }
}

/// Thrown inside the reading stage when the parsing stage gave up, to stop reading early.
private struct PipelineAbandoned: Error {}

/// How far the importer has read one file, reported through ``CaseloadImporter/progress``.
public struct ImportProgress: Sendable, Hashable {
    /// The file being read.
    public var path: String
    /// Bytes of the file read so far.
    public var bytesRead: Int
    /// Data rows read so far (header excluded; JSON files report rows only when done).
    public var rowsRead: Int
    /// True on the last report for the file.
    public var isDone: Bool

    /// Creates a progress report.
    public init(path: String, bytesRead: Int, rowsRead: Int, isDone: Bool) {
        self.path = path
        self.bytesRead = bytesRead
        self.rowsRead = rowsRead
        self.isDone = isDone
    }
}

/// Which patients' rows an import keeps: one shard of a sharded run
/// (``CaseloadImporter/run(logs:roster:selection:)``).
public struct PatientSelection: Sendable {
    /// True for the patient IDs whose rows are kept; `nil` stands for rows without a patient ID
    /// (and records too broken to name one). Called once per distinct ID on the accounting thread.
    public var owns: @Sendable (String?) -> Bool

    /// A selection deciding by `owns`.
    public init(owns: @escaping @Sendable (String?) -> Bool) {
        self.owns = owns
    }

    /// The patients of shard `index` of `count` under ``CaseloadModel/ShardFunction``: by their ID,
    /// or by `naming(ID)` (their pseudonym) when given; rows without a patient belong to shard 0.
    public static func shard(
        _ index: Int, of count: Int, naming: (@Sendable (String) -> String)? = nil
    ) -> PatientSelection {
        PatientSelection { id in
            ShardFunction.shard(of: id.map { naming?($0) ?? $0 }, count: count) == index
        }
    }
}

/// What an import run accumulates across files.
struct ImportState {
    var builder = CaseloadBuilder()
    var duplicates = DuplicateFilter()
    var rejected: [RejectedRow] = []
    /// The position of each of ``rejected`` among all the rejected rows met (kept or not).
    var rejectedOrdinals: [Int] = []
    /// Rejected rows met so far, kept or not.
    var rejectedSeen = 0
    /// Rows met so far (not blank), kept or not.
    var recordsSeen = 0
    /// The patients kept; `nil` keeps everyone.
    var selection: PatientSelection?
    /// The selection's answer for each patient ID met.
    var ownership: [String: Bool] = [:]
    /// The selection's answer for rows without a patient ID.
    lazy var ownsUnnamed: Bool = selection?.owns(nil) ?? true

    /// True when rows of the patient `id` are kept.
    mutating func owns(_ id: String) -> Bool {
        guard let selection else { return true }
        if let known = ownership[id] { return known }
        let owned = selection.owns(id)
        ownership[id] = owned
        return owned
    }

    /// Files a rejected row when its patient (or, without one, rows without a patient) is kept.
    /// - Returns: true when kept.
    mutating func keepRejected(_ row: RejectedRow) -> Bool {
        defer { rejectedSeen += 1 }
        let kept = row.patientID.map { owns($0) } ?? ownsUnnamed
        if kept {
            rejected.append(row)
            rejectedOrdinals.append(rejectedSeen)
        }
        return kept
    }
    var latestDate: CalendarDate?
    /// Called with every accepted row that is not a duplicate (tests only).
    var onAccepted: ((LogEntry) -> Void)?
    /// CSV rows read the short way so far.
    var shortWayRows = 0
    /// FHIR row resources seen so far: the 64-bit hash of `type/id/versionId` (8 bytes a resource,
    /// not the key; two keys share a hash with probability about n²/2⁶⁵ for n resources).
    var fhirResources: Set<Int> = []
    /// Patients with an accepted FHIR row (only they get a roster entry from their Patient resource).
    var fhirPatients: Set<String> = []
    /// What the accounting of rows read through mapping profiles keeps across files.
    var profiled = ProfiledLedger()
    /// PROM scores read from FHIR inputs (`FHIRImport.swift`).
    var fhirPROMs = FHIRPROMs()

    /// Counts one row outcome into its file's counts and folds accepted rows in.
    mutating func account(_ outcome: RowOutcome, counts: inout RowCounts) {
        switch outcome {
        case .blank:
            return
        case .accepted(let entry):
            recordsSeen += 1
            guard owns(entry.patientID) else { return }
            let slot = builder.patientSlot(for: entry.patientID)
            let row = FoldedRow(entry, patient: slot, key: DuplicateFilter.processKey)
            if accept(row.fingerprint, row.contribution, patientSlot: slot, counts: &counts) { onAccepted?(entry) }
        case .rejected(let row):
            recordsSeen += 1
            guard keepRejected(row) else { return }
            counts.rowsRejected += 1
        }
        counts.rowsRead += 1
    }

    /// Counts a parsing thread's batch into its file's counts and folds its accepted rows in, in
    /// order. `patientSlots` maps the thread's patient numbers to the builder's slots; the batch's
    /// new patients are added to it first.
    mutating func account(_ batch: FoldedBatch, patientSlots: inout [Int], counts: inout RowCounts) {
        // A patient the selection does not keep gets no slot (-1): the builder never sees it.
        for id in batch.newPatients { patientSlots.append(owns(id) ? builder.patientSlot(for: id) : -1) }
        shortWayRows += batch.shortWayRows
        recordsSeen += batch.accepted.count + batch.rejected.count
        for (index, row) in batch.accepted.enumerated() {
            let slot = patientSlots[row.patient]
            guard slot >= 0 else { continue }
            let isNew = accept(row.fingerprint, row.contribution, patientSlot: slot, counts: &counts)
            if isNew, let onAccepted { onAccepted(batch.entries[index]) }
            counts.rowsRead += 1
        }
        if selection == nil {
            rejectedOrdinals.append(contentsOf: rejectedSeen..<(rejectedSeen + batch.rejected.count))
            rejectedSeen += batch.rejected.count
            rejected.append(contentsOf: batch.rejected)
            counts.rowsRejected += batch.rejected.count
            counts.rowsRead += batch.rejected.count
        } else {
            for row in batch.rejected where keepRejected(row) {
                counts.rowsRejected += 1
                counts.rowsRead += 1
            }
        }
    }

    /// Folds in an accepted row unless its patient had one with the same fingerprint (then it is a
    /// duplicate); does not count it as read.
    /// - Returns: `false` for a duplicate.
    private mutating func accept(
        _ fingerprint: UInt64, _ contribution: DayContribution, patientSlot: Int, counts: inout RowCounts
    ) -> Bool {
        guard duplicates.insert(fingerprint, patientSlot: patientSlot) else {
            counts.rowsDuplicate += 1
            return false
        }
        builder.add(contribution, patientSlot: patientSlot)
        counts.rowsAccepted += 1
        if latestDate.map({ contribution.date > $0 }) ?? true { latestDate = contribution.date }
        return true
    }
}

extension InputFormat {
    /// The format a path's extension names (case-insensitive; ``LogFormat/init(byExtensionOf:)``):
    /// anything else reads as CSV.
    init(path: String) {
        self = LogFormat(byExtensionOf: path).reported
    }
}
