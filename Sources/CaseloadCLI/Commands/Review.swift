import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// `caseload review`: import, analyse, write the report, print a summary.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review a caseload's exports and write the weekly report.",
        discussion: """
            Reads every log export given (files, or folders searched for .csv .tsv .json .ndjson), \
            accounts for every row (used, rejected with a reason, or dropped as an exact duplicate), \
            computes adherence, pain trajectories, flares, plateaus and follow-up reasons as of one date, \
            and writes the report folder: caseload.xlsx and CSV summaries for the whole run, one folder \
            per clinician under caseloads/, and manifest.json.

            Examples:
              caseload review samples --roster samples/roster.csv --out reports/sample
              caseload review exports/week-47/ --roster roster.csv --as-of 2026-11-22
              caseload review export.csv --date-format DD/MM/YYYY --strict
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: "Report folder (default: reports/<as-of date>). Replaced atomically when complete.")
    var out: String?

    @Flag(help: "Exit 1 without writing a report when any row is rejected.")
    var strict = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Replace patient IDs by keyed tokens and drop names and notes in every output (needs --key-file).")
    var pseudonymize = false

    @Option(name: .customLong("key-file"), help: "Secret key for --pseudonymize: a file of at least 32 bytes.")
    var keyFile: String?

    func validate() throws {
        if pseudonymize != (keyFile != nil) { throw ValidationError("--pseudonymize and --key-file go together") }
    }

    func run() throws {
        let run = try ReviewRun.load(input, pseudonymizer: keyFile.map { try Pseudonymizer(keyFile: $0) })
        if strict, run.imported.totals.rowsRejected > 0 {
            let first = run.imported.rejected.prefix(10).map { "  \($0.file):\($0.line): \($0.column) '\($0.value)': \($0.reason)" }
            throw Failure(
                description: "\(run.imported.totals.rowsRejected) rows rejected (--strict); no report written:\n"
                    + first.joined(separator: "\n"))
        }
        let directory = out ?? "reports/" + run.analysis.asOf.isoString
        let context = run.context(caseloadName: "All patients")
        let report = try ReportWriter.write(analysis: run.analysis, context: context, to: directory)
        if !quiet {
            print(ReviewSummary.text(run: run, report: report, directory: directory))
        }
    }
}

/// The stages of a review wired together: inputs read, analysis done.
struct ReviewRun {
    var imported: ImportResult
    var analysis: CaseloadAnalysis

    /// Reads the inputs and analyses every patient as of the chosen date.
    static func load(
        _ input: InputOptions, thresholds: Thresholds = Thresholds(), pseudonymizer: Pseudonymizer? = nil
    ) throws -> ReviewRun {
        let options = try input.importOptions()
        var excluded: Set<String> = []
        if let roster = input.roster { excluded.insert(roster) }
        let files = try discoverInputs(input.inputs, excluding: excluded)
        var imported = try CaseloadImporter(options: options).run(logs: files, roster: input.roster)
        if let pseudonymizer { imported = try pseudonymizer.pseudonymize(imported) }
        guard let asOf = try input.asOfDate() ?? imported.latestDate else {
            throw Failure(description: "no usable log rows to take the review date from; pass --as-of YYYY-MM-DD")
        }
        let records = imported.builder.records(roster: imported.roster)
        let analysis = analyse(records, asOf: asOf, thresholds: thresholds)
        return ReviewRun(imported: imported, analysis: analysis)
    }

    /// The report context: provenance for the manifest and the About sheet.
    func context(caseloadName: String) -> ReportContext {
        ReportContext(
            toolVersion: CaseloadCommand.version,
            commandLine: ReviewRun.commandLine(),
            caseloadName: caseloadName,
            createdEpochSeconds: ReviewRun.createdEpochSeconds(asOf: analysis.asOf),
            inputs: imported.inputs,
            rejected: imported.rejected,
            totals: imported.totals)
    }

    /// `SOURCE_DATE_EPOCH` when set (reproducible builds convention), else midnight UTC of the as-of date.
    static func createdEpochSeconds(asOf: CalendarDate) -> Int {
        if let raw = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let value = Int(raw) {
            return value
        }
        return asOf.daysSinceEpoch * 86_400
    }

    /// The command line as run, `caseload` first, arguments shell-quoted where needed.
    static func commandLine() -> String {
        let args = CommandLine.arguments.dropFirst().map { arg -> String in
            let safe = arg.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0) }
            return safe && !arg.isEmpty ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return (["caseload"] + args).joined(separator: " ")
    }
}
