import CaseloadAnalytics
import CaseloadModel

/// The CSV files of an audit folder: `audit-patients.csv` and `audit-clinicians.csv`
/// (`rejected.csv` is the review's, ``ReportCSV/rejectedColumns``).
///
/// Columns are exactly those of docs/OUTPUTS.md ("Audit"), in that order. Numbers use the review's
/// formats (``Rounding``): pain to 2 decimals, percentages and PROM scores to 1, yes/no, and an
/// empty cell for a missing value.
public enum AuditCSV {
    /// `audit-patients.csv` header.
    public static let patientColumns = [
        "patient_id", "clinician", "program_start", "episode_end", "status", "days", "baseline_pain", "final_pain",
        "change", "pct_change", "complete", "mcid_reached", "days_to_mcid", "adherence_pct", "prom_instrument",
        "prom_baseline", "prom_final", "prom_change", "prom_mic_reached",
    ]

    /// `audit-clinicians.csv` header.
    public static let clinicianColumns = [
        "clinician", "patients", "complete", "completeness_pct", "mcid_reached", "mcid_pct", "mcid_ci_low",
        "mcid_ci_high", "median_change", "median_days_to_mcid", "median_adherence_pct", "discharged", "active",
        "lapsed", "prom_complete", "prom_mic_pct",
    ]

    static func yesNo(_ value: Bool?) -> CSVCell { .text(value.map { $0 ? "yes" : "no" }) }

    /// The `audit-patients.csv` row of one episode.
    public static func patientRow(_ e: AuditEpisode) -> [CSVCell] {
        [
            .text(e.patientID), .text(e.clinician), .text(e.programStart.isoString), .text(e.episodeEnd.isoString),
            .text(e.status.rawValue), .integer(e.days), .decimal(e.baselinePain, 2), .decimal(e.finalPain, 2),
            .decimal(e.change, 2), .decimal(e.pctChange, 1), yesNo(e.isComplete), yesNo(e.mcidReached),
            .integer(e.daysToMCID), .decimal(e.adherencePct, 1), .text(e.prom?.instrument.rawValue),
            .decimal(e.prom?.baseline, 1), .decimal(e.prom?.final, 1), .decimal(e.prom?.change, 1),
            yesNo(e.prom?.micReached),
        ]
    }

    /// The `audit-clinicians.csv` row of a clinician (or of the service, the last row).
    public static func clinicianRow(_ c: ClinicianAudit) -> [CSVCell] {
        [
            .text(c.clinician), .integer(c.patients), .integer(c.complete), .decimal(c.completenessPct, 1),
            .integer(c.mcidReached), .decimal(c.mcidPct, 1), .decimal(c.mcidCILow, 1), .decimal(c.mcidCIHigh, 1),
            .decimal(c.medianChange, 2), .decimal(c.medianDaysToMCID, 1), .decimal(c.medianAdherencePct, 1),
            .integer(c.discharged), .integer(c.active), .integer(c.lapsed), .integer(c.promComplete),
            .decimal(c.promMICPct, 1),
        ]
    }

    /// Writes `audit-patients.csv`, `audit-clinicians.csv` (clinicians, then "All patients") and
    /// `rejected.csv` into `directory` and returns their paths.
    /// - Throws: ``ExportError`` when a file cannot be written.
    public static func write(_ audit: AuditAnalysis, rejected: [RejectedRow], to directory: String) throws -> [String] {
        var paths: [String] = []
        func table(_ name: String, _ header: [String], rows: (CSVWriter) -> Void) throws {
            paths.append(try CSVWriter.writeTable(path: directory + "/" + name, header: header, rows: rows))
        }
        try table("audit-patients.csv", patientColumns) { w in
            for episode in audit.episodes { w.writeRow(patientRow(episode)) }
        }
        try table("audit-clinicians.csv", clinicianColumns) { w in
            for row in audit.clinicians + [audit.service] { w.writeRow(clinicianRow(row)) }
        }
        try table("rejected.csv", ReportCSV.rejectedColumns) { w in
            for row in rejected { w.writeRow(ReportCSV.rejectedRow(row)) }
        }
        return paths
    }
}
