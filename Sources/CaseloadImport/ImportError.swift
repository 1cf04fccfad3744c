/// A problem that stops an input file from being read at all.
///
/// Bad rows are not errors (they become ``CaseloadModel/RejectedRow``s); an `ImportError`
/// means the file as a whole cannot be used: it is missing, unreadable, empty, binary,
/// lacks a required column, has duplicate column names, or is not valid JSON.
public struct ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as given (or the option, e.g. `--date-format`, for a bad option value).
    public var file: String
    /// 1-based physical line, when known.
    public var line: Int?
    /// 1-based column: the field position for CSV, the byte position for JSON.
    public var column: Int?
    /// A short sentence saying what is wrong.
    public var reason: String

    /// Creates an error for `file` with an optional position.
    public init(file: String, line: Int? = nil, column: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line:column: reason`, leaving out the parts that are not known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text + ": " + reason
    }
}

/// The order of day, month and year in dates that are not ISO 8601.
public enum DateOrder: String, Sendable, CaseIterable {
    /// Only `YYYY-MM-DD` (the default); `03/04/2026` is rejected as ambiguous.
    case iso
    /// `DD/MM/YYYY` (also `DD.MM.YYYY`, `DD-MM-YYYY`); ISO dates are still accepted.
    case dayMonthYear
    /// `MM/DD/YYYY` (also `MM.DD.YYYY`, `MM-DD-YYYY`); ISO dates are still accepted.
    case monthDayYear
}

/// Options that change how cells are read.
public struct ImportOptions: Sendable, Equatable {
    /// How dates that are not `YYYY-MM-DD` are read.
    public var dateOrder: DateOrder = .iso
    /// How FHIR inputs are read (the patient identifier system, the exercise procedure codes).
    public var fhir = FHIROptions()
    /// `--format` choices: formats forced on inputs instead of detecting them (``FormatRegistry``).
    public var formats: [FormatChoice] = []
    /// Mapping profiles for other apps' CSV exports (`--profile`, `[profile] paths`): a CSV log not
    /// in caseload's own columns is read through the one that fits it (docs/FORMATS.md).
    public var profiles: [MappingProfile] = []
    /// `--patient`: the patient of the one export read through a profile that has no patient column.
    public var patient: String?

    /// Creates options; the default reads ISO dates only and detects every format.
    public init(
        dateOrder: DateOrder = .iso, fhir: FHIROptions = FHIROptions(), formats: [FormatChoice] = [],
        profiles: [MappingProfile] = [], patient: String? = nil
    ) {
        self.dateOrder = dateOrder
        self.fhir = fhir
        self.formats = formats
        self.profiles = profiles
        self.patient = patient
    }

    /// Parses a `--date-format` value.
    ///
    /// Accepts `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY` and the non-ISO forms with `.` or `-`
    /// as separator (`DD.MM.YYYY`, `DD-MM-YYYY`, `MM.DD.YYYY`, `MM-DD-YYYY`), in any case.
    /// - Throws: ``ImportError`` (file `--date-format`) for anything else.
    public static func dateOrder(parsing format: String) throws -> DateOrder {
        let text = format.trimmingSpaces.uppercased()
        if text == "YYYY-MM-DD" { return .iso }
        for separator in ["/", ".", "-"] {
            if text == "DD\(separator)MM\(separator)YYYY" { return .dayMonthYear }
            if text == "MM\(separator)DD\(separator)YYYY" { return .monthDayYear }
        }
        throw ImportError(
            file: "--date-format",
            reason: "unknown date format '\(format)'; use YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY")
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
