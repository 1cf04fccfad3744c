import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import CaseloadShard
import Foundation

/// `caseload merge`: the report of a sharded run, byte for byte that of `review --plan`.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge a plan's finished shards into the report folder.",
        discussion: """
            Refuses, writing nothing (exit 1), unless every shard is present and verified against its \
            checksums; the plan, binary and shard function are the same everywhere; every input's \
            SHA-256 agrees across shards; every record is owned exactly once (the shards' rows read add \
            up to the records of each file); no patient is in two shards; and every balance holds. \
            Then writes the report folder exactly as `caseload review --plan` does, its manifest with \
            one more object, `execution`.

            Examples:
              caseload merge --plan work/plan.json --out reports/2026-W47
            """
    )

    @Option(help: "The plan file (caseload plan).")
    var plan: String

    @Option(help: "Report folder (default: reports/<as-of date>). Replaced atomically when complete.")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the summary as JSON on stdout (nothing else goes to stdout).")
    var json = false

    @Option(help: "Rows of the follow-up table to print (0: all).")
    var top: Int = 30

    func validate() throws {
        if quiet && json { throw ValidationError("--quiet and --json cannot be used together") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let loaded = try PlannedRun.load(planPath: plan, quiet: quiet)
        let directory = PlannedRun.absolute(out ?? "reports/" + loaded.plan.asOf)
        try OutputFolder.validate(directory)
        let binary = try BinaryIdentity.sha256.get()
        guard binary == loaded.plan.binarySHA256 else {
            throw ShardError(
                path: loaded.planPath,
                reason: "this caseload binary (SHA-256 \(binary)) is not the one that made the plan (\(loaded.plan.binarySHA256))")
        }
        let count = loaded.plan.shards
        let folders = (0..<count).map { loaded.plan.shardFolder($0, work: loaded.work) }
        var verified: [(summary: ShardSummary, sha256: String)] = []
        var missing: [Int] = []
        for index in 0..<count {
            // A folder without _SUCCESS is an unfinished shard; anything else wrong with one is refused at once.
            guard FileManager.default.fileExists(atPath: folders[index] + "/" + ShardFolder.successMarker) else {
                missing.append(index)
                continue
            }
            let (summary, sha) = try ShardFolder.verify(
                folders[index], planSHA256: loaded.planSHA256, binarySHA256: binary, index: index, count: count)
            verified.append((summary, sha))
        }
        guard missing.isEmpty else {
            throw ShardError(
                path: loaded.work + "/shards",
                reason: "\(missing.count) of \(count) shards have not finished: \(PlanStatus.ranges(missing)); "
                    + "nothing written (re-run them, e.g. sbatch --array=\(PlanStatus.ranges(missing)))")
        }
        let summaries = verified.map(\.summary)
        let inputs = try ShardMerge.mergedInputs(
            plan: loaded.plan, planPath: loaded.planPath, summaries: summaries, folders: folders)
        let rejected = try ShardMerge.mergedRejected(try folders.map(ShardFolder.readRejected), folders: folders)

        try loaded.enterWorkingDirectory()
        let configuration = try loaded.configuration(quiet: quiet)
        guard let asOf = configuration.asOf else { throw ShardError(path: loaded.planPath, reason: "the plan has no as-of date") }
        let rows = rejected.map(\.row)
        var imported = ImportResult(inputs: inputs, rejected: rows, totals: inputs.reduce(RowCounts()) { $0 + $1.counts })
        imported.recordsSeen = summaries[0].inputs.map(\.recordsSeen)
        if loaded.plan.review.strict { try ReviewRun.refuseRejected(imported) }

        // The patients stay in the shards: checked here (IDs only), then read as the report is written.
        let source = try ShardedReport(
            folders: folders, summaries: summaries, rejected: rejected, asOf: asOf, thresholds: configuration.thresholds,
            tiers: configuration.tiers)
        try source.checkPatients()
        var context = ReportContext(
            toolVersion: CaseloadCommand.version, commandLine: loaded.plan.commandLine, caseloadName: "All patients",
            createdEpochSeconds: ReviewRun.createdEpochSeconds(asOf: asOf), inputs: inputs, rejected: rows,
            totals: imported.totals, patientSheets: try loaded.patientSheets(configuration))
        context.execution = ExecutionRecord(
            mode: "sharded", shards: count, planSHA256: loaded.planSHA256, shardSummarySHA256: verified.map(\.sha256))
        try ReviewOutput(quiet: quiet, json: json, top: top)
            .finish(imported: imported, source: source, context: context, directory: directory)
    }
}
