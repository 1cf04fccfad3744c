import CaseloadAnalytics
import CaseloadModel
import Foundation

/// A sharded run's report, read from the shard folders while it is written: the merge's
/// ``CaseloadAnalytics/ReportSource``.
///
/// What the report needs before its first row comes from the shard summaries: each caseload's
/// tally is the sum of the shards' tallies of it, the run's the sum of all. The rows come from
/// k-way merges of the shards' files, one patient at a time per shard: by priority over
/// `patients.jsonl` (with `weekly.bin` beside it when weekly rows are wanted), priorities numbered
/// as the patients come; by patient ID over `weekly-by-id.bin`. Each shard's part of a caseload is
/// already in order (the priority order is total), so the merge holds one patient per part, and
/// memory does not grow with the run's patients (docs/SCALING.md).
public struct ShardedReport: ReportSource {
    public let asOf: CalendarDate
    public let thresholds: Thresholds
    public let tiers: FollowUpTiers
    public let run: any PatientGroup
    public let caseloads: [any PatientGroup]
    /// Every shard's part of every caseload, in shard order then caseload order.
    let parts: [ShardPart]
    /// The shard folders, in index order.
    let folders: [String]

    /// The report of the verified shards in `folders`.
    ///
    /// Checks each summary's caseloads against its files: names in caseload order, each once; offsets
    /// that start at 0, never go back and end at each file's size; patients adding up to the summary's.
    /// - Parameters:
    ///   - folders: the shard folders, in index order (each verified by ``ShardFolder/verify(_:planSHA256:binarySHA256:index:count:)``).
    ///   - summaries: their summaries, in the same order.
    ///   - rejected: the run's rejected rows in the run's order (``ShardMerge/mergedRejected(_:folders:)``),
    ///     each caseload's rows going to its caseload.
    ///   - asOf, thresholds, tiers: the analysis' settings (the plan's).
    /// - Throws: ``ShardError`` naming the shard folder and what is wrong.
    public init(
        folders: [String], summaries: [ShardSummary], rejected: [OrderedRejectedRow], asOf: CalendarDate,
        thresholds: Thresholds, tiers: FollowUpTiers
    ) throws {
        self.asOf = asOf
        self.thresholds = thresholds
        self.tiers = tiers
        self.folders = folders
        var parts: [ShardPart] = []
        for (shard, summary) in summaries.enumerated() {
            parts += try ShardedReport.parts(of: summary, shard: shard, folder: folders[shard])
        }
        self.parts = parts
        let count = folders.count
        run = ShardedGroup(
            name: "", tally: parts.reduce(CaseloadTally()) { $0 + $1.tally }, rejected: [], parts: parts, folders: folders,
            shards: count)
        var rejectedByName: [String: [RejectedRow]] = [:]
        for entry in rejected {
            if let name = entry.caseload { rejectedByName[name, default: []].append(entry.row) }
        }
        let names = Set(parts.map(\.name)).sorted(by: caseloadOrder)
        caseloads = names.map { name in
            let mine = parts.filter { $0.name == name }
            return ShardedGroup(
                name: name, tally: mine.reduce(CaseloadTally()) { $0 + $1.tally }, rejected: rejectedByName[name] ?? [],
                parts: mine, folders: folders, shards: count)
        }
    }

    /// The parts of one shard, checked against its files' sizes.
    private static func parts(of summary: ShardSummary, shard: Int, folder: String) throws -> [ShardPart] {
        let files = ["patients.jsonl", "weekly.bin", "weekly-by-id.bin"]
        var sizes: [Int] = []
        for name in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            guard let size = attributes?[.size] as? Int else {
                throw ShardError(path: folder + "/" + name, reason: "cannot read the file's size", isTransient: true)
            }
            sizes.append(size)
        }
        let entries = summary.caseloads
        let total = entries.reduce(0) { $0 + $1.tally.patients }
        guard total == summary.patients else {
            throw ShardError(path: folder, reason: "its caseloads hold \(total) patients; its summary says \(summary.patients)")
        }
        var parts: [ShardPart] = []
        var line = 1
        for (index, entry) in entries.enumerated() {
            if index > 0, !caseloadOrder(entries[index - 1].name, entry.name) {
                throw ShardError(path: folder + "/summary.json", reason: "caseload \(entry.name) is out of order or listed twice")
            }
            let starts = [entry.patientsOffset, entry.weeklyOffset, entry.weeklyByIDOffset]
            let ends = index + 1 < entries.count
                ? [entries[index + 1].patientsOffset, entries[index + 1].weeklyOffset, entries[index + 1].weeklyByIDOffset]
                : sizes
            for k in files.indices where (index == 0 && starts[k] != 0) || starts[k] > ends[k] || ends[k] > sizes[k] {
                throw ShardError(
                    path: folder + "/summary.json",
                    reason: "caseload \(entry.name) claims bytes \(starts[k])..<\(ends[k]) of \(files[k]), which has \(sizes[k])")
            }
            parts.append(
                ShardPart(
                    shard: shard, folder: folder, name: entry.name, tally: entry.tally, firstLine: line,
                    patientsBytes: starts[0]..<ends[0], weeklyBytes: starts[1]..<ends[1], weeklyByIDBytes: starts[2]..<ends[2]))
            line += entry.tally.patients
        }
        if entries.isEmpty, let nonEmpty = zip(files, sizes).first(where: { $0.1 > 0 }) {
            throw ShardError(path: folder + "/" + nonEmpty.0, reason: "holds \(nonEmpty.1) bytes but the summary lists no caseload")
        }
        return parts
    }

    /// Checks every patient of every shard before anything is written: no patient is in two shards
    /// (or twice in one), each is in the shard ``CaseloadModel/ShardFunction`` gives its ID, each
    /// caseload part holds as many patients as its tally says, in patient-ID order in
    /// `weekly-by-id.bin`, and `weekly.bin` holds the same patients. Reads patient IDs only.
    /// - Throws: ``ShardError`` naming the shard folder and the patient.
    public func checkPatients() throws {
        let cursor = try MergedWeekly(parts: parts, skipWeeks: true)
        while let (id, _, part) = try cursor.nextWithPart() {
            let expected = ShardFunction.shard(of: id, count: folders.count)
            guard expected == part.shard else {
                throw ShardError(path: part.folder, reason: "patient \(id) belongs to shard \(expected)")
            }
        }
        // weekly.bin holds the same patients as weekly-by-id.bin, part by part (an order-free digest).
        let byID = cursor.digests
        var files: [Int: ShardFile] = [:]
        for (index, part) in parts.enumerated() {
            let file = try files[part.shard] ?? ShardFile(part.folder + "/weekly.bin")
            files[part.shard] = file
            let reader = RangeReader(file, range: part.weeklyBytes)
            var digest: UInt64 = 0
            var count = 0
            while let (id, _) = try reader.nextBlock(skipWeeks: true) {
                digest &+= ShardFunction.hash(id)
                count += 1
            }
            guard count == part.tally.patients, digest == byID[index] else {
                throw ShardError(
                    path: part.folder + "/weekly.bin",
                    reason: "caseload \(part.name) does not hold the patients of weekly-by-id.bin (\(count) of \(part.tally.patients))")
            }
        }
    }
}

/// One shard's part of one caseload: where its patients are in each of the shard's files.
struct ShardPart: Sendable {
    var shard: Int
    var folder: String
    var name: String
    var tally: CaseloadTally
    /// The 1-based line of `patients.jsonl` that holds the part's first patient.
    var firstLine: Int
    var patientsBytes: Range<Int>
    var weeklyBytes: Range<Int>
    var weeklyByIDBytes: Range<Int>
}

/// A caseload (or the whole run) of a sharded run: its parts in the shards.
struct ShardedGroup: PatientGroup {
    let name: String
    let tally: CaseloadTally
    let rejected: [RejectedRow]
    let parts: [ShardPart]
    let folders: [String]
    let shards: Int

    func patients(weekly: Bool) throws -> any PatientCursor {
        try MergedPatients(parts: parts, weekly: weekly, followUpOnly: false)
    }

    func patientsNeedingFollowUp() throws -> any PatientCursor {
        try MergedPatients(parts: parts, weekly: false, followUpOnly: true)
    }

    func weeklyByPatientID() throws -> any WeeklyCursor {
        try MergedWeekly(parts: parts, skipWeeks: false)
    }

    /// Reads the series from `series.jsonl` of each patient's shard (only those shards, only those lines).
    func withDailySeries(_ patients: [PatientSummary]) throws -> [PatientSummary] {
        var byShard: [Int: Set<String>] = [:]
        for patient in patients { byShard[ShardFunction.shard(of: patient.patientID, count: shards), default: []].insert(patient.patientID) }
        var series: [String: PatientSeries] = [:]
        for (shard, ids) in byShard.sorted(by: { $0.key < $1.key }) {
            let found = try ShardFolder.readSeries(folders[shard], wanted: ids)
            if let lost = ids.subtracting(found.keys).sorted().first {
                throw ShardError(path: folders[shard], reason: "has no daily series for patient \(lost), who gets a patient sheet")
            }
            series.merge(found) { first, _ in first }
        }
        return patients.map { patient in
            var patient = patient
            if let one = series[patient.patientID] {
                patient.days = one.days
                patient.painSeries = one.painSeries
            }
            return patient
        }
    }
}

/// A binary min-heap of source indices, ordered by `before` (which must break ties).
struct SourceHeap {
    private(set) var items: [Int] = []

    var first: Int? { items.first }

    mutating func push(_ index: Int, before: (Int, Int) -> Bool) {
        items.append(index)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(items[child], items[parent]) else { return }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst(before: (Int, Int) -> Bool) -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let (left, right) = (2 * parent + 1, 2 * parent + 2)
            var first = parent
            if left < items.count, before(items[left], items[first]) { first = left }
            if right < items.count, before(items[right], items[first]) { first = right }
            if first == parent { return top }
            items.swapAt(first, parent)
            parent = first
        }
    }
}

/// A group's patients in priority order: a k-way merge of its parts' lines of `patients.jsonl`
/// (and blocks of `weekly.bin`), priorities numbered 1… over those needing follow-up as they come.
final class MergedPatients: PatientCursor {
    private struct Source {
        let part: ShardPart
        let lines: RangeReader
        let weekly: RangeReader?
        var read = 0
        var head: PatientSummary?
    }

    private var sources: [Source] = []
    private var heap = SourceHeap()
    private let followUpOnly: Bool
    private var rank = 0
    private let decoder = ShardCoding.decoder

    /// - Parameters:
    ///   - weekly: read each patient's weekly rows from `weekly.bin` too.
    ///   - followUpOnly: stop at the first patient who does not need follow-up (they come last).
    init(parts: [ShardPart], weekly: Bool, followUpOnly: Bool) throws {
        self.followUpOnly = followUpOnly
        var patientFiles: [Int: ShardFile] = [:]
        var weeklyFiles: [Int: ShardFile] = [:]
        for part in parts where part.tally.patients > 0 {
            let file = try patientFiles[part.shard] ?? ShardFile(part.folder + "/patients.jsonl")
            patientFiles[part.shard] = file
            var weeklyReader: RangeReader?
            if weekly {
                let weeklyFile = try weeklyFiles[part.shard] ?? ShardFile(part.folder + "/weekly.bin")
                weeklyFiles[part.shard] = weeklyFile
                weeklyReader = RangeReader(weeklyFile, range: part.weeklyBytes)
            }
            sources.append(Source(part: part, lines: RangeReader(file, range: part.patientsBytes), weekly: weeklyReader))
        }
        for index in sources.indices {
            try advance(index)
            if sources[index].head != nil { heap.push(index, before: before) }
        }
    }

    private func before(_ i: Int, _ j: Int) -> Bool {
        guard let a = sources[i].head, let b = sources[j].head else { return i < j }
        if PriorityOrder.precedes(a, b) { return true }
        if PriorityOrder.precedes(b, a) { return false }
        return i < j
    }

    /// Reads the next patient of source `index` into its head (`nil` at the end of its part),
    /// checking the part against its tally, its order and `weekly.bin`.
    private func advance(_ index: Int) throws {
        let part = sources[index].part
        let path = part.folder + "/patients.jsonl"
        guard let line = try sources[index].lines.nextLine() else {
            guard sources[index].read == part.tally.patients else {
                throw ShardError(
                    path: part.folder,
                    reason: "holds \(sources[index].read) patients of caseload \(part.name); its summary says \(part.tally.patients)")
            }
            if let weekly = sources[index].weekly, !weekly.isAtEnd {
                throw ShardError(path: part.folder + "/weekly.bin", reason: "caseload \(part.name) has more weekly blocks than patients")
            }
            sources[index].head = nil
            return
        }
        let number = part.firstLine + sources[index].read
        sources[index].read += 1
        var patient: PatientSummary
        do {
            patient = try decoder.decode(PatientSummary.self, from: line)
        } catch {
            throw ShardError(path: path + ":\(number)", reason: ShardCoding.describe(error))
        }
        if let weekly = sources[index].weekly {
            guard let block = try weekly.nextBlock(), block.patientID == patient.patientID else {
                throw ShardError(
                    path: part.folder + "/weekly.bin",
                    reason: "the weekly rows of patient \(patient.patientID) (\(path):\(number)) are not where they belong")
            }
            patient.weekly = block.weekly
        }
        if let previous = sources[index].head, !PriorityOrder.precedes(previous, patient) {
            throw ShardError(path: path + ":\(number)", reason: "patient \(patient.patientID) is out of priority order")
        }
        sources[index].head = patient
    }

    func next() throws -> PatientSummary? {
        guard let top = heap.first, var patient = sources[top].head else { return nil }
        if followUpOnly && !patient.needsFollowUp { return nil }
        _ = heap.popFirst(before: before)
        try advance(top)
        if sources[top].head != nil { heap.push(top, before: before) }
        if patient.needsFollowUp {
            rank += 1
            patient.priority = rank
        } else {
            patient.priority = nil
        }
        return patient
    }
}

/// A group's weekly rows by patient ID: a k-way merge of its parts' blocks of `weekly-by-id.bin`.
/// Refuses a patient who comes twice (in two shards, or twice in one) and a part out of ID order.
final class MergedWeekly: WeeklyCursor {
    private struct Source {
        let part: ShardPart
        let blocks: RangeReader
        var read = 0
        var digest: UInt64 = 0
        var head: (patientID: String, weekly: [WeeklySummary])?
    }

    private var sources: [Source] = []
    private var heap = SourceHeap()
    private let skipWeeks: Bool
    private var last: (patientID: String, part: ShardPart)?

    /// - Parameter skipWeeks: read patient IDs only (the weekly rows come back empty).
    init(parts: [ShardPart], skipWeeks: Bool) throws {
        self.skipWeeks = skipWeeks
        var files: [Int: ShardFile] = [:]
        for part in parts {
            let file = try files[part.shard] ?? ShardFile(part.folder + "/weekly-by-id.bin")
            files[part.shard] = file
            sources.append(Source(part: part, blocks: RangeReader(file, range: part.weeklyByIDBytes)))
        }
        for index in sources.indices {
            try advance(index)
            if sources[index].head != nil { heap.push(index, before: before) }
        }
    }

    /// Per part (in the order given), the wrapping sum of ``CaseloadModel/ShardFunction/hash(_:)`` over
    /// the IDs read so far: once the cursor is exhausted, an order-free digest of each part's patients.
    var digests: [UInt64] { sources.map(\.digest) }

    private func before(_ i: Int, _ j: Int) -> Bool {
        guard let a = sources[i].head?.patientID, let b = sources[j].head?.patientID else { return i < j }
        return a != b ? a < b : i < j
    }

    private func advance(_ index: Int) throws {
        let part = sources[index].part
        guard let block = try sources[index].blocks.nextBlock(skipWeeks: skipWeeks) else {
            guard sources[index].read == part.tally.patients else {
                throw ShardError(
                    path: part.folder,
                    reason: "holds \(sources[index].read) patients of caseload \(part.name); its summary says \(part.tally.patients)")
            }
            sources[index].head = nil
            return
        }
        sources[index].read += 1
        sources[index].digest &+= ShardFunction.hash(block.patientID)
        if let previous = sources[index].head?.patientID, previous >= block.patientID {
            throw ShardError(
                path: part.folder + "/weekly-by-id.bin",
                reason: previous == block.patientID
                    ? "patient \(block.patientID) is listed twice" : "patient \(block.patientID) is out of ID order")
        }
        sources[index].head = block
    }

    /// The next patient's ID and weekly rows, and the part they come from.
    func nextWithPart() throws -> (patientID: String, weekly: [WeeklySummary], part: ShardPart)? {
        guard let top = heap.popFirst(before: before), let head = sources[top].head else { return nil }
        let part = sources[top].part
        if let last, last.patientID == head.patientID {
            throw ShardError(
                path: part.folder,
                reason: last.part.shard == part.shard
                    ? "patient \(head.patientID) is in two of its caseloads" : "patient \(head.patientID) is also in \(last.part.folder)")
        }
        last = (head.patientID, part)
        try advance(top)
        if sources[top].head != nil { heap.push(top, before: before) }
        return (head.patientID, head.weekly, part)
    }

    func next() throws -> (patientID: String, weekly: [WeeklySummary])? {
        guard let (id, weekly, _) = try nextWithPart() else { return nil }
        return (id, weekly)
    }
}
