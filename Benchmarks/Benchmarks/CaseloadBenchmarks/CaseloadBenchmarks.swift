// The phase benchmarks (package-benchmark): ingest, analytics, CSV and XLSX writing, the
// whole report, on the seeded caseloads in Benchmarks/data (made by `make bench`).
// Each benchmark checks its result inside the measured code (see CaseloadPhases).
import Benchmark
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import CaseloadPhases
import Foundation

/// The caseload sizes to measure: `$CASELOAD_BENCH_SIZES` (comma-separated) or small and medium.
let sizes = (ProcessInfo.processInfo.environment["CASELOAD_BENCH_SIZES"] ?? "small,medium")
    .split(separator: ",").map(String.init)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .throughput],
        warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 3)

    for size in sizes {
        let input = BenchInput.named(size)
        guard FileManager.default.fileExists(atPath: input.logsCSV) else {
            print("skipping \(size): \(input.logsCSV) is missing (make bench generates it)")
            continue
        }
        let scratch = NSTemporaryDirectory() + "caseload-bench-\(getpid())-\(size)"

        Benchmark("Ingest CSV (\(size))") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Phases.ingest(log: input.logsCSV, roster: input.roster))
            }
        }
        Benchmark("Ingest JSON (\(size))") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Phases.ingest(log: input.logsJSON, roster: input.roster))
            }
        }
        Benchmark("Import + analytics (\(size))") { benchmark in
            for _ in benchmark.scaledIterations {
                let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
                blackHole(try Phases.analyse(imported, records: Phases.records(imported)))
            }
        }
        Benchmark("Analytics (\(size))") { benchmark in
            let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
            let records = Phases.records(imported)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try Phases.analyse(imported, records: records))
            }
        }
        Benchmark("Write CSV (\(size))") { benchmark in
            let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
            let analysis = try Phases.analyse(imported, records: Phases.records(imported))
            let context = Phases.context(imported, analysis: analysis)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try Phases.writeCSV(analysis, context, to: scratch + "-csv"))
            }
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: scratch + "-csv")
        }
        Benchmark("Write XLSX, run workbook (\(size))") { benchmark in
            let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
            let analysis = try Phases.analyse(imported, records: Phases.records(imported))
            let context = Phases.context(imported, analysis: analysis)
            try FileManager.default.createDirectory(atPath: scratch + "-xlsx", withIntermediateDirectories: true)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try Phases.writeXLSX(analysis, context, to: scratch + "-xlsx/caseload.xlsx")
            }
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: scratch + "-xlsx")
        }
        Benchmark("Write all workbooks (\(size))") { benchmark in
            let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
            let analysis = try Phases.analyse(imported, records: Phases.records(imported))
            let context = Phases.context(imported, analysis: analysis)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try? FileManager.default.removeItem(atPath: scratch + "-workbooks")
                try FileManager.default.createDirectory(atPath: scratch + "-workbooks", withIntermediateDirectories: true)
                blackHole(try Phases.writeWorkbooks(analysis, context, to: scratch + "-workbooks"))
            }
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: scratch + "-workbooks")
        }
        Benchmark("Write whole report (\(size))") { benchmark in
            let imported = try Phases.ingest(log: input.logsCSV, roster: input.roster)
            let analysis = try Phases.analyse(imported, records: Phases.records(imported))
            let context = Phases.context(imported, analysis: analysis)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try Phases.writeReport(analysis, context, to: scratch + "-report"))
            }
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: scratch + "-report")
        }
    }
}
