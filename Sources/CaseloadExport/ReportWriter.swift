import CaseloadAnalytics
import CaseloadModel
import Foundation

/// What a finished report folder holds.
public struct WrittenReport: Sendable {
    /// The report folder.
    public var directory: String
    /// The per-clinician caseloads, each in `caseloads/<slug>/`.
    public var caseloads: [CaseloadSlice]
    /// Every file written except `manifest.json`, relative to the folder.
    public var outputs: [OutputFile]
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
        try write(analysis: analysis, context: context, to: directory, afterEachFile: { _ in })
    }

    /// As ``write(analysis:context:to:)``, calling `afterEachFile` with each file's relative path once it is
    /// written (tests use it to make a write fail part-way).
    static func write(
        analysis: CaseloadAnalysis, context: ReportContext, to directory: String,
        afterEachFile: (String) throws -> Void
    ) throws -> WrittenReport {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).tmp-\(pid)").path
        let retired = parent.appendingPathComponent(".\(name).old-\(pid)").path

        do {
            try fm.createDirectory(atPath: parent.path, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: parent.path, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
            let report = try writeContents(
                analysis: analysis, context: context, into: staging, afterEachFile: afterEachFile)
            if fm.fileExists(atPath: target.path) {
                try? fm.removeItem(atPath: retired)
                try fm.moveItem(atPath: target.path, toPath: retired)
            }
            do {
                try fm.moveItem(atPath: staging, toPath: target.path)
            } catch {
                if fm.fileExists(atPath: retired) { try? fm.moveItem(atPath: retired, toPath: target.path) }
                throw error
            }
            try? fm.removeItem(atPath: retired)
            return WrittenReport(directory: target.path, caseloads: report.caseloads, outputs: report.outputs)
        } catch let error as ExportError {
            try? fm.removeItem(atPath: staging)
            throw error
        } catch {
            try? fm.removeItem(atPath: staging)
            throw ExportError(path: target.path, reason: "cannot write the report: \(error.localizedDescription)")
        }
    }

    /// Writes every file of the report into an existing, empty folder.
    static func writeContents(
        analysis: CaseloadAnalysis, context: ReportContext, into root: String,
        afterEachFile: (String) throws -> Void
    ) throws -> WrittenReport {
        let fm = FileManager.default
        var relative: [String] = []
        let slices = Caseloads.slices(of: analysis.patients, rejected: context.rejected)

        relative += try ReportCSV.write(patients: analysis.patients, rejected: context.rejected, to: root)
            .map { String($0.dropFirst(root.count + 1)) }
        relative += try ReportArtifacts.writeWorkbook(
            patients: analysis.patients, caseloadName: context.caseloadName, isRunWide: true,
            analysis: analysis, context: context, to: root, relativeTo: root)

        for slice in slices {
            let folder = root + "/caseloads/" + slice.slug
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw ExportError(path: folder, reason: "cannot create the caseload folder: \(error.localizedDescription)")
            }
            relative += try ReportCSV.write(patients: slice.patients, rejected: slice.rejected, to: folder)
                .map { String($0.dropFirst(root.count + 1)) }
            var sliceContext = context
            sliceContext.caseloadName = slice.name
            sliceContext.rejected = slice.rejected
            relative += try ReportArtifacts.writeWorkbook(
                patients: slice.patients, caseloadName: slice.name, isRunWide: false,
                analysis: analysis, context: sliceContext, to: folder, relativeTo: root)
        }

        for path in relative { try afterEachFile(path) }
        let outputs = try relative.map { try OutputFile.hashing($0, in: root) }
        let manifest = Manifest.document(analysis: analysis, context: context, caseloads: slices, outputs: outputs)
        let manifestPath = root + "/manifest.json"
        guard fm.createFile(atPath: manifestPath, contents: Data((manifest.rendered() + "\n").utf8)) else {
            throw ExportError(path: manifestPath, reason: "cannot write the manifest")
        }
        return WrittenReport(directory: root, caseloads: slices, outputs: outputs)
    }
}

/// The workbook step of a report (kept apart so the XLSX exporter plugs in here).
enum ReportArtifacts {
    /// Writes `caseload.xlsx` for `patients` into `folder`; returns its path relative to `root`.
    static func writeWorkbook(
        patients: [PatientSummary], caseloadName: String, isRunWide: Bool, analysis: CaseloadAnalysis,
        context: ReportContext, to folder: String, relativeTo root: String
    ) throws -> [String] {
        []
    }
}
