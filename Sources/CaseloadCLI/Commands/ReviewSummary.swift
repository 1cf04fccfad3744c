import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// The short text a clinician reads after a review: what was read, what was written, who to call.
enum ReviewSummary {
    /// The summary as text; `style` colours it (plain when disabled).
    /// - Parameter top: rows of the follow-up table to show, 0 for all.
    static func text(
        run: ReviewRun, report: WrittenReport, directory: String, top: Int = 0, style: TextStyle = .plain
    ) -> String {
        let t = run.imported.totals
        let patients = run.analysis.patients
        let followUp = patients.filter(\.needsFollowUp)
        let newCount = followUp.filter(\.hasNewFollowUp).count
        var lines: [String] = []
        lines.append(style.bold("caseload \(CaseloadCommand.version): review as of \(run.analysis.asOf)"))
        lines.append(
            "Read \(run.imported.inputs.count) input files: \(t.rowsRead) rows = \(t.rowsAccepted) used"
                + " + \(t.rowsRejected) rejected + \(t.rowsDuplicate) duplicate")
        if run.analysis.rowsAfterAsOf > 0 {
            lines.append("\(run.analysis.rowsAfterAsOf) rows dated after \(run.analysis.asOf) were left out of the figures")
        }
        let counts = groupCounts(patients, name: "")
        let tiers = FollowUpTier.allCases.map { "\(counts.byTier[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        lines.append(
            "\(patients.count) patients in \(report.caseloads.count) caseloads; "
                + "\(followUp.count) need follow-up (\(tiers); \(newCount) new this week)")
        lines.append("Report: \(directory)/caseload.xlsx, \(report.caseloads.count) caseload folders, manifest.json")
        for cut in report.cutSheets { lines.append(style.yellow("Sheet cut at the row limit: " + cut.summary)) }
        if t.rowsRejected > 0 {
            lines.append(style.yellow("Rejected rows with reasons: \(directory)/rejected.csv"))
        }
        if !followUp.isEmpty {
            lines.append("")
            lines.append(style.bold("Follow-up this week:"))
            let shown = top > 0 ? Array(followUp.prefix(top)) : followUp
            lines += followUpTable(shown, style: style)
            if shown.count < followUp.count {
                lines.append(
                    "… and \(followUp.count - shown.count) more on the Follow-up sheet of caseload.xlsx (--top 0 lists all)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The follow-up table: priority, tier, patient, clinician, reasons (new ones marked `*`), new
    /// this week. The tier and reasons are coloured by the patient's tier: red for urgent, yellow
    /// for soon, plain for routine.
    static func followUpTable(_ patients: [PatientSummary], style: TextStyle) -> [String] {
        let rows = patients.map { p in
            [
                p.priority.map(String.init) ?? "", p.tier?.rawValue ?? "", p.patientID, Caseloads.clinicianName(p.clinician),
                p.followUp.map { $0.reason.rawValue + ($0.isNew ? "*" : "") }.joined(separator: ", "),
                p.hasNewFollowUp ? "new" : "",
            ]
        }
        return TextTable.render(header: ["#", "tier", "patient", "clinician", "reasons (* new)", "new"], rows: rows) {
            row, column, text in
            guard let row else { return style.bold(text) }
            switch column {
            case 1, 4: return tierColoured(text, patients[row].tier, style: style)
            case 5: return style.yellow(text)
            default: return text
            }
        }
    }

    /// `text` in the tier's colour: red for urgent, yellow for soon, plain for routine or none.
    static func tierColoured(_ text: String, _ tier: FollowUpTier?, style: TextStyle) -> String {
        switch tier {
        case .urgent: return style.red(text)
        case .soon: return style.yellow(text)
        case .routine, nil: return text
        }
    }

    /// The summary as one JSON document (keys sorted, two-space indent) for scripts.
    static func json(run: ReviewRun, report: WrittenReport, directory: String) throws -> String {
        let document = JSONSummary(run: run, report: report, directory: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The `--json` summary's shape (keys are written in snake_case).
struct JSONSummary: Encodable {
    struct Totals: Encodable {
        var rowsRead, rowsAccepted, rowsRejected, rowsDuplicate: Int
        init(_ c: RowCounts) {
            rowsRead = c.rowsRead
            rowsAccepted = c.rowsAccepted
            rowsRejected = c.rowsRejected
            rowsDuplicate = c.rowsDuplicate
        }
    }
    struct Input: Encodable {
        var path, role, format: String
        var dialect: String?
        var counts: Totals
    }
    struct Caseload: Encodable {
        var name, slug, folder: String
        var patients, followUp: Int
    }
    struct Reason: Encodable {
        var reason, label, explanation, tier: String
        var isNew: Bool
    }
    struct Cut: Encodable {
        var workbook, sheet, what: String
        var rows, shown, leftOut, limit: Int
    }
    struct Patient: Encodable {
        var priority: Int
        var tier: String
        var patientId: String
        var clinician: String
        var isNew: Bool
        var reasons: [Reason]
    }

    var tool = "caseload"
    var version = CaseloadCommand.version
    var asOf: String
    var reportFolder: String
    var workbook: String
    var manifest: String
    var inputs: [Input]
    var totals: Totals
    var rowsAfterAsOf: Int
    var patients: Int
    var followUpCount: Int
    var newFollowUpCount: Int
    var caseloads: [Caseload]
    var followUp: [Patient]
    var sheetsCut: [Cut]

    init(run: ReviewRun, report: WrittenReport, directory: String) {
        let followUpPatients = run.analysis.patients.filter(\.needsFollowUp)
        asOf = run.analysis.asOf.isoString
        reportFolder = directory
        workbook = directory + "/caseload.xlsx"
        manifest = directory + "/manifest.json"
        inputs = run.imported.inputs.map {
            Input(path: $0.path, role: $0.role.rawValue, format: $0.format.rawValue, dialect: $0.dialect, counts: Totals($0.counts))
        }
        totals = Totals(run.imported.totals)
        rowsAfterAsOf = run.analysis.rowsAfterAsOf
        patients = run.analysis.patients.count
        followUpCount = followUpPatients.count
        newFollowUpCount = followUpPatients.filter(\.hasNewFollowUp).count
        caseloads = report.caseloads.map {
            Caseload(
                name: $0.name, slug: $0.slug, folder: directory + "/caseloads/" + $0.slug, patients: $0.patients.count,
                followUp: $0.patients.filter(\.needsFollowUp).count)
        }
        sheetsCut = report.cutSheets.map {
            Cut(workbook: $0.workbook, sheet: $0.sheet, what: $0.what, rows: $0.rows, shown: $0.shown, leftOut: $0.leftOut,
                limit: $0.limit)
        }
        followUp = followUpPatients.map { p in
            Patient(
                priority: p.priority ?? 0, tier: p.tier?.rawValue ?? "", patientId: p.patientID,
                clinician: Caseloads.clinicianName(p.clinician), isNew: p.hasNewFollowUp,
                reasons: p.followUp.map {
                    Reason(
                        reason: $0.reason.rawValue, label: $0.reason.label, explanation: $0.explanation,
                        tier: $0.tier.rawValue, isNew: $0.isNew)
                })
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// A plain left-aligned text table; cells are padded first and styled after, so colour never
/// upsets the alignment.
enum TextTable {
    /// The table's lines, header first.
    /// - Parameter style: given the row index (`nil` for the header), the column and the padded
    ///   cell, returns the text to print (identity by default).
    static func render(
        header: [String], rows: [[String]], style: (Int?, Int, String) -> String = { _, _, text in text }
    ) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String], row: Int?) -> String {
            let padded = cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }
            var last = padded.count - 1
            while last >= 0 && padded[last].allSatisfy({ $0 == " " }) { last -= 1 }
            guard last >= 0 else { return "" }
            return padded[0...last].enumerated().map { i, cell in
                let text = i == last ? cell.trimmingTrailingSpaces() : cell
                // Style only the visible text, keep the padding outside the escapes.
                let visible = text.trimmingTrailingSpaces()
                return style(row, i, visible) + String(repeating: " ", count: text.count - visible.count)
            }.joined(separator: "  ")
        }
        return [line(header, row: nil)] + rows.enumerated().map { line($1, row: $0) }
    }
}
