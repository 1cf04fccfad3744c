import CaseloadAnalytics
import CaseloadModel
import Foundation
import Testing
@testable import CaseloadExport

/// The cap on patient sheets per workbook (each open sheet holds a temporary file while the
/// workbook is written, so thousands of follow-up patients used to hit the open-file limit).
@Suite struct PatientSheetCapTests {
    /// `count` patients who all need follow-up, priorities 1…count in analysis order.
    static func followUpCaseload(_ count: Int) -> CaseloadAnalysis {
        let patients = (0..<count).map { index in
            SampleCaseload.patient(
                id: "Q\(index + 1)", clinician: "Dr Ada Lovelace", start: nil, days: [], adherence: nil,
                adherence14: nil, baseline: nil, current: nil,
                trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .insufficientData),
                followUp: [FollowUpFlag(reason: .noRecentData, explanation: "no log yet", isNew: false)],
                priority: index + 1)
        }
        return CaseloadAnalysis(
            asOf: SampleCaseload.asOf, thresholds: Thresholds(), tiers: FollowUpTiers(), patients: patients, rowsAfterAsOf: 0)
    }

    @Test(arguments: [
        // policy, cap, sheets expected (the sample caseload's order: P001, P003, injection, P002, P005)
        (PatientSheetPolicy.all, 2, ["P001", "P003"]),
        (.all, 0, []),
        (.followUpOnly, 1, ["P001"]),
        (.followUpOnly, 250, ["P001", "P003", SampleCaseload.injectionID]),
    ])
    func capKeepsTheMostUrgentFirst(policy: PatientSheetPolicy, cap: Int, expected: [String]) {
        var options = WorkbookOptions(patientSheets: policy)
        options.maxPatientSheets = cap
        #expect(CaseloadWorkbook.patientsWithSheets(analysis: SampleCaseload.analysis(), options: options)
            .map(\.patientID) == expected)
    }

    @Test func followUpSheetSaysHowManyPatientsHaveNoSheet() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = WorkbookOptions(patientSheets: .all)
        options.maxPatientSheets = 2
        let path = folder.appendingPathComponent("capped.xlsx").path
        try CaseloadWorkbook.write(
            analysis: SampleCaseload.analysis(), context: SampleCaseload.context(), options: options, to: path)
        let file = try XLSXFile(path: path)
        #expect(file.sheetNames.filter { !Self.fixedSheets.contains($0) } == ["P001", "P003"])
        // 5 patients due a sheet under `.all`, 2 written: 3 without.
        let note = try #require(try file.sheet("Follow-up")["A3"]?.text)
        #expect(note.hasPrefix("3 of the 5 patients due a sheet of their own have none"))
        #expect(note.contains("patients.csv"))
    }

    @Test func uncappedWorkbookHasNoNote() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("full.xlsx").path
        try CaseloadWorkbook.write(
            analysis: SampleCaseload.analysis(), context: SampleCaseload.context(),
            options: WorkbookOptions(patientSheets: .all), to: path)
        #expect(try XLSXFile(path: path).sheet("Follow-up")["A3"] == nil)
    }

    /// Regression: 40,000 follow-up patients in one caseload used to ask for 40,000 sheets
    /// (and as many open temporary files). Now 250 sheets, the Patients sheet lists all.
    @Test func fortyThousandFollowUpPatientsGetTheDefaultCapOfSheets() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("big.xlsx").path
        let analysis = Self.followUpCaseload(40_000)
        try CaseloadWorkbook.write(
            analysis: analysis, context: SampleCaseload.context(), options: WorkbookOptions(), to: path)
        let file = try XLSXFile(path: path)
        let patientSheets = file.sheetNames.filter { !Self.fixedSheets.contains($0) }
        #expect(patientSheets.count == WorkbookOptions.defaultMaxPatientSheets)
        #expect(patientSheets.first == "Q1")
        #expect(patientSheets.last == "Q250")
        let followUp = String(decoding: try #require(file.entries["xl/worksheets/sheet2.xml"]), as: UTF8.self)
        #expect(followUp.contains("39750 of the 40000 patients due a sheet of their own have none"))
        // The Patients sheet (sheet3) holds a row for every patient: header on row 3, last patient on row 40,003.
        let patients = String(decoding: try #require(file.entries["xl/worksheets/sheet3.xml"]), as: UTF8.self)
        #expect(patients.contains("<row r=\"40003\""))
        #expect(!patients.contains("<row r=\"40004\""))
    }

    static let fixedSheets: Set<String> = ["Overview", "Follow-up", "Patients", "Weekly", "Data quality", "About"]
}
