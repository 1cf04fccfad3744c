import CaseloadAnalytics
import CaseloadModel
import Foundation
import Testing
@testable import CaseloadExport

/// The caseload workbook read back from disk (unzip + XML), checked against the hand-made
/// ``SampleCaseload`` whose figures are worked out in its documentation.
@Suite struct CaseloadWorkbookTests {
    /// Excel serials worked out by hand: 2024-01-01 is 45292; 2026-01-01 is 45292 + 366 + 365 = 46023.
    static let serialAsOf = 46_023.0 + 304 + 19  // 2026-11-20
    static let serialP001Start = 46_023.0 + 273 + 22  // 2026-10-23

    private func written(
        _ analysis: CaseloadAnalysis = SampleCaseload.analysis(), context: ReportContext = SampleCaseload.context(),
        options: WorkbookOptions = WorkbookOptions()
    ) throws -> (XLSXFile, URL) {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("review.xlsx").path
        try CaseloadWorkbook.write(analysis: analysis, context: context, options: options, to: path)
        return (try XLSXFile(path: path), folder)
    }

    /// The cell right of the first column-A cell whose text is `label`.
    private func valueRight(of label: String, in sheet: StoredSheet, offset: Int = 1) -> StoredCell? {
        guard let row = sheet.rows.first(where: { sheet["A\($0)"]?.text == label }) else { return nil }
        return sheet[columnLetters(offset) + String(row)]
    }

    private func rowNumber(of label: String, in sheet: StoredSheet) -> Int? {
        sheet.rows.first { sheet["A\($0)"]?.text == label }
    }

    @Test func sheetsComeInTheDocumentedOrder() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(file.sheetNames == [
            "Overview", "Follow-up", "Patients", "Weekly",
            "P001", "P003", "+cmd|' _C calc'!A0", "P002", "P005",
            "Data quality", "About",
        ])
    }

    /// Issue 14 §3: the bands follow `low_adherence_pct` and `good_adherence_pct`, and so do the
    /// colour scales of the Patients and Weekly sheets.
    @Test func adherenceBandsFollowTheConfiguredThresholds() throws {
        var analysis = SampleCaseload.analysis()
        analysis.thresholds.lowAdherencePct = 65
        analysis.thresholds.goodAdherencePct = 90
        let (file, folder) = try written(analysis)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Overview")
        // Adherence 42.9, 60, 79.96, 85 and none.
        #expect(valueRight(of: "Below 65 %", in: sheet)?.number == 2)
        #expect(valueRight(of: "65–89 %", in: sheet)?.number == 2)
        #expect(valueRight(of: "90 % or more", in: sheet)?.number == 0)
        #expect(valueRight(of: "No data", in: sheet)?.number == 1)
        #expect(valueRight(of: "Below 50 %", in: sheet) == nil)
        for name in ["Patients", "Weekly"] {
            let scale = try file.sheet(name).xml.all("cfvo").compactMap { $0.attributes["val"] }
            #expect(scale.prefix(3) == ["0.65", "0.775", "0.9"], "\(name): \(scale)")
        }
    }

    @Test func overviewCountsMatchTheHandWorkedFigures() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Overview")
        #expect(valueRight(of: "Caseload", in: sheet)?.text == "All patients")
        let asOf = try #require(valueRight(of: "As of", in: sheet))
        #expect(asOf.number == Self.serialAsOf)
        #expect(asOf.numberFormat == "yyyy-mm-dd")
        #expect(valueRight(of: "Patients", in: sheet)?.number == 5)
        #expect(valueRight(of: "Active this week", in: sheet)?.number == 3)
        #expect(valueRight(of: "Needing follow-up", in: sheet)?.number == 3)
        #expect(valueRight(of: "  urgent: call within a day or two", in: sheet)?.number == 2)
        #expect(valueRight(of: "  soon: call this week", in: sheet)?.number == 1)
        #expect(valueRight(of: "  routine: at the next contact", in: sheet)?.number == 0)
        #expect(valueRight(of: "New follow-ups this week", in: sheet)?.number == 2)
        #expect(valueRight(of: "Median pain change (points)", in: sheet)?.number == 0.5)
        #expect(valueRight(of: "Below 50 %", in: sheet)?.number == 1)
        #expect(valueRight(of: "50–79 %", in: sheet)?.number == 2)
        #expect(valueRight(of: "80 % or more", in: sheet)?.number == 1)
        #expect(valueRight(of: "No data", in: sheet)?.number == 1)
        #expect(valueRight(of: "Pain getting worse", in: sheet)?.number == 1)
        #expect(valueRight(of: "Night pain", in: sheet)?.number == 1)
        #expect(valueRight(of: "High pain during exercise", in: sheet)?.number == 1)
        #expect(valueRight(of: "Swelling", in: sheet)?.number == 0)
        #expect(rowNumber(of: "By clinician", in: sheet) == nil)

        // One bar chart drawn from the reason table.
        #expect(sheet.charts.count == 1)
        let chart = try #require(sheet.charts.first)
        #expect(chart.first("barChart") != nil)
        let first = try #require(rowNumber(of: "Pain getting worse", in: sheet))
        let last = try #require(rowNumber(of: "Sessions too long", in: sheet))
        #expect(last - first == FollowUpReason.allCases.count - 1)
        let refs = chart.all("f").map(\.text)
        #expect(refs.contains("Overview!$A$\(first):$A$\(last)"))
        #expect(refs.contains("Overview!$B$\(first):$B$\(last)"))
    }

    @Test func multiCaseloadOverviewHasAPerClinicianTable() throws {
        let (file, folder) = try written(options: WorkbookOptions(multiCaseload: true))
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Overview")
        let top = try #require(rowNumber(of: "By clinician", in: sheet))
        #expect(sheet.rowTexts(top + 1, count: 6) == [
            "Clinician", "Patients", "Active this week", "Needing follow-up", "New follow-ups", "Median pain change",
        ])
        func numbers(_ row: Int) -> [Double?] { (1...5).map { sheet[columnLetters($0) + String(row)]?.number } }
        // Sorted by name (`=` sorts before letters), Unassigned last.
        #expect(sheet["A\(top + 2)"]?.text == "=1+1")
        #expect(numbers(top + 2) == [1, 1, 1, 1, 0.5])
        #expect(sheet["A\(top + 3)"]?.text == "Dr Ada Lovelace")
        let ada = numbers(top + 3)
        #expect(Array(ada.prefix(4)) == [2, 2, 1, 1])
        // The median of +3.1 and −3.0 is 0.049999999999999822 in binary (6.1 − 3.0 = 3.0999999999999996):
        // a signed figure is stored as it is shown, 0.0, not a value Excel would show as "+0.0".
        #expect(ada[4] == 0)
        #expect(sheet["A\(top + 4)"]?.text == "Dr Grace Hopper")
        #expect(numbers(top + 4) == [1, 0, 0, 0, nil])
        #expect(sheet["A\(top + 5)"]?.text == "Unassigned")
        #expect(numbers(top + 5) == [1, 0, 1, 0, nil])
    }

    @Test func followUpListsPatientsByPriorityWithLinksToTheirSheets() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Follow-up")
        #expect(sheet.rowTexts(4, count: 7) == ["Priority", "Tier", "Patient", "Clinician", "New", "Reasons", "Details"])
        #expect(sheet["A5"]?.number == 1)
        #expect(sheet["B5"]?.text == "urgent")
        #expect(sheet["C5"]?.text == "P001")
        #expect(sheet.hyperlinks["C5"] == "'P001'!A1")
        #expect(sheet["E5"]?.text == "NEW")
        #expect(sheet["F5"]?.text == "Pain getting worse (new); Night pain")
        #expect(sheet["G5"]?.text?.contains("rising 0.9/week over 21 days, p=0.002") == true)
        #expect(sheet["A6"]?.number == 2)
        #expect(sheet["B6"]?.text == "soon")
        #expect(sheet["C6"]?.text == "P003")
        #expect(sheet["D6"] == nil)  // unassigned: empty, not a made-up name
        #expect(sheet["E6"] == nil)
        #expect(sheet["F6"]?.text == "No recent data; Low adherence")
        #expect(sheet["B7"]?.text == "urgent")
        #expect(sheet["C7"]?.text == SampleCaseload.injectionID)
        // The sheet name holds apostrophes, doubled inside the quoted reference.
        #expect(sheet.hyperlinks["C7"] == "'+cmd|'' _C calc''!A0'!A1")
        #expect(sheet["D7"]?.text == "=1+1")
        #expect(sheet["D7"]?.formula == nil)
        #expect(sheet.rows.max() == 7)  // P002 and P005 need no call
        #expect(sheet.xml.first("pane")?.attributes["ySplit"] == "4")
        #expect(sheet.xml.first("autoFilter")?.attributes["ref"] == "A4:G7")
    }

    @Test func followUpWithoutPatientSheetsHasNoLinks() throws {
        // A multi-caseload run with 201 patients gets no patient sheets.
        var analysis = SampleCaseload.analysis()
        for n in 0..<196 {
            analysis.patients.append(SampleCaseload.patient(
                id: "Q\(1000 + n)", clinician: nil, start: nil, days: [], adherence: nil, adherence14: nil,
                baseline: nil, current: nil,
                trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .insufficientData),
                followUp: [], priority: nil))
        }
        let (file, folder) = try written(analysis, options: WorkbookOptions(patientSheets: .all, multiCaseload: true))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(file.sheetNames == ["Overview", "Follow-up", "Patients", "Weekly", "Data quality", "About"])
        let sheet = try file.sheet("Follow-up")
        #expect(sheet["C5"]?.text == "P001")
        #expect(sheet.hyperlinks.isEmpty)
    }

    @Test func patientsSheetHasEveryCSVColumnWithReadableHeadersAndFormats() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Patients")
        #expect(sheet.rowTexts(3, count: 24) == [
            "Patient", "Clinician", "Programme start", "First log", "Last log", "Days in programme",
            "Sessions prescribed", "Sessions done", "Adherence", "Adherence last 14 days", "Pain at baseline",
            "Pain now", "Pain change", "Pain slope per week", "Trend", "Plateau", "Plateau since", "Flares", "Level",
            "Level drops", "Follow-up", "Follow-up reasons", "Priority", "Tier",
        ])
        #expect(Layout.patientColumns.map(\.csv) == [
            "patient_id", "clinician", "program_start", "first_date", "last_date", "days_in_program",
            "sessions_prescribed", "sessions_completed", "adherence_pct", "adherence_14d_pct", "pain_baseline",
            "pain_current", "pain_change", "pain_slope_per_week", "trend", "plateau", "plateau_since", "flare_count",
            "level_current", "level_regressions", "followup", "followup_reasons", "priority", "tier",
        ])
        // P001 on row 4.
        #expect(sheet["A4"]?.text == "P001")
        #expect(sheet["C4"]?.number == Self.serialP001Start)
        #expect(sheet["C4"]?.numberFormat == "yyyy-mm-dd")
        #expect(sheet["F4"]?.number == 29)  // 2026-10-23 … 2026-11-20 inclusive
        #expect(abs((sheet["I4"]?.number ?? 0) - 0.429) < 1e-9)
        #expect(sheet["I4"]?.numberFormat == "0.0%")
        #expect(abs((sheet["M4"]?.number ?? 0) - 3.1) < 1e-9)
        #expect(sheet["M4"]?.numberFormat == "+0.0;-0.0;0.0")
        #expect(sheet["K4"]?.numberFormat == "0.0")
        #expect(sheet["O4"]?.text == "worsening")
        #expect(sheet["R4"]?.number == 1)
        #expect(sheet["U4"]?.text == "Yes")
        #expect(sheet["V4"]?.text == "worsening_pain;night_pain")
        #expect(sheet["W4"]?.number == 1)
        #expect(sheet["X4"]?.text == "urgent")
        // P003 on row 5: no pain data, so empty cells, never 0.
        #expect(sheet["A5"]?.text == "P003")
        for col in ["K", "L", "M", "N"] { #expect(sheet["\(col)5"] == nil) }
        #expect(sheet["O5"]?.text == "insufficient data")
        // P002 on row 7: no follow-up, no priority.
        #expect(sheet["A7"]?.text == "P002")
        #expect(sheet["U7"]?.text == "No")
        #expect(sheet["V7"] == nil)
        #expect(sheet["W7"] == nil)
        #expect(sheet["X7"] == nil)
        // P005 logged nothing: no dates.
        #expect(sheet["A8"]?.text == "P005")
        #expect(sheet["C8"] == nil && sheet["D8"] == nil && sheet["I8"] == nil)

        let pane = try #require(sheet.xml.first("pane"))
        #expect(pane.attributes["xSplit"] == "1")
        #expect(pane.attributes["ySplit"] == "3")
        #expect(sheet.xml.first("autoFilter")?.attributes["ref"] == "A3:X8")
        let widths = sheet.xml.all("col").compactMap { $0.attributes["width"].flatMap(Double.init) }
        #expect(widths.count == 24 && widths.allSatisfy { $0 >= 6 })
        let rules = sheet.xml.all("cfRule").compactMap { $0.attributes["type"] }
        #expect(rules.filter { $0 == "colorScale" }.count == 2)
        #expect(rules.contains("expression"))
        #expect(rules.contains("containsText"))
        #expect(rules.contains("cellIs"))
        let highlight = sheet.xml.all("cfRule").first { $0.attributes["type"] == "expression" }
        #expect(highlight?.first("formula")?.text == "$U4=\"Yes\"")
    }

    @Test func weeklySheetHasAHeatMapAndTheLongTable() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Weekly")
        let header = try #require(rowNumber(of: "Patient", in: sheet))
        #expect(sheet.rowTexts(header, count: 6) == ["Patient", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"])
        // Patients by ID: "+cmd…" sorts before "P…".
        #expect(sheet["A\(header + 1)"]?.text == SampleCaseload.injectionID)
        #expect(sheet["A\(header + 2)"]?.text == "P001")
        let p001 = header + 2
        #expect(sheet["B\(p001)"] == nil)
        #expect(abs((sheet["C\(p001)"]?.number ?? 0) - 0.571) < 1e-9)
        #expect(sheet["C\(p001)"]?.numberFormat == "0.0%")
        #expect(abs((sheet["D\(p001)"]?.number ?? 0) - 0.143) < 1e-9)
        #expect(sheet["E\(p001)"] == nil)
        #expect(abs((sheet["F\(p001)"]?.number ?? 0) - 0.286) < 1e-9)
        #expect(sheet.xml.all("cfRule").contains { $0.attributes["type"] == "colorScale" })

        let table = try #require(sheet.rows.first { sheet["B\($0)"]?.text == "ISO week" })
        #expect(sheet.rowTexts(table, count: 11) == [
            "Patient", "ISO week", "Session days", "Sessions prescribed", "Adherence", "Minutes", "Pain mean",
            "Pain max", "Pain during (median)", "Strength days", "Mobility days",
        ])
        #expect(sheet.rows.filter { $0 > table }.count == 7)  // 1 + 3 + 1 + 2 weeks of the five patients
        #expect(sheet.xml.first("autoFilter")?.attributes["ref"] == "A\(table):K\(table + 7)")
        // P003's week 45 has no adherence: empty, and no pain mean either.
        let p003w45 = try #require(sheet.rows.first { sheet["A\($0)"]?.text == "P003" && sheet["B\($0)"]?.text == "2026-W45" })
        #expect(sheet["E\(p003w45)"] == nil)
        #expect(sheet["G\(p003w45)"] == nil)
        #expect(sheet["C\(p003w45)"]?.number == 3)
    }

    @Test func patientSheetHasHeaderDailyTableAndPainChart() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("P001")
        #expect(sheet["A1"]?.text == "Patient P001")
        #expect(valueRight(of: "Clinician", in: sheet)?.text == "Dr Ada Lovelace")
        #expect(valueRight(of: "Follow-up", in: sheet)?.text
            == "urgent, call within a day or two: Pain getting worse (new); Night pain")
        let back = try #require(rowNumber(of: "← Back to Follow-up", in: sheet))
        #expect(sheet.hyperlinks["A\(back)"] == "'Follow-up'!A1")
        let header = try #require(rowNumber(of: "Date", in: sheet))
        #expect(sheet.rowTexts(header, count: 11) == [
            "Date", "Session done", "Minutes", "Pain", "7-day mean pain", "Baseline pain", "Pain during (median)",
            "Swelling", "Night pain", "Readiness", "Pain in flare",
        ])
        let first = header + 1
        let last = header + 29  // one row per day, 2026-10-23 … 2026-11-20
        #expect(sheet["A\(first)"]?.number == Self.serialP001Start)
        #expect(sheet["A\(first)"]?.numberFormat == "yyyy-mm-dd")
        #expect(sheet["A\(last)"]?.number == Self.serialAsOf)
        #expect(sheet["A\(last + 1)"] == nil)
        // Day 0: logged, pain 3, pain during 3, 4, 5 → median 4, swelling "No" (even offset).
        #expect(sheet.rowTexts(first, count: 2)[1] == "Yes")
        #expect(sheet["D\(first)"]?.number == 3)
        #expect(sheet["G\(first)"]?.number == 4)
        #expect(sheet["H\(first)"]?.text == "No")
        // Day 1: nothing logged: no pain (empty, not 0), the rolling mean still 3.
        #expect(sheet["B\(first + 1)"]?.text == "No")
        #expect(sheet["D\(first + 1)"] == nil)
        #expect(sheet["C\(first + 1)"] == nil)
        #expect(sheet["E\(first + 1)"]?.number == 3)
        #expect(sheet["F\(first + 1)"]?.number == 3)  // baseline, flat
        // The flare runs 2026-11-15 … 11-19 (offsets 23…27): logged pains 6.0 (day 23) and 6.2 (day 27).
        #expect(sheet["K\(first + 22)"] == nil)
        #expect(sheet["K\(first + 23)"]?.number == 6)
        #expect(sheet["K\(first + 24)"] == nil)  // in the flare but no score that day
        #expect(sheet["K\(first + 27)"]?.number == 6.2)
        #expect(sheet["K\(first + 28)"] == nil)

        #expect(sheet.charts.count == 1)
        let chart = try #require(sheet.charts.first)
        #expect(chart.first("lineChart") != nil)
        let series = chart.all("ser")
        #expect(series.count == 4)
        #expect(series.map { $0.first("tx")?.allText } == ["Daily pain", "7-day mean", "Baseline", "Flare days"])
        #expect(refs(of: series[3]) == ["P001!$A$\(first):$A$\(last)", "P001!$K$\(first):$K$\(last)"])
        let refs = chart.all("f").map(\.text)
        #expect(refs.contains("P001!$A$\(first):$A$\(last)"))
        #expect(refs.contains("P001!$D$\(first):$D$\(last)"))
        #expect(refs.contains("P001!$E$\(first):$E$\(last)"))
        #expect(refs.contains("P001!$F$\(first):$F$\(last)"))
        #expect(chart.all("numFmt").contains { $0.attributes["formatCode"] == "dd mmm" })
        let scaling = try #require(chart.first("valAx")?.first("scaling"))
        #expect(scaling.first("max")?.attributes["val"] == "10")
        #expect(scaling.first("min")?.attributes["val"] == "0")
        // Days without a score are skipped (lines joined), never plotted as pain 0.
        #expect(chart.first("dispBlanksAs")?.attributes["val"] == "span")
    }

    private func refs(of series: XMLNode) -> [String] { series.all("f").map(\.text).filter { $0.contains("$") } }

    @Test func patientWithoutFlaresHasNoFlareSeries() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let chart = try #require(try file.sheet("P002").charts.first)
        #expect(chart.all("ser").map { $0.first("tx")?.allText } == ["Daily pain", "7-day mean", "Baseline"])
    }

    @Test func patientWithoutLogsGetsANoteAndNoChart() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("P005")
        #expect(sheet.charts.isEmpty)
        #expect(sheet.cells.values.contains { $0.text == "No log data in the programme window." })
        #expect(valueRight(of: "Follow-up", in: sheet)?.text == "None this week")
        #expect(valueRight(of: "Clinician", in: sheet)?.text == "Dr Grace Hopper")
    }

    @Test func dataQualityAccountsForInputsAndKeepsRejectedValuesAsText() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("Data quality")
        let header = try #require(rowNumber(of: "File", in: sheet))
        #expect(sheet.rowTexts(header, count: 12) == [
            "File", "Role", "Format", "Dialect", "SHA-256", "Bytes", "Rows read", "Accepted", "Rejected", "Duplicate",
            "Warnings", "Ignored columns",
        ])
        #expect(sheet.rowTexts(header + 1, count: 5) == ["logs.csv", "log", "csv", ", UTF-8 LF", String(repeating: "ab", count: 32)])
        #expect((6...9).map { sheet[columnLetters($0) + String(header + 1)]?.number } == [100, 90, 6, 4])
        #expect(sheet["K\(header + 1)"]?.text == "2 rows dated after the as-of date")
        #expect(sheet["L\(header + 1)"]?.text == "device_id")
        #expect(sheet["A\(header + 2)"]?.text == "roster.csv")
        #expect(valueRight(of: "All inputs", in: sheet, offset: 6)?.number == 105)

        let rejectedHeader = try #require(sheet.rows.first { sheet["A\($0)"]?.text == "File" && sheet["B\($0)"]?.text == "Line" })
        for (index, payload) in SampleCaseload.payloads.enumerated() {
            let row = rejectedHeader + 1 + index
            let value = try #require(sheet["E\(row)"])
            #expect(value.type == "inlineStr")
            #expect(value.text == payload)
            #expect(sheet["B\(row)"]?.number == Double(10 + index))
        }
        #expect(sheet["C\(rejectedHeader + 1)"] == nil)  // no patient ID: empty
    }

    @Test func noCellAnywhereIsAFormula() throws {
        let (file, folder) = try written(options: WorkbookOptions(patientSheets: .all, multiCaseload: true))
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in file.sheetNames {
            let sheet = try file.sheet(name)
            #expect(sheet.cells.values.allSatisfy { $0.formula == nil && $0.type != "str" }, "formula on \(name)")
        }
    }

    @Test func aboutListsEveryThresholdInputAndDefinition() throws {
        var analysis = SampleCaseload.analysis()
        analysis.thresholds.flareMargin = 2.5
        let (file, folder) = try written(analysis)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = try file.sheet("About")
        #expect(valueRight(of: "Tool", in: sheet)?.text == "caseload 0.1.0")
        #expect(valueRight(of: "As of", in: sheet)?.number == Self.serialAsOf)
        #expect(valueRight(of: "Command line", in: sheet)?.text?.hasPrefix("caseload review logs.csv") == true)
        // Created 1,795,132,800 s = 20,777 days → serial 20,777 + 25,569.
        #expect(valueRight(of: "Created", in: sheet)?.number == 46_346)
        let thresholdHeader = try #require(rowNumber(of: "Name", in: sheet))
        let names = (thresholdHeader + 1...thresholdHeader + 100).prefix { sheet["A\($0)"] != nil }
        #expect(names.count == Mirror(reflecting: Thresholds()).children.count)
        #expect(valueRight(of: "flare_margin", in: sheet)?.number == 2.5)
        #expect(valueRight(of: "trend_window_days", in: sheet)?.number == 21)
        #expect(valueRight(of: "flare_margin", in: sheet, offset: 3)?.text?.contains("Farrar") == true)
        #expect(valueRight(of: "logs.csv", in: sheet, offset: 3)?.text == String(repeating: "ab", count: 32))
        #expect(valueRight(of: "Adherence %", in: sheet)?.text?.isEmpty == false)
        #expect(sheet.cells.values.contains { $0.text?.contains("docs/ANALYTICS.md") == true })
    }

    @Test func documentPropertiesComeFromTheContext() throws {
        let (file, folder) = try written()
        defer { try? FileManager.default.removeItem(at: folder) }
        let core = try file.coreProperties()
        #expect(core["title"] == "Caseload review: All patients, as of 2026-11-20")
        #expect(core["creator"] == "caseload 0.1.0")
        #expect(core["created"] == "2026-11-20T00:00:00Z")
        #expect(core["description"]?.contains("--as-of 2026-11-20") == true)
    }

    @Test func aSecondWriteGivesIdenticalBytes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.xlsx")
        let b = folder.appendingPathComponent("sub-b.xlsx")
        let options = WorkbookOptions(patientSheets: .all, multiCaseload: true)
        try CaseloadWorkbook.write(analysis: SampleCaseload.analysis(), context: SampleCaseload.context(),
                                   options: options, to: a.path)
        try CaseloadWorkbook.write(analysis: SampleCaseload.analysis(), context: SampleCaseload.context(),
                                   options: options, to: b.path)
        let first = try Data(contentsOf: a)
        #expect(first == (try Data(contentsOf: b)))
        #expect(first.count > 10_000)
    }

    @Test func fullSheetsEndInAVisibleNote() throws {
        var analysis = SampleCaseload.analysis()
        // A sixth patient with 92 weeks: 2025-W01…W52 and 2026-W01…W40.
        var filler = SampleCaseload.patient(
            id: "P006", clinician: nil, start: nil, days: [], adherence: nil, adherence14: nil, baseline: nil,
            current: nil, trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .stable),
            followUp: [], priority: nil)
        let weeks = (1...52).map { ISOWeek(year: 2025, week: $0) } + (1...40).map { ISOWeek(year: 2026, week: $0) }
        filler.weekly = weeks.map {
                WeeklySummary(week: $0, sessionDays: 1, sessionsPrescribed: 7, adherencePct: 14.3, minutes: 10,
                              painMean: nil, painMax: nil, painDuringMedian: nil, strengthDays: 0, mobilityDays: 0)
            }
        analysis.patients.append(filler)
        var context = SampleCaseload.context()
        context.rejected = (0..<200).map {
            RejectedRow(file: "logs.csv", line: $0 + 2, patientID: "P001", column: "date", value: "x", reason: "bad")
        }
        var options = WorkbookOptions(patientSheets: .followUpOnly)
        options.rowLimit = 80
        let (file, folder) = try written(analysis, context: context, options: options)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Weekly: heat map header on row 5 (1-based), 6 patients on rows 6–11, table header on row 14,
        // data from row 15: 66 rows of room → 65 shown, note on row 80 for the other 99 − 65 = 34.
        let weekly = try file.sheet("Weekly")
        #expect(weekly.rows.max() == 80)
        #expect(weekly["A80"]?.text?.contains("34 more weekly rows not shown") == true)
        // Data quality: rejected rows from row 12: 69 rows of room → 68 shown, note for 132.
        let quality = try file.sheet("Data quality")
        #expect(quality.rows.max() == 80)
        #expect(quality["A80"]?.text?.contains("132 more rejected rows not shown") == true)
        #expect(quality["A79"]?.text == "logs.csv")
        // The writer returns the same cuts, in sheet order, for the terminal summary.
        let path = folder.appendingPathComponent("again.xlsx").path
        let cuts = try CaseloadWorkbook.write(analysis: analysis, context: context, options: options, to: path)
        #expect(cuts == [
            SheetCut(workbook: path, sheet: "Weekly", what: "weekly rows", rows: 99, shown: 65, limit: 80),
            SheetCut(workbook: path, sheet: "Data quality", what: "rejected rows", rows: 200, shown: 68, limit: 80),
        ])
        #expect(cuts.first?.summary == path + ", sheet Weekly: 34 of 99 weekly rows not shown "
            + "(a worksheet holds at most 80 rows; the CSVs list them all)")
        // Nothing is cut at Excel's limit.
        let whole = folder.appendingPathComponent("whole.xlsx").path
        #expect(try CaseloadWorkbook.write(analysis: analysis, context: context, to: whole).isEmpty)
    }

    @Test(arguments: [
        (PatientSheetPolicy.followUpOnly, false, ["P001", "P003", SampleCaseload.injectionID]),
        (.all, false, ["P001", "P003", SampleCaseload.injectionID, "P002", "P005"]),
        (.auto(limit: 5), false, ["P001", "P003", SampleCaseload.injectionID, "P002", "P005"]),
        (.auto(limit: 4), false, ["P001", "P003", SampleCaseload.injectionID]),
        (.all, true, ["P001", "P003", SampleCaseload.injectionID, "P002", "P005"]),
    ])
    func patientSheetPolicy(policy: PatientSheetPolicy, multi: Bool, expected: [String]) {
        let chosen = CaseloadWorkbook.patientsWithSheets(
            analysis: SampleCaseload.analysis(), options: WorkbookOptions(patientSheets: policy, multiCaseload: multi))
        #expect(chosen.map(\.patientID) == expected)
    }
}
