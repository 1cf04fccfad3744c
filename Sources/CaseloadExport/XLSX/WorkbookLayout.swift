import CaseloadAnalytics
import CaseloadModel

/// Lays one group of patients out over the sheets of one workbook (see ``CaseloadWorkbook``).
///
/// What must be known before the first row (counts, bands, weeks, totals) comes from the group's
/// ``CaseloadTally``; the rows come from the group's cursors, one patient at a time, each sheet
/// written top to bottom as constant-memory mode requires. A group held in memory and one read
/// from shard files therefore give the same workbook.
struct Layout {
    let workbook: Workbook
    let group: any PatientGroup
    let settings: ReportSettings
    /// The per-clinician table of a multi-caseload run's Overview (``WorkbookOptions/multiCaseload``).
    let clinicians: [GroupCounts]
    let context: ReportContext
    let options: WorkbookOptions

    /// Sheet names of the patients who have one, by patient ID.
    private(set) var patientSheetNames: [String: String] = [:]

    init(
        workbook: Workbook, group: any PatientGroup, settings: ReportSettings, clinicians: [GroupCounts],
        context: ReportContext, options: WorkbookOptions
    ) {
        self.workbook = workbook
        self.group = group
        self.settings = settings
        self.clinicians = clinicians
        self.context = context
        self.options = options
    }

    var asOf: CalendarDate { settings.asOf }
    var tally: CaseloadTally { group.tally }

    /// `internal:'Sheet name'!A1` (apostrophes in the name doubled).
    static func internalLink(to sheet: String, cell: String = "A1") -> String {
        "internal:'" + sheet.replacing("'", with: "''") + "'!" + cell
    }

    mutating func writeAll() throws {
        let fixed = [
            CaseloadWorkbook.overviewSheet, CaseloadWorkbook.followUpSheet, CaseloadWorkbook.patientsSheet,
            CaseloadWorkbook.weeklySheet, CaseloadWorkbook.dataQualitySheet, CaseloadWorkbook.aboutSheet,
        ]
        for name in fixed { workbook.reserveSheetName(name) }
        // Sheets are added in workbook order first, so links can name any of them.
        let overview = try workbook.addWorksheet(exactName: CaseloadWorkbook.overviewSheet)
        let followUp = try workbook.addWorksheet(exactName: CaseloadWorkbook.followUpSheet)
        let patients = try workbook.addWorksheet(exactName: CaseloadWorkbook.patientsSheet)
        let weekly = try workbook.addWorksheet(exactName: CaseloadWorkbook.weeklySheet)
        var patientSheets: [(PatientSummary, Worksheet)] = []
        for patient in try CaseloadWorkbook.patientsWithSheets(group: group, options: options) {
            let sheet = try workbook.addWorksheet(patient.patientID)
            patientSheetNames[patient.patientID] = sheet.name
            patientSheets.append((patient, sheet))
        }
        let dataQuality = try workbook.addWorksheet(exactName: CaseloadWorkbook.dataQualitySheet)
        let about = try workbook.addWorksheet(exactName: CaseloadWorkbook.aboutSheet)

        try writeOverview(overview)
        try writeFollowUp(followUp)
        try writePatients(patients)
        try writeWeekly(weekly)
        for (patient, sheet) in patientSheets { try writePatient(patient, on: sheet) }
        try writeDataQuality(dataQuality)
        try writeAbout(about)
        for sheet in workbook.worksheets { try sheet.printLandscapeFitToWidth() }
        try overview.activate()
    }

    // MARK: - Overview

    private func writeOverview(_ sheet: Worksheet) throws {
        try sheet.hideGridlines()
        try sheet.setColumns(0, 0, width: 30)
        try sheet.setColumns(1, 1, width: 14)
        try sheet.setColumns(2, 6, width: 14)
        try sheet.write("Caseload review: \(context.caseloadName)", row: 0, col: 0, style: .title)
        try sheet.write(
            "As of \(asOf.isoString) · \(tally.patients) patients · made by caseload \(context.toolVersion)",
            row: 1, col: 0, style: .subtitle)

        var row = 3
        try sheet.write("Summary", row: row, col: 0, style: .section)
        try sheet.writeBlank(row: row, col: 1, style: .section)
        row += 1
        let counts = tally.counts(name: context.caseloadName)
        var summary: [(String, CellValue)] = [
            ("Caseload", .text(context.caseloadName)),
            ("As of", .date(asOf.excelSerial)),
            ("Patients", .int(counts.patients)),
            ("Active this week", .int(counts.activeThisWeek)),
            ("Needing follow-up", .int(counts.needingFollowUp)),
        ]
        for tier in FollowUpTier.allCases {
            summary.append(("  \(tier.rawValue): \(tier.meaning)", .int(counts.byTier[tier] ?? 0)))
        }
        summary += [
            ("New follow-ups this week", .int(counts.newFollowUps)),
            ("Median pain change (points)", .signed(counts.medianPainChange, .painChange)),
        ]
        for (label, value) in summary {
            try sheet.write(label, row: row, col: 0, style: .label)
            try sheet.write(row: row, [value], firstCol: 1)
            row += 1
        }
        try sheet.write(
            "Active: any log row from \(asOf.adding(days: -6).isoString) to \(asOf.isoString). "
                + "Pain change: now minus baseline, negative is better"
                + (counts.patientsWithPainChange == 0
                    ? " (no patient has both yet)." : " (\(counts.patientsWithPainChange) patients with both)."),
            row: row, col: 0, style: .note)
        row += 2

        let adherenceSection = row
        try sheet.write("Adherence over the programme", row: row, col: 0, style: .section)
        try sheet.writeBlank(row: row, col: 1, style: .section)
        row += 1
        try sheet.writeHeader(row: row, ["Band", "Patients"])
        row += 1
        for band in tally.adherenceBands(thresholds: settings.thresholds) {
            try sheet.write(row: row, [.text(band.label), .int(band.patients)])
            row += 1
        }
        row += 1

        try sheet.write("Follow-ups by reason", row: row, col: 0, style: .section)
        try sheet.writeBlank(row: row, col: 1, style: .section)
        row += 1
        try sheet.writeHeader(row: row, ["Reason", "Patients"])
        row += 1
        let reasonFirst = row
        for (reason, count) in tally.followUpsByReason {
            try sheet.write(row: row, [.text(reason.label), .int(count)])
            row += 1
        }
        let reasonLast = row - 1
        let chart = try workbook.addChart(.bar)
        try chart.addSeries(
            name: "Patients",
            categories: SheetRange(sheet: sheet.name, firstRow: reasonFirst, firstCol: 0, lastRow: reasonLast, lastCol: 0),
            values: SheetRange(sheet: sheet.name, firstRow: reasonFirst, firstCol: 1, lastRow: reasonLast, lastCol: 1),
            style: .init(color: Palette.bar))
        try chart.setTitle("Patients needing follow-up, by reason")
        try chart.hideLegend()
        try chart.categoryAxis(reversed: true)
        // Whole-patient steps while the bars are short; no bar can exceed the patients needing follow-up.
        try chart.valueAxis(min: 0, majorUnit: counts.needingFollowUp <= 10 ? 1 : nil, numberFormat: "0")
        try sheet.insertChart(chart, row: adherenceSection, col: 3, xScale: 1.3, yScale: 1.25)

        if options.multiCaseload {
            row += 1
            try sheet.writeSection("By clinician", row: row, width: 6)
            row += 1
            try sheet.writeHeader(
                row: row,
                ["Clinician", "Patients", "Active this week", "Needing follow-up", "New follow-ups",
                 "Median pain change"], tall: true)
            row += 1
            for group in clinicians {
                try sheet.write(row: row, [
                    .text(group.name), .int(group.patients), .int(group.activeThisWeek), .int(group.needingFollowUp),
                    .int(group.newFollowUps), .signed(group.medianPainChange, .painChange),
                ])
                row += 1
            }
        }
    }

    // MARK: - Follow-up

    private func writeFollowUp(_ sheet: Worksheet) throws {
        try sheet.setTabColor(Palette.tabFollowUp)
        try sheet.setColumns(0, 0, width: 9)
        try sheet.setColumns(1, 1, width: 9)
        try sheet.setColumns(2, 2, width: 14)
        try sheet.setColumns(3, 3, width: 18)
        try sheet.setColumns(4, 4, width: 7)
        try sheet.setColumns(5, 5, width: 30)
        try sheet.setColumns(6, 6, width: 90)
        // The patients to call, most urgent first, pulled one at a time.
        let count = tally.needingFollowUp
        let list = try group.patientsNeedingFollowUp()
        try sheet.write("Follow-up: \(context.caseloadName), as of \(asOf.isoString)", row: 0, col: 0, style: .title)
        try sheet.write(
            "\(count) patients to call, most urgent first. Tier: "
                + FollowUpTier.allCases.map { "\($0.rawValue), \($0.meaning)" }.joined(separator: "; ")
                + ". NEW: a reason that did not hold a week ago. "
                + "Click a patient to open their sheet.",
            row: 1, col: 0, style: .subtitle)
        let due = CaseloadWorkbook.sheetsDue(tally: tally, options: options).count
        if due > patientSheetNames.count {
            try sheet.write(
                "\(due - patientSheetNames.count) of the \(due) patients due a sheet of their own have none: "
                    + "a workbook holds at most \(options.maxPatientSheets) patient sheets, the most urgent first. "
                    + "The Patients sheet, patients.csv and followup.csv list everyone.",
                row: 2, col: 0, style: .note)
        }
        let headerRow = 3
        try sheet.writeHeader(row: headerRow, ["Priority", "Tier", "Patient", "Clinician", "New", "Reasons", "Details"])
        try sheet.freezePanes(row: headerRow + 1, col: 0)
        guard count > 0 else {
            try sheet.write("No patient needs follow-up this week.", row: headerRow + 1, col: 0, style: .note)
            return
        }
        let end = try sheet.writeRows(from: headerRow + 1, count: count, what: "patients") { index, row in
            let patient = try Layout.pull(list, sheet: sheet)
            let reasons = patient.followUp.map { $0.reason.label + ($0.isNew ? " (new)" : "") }
            let details = patient.followUp.map { $0.reason.label + ": " + $0.explanation }
            var cells: [CellValue] = [.int(patient.priority, .topCentered)]
            if let tier = patient.tier { cells.append(.text(tier.rawValue, .tier(tier))) } else { cells.append(.empty) }
            // Excel allows 65,530 hyperlinks a sheet; beyond that the ID is plain text.
            if index < Layout.maxLinksPerSheet, let target = patientSheetNames[patient.patientID] {
                cells.append(.link(url: Layout.internalLink(to: target), text: patient.patientID, style: .topLink))
            } else {
                cells.append(.text(patient.patientID, .top))
            }
            cells.append(.text(patient.clinician, .top))
            cells.append(patient.hasNewFollowUp ? .text("NEW", .newMarker) : .empty)
            let reasonText = reasons.joined(separator: "; ")
            cells.append(.text(reasonText, .wrapped))
            cells.append(.text(details.joined(separator: "\n"), .wrapped))
            // Wrapped text: size the row to its lines (neither Excel nor LibreOffice does it on load).
            let reasonLines = reasonText.count / 32 + 1
            let detailLines = details.map { $0.count / 100 + 1 }.reduce(0, +)
            try sheet.setRow(row, height: 15 * Double(max(1, reasonLines, detailLines)))
            try sheet.write(row: row, cells)
        }
        try sheet.autofilter(firstRow: headerRow, firstCol: 0, lastRow: max(headerRow, end - 1), lastCol: 6)
    }

    /// The adherence colour scale: red at `low_adherence_pct` and below, green from
    /// `good_adherence_pct`, yellow half-way (cells hold fractions).
    var adherenceScale: ConditionalRule {
        let low = settings.thresholds.lowAdherencePct / 100
        let good = goodAdherenceBound(settings.thresholds) / 100
        return .colorScale(
            minValue: low, minColor: Palette.scaleRed, midValue: (low + good) / 2, midColor: Palette.scaleYellow,
            maxValue: good, maxColor: Palette.scaleGreen)
    }

    /// Hyperlinks Excel accepts on one worksheet.
    static let maxLinksPerSheet = 65_530

    // MARK: - Patients

    /// The Patients sheet's columns: `patients.csv` name, readable header, width.
    static let patientColumns: [(csv: String, header: String, width: Double)] = [
        ("patient_id", "Patient", 12), ("clinician", "Clinician", 16), ("program_start", "Programme start", 12),
        ("first_date", "First log", 11), ("last_date", "Last log", 11), ("days_in_program", "Days in programme", 10),
        ("sessions_prescribed", "Sessions prescribed", 11), ("sessions_completed", "Sessions done", 9),
        ("adherence_pct", "Adherence", 10), ("adherence_14d_pct", "Adherence last 14 days", 11),
        ("pain_baseline", "Pain at baseline", 9), ("pain_current", "Pain now", 8),
        ("pain_change", "Pain change", 8), ("pain_slope_per_week", "Pain slope per week", 9),
        ("trend", "Trend", 16), ("plateau", "Plateau", 8), ("plateau_since", "Plateau since", 11),
        ("flare_count", "Flares", 7), ("level_current", "Level", 6), ("level_regressions", "Level drops", 7),
        ("followup", "Follow-up", 9), ("followup_reasons", "Follow-up reasons", 40), ("priority", "Priority", 8),
        ("tier", "Tier", 9),
    ]

    private func writePatients(_ sheet: Worksheet) throws {
        let columns = Layout.patientColumns
        for (col, column) in columns.enumerated() { try sheet.setColumns(col, col, width: column.width) }
        try sheet.write("Patients: \(context.caseloadName), as of \(asOf.isoString)", row: 0, col: 0, style: .title)
        try sheet.write(
            "One row per patient. Adherence is session days over prescribed sessions; pain is 0–10, "
                + "change is now minus baseline (negative is better). Definitions: About sheet.",
            row: 1, col: 0, style: .subtitle)
        let headerRow = 2
        try sheet.writeHeader(row: headerRow, columns.map(\.header), tall: true)
        try sheet.freezePanes(row: headerRow + 1, col: 1)
        let list = try group.patients(weekly: false)
        let first = headerRow + 1
        let end = try sheet.writeRows(from: first, count: tally.patients, what: "patients") { _, row in
            let p = try Layout.pull(list, sheet: sheet)
            try sheet.write(row: row, [
                .text(p.patientID), .text(p.clinician), .date(p.programStart?.excelSerial),
                .date(p.firstDate?.excelSerial), .date(p.lastDate?.excelSerial), .int(p.daysInProgram),
                .number(p.sessionsPrescribed, .sessions), .int(p.sessionsCompleted),
                .number(p.adherencePct.map { $0 / 100 }, .percent),
                .number(p.adherence14dPct.map { $0 / 100 }, .percent),
                .number(p.painBaseline, .pain), .number(p.painCurrent, .pain),
                .signed(p.painChange, .painChange), .signed(p.trend.slopePerWeek, .slopePerWeek),
                .text(p.trend.trend.label), .yesNo(p.plateau.isPlateau),
                .date(p.plateau.since?.excelSerial), .int(p.flares.count), .int(p.level.current),
                .int(p.level.regressions), .yesNo(p.needsFollowUp),
                .text(p.followUpReasonIDs), .int(p.priority),
                p.tier.map { .text($0.rawValue, .tier($0)) } ?? .empty,
            ])
        }
        let last = end - 1
        try sheet.autofilter(firstRow: headerRow, firstCol: 0, lastRow: max(headerRow, last), lastCol: columns.count - 1)
        guard last >= first else { return }
        let col = { (name: String) -> Int in columns.firstIndex { $0.csv == name } ?? 0 }
        // Whole row tinted when follow-up is needed (formula relative to the first row).
        let followCol = CellName.column(col("followup"))
        try sheet.conditionalFormat(
            .formula("=$\(followCol)\(first + 1)=\"Yes\"", .highlightRow),
            firstRow: first, firstCol: 0, lastRow: last, lastCol: columns.count - 1)
        for name in ["adherence_pct", "adherence_14d_pct"] {
            try sheet.conditionalFormat(
                adherenceScale,
                firstRow: first, firstCol: col(name), lastRow: last, lastCol: col(name))
        }
        try sheet.conditionalFormat(.textContains("worsening", .bad),
                                    firstRow: first, firstCol: col("trend"), lastRow: last, lastCol: col("trend"))
        try sheet.conditionalFormat(.textContains("improving", .good),
                                    firstRow: first, firstCol: col("trend"), lastRow: last, lastCol: col("trend"))
        try sheet.conditionalFormat(.greaterThan(0, .bad), firstRow: first, firstCol: col("pain_change"),
                                    lastRow: last, lastCol: col("pain_change"))
        try sheet.conditionalFormat(.lessThan(0, .good), firstRow: first, firstCol: col("pain_change"),
                                    lastRow: last, lastCol: col("pain_change"))
    }

    // MARK: - Weekly

    /// Most recent ISO weeks shown in the heat map.
    static let heatMapMaxWeeks = 104

    private func writeWeekly(_ sheet: Worksheet) throws {
        // Patients by ID, read twice: the first rows for the heat map, then all for the table.
        let allWeeks = tally.weeks
        let weeks = Array(allWeeks.suffix(Layout.heatMapMaxWeeks))
        try sheet.setColumns(0, 0, width: 14)
        try sheet.setColumns(1, max(1, max(weeks.count, 10)), width: 10)
        try sheet.write("Weekly adherence: \(context.caseloadName), as of \(asOf.isoString)",
                        row: 0, col: 0, style: .title)
        try sheet.write(
            "Heat map: session days over prescribed sessions per ISO week (red below "
                + "\(percentBoundText(settings.thresholds.lowAdherencePct)) %, green from "
                + "\(percentBoundText(goodAdherenceBound(settings.thresholds))) %). "
                + "Empty: no programme days that week. The full table follows below.",
            row: 1, col: 0, style: .subtitle)
        try sheet.freezePanes(row: 0, col: 1)
        var row = 3
        try sheet.write("Adherence by week", row: row, col: 0, style: .section)
        row += 1
        if allWeeks.count > weeks.count {
            try sheet.write("Showing the last \(weeks.count) of \(allWeeks.count) weeks.", row: row, col: 0, style: .note)
            row += 1
        }
        try sheet.writeHeader(row: row, ["Patient"] + weeks.map(\.description))
        row += 1
        let patients = tally.patients
        let heatCap = min(10_000, max(1, (sheet.maxRows - 8) / 2))
        let heatRows = min(patients, heatCap)
        let heatFirst = row
        let columnOf = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0 + 1) })
        if heatRows > 0 {
            let heat = try group.weeklyByPatientID()
            for _ in 0..<heatRows {
                let (id, weekly) = try Layout.pull(heat, sheet: sheet)
                try sheet.write(id, row: row, col: 0)
                for summary in weekly {
                    guard let col = columnOf[summary.week], let pct = summary.adherencePct else { continue }
                    try sheet.write(number: pct / 100, row: row, col: col, style: .percent)
                }
                row += 1
            }
        }
        if heatRows > 0 && !weeks.isEmpty {
            try sheet.conditionalFormat(
                adherenceScale,
                firstRow: heatFirst, firstCol: 1, lastRow: row - 1, lastCol: weeks.count)
        }
        if heatRows < patients {
            try sheet.write("\(grouped(patients - heatRows)) more patients are not in the heat map; "
                            + "the table below has them all.", row: row, col: 0, style: .warning)
            row += 1
        }
        row += 1
        try sheet.write("Weekly table", row: row, col: 0, style: .section)
        row += 1
        let headers = ["Patient", "ISO week", "Session days", "Sessions prescribed", "Adherence", "Minutes",
                       "Pain mean", "Pain max", "Pain during (median)", "Strength days", "Mobility days"]
        try sheet.writeHeader(row: row, headers, tall: true)
        let tableHeader = row
        row += 1
        // Each distinct ISO week is formatted once.
        var weekNames: [ISOWeek: String] = [:]
        for week in allWeeks { weekNames[week] = week.description }
        let table = try group.weeklyByPatientID()
        var current: (patientID: String, weekly: [WeeklySummary]) = ("", [])
        var next = 0
        let end = try sheet.writeRows(from: row, count: tally.weeklyRows, what: "weekly rows") { _, r in
            while next == current.weekly.count {
                current = try Layout.pull(table, sheet: sheet)
                next = 0
            }
            let w = current.weekly[next]
            next += 1
            try sheet.write(row: r, [
                .text(current.patientID), .text(weekNames[w.week] ?? w.week.description),
                .int(w.sessionDays),
                .number(w.sessionsPrescribed, .sessions),
                .number(w.adherencePct.map { $0 / 100 }, .percent), .number(w.minutes, .minutes),
                .number(w.painMean, .pain), .number(w.painMax, .pain),
                .number(w.painDuringMedian, .pain), .int(w.strengthDays), .int(w.mobilityDays),
            ])
        }
        try sheet.autofilter(firstRow: tableHeader, firstCol: 0, lastRow: max(tableHeader, end - 1),
                             lastCol: headers.count - 1)
    }

    /// The cursor's next patient; a cursor that ends before the tally's count is an error.
    static func pull(_ cursor: any PatientCursor, sheet: Worksheet) throws -> PatientSummary {
        guard let next = try cursor.next() else { throw Layout.endedEarly(sheet) }
        return next
    }

    /// The cursor's next patient's weekly rows; a cursor that ends before the tally's count is an error.
    static func pull(_ cursor: any WeeklyCursor, sheet: Worksheet) throws -> (patientID: String, weekly: [WeeklySummary]) {
        guard let next = try cursor.next() else { throw Layout.endedEarly(sheet) }
        return next
    }

    private static func endedEarly(_ sheet: Worksheet) -> XLSXError {
        XLSXError(
            operation: "write rows", reason: "the patients ran out before the group's tally said they would",
            sheet: sheet.name, path: sheet.path)
    }

    // MARK: - One patient

    private func writePatient(_ patient: PatientSummary, on sheet: Worksheet) throws {
        try sheet.hideGridlines()
        if patient.needsFollowUp { try sheet.setTabColor(Palette.tabFollowUp) }
        try sheet.setColumns(0, 0, width: 12)
        try sheet.setColumns(1, 10, width: 10)
        var title = "Patient \(patient.patientID)"
        if let name = patient.displayName, !name.isEmpty { title += " · \(name)" }
        try sheet.write(title, row: 0, col: 0, style: .title)
        let reasons = patient.followUp.map { $0.reason.label + ($0.isNew ? " (new)" : "") }
        let adherence = patient.adherencePct.map { Figure.percent.text($0) + " %" } ?? "no data"
        var pain = "pain baseline \(Figure.pain.text(patient.painBaseline, missing: "n/a")), "
            + "now \(Figure.pain.text(patient.painCurrent, missing: "n/a"))"
        pain += ", trend \(patient.trend.trend.label)"
        pain += ", \(patient.flares.count) flare\(patient.flares.count == 1 ? "" : "s")"
        if patient.plateau.isPlateau {
            pain += ", plateau" + (patient.plateau.since.map { " since \($0.isoString)" } ?? "")
        }
        let header: [(String, String)] = [
            ("Clinician", patient.clinician ?? "Unassigned"),
            ("Follow-up", patient.tier.map { "\($0.rawValue), \($0.meaning): " + reasons.joined(separator: "; ") }
                ?? "None this week"),
            ("Summary", "Adherence \(adherence); \(pain)."),
        ]
        var row = 1
        for (label, value) in header {
            try sheet.write(label, row: row, col: 0, style: .label)
            try sheet.write(value, row: row, col: 1)
            row += 1
        }
        if !patient.followUp.isEmpty {
            for flag in patient.followUp {
                try sheet.write(flag.reason.label + ": " + flag.explanation, row: row, col: 1, style: .note)
                row += 1
            }
        }
        try sheet.writeLink(Layout.internalLink(to: CaseloadWorkbook.followUpSheet), text: "← Back to Follow-up",
                            row: row, col: 0, style: .link)
        row += 2

        let headers = ["Date", "Session done", "Minutes", "Pain", "7-day mean pain", "Baseline pain",
                       "Pain during (median)", "Swelling", "Night pain", "Readiness", "Pain in flare"]
        try sheet.writeHeader(row: row, headers, tall: true)
        let headerRow = row
        row += 1
        let days = dailyTable(of: patient)
        guard !days.isEmpty else {
            try sheet.write("No log data in the programme window.", row: row, col: 0, style: .note)
            return
        }
        let first = row
        let end = try sheet.writeRows(from: row, count: days.count, what: "days") { index, r in
            let day = days[index]
            try sheet.write(row: r, [
                .date(day.date.excelSerial),
                .text(day.sessionDone ? "Yes" : "No", .centered),
                .number(day.minutes, .minutes),
                .number(day.pain, .pain),
                .number(day.rollingMean7, .pain),
                .number(day.baseline, .pain),
                .number(day.painDuringMedian, .pain),
                .yesNo(day.swelling), .yesNo(day.nightPain),
                .text(day.readiness?.label),
                // The day's pain again on flare days, so the chart can mark them.
                day.inFlare ? .number(day.pain, .badPain) : .empty,
            ])
        }
        let last = end - 1
        guard last >= first else { return }
        try sheet.freezePanes(row: headerRow + 1, col: 0)
        let chart = try workbook.addChart(.line)
        let dateRange = SheetRange(sheet: sheet.name, firstRow: first, firstCol: 0, lastRow: last, lastCol: 0)
        func column(_ c: Int) -> SheetRange {
            SheetRange(sheet: sheet.name, firstRow: first, firstCol: c, lastRow: last, lastCol: c)
        }
        try chart.addSeries(name: "Daily pain", categories: dateRange, values: column(3),
                        style: .init(color: Palette.painLine, width: 1, markers: true))
        try chart.addSeries(name: "7-day mean", categories: dateRange, values: column(4),
                        style: .init(color: Palette.meanLine, width: 2.5))
        if patient.painBaseline != nil {
            try chart.addSeries(name: "Baseline", categories: dateRange, values: column(5),
                            style: .init(color: Palette.baselineLine, width: 1.5, dashed: true))
        }
        if patient.painSeries.contains(where: \.inFlare) {
            try chart.addSeries(name: "Flare days", categories: dateRange, values: column(10),
                            style: .init(color: Palette.flareMarker, markersOnly: true, markerSize: 9))
        }
        try chart.setTitle("Daily pain, \(patient.patientID)")
        try chart.legendAtBottom()
        try chart.connectAcrossBlanks()
        try chart.categoryAxis(numberFormat: NumberFormat.chartDate, labelInterval: days.count > 21 ? 7 : nil)
        try chart.valueAxis(name: "Pain (0–10)", min: 0, max: 10, majorUnit: 2)
        try sheet.insertChart(chart, row: headerRow, col: 12, xScale: 1.6, yScale: 1.4)
    }

    // MARK: - Data quality

    private func writeDataQuality(_ sheet: Worksheet) throws {
        try sheet.writeDataQuality(
            inputs: context.inputs, totals: context.totals, rejected: context.rejected,
            note: "\(grouped(tally.rowsAfterAsOf)) accepted rows dated after the as-of date were left out of the analysis.")
    }

    // MARK: - About

    private func writeAbout(_ sheet: Worksheet) throws {
        try sheet.hideGridlines()
        try sheet.setTabColor(Palette.tabInfo)
        try sheet.setColumns(0, 0, width: 28)
        try sheet.setColumns(1, 1, width: 22)
        try sheet.setColumns(2, 2, width: 12)
        try sheet.setColumns(3, 3, width: 100)
        try sheet.write("About this workbook", row: 0, col: 0, style: .title)
        try sheet.write(
            "How it was made and how every figure is defined. Full definitions, formulas and sources: "
                + WorkbookText.analyticsDoc + ".",
            row: 1, col: 0, style: .subtitle)
        var row = 3
        let created = Double(context.createdEpochSeconds) / 86_400 + 25_569
        let facts: [(String, CellValue)] = [
            ("Tool", .text("caseload \(context.toolVersion)")),
            ("As of", .date(asOf.excelSerial)),
            ("Caseload", .text(context.caseloadName)),
            ("Command line", .text(context.commandLine)),
            ("Created", .number(created, .dateTime)),
        ]
        for (label, value) in facts {
            try sheet.write(label, row: row, col: 0, style: .label)
            try sheet.write(row: row, [value], firstCol: 1)
            row += 1
        }
        row += 1
        row = try sheet.writeSettings("Thresholds in force", WorkbookText.thresholdRows(settings.thresholds), row: row)
        row += 1
        try sheet.writeSection("Follow-up tiers in force", row: row, width: 4)
        row += 1
        try sheet.writeHeader(row: row, ["Reason", "Identifier", "Tier", "Source"])
        row += 1
        for reason in FollowUpReason.allCases {
            let tier = settings.tiers.tier(of: reason)
            let source = settings.tiers.isOverridden(reason)
                ? "[tiers] in caseload.toml (default \(reason.defaultTier.rawValue))" : "default"
            try sheet.write(row: row, [
                .text(reason.label), .text(reason.rawValue), .text(tier.rawValue, .tier(tier)),
                .text("\(tier.meaning); \(source)"),
            ])
            row += 1
        }
        row += 1
        try sheet.writeSection("Input files", row: row, width: 4)
        row += 1
        try sheet.writeHeader(row: row, ["File", "Role", "Bytes", "SHA-256"])
        row += 1
        let inputs = context.inputs
        row = try sheet.writeRows(from: row, count: inputs.count, what: "input files") { index, r in
            let input = inputs[index]
            try sheet.write(row: r, [
                .text(input.path), .text(input.role.rawValue), .int(input.bytes, .thousands), .text(input.sha256),
            ])
        }
        guard row < sheet.maxRows - WorkbookText.definitions.count - 4 else { return }
        row += 1
        try sheet.writeSection("Definitions", row: row, width: 4)
        row += 1
        try sheet.writeHeader(row: row, ["Figure", "Definition"])
        row += 1
        for (figure, definition) in WorkbookText.definitions {
            try sheet.write(figure, row: row, col: 0, style: .label)
            try sheet.write(definition, row: row, col: 1)
            row += 1
        }
        try sheet.write("See \(WorkbookText.analyticsDoc) for the formulas, thresholds and their sources.",
                        row: row, col: 0, style: .note)
    }
}
