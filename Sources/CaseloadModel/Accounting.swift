/// A row that could not be used, with where it stood and why.
public struct RejectedRow: Hashable, Sendable, Codable {
    /// The input file as given on the command line (or found in a folder).
    public var file: String
    /// The physical line where the record starts (1-based; for JSON, the line of the object).
    public var line: Int
    /// The row's patient ID when it had one.
    public var patientID: String?
    /// The column (or JSON field) holding the bad value.
    public var column: String
    /// The offending value as written.
    public var value: String
    /// A short sentence a person can act on.
    public var reason: String

    public init(file: String, line: Int, patientID: String?, column: String, value: String, reason: String) {
        self.file = file
        self.line = line
        self.patientID = patientID
        self.column = column
        self.value = value
        self.reason = reason
    }
}

/// Row counts for one input or for a whole run.
///
/// Invariant: `rowsRead == rowsAccepted + rowsRejected + rowsDuplicate`.
public struct RowCounts: Hashable, Sendable, Codable {
    public var rowsRead = 0
    public var rowsAccepted = 0
    public var rowsRejected = 0
    public var rowsDuplicate = 0

    public init(rowsRead: Int = 0, rowsAccepted: Int = 0, rowsRejected: Int = 0, rowsDuplicate: Int = 0) {
        self.rowsRead = rowsRead
        self.rowsAccepted = rowsAccepted
        self.rowsRejected = rowsRejected
        self.rowsDuplicate = rowsDuplicate
    }

    /// True when every row read is accounted for exactly once.
    public var isBalanced: Bool { rowsRead == rowsAccepted + rowsRejected + rowsDuplicate }

    public static func + (lhs: RowCounts, rhs: RowCounts) -> RowCounts {
        RowCounts(
            rowsRead: lhs.rowsRead + rhs.rowsRead, rowsAccepted: lhs.rowsAccepted + rhs.rowsAccepted,
            rowsRejected: lhs.rowsRejected + rhs.rowsRejected, rowsDuplicate: lhs.rowsDuplicate + rhs.rowsDuplicate)
    }
}

/// The input formats the importers read.
public enum InputFormat: String, Sendable, Hashable, Codable {
    case csv, tsv, json, ndjson
    /// FHIR R4 resources: a Bundle or resource (`.json`) or Bulk Data NDJSON, found by content.
    case fhir
}

/// What an input file is to the run.
public enum InputRole: String, Sendable, Hashable, Codable {
    /// A training log export (CSV or JSON).
    case log
    /// The roster (`--roster`): patients, clinicians, prescriptions.
    case roster
    /// Patient-reported outcome scores (`audit --proms`).
    case proms
}

/// What one input file contributed: identity, dialect, counts, warnings.
public struct InputSummary: Hashable, Sendable, Codable {
    public var path: String
    public var role: InputRole
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    public var bytes: Int
    public var format: InputFormat
    /// For CSV: the delimiter, encoding and line ending found, e.g. `delimiter=';' encoding=UTF-8+BOM newline=CRLF`.
    public var dialect: String?
    public var counts: RowCounts
    public var warnings: [String]
    /// Header names that are not part of the canonical log, in file order.
    public var ignoredColumns: [String]
    /// FHIR resources that are not rows, by type, in the order first seen (empty for other formats).
    public var ignoredResources: [IgnoredResources]

    /// How many resources of one type a FHIR input held that are not rows.
    public struct IgnoredResources: Hashable, Sendable, Codable {
        /// The resource type, e.g. `Claim`, or `Observation (other codes)`.
        public var type: String
        public var count: Int

        /// Creates a count of ignored resources.
        public init(type: String, count: Int) {
            self.type = type
            self.count = count
        }
    }

    public init(
        path: String, role: InputRole = .log, sha256: String, bytes: Int, format: InputFormat, dialect: String? = nil,
        counts: RowCounts = RowCounts(), warnings: [String] = [], ignoredColumns: [String] = [],
        ignoredResources: [IgnoredResources] = []
    ) {
        self.path = path
        self.role = role
        self.sha256 = sha256
        self.bytes = bytes
        self.format = format
        self.dialect = dialect
        self.counts = counts
        self.warnings = warnings
        self.ignoredColumns = ignoredColumns
        self.ignoredResources = ignoredResources
    }
}
