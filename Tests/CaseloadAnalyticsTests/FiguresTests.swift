import CaseloadAnalytics
import CaseloadModel
import Testing

/// The one rounding rule (issue 14 §4): halves round away from zero as written, never `-0`.
@Suite struct FiguresTests {
    @Test(arguments: [
        // (value, decimals, expected)
        (6.25, 1, "6.3"), (6.35, 1, "6.4"), (6.45, 1, "6.5"), (6.15, 1, "6.2"), (0.05, 1, "0.1"), (0.15, 1, "0.2"),
        (-0.05, 1, "-0.1"), (-6.25, 1, "-6.3"), (-6.35, 1, "-6.4"), (9.95, 1, "10.0"), (99.95, 1, "100.0"),
        (0, 1, "0.0"), (-0.0, 1, "0.0"), (-0.04, 1, "0.0"), (0.04, 1, "0.0"), (42.857142857, 1, "42.9"),
        (2.675, 2, "2.68"), (1.005, 2, "1.01"), (1.015, 2, "1.02"), (0.125, 2, "0.13"), (-1.025, 2, "-1.03"),
        (-0.004, 2, "0.00"), (6.25, 2, "6.25"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.5, 0, "1"), (0.49, 0, "0"),
        (0.00045, 4, "0.0005"), (0.00044, 4, "0.0004"), (1234567.25, 1, "1234567.3"),
    ] as [(Double, Int, String)])
    func halvesRoundAwayFromZeroAsWritten(value: Double, decimals: Int, expected: String) {
        #expect(Rounding.fixed(value, decimals: decimals) == expected)
        var bytes: [UInt8] = []
        Rounding.appendFixed(value, decimals: decimals, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        (Figure.pain, 6.25, "6.3"), (.pain, 0, "0.0"), (.pain, 10, "10.0"),
        (.painChange, 1.25, "+1.3"), (.painChange, -1.25, "-1.3"), (.painChange, 0.04, "0.0"),
        (.painChange, -0.04, "0.0"), (.painChange, 0.05, "+0.1"), (.slopePerWeek, -0.95, "-1.0"),
        (.percent, 42.857142857, "42.9"), (.percent, 100, "100.0"), (.sessions, 6.25, "6.3"),
        (.minutes, 32.5, "32.5"), (.minutes, 15, "15.0"), (.pValue, 0.0004, "<0.001"), (.pValue, 0.001, "0.001"),
        (.pValue, 0.0125, "0.013"), (.pValue, 0.05, "0.050"),
    ] as [(Figure, Double, String)])
    func eachKindHasOneText(kind: Figure, value: Double, expected: String) {
        #expect(kind.text(value) == expected)
    }

    @Test(arguments: Figure.allCases)
    func missingAndNonFiniteValuesAreWrittenAsMissing(kind: Figure) {
        #expect(kind.text(nil) == "–")
        #expect(kind.text(.nan, missing: "") == "")
        #expect(kind.text(.infinity, missing: "?") == "?")
    }

    /// The workbook's number format shows as many decimals as the text (Excel rounds halves away
    /// from zero too), so the same value reads the same in the workbook.
    @Test(arguments: Figure.allCases)
    func excelFormatShowsTheSameDecimals(kind: Figure) {
        for section in kind.excelFormat.split(separator: ";") {
            let body = section.filter { $0 != "%" && $0 != "+" && $0 != "-" }
            let decimals = body.split(separator: ".").dropFirst().first?.count ?? 0
            #expect(decimals == kind.decimals, "\(kind): \(kind.excelFormat)")
        }
    }

    @Test(arguments: [(7.0, "7"), (6.5, "6.5"), (6.25, "6.3"), (6.96, "7"), (0.04, "0")])
    func painScoresDropAWholeNumbersDecimal(value: Double, expected: String) {
        #expect(Figure.painScore(value) == expected)
    }

    /// An explanation writes a mean pain of 6.25 as every other output does (issue 14 §4).
    @Test func explanationsUseTheSameRounding() {
        let asOf = d(40)
        let evidence = FollowUpEvidence(
            asOf: asOf, programStart: d(0), painBaseline: 4.25, painCurrent: 6.25,
            trend: PainTrend(slopePerWeek: nil, pValue: nil, kendallS: nil, days: 0, trend: .insufficientData),
            flares: [], plateau: PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: nil, notAssessedBecause: nil),
            adherence14d: AdherenceWindow(days: 14, sessionDays: 6, prescribed: 14, percent: 100 * 6 / 14),
            lastLogDate: asOf, symptomDays: [])
        let flags = followUpFlags(evidence)
        let worsening = flags.first { $0.reason == .worseningPain }
        #expect(worsening?.explanation == "pain \(Figure.pain.text(6.25)) now vs \(Figure.pain.text(4.25)) at baseline")
        #expect(worsening?.explanation == "pain 6.3 now vs 4.3 at baseline")
        let low = flags.first { $0.reason == .lowAdherence }
        #expect(low?.explanation.hasSuffix("(42.9%)") == true)
    }
}
