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
            Reads every log export given (files, or folders searched for .csv .tsv .json .ndjson .jsonl; \
            FHIR R4 Bundles and Bulk Data exports are recognised by content), \
            accounts for every row (used, rejected with a reason, or dropped as an exact duplicate), \
            computes adherence, pain trajectories, flares, plateaus and follow-up reasons as of one date, \
            and writes the report folder: caseload.xlsx and CSV summaries for the whole run, one folder \
            per clinician under caseloads/, and manifest.json.

            Examples:
              caseload review samples --roster samples/roster.csv --out reports/sample
              caseload review exports/week-47/ --roster roster.csv --as-of 2026-11-22
              caseload review export.csv --date-format DD/MM/YYYY --strict
              caseload review exports/ --roster roster.csv --json > summary.json
              caseload review exports/ --roster roster.csv --config clinic.toml --quiet

            After the report is written, a summary goes to stdout: rows accounted for, caseloads \
            and patients, and the follow-up table (coloured on a terminal unless NO_COLOR is set). \
            With --json stdout holds only a JSON document; with --quiet only errors are printed.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Option(help: "Report folder (default: reports/<as-of date>). Replaced atomically when complete.")
    var out: String?

    @Flag(help: "Exit 1 without writing a report when any row is rejected.")
    var strict = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the summary as JSON on stdout (nothing else goes to stdout).")
    var json = false

    @Option(help: "Rows of the follow-up table to print (0: all). The workbook always lists everyone.")
    var top: Int = 30

    @Flag(help: "Replace patient IDs by keyed tokens and drop names and notes in every output (needs --key-file).")
    var pseudonymize = false

    @Option(name: .customLong("key-file"), help: "Secret key for --pseudonymize: a file of at least 32 bytes.")
    var keyFile: String?

    @Option(
        help: ArgumentHelp(
            "Patients with a sheet of their own in each caseload's workbook: auto (everyone in a caseload of at "
                + "most 200 patients, else those needing follow-up), all, or follow-up (default: [report] "
                + "patient_sheets in caseload.toml, else auto). At most 250 a workbook; the all-patients "
                + "workbook of a run of several caseloads has none above 200 patients.",
            valueName: "auto|all|follow-up"))
    var patientSheets: PatientSheetsChoice?

    func validate() throws {
        if quiet && json { throw ValidationError("--quiet and --json cannot be used together") }
        if quiet && global.verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        if pseudonymize != (keyFile != nil) { throw ValidationError("--pseudonymize and --key-file go together") }
    }

    func run() throws {
        let configuration = try RunConfiguration.make(input: input, global: global, quiet: quiet)
        if let out { try OutputFolder.validate(out) }
        let pseudonymizer = try keyFile.map { try Pseudonymizer(keyFile: $0) }
        let run = try ReviewRun.load(configuration, pseudonymizer: pseudonymizer)
        if strict, run.imported.totals.rowsRejected > 0 {
            let first = run.imported.rejected.prefix(10).map { "  \($0.file):\($0.line): \($0.column) '\($0.value)': \($0.reason)" }
            throw Failure(
                description: "\(run.imported.totals.rowsRejected) rows rejected (--strict); no report written:\n"
                    + first.joined(separator: "\n"))
        }
        let directory = out ?? "reports/" + run.analysis.asOf.isoString
        if out == nil { try OutputFolder.validate(directory) }
        let context = run.context(
            caseloadName: "All patients", patientSheets: (patientSheets ?? configuration.config.patientSheets).policy)
        let report = try ReportWriter.write(analysis: run.analysis, context: context, to: directory)
        Log.logger.info("report written", metadata: ["folder": .string(report.directory)])
        if json {
            print(try ReviewSummary.json(run: run, report: report, directory: directory))
        } else if !quiet {
            let style = TextStyle(isEnabled: Terminal.wantsColour())
            print(ReviewSummary.text(run: run, report: report, directory: directory, top: top, style: style))
        }
    }
}

/// The stages of a review wired together: inputs read, analysis done.
struct ReviewRun {
    var imported: ImportResult
    var analysis: CaseloadAnalysis

    /// Reads the inputs, pseudonymises them when asked, and analyses every patient as of the chosen
    /// date under the configured thresholds.
    static func load(_ configuration: RunConfiguration, pseudonymizer: Pseudonymizer? = nil) throws -> ReviewRun {
        let imported = try importInputs(configuration, pseudonymizer: pseudonymizer)
        guard let asOf = configuration.asOf ?? imported.latestDate else {
            throw Failure(description: "no usable log rows to take the review date from; pass --as-of YYYY-MM-DD")
        }
        if configuration.asOf == nil, asOf > today() {
            // One mistyped year would otherwise move every patient's windows (review finding).
            throw Failure(
                description: "the latest log date, \(asOf), is after today (\(today())): a mistyped date? "
                    + "Pass --as-of YYYY-MM-DD to review as of a date; rows after it are counted and left out of the figures")
        }
        let records = imported.builder.records(roster: imported.roster)
        let analysis = analyse(records, asOf: asOf, thresholds: configuration.thresholds, tiers: configuration.tiers)
        Log.logger.debug("analysed", metadata: ["patients": "\(analysis.patients.count)", "as_of": "\(asOf)"])
        return ReviewRun(imported: imported, analysis: analysis)
    }

    /// Today's calendar date in UTC (only to catch log dates in the future; never a default).
    static func today() -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// Finds the input files and reads them (with a progress bar on a terminal), and the PROM file
    /// when given (`audit --proms`), pseudonymises them when asked, then logs each file's accounting
    /// (so no identifier reaches the log either).
    static func importInputs(
        _ configuration: RunConfiguration, pseudonymizer: Pseudonymizer? = nil, proms: String? = nil
    ) throws -> ImportResult {
        var excluded: Set<String> = []
        if let roster = configuration.roster { excluded.insert(roster) }
        for file in [configuration.impliedPROMs, proms].compactMap({ $0 }) {
            excluded.insert(file)
            if proms == nil {
                Log.logger.notice("\(file) holds PROM scores, not a log: left out (caseload audit reads it)")
            }
        }
        let files = try discoverInputs(configuration.inputs, excluding: excluded)
        Log.logger.debug("inputs found", metadata: ["files": "\(files.count)"])
        var importer = CaseloadImporter(options: configuration.importOptions)
        let bar = configuration.showsProgress ? ProgressBar(files: files + (configuration.roster.map { [$0] } ?? [])) : nil
        if let bar { importer.progress = { bar.update($0) } }
        var imported: ImportResult
        do {
            defer { bar?.finish() }
            imported = try importer.run(logs: files, roster: configuration.roster)
        }
        if let proms { imported = imported.adding(try importer.readPROMs(proms)) }
        if let pseudonymizer { imported = try pseudonymizer.pseudonymize(imported) }
        for input in imported.inputs {
            let c = input.counts
            Log.logger.debug(
                "read \(input.path)",
                metadata: [
                    "format": "\(input.format.rawValue)", "dialect": "\(input.dialect ?? "-")", "rows": "\(c.rowsRead)",
                    "used": "\(c.rowsAccepted)", "rejected": "\(c.rowsRejected)", "duplicate": "\(c.rowsDuplicate)",
                ])
            for warning in input.warnings { Log.logger.warning("\(input.path): \(warning)") }
        }
        return imported
    }

    /// The report context: provenance for the manifest and the About sheet, and who gets a patient sheet.
    func context(caseloadName: String, patientSheets: PatientSheetPolicy = .standard) -> ReportContext {
        ReportContext(
            toolVersion: CaseloadCommand.version,
            commandLine: ReviewRun.commandLine(),
            caseloadName: caseloadName,
            createdEpochSeconds: ReviewRun.createdEpochSeconds(asOf: analysis.asOf),
            inputs: imported.inputs,
            rejected: imported.rejected,
            totals: imported.totals,
            patientSheets: patientSheets)
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
