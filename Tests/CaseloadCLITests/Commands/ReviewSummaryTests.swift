import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation
import Testing

@testable import CaseloadCLI

/// The `--json` summary is written a patient at a time (a merge never holds the follow-up list);
/// its bytes must be those of encoding the whole document at once.
@Suite struct ReviewSummaryTests {
    static let asOf = CalendarDate(daysSinceEpoch: 20_600)

    /// `count` patients over 42 days, pain rising or falling by patient, some with night pain, spread
    /// over two clinicians and nobody.
    static func analysis(count: Int) -> CaseloadAnalysis {
        let records = (0..<count).map { n -> PatientRecord in
            var days: [DailyRecord] = []
            for d in 0..<42 where (d + n) % 4 != 0 {
                var day = DailyRecord(date: asOf.adding(days: d - 41))
                day.exerciseRows = 1 + n % 2
                day.pain = Double(min(10, max(0, (n % 6) + (n % 2 == 0 ? d / 7 : -d / 9))))
                day.nightPain = n % 5 == 0 && d > 35
                days.append(day)
            }
            var roster = RosterEntry(patientID: "P\(100 + n)")
            roster.clinician = ["Dr \"Quote\" / Slash", "Ann\tTab", nil][n % 3]
            return PatientRecord(patientID: "P\(100 + n)", roster: roster, days: days)
        }
        return analyse(records, asOf: asOf)
    }

    /// The summary encoded whole, as `--json` printed it before it was streamed.
    static func whole(imported: ImportResult, analysis: CaseloadAnalysis, report: WrittenReport) throws -> String {
        let source = AnalysisReport(analysis, rejected: [])
        var document = JSONSummary(imported: imported, source: source, report: report, directory: "out")
        document.followUp = analysis.patients.filter(\.needsFollowUp).map(JSONSummary.Patient.init)
        return String(decoding: try ReviewSummary.encoder.encode(document), as: UTF8.self)
    }

    @Test("the streamed JSON summary is the whole document's encoding, byte for byte", arguments: [0, 1, 9, 30])
    func streamedEqualsWhole(patients: Int) throws {
        let analysis = Self.analysis(count: patients)
        let imported = ImportResult(inputs: [], rejected: [], totals: RowCounts())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString)").path
        let context = ReportContext(
            toolVersion: "t", commandLine: "caseload review", caseloadName: "All patients", createdEpochSeconds: 0,
            inputs: [], rejected: [], totals: RowCounts())
        let report = try ReportWriter.write(analysis: analysis, context: context, to: folder)
        var streamed = ""
        try ReviewSummary.json(
            imported: imported, source: AnalysisReport(analysis, rejected: []), report: report, directory: "out"
        ) { streamed += $0 }
        let reference = try Self.whole(imported: imported, analysis: analysis, report: report)
        #expect(streamed == reference)
        let followUp = analysis.patients.filter(\.needsFollowUp).count
        if patients >= 9 { #expect(followUp > 1, "the fixture has several patients to call") }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(streamed.utf8)) as? [String: Any])
        #expect((parsed["follow_up"] as? [Any])?.count == followUp)
    }
}
