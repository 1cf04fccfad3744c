import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel

/// The short text a clinician reads after a review: what was read, what was written, who to call.
enum ReviewSummary {
    static func text(run: ReviewRun, report: WrittenReport, directory: String) -> String {
        let t = run.imported.totals
        let patients = run.analysis.patients
        let followUp = patients.filter(\.needsFollowUp)
        let newCount = followUp.filter(\.hasNewFollowUp).count
        var lines: [String] = []
        lines.append("caseload \(CaseloadCommand.version): review as of \(run.analysis.asOf)")
        lines.append(
            "Read \(run.imported.inputs.count) input files: \(t.rowsRead) rows = \(t.rowsAccepted) used"
                + " + \(t.rowsRejected) rejected + \(t.rowsDuplicate) duplicate")
        if run.analysis.rowsAfterAsOf > 0 {
            lines.append("\(run.analysis.rowsAfterAsOf) rows dated after \(run.analysis.asOf) were left out of the figures")
        }
        lines.append(
            "\(patients.count) patients in \(report.caseloads.count) caseloads; "
                + "\(followUp.count) need follow-up (\(newCount) new this week)")
        lines.append("Report: \(directory)/caseload.xlsx, \(report.caseloads.count) caseload folders, manifest.json")
        if t.rowsRejected > 0 {
            lines.append("Rejected rows with reasons: \(directory)/rejected.csv")
        }
        if !followUp.isEmpty {
            lines.append("")
            lines.append("Follow-up this week:")
            let rows = followUp.map { p in
                [
                    p.priority.map(String.init) ?? "", p.patientID, Caseloads.clinicianName(p.clinician),
                    p.followUp.map(\.reason.rawValue).joined(separator: ", "), p.hasNewFollowUp ? "new" : "",
                ]
            }
            lines += TextTable.render(header: ["#", "patient", "clinician", "reasons", "new"], rows: rows)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// A plain left-aligned text table.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return [line(header)] + rows.map(line)
    }
}
