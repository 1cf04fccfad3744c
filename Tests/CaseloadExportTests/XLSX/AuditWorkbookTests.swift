import CaseloadAnalytics
import CaseloadModel
import Foundation
import Testing

@testable import CaseloadExport

/// The audit folder read back (issue 16): sheets, the funnel chart, and workbook values equal to the CSVs.
@Suite struct AuditWorkbookTests {
    static let period = AuditPeriod(from: CalendarDate(daysSinceEpoch: 20_500), to: CalendarDate(daysSinceEpoch: 20_527))

    /// Two clinicians, one improving and one not, eight patients each, plus PROM scores for two.
    static func audit(withPROMs: Bool = true) -> AuditAnalysis {
        let start = period.from.adding(days: -20)
        func patient(_ id: String, _ clinician: String, after: Double) -> PatientRecord {
            let days = (0...48).map { i -> DailyRecord in
                var d = DailyRecord(date: start.adding(days: i))
                d.pain = i < 7 ? 6 : after
                d.exerciseRows = 1
                return d
            }
            return PatientRecord(
                patientID: id, roster: RosterEntry(patientID: id, clinician: clinician, programStart: start), days: days)
        }
        let patients = (0..<8).map { patient("A\($0)", "Dr Ada", after: 2) } + (0..<8).map { patient("B\($0)", "Dr Bo", after: 6) }
        let proms = withPROMs ? [
            PROMScore(patientID: "A0", date: start, instrument: .koosPF, score: 45),
            PROMScore(patientID: "A0", date: period.to, instrument: .koosPF, score: 70.5),
            PROMScore(patientID: "B0", date: start, instrument: .akps, score: 60),
        ] : []
        return auditAnalysis(patients, period: period, proms: proms)
    }

    static var context: ReportContext {
        ReportContext(
            toolVersion: "test", commandLine: "caseload audit x --from a --to b", caseloadName: "Audit",
            createdEpochSeconds: period.to.daysSinceEpoch * 86_400,
            inputs: [InputSummary(
                path: "logs.csv", sha256: String(repeating: "b", count: 64), bytes: 10, format: .csv, dialect: nil,
                counts: RowCounts(rowsRead: 3, rowsAccepted: 2, rowsRejected: 1, rowsDuplicate: 0), warnings: [],
                ignoredColumns: [])],
            rejected: [RejectedRow(file: "logs.csv", line: 3, patientID: "A1", column: "pain", value: "12", reason: "pain 12 is outside 0–10")],
            totals: RowCounts(rowsRead: 3, rowsAccepted: 2, rowsRejected: 1, rowsDuplicate: 0))
    }

    static func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func folderHoldsEveryFileAndTheWorkbookMatchesTheCSVs() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("audit").path
        let audit = Self.audit()
        let written = try AuditReport.write(audit, context: Self.context, withPROMs: true, pseudonymized: false, to: out)
        #expect(written.outputs.map(\.path) == ["audit-patients.csv", "audit-clinicians.csv", "rejected.csv", "audit.xlsx"])
        #expect(FileManager.default.fileExists(atPath: out + "/manifest.json"))

        let clinicians = try Self.csv(out + "/audit-clinicians.csv")
        #expect(clinicians[0] == AuditCSV.clinicianColumns)
        #expect(clinicians.dropFirst().map { $0[0] } == ["Dr Ada", "Dr Bo", "All patients"])
        #expect(clinicians[1][5] == "100.0" && clinicians[2][5] == "0.0" && clinicians[3][5] == "50.0")
        let patients = try Self.csv(out + "/audit-patients.csv")
        #expect(patients[0] == AuditCSV.patientColumns && patients.count == 17)
        #expect(patients[1][14] == "koos_pf" && patients[1][17] == "25.5" && patients[1][18] == "yes")

        let file = try XLSXFile(path: out + "/audit.xlsx")
        #expect(file.sheetNames == ["Summary", "Clinicians", "Funnel", "Patients", "PROMs", "Data quality", "About"])
        // Clinicians: the same values as the CSV (percentages stored as fractions).
        let sheet = try file.sheet("Clinicians")
        for (offset, row) in clinicians.dropFirst().enumerated() {
            let r = 4 + offset
            #expect(sheet["A\(r)"]?.text == row[0])
            #expect(sheet["B\(r)"]?.number == Double(row[1]))
            #expect(sheet["E\(r)"]?.number == Double(row[4]))
            let mcid = try #require(sheet["F\(r)"]?.number)
            #expect(Rounding.fixed(100 * mcid, decimals: 1) == row[5])
            #expect(sheet["F\(r)"]?.numberFormat == "0.0%")
        }
        // Patients: pain and status equal the CSV's.
        let patientSheet = try file.sheet("Patients")
        for (offset, row) in patients.dropFirst().enumerated() {
            let r = 4 + offset
            #expect(patientSheet["A\(r)"]?.text == row[0])
            #expect(patientSheet["E\(r)"]?.text == row[4])
            let baseline = try #require(patientSheet["G\(r)"]?.number)
            #expect(Rounding.fixed(baseline, decimals: 2) == row[6])
        }
        // The funnel: a scatter chart with the service line, four limits and the clinicians' points.
        let funnel = try file.sheet("Funnel")
        let chart = try #require(funnel.charts.first)
        #expect(chart.first("scatterChart") != nil)
        #expect(chart.all("ser").count == 6)
        // Data quality is the review's: every input with its SHA-256, an "All inputs" row, the rejected rows.
        let quality = try file.sheet("Data quality")
        #expect(quality.rowTexts(5, count: 5) == ["File", "Role", "Format", "Dialect", "SHA-256"])
        let all = try #require(quality.rows.first { quality["A\($0)"]?.text == "All inputs" })
        #expect(quality["G\(all)"]?.number == 3 && quality["I\(all)"]?.number == 1)
        #expect(quality["E6"]?.text == String(repeating: "b", count: 64))
        #expect(quality.rows.contains { quality["F\($0)"]?.text == "pain 12 is outside 0–10" })
        let proms = try file.sheet("PROMs")
        #expect(proms["C4"]?.text == "KOOS-PF" && proms["F4"]?.number == 25.5)
        #expect(proms["C5"]?.text == "AKPS" && proms["F5"] == nil)
    }

    @Test func withoutPROMsThereIsNoPROMsSheetAndOutliersAreNamed() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("audit").path
        var audit = Self.audit(withPROMs: false)
        audit.outliers = ["Dr Bo"]
        _ = try AuditReport.write(audit, context: Self.context, withPROMs: false, pseudonymized: true, to: out)
        let file = try XLSXFile(path: out + "/audit.xlsx")
        #expect(!file.sheetNames.contains("PROMs"))
        let summary = try file.sheet("Summary")
        let row = try #require(summary.rows.first { summary["A\($0)"]?.text == "Dr Bo" })
        #expect(summary["B\(row)"]?.text?.contains("not a verdict") == true)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")))
                as? [String: Any])
        #expect(manifest["pseudonymized"] as? Bool == true)
        #expect((manifest["period"] as? [String: String])?["from"] == Self.period.from.isoString)
        #expect((manifest["audit"] as? [String: Any])?["mcid_points"] as? Double == 2)
        #expect(manifest["funnel_outliers"] as? [String] == ["Dr Bo"])
    }

    @Test func anEmptyAuditStillWritesEveryFile() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("audit").path
        let empty = auditAnalysis([], period: Self.period)
        _ = try AuditReport.write(empty, context: Self.context, withPROMs: false, pseudonymized: false, to: out)
        let funnel = try XLSXFile(path: out + "/audit.xlsx").sheet("Funnel")
        #expect(funnel.charts.isEmpty)
        #expect(try Self.csv(out + "/audit-clinicians.csv").count == 2)  // header and the service row
    }
}
