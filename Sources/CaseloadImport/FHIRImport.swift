import CaseloadModel
import Foundation

/// What reading one FHIR input gave besides its rows.
struct FHIRFileResult {
    var summary: InputSummary
    /// Roster facts (CarePlan, EpisodeOfCare), first per patient wins.
    var roster: [RosterEntry]
}

extension CaseloadImporter {
    /// The patients, practitioners and care teams of every FHIR input (`kinds`), read before any
    /// row. NDJSON lines are parsed only when they mention one of those resource types.
    /// - Throws: ``ImportError`` for a `.json` FHIR file that is not valid JSON.
    func fhirDirectory(of paths: [String], kinds: [String: FHIRFileKind]) throws -> FHIRDirectory {
        var directory = FHIRDirectory(identifierSystem: options.fhir.patientIdentifierSystem)
        for path in paths {
            switch kinds[path] {
            case .resources?:
                let (bytes, start, _, _) = try readWhole(path)
                var parser = JSONParser(bytes: bytes, start: start)
                do {
                    try parser.parseDocument { directory.collect($0, fullUrl: nil) }
                } catch let error as JSONSyntaxError {
                    throw ImportError(file: path, line: error.line, column: error.column, reason: error.message)
                }
            case .ndjson?:
                let markers: [[UInt8]] = ["\"Patient\"", "\"Practitioner\"", "\"CareTeam\""].map { Array($0.utf8) }
                try FHIRImportBytes.linesHolding(markers, in: path) { bytes, range in
                    var parser = JSONParser(bytes: bytes, start: range.lowerBound, end: range.upperBound)
                    if let node = try? parser.parseValue(depth: 0) { directory.collect(node, fullUrl: nil) }
                }
            default:
                continue
            }
        }
        return directory
    }

    /// The whole file, its first byte after a BOM, its SHA-256 and byte count.
    private func readWhole(_ path: String) throws -> (bytes: [UInt8], start: Int, sha256: String, count: Int) {
        var reader = try FileChunkReader(path: path)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(reader.sizeHint)
        while true {
            let chunk = try reader.next()
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
        }
        guard !bytes.isEmpty else { throw ImportError(file: path, reason: "the file is empty") }
        if bytes.contains(0) {
            throw ImportError(file: path, reason: "the file is binary (it holds NUL bytes), not JSON text")
        }
        return (bytes, bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0, reader.sha256Hex(), reader.bytesRead)
    }

    /// Streams a file line by line in 1 MiB chunks, holding at most one line besides the chunk:
    /// `body` gets a buffer, the line's range in it (without `\r\n`/`\n`) and its 1-based number.
    /// - Returns: the file's SHA-256 and byte count.
    private func forEachLine(
        _ path: String, _ body: ([UInt8], Range<Int>, Int) throws -> Void
    ) throws -> (sha256: String, bytes: Int) {
        var reader = try FileChunkReader(path: path)
        var pending: [UInt8] = []
        var line = 1
        var first = true
        func finish(_ bytes: [UInt8]) throws {
            var end = bytes.count
            if end > 0 && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            var start = 0
            if first {
                first = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
            }
            if bytes[start..<end].contains(0) {
                throw ImportError(file: path, line: line, reason: "the file is binary (it holds NUL bytes), not NDJSON text")
            }
            try body(bytes, start..<max(start, end), line)
            line += 1
        }
        while true {
            let chunk = try reader.next()
            if chunk.isEmpty { break }
            var from = 0
            while let newline = chunk[from...].firstIndex(of: UInt8(ascii: "\n")) {
                pending.append(contentsOf: chunk[from..<newline])
                try finish(pending)
                pending.removeAll(keepingCapacity: true)
                from = newline + 1
            }
            pending.append(contentsOf: chunk[from...])
            progress?(ImportProgress(path: path, bytesRead: reader.bytesRead, rowsRead: 0, isDone: false))
        }
        if !pending.isEmpty { try finish(pending) }
        if reader.bytesRead == 0 { throw ImportError(file: path, reason: "the file is empty") }
        return (reader.sha256Hex(), reader.bytesRead)
    }

    /// Reads one FHIR input into rows (accounted in `state`) and roster facts.
    ///
    /// An NDJSON file is read in rounds on all cores (``readFHIRLines(_:reader:emit:)``); a `.json`
    /// file is parsed whole and its resources converted in order.
    /// - Throws: ``ImportError`` for a `.json` that is not valid JSON, or a file that cannot be read.
    func readFHIR(
        _ path: String, kind: FHIRFileKind, directory: FHIRDirectory, state: inout ImportState,
        batchBytes: Int = CaseloadImporter.fhirBatchBytes, batchesAtOnce: Int = CaseloadImporter.fhirBatchesAtOnce
    ) throws -> FHIRFileResult {
        var counts = RowCounts()
        var reader = FHIRReader(file: path, options: options.fhir, cells: cellParser(for: nil), directory: directory)
        func emit(_ row: FHIRRow) {
            if let key = row.key, !state.fhirResources.insert(key.hashValue).inserted {
                state.accountFHIRDuplicate(patient: row.patientID, counts: &counts)
                return
            }
            switch row.value {
            case .log(let outcome):
                if case .accepted(let entry) = outcome { state.fhirPatients.insert(entry.patientID) }
                state.account(outcome, counts: &counts)
            case .prom(let score, let line, let column):
                state.accountFHIRPROM(score, file: path, line: line, column: column, counts: &counts)
            }
        }
        let sha256: String, bytes: Int
        var invalidLines = 0
        if kind == .ndjson {
            (sha256, bytes, invalidLines) = try readFHIRLines(
                path, reader: &reader, emit: emit, batchBytes: batchBytes, batchesAtOnce: batchesAtOnce)
        } else {
            let whole = try readWhole(path)
            (sha256, bytes) = (whole.sha256, whole.count)
            var parser = JSONParser(bytes: whole.bytes, start: whole.start)
            parser.skipWhitespace()
            // A plain array of resources: each element's path is its index.
            let isArray = !parser.isAtEnd && whole.bytes[parser.index] == UInt8(ascii: "[")
            var element = 0
            do {
                try parser.parseDocument { node in
                    reader.read(node, path: isArray ? "[\(element)]" : "", emit)
                    element += 1
                }
            } catch let error as JSONSyntaxError {
                throw ImportError(file: path, line: error.line, column: error.column, reason: error.message)
            }
        }
        progress?(ImportProgress(path: path, bytesRead: bytes, rowsRead: counts.rowsRead, isDone: true))
        var warnings = reader.allWarnings
        if invalidLines > 0 { warnings.insert("\(invalidLines) lines are not valid JSON", at: 0) }
        let summary = InputSummary(
            path: path, role: .log, sha256: sha256, bytes: bytes, format: .fhir,
            dialect: kind == .ndjson ? "FHIR R4 NDJSON" : "FHIR R4 JSON", counts: counts, warnings: warnings,
            ignoredResources: reader.ignored.map { InputSummary.IgnoredResources(type: $0.type, count: $0.count) })
        return FHIRFileResult(summary: summary, roster: reader.rosterEntries)
    }

    /// Lines of an NDJSON file handed to one core at a time: their bytes end to end, each line's
    /// range in them and its 1-based number.
    struct FHIRLineBatch: Sendable {
        var bytes: [UInt8] = []
        var lines: [(range: Range<Int>, line: Int)] = []
    }

    /// What converting one ``FHIRLineBatch`` gave: every line's actions in order, and how many
    /// lines were not JSON.
    struct FHIRBatchResult {
        var actions: [FHIRAction] = []
        var invalidLines = 0
    }

    /// Bytes of lines a batch gathers before it is handed on, and batches converted at once.
    static let fhirBatchBytes = 256 << 10
    static let fhirBatchesAtOnce = 8

    /// Reads an NDJSON FHIR file: a thread reads it (``forEachLine(_:_:)``, 1 MiB chunks) into
    /// batches of about 256 KiB of lines and converts rounds of up to 8 batches on all cores
    /// (`concurrentMap`: parsing and ``FHIRConverter/convert(_:path:into:)``, the costly part),
    /// while the calling thread applies each round's actions in file order (`reader`'s state and
    /// `emit`'s accounting), so the result is that of one pass. At most two rounds are in memory.
    /// - Returns: the file's SHA-256, byte count and number of lines that are not JSON.
    /// - Throws: ``ImportError`` for a file that cannot be read, is empty or holds NUL bytes.
    func readFHIRLines(
        _ path: String, reader: inout FHIRReader, emit: (FHIRRow) -> Void,
        batchBytes: Int = CaseloadImporter.fhirBatchBytes, batchesAtOnce: Int = CaseloadImporter.fhirBatchesAtOnce
    ) throws -> (sha256: String, bytes: Int, invalidLines: Int) {
        let converter = reader.converter
        let importer = self
        let channel = BatchChannel<[FHIRBatchResult]>(capacity: 1)
        let reading = HandOff<Result<(sha256: String, bytes: Int), any Error>>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var round: [FHIRLineBatch] = []
            var batch = FHIRLineBatch()
            func convertRound() {
                let batches = round
                var results = concurrentMap(count: batches.count) { k in FHIRImportBytes.convert(batches[k], converter) }
                channel.send(&results)
                round.removeAll(keepingCapacity: true)
            }
            reading.value = Result {
                let info = try importer.forEachLine(path) { buffer, range, line in
                    if channel.wasAbandoned { throw ImportError(file: path, reason: "the file was not read to its end") }
                    let start = batch.bytes.count
                    batch.bytes.append(contentsOf: buffer[range])
                    batch.lines.append((start..<batch.bytes.count, line))
                    guard batch.bytes.count >= batchBytes else { return }
                    round.append(batch)
                    batch = FHIRLineBatch()
                    if round.count == batchesAtOnce { convertRound() }
                }
                if !batch.lines.isEmpty { round.append(batch) }
                if !round.isEmpty { convertRound() }
                return info
            }
            channel.finish()
            done.signal()
        }
        thread.start()
        var invalid = 0
        while var results = channel.receive() {
            for result in results {
                invalid += result.invalidLines
                for action in result.actions { reader.apply(action, emit) }
            }
            channel.recycle(&results)
        }
        done.wait()
        guard let outcome = reading.value else {
            throw ImportError(file: path, reason: "a reading thread ended without a result")
        }
        let info = try outcome.get()
        return (info.sha256, info.bytes, invalid)
    }

    /// The summary of an input that holds no rows and is skipped (a manifest, an export log).
    func skippedInput(_ path: String, kind: FHIRFileKind, allPaths: [String]) throws -> InputSummary {
        var reader = try FileChunkReader(path: path)
        while try !reader.next().isEmpty {}
        var warnings: [String]
        let format: InputFormat
        switch kind {
        case .reportManifest:
            format = .json
            warnings = ["skipped: the manifest.json of a caseload report, not a log"]
        case .bulkLog:
            format = .fhir
            warnings = ["skipped: a FHIR Bulk Data export log, not data"]
        case .bulkManifest(let outputs):
            format = .fhir
            let folder = (path as NSString).deletingLastPathComponent
            warnings = ["FHIR Bulk Data manifest listing \(outputs.count) files"]
            for output in outputs {
                let listed = folder.isEmpty ? output.file : folder + "/" + output.file
                if !allPaths.contains(listed) {
                    warnings.append("the manifest lists \(output.file) (\(output.type)), which is not among the inputs")
                }
            }
        case .resources, .ndjson:
            format = .fhir
            warnings = []
        }
        return InputSummary(
            path: path, role: .log, sha256: reader.sha256Hex(), bytes: reader.bytesRead, format: format,
            dialect: nil, warnings: warnings)
    }
}

enum FHIRImportBytes {
    /// The offset of the first `marker` in `raw[from..<end]`: `memchr` for its second byte (a
    /// letter, much rarer in JSON than the opening quote), then a `memcmp` of the whole marker.
    static func find(_ marker: [UInt8], in raw: UnsafeRawBufferPointer, from: Int, end: Int) -> Int? {
        guard let base = raw.baseAddress, marker.count >= 2 else { return nil }
        var next = from + 1
        while next < end {
            guard let hit = memchr(base + next, Int32(marker[1]), end - next) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit)) - 1
            if at + marker.count <= end, marker.withUnsafeBytes({ m in m.baseAddress.map { memcmp(base + at, $0, marker.count) } ?? 1 }) == 0 {
                return at
            }
            next = at + 2
        }
        return nil
    }

    /// Calls `body` with every line of the file at `path` that holds one of `markers`, in file
    /// order, each once (its buffer and the line's range in it, without the newline).
    ///
    /// For the directory's pass over NDJSON files, which must find the few Patient, Practitioner
    /// and CareTeam lines among millions of Observations: the whole lines of each 1 MiB chunk are
    /// searched for each marker with ``find(_:in:from:end:)`` (no line is split or copied, and a
    /// line is parsed only when it holds a marker), and nothing is hashed or checked for NUL bytes
    /// (the reading pass hashes the file and reports what is wrong with it).
    /// - Throws: ``ImportError`` when the file cannot be opened or read.
    static func linesHolding(
        _ markers: [[UInt8]], in path: String, _ body: ([UInt8], Range<Int>) -> Void
    ) throws {
        guard let file = fopen(path, "rb") else {
            throw ImportError(file: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        let chunk = 1 << 20
        var window: [UInt8] = []  // an unfinished line carried over, then the chunk read
        var atEnd = false
        var first = true
        while !atEnd {
            let kept = window.count
            window.append(contentsOf: repeatElement(0, count: chunk))
            let count = window.withUnsafeMutableBytes { raw in raw.baseAddress.map { fread($0 + kept, 1, chunk, file) } ?? 0 }
            if count == 0, ferror(file) != 0 {
                throw ImportError(file: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            window.removeLast(chunk - count)
            atEnd = count == 0
            if first {
                first = false
                if window.starts(with: [0xEF, 0xBB, 0xBF]) { window.removeFirst(3) }
            }
            // Whole lines only, unless the file has ended. The kept tail holds no newline, so only
            // the bytes just read are searched (a very long line is not rescanned chunk after chunk).
            let end = atEnd ? window.count : (window[kept...].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)
            guard end > 0 else { continue }
            var starts: Set<Int> = []
            var lines: [Range<Int>] = []
            window.withUnsafeBytes { raw in
                for marker in markers {
                    var from = 0
                    while from < end, let at = find(marker, in: raw, from: from, end: end) {
                        var start = at
                        while start > 0 && raw[start - 1] != UInt8(ascii: "\n") { start -= 1 }
                        var stop = at
                        while stop < end && raw[stop] != UInt8(ascii: "\n") { stop += 1 }
                        if starts.insert(start).inserted { lines.append(start..<stop) }
                        from = stop + 1
                    }
                }
            }
            for line in lines.sorted(by: { $0.lowerBound < $1.lowerBound }) { body(window, line) }
            window.removeFirst(end)
        }
    }

    /// Parses and converts every line of `batch` (blank lines skipped; a line that is not one JSON
    /// value becomes a rejected row with its line).
    static func convert(_ batch: CaseloadImporter.FHIRLineBatch, _ converter: FHIRConverter) -> CaseloadImporter.FHIRBatchResult {
        var result = CaseloadImporter.FHIRBatchResult()
        for (range, line) in batch.lines {
            var parser = JSONParser(bytes: batch.bytes, start: range.lowerBound, end: range.upperBound, line: line)
            parser.skipWhitespace()
            if parser.isAtEnd { continue }
            do {
                let node = try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                guard parser.isAtEnd else {
                    throw JSONSyntaxError(line: line, column: parser.column, message: "more than one JSON value on the line")
                }
                converter.convert(node, path: "", into: &result.actions)
            } catch let error as JSONSyntaxError {
                result.invalidLines += 1
                result.actions.append(.row(FHIRRow(key: nil, outcome: .rejected(RejectedRow(
                    file: converter.file, line: line, patientID: nil, column: "",
                    value: Array(batch.bytes[range]).withUnsafeBufferPointer { CellParser.stored($0) },
                    reason: "the line is not valid JSON: \(error.message) (column \(error.column))")))))
            } catch {
                preconditionFailure("JSONParser throws only JSONSyntaxError: \(error)")
            }
        }
        return result
    }

}

/// Roster facts from FHIR inputs, merged into the run's roster after every file is read: the
/// `--roster` file wins fact by fact (a fact it leaves empty is taken from FHIR), and where both
/// give a fact and they differ, the FHIR input that gave it gets a warning naming the patient.
struct FHIRRosterMerge {
    private var entries: [String: (entry: RosterEntry, input: Int?)] = [:]
    private var order: [String] = []

    /// Takes in one input's facts (index `input` in the run's inputs); the first input per patient wins.
    mutating func add(_ facts: [RosterEntry], input: Int) {
        for entry in facts where entries[entry.patientID] == nil {
            entries[entry.patientID] = (entry, input)
            order.append(entry.patientID)
        }
    }

    /// Adds the display names of Patient resources (for `patients` only).
    mutating func addNames(_ patients: [FHIRDirectory.PatientInfo], for included: Set<String>) {
        for patient in patients where included.contains(patient.id) {
            guard let name = patient.name else { continue }
            if var known = entries[patient.id] {
                if known.entry.displayName == nil { known.entry.displayName = name }
                entries[patient.id] = known
            } else {
                entries[patient.id] = (RosterEntry(patientID: patient.id, displayName: name), nil)
                order.append(patient.id)
            }
        }
    }

    /// The patients with FHIR roster facts or names, in the order first seen.
    var patientIDs: [String] { order }

    /// Merges the `owned` patients' facts into `result.roster` (the others' names go to
    /// `result.otherDisplayNames`), warning on `result.inputs` where the roster file disagrees.
    func merge(into result: inout ImportResult, owned: Set<String>) {
        for id in order {
            guard let (fhir, input) = entries[id] else { continue }
            guard owned.contains(id) else {
                if let name = fhir.displayName { result.otherDisplayNames.insert(name) }
                continue
            }
            guard var listed = result.roster[id] else {
                result.roster[id] = fhir
                continue
            }
            var differ: [String] = []
            func pick<T: Equatable>(_ csv: T?, _ other: T?, _ name: String, _ set: (T) -> Void) {
                guard let other else { return }
                guard let csv else { return set(other) }
                if csv != other { differ.append(name) }
            }
            pick(listed.clinician, fhir.clinician, "clinician") { listed.clinician = $0 }
            pick(listed.programStart, fhir.programStart, "program_start") { listed.programStart = $0 }
            pick(listed.dischargeDate, fhir.dischargeDate, "discharge_date") { listed.dischargeDate = $0 }
            if fhir.sessionsPerWeek != RosterEntry.defaultSessionsPerWeek {
                if listed.sessionsPerWeek == RosterEntry.defaultSessionsPerWeek {
                    listed.sessionsPerWeek = fhir.sessionsPerWeek
                } else if listed.sessionsPerWeek != fhir.sessionsPerWeek {
                    differ.append("sessions_per_week")
                }
            }
            if listed.displayName == nil, let name = fhir.displayName { listed.displayName = name }
            result.roster[id] = listed
            if !differ.isEmpty, let input {
                result.inputs[input].warnings.append(
                    "patient \(id): the roster file's \(differ.joined(separator: ", ")) is used, not this file's")
            }
        }
    }
}

/// PROM scores read from FHIR inputs so far, and the first score of each patient, date and
/// instrument (a later, different one is rejected naming it, as in a PROM file).
struct FHIRPROMs {
    /// Accepted scores of the patients kept, in file order.
    var scores: [PROMScore] = []
    /// Every patient's first score per date and instrument, kept or not (so that a sharded run
    /// rejects what a whole run rejects).
    var first: [Key: (score: Double, file: String, line: Int)] = [:]

    struct Key: Hashable {
        var patientID: String
        var date: CalendarDate
        var instrument: PROMInstrument
    }
}

extension ImportState {
    /// Counts a FHIR row resource that repeats one already read (same type, id and version), when
    /// its patient (or, without one, rows without a patient) is kept.
    mutating func accountFHIRDuplicate(patient: String?, counts: inout RowCounts) {
        recordsSeen += 1
        guard patient.map({ owns($0) }) ?? ownsUnnamed else { return }
        counts.rowsDuplicate += 1
        counts.rowsRead += 1
    }

    /// Counts a PROM score read from FHIR: accepted; a duplicate when the patient already has the
    /// same score for that date and instrument; rejected when they have another one.
    mutating func accountFHIRPROM(_ score: PROMScore, file: String, line: Int, column: String, counts: inout RowCounts) {
        recordsSeen += 1
        let key = FHIRPROMs.Key(patientID: score.patientID, date: score.date, instrument: score.instrument)
        if let first = fhirPROMs.first[key] {
            if first.score == score.score {
                guard owns(score.patientID) else { return }
                counts.rowsDuplicate += 1
            } else {
                let place = (first.file == file ? "" : first.file + " ") + "line \(first.line)"
                let row = RejectedRow(
                    file: file, line: line, patientID: score.patientID, column: column, value: PlainNumber.text(score.score),
                    reason: "\(score.patientID) already has a \(score.instrument.rawValue) score on \(score.date) at \(place)")
                guard keepRejected(row) else { return }
                counts.rowsRejected += 1
            }
            counts.rowsRead += 1
            return
        }
        fhirPROMs.first[key] = (score.score, file, line)
        guard owns(score.patientID) else { return }
        fhirPROMs.scores.append(score)
        counts.rowsAccepted += 1
        counts.rowsRead += 1
    }
}
