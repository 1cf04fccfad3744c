import ArgumentParser
import CaseloadExport
import CaseloadImport
import CaseloadModel
import CaseloadShard
import Foundation

/// A plan read from `WORK/plan.json`, turned into the review it pins: the glue `shard`, `merge`
/// and `review --plan` share.
struct PlannedRun {
    /// The plan.
    var plan: RunPlan
    /// SHA-256 of the plan file's bytes.
    var planSHA256: String
    /// The plan file, as an absolute path.
    var planPath: String

    /// The work folder: the plan's folder, which holds `shards/`.
    var work: String { (planPath as NSString).deletingLastPathComponent }

    /// Reads the plan (paths are resolved before any change of working folder) and sets up logging.
    static func load(planPath: String, quiet: Bool, verbose: Bool = false) throws -> PlannedRun {
        Log.setUp(level: Log.level(verbose: verbose, quiet: quiet))
        let path = absolute(planPath)
        let (plan, sha) = try RunPlan.read(path)
        return PlannedRun(plan: plan, planSHA256: sha, planPath: path)
    }

    /// `path` made absolute against the current working folder, standardised.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
    }

    /// Moves into the plan's working folder, so relative input paths name the same files (and the
    /// outputs the same paths) as in the run the plan describes.
    func enterWorkingDirectory() throws {
        guard FileManager.default.changeCurrentDirectoryPath(plan.workingDirectory) else {
            throw ShardError(
                path: plan.workingDirectory,
                reason: "cannot enter the plan's working folder: every node must see the inputs at the same paths",
                isTransient: true)
        }
    }

    /// The run configuration the plan pins (call in the plan's working folder).
    func configuration(quiet: Bool) throws -> RunConfiguration {
        let review = plan.review
        var options = ImportOptions()
        if let format = review.dateFormat {
            do {
                options.dateOrder = try ImportOptions.dateOrder(parsing: format)
            } catch {
                throw ValidationError("the plan's --date-format '\(format)' is not valid")
            }
        }
        do {
            options.formats = try (review.formats ?? []).map(FormatChoice.init(parsing:))
        } catch {
            throw ValidationError("the plan's --format values \((review.formats ?? []).joined(separator: " ")) are not valid")
        }
        guard let asOf = CalendarDate(iso: plan.asOf) else {
            throw ShardError(path: planPath, reason: "as_of '\(plan.asOf)' is not a date")
        }
        let config = try ConfigFile.resolve(explicit: review.config, directory: FileManager.default.currentDirectoryPath)
        options.fhir = config.fhir  // as RunConfiguration.make does for an unplanned run
        options.profiles = try RunConfiguration.profiles(given: [], config: config)  // [profile] paths
        return RunConfiguration(
            inputs: review.inputs, roster: review.roster ?? RunConfiguration.impliedRoster(in: review.inputs),
            impliedPROMs: RunConfiguration.impliedFile("proms.csv", in: review.inputs), asOf: asOf,
            importOptions: options, config: config, showsProgress: !quiet && Terminal.isTTY(STDERR_FILENO))
    }

    /// The pseudonymiser when the plan asks for one (the key is read from the key file's path).
    func pseudonymizer() throws -> Pseudonymizer? {
        guard plan.review.pseudonymize, let keyFile = plan.review.keyFile else { return nil }
        return try Pseudonymizer(keyFile: keyFile)
    }

    /// Who gets a patient sheet: the plan's `--patient-sheets`, else the configuration's.
    func patientSheets(_ configuration: RunConfiguration) throws -> PatientSheetPolicy {
        guard let raw = plan.review.patientSheets else { return configuration.config.patientSheets.policy }
        guard let choice = PatientSheetsChoice(rawValue: raw) else {
            throw ShardError(path: planPath, reason: "patient_sheets '\(raw)' is not auto, all or follow-up")
        }
        return choice.policy
    }

    /// The files a review of `configuration` reads, as the plan records them: the roster first,
    /// then the logs found, each with its size (and SHA-256 when `hashing`); and the configuration file.
    static func inputs(of configuration: RunConfiguration, hashing: Bool) throws
        -> (inputs: [RunPlan.PlanInput], config: RunPlan.PlanInput?, profiles: [RunPlan.PlanInput])
    {
        // The same files a review reads: never the roster or a PROM file as a log.
        let excluded = Set([configuration.roster, configuration.impliedPROMs].compactMap { $0 })
        let logs = try discoverInputs(configuration.inputs, excluding: excluded)
        try FormatChoice.validate(configuration.importOptions.formats, logs: logs)
        var files = configuration.roster.map { [($0, "roster")] } ?? []
        files += logs.map { ($0, "log") }
        func entry(_ path: String, _ role: String, hash: Bool) throws -> RunPlan.PlanInput {
            if hash {
                let (sha, bytes) = try Digest.sha256(file: path)
                return RunPlan.PlanInput(path: path, role: role, bytes: bytes, sha256: sha)
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard let size = attributes?[.size] as? Int else {
                throw ImportError(file: path, reason: "no such file")
            }
            return RunPlan.PlanInput(path: path, role: role, bytes: size, sha256: nil)
        }
        let inputs = try files.map { try entry($0.0, $0.1, hash: hashing) }
        // Profile files (not the built-in ones, which are part of the pinned binary), always hashed:
        // a profile changed between the plan and a shard would read the same bytes differently.
        let profiles = try configuration.importOptions.profiles
            .filter { !$0.isBuiltIn }
            .map { try entry($0.source, "profile", hash: true) }
        return (inputs, try configuration.config.path.map { try entry($0, "config", hash: true) }, profiles)
    }

    /// Refuses to read inputs other than the plan's: the files found, their roles and sizes must be
    /// the plan's, and the configuration file's SHA-256 too.
    func checkInputsBeforeReading(_ configuration: RunConfiguration) throws {
        let (found, config, profiles) = try PlannedRun.inputs(of: configuration, hashing: false)
        let planned = plan.inputs.map { ($0.path, $0.role) }
        guard found.map({ ($0.path, $0.role) }).elementsEqual(planned, by: ==) else {
            throw ShardError(
                path: planPath,
                reason: "the inputs found (\(found.map(\.path).joined(separator: ", "))) are not the plan's "
                    + "(\(plan.inputs.map(\.path).joined(separator: ", "))); make the plan again")
        }
        for (now, then) in zip(found, plan.inputs) where now.bytes != then.bytes {
            throw ShardError(
                path: now.path, reason: "has \(now.bytes) bytes; the plan recorded \(then.bytes): the input changed since the plan")
        }
        if (config?.path) != (plan.config?.path) || (config?.sha256) != (plan.config?.sha256) {
            throw ShardError(
                path: config?.path ?? plan.config?.path ?? "caseload.toml",
                reason: "the configuration file is not the one the plan recorded (changed, added or removed)")
        }
        let plannedProfiles = plan.profiles ?? []
        if profiles.map(\.path) != plannedProfiles.map(\.path) || profiles.map(\.sha256) != plannedProfiles.map(\.sha256) {
            let changed = zip(profiles, plannedProfiles).first { $0.path != $1.path || $0.sha256 != $1.sha256 }
            throw ShardError(
                path: changed?.0.path ?? profiles.first?.path ?? plannedProfiles.first?.path ?? "[profile] paths",
                reason: "the mapping profiles are not the ones the plan recorded (changed, added or removed)")
        }
    }

    /// Refuses inputs whose SHA-256, computed while reading, differs from the plan's (with `--hash`).
    func checkInputsAfterReading(_ imported: ImportResult) throws {
        for (input, planned) in zip(imported.inputs, plan.inputs) {
            if let sha = planned.sha256, sha != input.sha256 {
                throw ShardError(
                    path: input.path, reason: "has SHA-256 \(input.sha256); the plan recorded \(sha): the input changed since the plan")
            }
        }
    }
}

/// The SHA-256 of the running `caseload` binary: plans, shards and merges must all be run by one.
enum BinaryIdentity {
    /// The running executable's SHA-256 (`/proc/self/exe` on Linux), computed once.
    static let sha256: Result<String, ShardError> = {
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? "/proc/self/exe" : (Bundle.main.executablePath ?? CommandLine.arguments[0])
        return Result { try Digest.sha256(file: path).sha256 }.mapError {
            ($0 as? ShardError) ?? ShardError(path: path, reason: "\($0)", isTransient: true)
        }
    }()
}
