import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadModel
import Foundation

/// `caseload patient`: one patient explained, as the clinician would read it before a call.
struct Patient: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain one patient: adherence, pain chart, trend, flares, plateau, follow-up evidence.",
        discussion: """
            Reads the same inputs as `review` (and the same caseload.toml), analyses the caseload as of \
            the same date and prints one patient's programme window, weekly adherence, daily pain as \
            a text chart (one line per ISO week, Monday first; ▁ is 0 and █ is 10; · a day without a \
            pain score; ! after a value marks a flare day), the pain trend with its statistics, \
            flares, the plateau assessment, and each follow-up reason with its evidence. Nothing is written.

            Examples:
              caseload patient P007 samples --roster samples/roster.csv
              caseload patient P007 exports/ --roster roster.csv --as-of 2026-11-15
              caseload patient PFP-014 PFP-014.csv --profile strong
            """
    )

    @Argument(help: "The patient's ID, as in the exports' patient_id column.")
    var id: String

    @OptionGroup var input: InputOptions

    @OptionGroup var profiles: ProfileOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.requireInputs()
    }

    func run() throws {
        let configuration = try RunConfiguration.make(input: input, global: global, profiles: profiles)
        let run = try ReviewRun.load(configuration)
        guard let patient = run.analysis.patients.first(where: { $0.patientID == id }) else {
            let known = run.analysis.patients.map(\.patientID).sorted()
            let sample = known.prefix(5).joined(separator: ", ")
            throw Failure(
                description: "patient '\(id)' is not in the inputs (\(known.count) patients read"
                    + (known.isEmpty ? ")" : ", e.g. \(sample))"))
        }
        let style = TextStyle(isEnabled: Terminal.wantsColour())
        let needingFollowUp = run.analysis.patients.filter(\.needsFollowUp).count
        print(
            PatientReport.text(
                patient, asOf: run.analysis.asOf, thresholds: run.analysis.thresholds,
                followUpCount: needingFollowUp, style: style))
    }
}

/// The text `caseload patient` prints; every figure comes from the analysis's ``PatientSummary``.
enum PatientReport {
    /// Eight levels of pain, 0 to 10.
    static let glyphs: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The glyph for a pain score 0–10 (`·` without one).
    static func glyph(_ pain: Double?) -> Character {
        guard let pain else { return "·" }
        let index = Int((min(10, max(0, pain)) / 10 * Double(glyphs.count - 1)).rounded())
        return glyphs[index]
    }

    /// A percentage as ``Figure/percent`` writes it, with `%`; `–` when missing.
    static func percent(_ value: Double?) -> String {
        value.map { Figure.percent.text($0) + "%" } ?? "–"
    }

    /// The whole explanation.
    static func text(
        _ p: PatientSummary, asOf: CalendarDate, thresholds: Thresholds, followUpCount: Int, style: TextStyle = .plain
    ) -> String {
        var lines: [String] = []
        let name = p.displayName.map { " (\($0))" } ?? ""
        lines.append(style.bold("Patient \(p.patientID)\(name), \(Caseloads.clinicianName(p.clinician)), as of \(asOf)"))
        let start = p.programStart.map { "started \($0), day \(p.daysInProgram)" } ?? "no programme start"
        var logs: String?
        if let first = p.firstDate, let last = p.lastDate { logs = "logs \(first) to \(last)" }
        lines.append("Programme: \(start); \(logs ?? "no logs")")
        lines.append(
            "Sessions: \(p.sessionsCompleted) of \(Figure.sessions.text(p.sessionsPrescribed)) prescribed"
                + " (adherence \(percent(p.adherencePct)), last \(thresholds.recentAdherenceDays) days "
                + "\(percent(p.adherence14dPct)))")
        lines.append(
            "Pain (0–10): baseline \(Figure.pain.text(p.painBaseline)), current \(Figure.pain.text(p.painCurrent)), "
                + "change \(Figure.painChange.text(p.painChange))")
        if let level = p.level.current {
            let days = p.level.daysAtCurrent.map { ", \($0) days at this level" } ?? ""
            lines.append("Level: \(level)\(days), \(p.level.regressions) regressions")
        }

        lines.append("")
        lines.append(style.bold("Follow-up"))
        if p.followUp.isEmpty {
            lines.append("  none needed")
        } else {
            lines.append("  priority \(p.priority.map(String.init) ?? "–") of \(followUpCount) patients needing follow-up")
            if let tier = p.tier {
                lines.append("  tier: " + ReviewSummary.tierColoured("\(tier.rawValue), \(tier.meaning)", tier, style: style))
            }
            for flag in p.followUp {
                let label = ReviewSummary.tierColoured(flag.reason.label, flag.tier, style: style)
                let new = flag.isNew ? style.yellow(" (new this week)") : ""
                lines.append("  - \(label) [\(flag.tier.rawValue)]\(new): \(flag.explanation)")
            }
        }

        lines.append("")
        lines.append(style.bold("Trend over the last \(thresholds.trendWindowDays) days"))
        let t = p.trend
        if t.trend == .insufficientData {
            lines.append("  insufficient data: \(t.days) pain days (at least \(thresholds.trendMinPainDays) needed)")
        } else {
            lines.append(
                "  \(t.trend.rawValue): \(Figure.slopePerWeek.text(t.slopePerWeek)) points/week (Theil–Sen), Mann–Kendall S = "
                    + "\(t.kendallS.map { Rounding.fixed($0, decimals: 0) } ?? "–"), p = \(Figure.pValue.text(t.pValue)), "
                    + "\(t.days) pain days")
        }

        lines.append("")
        lines.append(style.bold("Flares"))
        if p.flares.isEmpty { lines.append("  none") }
        for f in p.flares {
            let ongoing = f.isOngoing ? style.red(", ongoing") : ""
            lines.append(
                "  \(f.start) to \(f.end) (\(f.lengthDays) days): peak \(Figure.pain.text(f.peak)) over a baseline of "
                    + "\(Figure.pain.text(f.baseline))\(ongoing)")
        }

        lines.append("")
        lines.append(style.bold("Plateau"))
        let pl = p.plateau
        if pl.isPlateau {
            let since = pl.since.map { " since \($0)" } ?? ""
            lines.append(
                "  improvement has stalled\(since): change \(Figure.painChange.text(pl.changeOverWindow)) points over "
                    + "the last \(thresholds.plateauWindowDays) days")
        } else if let why = pl.notAssessedBecause {
            lines.append("  not assessed: \(why)")
        } else {
            lines.append(
                "  no plateau: change \(Figure.painChange.text(pl.changeOverWindow)) points over the last "
                    + "\(thresholds.plateauWindowDays) days")
        }

        if !p.weekly.isEmpty {
            lines.append("")
            lines.append(style.bold("Weekly adherence"))
            let rows = p.weekly.map { w in
                [
                    w.week.description, "\(w.sessionDays)", Figure.sessions.text(w.sessionsPrescribed),
                    percent(w.adherencePct), Figure.minutes.text(w.minutes),
                    Figure.pain.text(w.painMean), Figure.pain.text(w.painMax),
                ]
            }
            lines += TextTable.render(
                header: ["week", "sessions", "prescribed", "adherence", "minutes", "pain mean", "pain max"], rows: rows
            ).map { "  " + $0 }
        }

        if !p.painSeries.isEmpty {
            lines.append("")
            lines.append(style.bold("Daily pain (Mon–Sun; ▁ 0 … █ 10, · no score, ! flare day)"))
            lines += painChart(p.painSeries, style: style).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// One line per ISO week: seven glyphs (Monday first, blank outside the series), then the day values
    /// right-aligned in five characters each.
    static func painChart(_ series: [DailyPainPoint], style: TextStyle = .plain) -> [String] {
        var byWeek: [(ISOWeek, [DailyPainPoint?])] = []
        for point in series {
            let week = point.date.isoWeek
            if byWeek.last?.0 != week { byWeek.append((week, Array(repeating: nil, count: 7))) }
            byWeek[byWeek.count - 1].1[point.date.isoWeekday - 1] = point
        }
        return byWeek.map { week, days in
            let glyphs = days.map { day -> String in
                guard let day else { return " " }
                let g = String(glyph(day.pain))
                return day.inFlare ? style.red(g) : g
            }.joined()
            let values = days.map { day -> String in
                // Five characters a day: a space and up to "10.0" or "6.5!" right-aligned.
                guard let day else { return "     " }
                let text = day.pain.map(Figure.painScore) ?? "·"
                let marked = text + (day.inFlare ? "!" : "")
                return String(repeating: " ", count: max(1, 5 - marked.count)) + (day.inFlare ? style.red(marked) : marked)
            }.joined()
            return "\(week)  \(glyphs) \(values)".trimmingTrailingSpaces()
        }
    }
}
