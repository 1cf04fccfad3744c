import CaseloadAnalytics
import CaseloadModel
import Foundation

/// What a finished report folder holds.
public struct WrittenReport: Sendable {
    /// The report folder.
    public var directory: String
    /// The per-clinician caseloads, each in `caseloads/<slug>/`.
    public var caseloads: [CaseloadFolder]
    /// Every file written except `manifest.json`, relative to the folder.
    public var outputs: [OutputFile]
    /// The worksheets cut at the row limit, in the manifest's workbook order (`workbook` relative
    /// to the folder): each ends in a visible note and the CSVs hold every row. Empty when all fit.
    public var cutSheets: [SheetCut] = []
}

/// Writes a whole report folder: the run's workbook and CSVs, one folder per caseload, and the manifest.
///
/// The folder is built beside `directory` under a temporary name and moved into place only when
/// complete: on any failure the previous report is untouched and nothing partial remains.
public enum ReportWriter {
    /// Writes the report of `analysis` into `directory`.
    /// - Throws: ``ExportError`` (with the path) when anything cannot be written; the previous
    ///   report at `directory`, if any, is then left as it was.
    public static func write(analysis: CaseloadAnalysis, context: ReportContext, to directory: String) throws
        -> WrittenReport
    {
        try write(source: AnalysisReport(analysis, rejected: context.rejected), context: context, to: directory)
    }

    /// Writes the report of `source` into `directory`: a review's analysis held in memory
    /// (``write(analysis:context:to:)``), or a sharded run's patients read from the shards as each
    /// file is written. `context.rejected` holds the run's rejected rows; each caseload's come with it.
    /// - Throws: ``ExportError`` (with the path) when anything cannot be written, or what the source
    ///   throws (a ``ReportSourceError``) as it is; the previous report at `directory`, if any, is then
    ///   left as it was.
    public static func write(source: any ReportSource, context: ReportContext, to directory: String) throws
        -> WrittenReport
    {
        try write(source: source, context: context, to: directory, afterEachFile: { _ in })
    }

    /// As ``write(source:context:to:)``, calling `afterEachFile` with each file's relative path once it is
    /// written (tests use it to make a write fail part-way).
    static func write(
        source: any ReportSource, context: ReportContext, to directory: String,
        afterEachFile: (String) throws -> Void
    ) throws -> WrittenReport {
        try AtomicFolder.write(to: directory) { staging, target in
            let report = try writeContents(
                source: source, context: context, into: staging, afterEachFile: afterEachFile)
            return WrittenReport(
                directory: target, caseloads: report.caseloads, outputs: report.outputs, cutSheets: report.cutSheets)
        }
    }

    /// As ``write(analysis:context:to:)``, calling `afterEachFile` after each file.
    static func write(
        analysis: CaseloadAnalysis, context: ReportContext, to directory: String,
        afterEachFile: (String) throws -> Void
    ) throws -> WrittenReport {
        try write(
            source: AnalysisReport(analysis, rejected: context.rejected), context: context, to: directory,
            afterEachFile: afterEachFile)
    }

    /// Writes every file of the report into an existing, empty folder.
    ///
    /// The files are written as independent jobs spread over the cores: each workbook (the run's
    /// and one per caseload) is one job, each folder's four CSVs another; every job hashes its
    /// files for the manifest right after writing them. The workbooks go first, the longest
    /// first, and the short CSV jobs fill in behind them.
    static func writeContents(
        source: any ReportSource, context: ReportContext, into root: String,
        afterEachFile: (String) throws -> Void
    ) throws -> WrittenReport {
        let fm = FileManager.default
        let folders = Caseloads.folders(of: source)
        var csvs = [CSVJob(folder: "", group: source.run, rejected: context.rejected)]
        for (folder, group) in zip(folders, source.caseloads) {
            let path = "caseloads/" + folder.slug
            do {
                try fm.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
            } catch {
                throw ExportError(path: root + "/" + path, reason: "cannot create the caseload folder: \(error.localizedDescription)")
            }
            csvs.append(CSVJob(folder: path, group: group, rejected: group.rejected))
        }
        let workbooks = workbookJobs(source: source, context: context, folders: folders)
        pinMallocMmapThreshold()
        // Outputs in the manifest's order: the run's CSVs, each caseload's CSVs, then the workbooks.
        let results = try runInParallel(csvs.map(OutputJob.csvs) + workbooks.map(OutputJob.workbook), root: root,
                                        hashing: true)
        let outputs = results.flatMap(\.files)

        for output in outputs { try afterEachFile(output.path) }
        let manifest = Manifest.document(source: source, context: context, caseloads: folders, outputs: outputs)
        let manifestPath = root + "/manifest.json"
        guard fm.createFile(atPath: manifestPath, contents: Data((manifest.rendered() + "\n").utf8)) else {
            throw ExportError(path: manifestPath, reason: "cannot write the manifest")
        }
        return WrittenReport(directory: root, caseloads: folders, outputs: outputs, cutSheets: results.flatMap(\.cuts))
    }

    /// The workbooks of a report: the run's (`caseload.xlsx`) and one per caseload slice
    /// (`caseloads/<slug>/caseload.xlsx`), in that order.
    static func workbookJobs(source: any ReportSource, context: ReportContext, folders: [CaseloadFolder])
        -> [WorkbookJob]
    {
        let scratch = temporaryDirectory()
        let settings = ReportSettings(source)
        let multiCaseload = folders.count > 1
        var runOptions = WorkbookOptions(
            patientSheets: context.patientSheets, multiCaseload: multiCaseload, temporaryDirectory: scratch)
        runOptions.rowLimit = sheetRowLimit
        let clinicians = multiCaseload ? source.caseloads.map { $0.tally.counts(name: $0.name) } : []
        var jobs = [
            WorkbookJob(
                group: source.run, settings: settings, clinicians: clinicians, context: context, options: runOptions,
                relativePath: "caseload.xlsx")
        ]
        for (folder, group) in zip(folders, source.caseloads) {
            var sliceContext = context
            sliceContext.caseloadName = group.name
            sliceContext.rejected = group.rejected
            var sliceOptions = WorkbookOptions(patientSheets: context.patientSheets, temporaryDirectory: scratch)
            sliceOptions.rowLimit = sheetRowLimit
            jobs.append(
                WorkbookJob(
                    group: group, settings: settings, clinicians: [], context: sliceContext, options: sliceOptions,
                    relativePath: "caseloads/" + folder.slug + "/caseload.xlsx"))
        }
        return jobs
    }

    /// Rows a report's worksheets may hold: Excel's 1,048,576, unless a debug build runs with
    /// `CASELOAD_TEST_SHEET_ROW_LIMIT` set (50 or more): the end-to-end tests lower it so that a
    /// small run reaches the limit. Release builds ignore the variable.
    static let sheetRowLimit: Int = {
        #if DEBUG
        if let raw = ProcessInfo.processInfo.environment["CASELOAD_TEST_SHEET_ROW_LIMIT"], let value = Int(raw),
           (50...Workbook.excelMaxRows).contains(value)
        {
            return value
        }
        #endif
        return Workbook.excelMaxRows
    }()

    /// Writes only the report's workbooks into `directory` (created), exactly as ``write(analysis:context:to:)``
    /// does (same jobs, same options, in parallel), with no CSVs, no hashes and no manifest: the
    /// benchmarks time workbook writing alone with it.
    /// - Returns: the workbooks' paths relative to `directory`.
    @_spi(Benchmarks)
    public static func writeWorkbooks(analysis: CaseloadAnalysis, context: ReportContext, into directory: String)
        throws -> [String]
    {
        let source = AnalysisReport(analysis, rejected: context.rejected)
        let jobs = workbookJobs(source: source, context: context, folders: Caseloads.folders(of: source))
        for job in jobs {
            let folder = (directory + "/" + job.relativePath as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw ExportError(path: folder, reason: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        pinMallocMmapThreshold()
        _ = try runInParallel(jobs.map(OutputJob.workbook), root: directory, hashing: false)
        return jobs.map(\.relativePath)
    }

    /// Where libxlsxwriter keeps each worksheet's temporary file while a workbook is written:
    /// `$TMPDIR` when set (libxlsxwriter's own default), else `/dev/shm` when it is a writable
    /// folder with at least ``minimumSharedMemoryFree`` bytes free (containers often mount a 64 MB
    /// one, which a large caseload's sheets would overflow), else the system default (`nil`).
    ///
    /// Constant-memory mode keeps one temporary file per worksheet (thousands for a large caseload
    /// with patient sheets); creating and deleting them on a disk file system (ext4) cost about as
    /// much CPU in the kernel as writing the workbooks (measured in BENCHMARKS.md), while a RAM-backed
    /// folder makes it negligible. The files are deleted as each workbook closes.
    static func temporaryDirectory() -> String? {
        if let set = ProcessInfo.processInfo.environment["TMPDIR"], !set.isEmpty { return nil }
        var info = stat()
        guard stat("/dev/shm", &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, access("/dev/shm", W_OK) == 0
        else { return nil }
        var space = statvfs()
        guard statvfs("/dev/shm", &space) == 0,
              UInt64(space.f_bavail) * UInt64(space.f_frsize) >= minimumSharedMemoryFree
        else { return nil }
        return "/dev/shm"
    }

    /// Free space `/dev/shm` must have before worksheet temporary files go there: 2 GiB, well above
    /// the uncompressed sheets of a 40,000-patient run.
    static let minimumSharedMemoryFree: UInt64 = 2 << 30

    /// One workbook to write.
    struct WorkbookJob: Sendable {
        var group: any PatientGroup
        var settings: ReportSettings
        /// The Overview's per-clinician table (a multi-caseload run's workbook only).
        var clinicians: [GroupCounts]
        var context: ReportContext
        var options: WorkbookOptions
        var relativePath: String
    }

    /// One folder's four CSVs (`patients.csv`, `followup.csv`, `weekly.csv`, `rejected.csv`).
    struct CSVJob: Sendable {
        /// The folder relative to the report root (empty for the root itself); it must exist.
        var folder: String
        var group: any PatientGroup
        var rejected: [RejectedRow]
    }

    /// One independent unit of the writing phase.
    enum OutputJob: Sendable {
        case csvs(CSVJob)
        case workbook(WorkbookJob)

        /// The file or folder an error of this job names, under `root`.
        func path(in root: String) -> String {
            switch self {
            case let .csvs(job): return job.folder.isEmpty ? root : root + "/" + job.folder
            case let .workbook(job): return root + "/" + job.relativePath
            }
        }

        /// Roughly how long the job takes, in cells written: the longest jobs are started first.
        var estimatedCells: Int {
            switch self {
            case let .csvs(job):
                // A CSV field costs about a quarter of a workbook cell (medium caseload: the run's
                // CSVs, 0.67 M fields, took a fifth to a quarter of the time of its workbook, 0.62 M cells).
                let tally = job.group.tally
                return (job.rejected.count * 6 + 35 * tally.patients + 11 * tally.weeklyRows) / 4
            case let .workbook(job):
                // Patients, Follow-up and Weekly rows, rejected rows, and the patient sheets' days
                // (about 90 each; their charts, about a fifth of the writing time, are not counted).
                let tally = job.group.tally
                let sheets = CaseloadWorkbook.openFilesNeeded(tally: tally, options: job.options) - 7
                return job.context.rejected.count * 6 + 23 * tally.patients + 12 * tally.weeklyRows + sheets * 11 * 90
            }
        }
    }

    /// What one job wrote: its files, and the sheets it cut at the row limit (workbooks only).
    struct JobResult: Sendable {
        var files: [OutputFile]
        var cuts: [SheetCut] = []
    }

    /// Runs `jobs` on all cores, the longest first, and returns each job's files in job order
    /// (hashed when `hashing`, else with empty hashes); the first failure in job order is thrown.
    ///
    /// Each worksheet holds an open temporary file until its workbook is closed: when all the
    /// workbooks at once would pass the open-file limit (raised to the hard limit if need be)
    /// the jobs run one at a time, in order, and a workbook that alone would pass it is refused
    /// before anything is written. CSV jobs hold one file at a time, within the reserve.
    static func runInParallel(_ jobs: [OutputJob], root: String, hashing: Bool) throws -> [JobResult] {
        var needs: [Int] = []
        for job in jobs {
            guard case let .workbook(workbook) = job else { continue }
            needs.append(CaseloadWorkbook.openFilesNeeded(tally: workbook.group.tally, options: workbook.options))
        }
        let available = CaseloadWorkbook.openFilesAvailable(wanting: needs.reduce(0, +))
        var workbookIndex = 0
        for job in jobs {
            guard case .workbook = job else { continue }
            defer { workbookIndex += 1 }
            guard needs[workbookIndex] > available else { continue }
            throw ExportError(
                path: job.path(in: root),
                reason: "the workbook needs about \(needs[workbookIndex]) open files but only \(max(0, available)) "
                    + "are available; raise the limit (ulimit -n)")
        }
        let results = ResultSlots(count: jobs.count)
        @Sendable func perform(_ index: Int) {
            do {
                results.set(index, .success(try run(jobs[index], root: root, hashing: hashing)))
            } catch let error as ExportError {
                results.set(index, .failure(error))
            } catch let error as any ReportSourceError {
                results.set(index, .failure(error))
            } catch {
                results.set(index, .failure(ExportError(path: jobs[index].path(in: root), reason: "\(error)")))
            }
        }
        if needs.reduce(0, +) <= available {
            let costs = jobs.map(\.estimatedCells)
            let order = jobs.indices.sorted { (costs[$0], $1) > (costs[$1], $0) }
            DispatchQueue.concurrentPerform(iterations: order.count) { perform(order[$0]) }
        } else {
            for index in jobs.indices where results.firstFailure == nil { perform(index) }
        }
        return try results.values()
    }

    /// Writes one job's files and hashes them (when `hashing`).
    private static func run(_ job: OutputJob, root: String, hashing: Bool) throws -> JobResult {
        let written: [String]
        var cuts: [SheetCut] = []
        switch job {
        case let .csvs(csv):
            let folder = csv.folder.isEmpty ? root : root + "/" + csv.folder
            written = try ReportCSV.write(group: csv.group, rejected: csv.rejected, to: folder)
                .map { String($0.dropFirst(root.count + 1)) }
        case let .workbook(workbook):
            do {
                cuts = try CaseloadWorkbook.write(
                    group: workbook.group, settings: workbook.settings, clinicians: workbook.clinicians,
                    context: workbook.context, options: workbook.options, to: root + "/" + workbook.relativePath
                ).map { cut in
                    var cut = cut
                    cut.workbook = workbook.relativePath
                    return cut
                }
            } catch let error as any ReportSourceError {
                throw error
            } catch {
                throw ExportError(path: root + "/" + workbook.relativePath, reason: "\(error)")
            }
            written = [workbook.relativePath]
        }
        guard hashing else { return JobResult(files: written.map { OutputFile(path: $0, sha256: "", bytes: 0) }, cuts: cuts) }
        return JobResult(files: try written.map { try OutputFile.hashing($0, in: root) }, cuts: cuts)
    }

    /// Keeps glibc from serving libxlsxwriter's large blocks from its heap.
    ///
    /// In constant-memory mode every worksheet `calloc`s a 128 KB row buffer, of which a row
    /// touches one page. Served by `mmap` those pages stay untouched (and out of RSS); but glibc
    /// raises its mmap threshold each time a large block is freed (the importer's tables, a
    /// closed workbook), after which the buffers come from the heap, are zeroed in full and stay
    /// resident: 80–140 MB more peak RSS on a 4,000-patient review with thousands of patient
    /// sheets (BENCHMARKS.md). Pinning the threshold at 64 KB (which also stops the raising)
    /// avoids it. Process-wide and idempotent; `mallopt` is looked up at run time, as Swift's
    /// Glibc module does not export `malloc.h`.
    static func pinMallocMmapThreshold() {
        #if os(Linux)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 64 * 1024)
        #endif
    }
}

/// Per-job results filled from concurrent workers.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<ReportWriter.JobResult, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<ReportWriter.JobResult, any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// The first failure in job order, if any.
    var firstFailure: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        for case let .failure(error)? in slots { return error }
        return nil
    }

    /// Every job's files in job order; throws the first failure in job order.
    func values() throws -> [ReportWriter.JobResult] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { preconditionFailure("a job did not run") }
            return try slot.get()
        }
    }
}
