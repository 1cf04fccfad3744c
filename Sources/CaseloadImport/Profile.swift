import CaseloadModel
import Foundation

/// The unit of an export's weight column.
public enum LoadUnit: String, Sendable, Hashable, CaseIterable {
    /// Kilograms (caseload's own unit, the default).
    case kg
    /// International avoirdupois pounds.
    case lb

    /// Kilograms in one pound: exactly 0.45359237 (the international yard and pound agreement of
    /// 1959; NIST SP 811, Appendix B.8, "pound (avoirdupois) (lb) → kilogram (kg)", 4.535 924 37 E−01,
    /// exact). Strong's own lb→kg figures match it: 15 lb is written `6.80388555` kg.
    public static let kilogramsPerPound = 0.45359237

    /// Kilograms in one of this unit.
    public var kilograms: Double { self == .kg ? 1 : LoadUnit.kilogramsPerPound }
}

/// How an export writes a duration column.
public enum DurationUnit: String, Sendable, Hashable, CaseIterable {
    /// Minutes (caseload's own unit, the default).
    case min
    /// Seconds.
    case s
    /// Hours.
    case h
    /// Hours and minutes as text: `1h 15m`, `35m`, `45s` (also `0:25:00`, hours:minutes:seconds).
    case hm
}

/// One line of a profile's `[columns]` table: a canonical column and the export's header for it.
public struct ColumnMapping: Sendable, Hashable {
    /// The canonical column (docs/FORMATS.md), e.g. `patient_id`.
    public var canonical: String
    /// The export's header, as written in the profile (matched case-insensitively, trimmed).
    public var header: String

    /// A mapping of `canonical` to `header`.
    public init(canonical: String, header: String) {
        self.canonical = canonical
        self.header = header
    }
}

/// What workout apps add to a layout (built-in profiles only): their rows are sets, several a
/// workout, and a workout is a session.
struct WorkoutRules: Sendable, Hashable {
    /// `duration_min` holds the whole workout's duration, repeated on every set row: it is counted
    /// once per workout (on the first of its rows the run accepts), never once per set.
    var durationPerWorkout = false
    /// The header of the workout's end time: `duration_min` = end − start, once per workout.
    var endHeader: String?
    /// The header of a per-row weight unit (`kg`, `kgs`, `lb`, `lbs`; empty: the layout's unit).
    var loadUnitHeader: String?
}

/// One export layout a profile reads: which header feeds which canonical column and how its values
/// are written. A profile file has one; a built-in profile has one per layout its app has written
/// over the years.
public struct ProfileLayout: Sendable, Hashable {
    /// The layout's name (a profile file's: its `[profile] name`; a built-in's, e.g. `2019, ';' with Weight Unit`).
    public var name: String
    /// `[columns]`: canonical column → export header, in the order written.
    public var columns: [ColumnMapping]
    /// `[patient] from_filename`: for files without the patient column, the first capture group of
    /// this regular expression (NSRegularExpression syntax) applied to the file name.
    public var patientFromFilename: String?
    /// `[values.<column>]`: per canonical column, the export's value (trimmed, lower-cased) → the
    /// canonical value.
    public var values: [String: [String: String]]
    /// `[units] load`.
    public var loadUnit: LoadUnit
    /// `[units] duration`.
    public var durationUnit: DurationUnit
    /// `[dates] format`, when given (ISO 8601 is always read too).
    public var dateFormat: ProfileDateFormat?
    /// Workout-app rules (built-in profiles only).
    var workout: WorkoutRules?
    /// Mapped headers that may be absent (folded; built-in profiles only).
    var optionalHeaders: Set<String> = []
    /// Headers whose presence means the file is another layout (folded; built-in profiles only).
    var excludedHeaders: Set<String> = []
    /// Built-in layouts take the patient from the file's name without its extension.
    var patientFromStem = false

    /// A layout with every part given.
    public init(
        name: String, columns: [ColumnMapping], patientFromFilename: String? = nil, values: [String: [String: String]] = [:],
        loadUnit: LoadUnit = .kg, durationUnit: DurationUnit = .min, dateFormat: ProfileDateFormat? = nil
    ) {
        self.name = name
        self.columns = columns
        self.patientFromFilename = patientFromFilename
        self.values = values
        self.loadUnit = loadUnit
        self.durationUnit = durationUnit
        self.dateFormat = dateFormat
    }

    /// The export header mapped to `canonical`, if any.
    public func header(for canonical: String) -> String? {
        columns.first { $0.canonical == canonical }?.header
    }

    /// Every header the layout reads (mapped columns, a workout's end and unit columns), folded.
    var usedHeaders: [String] {
        var out: [String] = []
        for header in columns.map(\.header) + [workout?.endHeader, workout?.loadUnitHeader].compactMap({ $0 }) {
            let folded = MappingProfile.fold(header)
            if !out.contains(folded) { out.append(folded) }
        }
        return out
    }

    /// The headers a file must have for this layout to fit it, folded, in mapping order: every used
    /// header but the optional ones and the patient column (the patient may come from the file name
    /// or `--patient`).
    var requiredHeaders: [String] {
        let patient = header(for: LogColumn.patientID.name).map(MappingProfile.fold)
        return usedHeaders.filter { $0 != patient && !optionalHeaders.contains($0) }
    }
}

/// A mapping profile: how to read another app's CSV export as caseload's training log.
///
/// Made from a profile file (``init(parsing:path:)``, the TOML keys of docs/FORMATS.md,
/// "Mapping profiles") or one of the built-in profiles for the workout apps patients use
/// (``builtIn(named:)``: `strong`, `hevy`, `fitnotes`). A file read through a profile takes the
/// profile's layout whose mapped headers all appear in its header.
public struct MappingProfile: Sendable, Hashable {
    /// The profile's name: `[profile] name`, else the file name without extension; a built-in's name.
    public var name: String
    /// The profile file's path as given, or `built-in`.
    public var source: String
    /// The layouts it reads, at least one.
    public var layouts: [ProfileLayout]

    /// True for `strong`, `hevy` and `fitnotes`.
    public var isBuiltIn: Bool { source == MappingProfile.builtInSource }

    /// The ``source`` of a built-in profile.
    static let builtInSource = "built-in"

    /// How messages name the profile: `'Clinic app v3' (clinic.toml)`, `strong (built-in)`.
    public var label: String {
        isBuiltIn ? "\(name) (built-in)" : "'\(name)' (\(source))"
    }

    /// A profile with the given layouts.
    public init(name: String, source: String, layouts: [ProfileLayout]) {
        precondition(!layouts.isEmpty, "a profile reads at least one layout")
        self.name = name
        self.source = source
        self.layouts = layouts
    }

    /// A header or value as profiles match it: trimmed of spaces and tabs, lower-cased.
    static func fold(_ text: String) -> String {
        text.trimmingSpaces.lowercased()
    }

    // MARK: Reading a profile file

    /// The tables a profile file may hold (`[values.<column>]` for any mapped canonical column).
    public static let tables = ["profile", "columns", "patient", "values", "units", "dates"]

    /// The keys of each table but `[columns]` (canonical columns) and `[values.…]` (export values).
    static let tableKeys: [String: [String]] = [
        "profile": ["name"], "patient": ["from_filename"], "units": ["load", "duration"], "dates": ["format"],
    ]

    /// Reads the profile file at `path`, or the built-in profile called `path` (`strong`, `hevy`,
    /// `fitnotes`) when it names one and is not an existing file.
    /// - Throws: ``ImportError`` naming the file (and line) when it is missing, not UTF-8 text or
    ///   not a valid profile, or naming the argument when it is neither a file nor a built-in name.
    public static func load(_ path: String) throws -> MappingProfile {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !exists, let builtIn = builtIn(named: path) { return builtIn }
        guard exists else {
            let names = builtInNames.joined(separator: ", ")
            let hint = Suggestion.closest(to: path.lowercased(), in: builtInNames).map { "; did you mean \($0)?" } ?? ""
            throw ImportError(
                file: path, reason: "no such profile file, and not a built-in profile (\(names))\(hint)")
        }
        if isDirectory.boolValue { throw ImportError(file: path, reason: "is a folder, not a profile file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, reason: "cannot read the profile file")
        }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw ImportError(file: path, reason: "the profile file is not UTF-8 text")
        }
        return try MappingProfile(parsing: text, path: path)
    }

    /// Reads profile text (the TOML keys of docs/FORMATS.md, "Mapping profiles").
    /// - Parameter path: the file's path, for messages and the default name.
    /// - Throws: ``ImportError`` naming the file, the line and the key of the first problem: an
    ///   unknown table or key (with the closest known one), a value of the wrong kind, a canonical
    ///   column that does not exist, a value map whose canonical value the column would reject, a
    ///   date format or regular expression that cannot be used, no `date` column.
    public init(parsing text: String, path: String) throws {
        let document = try ProfileTOML(parsing: text, file: path)
        func fail(_ line: Int, _ reason: String) -> ImportError {
            ImportError(file: path, line: line, reason: reason)
        }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = stem.isEmpty ? path : stem
        var columns: [ColumnMapping] = []
        var columnLines: [String: Int] = [:]
        var fromFilename: String?
        var valueTables: [(column: String, table: ProfileTOML.Table)] = []
        var load = LoadUnit.kg
        var duration = DurationUnit.min
        var dateFormat: ProfileDateFormat?
        for table in document.tables {
            let head = table.path[0]
            guard MappingProfile.tables.contains(head) else {
                let hint = Suggestion.closest(to: head, in: MappingProfile.tables).map { "; did you mean [\($0)]?" } ?? ""
                throw fail(
                    table.line,
                    "unknown table \(table.displayName)\(hint) (a profile has [profile], [columns], [patient], "
                        + "[values.<column>], [units] and [dates])")
            }
            if head == "values" {
                guard table.path.count == 2 else {
                    throw fail(
                        table.line,
                        table.path.count == 1
                            ? "value maps go under [values.<column>], one table per canonical column, e.g. [values.readiness_test]"
                            : "\(table.displayName) is too deep: write [values.<column>]")
                }
                valueTables.append((table.path[1], table))
                continue
            }
            guard table.path.count == 1 else {
                throw fail(table.line, "\(table.displayName): only [values.<column>] tables have two parts")
            }
            if head == "columns" {
                for entry in table.entries {
                    guard LogColumn.names.contains(entry.key) else {
                        let hint = Suggestion.closest(to: entry.key, in: LogColumn.names).map { "; did you mean \($0)?" } ?? ""
                        throw fail(
                            entry.line,
                            "[columns] \(ProfileTOML.displayKey(entry.key)): unknown canonical column\(hint) "
                                + "(the canonical columns: \(LogColumn.names.joined(separator: ", ")))")
                    }
                    guard !entry.value.trimmingSpaces.isEmpty else {
                        throw fail(entry.line, "[columns] \(entry.key): the export's header is empty")
                    }
                    columns.append(ColumnMapping(canonical: entry.key, header: entry.value.trimmingSpaces))
                    columnLines[entry.key] = entry.line
                }
                continue
            }
            let keys = MappingProfile.tableKeys[head] ?? []
            for entry in table.entries {
                guard keys.contains(entry.key) else {
                    let hint = Suggestion.closest(to: entry.key, in: keys).map { "; did you mean \($0)?" } ?? ""
                    let misplaced = LogColumn.names.contains(entry.key) && head != "columns"
                        ? " (canonical columns are mapped under [columns])" : ""
                    throw fail(
                        entry.line,
                        "[\(head)] \(ProfileTOML.displayKey(entry.key)): unknown key\(hint)\(misplaced) "
                            + "([\(head)] holds \(keys.joined(separator: ", ")))")
                }
                switch (head, entry.key) {
                case ("profile", "name"):
                    guard !entry.value.trimmingSpaces.isEmpty else { throw fail(entry.line, "[profile] name is empty") }
                    name = entry.value.trimmingSpaces
                case ("patient", "from_filename"):
                    let problem = MappingProfile.regexProblem(entry.value)
                    if let problem { throw fail(entry.line, "[patient] from_filename: \(problem)") }
                    fromFilename = entry.value
                case ("units", "load"):
                    guard let unit = LoadUnit(rawValue: entry.value.trimmingSpaces.lowercased()) else {
                        throw fail(entry.line, "[units] load takes \"kg\" or \"lb\", not \"\(entry.value)\"")
                    }
                    load = unit
                case ("units", "duration"):
                    guard let unit = DurationUnit(rawValue: entry.value.trimmingSpaces.lowercased()) else {
                        throw fail(
                            entry.line, "[units] duration takes \"min\", \"s\", \"h\" or \"hm\", not \"\(entry.value)\"")
                    }
                    duration = unit
                case ("dates", "format"):
                    do {
                        dateFormat = try ProfileDateFormat(entry.value)
                    } catch let problem as ProfileDateFormat.Problem {
                        throw fail(entry.line, "[dates] format: \(problem.reason)")
                    }
                default:
                    preconditionFailure("every key of tableKeys is handled")
                }
            }
        }
        guard columnLines[LogColumn.date.name] != nil else {
            throw fail(
                document.tables.first { $0.path == ["columns"] }?.line ?? 1,
                "[columns] maps no date column: write e.g. date = \"Logged at\" (the export's header for the date)")
        }
        var values: [String: [String: String]] = [:]
        let cells = CellParser(dateOrder: .iso, decimalComma: false)
        for (column, table) in valueTables {
            guard let field = LogColumn.allCases.first(where: { $0.name == column }) else {
                let hint = Suggestion.closest(to: column, in: LogColumn.names).map { "; did you mean [values.\($0)]?" } ?? ""
                throw fail(table.line, "\(table.displayName): unknown canonical column\(hint)")
            }
            guard columnLines[column] != nil else {
                throw fail(table.line, "\(table.displayName): \(column) is not mapped under [columns]")
            }
            var map: [String: String] = [:]
            var lineOf: [String: (Int, String)] = [:]
            for entry in table.entries {
                let key = MappingProfile.fold(entry.key)
                if let (line, first) = lineOf[key] {
                    throw fail(
                        entry.line,
                        "\(table.displayName) \(ProfileTOML.displayKey(entry.key)): the same export value as "
                            + "\(ProfileTOML.displayKey(first)) on line \(line) (values are matched trimmed, in any case)")
                }
                if let reason = MappingProfile.canonicalValueProblem(entry.value, field: field, cells: cells) {
                    throw fail(entry.line, "\(table.displayName) \(ProfileTOML.displayKey(entry.key)): \(reason)")
                }
                lineOf[key] = (entry.line, entry.key)
                map[key] = entry.value
            }
            values[column] = map
        }
        let layout = ProfileLayout(
            name: name, columns: columns, patientFromFilename: fromFilename, values: values, loadUnit: load,
            durationUnit: duration, dateFormat: dateFormat)
        self.init(name: name, source: path, layouts: [layout])
    }

    /// Why `pattern` cannot take a patient from a file name (not a regular expression, or no
    /// capture group), or `nil` when it can.
    static func regexProblem(_ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            return "'\(pattern)' is not a regular expression"
        }
        if regex.numberOfCaptureGroups < 1 {
            return "'\(pattern)' has no capture group: put the patient ID in parentheses, e.g. '^(PFP-[0-9]+)'"
        }
        return nil
    }

    /// Why the canonical column `field` would reject `value` (a value map's right side), or `nil`.
    static func canonicalValueProblem(_ value: String, field: LogColumn, cells: CellParser) -> String? {
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBufferPointer { raw -> String? in
            var draft = LogDraft()
            var ambiguous = false
            if CellParser.isBlank(raw) {
                return field == .patientID || field == .date ? "\(field.name) may not map to an empty value" : nil
            }
            draft.read(field, raw, column: field.name, cells: cells, ambiguous: &ambiguous) { String(decoding: $0, as: UTF8.self) }
            return draft.problems.count > 0 ? "maps to a value the \(field.name) column rejects: \(draft.problems.reason)" : nil
        }
    }

    /// The patient ID the first capture group of `pattern` finds in `fileName`, or `nil` when it
    /// does not match or captures nothing but spaces.
    static func patient(fromFileName fileName: String, pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let range = NSRange(fileName.startIndex..., in: fileName)
        guard let match = regex.firstMatch(in: fileName, range: range), match.numberOfRanges > 1,
            let capture = Range(match.range(at: 1), in: fileName)
        else { return nil }
        let id = String(fileName[capture]).trimmingSpaces
        return id.isEmpty ? nil : id
    }
}

/// "Did you mean" for profile keys, tables and names.
enum Suggestion {
    /// A known word within two edits of `word`, or the first that extends it (`word_…`).
    static func closest(to word: String, in words: [String]) -> String? {
        if let extended = words.sorted().first(where: { $0.hasPrefix(word + "_") }) { return extended }
        let scored = words.map { ($0, editDistance(Array(word), Array($0))) }.filter { $0.1 <= 2 && $0.1 < max(1, word.count) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Long inputs cannot be two edits from a short known word: skip the quadratic table.
        if abs(a.count - b.count) > 2 || a.count > 64 { return 3 }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
