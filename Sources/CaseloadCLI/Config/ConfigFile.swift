import CaseloadAnalytics
import CaseloadImport
import Foundation

/// A problem in a `caseload.toml`: the file, the line, the key when there is one, and why.
struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// The configuration file's path.
    var file: String
    /// 1-based line number, `nil` when the problem is the file as a whole.
    var line: Int?
    /// The key the problem is about, when there is one.
    var key: String?
    /// What is wrong, in words.
    var reason: String

    var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + reason
    }
}

/// A value on the right of `key = value` in the subset of TOML that `caseload.toml` uses.
enum ConfigValue: Equatable {
    case number(Double, isInteger: Bool)
    case string(String)
    case bool(Bool)
}

/// `caseload.toml`: threshold overrides (`[thresholds]`), follow-up tier overrides (`[tiers]`),
/// report settings (`[report]`), FHIR settings (`[fhir]`) and mapping profiles (`[profile]`) read
/// from a small, strict subset of TOML.
///
/// The subset: `[table]` headers, `key = value` lines where the value is a number, a
/// double-quoted string or `true`/`false` (and, for `[profile] paths` only, a one-line array of
/// double-quoted strings), `#` comments and blank lines. Anything else (other arrays, inline
/// tables, dates, dotted or quoted keys, multi-line strings) is an error naming the line, as are
/// unknown tables and keys, duplicate keys, values of the wrong kind and values outside a
/// threshold's valid range.
struct ConfigFile: Equatable {
    /// The file name looked for in the working folder when `--config` is not given.
    static let defaultName = "caseload.toml"
    /// The tables a configuration may hold.
    static let tables = ["thresholds", "tiers", "audit", "report", "fhir", "profile"]
    /// The keys of the `[report]` table.
    static let reportKeys = ["patient_sheets"]
    /// The keys of the `[fhir]` table.
    static let fhirKeys = [
        "patient_identifier_system", "exercise_procedure_codes", "care_plan_categories", "night_pain_codes",
        "swelling_codes", "readiness_test_codes", "koos_pf_codes", "akps_codes", "koos_pf_questionnaires",
        "akps_questionnaires", "prom_score_link_ids",
    ]
    /// The keys of the `[profile]` table.
    static let profileKeys = ["paths"]

    /// Where the configuration came from; `nil` for the built-in defaults.
    var path: String?
    /// The thresholds in force: the defaults with the file's overrides applied.
    var thresholds: Thresholds
    /// The threshold keys the file set, in file order.
    var overriddenKeys: [String]
    /// Who gets a patient sheet unless `review --patient-sheets` says otherwise (`[report]`
    /// `patient_sheets`; default `auto`).
    var patientSheets: PatientSheetsChoice = .auto
    /// The `[report]` keys the file set, in file order.
    var reportKeysSet: [String] = []
    /// The tier of each follow-up reason: the defaults with the file's `[tiers]` overrides.
    var tiers = FollowUpTiers()
    /// The `[tiers]` keys (reason identifiers) the file set, in file order.
    var tierKeysSet: [String] = []
    /// The audit definition's constants: the defaults with the file's `[audit]` overrides.
    var audit = AuditThresholds()
    /// The `[audit]` keys the file set, in file order.
    var auditKeysSet: [String] = []
    /// How FHIR inputs are read (`[fhir]`): the patient identifier system, the exercise procedure codes.
    var fhir = FHIROptions()
    /// The `[fhir]` keys the file set, in file order.
    var fhirKeysSet: [String] = []
    /// `[profile] paths`: mapping profiles for other apps' CSV exports, as written (profile files,
    /// relative to the configuration file's folder, or built-in names); `--profile` replaces them.
    var profilePaths: [String] = []

    /// The built-in defaults, no file.
    static let defaults = ConfigFile(path: nil, thresholds: Thresholds(), overriddenKeys: [])

    static func == (lhs: ConfigFile, rhs: ConfigFile) -> Bool {
        lhs.path == rhs.path && lhs.overriddenKeys == rhs.overriddenKeys && lhs.patientSheets == rhs.patientSheets
            && lhs.reportKeysSet == rhs.reportKeysSet && lhs.tiers == rhs.tiers && lhs.tierKeysSet == rhs.tierKeysSet
            && lhs.audit == rhs.audit && lhs.auditKeysSet == rhs.auditKeysSet
            && lhs.fhir == rhs.fhir && lhs.fhirKeysSet == rhs.fhirKeysSet && lhs.profilePaths == rhs.profilePaths
            && Thresholds.settings.allSatisfy { $0.value(in: lhs.thresholds) == $0.value(in: rhs.thresholds) }
    }

    /// The configuration in force: `explicit` when given (it must exist), else `caseload.toml`
    /// in `directory` when present, else the defaults.
    /// - Throws: ``ConfigError`` when the file is missing (explicit only), unreadable or invalid.
    static func resolve(explicit: String?, directory: String) throws -> ConfigFile {
        if let explicit {
            return try load(path: explicit)
        }
        let candidate = directory.hasSuffix("/") ? directory + defaultName : directory + "/" + defaultName
        guard FileManager.default.fileExists(atPath: candidate) else { return .defaults }
        let inWorkingFolder = directory == FileManager.default.currentDirectoryPath
        return try load(path: candidate, name: inWorkingFolder ? defaultName : candidate)
    }

    /// Reads and validates the file at `path`.
    /// - Parameter name: how messages name the file (default: `path`).
    /// - Throws: ``ConfigError`` when it is missing, a folder, not UTF-8 or invalid.
    static func load(path: String, name: String? = nil) throws -> ConfigFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(file: path, reason: "configuration file not found (write one with `caseload config --init`)")
        }
        guard !isDirectory.boolValue else { throw ConfigError(file: path, reason: "is a folder, not a configuration file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, reason: "cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, reason: "the configuration file is not UTF-8 text")
        }
        return try parse(text, path: name ?? path)
    }

    /// Parses configuration text and applies it over the default thresholds.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file's name, for error messages.
    /// - Throws: ``ConfigError`` naming the line (and key) of the first problem.
    static func parse(_ text: String, path: String) throws -> ConfigFile {
        let settings = Dictionary(uniqueKeysWithValues: Thresholds.settings.map { ($0.key, $0) })
        var thresholds = Thresholds()
        var table: String?
        var seenTables: Set<String> = []
        var seenKeys: [String: Int] = [:]
        var overridden: [String] = []
        var patientSheets = PatientSheetsChoice.auto
        var reportKeysSet: [String] = []
        var tierOverrides: [FollowUpReason: FollowUpTier] = [:]
        var tierKeysSet: [String] = []
        let auditSettings = Dictionary(uniqueKeysWithValues: AuditThresholds.settings.map { ($0.key, $0) })
        var audit = AuditThresholds()
        var auditKeysSet: [String] = []
        var fhir = FHIROptions()
        var fhirKeysSet: [String] = []
        var profilePaths: [String] = []
        var lineOfKey: [String: Int] = [:]
        // "\r\n" is one Character in Swift: normalise line ends before splitting.
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            func fail(_ reason: String, key: String? = nil) -> ConfigError {
                ConfigError(file: path, line: lineNumber, key: key, reason: reason)
            }
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let content = try stripComment(line, fail: { fail($0) }).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            if content.hasPrefix("[") {
                guard content.hasSuffix("]"), !content.hasPrefix("[[") else {
                    throw fail("a table header is written [name] (arrays of tables are not supported)")
                }
                let name = content.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard tables.contains(name) else {
                    throw fail("unknown table [\(name)]; caseload.toml has only [thresholds], [tiers], [audit], [report], [fhir] and [profile]")
                }
                guard seenTables.insert(name).inserted else { throw fail("table [\(name)] appears twice") }
                table = name
                continue
            }
            guard let equals = content.firstIndex(of: "=") else {
                throw fail("expected `key = value`, a [table] header, a # comment or a blank line")
            }
            let key = content[..<equals].trimmingCharacters(in: .whitespaces)
            let rawValue = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                throw fail("'\(key)' is not a bare key (letters, digits, _ and - only; dotted and quoted keys are not supported)")
            }
            guard let table else {
                let home = reportKeys.contains(key) ? "[report]"
                    : settings[key] == nil && FollowUpReason(rawValue: key) != nil ? "[tiers]" : "[thresholds]"
                throw fail("the key is outside any table; put it under \(home)", key: key)
            }
            if let previous = seenKeys[table + "." + key] {
                throw fail("set twice (first on line \(previous))", key: key)
            }
            seenKeys[table + "." + key] = lineNumber
            if table == "report" {
                guard reportKeys.contains(key) else {
                    if settings[key] != nil { throw fail("is a threshold; put it under [thresholds]", key: key) }
                    let hint = closestKey(to: key, in: reportKeys).map { "; did you mean \($0)?" } ?? ""
                    throw fail("unknown report setting\(hint) ([report] holds \(reportKeys.joined(separator: ", ")))", key: key)
                }
                patientSheets = try parseChoice(rawValue) { fail($0, key: key) }
                reportKeysSet.append(key)
                continue
            }
            if table == "fhir" {
                guard fhirKeys.contains(key) else {
                    let hint = closestKey(to: key, in: fhirKeys).map { "; did you mean \($0)?" } ?? ""
                    throw fail("unknown FHIR setting\(hint) ([fhir] holds \(fhirKeys.joined(separator: ", ")))", key: key)
                }
                guard case .string(let text) = try parseValue(rawValue, fail: { fail($0, key: key) }) else {
                    throw fail("takes a string in double quotes, not \(rawValue)", key: key)
                }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                // Comma-separated lists; only exercise_procedure_codes may not be empty.
                let items = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                func codes() throws -> Set<String> {
                    guard items.allSatisfy({ code in
                        let parts = code.split(separator: "|", omittingEmptySubsequences: false)
                        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
                    }) else {
                        throw fail("takes codes written system|code, separated by commas, e.g. \"http://snomed.info/sct|229065009\"", key: key)
                    }
                    return Set(items)
                }
                switch key {
                case "patient_identifier_system":
                    guard !trimmed.isEmpty else { throw fail("is empty; delete the line to take the first identifier", key: key) }
                    fhir.patientIdentifierSystem = trimmed
                case "exercise_procedure_codes":
                    guard !items.isEmpty else {
                        throw fail("takes codes written system|code, separated by commas, e.g. \"http://snomed.info/sct|229065009\"", key: key)
                    }
                    fhir.exerciseProcedureCodes = try codes()
                case "care_plan_categories": fhir.carePlanCategories = try codes()
                case "night_pain_codes": fhir.nightPainCodes = try codes()
                case "swelling_codes": fhir.swellingCodes = try codes()
                case "readiness_test_codes": fhir.readinessTestCodes = try codes()
                case "koos_pf_codes": fhir.koosPFCodes = try codes()
                case "akps_codes": fhir.akpsCodes = try codes()
                case "koos_pf_questionnaires", "akps_questionnaires":
                    guard items.allSatisfy({ !$0.contains(" ") && $0.contains(":") }) else {
                        throw fail("takes questionnaire URLs separated by commas, e.g. \"https://clinic.example/Questionnaire/koos-pf\"", key: key)
                    }
                    if key == "koos_pf_questionnaires" { fhir.koosPFQuestionnaires = Set(items) } else { fhir.akpsQuestionnaires = Set(items) }
                default:
                    fhir.promScoreLinkIDs = items
                }
                fhirKeysSet.append(key)
                lineOfKey["fhir." + key] = lineNumber
                continue
            }
            if table == "profile" {
                guard profileKeys.contains(key) else {
                    let hint = closestKey(to: key, in: profileKeys).map { "; did you mean \($0)?" } ?? ""
                    throw fail("unknown profile setting\(hint) ([profile] holds \(profileKeys.joined(separator: ", ")))", key: key)
                }
                profilePaths = try parseStringList(rawValue) { fail($0, key: key) }
                continue
            }
            if table == "tiers" {
                let reasons = FollowUpReason.allCases.map(\.rawValue)
                guard let reason = FollowUpReason(rawValue: key) else {
                    let hint = closestKey(to: key, in: reasons).map { "; did you mean \($0)?" } ?? ""
                    throw fail("unknown follow-up reason\(hint) ([tiers] takes \(reasons.joined(separator: ", ")))", key: key)
                }
                tierOverrides[reason] = try parseChoice(rawValue) { fail($0, key: key) } as FollowUpTier
                tierKeysSet.append(key)
                continue
            }
            if table == "audit" {
                guard let setting = auditSettings[key] else {
                    if settings[key] != nil { throw fail("is a review threshold; put it under [thresholds]", key: key) }
                    let hint = closestKey(to: key, in: Array(auditSettings.keys)).map { "; did you mean \($0)?" } ?? ""
                    throw fail("unknown audit threshold\(hint) (`caseload config --init` lists every key)", key: key)
                }
                try apply(rawValue, to: setting, in: &audit) { fail($0, key: key) }
                auditKeysSet.append(key)
                lineOfKey[key] = lineNumber
                continue
            }
            precondition(table == "thresholds", "only [thresholds], [tiers], [audit], [report], [fhir] and [profile] are accepted above")
            if FollowUpReason(rawValue: key) != nil, settings[key] == nil, rawValue.hasPrefix("\"") {
                throw fail("is a follow-up reason; put its tier under [tiers]", key: key)
            }
            if reportKeys.contains(key) { throw fail("is a report setting; put it under [report]", key: key) }
            guard let setting = settings[key] else {
                _ = try parseValue(rawValue) { fail($0, key: key) }
                if auditSettings[key] != nil { throw fail("is an audit threshold; put it under [audit]", key: key) }
                let hint = closestKey(to: key, in: Array(settings.keys)).map { "; did you mean \($0)?" } ?? ""
                throw fail("unknown threshold\(hint) (`caseload config --init` lists every key)", key: key)
            }
            try apply(rawValue, to: setting, in: &thresholds) { fail($0, key: key) }
            overridden.append(key)
            lineOfKey[key] = lineNumber
        }
        try checkConsistency(thresholds, path: path, lineOfKey: lineOfKey)
        try checkFHIRCodes(fhir, path: path, lineOfKey: lineOfKey)
        if audit.funnelInnerZ > audit.funnelOuterZ {
            let key = (lineOfKey["funnel_inner_z"] ?? 0) > (lineOfKey["funnel_outer_z"] ?? 0) ? "funnel_inner_z" : "funnel_outer_z"
            throw ConfigError(
                file: path, line: lineOfKey[key], key: key,
                reason: "funnel_inner_z (\(format(audit.funnelInnerZ))) may not exceed funnel_outer_z (\(format(audit.funnelOuterZ)))")
        }
        return ConfigFile(
            path: path, thresholds: thresholds, overriddenKeys: overridden, patientSheets: patientSheets,
            reportKeysSet: reportKeysSet, tiers: FollowUpTiers(overrides: tierOverrides), tierKeysSet: tierKeysSet,
            audit: audit, auditKeysSet: auditKeysSet, fhir: fhir, fhirKeysSet: fhirKeysSet, profilePaths: profilePaths)
    }

    /// Parses `[profile] paths`: one double-quoted string, or a one-line array of them
    /// (`["clinic.toml", "strong"]`); every entry non-empty.
    /// - Throws: the error `fail` makes for anything else.
    static func parseStringList(_ raw: String, fail: (String) -> ConfigError) throws -> [String] {
        let usage = "takes a profile or a list of profiles in double quotes, e.g. [\"clinic.toml\", \"strong\"]"
        var items: [String] = []
        if raw.hasPrefix("\"") {
            guard case .string(let text) = try parseValue(raw, fail: fail) else { throw fail(usage) }
            items = [text]
        } else {
            guard raw.hasPrefix("["), raw.hasSuffix("]") else { throw fail(usage) }
            var rest = Substring(raw.dropFirst().dropLast())
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                if rest.isEmpty { break }
                guard rest.first == "\"" else { throw fail(usage) }
                // The string's end: the next quote not escaped by a backslash.
                var index = rest.index(after: rest.startIndex)
                var escaped = false
                while index < rest.endIndex, escaped || rest[index] != "\"" {
                    escaped = !escaped && rest[index] == "\\"
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { throw fail("a string is written in double quotes on one line") }
                let end = rest.index(after: index)
                guard case .string(let text) = try parseValue(String(rest[..<end]), fail: fail) else { throw fail(usage) }
                items.append(text)
                rest = rest[end...].drop { $0 == " " || $0 == "\t" }
                if rest.isEmpty { break }
                guard rest.first == "," else { throw fail(usage) }
                rest = rest.dropFirst()
            }
        }
        for item in items where item.trimmingCharacters(in: .whitespaces).isEmpty {
            throw fail("an empty profile path")
        }
        return items.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Parses `raw` as a number for `setting` and sets it in `values`.
    /// - Throws: the error `fail` makes when the value is not a number, is outside the setting's
    ///   range, or is not whole for a whole-number setting.
    static func apply<Root>(
        _ raw: String, to setting: ThresholdSetting<Root>, in values: inout Root, fail: (String) -> ConfigError
    ) throws {
        guard case .number(let number, let isInteger) = try parseValue(raw, fail: fail) else {
            throw fail("takes a number\(setting.unit.isEmpty ? "" : " of \(setting.unit)")")
        }
        guard number.isFinite, setting.range.contains(number) else {
            throw fail(
                "\(format(number)) is outside the valid range \(format(setting.range.lowerBound))–"
                    + "\(format(setting.range.upperBound))\(setting.unit.isEmpty ? "" : " " + setting.unit)")
        }
        if setting.isInteger, !isInteger, number != number.rounded() {
            throw fail("takes a whole number of \(setting.unit), not \(format(number))")
        }
        setting.set(number, in: &values)
    }

    /// Pairs of thresholds where the first may not exceed the second (else the check could never run).
    static let orderedPairs: [(smaller: String, larger: String)] = [
        ("trend_min_pain_days", "trend_window_days"),
        ("plateau_min_pain_days", "plateau_window_days"),
        ("flare_min_reference_values", "flare_reference_days"),
        ("night_pain_days", "symptom_window_days"),
        ("swelling_days", "symptom_window_days"),
    ]

    private static func checkConsistency(_ thresholds: Thresholds, path: String, lineOfKey: [String: Int]) throws {
        let settings = Dictionary(uniqueKeysWithValues: Thresholds.settings.map { ($0.key, $0) })
        for (smaller, larger) in orderedPairs {
            guard let low = settings[smaller], let high = settings[larger] else { continue }
            let a = low.value(in: thresholds)
            let b = high.value(in: thresholds)
            guard a > b else { continue }
            // Name the line of whichever key the file set (the later one when both).
            let lineA = lineOfKey[smaller]
            let lineB = lineOfKey[larger]
            let key = (lineB ?? 0) > (lineA ?? 0) ? larger : smaller
            throw ConfigError(
                file: path, line: lineOfKey[key], key: key,
                reason: "\(smaller) (\(format(a))) may not exceed \(larger) (\(format(b)))")
        }
    }

    /// The line without its `#` comment; `#` inside a double-quoted string is kept.
    private static func stripComment(_ line: Substring, fail: (String) -> ConfigError) throws -> Substring {
        var inString = false
        var escaped = false
        for index in line.indices {
            let c = line[index]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "#" {
                return line[..<index]
            }
        }
        return line
    }

    /// Parses a double-quoted string naming one of `Choice`'s cases (`"auto"`, `"urgent"`).
    /// - Throws: the error `fail` makes, listing the choices, for anything else (a bare word is
    ///   refused before it is parsed, where it would otherwise read as a bad number).
    static func parseChoice<Choice: RawRepresentable & CaseIterable>(
        _ raw: String, fail: (String) -> ConfigError
    ) throws -> Choice where Choice.RawValue == String {
        let choices = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard raw.hasPrefix("\""), case .string(let text) = try parseValue(raw, fail: fail),
            let choice = Choice(rawValue: text)
        else {
            throw fail("takes one of \(choices) (in double quotes), not \(raw)")
        }
        return choice
    }

    /// Parses a number, a basic string or a boolean; rejects every other TOML value.
    static func parseValue(_ raw: String, fail: (String) -> ConfigError) throws -> ConfigValue {
        if raw.isEmpty { throw fail("the value is missing after =") }
        if raw == "true" { return .bool(true) }
        if raw == "false" { return .bool(false) }
        if raw.hasPrefix("\"") {
            guard !raw.hasPrefix("\"\"\""), raw.count >= 2, raw.hasSuffix("\"") else {
                throw fail("a string is written in double quotes on one line")
            }
            let inner = raw.dropFirst().dropLast()
            var result = ""
            var escaped = false
            for c in inner {
                if escaped {
                    switch c {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: throw fail("unsupported escape \\\(c) in a string")
                    }
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    throw fail("unexpected \" inside a string (write \\\")")
                } else {
                    result.append(c)
                }
            }
            if escaped { throw fail("a string ends in a lone backslash") }
            return .string(result)
        }
        if let first = raw.first, first == "[" || first == "{" || first == "'" {
            throw fail("arrays, inline tables and single-quoted strings are not supported; write a number")
        }
        guard isTOMLNumber(raw), let value = Double(raw), value.isFinite else {
            throw fail("'\(raw)' is not a number (write e.g. 7 or 1.5)")
        }
        let isInteger = !raw.contains(".") && !raw.contains("e") && !raw.contains("E")
        return .number(value, isInteger: isInteger)
    }

    /// True for a TOML decimal integer or float: `[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    /// (no `1.`, `.5`, leading zeros, `inf`, `nan`, hex or underscores, which this subset does not take).
    static func isTOMLNumber(_ text: String) -> Bool {
        var chars = Substring(text)
        func digits() -> Substring {
            let run = chars.prefix { $0.isASCII && $0.isNumber }
            chars = chars.dropFirst(run.count)
            return run
        }
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        let whole = digits()
        guard !whole.isEmpty, whole == "0" || whole.first != "0" else { return false }
        if chars.first == "." {
            chars = chars.dropFirst()
            guard !digits().isEmpty else { return false }
        }
        if chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
            guard !digits().isEmpty else { return false }
        }
        return chars.isEmpty
    }

    /// A known key within two edits of `key`, or the first that starts with `key_`, for "did you mean".
    static func closestKey(to key: String, in keys: [String]) -> String? {
        if let extended = keys.sorted().first(where: { $0.hasPrefix(key + "_") }) { return extended }
        let scored = keys.map { ($0, editDistance(Array(key), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// A number as a configuration file writes it: whole numbers without a decimal point.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// Each setting as the template writes it: a blank line, its meaning, its unit, range and
    /// default, then `key = default`.
    static func templateLines<Root>(_ settings: [ThresholdSetting<Root>], defaults: Root) -> [String] {
        settings.flatMap { setting -> [String] in
            let kind = [setting.unit, setting.isInteger ? "whole number" : ""].filter { !$0.isEmpty }
            let prefix = kind.isEmpty ? "" : kind.joined(separator: ", ") + ", "
            return [
                "", "# \(setting.meaning)",
                "# \(prefix)valid \(format(setting.range.lowerBound))–\(format(setting.range.upperBound));"
                    + " default \(format(setting.value(in: defaults)))",
                "\(setting.key) = \(format(setting.value(in: defaults)))",
            ]
        }
    }

    /// Refuses an Observation code given two meanings: in two `[fhir]` lists, or in one and among
    /// the pain and Physical Activity IG codes the reader reads itself; and a questionnaire listed
    /// for both PROMs.
    static func checkFHIRCodes(_ fhir: FHIROptions, path: String, lineOfKey: [String: Int]) throws {
        let lists = fhir.observationCodeLists
        for (i, list) in lists.enumerated() {
            func fail(_ reason: String) -> ConfigError {
                ConfigError(file: path, line: lineOfKey["fhir." + list.key], key: list.key, reason: reason)
            }
            if let fixed = list.codes.sorted().first(where: { FHIROptions.fixedObservationCodes.contains($0) }) {
                throw fail("\(fixed) is read as pain or as an exercise session already; it cannot also be in \(list.key)")
            }
            for other in lists[(i + 1)...] {
                if let shared = list.codes.intersection(other.codes).sorted().first {
                    throw ConfigError(
                        file: path, line: lineOfKey["fhir." + other.key] ?? lineOfKey["fhir." + list.key], key: other.key,
                        reason: "\(shared) is in both \(list.key) and \(other.key); a code has one meaning")
                }
            }
        }
        if let shared = fhir.koosPFQuestionnaires.intersection(fhir.akpsQuestionnaires).sorted().first {
            throw ConfigError(
                file: path, line: lineOfKey["fhir.akps_questionnaires"], key: "akps_questionnaires",
                reason: "\(shared) is in both koos_pf_questionnaires and akps_questionnaires")
        }
    }

    /// The commented `caseload.toml` that `caseload config --init` writes: every threshold
    /// with its meaning, unit, valid range and default value, then the `[report]` settings.
    static func template() -> String {
        let defaults = Thresholds()
        var lines = [
            "# caseload.toml: thresholds and report settings for the weekly review (caseload \(CaseloadCommand.version)).",
            "#",
            "# caseload reads this file from the working folder, or the file named by --config.",
            "# Every value below is the built-in default; change a line to override it, or delete",
            "# the line to keep the default. Unknown keys and values outside the valid range are",
            "# errors naming the line. The thresholds in force are recorded in manifest.json and on",
            "# the workbook's About sheet. Definitions and sources: docs/ANALYTICS.md.",
            "",
            "[thresholds]",
        ]
        lines += templateLines(Thresholds.settings, defaults: defaults)
        lines += [
            "",
            "[tiers]",
            "",
            "# How soon to call about each follow-up reason: \"urgent\" (within a day or two), \"soon\"",
            "# (this week) or \"routine\" (at the next contact). A patient's tier is their most urgent",
            "# reason's; the follow-up list is ordered by tier first. Defaults and their sources:",
            "# docs/ANALYTICS.md, \"Follow-up tiers\". Uncomment a line to override a default.",
        ]
        for reason in FollowUpReason.allCases {
            lines.append("# \(reason.rawValue) = \"\(reason.defaultTier.rawValue)\"")
        }
        lines += ["", "[audit]", "", "# The audit definition (`caseload audit`); docs/ANALYTICS.md, \"Audit\"."]
        lines += templateLines(AuditThresholds.settings, defaults: AuditThresholds())
        lines += [
            "",
            "[report]",
            "",
            "# Who gets a sheet of their own (daily table and pain chart) in each caseload's workbook:",
            "# \"auto\" (everyone in a caseload of at most 200 patients, else those needing follow-up),",
            "# \"all\" or \"follow-up\"; at most 250 sheets a workbook, the most urgent first.",
            "# `review --patient-sheets` overrides it for one run. Default \"auto\".",
            "patient_sheets = \"\(PatientSheetsChoice.auto.rawValue)\"",
            "",
            "[fhir]",
            "",
            "# FHIR R4 inputs (docs/FORMATS.md, \"FHIR R4\"). The patient ID is the value of the Patient",
            "# identifier with this system; without the line, the first identifier, else the logical id.",
            "# patient_identifier_system = \"https://clinic.example/patient-id\"",
            "# Procedure codes (system|code, comma-separated) read as exercise sessions; default SNOMED CT",
            "# 229065009 \"Exercise therapy\".",
            "# exercise_procedure_codes = \"http://snomed.info/sct|229065009\"",
            "# CarePlan categories of the exercise programme: other plans give no roster facts (a plan with",
            "# no category at all counts when an activity is coded as above). Default SNOMED CT 91251008",
            "# \"Physical therapy procedure\" and 408869004 \"Musculoskeletal care\".",
            "# care_plan_categories = \"http://snomed.info/sct|91251008, http://snomed.info/sct|408869004\"",
            "# Observation codes of the symptoms (yes/no; the readiness test pass/fail). Defaults: night pain",
            "# SNOMED CT 36163009, swelling SNOMED CT 299322007; the readiness test has no standard code.",
            "# night_pain_codes = \"http://snomed.info/sct|36163009\"",
            "# swelling_codes = \"http://snomed.info/sct|299322007\"",
            "# readiness_test_codes = \"https://clinic.example/codes|readiness-test\"",
            "# PROMs (caseload audit): KOOS-PF and AKPS have no LOINC code; list your Observation codes or",
            "# Questionnaire URLs, and the linkId of the item holding the total score (default: the one",
            "# item with a numeric answer).",
            "# koos_pf_codes = \"https://clinic.example/codes|koos-pf\"",
            "# akps_codes = \"https://clinic.example/codes|akps\"",
            "# koos_pf_questionnaires = \"https://clinic.example/Questionnaire/koos-pf\"",
            "# akps_questionnaires = \"https://clinic.example/Questionnaire/akps\"",
            "# prom_score_link_ids = \"total\"",
            "",
            "[profile]",
            "",
            "# Mapping profiles for other apps' CSV exports (docs/FORMATS.md, \"Mapping profiles\"): profile",
            "# files (relative to this file's folder) or the built-in strong, hevy and fitnotes. A CSV log",
            "# not in caseload's own columns is read through the one that fits it. --profile replaces these.",
            "# paths = [\"clinic-app.toml\", \"strong\"]",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
