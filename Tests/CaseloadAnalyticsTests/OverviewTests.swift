import CaseloadAnalytics
import CaseloadModel
import Testing

/// Figures the Overview and the patient sheets show, decided in Analytics (issue 14 §3).
@Suite struct OverviewTests {
    /// A summary with only the fields these figures read.
    static func summary(
        _ id: String, clinician: String? = nil, adherence: Double? = nil, change: Double? = nil,
        active: Bool = false, reasons: [FollowUpReason] = [], isNew: Bool = false
    ) -> PatientSummary {
        var s = summarise(patient(id, []), asOf: d(10), thresholds: Thresholds())
        s.clinician = clinician
        s.adherencePct = adherence
        s.painChange = change
        s.isActiveThisWeek = active
        s.followUp = reasons.map { FollowUpFlag(reason: $0, explanation: "", isNew: isNew) }
        return s
    }

    static let adherences: [Double?] = [10, 49.9, 50, 64.9, 65, 79.9, 80, 100, nil]

    @Test(arguments: [
        // (low, good, expected counts low/middle/good/no data, expected labels)
        (50.0, 80.0, [2, 4, 2, 1], ["Below 50 %", "50–79 %", "80 % or more", "No data"]),
        (65.0, 80.0, [4, 2, 2, 1], ["Below 65 %", "65–79 %", "80 % or more", "No data"]),
        (65.0, 90.0, [4, 3, 1, 1], ["Below 65 %", "65–89 %", "90 % or more", "No data"]),
        (62.5, 80.0, [3, 3, 2, 1], ["Below 62.5 %", "62.5–79 %", "80 % or more", "No data"]),
    ] as [(Double, Double, [Int], [String])])
    func adherenceBandsFollowTheThresholds(low: Double, good: Double, counts: [Int], labels: [String]) {
        var t = Thresholds()
        t.lowAdherencePct = low
        t.goodAdherencePct = good
        let patients = Self.adherences.enumerated().map { Self.summary("P\($0)", adherence: $1) }
        let bands = adherenceBands(patients, thresholds: t)
        #expect(bands.map(\.patients) == counts)
        #expect(bands.map(\.label) == labels)
        #expect(bands.map(\.kind) == [.low, .middle, .good, .noData])
    }

    @Test func aLowThresholdAboveTheGoodOneLeavesNoMiddleBand() {
        var t = Thresholds()
        t.lowAdherencePct = 99
        let patients = Self.adherences.enumerated().map { Self.summary("P\($0)", adherence: $1) }
        let bands = adherenceBands(patients, thresholds: t)
        #expect(bands.map(\.label) == ["Below 99 %", "99 % or more", "No data"])
        #expect(bands.map(\.patients) == [7, 1, 1])
        #expect(goodAdherenceBound(t) == 99)
    }

    @Test func bandsOfNoPatientsAreEmpty() {
        #expect(adherenceBands([], thresholds: Thresholds()).map(\.patients) == [0, 0, 0, 0])
    }

    @Test func groupCountsAndClinicians() {
        let patients = [
            Self.summary("A", clinician: "Dr Ng", change: -2, active: true, reasons: [.nightPain], isNew: true),
            Self.summary("B", clinician: "Dr Ng", change: -1, reasons: [.longSessions]),
            Self.summary("C", clinician: nil, change: nil, active: true),
            Self.summary("D", clinician: "Dr Adams", change: 3, reasons: [.lowAdherence, .swelling]),
        ]
        let all = groupCounts(patients, name: "All")
        #expect(all.patients == 4 && all.activeThisWeek == 2 && all.needingFollowUp == 3 && all.newFollowUps == 1)
        #expect(all.byTier == [.urgent: 2, .routine: 1])
        #expect(all.medianPainChange == -1 && all.patientsWithPainChange == 3)
        let byClinician = countsByClinician(patients)
        #expect(byClinician.map(\.name) == ["Dr Adams", "Dr Ng", "Unassigned"])
        #expect(byClinician.map(\.patients) == [1, 2, 1])
        #expect(byClinician[1].medianPainChange == -1.5)
        #expect(byClinician[2].medianPainChange == nil)
        #expect(groupCounts([PatientSummary](), name: "none").medianPainChange == nil)
        let reasons = followUpCountsByReason(patients)
        #expect(reasons.count == FollowUpReason.allCases.count)
        #expect(reasons.first { $0.reason == .nightPain }?.patients == 1)
        #expect(reasons.first { $0.reason == .plateau }?.patients == 0)
    }

    /// One grouping for the caseload folders and the Overview's clinician table: trimmed names,
    /// case-insensitive order, `Unassigned` last, priorities renumbered from 1 in each.
    @Test func caseloadsGroupSortAndRenumber() {
        var patients = [
            Self.summary("A", clinician: "dr ng", reasons: [.swelling]),
            Self.summary("B", clinician: " Dr Adams ", reasons: [.plateau]),
            Self.summary("C", clinician: nil, reasons: [.lowAdherence]),
            Self.summary("D", clinician: "Dr Adams"),
            Self.summary("E", clinician: "Dr Adams", reasons: [.longSessions]),
        ]
        for i in patients.indices where patients[i].needsFollowUp { patients[i].priority = i + 1 }
        let groups = caseloads(of: patients)
        #expect(groups.map(\.name) == ["Dr Adams", "dr ng", "Unassigned"])
        #expect(groups[0].patients.map(\.patientID) == ["B", "D", "E"])
        #expect(groups[0].patients.map(\.priority) == [1, nil, 2])
        #expect(groups[1].patients.map(\.priority) == [1] && groups[2].patients.map(\.priority) == [1])
        #expect(countsByClinician(patients).map(\.patients) == [3, 1, 1])
        #expect(caseloads(of: []).isEmpty)
    }

    @Test(arguments: [(nil, "Unassigned"), ("", "Unassigned"), ("  ", "Unassigned"), (" Dr Lee ", "Dr Lee")] as [(String?, String)])
    func clinicianNames(raw: String?, expected: String) {
        #expect(clinicianName(raw) == expected)
    }

    /// Active this week: a row in A−6…A, judged at the review date even after a discharge.
    @Test(arguments: [
        // (days logged, discharge offset, expected)
        ([0, 20, 34], nil, true), ([0, 20, 33], nil, false), ([0, 40], nil, true),
        ([0, 35], 36, true), ([0, 30], 31, false),
    ] as [([Int], Int?, Bool)])
    func activeThisWeek(logged: [Int], discharge: Int?, expected: Bool) {
        var logs = patient("P", logged.map { record($0, pain: 2, sessions: 1) }, start: d(0))
        logs.roster?.dischargeDate = discharge.map(d)
        let summary = summarise(logs, asOf: d(40), thresholds: Thresholds())
        #expect(summary.isActiveThisWeek == expected)
    }

    @Test func rowsAfterTheAsOfDate() {
        let records = [
            patient("A", [record(1, sessions: 2), record(5, sessions: 1, checkIns: 1), record(6, sessions: 3)]),
            patient("B", [record(2, sessions: 1)]),
        ]
        #expect(rowsAfter(d(4), in: records) == (5, 1))
        #expect(rowsAfter(d(0), in: records) == (8, 2))
        #expect(rowsAfter(d(9), in: records) == (0, 0))
        #expect(rowsAfter(d(0), in: []) == (0, 0))
    }

    @Test(arguments: [(0, 0, nil), (1, 0, ReadinessOutcome.pass), (0, 1, .fail(count: 1)), (2, 3, .fail(count: 3))]
        as [(Int, Int, ReadinessOutcome?)])
    func readiness(passes: Int, failures: Int, expected: ReadinessOutcome?) {
        var day = DailyRecord(date: d(0))
        day.readinessPasses = passes
        day.readinessFailures = failures
        #expect(readinessOutcome(of: day) == expected)
    }

    @Test func readinessLabels() {
        #expect(ReadinessOutcome.pass.label == "pass")
        #expect(ReadinessOutcome.fail(count: 1).label == "fail")
        #expect(ReadinessOutcome.fail(count: 3).label == "fail ×3")
    }

    @Test func dailyTableJoinsRecordsAndPainSeries() {
        let days = [
            record(0, pain: 4, sessions: 1, minutes: 14, painDuring: [3, 5, 6], readinessFailures: 2),
            record(1, pain: 5, checkIns: 1, swelling: true),
            record(3, pain: 7, sessions: 2, nightPain: true),
        ]
        let summary = summarise(patient("P", days, start: d(0)), asOf: d(3), thresholds: Thresholds())
        let table = dailyTable(of: summary)
        #expect(table.map(\.date) == [d(0), d(1), d(2), d(3)])
        #expect(table.map(\.sessionDone) == [true, false, false, true])
        #expect(table[0].minutes == 14 && table[3].minutes == nil)
        #expect(table[0].painDuringMedian == 5 && table[1].painDuringMedian == nil)
        #expect(table[0].readiness == .fail(count: 2) && table[1].readiness == nil)
        #expect(table[1].swelling == true && table[3].nightPain == true)
        #expect(table[2].pain == nil && table[3].pain == 7)
        #expect(table.allSatisfy { $0.baseline == summary.painBaseline })
        #expect(dailyTable(of: summarise(patient("Q", []), asOf: d(3), thresholds: Thresholds())).isEmpty)
    }
}
