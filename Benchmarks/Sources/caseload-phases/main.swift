// caseload-phases PHASE DATA_DIR [OUT]: runs one phase of the pipeline on a generated caseload
// and prints one JSON line with its wall and CPU seconds (setup excluded), for `make bench`
// (which wraps it in /usr/bin/time -v for peak RSS).
//
// Phases: ingest-csv, ingest-json, analyse, import-analyse, write-csv, write-xlsx, write-workbooks
// (every workbook of the report, in parallel, as review writes them), write-report; and, on a FHIR
// folder written by `caseload generate --format fhir-bulk|fhir-bundles`, ingest-fhir and
// import-analyse-fhir.
import CaseloadAnalytics
import CaseloadPhases
import Foundation

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: caseload-phases PHASE DATA_DIR [OUT]\n".utf8))
    exit(2)
}
let phase = args[1]
let input = BenchInput(directory: args[2])
let out = args.count > 3 ? args[3] : NSTemporaryDirectory() + "caseload-phases-\(getpid())"

do {
    var extra: [String: Double] = [:]
    // Setup (not measured) for the phases that start from an analysis.
    let needsAnalysis = phase.hasPrefix("write-") || phase == "analyse"
    let imported = needsAnalysis ? try Phases.ingest(log: input.logsCSV, roster: input.roster) : nil
    var preAnalysis: CaseloadAnalysis?
    if phase.hasPrefix("write-"), let imported {
        preAnalysis = try Phases.analyse(imported, records: Phases.records(imported))
    }

    let (wall0, cpu0) = (now(), cpuSeconds())
    switch phase {
    case "ingest-csv", "ingest-json":
        let path = phase == "ingest-csv" ? input.logsCSV : input.logsJSON
        let r = try Phases.ingest(log: path, roster: input.roster)
        extra["rows"] = Double(r.totals.rowsRead)
        extra["bytes"] = Double(BenchInput.size(of: path))
        extra["patients"] = Double(r.builder.patientCount)
    case "analyse":
        guard let imported else { exit(3) }
        let records = Phases.records(imported)
        let a = try Phases.analyse(imported, records: records)
        extra["patients"] = Double(a.patients.count)
    case "ingest-fhir":
        let r = try Phases.ingestFHIR(folder: input.directory)
        extra["rows"] = Double(r.totals.rowsRead)
        extra["bytes"] = Double(Phases.folderSize(input.directory))
        extra["patients"] = Double(r.builder.patientCount)
    case "import-analyse-fhir":
        let r = try Phases.ingestFHIR(folder: input.directory)
        let a = try Phases.analyse(r, records: Phases.records(r))
        extra["rows"] = Double(r.totals.rowsRead)
        extra["bytes"] = Double(Phases.folderSize(input.directory))
        extra["patients"] = Double(a.patients.count)
    case "import-analyse":
        let r = try Phases.ingest(log: input.logsCSV, roster: input.roster)
        let a = try Phases.analyse(r, records: Phases.records(r))
        extra["rows"] = Double(r.totals.rowsRead)
        extra["bytes"] = Double(BenchInput.size(of: input.logsCSV))
        extra["patients"] = Double(a.patients.count)
    case "write-csv", "write-xlsx", "write-workbooks", "write-report":
        guard let imported, let analysis = preAnalysis else { exit(3) }
        let context = Phases.context(imported, analysis: analysis)
        try? FileManager.default.removeItem(atPath: out)
        switch phase {
        case "write-csv": _ = try Phases.writeCSV(analysis, context, to: out)
        case "write-xlsx":
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Phases.writeXLSX(analysis, context, to: out + "/caseload.xlsx")
        case "write-workbooks": extra["workbooks"] = Double(try Phases.writeWorkbooks(analysis, context, to: out).count)
        default: _ = try Phases.writeReport(analysis, context, to: out)
        }
        extra["patients"] = Double(analysis.patients.count)
    default:
        FileHandle.standardError.write(Data("unknown phase \(phase)\n".utf8))
        exit(2)
    }
    let (wall, cpu) = (now() - wall0, cpuSeconds() - cpu0)
    var fields = ["\"phase\":\"\(phase)\"", "\"wall\":\(wall)", "\"cpu\":\(cpu)", "\"out\":\"\(out)\""]
    for (k, v) in extra.sorted(by: { $0.key < $1.key }) { fields.append("\"\(k)\":\(v)") }
    print("{" + fields.joined(separator: ",") + "}")
} catch {
    FileHandle.standardError.write(Data("caseload-phases: \(error)\n".utf8))
    exit(1)
}
