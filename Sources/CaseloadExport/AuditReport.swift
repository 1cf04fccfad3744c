import CaseloadAnalytics
import CaseloadModel
import Foundation

/// What a finished audit folder holds.
public struct WrittenAudit: Sendable {
    /// The audit folder.
    public var directory: String
    /// Every file written except `manifest.json`, relative to the folder.
    public var outputs: [OutputFile]
}

/// Writes an audit folder: `audit.xlsx`, `audit-patients.csv`, `audit-clinicians.csv`,
/// `rejected.csv` and `manifest.json`, built beside its place and moved in when complete
/// (``AtomicFolder``), like a review's.
public enum AuditReport {
    /// Writes the audit of `audit` into `directory`.
    /// - Parameters:
    ///   - context: inputs (logs, roster, PROM file), rejected rows, totals, tool version, command line
    ///     and the fixed creation time.
    ///   - withPROMs: whether PROM scores were given (a PROM file, or FHIR PROMs; the workbook then has a PROMs sheet).
    ///   - pseudonymized: recorded in the manifest.
    /// - Throws: ``ExportError`` naming the folder when anything cannot be written; a previous
    ///   folder at `directory` is then left as it was.
    public static func write(
        _ audit: AuditAnalysis, context: ReportContext, withPROMs: Bool, pseudonymized: Bool, to directory: String
    ) throws -> WrittenAudit {
        try AtomicFolder.write(to: directory) { staging, target in
            let csvs = try AuditCSV.write(audit, rejected: context.rejected, to: staging)
            do {
                try AuditWorkbook.write(audit, context: context, withPROMs: withPROMs, to: staging + "/audit.xlsx")
            } catch {
                throw ExportError(path: staging + "/audit.xlsx", reason: "\(error)")
            }
            let relative = csvs.map { String($0.dropFirst(staging.count + 1)) } + ["audit.xlsx"]
            let outputs = try relative.map { try OutputFile.hashing($0, in: staging) }
            let manifest = Manifest.auditDocument(
                audit: audit, context: context, pseudonymized: pseudonymized, outputs: outputs)
            let path = staging + "/manifest.json"
            guard FileManager.default.createFile(atPath: path, contents: Data((manifest.rendered() + "\n").utf8)) else {
                throw ExportError(path: path, reason: "cannot write the manifest")
            }
            return WrittenAudit(directory: target, outputs: outputs)
        }
    }
}
