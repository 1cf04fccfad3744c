import CaseloadModel
import Foundation

/// The log formats `caseload` reads, named in one place: the format registry.
///
/// Each format has the name `--format` takes, the file extensions its files carry, and a reader
/// (``reader(directory:profile:)``, a ``LogReader``). A file's format is chosen by
/// ``FormatRegistry/classify(_:choices:)``: a `--format` choice first, else by content where one
/// extension holds several formats (a `.json` file may be a caseload JSON log, a FHIR Bundle or a
/// single FHIR resource; an `.ndjson` file caseload NDJSON or FHIR resources), else by extension.
/// A new format is a case here (the compiler then asks for its name's description, extensions,
/// reported format and reader) and a ``LogReader``.
public enum LogFormat: String, CaseIterable, Sendable, Hashable {
    /// A training log as CSV with a sniffed delimiter (`,`, `;` or tab).
    case csv
    /// A training log as tab-separated values.
    case tsv
    /// Caseload JSON: one patient object, or an array of them.
    case caseloadJSON = "caseload-json"
    /// Caseload NDJSON: one patient object a line.
    case caseloadNDJSON = "caseload-ndjson"
    /// FHIR R4 in a `.json` file: a Bundle or a single resource.
    case fhirJSON = "fhir-json"
    /// FHIR R4 resources one a line (Bulk Data NDJSON).
    case fhirNDJSON = "fhir-ndjson"

    /// The name `--format` takes.
    public var name: String { rawValue }

    /// What the format is, in words: docs/FORMATS.md's format table says it (a test holds them equal).
    public var summary: String {
        switch self {
        case .csv: "training log, CSV with a sniffed delimiter (`,` `;` or tab)"
        case .tsv: "training log, tab-separated"
        case .caseloadJSON: "training log, caseload JSON: one patient object or an array of them"
        case .caseloadNDJSON: "training log, caseload NDJSON: one patient object a line"
        case .fhirJSON: "FHIR R4 Bundle or single resource"
        case .fhirNDJSON: "FHIR R4 resources, one a line (Bulk Data NDJSON)"
        }
    }

    /// The extensions (lower case) of the files that may hold this format. The first format in
    /// declaration order to claim an extension is that extension's format unless the content says
    /// otherwise; a folder is searched for every extension claimed.
    var extensions: [String] {
        switch self {
        case .csv: ["csv"]
        case .tsv: ["tsv"]
        case .caseloadJSON, .fhirJSON: ["json"]
        case .caseloadNDJSON, .fhirNDJSON: ["ndjson", "jsonl"]
        }
    }

    /// The format an input's summary reports (the manifest's and `check`'s `format`).
    public var reported: InputFormat {
        switch self {
        case .csv: .csv
        case .tsv: .tsv
        case .caseloadJSON: .json
        case .caseloadNDJSON: .ndjson
        case .fhirJSON, .fhirNDJSON: .fhir
        }
    }

    /// The format a path's extension names (case-insensitive): the first format claiming it;
    /// anything else reads as CSV.
    public init(byExtensionOf path: String) {
        let ext = (path as NSString).pathExtension.lowercased()
        self = LogFormat.allCases.first { $0.extensions.contains(ext) } ?? .csv
    }

    /// Every extension a folder is searched for, in registry order.
    static let discoverableExtensions: [String] = {
        var seen: [String] = []
        for format in allCases { for ext in format.extensions where !seen.contains(ext) { seen.append(ext) } }
        return seen
    }()

    /// `.csv, .tsv, .json, .ndjson or .jsonl`.
    public static var extensionList: String {
        let dotted = discoverableExtensions.map { "." + $0 }
        return dotted.dropLast().joined(separator: ", ") + " or " + (dotted.last ?? "")
    }

    /// The names `--format` takes, for messages: `csv, tsv, caseload-json, …`.
    public static var nameList: String { allCases.map(\.name).joined(separator: ", ") }
}

/// A `--format` value: the format of one input (`FILE=FORMAT`; a folder names every file found
/// in it) or of every input (`FORMAT`).
public struct FormatChoice: Sendable, Hashable {
    /// The file or folder it applies to as given, `nil` for every input.
    public var path: String?
    public var format: LogFormat

    /// A choice of `format` for `path` (`nil`: every input).
    public init(path: String?, format: LogFormat) {
        self.path = path
        self.format = format
    }

    /// Parses `FORMAT` or `PATH=FORMAT` (split at the last `=`; format names hold none).
    /// - Throws: ``ImportError`` (file `--format`) naming the formats, for an unknown format.
    public init(parsing text: String) throws {
        let path: String?
        let name: Substring
        if let equals = text.lastIndex(of: "=") {
            path = String(text[..<equals])
            name = text[text.index(after: equals)...]
        } else {
            path = nil
            name = Substring(text)
        }
        guard let format = LogFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ImportError(
                file: "--format",
                reason: "'\(name)' is not a format; use one of \(LogFormat.nameList), as FORMAT or FILE=FORMAT")
        }
        if let path, path.isEmpty {
            throw ImportError(file: "--format", reason: "'\(text)' names no file before '='")
        }
        self.init(path: path, format: format)
    }

    /// The text it was parsed from.
    public var text: String { path.map { $0 + "=" + format.name } ?? format.name }

    /// Checks `choices` against the log inputs found (``discoverInputs(_:excluding:)``) as an import
    /// would before reading any row: each FILE must be among them, and no FHIR file may be forced
    /// to a caseload JSON format. For commands that do not import themselves (`caseload plan`).
    /// - Throws: ``ImportError`` saying which choice is wrong and why.
    public static func validate(_ choices: [FormatChoice], logs: [String]) throws {
        guard !choices.isEmpty else { return }
        _ = try FormatRegistry.classify(logs, choices: choices)
    }
}

/// What an input file is to a run, as ``FormatRegistry/classify(_:choices:)`` decides.
enum InputKind: Equatable {
    /// Rows in `format`, read by its reader.
    case log(LogFormat)
    /// No rows: a caseload report's own manifest, a FHIR Bulk Data manifest or export log, listed
    /// with 0 rows and a note.
    case skipped(FHIRFileKind)
}

/// The format registry's decisions.
enum FormatRegistry {
    /// What each log input is. A `--format` choice wins (the one for the file, else the one for the
    /// nearest folder holding it, else the one for every input; the last given among equals); else
    /// the content decides where one extension holds several formats (``FHIRDirectory/classify(_:)``:
    /// FHIR resources, Bulk Data manifests and export logs, a caseload report's manifest); else the
    /// extension (``LogFormat/init(byExtensionOf:)``).
    /// - Throws: ``ImportError`` for a choice naming a path that is not among the inputs, or a file
    ///   forced to a caseload JSON format whose content is FHIR.
    ///
    /// A file that holds no rows (a Bulk Data manifest or export log, a caseload report's own
    /// manifest) is skipped even under a choice for its folder or for every input: only a choice
    /// naming the file itself reads it as a log.
    static func classify(_ paths: [String], choices: [FormatChoice]) throws -> [String: InputKind] {
        let forced = try forcedChoices(paths, choices: choices)
        let detected = FHIRDirectory.classify(paths.filter { forced[$0]?.namesTheFile != true })
        var kinds: [String: InputKind] = [:]
        for path in paths {
            if let choice = forced[path] {
                switch detected[path] {
                case .bulkManifest?, .bulkLog?, .reportManifest?:
                    if !choice.namesTheFile, let other = detected[path] {
                        kinds[path] = .skipped(other)
                        continue
                    }
                default: break
                }
                try refuseFHIR(path, forcedTo: choice.format)
                kinds[path] = .log(choice.format)
                continue
            }
            switch detected[path] {
            case .resources?: kinds[path] = .log(.fhirJSON)
            case .ndjson?: kinds[path] = .log(.fhirNDJSON)
            case let other?: kinds[path] = .skipped(other)
            case nil: kinds[path] = .log(LogFormat(byExtensionOf: path))
            }
        }
        return kinds
    }

    /// The format `--format` forces on each path it applies to.
    static func forcedFormats(_ paths: [String], choices: [FormatChoice]) throws -> [String: LogFormat] {
        try forcedChoices(paths, choices: choices).mapValues(\.format)
    }

    /// As ``forcedFormats(_:choices:)``, also saying whether the winning choice names the file itself
    /// (`FILE=FORMAT`) rather than a folder holding it or every input.
    static func forcedChoices(
        _ paths: [String], choices: [FormatChoice]
    ) throws -> [String: (format: LogFormat, namesTheFile: Bool)] {
        guard !choices.isEmpty else { return [:] }
        let absolute = paths.map(absoluteStandardizedPath)
        var forced: [String: (format: LogFormat, rank: Int)] = [:]
        for choice in choices {
            guard let given = choice.path else {
                for path in paths where (forced[path]?.rank ?? 0) <= 0 { forced[path] = (choice.format, 0) }
                continue
            }
            let target = absoluteStandardizedPath(given)
            var matched = false
            for (path, full) in zip(paths, absolute) {
                // A file itself ranks above any folder; a nearer folder above a farther one.
                let rank: Int
                if full == target {
                    rank = Int.max
                } else if full.hasPrefix(target.hasSuffix("/") ? target : target + "/") {
                    rank = target.count + 1
                } else {
                    continue
                }
                matched = true
                if (forced[path]?.rank ?? -1) <= rank { forced[path] = (choice.format, rank) }
            }
            if !matched {
                throw ImportError(
                    file: given, reason: "--format \(choice.text) names no log input (a file given or found in a folder given)")
            }
        }
        return forced.mapValues { ($0.format, $0.rank == Int.max) }
    }

    /// Refuses a file forced to a caseload JSON format whose first value is a FHIR resource.
    private static func refuseFHIR(_ path: String, forcedTo format: LogFormat) throws {
        let content: FHIRFileKind?
        switch format {
        case .caseloadJSON: content = FHIRDirectory.classifyJSON(path)
        case .caseloadNDJSON: content = FHIRDirectory.classifyNDJSON(path)
        default: return
        }
        guard let content, content.holdsResources else { return }
        let fhir: LogFormat = content == .ndjson ? .fhirNDJSON : .fhirJSON
        throw ImportError(
            file: path,
            reason: "--format \(format.name), but the file holds FHIR R4 resources (a resourceType at the top level), "
                + "not a caseload log: use --format \(path)=\(fhir.name), or leave --format out (FHIR is found by content)")
    }
}
