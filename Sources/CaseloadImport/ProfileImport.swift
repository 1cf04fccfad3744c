import CaseloadModel
import Foundation

/// A workout of one patient, by session ID (its start): its duration counts once.
struct WorkoutKey: Hashable, Sendable {
    var patientSlot: Int
    var session: String
}

/// What the accounting of profiled rows keeps for the whole run.
struct ProfiledLedger: Sendable {
    /// Workouts whose duration a row has already brought in (any file).
    var timedWorkouts: Set<WorkoutKey> = []
}

/// A row's stable fields within its patient, for counting identical sets in one file.
struct SetKey: Hashable, Sendable {
    var patientSlot: Int
    var fingerprint: UInt64
}

extension CaseloadImporter {
    /// Reads a CSV log through a profile: one thread, in file order (exports from other apps are
    /// small), every record accounted for as a caseload CSV's are.
    ///
    /// Workout layouts (the built-in profiles) differ in two ways, both in
    /// ``ImportState/accountWorkoutRow(_:perWorkoutDuration:sets:counts:)``: duplicates are found by
    /// stable fields, and a workout's duration counts once.
    func readProfiledCSV(
        _ path: String, format: LogFormat, reading: ProfileReading, state: inout ImportState
    ) throws -> InputSummary {
        var reader: ProfiledRowReader?
        var counts = RowCounts()
        var sets: [SetKey: Int] = [:]
        let workout = reading.layout.workout
        let info = try streamCSV(path, tabDelimited: format == .tsv, rowsSoFar: { counts.rowsRead }) { record, dialect in
            guard reader != nil else {
                reader = try ProfiledRowReader(
                    header: record, file: path, reading: reading, cells: cellParser(for: dialect.delimiter))
                return
            }
            guard let outcome = record.withView({ view in reader?.read(view) }) else { return }
            if let workout {
                state.accountWorkoutRow(outcome, perWorkoutDuration: workout.durationPerWorkout, sets: &sets, counts: &counts)
            } else {
                state.account(outcome, counts: &counts)
            }
        }
        guard let reader else { throw ImportError(file: path, reason: "the file has no header line") }
        var warnings = reader.notes.warnings
        if case .fixed(let id, let origin) = reading.patient, origin != "--patient" {
            warnings.append("every row is patient \(id), taken from \(origin) (profile \(reading.profile.label))")
        }
        return InputSummary(
            path: path, role: .log, sha256: info.sha256, bytes: info.bytes, format: format.reported,
            dialect: dialectString(info.dialect, windows1252: reader.notes.nonUTF8Fields > 0) + " " + reading.dialectPart,
            counts: counts, warnings: warnings, ignoredColumns: reader.columns.ignoredColumns)
    }

    /// How the first rows of an export read through `profile`, for `caseload profile check`: the
    /// layout that fits, where the patient comes from, the columns mapped and ignored, and each of
    /// the first `limit` rows as the canonical row it gives or the reason it is rejected. Nothing
    /// is accounted or folded; a workout's duration is shown on every row that carries it (a review
    /// counts it once per workout).
    /// - Parameter patient: the `--patient` ID for an export without a patient column.
    /// - Throws: ``ImportError`` when the export cannot be read, or the profile does not fit it or
    ///   cannot find its patient.
    public func preview(_ profile: MappingProfile, export path: String, rows limit: Int, patient: String? = nil) throws
        -> ProfilePreview
    {
        struct Enough: Error {}
        var reader: ProfiledRowReader?
        var rows: [ProfilePreview.Row] = []
        var reading: ProfileReading?
        var dialect: CSVDialect?
        do {
            _ = try streamCSV(path) { record, found in
                guard reader != nil else {
                    dialect = found
                    let header = (0..<record.count).map { i in record.withField(i) { CellParser.decode(CellParser.trimmed($0)).text } }
                    let layout: ProfileLayout
                    switch profile.fit(header) {
                    case .success(let fitting): layout = fitting
                    case .failure(let mismatch):
                        throw ImportError(
                            file: path, line: 1, column: mismatch.column,
                            reason: "profile \(profile.label) does not fit: \(mismatch.reason)")
                    }
                    var chosen = ProfileReading(profile: profile, layout: layout, patient: .column)
                    let patientHeader = layout.header(for: LogColumn.patientID.name).map(MappingProfile.fold)
                    if let patient {
                        chosen.patient = .fixed(patient, origin: "--patient")
                    } else if patientHeader.map({ !header.map(MappingProfile.fold).contains($0) }) ?? true {
                        chosen.patient = try ProfileRouting.patientFromName(path, reading: chosen)
                    }
                    reading = chosen
                    reader = try ProfiledRowReader(
                        header: record, file: path, reading: chosen, cells: cellParser(for: found.delimiter))
                    return
                }
                guard rows.count < limit else { throw Enough() }
                switch record.withView({ view in reader?.read(view) }) {
                case .accepted(let entry): rows.append(ProfilePreview.Row(line: record.line, entry: entry, rejected: nil))
                case .rejected(let row): rows.append(ProfilePreview.Row(line: record.line, entry: nil, rejected: row))
                case .blank, nil: break
                }
            }
        } catch is Enough {}
        guard let reader, let reading, let dialect else {
            throw ImportError(file: path, reason: "the file has no header line")
        }
        let patientSource: String
        switch reading.patient {
        case .column: patientSource = "column '\(reading.layout.header(for: LogColumn.patientID.name) ?? "")'"
        case .fixed(let id, let origin): patientSource = "\(id) (from \(origin))"
        }
        return ProfilePreview(
            profile: reading.profile.label, layout: reading.layout.name, patient: patientSource,
            dialect: dialectString(dialect, windows1252: reader.notes.nonUTF8Fields > 0),
            columns: reader.mapping.map { ProfilePreview.MappedColumn(header: $0.header, canonical: $0.canonical) },
            ignoredColumns: reader.columns.ignoredColumns, rows: rows,
            perWorkoutDuration: reading.layout.workout?.durationPerWorkout ?? false)
    }
}

/// The first rows of an export as a profile reads them (``CaseloadImporter/preview(_:export:rows:patient:)``).
public struct ProfilePreview: Sendable {
    /// An export column and the canonical column(s) it feeds.
    public struct MappedColumn: Sendable, Hashable {
        /// The export's header as written.
        public var header: String
        /// What it feeds: canonical columns, `weight unit` or `workout end`.
        public var canonical: String
    }

    /// One record: the canonical row it gives, or why it is rejected.
    public struct Row: Sendable, Hashable {
        /// The physical line where the record starts.
        public var line: Int
        /// The row read, when accepted.
        public var entry: LogEntry?
        /// The rejection, when rejected.
        public var rejected: RejectedRow?
    }

    /// The profile's label: `'Clinic app v3' (clinic.toml)`, `strong (built-in)`.
    public var profile: String
    /// The layout that fits the export.
    public var layout: String
    /// Where the patient comes from: `column 'Client ref'`, `PFP-014 (from the file name)`.
    public var patient: String
    /// The export's CSV dialect.
    public var dialect: String
    /// The mapped columns, in file order.
    public var columns: [MappedColumn]
    /// The export's columns the profile does not read.
    public var ignoredColumns: [String]
    /// The first rows, in file order (blank lines left out).
    public var rows: [Row]
    /// True when `duration_min` is the workout's, counted once per workout by a review.
    public var perWorkoutDuration: Bool
}

extension ImportState {
    /// Counts one row of a workout layout into its file's counts and folds it in when accepted.
    ///
    /// Duplicates by stable fields: a row is identified by every field of its canonical row but the
    /// duration and the notes (a workout's duration and notes move or change between an app's export
    /// layouts) and by how many identical sets came before it in the same file, never by set order.
    /// So two identical sets of one workout are two rows; a re-export of that workout, with its sets
    /// in any order, gives two duplicates; and a back-filled set is new. With `perWorkoutDuration`
    /// the workout's duration counts once: on the first of its rows the run accepts.
    mutating func accountWorkoutRow(
        _ outcome: RowOutcome, perWorkoutDuration: Bool, sets: inout [SetKey: Int], counts: inout RowCounts
    ) {
        guard case .accepted(var entry) = outcome else {
            account(outcome, counts: &counts)
            return
        }
        recordsSeen += 1
        guard owns(entry.patientID) else { return }
        let slot = builder.patientSlot(for: entry.patientID)
        var identity = entry
        identity.durationMin = nil
        identity.notes = nil
        let key = SetKey(patientSlot: slot, fingerprint: DuplicateFilter.fingerprint(identity, key: DuplicateFilter.processKey))
        let occurrence = sets[key, default: 0] + 1
        sets[key] = occurrence
        // The occurrence goes where no export's text can: a control character starts it.
        identity.notes = "\u{1}set \(occurrence)"
        let fingerprint = DuplicateFilter.fingerprint(identity, key: DuplicateFilter.processKey)
        counts.rowsRead += 1
        guard duplicates.insert(fingerprint, patientSlot: slot) else {
            counts.rowsDuplicate += 1
            return
        }
        if perWorkoutDuration, entry.durationMin != nil,
            !profiled.timedWorkouts.insert(WorkoutKey(patientSlot: slot, session: entry.sessionID ?? "")).inserted
        {
            entry.durationMin = nil
        }
        builder.add(DayContribution(entry), patientSlot: slot)
        counts.rowsAccepted += 1
        if latestDate.map({ entry.date > $0 }) ?? true { latestDate = entry.date }
        onAccepted?(entry)
    }
}
