import CaseloadAnalytics
import CaseloadModel
import Foundation

/// A rejected row with its place among all the rejected rows of the run (``ShardFolder``).
public struct OrderedRejectedRow: Codable, Sendable, Equatable {
    /// 0-based position among the run's rejected rows, as a single-process review lists them.
    public var ordinal: Int
    /// The row.
    public var row: RejectedRow
    /// The caseload of the row's patient when the shard analysed that patient (the caseload folder
    /// that lists the row), else `nil`.
    public var caseload: String?

    /// Creates an entry.
    public init(ordinal: Int, row: RejectedRow, caseload: String? = nil) {
        self.ordinal = ordinal
        self.row = row
        self.caseload = caseload
    }
}

/// One patient's daily series, kept apart from the summaries so that a merge reads them only
/// for the patients who get a sheet.
public struct PatientSeries: Codable, Sendable, Equatable {
    /// ``PatientSummary/days``.
    public var days: [DailyRecord]
    /// ``PatientSummary/painSeries``.
    public var painSeries: [DailyPainPoint]

    /// Creates a series.
    public init(days: [DailyRecord], painSeries: [DailyPainPoint]) {
        self.days = days
        self.painSeries = painSeries
    }
}

/// Everything one shard writes, before it is written.
public struct ShardOutput: Sendable {
    /// The accounting, its ``ShardSummary/caseloads`` filled in by ``ShardFolder/write(_:to:attemptTag:)``.
    public var summary: ShardSummary
    /// The shard's caseloads in caseload order, each with its patients in ``CaseloadAnalytics/PriorityOrder``.
    public var caseloads: [(name: String, patients: [PatientSummary])]
    /// The thresholds the patients were analysed under (their tallies' adherence bands).
    public var thresholds: Thresholds
    /// Daily series of the patients who may get a sheet (``ShardFolder/seriesCandidates(_:perWorkbook:)``),
    /// in the order of the analysis.
    public var series: [(patientID: String, series: PatientSeries)]
    /// The shard's rejected rows, in the run's order, each with its patient's caseload when known.
    public var rejected: [OrderedRejectedRow]

    /// Splits a shard's analysis into what is written: the patients caseload by caseload, and the
    /// series of the patients who may get a sheet (at most `perWorkbook` per caseload and for the whole run).
    public init(summary: ShardSummary, analysis: CaseloadAnalysis, rejected: [OrderedRejectedRow], perWorkbook: Int) {
        let keep = ShardFolder.seriesCandidates(analysis.patients, perWorkbook: perWorkbook)
        var series: [(String, PatientSeries)] = []
        for (index, patient) in analysis.patients.enumerated() where keep.contains(index) {
            series.append((patient.patientID, PatientSeries(days: patient.days, painSeries: patient.painSeries)))
        }
        var caseloadOf: [String: String] = [:]
        for patient in analysis.patients { caseloadOf[patient.patientID] = clinicianName(patient.clinician) }
        self.rejected = rejected.map { entry in
            var entry = entry
            entry.caseload = entry.row.patientID.flatMap { caseloadOf[$0] }
            return entry
        }
        caseloads = CaseloadAnalytics.caseloads(of: analysis.patients)
        thresholds = analysis.thresholds
        var summary = summary
        summary.seriesPatients = series.count
        summary.patients = analysis.patients.count
        summary.rejectedRows = rejected.count
        self.summary = summary
        self.series = series
    }
}

/// The folder of one shard, `WORK/shards/shard-IIIII-of-NNNNN/`: `summary.json`, `patients.jsonl`,
/// `weekly.bin`, `weekly-by-id.bin`, `series.jsonl`, `rejected.jsonl`, `SHA256SUMS` over those six,
/// and `_SUCCESS` (the SHA-256 of `SHA256SUMS`), written last.
///
/// The patient files hold the shard's caseloads one after another in caseload order (their offsets
/// in ``ShardSummary/Caseload``): `patients.jsonl` each caseload's patients in priority order, one
/// JSON summary a line without weekly rows or daily series; `weekly.bin` their weekly rows in the
/// same order; `weekly-by-id.bin` the same rows by patient ID (``WeeklyBlocks``). A merge reads each
/// caseload's part of each shard front to back, so it never holds more than one patient per part.
///
/// It is built under a name unique to the attempt (`.shard-…tmp-<tag>`) and renamed into place
/// complete, so a folder under the final name without a valid `_SUCCESS` is never the work of a
/// finished attempt.
public enum ShardFolder {
    /// The data files, in `SHA256SUMS` order.
    public static let dataFiles = [
        "patients.jsonl", "rejected.jsonl", "series.jsonl", "summary.json", "weekly-by-id.bin", "weekly.bin",
    ]
    /// The marker written last.
    public static let successMarker = "_SUCCESS"
    /// The checksum list.
    public static let checksums = "SHA256SUMS"

    /// `shard-IIIII-of-NNNNN` (five digits each, zero-padded).
    public static func name(index: Int, count: Int) -> String {
        "shard-" + pad(index) + "-of-" + pad(count)
    }

    private static func pad(_ n: Int) -> String {
        let digits = String(n)
        return digits.count >= 5 ? digits : String(repeating: "0", count: 5 - digits.count) + digits
    }

    /// The indices of the patients (in order) whose daily series a shard keeps: the first
    /// `perWorkbook` of each caseload and the first `perWorkbook` of the shard.
    ///
    /// A workbook gives sheets to at most `perWorkbook` patients, the first in priority order among
    /// those its policy names, and the policies name either everyone or those needing follow-up,
    /// who come first. A shard's patients keep their run order, so a patient among the first
    /// `perWorkbook` of a workbook is among the first `perWorkbook` of that workbook's patients in
    /// its shard: whatever the merge decides, it finds the series it needs.
    public static func seriesCandidates(_ patients: [PatientSummary], perWorkbook: Int) -> Set<Int> {
        var keep = Set(patients.indices.prefix(max(0, perWorkbook)))
        var perCaseload: [String: Int] = [:]
        for (index, patient) in patients.enumerated() {
            let name = clinicianName(patient.clinician)
            let seen = perCaseload[name, default: 0]
            if seen < perWorkbook { keep.insert(index) }
            perCaseload[name] = seen + 1
        }
        return keep
    }

    /// Removes what killed attempts at shard `name` left in `shardsFolder`: folders named
    /// `.<name>.tmp-*`. Only one attempt per shard may run at a time (Slurm runs an array index
    /// once at a time; Kubernetes with `podReplacementPolicy: Failed`).
    public static func removeDebris(of name: String, in shardsFolder: String) throws {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: shardsFolder) else { return }
        for entry in entries where entry.hasPrefix("." + name + ".tmp-") {
            do {
                try fm.removeItem(atPath: shardsFolder + "/" + entry)
            } catch {
                throw ShardError(
                    path: shardsFolder + "/" + entry, reason: "cannot remove a killed attempt's folder: \(error.localizedDescription)",
                    isTransient: true)
            }
        }
    }

    /// Writes `output` as the folder `folder`: built beside it under `.<name>.tmp-<attemptTag>`,
    /// `_SUCCESS` written last, then renamed into place (replacing an unfinished or foreign folder
    /// of the same name).
    /// - Throws: a transient ``ShardError`` when anything cannot be written.
    public static func write(_ output: ShardOutput, to folder: String, attemptTag: String) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: folder)
        let parent = url.deletingLastPathComponent().path
        let staging = parent + "/." + url.lastPathComponent + ".tmp-" + attemptTag
        func io(_ path: String, _ what: String, _ body: () throws -> Void) throws {
            do {
                try body()
            } catch let error as ShardError {
                throw error
            } catch {
                throw ShardError(path: path, reason: "cannot \(what): \(error.localizedDescription)", isTransient: true)
            }
        }
        try io(parent, "create the shards folder") { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        try? fm.removeItem(atPath: staging)
        try io(staging, "create the shard's folder") { try fm.createDirectory(atPath: staging, withIntermediateDirectories: false) }
        do {
            let encoder = ShardCoding.lineEncoder
            var sha: [String: String] = [:]
            // The patient files, caseload by caseload, streamed to disk and hashed as they go.
            let patients = try HashingFile(staging + "/patients.jsonl")
            let weekly = try HashingFile(staging + "/weekly.bin")
            let weeklyByID = try HashingFile(staging + "/weekly-by-id.bin")
            var summary = output.summary
            summary.caseloads = []
            var block: [UInt8] = []
            for (name, members) in output.caseloads {
                summary.caseloads.append(
                    ShardSummary.Caseload(
                        name: name, tally: CaseloadTally(members, thresholds: output.thresholds),
                        patientsOffset: patients.bytes, weeklyOffset: weekly.bytes, weeklyByIDOffset: weeklyByID.bytes))
                for patient in members {
                    var bare = patient
                    bare.days = []
                    bare.painSeries = []
                    bare.weekly = []
                    patients.write(try encoder.encode(bare))
                    patients.write(byte: UInt8(ascii: "\n"))
                    block.removeAll(keepingCapacity: true)
                    WeeklyBlocks.append(patientID: patient.patientID, weekly: patient.weekly, to: &block)
                    weekly.write(block)
                }
                for patient in members.sorted(by: { $0.patientID < $1.patientID }) {
                    block.removeAll(keepingCapacity: true)
                    WeeklyBlocks.append(patientID: patient.patientID, weekly: patient.weekly, to: &block)
                    weeklyByID.write(block)
                }
            }
            sha["patients.jsonl"] = try patients.finish()
            sha["weekly.bin"] = try weekly.finish()
            sha["weekly-by-id.bin"] = try weeklyByID.finish()
            var summaryData = try ShardCoding.prettyEncoder.encode(summary)
            summaryData.append(UInt8(ascii: "\n"))
            try writeFile(staging + "/summary.json", summaryData)
            sha["summary.json"] = Digest.sha256(summaryData)
            var series = Data()
            for (id, one) in output.series {
                series.append(try encoder.encode(id))
                series.append(UInt8(ascii: "\t"))
                series.append(try encoder.encode(one))
                series.append(UInt8(ascii: "\n"))
            }
            try writeFile(staging + "/series.jsonl", series)
            sha["series.jsonl"] = Digest.sha256(series)
            var rejected = Data()
            for row in output.rejected {
                rejected.append(try encoder.encode(row))
                rejected.append(UInt8(ascii: "\n"))
            }
            try writeFile(staging + "/rejected.jsonl", rejected)
            sha["rejected.jsonl"] = Digest.sha256(rejected)
            var sums = ""
            for name in dataFiles {
                sums += (sha[name] ?? "") + "  " + name + "\n"
            }
            let sumsData = Data(sums.utf8)
            try writeFile(staging + "/" + checksums, sumsData)
            try writeFile(staging + "/" + successMarker, Data((Digest.sha256(sumsData) + "\n").utf8))
            if fm.fileExists(atPath: folder) {
                try io(folder, "replace the unfinished shard folder") { try fm.removeItem(atPath: folder) }
            }
            guard rename(staging, folder) == 0 else {
                throw ShardError(
                    path: folder, reason: "cannot move the finished shard into place: \(String(cString: strerror(errno)))",
                    isTransient: true)
            }
        } catch {
            try? fm.removeItem(atPath: staging)
            if let error = error as? ShardError { throw error }
            throw ShardError(path: staging, reason: "cannot write the shard: \(error)", isTransient: true)
        }
    }

    private static func writeFile(_ path: String, _ data: Data) throws {
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw ShardError(path: path, reason: "cannot write the file", isTransient: true)
        }
    }

    /// Checks a shard folder and returns its summary and the SHA-256 of `summary.json`.
    ///
    /// The folder must hold `_SUCCESS` matching `SHA256SUMS`, every data file must match
    /// `SHA256SUMS`, and the summary must belong to `planSHA256`, `binarySHA256`, this build's shard
    /// function, and the shard `index` of `count`.
    /// - Throws: ``ShardError`` naming the folder and the first thing wrong.
    public static func verify(
        _ folder: String, planSHA256: String, binarySHA256: String, index: Int, count: Int
    ) throws -> (summary: ShardSummary, summarySHA256: String) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ShardError(path: folder, reason: "missing (shard \(index) has not finished)")
        }
        guard let marker = fm.contents(atPath: folder + "/" + successMarker) else {
            throw ShardError(path: folder, reason: "no \(successMarker): the shard did not finish")
        }
        guard let sums = fm.contents(atPath: folder + "/" + checksums),
              String(decoding: marker, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == Digest.sha256(sums)
        else {
            throw ShardError(path: folder, reason: "\(checksums) does not match \(successMarker)")
        }
        var listed: [String: String] = [:]
        for line in String(decoding: sums, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2 else { throw ShardError(path: folder + "/" + checksums, reason: "a malformed line: \(line)") }
            listed[parts[1].trimmingCharacters(in: .whitespaces)] = String(parts[0])
        }
        guard Set(listed.keys) == Set(dataFiles) else {
            throw ShardError(path: folder + "/" + checksums, reason: "lists \(listed.keys.sorted()), not \(dataFiles)")
        }
        for name in dataFiles {
            let (digest, _) = try Digest.sha256(file: folder + "/" + name)
            guard digest == listed[name] else {
                throw ShardError(path: folder + "/" + name, reason: "its SHA-256 does not match \(checksums): the file changed after the shard finished")
            }
        }
        guard let data = fm.contents(atPath: folder + "/summary.json") else {
            throw ShardError(path: folder + "/summary.json", reason: "cannot read the summary", isTransient: true)
        }
        let summary: ShardSummary
        do {
            summary = try ShardCoding.decoder.decode(ShardSummary.self, from: data)
        } catch {
            throw ShardError(path: folder + "/summary.json", reason: "not a shard summary: \(ShardCoding.describe(error))")
        }
        guard summary.planSHA256 == planSHA256 else {
            throw ShardError(path: folder, reason: "made from another plan (plan SHA-256 \(summary.planSHA256), not \(planSHA256))")
        }
        guard summary.binarySHA256 == binarySHA256 else {
            throw ShardError(path: folder, reason: "made by another caseload binary (SHA-256 \(summary.binarySHA256), not \(binarySHA256))")
        }
        guard summary.shardFunction == ShardFunction.name else {
            throw ShardError(path: folder, reason: "made with shard function \(summary.shardFunction), not \(ShardFunction.name)")
        }
        guard summary.index == index, summary.count == count else {
            throw ShardError(path: folder, reason: "holds shard \(summary.index) of \(summary.count), not \(index) of \(count)")
        }
        return (summary, Digest.sha256(data))
    }

    /// The rejected rows of a verified shard folder, in the run's order.
    public static func readRejected(_ folder: String) throws -> [OrderedRejectedRow] {
        let decoder = ShardCoding.decoder
        return try readLines(folder + "/rejected.jsonl") { line, number in
            do {
                return try decoder.decode(OrderedRejectedRow.self, from: line)
            } catch {
                throw ShardError(path: folder + "/rejected.jsonl:\(number)", reason: ShardCoding.describe(error))
            }
        }
    }

    /// The daily series of the patients in `wanted` found in a verified shard folder (the file is
    /// read a chunk at a time and only their lines are decoded).
    public static func readSeries(_ folder: String, wanted: Set<String>) throws -> [String: PatientSeries] {
        guard !wanted.isEmpty else { return [:] }
        let decoder = ShardCoding.decoder
        var found: [String: PatientSeries] = [:]
        let path = folder + "/series.jsonl"
        let file = try ShardFile(path)
        let reader = RangeReader(file, range: 0..<file.size)
        var number = 0
        while let line = try reader.nextLine() {
            number += 1
            guard !line.isEmpty else { continue }
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else {
                throw ShardError(path: path + ":\(number)", reason: "no tab after the patient ID")
            }
            do {
                let id = try decoder.decode(String.self, from: line[line.startIndex..<tab])
                if wanted.contains(id) {
                    found[id] = try decoder.decode(PatientSeries.self, from: line[(tab + 1)...])
                }
            } catch {
                throw ShardError(path: path + ":\(number)", reason: ShardCoding.describe(error))
            }
        }
        return found
    }

    /// Reads a file of lines, handing each (without its newline) and its 1-based number to `body`.
    private static func readLines<T>(_ path: String, _ body: (Data, Int) throws -> T) throws -> [T] {
        // An empty file (a shard without rejected rows) holds no line. It is not read: Foundation's
        // `contents(atPath:)` leaks its 4 KB buffer on an empty file, which makes an
        // AddressSanitizer-built `caseload merge` exit 23 (LeakSanitizer).
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue == 0 {
            return []
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError(path: path, reason: "cannot read the file", isTransient: true)
        }
        var out: [T] = []
        var start = data.startIndex
        var number = 0
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            number += 1
            if end > start { out.append(try body(data.subdata(in: start..<end), number)) }
            start = end + 1
        }
        return out
    }
}
