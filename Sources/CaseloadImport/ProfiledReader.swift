import CaseloadModel
import Foundation

/// Where the rows of a file read through a profile get their patient ID.
enum ProfilePatient: Sendable, Hashable {
    /// The layout's `patient_id` column.
    case column
    /// One ID for every row; `origin` says where it came from (`--patient`, the file name).
    case fixed(String, origin: String)
}

/// How one log file is read through a profile: the profile, the layout that fits the file's
/// header, and where its patient comes from.
struct ProfileReading: Sendable, Hashable {
    var profile: MappingProfile
    var layout: ProfileLayout
    var patient: ProfilePatient

    /// The profile and layout as a dialect string names them: `profile='strong: 2019, …'`.
    var dialectPart: String {
        let name = profile.layouts.count > 1 ? "\(profile.name): \(layout.name)" : profile.name
        return "profile='\(name)'"
    }
}

/// Why a profile does not fit a file's header.
struct ProfileMismatch: Error, Sendable {
    /// What is wrong, naming the column.
    var reason: String
    /// The 1-based column the problem is about, when it is one of the file's.
    var column: Int?
}

extension MappingProfile {
    /// The layout whose mapped headers all appear in `header` (and none of whose excluded headers
    /// does), or why none does (the closest layout's first missing column) or several do.
    /// - Parameter header: the file's header names as written (trimmed).
    func fit(_ header: [String]) -> Result<ProfileLayout, ProfileMismatch> {
        let folded = header.map(MappingProfile.fold)
        let present = Set(folded)
        var fitting: [ProfileLayout] = []
        var closest: (layout: ProfileLayout, missing: [String], excluded: [String])?
        for layout in layouts {
            let missing = layout.requiredHeaders.filter { !present.contains($0) }
            let excluded = folded.filter { layout.excludedHeaders.contains($0) }
            if missing.isEmpty && excluded.isEmpty {
                fitting.append(layout)
            } else if closest.map({ missing.count + excluded.count < $0.missing.count + $0.excluded.count }) ?? true {
                closest = (layout, missing, excluded)
            }
        }
        if fitting.count == 1 { return .success(fitting[0]) }
        if fitting.count > 1 {
            return .failure(ProfileMismatch(
                reason: "the header fits several layouts of \(label) (\(fitting.map { "'\($0.name)'" }.joined(separator: ", ")))"))
        }
        guard let closest else { return .failure(ProfileMismatch(reason: "\(label) has no layout")) }
        let layoutName = layouts.count > 1 ? " (closest layout: '\(closest.layout.name)')" : ""
        if let missing = closest.missing.first {
            let found = header.prefix(8).map { "'\(ColumnMap.short($0))'" }.joined(separator: ", ") + (header.count > 8 ? ", …" : "")
            let more = closest.missing.count > 1 ? " and \(closest.missing.count - 1) more mapped column\(closest.missing.count == 2 ? "" : "s")" : ""
            return .failure(ProfileMismatch(
                reason: "no column '\(closest.layout.displayHeader(missing))' (\(closest.layout.role(ofFolded: missing))) "
                    + "in the header\(more)\(layoutName) (found \(found))"))
        }
        let excluded = closest.excluded[0]
        let index = folded.firstIndex(of: excluded).map { $0 + 1 }
        return .failure(ProfileMismatch(
            reason: "column '\(header[(index ?? 1) - 1])' belongs to another layout than \(label) reads\(layoutName)",
            column: index))
    }
}

extension ProfileLayout {
    /// The header as the profile writes it, for a folded one.
    func displayHeader(_ folded: String) -> String {
        let all = columns.map(\.header) + [workout?.endHeader, workout?.loadUnitHeader].compactMap { $0 }
        return all.first { MappingProfile.fold($0) == folded } ?? folded
    }

    /// What a folded header feeds, for messages: `date`, `load_kg, notes`, `the workout's end`.
    func role(ofFolded folded: String) -> String {
        var roles = columns.filter { MappingProfile.fold($0.header) == folded }.map(\.canonical)
        if let end = workout?.endHeader, MappingProfile.fold(end) == folded { roles.append("the workout's end") }
        if let unit = workout?.loadUnitHeader, MappingProfile.fold(unit) == folded { roles.append("the weight's unit") }
        return roles.joined(separator: ", ")
    }
}

/// Decides, before any row is read, which log files are read through which profile: the seam
/// between the importer's file loop and the profiled reader.
///
/// Only CSV/TSV logs are candidates, and only those not in caseload's own columns (a header with
/// both `patient_id` and `date` is read as caseload's own log). With one profile every candidate is
/// read through it and one that does not fit is an error naming the profile, the file and the
/// column; with several, each file takes the one profile that fits its header, and none or more than
/// one is an error naming the file. `--patient` names the patient of the one profiled file that has
/// no patient column.
struct ProfileRouting: Sendable {
    /// The reading of each profiled file, by path.
    private(set) var readings: [String: ProfileReading] = [:]

    /// No file read through a profile.
    init() {}

    /// Routes the CSV and TSV files among `logs` (by the registry's `kinds`; a path without one by
    /// its extension) with the profiles and `--patient` of `options`.
    /// - Throws: ``ImportError`` naming the file (and profile and column) that no profile fits, that
    ///   several fit, or whose patient cannot be found; or naming `--patient` when it names no file's
    ///   patient or could name several.
    init(logs: [String], kinds: [String: InputKind] = [:], options: ImportOptions) throws {
        let profiles = options.profiles
        guard !profiles.isEmpty else {
            if let patient = options.patient {
                throw ImportError(
                    file: "--patient", reason: "--patient \(patient) names the patient of an export read through a "
                        + "profile; no --profile is given (nor [profile] paths in caseload.toml)")
            }
            return
        }
        var needingPatient: [String] = []
        for path in logs {
            let kind = kinds[path] ?? .log(LogFormat(byExtensionOf: path))
            guard kind == .log(.csv) || kind == .log(.tsv),
                let header = ProfileRouting.header(of: path, tabDelimited: kind == .log(.tsv))
            else { continue }
            let folded = Set(header.map(MappingProfile.fold))
            // Caseload's own layout, by the field table's names and synonyms as the CSV reader finds them.
            let own = Set(header.compactMap { LogColumn.named(MappingProfile.fold($0)) })
            if LogColumn.allCases.filter(\.isRequired).allSatisfy(own.contains) { continue }
            let fits = profiles.map { ($0, $0.fit(header)) }
            let chosen: (MappingProfile, ProfileLayout)
            if profiles.count == 1 {
                switch fits[0].1 {
                case .success(let layout): chosen = (profiles[0], layout)
                case .failure(let mismatch):
                    throw ImportError(
                        file: path, line: 1, column: mismatch.column,
                        reason: "profile \(profiles[0].label) does not fit: \(mismatch.reason)")
                }
            } else {
                let fitting = fits.compactMap { profile, result -> (MappingProfile, ProfileLayout)? in
                    guard case .success(let layout) = result else { return nil }
                    return (profile, layout)
                }
                if fitting.count > 1 {
                    throw ImportError(
                        file: path, line: 1,
                        reason: "several profiles fit this export (\(fitting.map(\.0.label).joined(separator: ", "))): "
                            + "give only the one for this app")
                }
                guard let only = fitting.first else {
                    let why = fits.map { profile, result -> String in
                        guard case .failure(let mismatch) = result else { return profile.label }
                        return "\(profile.label): \(mismatch.reason)"
                    }
                    throw ImportError(
                        file: path, line: 1,
                        reason: "no profile fits this export and it is not in caseload's own columns (no patient_id and date); "
                            + why.joined(separator: "; "))
                }
                chosen = only
            }
            let (profile, layout) = chosen
            let patientHeader = layout.header(for: LogColumn.patientID.name).map(MappingProfile.fold)
            if let patientHeader, folded.contains(patientHeader) {
                readings[path] = ProfileReading(profile: profile, layout: layout, patient: .column)
                continue
            }
            needingPatient.append(path)
            readings[path] = ProfileReading(profile: profile, layout: layout, patient: .column)  // set below
        }
        if let patient = options.patient {
            guard needingPatient.count == 1, let path = needingPatient.first, var reading = readings[path] else {
                throw ImportError(
                    file: "--patient",
                    reason: needingPatient.isEmpty
                        ? "--patient \(patient): no export read through a profile lacks a patient column"
                        : "--patient names the patient of one export, but \(needingPatient.count) exports read through a "
                            + "profile have no patient column (\(needingPatient.prefix(3).joined(separator: ", "))"
                            + "\(needingPatient.count > 3 ? ", …" : "")): name each file by its patient "
                            + "(built-in profiles take the file name) or use [patient] from_filename")
            }
            reading.patient = .fixed(patient, origin: "--patient")
            readings[path] = reading
            return
        }
        for path in needingPatient {
            guard var reading = readings[path] else { continue }
            reading.patient = try ProfileRouting.patientFromName(path, reading: reading)
            readings[path] = reading
        }
    }

    /// The patient a file without a patient column gets from its name.
    static func patientFromName(_ path: String, reading: ProfileReading) throws -> ProfilePatient {
        let layout = reading.layout
        let fileName = (path as NSString).lastPathComponent
        if let pattern = layout.patientFromFilename {
            guard let id = MappingProfile.patient(fromFileName: fileName, pattern: pattern) else {
                throw ImportError(
                    file: path, line: 1,
                    reason: "profile \(reading.profile.label): the file name '\(fileName)' does not match [patient] "
                        + "from_filename '\(pattern)' (and the export has no patient column); rename the file or pass --patient ID")
            }
            return .fixed(id, origin: "the file name")
        }
        if layout.patientFromStem {
            let stem = (fileName as NSString).deletingPathExtension.trimmingSpaces
            guard !stem.isEmpty else {
                throw ImportError(file: path, reason: "the file name gives no patient ID; pass --patient ID")
            }
            return .fixed(stem, origin: "the file name")
        }
        let column = layout.header(for: LogColumn.patientID.name).map { "no column '\($0)' (patient_id)" } ?? "no patient_id column"
        throw ImportError(
            file: path, line: 1,
            reason: "profile \(reading.profile.label): the export has \(column) and the profile has no [patient] "
                + "from_filename; pass --patient ID")
    }

    /// The reading of `path`, or `nil` when it is read as caseload's own format.
    func reading(for path: String) -> ProfileReading? { readings[path] }

    /// The header names of a CSV/TSV file (decoded, trimmed), or `nil` when the file cannot be read
    /// or has no header in its first MiB (its own reading then reports what is wrong).
    /// - Parameter tabDelimited: read as TSV (true) or sniff the delimiter (false); `nil`: by the
    ///   path's extension.
    static func header(of path: String, tabDelimited: Bool? = nil) -> [String]? {
        var reader: FileChunkReader
        do { reader = try FileChunkReader(path: path) } catch { return nil }
        let chunk: UnsafeBufferPointer<UInt8>
        do { chunk = try reader.next() } catch { return nil }
        var body = chunk
        var hasBOM = false
        if body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
            hasBOM = true
            body = UnsafeBufferPointer(rebasing: body[3...])
        }
        guard !body.isEmpty, !body.contains(0), !(body.count >= 2 && (body[0] == 0xFF || body[0] == 0xFE)) else { return nil }
        var dialect = CSVDialect.sniff(body, hasBOM: hasBOM)
        if tabDelimited ?? (InputFormat(path: path) == .tsv) { dialect.delimiter = UInt8(ascii: "\t") }
        var tokenizer = CSVTokenizer(delimiter: dialect.delimiter)
        var header: [String]?
        struct Found: Error {}
        func take(_ record: inout CSVRecord) throws {
            header = (0..<record.count).map { i in record.withField(i) { CellParser.decode(CellParser.trimmed($0)).text } }
            throw Found()
        }
        do {
            try tokenizer.consumeInPlace(body, take)
            if header == nil, chunk.count < FileChunkReader.defaultChunkSize { try tokenizer.finishInPlace(take) }
        } catch {}
        return header
    }
}

/// Reads the records of one file through a profile layout into canonical rows.
///
/// The layer between an export and the canonical log: each export cell the layout maps is turned
/// into the canonical cell (a value map's canonical value, a unit converted, a date read with the
/// profile's format) and read by the canonical cell rules (`LogDraft.read`), so a profiled row is
/// accepted or rejected for the same reasons as a caseload row. A rejected row names the export's
/// line and the export's column header; its value is the export's cell as written.
struct ProfiledRowReader {
    /// One export column feeding one canonical field.
    private struct Feed {
        var field: LogColumn
        var column: Int
        var header: String
        /// The layout's value map for the field, folded export value → canonical value.
        var values: [String: String]?
    }

    let file: String
    let reading: ProfileReading
    let columns: ColumnMap
    var cells: CellParser
    var notes = ReadNotes()
    /// The feeds in export column order (the order "first invalid value" follows).
    private let feeds: [Feed]
    private let patientBytes: [UInt8]?
    private let unitColumn: Int?
    private let endColumn: Int?
    private let isWorkout: Bool

    /// The header's mapped names, in file order, for `profile check`: export header → canonical column(s).
    var mapping: [(header: String, canonical: String)] {
        var out: [(String, String)] = []
        for column in 0..<columns.count {
            let roles = feeds.filter { $0.column == column }.map(\.field.name)
                + (column == unitColumn ? ["weight unit"] : []) + (column == endColumn ? ["workout end"] : [])
            if !roles.isEmpty { out.append((columns.names[column], roles.joined(separator: ", "))) }
        }
        return out
    }

    /// Reads the header.
    /// - Throws: ``ImportError`` for a duplicate column name.
    init(header: CSVRecord, file: String, reading: ProfileReading, cells: CellParser) throws {
        self.file = file
        self.reading = reading
        self.cells = cells
        let layout = reading.layout
        let used = layout.usedHeaders
        columns = try ColumnMap(header: header, file: file, knownNames: used, required: [])
        var feeds: [Feed] = []
        var unitColumn: Int?
        var endColumn: Int?
        for column in 0..<columns.count {
            guard let index = columns.known[column] else { continue }
            let folded = used[index]
            for mapping in layout.columns where MappingProfile.fold(mapping.header) == folded {
                guard let field = LogColumn.allCases.first(where: { $0.name == mapping.canonical }) else { continue }
                if field == .patientID, reading.patient != .column { continue }
                feeds.append(Feed(field: field, column: column, header: columns.names[column], values: layout.values[field.name]))
            }
            if let unit = layout.workout?.loadUnitHeader, MappingProfile.fold(unit) == folded { unitColumn = column }
            if let end = layout.workout?.endHeader, MappingProfile.fold(end) == folded { endColumn = column }
        }
        self.feeds = feeds
        self.unitColumn = unitColumn
        self.endColumn = endColumn
        isWorkout = layout.workout != nil
        if case .fixed(let id, _) = reading.patient { patientBytes = Array(id.utf8) } else { patientBytes = nil }
    }

    /// Reads one record: `.blank` for a blank line, else the accepted or rejected row.
    mutating func read(_ record: RecordView) -> RowOutcome {
        let patientColumn = feeds.first { $0.field == .patientID }?.column
        let guess: (RecordView) -> String? = { record in
            guard let patientColumn, patientColumn < record.count else { return nil }
            let id = CellParser.decode(CellParser.trimmed(record.field(patientColumn))).text
            return id.isEmpty ? nil : id
        }
        switch columns.shape(of: record, file: file, patientID: guess) {
        case .blank: return .blank
        case .rejected(var row):
            if case .fixed(let id, _) = reading.patient { row.patientID = id }
            return .rejected(row)
        case .cells(let isShort): if isShort { notes.shortRows += 1 }
        }
        let line = record.line
        var draft = LogDraft()
        let empty = UnsafeBufferPointer(rebasing: record.bytes[0..<0])
        func raw(_ column: Int) -> UnsafeBufferPointer<UInt8> { column < record.count ? record.field(column) : empty }
        var windows1252Fields = 0
        func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            let decoded = CellParser.decode(bytes)
            if decoded.wasWindows1252 { windows1252Fields += 1 }
            return decoded.text
        }
        defer { for _ in 0..<windows1252Fields { notes.noteWindows1252(line: line) } }
        var ambiguous = false
        if let patientBytes {
            patientBytes.withUnsafeBufferPointer { id in
                draft.read(.patientID, id, column: "patient_id", cells: cells, ambiguous: &ambiguous) { String(decoding: $0, as: UTF8.self) }
            }
        }
        // A per-row weight unit comes first: the weight needs it.
        var factor = reading.layout.loadUnit.kilograms
        if let unitColumn {
            let unit = MappingProfile.fold(decode(CellParser.trimmed(raw(unitColumn))))
            switch unit {
            case "": break
            case "kg", "kgs": factor = 1
            case "lb", "lbs": factor = LoadUnit.kilogramsPerPound
            default:
                draft.fail(
                    column: columns.names[unitColumn], value: CellParser.stored(raw(unitColumn)),
                    reason: "weight unit \(CellParser.show(CellParser.trimmed(raw(unitColumn)))) is not kg or lbs")
            }
        }
        for feed in feeds {
            let cell = raw(feed.column)
            let before = draft.problems.count
            read(feed, cell, factor: factor, into: &draft, decode: decode, ambiguous: &ambiguous)
            if ambiguous {
                notes.noteAmbiguousDate(CellParser.show(CellParser.trimmed(cell)), line: line)
                ambiguous = false
            }
            if before == 0 && draft.problems.count > 0 {
                // The first problem: show the export's value as written, and say when a value map missed it.
                draft.problems.value = CellParser.stored(cell)
                if feed.values != nil, draft.problems.column == feed.header {
                    draft.problems.reason += "; [values.\(feed.field.name)] has no mapping for it"
                }
            }
        }
        if let endColumn { readEnd(raw(endColumn), header: columns.names[endColumn], into: &draft, decode: decode) }
        var outcome = draft.outcome(file: file, line: line)
        if isWorkout, case .accepted(var entry) = outcome {
            // A workout is a session: its start (date and time as read) is the session ID.
            entry.sessionID = ProfiledRowReader.sessionID(date: entry.date, seconds: entry.secondsOfDay)
            outcome = .accepted(entry)
        }
        return outcome
    }

    /// The session ID of a workout that started at `date` and `seconds` after midnight.
    static func sessionID(date: CalendarDate, seconds: Int?) -> String {
        guard let seconds else { return date.isoString }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return date.isoString + "T" + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
    }

    /// Reads one mapped cell into the draft: through the value map, the unit or the date format,
    /// then the canonical rule.
    private mutating func read(
        _ feed: Feed, _ cell: UnsafeBufferPointer<UInt8>, factor: Double, into draft: inout LogDraft,
        decode: (UnsafeBufferPointer<UInt8>) -> String, ambiguous: inout Bool
    ) {
        let layout = reading.layout
        let column = feed.header
        if let values = feed.values, !values.isEmpty, let canonical = values[MappingProfile.fold(CellParser.decode(cell).text)] {
            Array(canonical.utf8).withUnsafeBufferPointer { bytes in
                draft.read(feed.field, bytes, column: column, cells: cells, ambiguous: &ambiguous) { String(decoding: $0, as: UTF8.self) }
            }
            return
        }
        switch feed.field {
        case .loadKg where factor != 1:
            switch cells.nonNegativeDecimal(cell, name: feed.field.name) {
            case .missing: break
            case .value(let v): draft.entry.loadKg = v * factor
            case .invalid(let reason): draft.fail(column: column, value: CellParser.stored(cell), reason: reason)
            }
            return
        case .durationMin where layout.durationUnit != .min:
            if CellParser.isBlank(cell) { return }
            let minutes: Double?
            let reason: String
            switch layout.durationUnit {
            case .hm:
                minutes = ProfileDuration.minutes(hm: decode(CellParser.trimmed(cell)))
                reason = "duration \(CellParser.show(CellParser.trimmed(cell))) is not like 1h 15m, 35m, 45s or 0:25:00"
            case .s, .h, .min:
                switch cells.nonNegativeDecimal(cell, name: feed.field.name) {
                case .missing: return
                case .invalid(let why):
                    minutes = nil
                    reason = why
                case .value(let v):
                    minutes = layout.durationUnit == .s ? v / 60 : layout.durationUnit == .h ? v * 60 : v
                    reason = ""
                }
            }
            if let minutes {
                draft.entry.durationMin = minutes
            } else {
                draft.fail(column: column, value: CellParser.stored(cell), reason: reason)
            }
            return
        case .date where layout.dateFormat != nil && !CellParser.isBlank(cell):
            readDate(cell, column: column, into: &draft, decode: decode, ambiguous: &ambiguous)
            return
        default:
            draft.read(feed.field, cell, column: column, cells: cells, ambiguous: &ambiguous, decodeText: decode)
        }
    }

    /// A date read with the layout's format, else as caseload reads dates (ISO 8601 always).
    private func readDate(
        _ cell: UnsafeBufferPointer<UInt8>, column: String, into draft: inout LogDraft,
        decode: (UnsafeBufferPointer<UInt8>) -> String, ambiguous: inout Bool
    ) {
        switch dateCell(cell, name: LogColumn.date.name, decode: decode, ambiguous: &ambiguous) {
        case .missing: break
        case .value(let v): draft.date = v
        case .invalid(let reason): draft.fail(column: column, value: "", reason: reason)
        }
    }

    /// What a date cell holds under the layout's format (or ISO 8601, or the canonical rules).
    private func dateCell(
        _ cell: UnsafeBufferPointer<UInt8>, name: String, decode: (UnsafeBufferPointer<UInt8>) -> String,
        ambiguous: inout Bool
    ) -> Cell<DateCell> {
        let trimmed = CellParser.trimmed(cell)
        if trimmed.isEmpty { return .missing }
        if let format = reading.layout.dateFormat, let iso = format.isoText(decode(trimmed)) {
            let parts = iso.prefix(10).split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, CalendarDate(year: parts[0], month: parts[1], day: parts[2]) != nil else {
                return .invalid("\(name) \(CellParser.show(trimmed)) does not exist")
            }
            return Array(iso.utf8).withUnsafeBufferPointer { cells.date($0, name: name, ambiguous: &ambiguous) }
        }
        let canonical = cells.date(cell, name: name, ambiguous: &ambiguous)
        if case .invalid = canonical, let format = reading.layout.dateFormat, !ambiguous {
            return .invalid("\(name) \(CellParser.show(trimmed)) does not match '\(format.pattern)' (nor ISO 8601)")
        }
        return canonical
    }

    /// A workout's end: its duration is end − start, in minutes.
    private func readEnd(
        _ cell: UnsafeBufferPointer<UInt8>, header: String, into draft: inout LogDraft,
        decode: (UnsafeBufferPointer<UInt8>) -> String
    ) {
        var ambiguous = false
        switch dateCell(cell, name: header, decode: decode, ambiguous: &ambiguous) {
        case .missing: return
        case .invalid(let reason):
            draft.fail(column: header, value: CellParser.stored(cell), reason: reason)
        case .value(let e):
            guard let start = draft.date, let startSeconds = start.secondsOfDay, let endSeconds = e.secondsOfDay else { return }
            let seconds = (e.date.daysSinceEpoch - start.date.daysSinceEpoch) * 86_400 + endSeconds - startSeconds
            guard seconds >= 0 else {
                draft.fail(
                    column: header, value: CellParser.stored(cell),
                    reason: "the workout ends (\(CellParser.show(CellParser.trimmed(cell)))) before it starts")
                return
            }
            draft.entry.durationMin = Double(seconds) / 60
        }
    }
}
