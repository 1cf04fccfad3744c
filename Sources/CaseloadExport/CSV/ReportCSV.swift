import CaseloadAnalytics
import CaseloadModel

/// The CSV summaries of a report folder: `patients.csv`, `weekly.csv`, `followup.csv`, `rejected.csv`.
///
/// Column lists follow the output contract (docs/OUTPUTS.md); rows keep the order of the
/// patients given (priority, then patient ID). Decimals use `.` and the one rounding rule
/// (``Rounding``), dates are ISO, empty is missing. New columns are appended, so readers by
/// position keep working.
public enum ReportCSV {
    /// `patients.csv` header: the contract's columns, then extra detail columns.
    public static let patientColumns = [
        "patient_id", "clinician", "program_start", "first_date", "last_date", "days_in_program",
        "sessions_prescribed", "sessions_completed", "adherence_pct", "adherence_14d_pct",
        "pain_baseline", "pain_current", "pain_change", "pain_slope_per_week", "trend", "plateau",
        "plateau_since", "flare_count", "level_current", "level_regressions", "followup",
        "followup_reasons", "priority",
        "trend_p_value", "flare_ongoing", "level_days_at_current", "new_this_week", "rows_after_as_of",
        "tier",
    ]

    /// `weekly.csv` header.
    public static let weeklyColumns = [
        "patient_id", "week", "session_days", "sessions_prescribed", "adherence_pct", "minutes",
        "pain_mean", "pain_max", "pain_during_median", "strength_days", "mobility_days",
    ]

    /// `followup.csv` header.
    public static let followUpColumns = [
        "patient_id", "clinician", "priority", "followup_reasons", "new_this_week", "explanation", "new_reasons",
        "tier",
    ]

    /// `rejected.csv` header.
    public static let rejectedColumns = ["file", "line", "patient_id", "column", "value", "reason"]

    /// The `patients.csv` row of one patient.
    public static func patientRow(_ p: PatientSummary) -> [CSVCell] {
        let ongoing = p.flares.last.map(\.isOngoing) ?? false
        return [
            .text(p.patientID), .text(p.clinician), .text(p.programStart?.isoString),
            .text(p.firstDate?.isoString), .text(p.lastDate?.isoString), .integer(p.daysInProgram),
            .decimal(p.sessionsPrescribed, 1), .integer(p.sessionsCompleted),
            .decimal(p.adherencePct, 1), .decimal(p.adherence14dPct, 1),
            .decimal(p.painBaseline, 2), .decimal(p.painCurrent, 2), .decimal(p.painChange, 2),
            .decimal(p.trend.slopePerWeek, 2), .text(p.trend.trend.rawValue),
            .text(p.plateau.isPlateau ? "yes" : "no"), .text(p.plateau.since?.isoString),
            .integer(p.flares.count), .integer(p.level.current), .integer(p.level.regressions),
            .text(p.needsFollowUp ? "yes" : "no"), .text(p.followUpReasonIDs), .integer(p.priority),
            .decimal(p.trend.pValue, 4), .text(ongoing ? "yes" : "no"), .integer(p.level.daysAtCurrent),
            .text(p.hasNewFollowUp ? "yes" : "no"), .integer(p.rowsAfterAsOf), .text(p.tier?.rawValue),
        ]
    }

    /// The `weekly.csv` row of one patient's week.
    public static func weeklyRow(_ patientID: String, _ w: WeeklySummary) -> [CSVCell] {
        [
            .text(patientID), .text(w.week.description), .integer(w.sessionDays), .decimal(w.sessionsPrescribed, 1),
            .decimal(w.adherencePct, 1), .decimal(w.minutes, 1), .decimal(w.painMean, 2),
            .decimal(w.painMax, 1), .decimal(w.painDuringMedian, 1), .integer(w.strengthDays),
            .integer(w.mobilityDays),
        ]
    }

    /// The `followup.csv` row of a patient needing follow-up.
    public static func followUpRow(_ p: PatientSummary) -> [CSVCell] {
        [
            .text(p.patientID), .text(p.clinician), .integer(p.priority), .text(p.followUpReasonIDs),
            .text(p.hasNewFollowUp ? "yes" : "no"), .text(p.followUpExplanation),
            .text(p.newFollowUpReasonIDs), .text(p.tier?.rawValue),
        ]
    }

    /// The `rejected.csv` row of a rejected input row.
    public static func rejectedRow(_ r: RejectedRow) -> [CSVCell] {
        [.text(r.file), .integer(r.line), .text(r.patientID), .text(r.column), .text(r.value), .text(r.reason)]
    }

    /// Writes the four CSV files into `directory` and returns their paths in a fixed order.
    /// - Parameters:
    ///   - patients: the folder's patients, already in report order.
    ///   - rejected: the rejected rows belonging to this folder (all of them for the run's folder).
    /// - Throws: ``ExportError`` when a file cannot be written.
    public static func write(
        patients: [PatientSummary], rejected: [RejectedRow], to directory: String
    ) throws -> [String] {
        try write(group: PatientList(name: "", patients: patients, thresholds: Thresholds()), rejected: rejected, to: directory)
    }

    /// Writes the four CSV files of `group` into `directory` in one pass over its patients (the
    /// three patient files open together), and returns their paths in a fixed order.
    /// - Throws: ``ExportError`` when a file cannot be written; what the group's cursor throws.
    static func write(group: any PatientGroup, rejected: [RejectedRow], to directory: String) throws -> [String] {
        let names = ["patients.csv", "followup.csv", "weekly.csv", "rejected.csv"]
        let paths = names.map { directory + "/" + $0 }
        let patientsCSV = try CSVWriter(path: paths[0])
        let followUpCSV = try CSVWriter(path: paths[1])
        let weeklyCSV = try CSVWriter(path: paths[2])
        patientsCSV.writeFields(patientColumns)
        followUpCSV.writeFields(followUpColumns)
        weeklyCSV.writeFields(weeklyColumns)
        let cursor = try group.patients(weekly: true)
        while let p = try cursor.next() {
            patientsCSV.writeRow(patientRow(p))
            if p.needsFollowUp { followUpCSV.writeRow(followUpRow(p)) }
            for week in p.weekly { weeklyCSV.writeRow(weeklyRow(p.patientID, week)) }
        }
        try patientsCSV.close()
        try followUpCSV.close()
        try weeklyCSV.close()
        try CSVWriter.writeTable(path: paths[3], header: rejectedColumns) { w in
            for r in rejected { w.writeRow(rejectedRow(r)) }
        }
        return paths
    }
}
