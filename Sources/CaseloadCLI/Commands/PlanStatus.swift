import ArgumentParser
import CaseloadShard
import Foundation

/// `caseload plan-status`: which shards of a plan are done, and which to re-submit.
struct PlanStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-status",
        abstract: "Say which shards of a plan are done; --missing prints the indices to re-submit.",
        discussion: """
            A shard is done when its folder is complete and verified (its _SUCCESS and checksums) for \
            this plan and the plan's binary. With --missing, prints only the indices still to run, \
            as ranges for sbatch --array (nothing when all are done).

            Examples:
              caseload plan-status work/plan.json
              sbatch --array=$(caseload plan-status work/plan.json --missing) scripts/slurm/shard.sbatch work/plan.json
            """
    )

    @Argument(help: "The plan file (caseload plan).")
    var plan: String

    @Flag(help: "Print only the indices to re-submit (e.g. 1,4-6), nothing when all shards are done.")
    var missing = false

    func run() throws {
        let loaded = try PlannedRun.load(planPath: plan, quiet: true)
        let count = loaded.plan.shards
        var notDone: [Int] = []
        var lines: [String] = []
        for index in 0..<count {
            let folder = loaded.plan.shardFolder(index, work: loaded.work)
            do {
                _ = try ShardFolder.verify(
                    folder, planSHA256: loaded.planSHA256, binarySHA256: loaded.plan.binarySHA256, index: index, count: count)
                lines.append("\(ShardFolder.name(index: index, count: count))  done")
            } catch let error as ShardError {
                notDone.append(index)
                lines.append("\(ShardFolder.name(index: index, count: count))  not done: \(error.reason)")
            }
        }
        if missing {
            if !notDone.isEmpty { print(PlanStatus.ranges(notDone)) }
            return
        }
        for line in lines { print(line) }
        print("\(count - notDone.count) of \(count) shards done" + (notDone.isEmpty ? "" : "; to re-submit: \(PlanStatus.ranges(notDone))"))
    }

    /// Sorted indices as `sbatch --array` ranges: `[0, 1, 2, 5]` → `0-2,5`.
    static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start: Int?
        var previous = 0
        for index in indices.sorted() {
            if let s = start, index == previous + 1 {
                previous = index
                _ = s
                continue
            }
            if let s = start { parts.append(s == previous ? "\(s)" : "\(s)-\(previous)") }
            start = index
            previous = index
        }
        if let s = start { parts.append(s == previous ? "\(s)" : "\(s)-\(previous)") }
        return parts.joined(separator: ",")
    }
}
