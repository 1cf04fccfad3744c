import CaseloadAnalytics
@_spi(Benchmarks) import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// One seeded caseload on disk, as `caseload generate` writes it.
public struct BenchInput: Sendable {
    /// The folder holding `logs.csv`, `logs.json` and `roster.csv`.
    public var directory: String

    /// The input in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The canonical CSV log.
    public var logsCSV: String { directory + "/logs.csv" }
    /// The same rows as JSON.
    public var logsJSON: String { directory + "/logs.json" }
    /// The roster.
    public var roster: String { directory + "/roster.csv" }

    /// Bytes of `path` (0 when it cannot be read).
    public static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The folder of a named size under `Benchmarks/data/` (or `$CASELOAD_BENCH_DATA`).
    public static func named(_ name: String) -> BenchInput {
        let root = ProcessInfo.processInfo.environment["CASELOAD_BENCH_DATA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data").path
        return BenchInput(directory: root + "/" + name)
    }
}

/// Thrown when a phase's result is not what the input promises (results are checked inside the measured code).
public struct PhaseFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
}

/// The pipeline's stages, callable one at a time.
public enum Phases {
    /// Imports one log file (CSV or JSON) with the roster; checks the row accounting.
    public static func ingest(log: String, roster: String) throws -> ImportResult {
        let result = try CaseloadImporter().run(logs: [log], roster: roster)
        let t = result.totals
        guard t.rowsRead == t.rowsAccepted + t.rowsRejected + t.rowsDuplicate, t.rowsAccepted > 0 else {
            throw PhaseFailure(description: "row accounting does not add up: \(t)")
        }
        return result
    }

    /// The `[fhir]` settings `caseload generate --format fhir-…` writes beside its resources: the
    /// patient identifier system and the generator's own codes (readiness test, KOOS-PF, AKPS).
    public static let generatedFHIROptions: FHIROptions = {
        let local = "https://caseload.example/fhir/CodeSystem/synthetic"
        return FHIROptions(
            patientIdentifierSystem: "https://caseload.example/fhir/sid/patient-id",
            readinessTestCodes: ["\(local)|readiness-test"], koosPFCodes: ["\(local)|koos-pf"], akpsCodes: ["\(local)|akps"])
    }()

    /// Imports every input of a FHIR folder (a Bulk export or Bundles, as `generate --format fhir-…`
    /// writes it; no roster: the CarePlans give it); checks the row accounting.
    public static func ingestFHIR(folder: String) throws -> ImportResult {
        let importer = CaseloadImporter(options: ImportOptions(fhir: generatedFHIROptions))
        let result = try importer.run(logs: try discoverInputs([folder]), roster: nil)
        let t = result.totals
        guard t.rowsRead == t.rowsAccepted + t.rowsRejected + t.rowsDuplicate, t.rowsAccepted > 0 else {
            throw PhaseFailure(description: "row accounting does not add up: \(t)")
        }
        return result
    }

    /// Bytes of every file in `folder` (not recursive).
    public static func folderSize(_ folder: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.reduce(0) { $0 + BenchInput.size(of: folder + "/" + $1) }
    }

    /// The folded patient records of an import (roster patients included).
    public static func records(_ imported: ImportResult) -> [PatientRecord] {
        imported.builder.records(roster: imported.roster)
    }

    /// Every figure and flag of every patient, as of the latest log date.
    public static func analyse(_ imported: ImportResult, records: [PatientRecord]) throws -> CaseloadAnalysis {
        guard let asOf = imported.latestDate else { throw PhaseFailure(description: "no accepted rows") }
        let analysis = CaseloadAnalytics.analyse(records, asOf: asOf)
        guard analysis.patients.count == records.count else {
            throw PhaseFailure(description: "\(analysis.patients.count) summaries for \(records.count) patients")
        }
        return analysis
    }

    /// The report context `caseload review` would build (fixed creation time).
    public static func context(_ imported: ImportResult, analysis: CaseloadAnalysis) -> ReportContext {
        ReportContext(
            toolVersion: "bench", commandLine: "caseload-phases", caseloadName: "All patients",
            createdEpochSeconds: analysis.asOf.daysSinceEpoch * 86_400, inputs: imported.inputs,
            rejected: imported.rejected, totals: imported.totals)
    }

    /// Writes the run's four CSVs into `directory` (created).
    public static func writeCSV(_ analysis: CaseloadAnalysis, _ context: ReportContext, to directory: String) throws
        -> [String]
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try ReportCSV.write(patients: analysis.patients, rejected: context.rejected, to: directory)
    }

    /// Writes the run's workbook (as `review` does for a multi-caseload run) to `path`.
    public static func writeXLSX(_ analysis: CaseloadAnalysis, _ context: ReportContext, to path: String) throws {
        let clinicians = Set(analysis.patients.map { $0.clinician ?? "" })
        try CaseloadWorkbook.write(
            analysis: analysis, context: context, options: WorkbookOptions(multiCaseload: clinicians.count > 1),
            to: path)
    }

    /// Writes every workbook of the report (the run's and one per caseload) into `directory`, in
    /// parallel, exactly as ``writeReport(_:_:to:)`` does, without the CSVs and the manifest.
    /// - Returns: the workbooks' paths relative to `directory`.
    public static func writeWorkbooks(_ analysis: CaseloadAnalysis, _ context: ReportContext, to directory: String)
        throws -> [String]
    {
        try ReportWriter.writeWorkbooks(analysis: analysis, context: context, into: directory)
    }

    /// Writes the whole report folder (every CSV and workbook, all caseloads, manifest) into `directory`.
    public static func writeReport(_ analysis: CaseloadAnalysis, _ context: ReportContext, to directory: String) throws
        -> WrittenReport
    {
        try ReportWriter.write(analysis: analysis, context: context, to: directory)
    }
}
