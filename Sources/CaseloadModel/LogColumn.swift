/// The columns of the canonical training log, in their documented order: **the one field table**.
///
/// Each column's ``spec`` says everything the readers, the duplicate check and the generator need
/// to know about it: its name (the CSV header and, unless the JSON key differs, the JSON key), any
/// header synonyms, its kind (type, range and cell rule), whether a row needs it, and where it sits
/// in a caseload JSON patient object. Nothing else lists the columns:
///
/// - the CSV readers map header names to columns through ``LogColumn/named(_:)`` and resolve each
///   header column to its kind once per file (`LogRowParser` in CaseloadImport: the short way and
///   the general way alike);
/// - every value that is not text is stored in a ``LogValues`` block at ``valueSlot``, so the
///   duplicate fingerprint (`DuplicateFilter`) covers a new column without an edit;
/// - the JSON reader builds its key lists and reads each row from ``LogColumnSpec/json``;
/// - the generator's canonical CSV (`CanonicalCSV` in CaseloadSynthetic) writes ``allCases`` in order.
///
/// Adding a column is one case here with its line in ``spec``; see ARCHITECTURE.md ("A new log
/// column") for what else a column may want (a typed accessor on ``LogEntry``, the day's fold).
/// The declaration order is the documented column order and the order a JSON row is read in (the
/// first invalid value of a row is the one its rejection names).
public enum LogColumn: Int, CaseIterable, Sendable, Hashable {
    case patientID, date, sessionID, exercise, category, level, sets, reps, loadKg, durationMin, painDuring, pain
    case swelling, nightPain, readiness, notes

    /// The table: one line per column.
    @inlinable
    public var spec: LogColumnSpec {
        switch self {
        case .patientID: LogColumnSpec("patient_id", .text, required: true, json: .patientID("id"))
        case .date: LogColumnSpec("date", .date, required: true, json: .session("date"))
        case .sessionID: LogColumnSpec("session_id", .text, json: .sessionIdentity("session_id", alias: "id"))
        case .exercise: LogColumnSpec("exercise", .text, json: .exercise("name"))
        case .category: LogColumnSpec("category", .category, json: .exercise("category"))
        case .level: LogColumnSpec("level", .count, json: .exercise("level"))
        case .sets: LogColumnSpec("sets", .count, json: .exercise("sets"))
        case .reps: LogColumnSpec("reps", .count, json: .exercise("reps"))
        case .loadKg: LogColumnSpec("load_kg", .amount, json: .exercise("load_kg"))
        case .durationMin: LogColumnSpec("duration_min", .amount, json: .exercise("duration_min"))
        case .painDuring: LogColumnSpec("pain_during", .rating, json: .exercise("pain_during"))
        case .pain: LogColumnSpec("pain", .rating, json: .session("pain"))
        case .swelling: LogColumnSpec("swelling", .flag, json: .session("swelling"))
        case .nightPain: LogColumnSpec("night_pain", .flag, json: .session("night_pain"))
        case .readiness: LogColumnSpec("readiness_test", .readiness, json: .session("readiness_test"))
        case .notes: LogColumnSpec("notes", .freeText, json: .exerciseElseSession("notes"))
        }
    }

    /// The column name: the CSV header, and the JSON key unless ``LogColumnSpec/json`` names another.
    /// (Inlined, this is a jump to a string literal: the rest of the line is not built.)
    @inlinable @inline(__always)
    public var name: String { spec.name }

    /// The column's kind (``LogColumnSpec/kind``).
    @inlinable @inline(__always)
    public var kind: LogValueKind { spec.kind }

    /// True when a row needs a value (``LogColumnSpec/isRequired``).
    @inlinable @inline(__always)
    public var isRequired: Bool { spec.isRequired }

    /// Every column's name, in order.
    public static let names: [String] = allCases.map(\.spec.name)

    /// The columns by header name and synonym, lower-case.
    private static let byName: [String: LogColumn] = {
        var map: [String: LogColumn] = [:]
        for column in allCases {
            for name in [column.spec.name] + column.spec.synonyms {
                precondition(map[name.lowercased()] == nil, "log column name \(name) is used twice")
                map[name.lowercased()] = column
            }
        }
        return map
    }()

    /// The column a header name (or synonym) names, compared in lower case; `nil` for any other.
    public static func named(_ name: String) -> LogColumn? { byName[name.lowercased()] }

    /// Every header name a column answers to (names and synonyms, lower-case), with its column.
    public static var headerNames: [(name: String, column: LogColumn)] {
        allCases.flatMap { column in ([column.spec.name] + column.spec.synonyms).map { ($0.lowercased(), column) } }
    }

    /// Where the column's value is kept in a ``LogValues`` block: its word (`nil` for text, which a
    /// ``LogEntry`` keeps as a `String`). The date column's word is the day; its time and offset
    /// have words of their own (``LogValues/secondsOfDaySlot``, ``LogValues/utcOffsetSlot``).
    @inlinable @inline(__always)
    public var valueSlot: Int { LogValues.firstColumnSlot + rawValue }
}

/// One line of the field table (``LogColumn/spec``).
public struct LogColumnSpec: Sendable, Equatable {
    /// The CSV header name (canonical, lower-case snake_case).
    public var name: String
    /// Other header names read as this column (matched like the name: any case, trimmed).
    public var synonyms: [String]
    /// The value's type, range and cell rule.
    public var kind: LogValueKind
    /// True when a row without a value is rejected (`no patient_id`) and a CSV header without the
    /// column is refused.
    public var isRequired: Bool
    /// Where the value sits in a caseload JSON patient object.
    public var json: JSONPlace

    /// A table line.
    @inlinable
    public init(
        _ name: String, _ kind: LogValueKind, synonyms: [String] = [], required: Bool = false, json: JSONPlace
    ) {
        self.name = name
        self.synonyms = synonyms
        self.kind = kind
        self.isRequired = required
        self.json = json
    }

    /// Where a column's value sits in a caseload JSON patient object (docs/FORMATS.md, "JSON and NDJSON").
    public enum JSONPlace: Sendable, Equatable {
        /// `patient.<key>`.
        case patientID(String)
        /// `sessions[].<key>`: the session's value, carried by each of its rows.
        case session(String)
        /// `sessions[].<key>` (or `<alias>`): the session's identity; a session without either gets
        /// an implicit one from its date.
        case sessionIdentity(String, alias: String)
        /// `sessions[].exercises[].<key>`: missing on a check-in row.
        case exercise(String)
        /// The exercise's `<key>`, or, on a check-in row, the session's.
        case exerciseElseSession(String)

        /// The JSON key.
        public var key: String {
            switch self {
            case .patientID(let k), .session(let k), .sessionIdentity(let k, _), .exercise(let k),
                .exerciseElseSession(let k):
                k
            }
        }
    }
}

/// The type, range and cell rule of a log column's values (docs/FORMATS.md, "Training log").
///
/// The rules themselves are CaseloadImport's (`CellParser`, one function per kind); this only
/// names them and says how a value is kept.
public enum LogValueKind: Sendable, Equatable, CaseIterable {
    /// Text, trimmed of spaces and tabs; an empty cell is missing.
    case text
    /// Text kept exactly as written (not trimmed); a blank cell is missing.
    case freeText
    /// `YYYY-MM-DD`, an ISO 8601 date-time, or a day/month order given by `--date-format`;
    /// 1900-01-01 … 2199-12-31.
    case date
    /// A whole number ≥ 0 (`3.0` counts as 3).
    case count
    /// A decimal ≥ 0.
    case amount
    /// A 0–10 rating, decimals allowed.
    case rating
    /// yes/no, true/false, y/n, 1/0, any case.
    case flag
    /// One of ``ExerciseCategory``, any case.
    case category
    /// One of ``ReadinessResult``, any case.
    case readiness

    /// True for the kinds a ``LogEntry`` keeps as a `String`.
    public var isText: Bool {
        switch self {
        case .text, .freeText: true
        case .date, .count, .amount, .rating, .flag, .category, .readiness: false
        }
    }

    /// True for the kinds whose values are `Double`s (−0 and 0 are the same value).
    public var isDecimal: Bool {
        switch self {
        case .amount, .rating: true
        case .text, .freeText, .date, .count, .flag, .category, .readiness: false
        }
    }
}
