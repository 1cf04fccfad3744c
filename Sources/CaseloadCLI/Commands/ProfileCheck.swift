import ArgumentParser
import CaseloadImport
import CaseloadModel
import Foundation

/// `caseload profile check`: how the first rows of an export read through a profile.
struct ProfileCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Show how the first rows of an export read through a mapping profile.",
        discussion: """
            Reads the profile (a file or a built-in name), picks the layout that fits the export's header \
            and prints which column feeds which of caseload's, the columns not read, where the patient \
            comes from, and each of the first rows as the canonical row it gives or the reason it is \
            rejected. A profile that does not fit, or a bad profile file, is an error naming the column \
            or line. Nothing is written.

            Examples:
              caseload profile check clinic.toml clinic-export.csv
              caseload profile check strong PFP-014.csv --rows 20
              caseload profile check hevy workouts.csv --patient PFP-014
            """
    )

    @Argument(help: "The profile: a file (.toml) or a built-in name (strong, hevy, fitnotes).")
    var profile: String

    @Argument(help: "The other app's CSV export.")
    var export: String

    @Option(help: "How many rows to show.")
    var rows: Int = 10

    @Option(help: ArgumentHelp("The patient, for an export without a patient column.", valueName: "id"))
    var patient: String?

    @Option(
        name: .customLong("date-format"),
        help: "Order of non-ISO dates the profile's format does not read: DD/MM/YYYY or MM/DD/YYYY.")
    var dateFormat: String?

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be 1 or more") }
    }

    func run() throws {
        let mapping = try MappingProfile.load(profile)
        let options = try InputOptions.importOptions(dateFormat: dateFormat)
        let preview = try CaseloadImporter(options: options).preview(mapping, export: export, rows: rows, patient: patient)
        print(Self.text(preview, export: export))
    }

    /// The text printed for a preview.
    static func text(_ p: ProfilePreview, export: String) -> String {
        var lines = [
            "\(export) through profile \(p.profile), layout '\(p.layout)' (\(p.dialect))",
            "Patient: \(p.patient)",
            "Columns read:",
        ]
        lines += TextTable.render(header: ["export column", "caseload column"], rows: p.columns.map { [$0.header, $0.canonical] })
            .map { "  " + $0 }
        if !p.ignoredColumns.isEmpty { lines.append("Not read: " + p.ignoredColumns.joined(separator: ", ")) }
        if p.perWorkoutDuration {
            lines.append("duration_min is the workout's: a review counts it once per workout, not once per set.")
        }
        lines.append("")
        lines.append("First \(p.rows.count) \(p.rows.count == 1 ? "row" : "rows"):")
        let accepted = p.rows.filter { $0.entry != nil }.count
        var table: [[String]] = []
        var rejected: [String] = []
        for row in p.rows {
            if let e = row.entry {
                table.append([
                    "\(row.line)", e.patientID, date(e), e.sessionID ?? "", e.exercise ?? "", number(e.loadKg),
                    e.reps.map(String.init) ?? "", number(e.durationMin), number(e.pain), e.readiness?.rawValue ?? "",
                    flags(e),
                ])
            } else if let r = row.rejected {
                let column = r.column.isEmpty ? "" : " \(r.column)"
                let value = r.value.isEmpty ? "" : " '\(r.value)'"
                rejected.append("  line \(r.line):\(column)\(value): \(r.reason)")
            }
        }
        if !table.isEmpty {
            lines += TextTable.render(
                header: ["line", "patient_id", "date", "session_id", "exercise", "load_kg", "reps", "duration_min", "pain",
                         "readiness", "other"],
                rows: table
            ).map { "  " + $0 }
        }
        if !rejected.isEmpty {
            lines.append("Rejected:")
            lines += rejected
        }
        lines.append("")
        lines.append("\(accepted) of \(p.rows.count) rows read; \(p.rows.count - accepted) rejected.")
        return lines.joined(separator: "\n")
    }

    private static func date(_ e: LogEntry) -> String {
        ProfileCheckFormatting.dateTime(e.date, seconds: e.secondsOfDay, offset: e.utcOffsetMinutes)
    }

    private static func number(_ x: Double?) -> String {
        guard let x else { return "" }
        let rounded = (x * 1000).rounded() / 1000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }

    /// The columns the preview table shows in columns of their own; the others go under "other".
    private static let shown: Set<LogColumn> = [
        .patientID, .date, .sessionID, .exercise, .loadKg, .reps, .durationMin, .pain, .readiness,
    ]

    /// Every other column of the field table the row has, as `name=value`, in table order.
    private static func flags(_ e: LogEntry) -> String {
        LogColumn.allCases.filter { !shown.contains($0) }.compactMap { column in
            cell(e, column).map { "\(column.name)=\($0)" }
        }.joined(separator: " ")
    }

    /// One column's value as the preview prints it, `nil` when the row has none.
    private static func cell(_ e: LogEntry, _ column: LogColumn) -> String? {
        switch column.kind {
        case .text, .freeText:
            guard let text = e[text: column] else { return nil }
            return column.kind == .freeText && text.count > 20 ? String(text.prefix(19)) + "…" : text
        case .date: return (e.values[column] as CalendarDate?)?.isoString
        case .count: return (e.values[column] as Int?).map(String.init)
        case .amount, .rating: return (e.values[column] as Double?).map(number)
        case .flag: return (e.values[column] as Bool?).map { $0 ? "yes" : "no" }
        case .category: return (e.values[column] as ExerciseCategory?)?.rawValue
        case .readiness: return (e.values[column] as ReadinessResult?)?.rawValue
        }
    }
}

/// Date-times as `profile check` prints them.
enum ProfileCheckFormatting {
    /// `2026-03-02`, `2026-03-02 07:30:00`, `2026-03-02 07:30:00+01:00`.
    static func dateTime(_ date: CalendarDate, seconds: Int?, offset: Int?) -> String {
        guard let seconds else { return date.isoString }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(date.isoString) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if let offset {
            text += (offset < 0 ? "-" : "+") + two(abs(offset) / 60) + ":" + two(abs(offset) % 60)
        }
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
