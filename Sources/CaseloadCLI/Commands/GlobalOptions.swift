import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// Options every command that analyses takes: the configuration file and log detail.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Configuration file: thresholds and report settings (default: caseload.toml in the working folder, when there is one).",
            valueName: "file"))
    var config: String?

    @Flag(help: "Log detail to stderr: files read, dialects, thresholds overridden.")
    var verbose = false
}

/// Everything a run reads, validated once from the options: nothing below re-reads a flag.
struct RunConfiguration {
    /// Log files and folders as given.
    let inputs: [String]
    /// The roster CSV, if any.
    let roster: String?
    /// A `proms.csv` directly inside an input folder: never read as a log; `audit` reads it as its
    /// PROM file unless `--proms` names another.
    var impliedPROMs: String? = nil
    /// The review date given with `--as-of`, `nil` for the latest date in the data.
    let asOf: CalendarDate?
    /// How cells are read.
    let importOptions: ImportOptions
    /// The configuration file in force (or the defaults) and the thresholds it gives.
    let config: ConfigFile
    /// True to draw a progress bar on stderr while reading.
    let showsProgress: Bool

    /// The thresholds in force.
    var thresholds: Thresholds { config.thresholds }
    /// The follow-up tiers in force.
    var tiers: FollowUpTiers { config.tiers }

    /// Validates the options into a configuration and sets up logging.
    /// - Parameters:
    ///   - profiles: `--profile` and `--patient` (review, check and patient take them); the
    ///     configuration's `[profile] paths` apply without `--profile`.
    ///   - quiet: true when only errors may be printed (no progress, errors-only logging).
    /// - Throws: `ValidationError` for bad dates or date formats, ``ConfigError`` for a bad configuration
    ///   file, ``CaseloadImport/ImportError`` for a mapping profile that cannot be read.
    static func make(
        input: InputOptions, global: GlobalOptions, profiles: ProfileOptions? = nil, quiet: Bool = false
    ) throws -> RunConfiguration {
        Log.setUp(level: Log.level(verbose: global.verbose, quiet: quiet))
        let config = try ConfigFile.resolve(
            explicit: global.config, directory: FileManager.default.currentDirectoryPath)
        if let path = config.path {
            Log.logger.info(
                "configuration from \(path)",
                metadata: [
                    "overridden": .string(config.overriddenKeys.joined(separator: ",")),
                    "tiers": .string(config.tierKeysSet.joined(separator: ",")),
                    "patient_sheets": .string(config.patientSheets.rawValue),
                ])
        }
        let roster = input.roster ?? impliedRoster(in: input.inputs)
        if input.roster == nil, let roster {
            Log.logger.notice("using \(roster) as the roster (a roster.csv in an input folder); pass --roster to choose another")
        }
        var importOptions = try input.importOptions()
        importOptions.fhir = config.fhir
        importOptions.profiles = try RunConfiguration.profiles(given: profiles?.profiles ?? [], config: config)
        importOptions.patient = profiles?.patient
        if !importOptions.profiles.isEmpty {
            Log.logger.info(
                "mapping profiles", metadata: ["profiles": .string(importOptions.profiles.map(\.label).joined(separator: ", "))])
        }
        return RunConfiguration(
            inputs: input.inputs, roster: roster, impliedPROMs: impliedFile("proms.csv", in: input.inputs),
            asOf: try input.asOfDate(), importOptions: importOptions, config: config,
            showsProgress: !quiet && Terminal.isTTY(STDERR_FILENO))
    }
}

extension RunConfiguration {
    /// The roster implied when `--roster` is not given: the one `roster.csv` directly inside the
    /// input folders (as `caseload generate` and the samples lay them out); `nil` when there is
    /// none or more than one, so a roster is never guessed between several.
    static func impliedRoster(in inputs: [String]) -> String? {
        impliedFile("roster.csv", in: inputs)
    }

    /// The one file called `name` directly inside the input folders; `nil` when there is none or
    /// more than one.
    static func impliedFile(_ name: String, in inputs: [String]) -> String? {
        let fm = FileManager.default
        let found = inputs.compactMap { path -> String? in
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            let candidate = (path.hasSuffix("/") ? path : path + "/") + name
            return fm.fileExists(atPath: candidate) ? candidate : nil
        }
        return found.count == 1 ? found[0] : nil
    }
}

/// Checks, before any input is read, that a report can be written at a path.
enum OutputFolder {
    /// Throws a ``Failure`` naming the path when `path` is an existing file, or when its
    /// nearest existing ancestor is not a writable folder.
    static func validate(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let target = URL(fileURLWithPath: path).standardizedFileURL
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Failure(description: "\(path): the output path is a file, not a folder")
        }
        var ancestor = target.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
            let up = ancestor.deletingLastPathComponent()
            if up.path == ancestor.path { break }
            ancestor = up
        }
        guard isDirectory.boolValue else {
            throw Failure(description: "\(path): cannot create the output folder: \(ancestor.path) is a file")
        }
        guard access(ancestor.path, W_OK | X_OK) == 0 else {
            throw Failure(description: "\(path): cannot write the output folder: \(ancestor.path) is not writable")
        }
        // A folder that is not a caseload report (the exports themselves, say) is never replaced.
        do {
            try AtomicFolder.refuseToReplaceForeignFolder(target.path)
        } catch let error as ExportError {
            throw Failure(description: "\(path): \(error.reason)")
        }
    }
}
