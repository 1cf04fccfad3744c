import CaseloadAnalytics
import CaseloadModel

@testable import CaseloadExport

/// Small hand-made analysis values for exporter tests (the analytics are tested on their own).
enum ReportFixtures {
    static let asOf = CalendarDate(year: 2026, month: 11, day: 22) ?? CalendarDate(daysSinceEpoch: 0)

    static func patient(
        _ id: String, clinician: String?, priority: Int?, reasons: [(FollowUpReason, Bool)] = [],
        note: String = ""
    ) -> PatientSummary {
        let start = asOf.adding(days: -27)
        let days = (0..<28).map { i -> DailyRecord in
            var d = DailyRecord(date: start.adding(days: i))
            d.exerciseRows = i % 3 == 0 ? 0 : 4
            d.minutes = Double(d.exerciseRows) * 4
            d.pain = Double(6 - i / 7)
            return d
        }
        var summary = PatientSummary(
            patientID: id, clinician: clinician, displayName: nil, programStart: start, firstDate: start,
            lastDate: asOf, daysInProgram: 28, sessionsPrescribed: 28, sessionsCompleted: 18,
            adherencePct: 64.28571, adherence14dPct: 50, painBaseline: 6, painCurrent: 3, painChange: -3,
            trend: PainTrend(slopePerWeek: -1, pValue: 0.0004, kendallS: -200, days: 21, trend: .improving),
            plateau: PlateauAssessment(isPlateau: false, since: nil, changeOverWindow: -3, notAssessedBecause: nil),
            flares: [], level: LevelSummary(current: 2, daysAtCurrent: 10, regressions: 0),
            weekly: [
                WeeklySummary(
                    week: start.isoWeek, sessionDays: 4, sessionsPrescribed: 7, adherencePct: 57.142857, minutes: 64,
                    painMean: 6, painMax: 6, painDuringMedian: nil, strengthDays: 2, mobilityDays: 3)
            ],
            days: days,
            painSeries: days.map { DailyPainPoint(date: $0.date, pain: $0.pain, rollingMean7: $0.pain, inFlare: false) },
            followUp: reasons.map { FollowUpFlag(reason: $0.0, explanation: "evidence for \($0.0.rawValue)\(note)", isNew: $0.1) },
            priority: priority, rowsAfterAsOf: 0)
        summary.isActiveThisWeek = isActive(summary, weekEndingOn: asOf)
        return summary
    }

    static var analysis: CaseloadAnalysis {
        CaseloadAnalysis(
            asOf: asOf, thresholds: Thresholds(), tiers: FollowUpTiers(),
            patients: [
                patient("P03", clinician: "Dr Ng", priority: 1, reasons: [(.persistentFlare, true), (.nightPain, false)]),
                patient("P01", clinician: nil, priority: 2, reasons: [(.lowAdherence, false)], note: " =1+1"),
                patient("P02", clinician: "Dr Ng", priority: 3, reasons: [(.plateau, true)]),
                patient("P04", clinician: "Dr Adams", priority: nil),
            ],
            rowsAfterAsOf: 0)
    }

    static var context: ReportContext {
        ReportContext(
            toolVersion: "test", commandLine: "caseload review x", caseloadName: "All patients",
            createdEpochSeconds: asOf.daysSinceEpoch * 86_400,
            inputs: [
                InputSummary(
                    path: "logs.csv", sha256: String(repeating: "a", count: 64), bytes: 100, format: .csv,
                    dialect: "delimiter=','", counts: RowCounts(rowsRead: 10, rowsAccepted: 7, rowsRejected: 2, rowsDuplicate: 1),
                    warnings: ["w"], ignoredColumns: ["extra"])
            ],
            rejected: [
                RejectedRow(file: "logs.csv", line: 3, patientID: "P02", column: "pain", value: "11", reason: "pain 11 is outside 0–10"),
                RejectedRow(file: "logs.csv", line: 5, patientID: nil, column: "patient_id", value: "", reason: "no patient_id"),
            ],
            totals: RowCounts(rowsRead: 10, rowsAccepted: 7, rowsRejected: 2, rowsDuplicate: 1))
    }
}
