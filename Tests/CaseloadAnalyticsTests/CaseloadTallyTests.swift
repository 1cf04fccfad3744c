import CaseloadAnalytics
import CaseloadModel
import Testing

/// Tallies: what a report must know before its first row, counted in one pass, and adding up
/// across shards to exactly what one process counts.
@Suite struct CaseloadTallyTests {
    /// Twelve patients: changes with ties, a missing one, both signs; several reasons and tiers;
    /// adherence in every band; weekly rows over overlapping weeks.
    static let patients: [PatientSummary] = (0..<12).map { n in
        var s = OverviewTests.summary(
            "P\(n)", clinician: ["Ada", "Bo", nil][n % 3], adherence: [10, 55, 90, nil][n % 4],
            change: n % 5 == 0 ? nil : Double(n % 4) - 1.5, active: n % 2 == 0,
            reasons: [[], [.nightPain], [.lowAdherence, .swelling], [.worseningPain]][n % 4], isNew: n % 3 == 0)
        s.weekly = (0..<(n % 3)).map { w in
            WeeklySummary(week: ISOWeek(year: 2026, week: 40 + w + n % 2), sessionDays: 1, sessionsPrescribed: 1,
                          adherencePct: nil, minutes: 0, painMean: nil, painMax: nil, painDuringMedian: nil,
                          strengthDays: 0, mobilityDays: 0)
        }
        s.rowsAfterAsOf = n % 4 == 1 ? 2 : 0
        return s
    }

    @Test("a tally gives what the per-patient functions give")
    func matchesTheFunctions() {
        let tally = CaseloadTally(Self.patients, thresholds: Thresholds())
        #expect(tally.counts(name: "All") == groupCounts(Self.patients, name: "All"))
        #expect(tally.adherenceBands(thresholds: Thresholds()) == adherenceBands(Self.patients, thresholds: Thresholds()))
        #expect(tally.followUpsByReason.map(\.patients) == followUpCountsByReason(Self.patients).map(\.patients))
        #expect(tally.weeks == Set(Self.patients.flatMap { $0.weekly.map(\.week) }).sorted())
        #expect(tally.weeklyRows == Self.patients.reduce(0) { $0 + $1.weekly.count })
        #expect(tally.rowsAfterAsOf == 6)
        #expect(CaseloadTally([PatientSummary](), thresholds: Thresholds()) == CaseloadTally())
        #expect(CaseloadTally().medianPainChange == nil)
    }

    @Test("tallies of the parts add up to the tally of the whole, however the patients are split",
          arguments: [(1, false), (2, false), (2, true), (3, false), (4, true), (5, false), (12, false)])
    func partsAddUp(parts k: Int, contiguous: Bool) {
        // Interleaved (every k-th patient) parts share pain changes and weeks; contiguous ones less so.
        var groups = [[PatientSummary]](repeating: [], count: k)
        for (i, p) in Self.patients.enumerated() {
            groups[contiguous ? i * k / Self.patients.count : i % k].append(p)
        }
        let parts = groups.map { CaseloadTally($0, thresholds: Thresholds()) } + [CaseloadTally()]
        let whole = CaseloadTally(Self.patients, thresholds: Thresholds())
        #expect(parts.reduce(CaseloadTally(), +) == whole)
        #expect(parts.reversed().reduce(CaseloadTally(), +) == whole)
    }

    @Test("the median from distinct values and counts is the median of all the values, bit for bit",
          arguments: [
              [1.0],
              [2.0, 1.0],
              [0.1, 0.2, 0.3],
              [0.1 + 0.2, 0.3, -7.25, 4, 4, 4],
              [-1.5, -1.5, -0.5, 0.5, 1.5, 1.5, 1.5, 2.5],
              [3.3333333333333335, -3.3333333333333335, 1e-12],
          ] as [[Double]])
    func median(values: [Double]) {
        let patients = values.enumerated().map { OverviewTests.summary("P\($0)", change: $1) }
        let tally = CaseloadTally(patients, thresholds: Thresholds())
        #expect(tally.medianPainChange?.bitPattern == CaseloadAnalytics.median(values)?.bitPattern)
        #expect(tally.patientsWithPainChange == values.count)
        #expect(tally.painChanges.map(\.value) == Set(values).sorted())
    }

    @Test("the in-memory report splits the run into caseloads with their rejected rows and tallies")
    func analysisReport() throws {
        let analysis = ranked(
            Self.patients.sorted(by: PriorityOrder.precedes), asOf: d(10), thresholds: Thresholds(), tiers: FollowUpTiers())
        let rejected = [
            RejectedRow(file: "l.csv", line: 2, patientID: "P1", column: "pain", value: "x", reason: "r"),
            RejectedRow(file: "l.csv", line: 3, patientID: nil, column: "pain", value: "x", reason: "r"),
            RejectedRow(file: "l.csv", line: 4, patientID: "P99", column: "pain", value: "x", reason: "r"),
            RejectedRow(file: "l.csv", line: 5, patientID: "P2", column: "pain", value: "x", reason: "r"),
        ]
        let report = AnalysisReport(analysis, rejected: rejected)
        #expect(report.caseloads.map(\.name) == ["Ada", "Bo", "Unassigned"])
        #expect(report.caseloads.map(\.rejected).map { $0.map(\.line) } == [[], [2], [5]])
        #expect(report.caseloads.reduce(CaseloadTally()) { $0 + $1.tally } == report.run.tally)
        let first = try #require(report.caseloads.first)
        let cursor = try first.patientsNeedingFollowUp()
        var priorities: [Int?] = []
        while let next = try cursor.next() { priorities.append(next.priority) }
        #expect(priorities == (1...first.tally.needingFollowUp).map { Optional($0) })
    }
}
