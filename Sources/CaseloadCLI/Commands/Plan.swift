import ArgumentParser
import CaseloadImport
import CaseloadModel
import CaseloadShard
import Foundation

/// `caseload plan`: pins a review for a sharded run (docs/SCALING.md).
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a sharded review: pin its inputs, options and shard count in WORK/plan.json.",
        discussion: """
            Records the inputs (paths and sizes; SHA-256 with --hash), every option that affects the \
            report, the as-of date (required), the shard count and function, the version and the \
            binary's SHA-256, and the equivalent `caseload review` command line, which the report \
            shows. Never records the pseudonymisation key, only its file's path. Then run \
            `caseload shard` for every index 0…N-1 (e.g. as a Slurm job array) and `caseload merge`.

            Examples:
              caseload plan exports/ --roster roster.csv --as-of 2026-11-22 --shards 8 --out work/plan.json
              caseload plan exports/ --as-of 2026-11-22 --shards 64 --hash --out /shared/work/plan.json
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of shards N (1–100000).")
    var shards: Int

    @Option(help: "The plan file to write, WORK/plan.json; shards are written to WORK/shards/.")
    var out: String

    @Flag(help: "Also record every input's SHA-256 (reads every input once more).")
    var hash = false

    @Flag(help: "Exit 1 without writing a report when any row is rejected (applied at the merge).")
    var strict = false

    @Flag(help: "Replace patient IDs by keyed tokens in every output (needs --key-file).")
    var pseudonymize = false

    @Option(name: .customLong("key-file"), help: "Secret key for --pseudonymize; the plan records its path, never the key.")
    var keyFile: String?

    @Option(help: ArgumentHelp("Patients with a sheet of their own, as for review.", valueName: "auto|all|follow-up"))
    var patientSheets: PatientSheetsChoice?

    func validate() throws {
        try input.requireInputs()
        guard input.asOf != nil else {
            throw ValidationError("--as-of is required for a plan: the latest date in the data is not known to any one shard")
        }
        guard (1...100_000).contains(shards) else { throw ValidationError("--shards must be between 1 and 100000") }
        if pseudonymize != (keyFile != nil) { throw ValidationError("--pseudonymize and --key-file go together") }
    }

    func run() throws {
        let path = PlannedRun.absolute(out)
        let folder = (path as NSString).deletingLastPathComponent
        // The shards' files (.json, .jsonl) would be found as inputs by the next run.
        for given in input.inputs {
            let inputFolder = PlannedRun.absolute(given)
            if folder == inputFolder || folder.hasPrefix(inputFolder + "/") {
                throw ValidationError("--out \(out) is inside the input folder \(given); put the work folder elsewhere")
            }
        }
        let configuration = try RunConfiguration.make(input: input, global: global, quiet: true)
        if let keyFile { _ = try Pseudonymizer(keyFile: keyFile) }  // a bad key fails now, not in N shards
        let (inputs, config, profiles) = try PlannedRun.inputs(of: configuration, hashing: hash)
        let review = RunPlan.ReviewOptions(
            inputs: input.inputs, roster: input.roster, dateFormat: input.dateFormat,
            formats: input.formats.isEmpty ? nil : input.formats, config: global.config,
            patientSheets: patientSheets?.rawValue, pseudonymize: pseudonymize, keyFile: keyFile, strict: strict)
        let asOf = try input.asOfDate()?.isoString ?? ""
        let binary = try BinaryIdentity.sha256.get()
        let plan = RunPlan(
            version: CaseloadCommand.version, binarySHA256: binary, created: Plan.now(),
            workingDirectory: FileManager.default.currentDirectoryPath, shards: shards, asOf: asOf, review: review,
            commandLine: ReviewRun.commandLine(review.reviewArguments(asOf: asOf)), inputs: inputs, config: config, profiles: profiles)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let staging = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: staging, contents: try plan.encoded()), rename(staging, path) == 0 else {
                throw ShardError(path: path, reason: "cannot write the plan", isTransient: true)
            }
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError(path: path, reason: "cannot write the plan: \(error.localizedDescription)", isTransient: true)
        }
        print("Plan: \(out), \(shards) shard\(shards == 1 ? "" : "s"), \(inputs.count) input files, as of \(asOf)")
        print("Same as: \(plan.commandLine)")
        print("Next: caseload shard --plan \(out) --index I   (I = 0…\(shards - 1)), then caseload merge --plan \(out) --out REPORT")
    }

    /// The current time, `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    static func now() -> String {
        let seconds = Int(Date().timeIntervalSince1970)
        let day = CalendarDate(daysSinceEpoch: seconds / 86_400)
        let rest = seconds % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return day.isoString + "T" + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60) + "Z"
    }
}
