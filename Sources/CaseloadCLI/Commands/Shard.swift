import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import CaseloadShard
import Foundation

/// `caseload shard`: one shard of a planned run (docs/SCALING.md).
struct Shard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one shard of a plan: the patients whose shard is I.",
        discussion: """
            Reads every input of the plan, keeps the rows and roster lines of the patients whose shard \
            is I (rows without a patient belong to shard 0), analyses them and writes \
            WORK/shards/shard-IIIII-of-NNNNN/, renamed into place when complete with _SUCCESS written \
            last. A finished shard of the same plan and binary exits 0 at once; folders left by killed \
            attempts are removed.

            Exit codes: 0 done (or already done); 1 data error and 2 usage error (do not retry); \
            75 transient I/O error (retry).

            Examples:
              caseload shard --plan work/plan.json --index 3
              caseload shard --plan work/plan.json --index-env SLURM_ARRAY_TASK_ID
            """
    )

    @Option(help: "The plan file (caseload plan).")
    var plan: String

    @Option(help: "The shard index I, 0…N-1.")
    var index: Int?

    @Option(name: .customLong("index-env"), help: "Take I from this environment variable (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX).")
    var indexEnv: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if (index == nil) == (indexEnv == nil) { throw ValidationError("give exactly one of --index and --index-env") }
    }

    func run() throws {
        let loaded = try PlannedRun.load(planPath: plan, quiet: quiet)
        let count = loaded.plan.shards
        let shard = try resolvedIndex()
        guard (0..<count).contains(shard) else {
            throw ValidationError("shard index \(shard) is outside 0…\(count - 1) (the plan has \(count) shards)")
        }
        let binary = try BinaryIdentity.sha256.get()
        guard binary == loaded.plan.binarySHA256 else {
            throw ShardError(
                path: loaded.planPath,
                reason: "this caseload binary (SHA-256 \(binary)) is not the one that made the plan (\(loaded.plan.binarySHA256)); "
                    + "run the plan's binary or make the plan again")
        }
        let folder = loaded.plan.shardFolder(shard, work: loaded.work)
        let name = ShardFolder.name(index: shard, count: count)
        if (try? ShardFolder.verify(
            folder, planSHA256: loaded.planSHA256, binarySHA256: binary, index: shard, count: count)) != nil
        {
            if !quiet { print("\(name): already done") }
            return
        }
        try ShardFolder.removeDebris(of: name, in: loaded.work + "/shards")

        try loaded.enterWorkingDirectory()
        let configuration = try loaded.configuration(quiet: quiet)
        try loaded.checkInputsBeforeReading(configuration)
        let pseudonymizer = try loaded.pseudonymizer()
        var naming: (@Sendable (String) -> String)?
        if let pseudonymizer {
            naming = { @Sendable id in pseudonymizer.token(for: id) }
        }
        let selection = PatientSelection.shard(shard, of: count, naming: naming)
        guard let asOf = configuration.asOf else { throw ShardError(path: loaded.planPath, reason: "the plan has no as-of date") }
        let imported = try ReviewRun.importInputs(configuration, pseudonymizer: pseudonymizer, selection: selection)
        try loaded.checkInputsAfterReading(imported)
        let records = imported.builder.records(roster: imported.roster)
        let analysis = analyse(records, asOf: asOf, thresholds: configuration.thresholds, tiers: configuration.tiers)
        let inputs = zip(imported.inputs, imported.recordsSeen).map {
            ShardSummary.ShardInput(summary: $0, recordsSeen: $1)
        }
        let summary = ShardSummary(
            version: CaseloadCommand.version, planSHA256: loaded.planSHA256, binarySHA256: binary, index: shard,
            count: count, inputs: inputs, patients: 0, rejectedRows: 0, seriesPatients: 0)
        let rejected = zip(imported.rejectedOrdinals, imported.rejected).map { OrderedRejectedRow(ordinal: $0, row: $1) }
        let output = ShardOutput(
            summary: summary, analysis: analysis, rejected: rejected, perWorkbook: WorkbookOptions.defaultMaxPatientSheets)
        try ShardFolder.write(output, to: folder, attemptTag: "\(getpid())")
        if !quiet {
            let t = output.summary.totals
            print("\(name): \(output.summary.patients) patients, \(t.rowsRead) rows = \(t.rowsAccepted) used + "
                + "\(t.rowsRejected) rejected + \(t.rowsDuplicate) duplicate")
        }
    }

    /// I from `--index`, or from the variable `--index-env` names.
    private func resolvedIndex() throws -> Int {
        if let index { return index }
        let name = indexEnv ?? ""
        guard let raw = ProcessInfo.processInfo.environment[name] else {
            throw ValidationError("the environment variable \(name) (--index-env) is not set")
        }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("the environment variable \(name) holds '\(raw)', not a shard index")
        }
        return value
    }
}
