import ArgumentParser
import CaseloadAnalytics
import CaseloadImport
import CaseloadModel

/// `caseload check`: validate exports without writing a report.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate exports without writing a report: formats, dialects, row accounting, rejected rows.",
        discussion: """
            Reads every input exactly as `review` would and prints, per file, the format and dialect \
            detected, the row accounting (read = used + rejected + duplicate), columns that were \
            ignored and any warnings; then the first rejected rows with their reasons. With --as-of it \
            also says how many used rows are dated after that date (a review as of it leaves them out \
            of every figure). Nothing is written.

            Examples:
              caseload check samples --roster samples/roster.csv
              caseload check export.csv --date-format DD/MM/YYYY --max-rejected 50
              caseload check exports/ --strict && caseload review exports/ --quiet
              caseload check exports/ --format exports/ehr/obs.ndjson=fhir-ndjson
              caseload check workouts/ --profile strong --profile hevy

            The format of each file is found by content (.json and .ndjson: FHIR R4 or caseload), \
            else by extension; --format FILE=FORMAT (or FORMAT for every input) names it instead.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var profiles: ProfileOptions

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("max-rejected"), help: "How many rejected rows to list.")
    var maxRejected: Int = 10

    @Flag(help: "Exit 1 when any row is rejected.")
    var strict = false

    func validate() throws {
        try input.requireInputs()
        guard maxRejected >= 0 else { throw ValidationError("--max-rejected must be 0 or more") }
    }

    func run() throws {
        let configuration = try RunConfiguration.make(input: input, global: global, profiles: profiles)
        let imported = try ReviewRun.importInputs(configuration)
        print(CheckReport.text(imported, maxRejected: maxRejected, asOf: configuration.asOf))
        if strict, imported.totals.rowsRejected > 0 {
            throw Failure(description: "\(imported.totals.rowsRejected) rows rejected (--strict)")
        }
    }
}

/// The text `caseload check` prints.
enum CheckReport {
    /// Row accounting in words: `120 rows = 110 used + 6 rejected + 4 duplicate`.
    static func accounting(_ c: RowCounts) -> String {
        "\(c.rowsRead) rows = \(c.rowsAccepted) used + \(c.rowsRejected) rejected + \(c.rowsDuplicate) duplicate"
    }

    /// Per-file findings, then the first `maxRejected` rejected rows; with `asOf`, how many used
    /// rows are dated after it.
    static func text(_ imported: ImportResult, maxRejected: Int, asOf: CalendarDate? = nil) -> String {
        var lines: [String] = []
        let logs = imported.inputs.filter { $0.role == .log }.count
        lines.append(
            "caseload check: \(imported.inputs.count) input files (\(logs) logs), \(accounting(imported.totals))")
        if let latest = imported.latestDate { lines.append("Latest log date: \(latest)") }
        if let asOf {
            let (rows, patients) = rowsAfter(asOf, in: imported.builder.records())
            lines.append(
                rows == 0
                    ? "As of \(asOf): no used row is dated after it."
                    : "As of \(asOf): \(rows) used \(rows == 1 ? "row" : "rows") from \(patients) "
                        + "\(patients == 1 ? "patient is" : "patients are") dated after it; "
                        + "a review as of that date leaves them out of every figure.")
        }
        for input in imported.inputs {
            lines.append("")
            let dialect = input.dialect.map { ", " + $0 } ?? ""
            lines.append("\(input.path) (\(input.role.rawValue), \(input.format.rawValue)\(dialect))")
            lines.append("  " + accounting(input.counts))
            if !input.ignoredColumns.isEmpty {
                lines.append("  ignored columns: " + input.ignoredColumns.joined(separator: ", "))
            }
            for warning in input.warnings { lines.append("  warning: " + warning) }
        }
        let rejected = imported.rejected
        lines.append("")
        if rejected.isEmpty {
            lines.append("No rows rejected.")
        } else {
            let shown = rejected.prefix(maxRejected)
            lines.append(
                "Rejected rows (first \(shown.count) of \(rejected.count); a review lists all of them in rejected.csv):")
            for row in shown {
                let column = row.column.isEmpty ? "" : " \(row.column)"
                let value = row.value.isEmpty ? "" : " '\(row.value)'"
                lines.append("  \(row.file):\(row.line):\(column)\(value): \(row.reason)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
