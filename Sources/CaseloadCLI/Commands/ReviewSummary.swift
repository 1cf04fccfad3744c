import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// The short text a clinician reads after a review: what was read, what was written, who to call.
enum ReviewSummary {
    /// The summary of the report of `source` as text (`style` colours it; plain when disabled):
    /// counts from the run's tally, the follow-up table from the first `top` patients of its
    /// follow-up list (all with 0).
    static func text(
        imported: ImportResult, source: any ReportSource, report: WrittenReport, directory: String, top: Int = 0,
        style: TextStyle = .plain
    ) throws -> String {
        let t = imported.totals
        let tally = source.run.tally
        var lines: [String] = []
        lines.append(style.bold("caseload \(CaseloadCommand.version): review as of \(source.asOf)"))
        lines.append(
            "Read \(imported.inputs.count) input files: \(t.rowsRead) rows = \(t.rowsAccepted) used"
                + " + \(t.rowsRejected) rejected + \(t.rowsDuplicate) duplicate")
        if tally.rowsAfterAsOf > 0 {
            lines.append("\(tally.rowsAfterAsOf) rows dated after \(source.asOf) were left out of the figures")
        }
        let counts = tally.counts(name: "")
        let tiers = FollowUpTier.allCases.map { "\(counts.byTier[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        lines.append(
            "\(tally.patients) patients in \(report.caseloads.count) caseloads; "
                + "\(tally.needingFollowUp) need follow-up (\(tiers); \(tally.newFollowUps) new this week)")
        lines.append("Report: \(directory)/caseload.xlsx, \(report.caseloads.count) caseload folders, manifest.json")
        for cut in report.cutSheets { lines.append(style.yellow("Sheet cut at the row limit: " + cut.summary)) }
        if t.rowsRejected > 0 {
            lines.append(style.yellow("Rejected rows with reasons: \(directory)/rejected.csv"))
        }
        if tally.needingFollowUp > 0 {
            lines.append("")
            lines.append(style.bold("Follow-up this week:"))
            var shown: [PatientSummary] = []
            let cursor = try source.run.patientsNeedingFollowUp()
            while top == 0 || shown.count < top, let patient = try cursor.next() { shown.append(patient) }
            lines += followUpTable(shown, style: style)
            if shown.count < tally.needingFollowUp {
                lines.append(
                    "… and \(tally.needingFollowUp - shown.count) more on the Follow-up sheet of caseload.xlsx (--top 0 lists all)")
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

    /// The JSON encoder of the summary: keys sorted and in snake case, two-space indent.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// The summary of the report of `source` as one JSON document, handed to `write` in pieces: the
    /// `follow_up` list is encoded one patient at a time as the run's follow-up cursor gives them, so a
    /// merge never holds the whole list. The bytes are those of encoding the whole document at once
    /// (``JSONSummary``, ``encoder``), a test checks it.
    static func json(
        imported: ImportResult, source: any ReportSource, report: WrittenReport, directory: String,
        write: (String) throws -> Void
    ) throws {
        let encoder = Self.encoder
        let document = JSONSummary(imported: imported, source: source, report: report, directory: directory)
        let text = String(decoding: try encoder.encode(document), as: UTF8.self)
        // The document holds an empty follow-up list; its patients are written in its place.
        let empty = "\"follow_up\" : [\n\n  ]"
        guard let slot = text.range(of: empty) else {
            preconditionFailure("the summary's JSON has no empty follow_up list: \(text.prefix(200))")
        }
        try write(String(text[..<slot.lowerBound]))
        let cursor = try source.run.patientsNeedingFollowUp()
        var count = 0
        while let patient = try cursor.next() {
            let element = String(decoding: try encoder.encode(JSONSummary.Patient(patient)), as: UTF8.self)
            // One level deeper than its own document: every line of the element moves 4 spaces right.
            let indented = element.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            try write((count == 0 ? "\"follow_up\" : [\n" : ",\n") + indented.joined(separator: "\n"))
            count += 1
        }
        try write(count == 0 ? empty : "\n  ]")
        try write(String(text[slot.upperBound...]))
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

        init(_ p: PatientSummary) {
            priority = p.priority ?? 0
            tier = p.tier?.rawValue ?? ""
            patientId = p.patientID
            clinician = Caseloads.clinicianName(p.clinician)
            isNew = p.hasNewFollowUp
            reasons = p.followUp.map {
                Reason(
                    reason: $0.reason.rawValue, label: $0.reason.label, explanation: $0.explanation,
                    tier: $0.tier.rawValue, isNew: $0.isNew)
            }
        }
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

    /// The document with `followUp` empty: ``ReviewSummary/json(imported:source:report:directory:write:)``
    /// writes the patients in its place.
    init(imported: ImportResult, source: any ReportSource, report: WrittenReport, directory: String) {
        let tally = source.run.tally
        asOf = source.asOf.isoString
        reportFolder = directory
        workbook = directory + "/caseload.xlsx"
        manifest = directory + "/manifest.json"
        inputs = imported.inputs.map {
            Input(path: $0.path, role: $0.role.rawValue, format: $0.format.rawValue, dialect: $0.dialect, counts: Totals($0.counts))
        }
        totals = Totals(imported.totals)
        rowsAfterAsOf = tally.rowsAfterAsOf
        patients = tally.patients
        followUpCount = tally.needingFollowUp
        newFollowUpCount = tally.newFollowUps
        caseloads = report.caseloads.map {
            Caseload(
                name: $0.name, slug: $0.slug, folder: directory + "/caseloads/" + $0.slug, patients: $0.patients,
                followUp: $0.patientsNeedingFollowUp)
        }
        sheetsCut = report.cutSheets.map {
            Cut(workbook: $0.workbook, sheet: $0.sheet, what: $0.what, rows: $0.rows, shown: $0.shown, leftOut: $0.leftOut,
                limit: $0.limit)
        }
        followUp = []
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
