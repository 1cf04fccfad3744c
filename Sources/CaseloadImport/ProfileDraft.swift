import CaseloadModel
import Foundation

/// The draft profile `caseload profile init` writes from an export: its header matched to the
/// canonical columns by name and synonyms, units and the date format guessed from the values, and
/// a comment on every guess and every column left unmapped.
///
/// The draft is always a valid profile (``MappingProfile/init(parsing:path:)`` reads it; a test and
/// the fuzz target check this), so `caseload profile check` can run on it at once.
public enum ProfileDraft {
    /// Header names (normalised: lower case, `_` and `-` as spaces, units in brackets and trailing
    /// unit words removed) that name each canonical column, in canonical order.
    static let synonyms: [(canonical: String, names: [String])] = [
        ("patient_id", ["patient id", "patient", "patient ref", "patient number", "client", "client id", "client ref",
                        "participant", "participant id", "subject", "subject id", "user id", "mrn"]),
        ("date", ["date", "timestamp", "time stamp", "datetime", "date time", "logged at", "logged", "recorded at",
                  "start time", "start", "started", "started at", "when", "day", "session date", "workout date"]),
        ("session_id", ["session id", "session", "workout id", "workout #", "workout number", "visit id"]),
        ("exercise", ["exercise", "exercise name", "exercise title", "activity", "movement", "drill"]),
        ("category", ["category", "exercise category", "exercise type"]),
        ("level", ["level", "stage", "difficulty", "progression level"]),
        ("sets", ["sets", "set count", "number of sets"]),
        ("reps", ["reps", "repetitions", "rep count", "number of reps"]),
        ("load_kg", ["load", "weight", "resistance", "load kg"]),
        ("duration_min", ["duration", "time", "minutes", "seconds", "duration min", "elapsed", "elapsed time", "length"]),
        ("pain_during", ["pain during", "pain during exercise", "exercise pain", "pain while exercising", "pain_during"]),
        ("pain", ["pain", "pain score", "knee pain", "pain level", "pain now", "pain after", "nrs", "pain nrs", "pain vas"]),
        ("swelling", ["swelling", "swollen", "knee swelling"]),
        ("night_pain", ["night pain", "pain at night", "woke with pain", "night_pain"]),
        ("readiness_test", ["readiness", "readiness test", "knee bend", "knee bend check", "knee bend test", "squat test", "ready"]),
        ("notes", ["notes", "note", "comment", "comments", "remarks", "exercise notes", "exercise note"]),
    ]

    /// Date patterns tried on the date column's values, most specific first.
    static let dateFormats = [
        "%d %b %Y, %H:%M", "%d %b %Y, %H:%M:%S", "%d %b %Y %H:%M", "%d %b %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y",
        "%d %B %Y", "%B %d, %Y", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
        "%Y/%m/%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M",
        "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d/%m/%y", "%m/%d/%y",
    ]

    /// A header split into the name it is matched by and the unit it names.
    struct HeaderName {
        var base: String
        var unit: String?
    }

    /// `Weight (lb)` → `weight`, `lb`; `weight_kg` → `weight`, `kg`; `Time (s)` → `time`, `s`.
    static func split(_ header: String) -> HeaderName {
        var text = header.lowercased()
        var unit: String?
        if let open = text.lastIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
            unit = String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
            text.removeSubrange(open...close)
        }
        text = text.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let unitWords: Set<String> = ["kg", "kgs", "lb", "lbs", "pounds", "s", "sec", "secs", "seconds", "min", "mins", "minutes", "h", "hours"]
        if words.count > 1, let last = words.last, unitWords.contains(last) {
            unit = unit ?? last
            words.removeLast()
        }
        return HeaderName(base: words.joined(separator: " "), unit: unit)
    }

    /// A draft profile for the export at `path`, read from its header and first `sampleRows` rows.
    /// - Throws: ``ImportError`` when the export cannot be read as CSV or has no header line.
    public static func text(forExport path: String, sampleRows: Int = 2000) throws -> String {
        struct Enough: Error {}
        var header: [String] = []
        var samples: [[String]] = []
        var delimiter: UInt8 = UInt8(ascii: ",")
        do {
            _ = try CaseloadImporter().streamCSV(path) { record, dialect in
                let fields = (0..<record.count).map { i in record.withField(i) { CellParser.decode(CellParser.trimmed($0)).text } }
                if header.isEmpty && samples.isEmpty {
                    header = fields
                    delimiter = dialect.delimiter
                    return
                }
                guard samples.count < sampleRows else { throw Enough() }
                if fields.contains(where: { !$0.isEmpty }) { samples.append(fields) }
            }
        } catch is Enough {}
        guard !header.isEmpty else { throw ImportError(file: path, reason: "the file has no header line") }
        return draft(header: header, samples: samples, fileName: (path as NSString).lastPathComponent, decimalComma: delimiter == UInt8(ascii: ";"))
    }

    /// The draft for a header and sample rows (the part of ``text(forExport:sampleRows:)`` after reading).
    static func draft(header: [String], samples: [[String]], fileName: String, decimalComma: Bool) -> String {
        let builtInNames = MappingProfile.builtInNames
        func values(_ column: Int) -> [String] {
            samples.compactMap { column < $0.count && !$0[column].isEmpty ? $0[column] : nil }
        }
        // Match each header to a canonical column; the first header to claim a column keeps it.
        var chosen: [String: Int] = [:]
        var alsoLike: [Int: String] = [:]
        for (column, name) in header.enumerated() where !name.isEmpty {
            let split = split(name)
            let candidates = [MappingProfile.fold(name), split.base]
            guard let canonical = synonyms.first(where: { entry in
                candidates.contains { LogColumn.names.contains($0) ? $0 == entry.canonical : entry.names.contains($0) }
                    || candidates.contains(entry.canonical)
            })?.canonical else { continue }
            // A "time" column of dates is the date, of durations the duration.
            var target = canonical
            if canonical == "duration_min", looksLikeDates(values(column)) { target = "date" }
            if chosen[target] == nil { chosen[target] = column } else { alsoLike[column] = target }
        }
        var lines = [
            "# Draft mapping profile for \(oneLine(fileName)), written by `caseload profile init`.",
            "# Every guess below is commented: check them, then see how rows read with",
            "#   caseload profile check THIS-FILE.toml \(oneLine(fileName))",
            "# Keys and meanings: docs/FORMATS.md, \"Mapping profiles\".",
        ]
        for builtIn in builtInNames.compactMap(MappingProfile.builtIn(named:)) {
            if case .success(let layout) = builtIn.fit(header) {
                lines.append(
                    "# This export fits the built-in profile \(builtIn.name) (layout '\(layout.name)'): --profile \(builtIn.name) "
                        + "reads it without a file, with its workout rules (docs/FORMATS.md, \"Built-in profiles\").")
            }
        }
        lines += [
            "",
            "[profile]",
            "name = \(quoted((fileName as NSString).deletingPathExtension.isEmpty ? "Draft profile" : "Draft for " + (fileName as NSString).deletingPathExtension))",
            "",
            "[columns]",
            "# canonical column = the export's header (matched in any case, trimmed)",
        ]
        var units: [String] = []
        var dates: [String] = []
        var valueBlocks: [String] = []
        let cells = CellParser(dateOrder: .iso, decimalComma: decimalComma)
        for field in LogColumn.allCases {
            guard let column = chosen[field.name] else { continue }
            let header = header[column]
            let split = split(header)
            let sample = values(column)
            if field == .category, let block = valueBlock(field, sample, cells: cells) {
                // Apps' own categories (FitNotes: Legs, Back, …) are not caseload's: left for the user to map.
                lines.append(
                    "# category = \(quoted(header))   # its values are not caseload categories: map them below, then uncomment both")
                valueBlocks.append(block.split(separator: "\n").map { $0.hasPrefix("#") ? String($0) : "# " + $0 }.joined(separator: "\n"))
                continue
            }
            lines.append("\(field.name) = \(quoted(header))   # guessed from the header '\(oneLine(header))'")
            switch field {
            case .loadKg:
                let unit = split.unit.map { ["lb", "lbs", "pounds"].contains($0) ? "lb" : ["kg", "kgs"].contains($0) ? "kg" : "?" }
                if unit == "lb" {
                    units.append("load = \"lb\"   # the header names pounds ('\(oneLine(header))')")
                } else if unit == "kg" {
                    units.append("load = \"kg\"   # the header names kilograms ('\(oneLine(header))')")
                } else {
                    let range = numericRange(sample, cells: cells).map { " (values \($0))" } ?? ""
                    units.append("load = \"kg\"   # a guess: the header names no unit\(range); \"lb\" for pounds")
                }
            case .durationMin:
                let unit = split.unit ?? ""
                if ["s", "sec", "secs", "seconds"].contains(unit) || split.base == "seconds" {
                    units.append("duration = \"s\"   # the header names seconds ('\(oneLine(header))')")
                } else if ["h", "hours"].contains(unit) {
                    units.append("duration = \"h\"   # the header names hours ('\(oneLine(header))')")
                } else if ["min", "mins", "minutes"].contains(unit) || split.base == "minutes" {
                    units.append("duration = \"min\"   # the header names minutes ('\(oneLine(header))')")
                } else if !sample.isEmpty, sample.allSatisfy({ ProfileDuration.minutes(hm: $0) != nil }) {
                    units.append("duration = \"hm\"   # values like '\(oneLine(sample[0]))'")
                } else if let top = numericRange(sample, cells: cells, maximum: true), let max = Double(top), max > 180 {
                    units.append("duration = \"s\"   # a guess: no unit in the header and values up to \(top), more than 3 hours as minutes")
                } else {
                    units.append("duration = \"min\"   # a guess: no unit in the header; \"s\", \"h\" or \"hm\" otherwise")
                }
            case .date:
                dates = dateGuess(sample, cells: cells)
            case .readiness, .swelling, .nightPain:
                if let block = valueBlock(field, sample, cells: cells) { valueBlocks.append(block) }
            default:
                break
            }
        }
        if chosen["date"] == nil {
            lines.append("# No header looks like the date: caseload needs one. Map it, e.g.")
            lines.append("date = \(quoted(header.first { !$0.isEmpty } ?? "Date"))   # a placeholder: the first column; replace it")
        }
        for (column, canonical) in alsoLike.sorted(by: { $0.key < $1.key }) {
            lines.append("# '\(oneLine(header[column]))' also looks like \(canonical); only one column can feed it")
        }
        let mapped = Set(chosen.filter { $0.key != "category" || valueBlocks.allSatisfy { !$0.hasPrefix("# [values.category]") } }.values)
        let unmapped = header.enumerated().filter { !mapped.contains($0.offset) && !$0.element.isEmpty }.map { "'\(oneLine($0.element))'" }
        if !unmapped.isEmpty {
            lines.append("# Not read (no canonical column matched): " + unmapped.joined(separator: ", "))
        }
        for (column, name) in header.enumerated() where !mapped.contains(column) && split(name).base.hasSuffix("unit") && !name.lowercased().hasPrefix("distance") {
            lines.append(
                "# '\(oneLine(name))' looks like a unit written on each row: a profile has one unit a column ([units]); "
                    + "check that every row uses it")
        }
        if chosen["patient_id"] == nil {
            lines += ["", "[patient]", "# The export has no patient column: the patient comes from --patient ID, or from the file name:"]
            if let pattern = filenamePattern(fileName) {
                let id = MappingProfile.patient(fromFileName: fileName, pattern: pattern) ?? ""
                lines.append("from_filename = \(literal(pattern))   # guessed: '\(oneLine(fileName))' gives \(oneLine(id))")
            } else {
                lines.append("# from_filename = '^(PFP-[0-9]+)'   # the first capture group of the file name is the patient ID")
            }
        }
        if !units.isEmpty { lines += ["", "[units]"] + units }
        if !dates.isEmpty { lines += ["", "[dates]"] + dates }
        for block in valueBlocks { lines += ["", block] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// True when most values read as dates (ISO, or one of ``dateFormats``).
    static func looksLikeDates(_ values: [String]) -> Bool {
        let sample = values.prefix(50)
        guard !sample.isEmpty else { return false }
        let cells = CellParser(dateOrder: .iso, decimalComma: false)
        let formats = dateFormats.compactMap { try? ProfileDateFormat($0) }
        let dated = sample.filter { value in
            isISODate(value, cells: cells) || formats.contains { $0.isoText(value) != nil }
        }
        return dated.count * 2 > sample.count
    }

    static func isISODate(_ value: String, cells: CellParser) -> Bool {
        var ambiguous = false
        return Array(value.utf8).withUnsafeBufferPointer { raw in
            if case .value = cells.date(raw, name: "date", ambiguous: &ambiguous) { return true }
            return false
        }
    }

    /// The `[dates]` lines for the date column's values.
    static func dateGuess(_ values: [String], cells: CellParser) -> [String] {
        guard !values.isEmpty else { return ["# no dates in the first rows to guess a format from; ISO 8601 is read without one"] }
        if values.allSatisfy({ isISODate($0, cells: cells) }) {
            return ["# the dates are ISO 8601 ('\(oneLine(values[0]))'), read without a format"]
        }
        func reads(_ format: ProfileDateFormat, _ value: String) -> Bool {
            isISODate(value, cells: cells)
                || format.isoText(value).map { iso in
                    let p = iso.prefix(10).split(separator: "-").compactMap { Int($0) }
                    return p.count == 3 && CalendarDate(year: p[0], month: p[1], day: p[2]) != nil
                } ?? false
        }
        // The pattern reading the most values (the first of equals); a few bad dates do not hide it.
        var best: (pattern: String, count: Int)?
        var counts: [String: Int] = [:]
        for pattern in dateFormats {
            guard let format = try? ProfileDateFormat(pattern) else { continue }
            let count = values.filter { reads(format, $0) }.count
            counts[pattern] = count
            if count > (best?.count ?? 0) { best = (pattern, count) }
        }
        guard let best, best.count * 2 > values.count else {
            return [
                "# no known pattern reads most dates (e.g. '\(oneLine(values[0]))'): write one with",
                "# \(ProfileDateFormat.directives)",
                "# format = \"%d %b %Y, %H:%M\"",
            ]
        }
        let example = values.first { value in (try? ProfileDateFormat(best.pattern)).map { $0.isoText(value) != nil } ?? false } ?? values[0]
        let share = best.count == values.count
            ? "every date in the first rows" : "\(best.count) of \(values.count) dates in the first rows (check the others)"
        var out = ["format = \(quoted(best.pattern))   # reads \(share), e.g. '\(oneLine(example))'"]
        let swapped = best.pattern.contains("%d/%m") ? best.pattern.replacingOccurrences(of: "%d/%m", with: "%m/%d")
            : best.pattern.contains("%m/%d") ? best.pattern.replacingOccurrences(of: "%m/%d", with: "%d/%m") : nil
        if let swapped, counts[swapped] == best.count {
            out.append("# \(swapped) reads as many: check which order the app writes (day first is guessed)")
        }
        return out
    }

    /// `[values.<column>]` for a column whose values are not all canonical: common words guessed,
    /// the rest listed for the user to map.
    static func valueBlock(_ field: LogColumn, _ values: [String], cells: CellParser) -> String? {
        var distinct: [String] = []
        for value in values where !distinct.contains(where: { MappingProfile.fold($0) == MappingProfile.fold(value) }) {
            distinct.append(value)
            if distinct.count == 30 { break }
        }
        let foreign = distinct.filter { MappingProfile.canonicalValueProblem($0, field: field, cells: cells) != nil }
        guard !foreign.isEmpty else { return nil }
        let yes: Set<String> = ["ok", "okay", "passed", "good", "done", "✓", "✔", "x"]
        let no: Set<String> = ["not ok", "not okay", "failed", "bad", "✗", "✘"]
        var lines = ["[values.\(field.name)]", "# the export's value = caseload's value (matched in any case)"]
        for value in foreign {
            let folded = MappingProfile.fold(value)
            var guess: String?
            switch field {
            case .readiness: guess = yes.contains(folded) ? "pass" : no.contains(folded) ? "fail" : nil
            case .swelling, .nightPain: guess = yes.contains(folded) ? "yes" : no.contains(folded) ? "no" : nil
            default: guess = nil
            }
            if let guess {
                lines.append("\(quoted(value)) = \(quoted(guess))   # guessed")
            } else {
                let choices = field == .readiness ? "pass or fail" : field == .category
                    ? ExerciseCategory.allCases.map(\.rawValue).joined(separator: ", ") : "yes or no"
                lines.append("# \(quoted(value)) = \"\"   # not a caseload value: map it to \(choices), or leave it (rows with it are rejected)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `min–max` of the values that are numbers (the maximum alone with `maximum`), or `nil`.
    static func numericRange(_ values: [String], cells: CellParser, maximum: Bool = false) -> String? {
        let numbers = values.compactMap { value in Array(value.utf8).withUnsafeBufferPointer { cells.number($0) } }
        guard let low = numbers.min(), let high = numbers.max() else { return nil }
        func show(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        return maximum ? show(high) : "\(show(low))–\(show(high))"
    }

    /// A pattern taking an ID such as `PFP-014` from the start of the file name, or `nil`.
    static func filenamePattern(_ fileName: String) -> String? {
        let pattern = "^([A-Za-z]+[-_]?[0-9]+)"
        return MappingProfile.patient(fromFileName: fileName, pattern: pattern) == nil ? nil : pattern
    }

    /// `text` as a TOML basic string: `"…"` with `\` `"` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `text` as a TOML literal string when it can be one (no `'` or control character), else basic.
    static func literal(_ text: String) -> String {
        text.unicodeScalars.contains { $0 == "'" || $0.value < 0x20 || $0.value == 0x7F } ? quoted(text) : "'" + text + "'"
    }

    /// `text` safe inside a comment: control characters shown as spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
