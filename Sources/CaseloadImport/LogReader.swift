import CaseloadModel

/// One input format's reader: the one design every log format follows.
///
/// A reader turns one file into canonical rows and roster facts. Every record it finds goes to the
/// run's accounting (``ImportState``): an accepted row as a ``CaseloadModel/LogEntry`` (or, from
/// the CSV pipeline, a ``FoldedRow`` with its fingerprint and day contribution), a rejected one as
/// a ``CaseloadModel/RejectedRow`` with its position (file, line, and column or JSON path) and
/// reason, a repeated one as a duplicate, so that `rows_read = accepted + rejected + duplicate`.
/// Cells are read by the field table (``CaseloadModel/LogColumn``) through ``LogDraft`` or
/// ``LogRowParser``, so every reader applies the same rules and words the same reasons.
/// A file that cannot be read at all throws ``ImportError``.
///
/// The readers: ``CSVLogReader`` (CSV and TSV), ``ProfiledCSVLogReader`` (another app's CSV or TSV
/// export read through a mapping profile), ``CaseloadJSONLogReader`` (caseload JSON and
/// NDJSON), ``FHIRLogReader`` (FHIR R4 JSON and NDJSON) and ``SkippedInputReader`` (files that
/// hold no rows). ``InputKind/reader(directory:allPaths:profile:)`` picks one per input (the registry).
protocol LogReader {
    /// Reads the file at `path`, accounting every record in `state`.
    /// - Parameter importer: the run's options, progress callback and cell rules.
    /// - Returns: the file's summary and the roster facts it holds.
    /// - Throws: ``ImportError`` when the file cannot be read at all.
    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading
}

/// What reading one input gave besides its rows (which went to the accounting).
struct LogReading {
    /// The input's identity, format, dialect, counts, warnings and ignored columns or resources.
    var summary: InputSummary
    /// The roster facts the input holds.
    var roster: RosterFacts = .none
}

/// Roster facts a log input holds, and how they meet the `--roster` file's (docs/FORMATS.md).
enum RosterFacts {
    case none
    /// Patient details of caseload JSON: an entry counts whole, for a patient the roster file does
    /// not list; between inputs the first one wins.
    case wholeWhenUnlisted([String: RosterEntry])
    /// FHIR CarePlan and EpisodeOfCare facts, in the order first seen: merged fact by fact, the
    /// roster file winning, with a warning on this input where the two differ.
    case factByFact([RosterEntry])
}

/// CSV and TSV logs: the streaming pipeline of ``CaseloadImporter`` (tokenizer, two parsing
/// lanes through ``LogRowParser``, accounting in file order).
struct CSVLogReader: LogReader {
    /// `.csv` (delimiter sniffed) or `.tsv` (tab).
    var format: LogFormat

    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading {
        LogReading(summary: try importer.readCSVLog(path, format: format, state: &state))
    }
}

/// Another app's CSV or TSV export read through a mapping profile (``ProfileRouting`` chose the
/// profile by the file's header): the export's cells are mapped to canonical ones, then read by the
/// field table's rules like any CSV row.
struct ProfiledCSVLogReader: LogReader {
    /// `.csv` (delimiter sniffed) or `.tsv` (tab).
    var format: LogFormat
    /// The profile and the layout it found in the file's header.
    let reading: ProfileReading

    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading {
        LogReading(summary: try importer.readProfiledCSV(path, format: format, reading: reading, state: &state))
    }
}

/// Caseload JSON and NDJSON logs (``JSONLogReader`` per patient object); their `patient`
/// objects are roster facts.
struct CaseloadJSONLogReader: LogReader {
    /// ``LogFormat/caseloadJSON`` or ``LogFormat/caseloadNDJSON``.
    var format: LogFormat

    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading {
        let (summary, roster) = try importer.readJSONLog(path, format: format, state: &state)
        return LogReading(summary: summary, roster: .wholeWhenUnlisted(roster))
    }
}

/// FHIR R4 inputs (``FHIRReader`` per resource), with the run's ``FHIRDirectory`` of patients,
/// practitioners and care teams gathered beforehand; CarePlans and EpisodeOfCares are roster facts.
struct FHIRLogReader: LogReader {
    /// ``LogFormat/fhirJSON`` or ``LogFormat/fhirNDJSON``.
    var format: LogFormat
    let directory: FHIRDirectory

    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading {
        let read = try importer.readFHIR(
            path, kind: format == .fhirNDJSON ? .ndjson : .resources, directory: directory, state: &state)
        return LogReading(summary: read.summary, roster: .factByFact(read.roster))
    }
}

/// Inputs that hold no rows (a caseload report's own `manifest.json`, a FHIR Bulk Data manifest or
/// export log): listed with 0 rows and a note saying what they are.
struct SkippedInputReader: LogReader {
    let kind: FHIRFileKind
    /// Every log input of the run (a Bulk Data manifest notes the files it lists that are not among them).
    let allPaths: [String]

    func read(_ path: String, importer: CaseloadImporter, state: inout ImportState) throws -> LogReading {
        LogReading(summary: try importer.skippedInput(path, kind: kind, allPaths: allPaths))
    }
}

extension LogFormat {
    /// The format's reader: the registry's one place from a format to the code that reads it.
    /// - Parameter profile: for a `.csv`/`.tsv` file in another app's layout, the mapping profile
    ///   ``ProfileRouting`` chose for it (ignored by the other formats).
    func reader(directory: FHIRDirectory, profile: ProfileReading? = nil) -> any LogReader {
        switch self {
        case .csv, .tsv:
            if let profile { ProfiledCSVLogReader(format: self, reading: profile) } else { CSVLogReader(format: self) }
        case .caseloadJSON, .caseloadNDJSON: CaseloadJSONLogReader(format: self)
        case .fhirJSON, .fhirNDJSON: FHIRLogReader(format: self, directory: directory)
        }
    }
}

extension InputKind {
    /// The reader of an input of this kind (`profile`: see ``LogFormat/reader(directory:profile:)``).
    func reader(directory: FHIRDirectory, allPaths: [String], profile: ProfileReading? = nil) -> any LogReader {
        switch self {
        case .log(let format): format.reader(directory: directory, profile: profile)
        case .skipped(let kind): SkippedInputReader(kind: kind, allPaths: allPaths)
        }
    }
}
