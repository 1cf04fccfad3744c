import CaseloadAnalytics
import CaseloadModel

/// The checks and the merge of a sharded run's verified shards: what makes the merged report the
/// one a single process would have written.
///
/// Per-shard balance proves nothing on its own (splitting by file balanced in every shard and gave
/// a wrong report), so coverage and disjointness are checked across shards too.
public enum ShardMerge {
    /// The run's inputs with the shards' counts added up, after checking that every shard read the
    /// same files and that together they own every record exactly once.
    ///
    /// Refuses unless, for every input: every shard names the same path, role, format and size,
    /// the same SHA-256 (and the plan's, when it recorded one), dialect, warnings, ignored columns and
    /// records seen; each shard's counts balance (`rowsRead = accepted + rejected + duplicate`); and
    /// the shards' `rowsRead` add up to the records seen. Each summary's totals must be the sum of
    /// its inputs.
    /// - Parameters:
    ///   - summaries: shard 0's first, one per shard, in index order.
    ///   - folders: each shard's folder, named in errors.
    /// - Throws: ``ShardError`` naming the shard folder (or the plan) and the input.
    public static func mergedInputs(
        plan: RunPlan, planPath: String, summaries: [ShardSummary], folders: [String]
    ) throws -> [InputSummary] {
        guard let first = summaries.first else { throw ShardError(path: planPath, reason: "no shards to merge") }
        guard first.inputs.count == plan.inputs.count else {
            throw ShardError(path: folders[0], reason: "read \(first.inputs.count) inputs; the plan lists \(plan.inputs.count)")
        }
        for (index, planned) in plan.inputs.enumerated() {
            let input = first.inputs[index].summary
            guard input.path == planned.path else {
                throw ShardError(path: folders[0], reason: "input \(index + 1) is \(input.path); the plan has \(planned.path)")
            }
            if let sha = planned.sha256, sha != input.sha256 {
                throw ShardError(
                    path: folders[0], reason: "\(input.path) has SHA-256 \(input.sha256); the plan recorded \(sha): the input changed")
            }
        }
        var merged = first.inputs.map(\.summary)
        for index in merged.indices { merged[index].counts = RowCounts() }
        for (shard, summary) in summaries.enumerated() {
            let folder = folders[shard]
            guard summary.inputs.count == first.inputs.count else {
                throw ShardError(path: folder, reason: "read \(summary.inputs.count) inputs; shard 0 read \(first.inputs.count)")
            }
            var total = RowCounts()
            for (index, entry) in summary.inputs.enumerated() {
                let reference = first.inputs[index]
                let input = entry.summary
                let name = reference.summary.path
                if input.path != name || input.role != reference.summary.role || input.format != reference.summary.format {
                    throw ShardError(path: folder, reason: "input \(index + 1) is \(input.path); shard 0 read \(name)")
                }
                if input.sha256 != reference.summary.sha256 || input.bytes != reference.summary.bytes {
                    throw ShardError(
                        path: folder,
                        reason: "\(name) had SHA-256 \(input.sha256) (\(input.bytes) bytes) here but \(reference.summary.sha256) "
                            + "(\(reference.summary.bytes) bytes) in \(folders[0]): the input changed between shards")
                }
                if input.dialect != reference.summary.dialect || input.warnings != reference.summary.warnings
                    || input.ignoredColumns != reference.summary.ignoredColumns || entry.recordsSeen != reference.recordsSeen
                {
                    throw ShardError(path: folder, reason: "\(name) was read differently here than in \(folders[0])")
                }
                guard input.counts.isBalanced else {
                    let c = input.counts
                    throw ShardError(
                        path: folder,
                        reason: "\(name): \(c.rowsRead) rows read ≠ \(c.rowsAccepted) accepted + \(c.rowsRejected) rejected + "
                            + "\(c.rowsDuplicate) duplicate")
                }
                merged[index].counts = merged[index].counts + input.counts
                total = total + input.counts
            }
            guard total == summary.totals else {
                throw ShardError(path: folder, reason: "the summary's totals are not the sum of its inputs")
            }
        }
        for (index, entry) in first.inputs.enumerated() where merged[index].counts.rowsRead != entry.recordsSeen {
            throw ShardError(
                path: planPath,
                reason: "\(entry.summary.path) has \(entry.recordsSeen) records but the shards own \(merged[index].counts.rowsRead) "
                    + "of them: every record must be owned exactly once")
        }
        return merged
    }

    /// The run's rejected rows in the order a single process lists them, from each shard's rows
    /// (each keeping its caseload).
    /// - Throws: ``ShardError`` when two shards claim the same row or a row is missing.
    public static func mergedRejected(_ shards: [[OrderedRejectedRow]], folders: [String]) throws -> [OrderedRejectedRow] {
        var all: [(ordinal: Int, shard: Int, row: OrderedRejectedRow)] = []
        for (shard, rows) in shards.enumerated() { for row in rows { all.append((row.ordinal, shard, row)) } }
        all.sort { $0.ordinal < $1.ordinal }
        for (position, entry) in all.enumerated() where entry.ordinal != position {
            let shard = folders[entry.shard]
            if position > 0, all[position - 1].ordinal == entry.ordinal {
                throw ShardError(path: shard, reason: "rejected row \(entry.ordinal) is claimed by two shards")
            }
            throw ShardError(path: shard, reason: "rejected row \(position) is owned by no shard")
        }
        return all.map(\.row)
    }
}
