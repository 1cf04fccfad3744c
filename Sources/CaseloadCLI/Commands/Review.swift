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
              caseload review exports/ --format exports/ehr/obs.ndjson=fhir-ndjson
              caseload review exports/ --profile clinic-app.toml --profile strong
              caseload review PFP-014-strong.csv --profile strong --patient PFP-014
              caseload review --plan work/plan.json --out reports/single

            With --plan, the inputs and every option that affects the report come from a plan \
            (`caseload plan`): the single-process run a sharded run's merge must equal byte for byte.

            After the report is written, a summary goes to stdout: rows accounted for, caseloads \
            and patients, and the follow-up table (coloured on a terminal unless NO_COLOR is set). \
            With --json stdout holds only a JSON document; with --quiet only errors are printed.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var profiles: ProfileOptions

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

    @Option(help: "Review as a plan (caseload plan) pins it: its inputs, options, as-of date and command line.")
    var plan: String?

    func validate() throws {
        if plan != nil {
            let given = !input.inputs.isEmpty || input.roster != nil || input.asOf != nil || input.dateFormat != nil
                || !input.formats.isEmpty
                || global.config != nil || patientSheets != nil || pseudonymize || keyFile != nil || strict
                || profiles.isGiven
            if given { throw ValidationError("--plan takes the inputs and the review's options from the plan; give only --out and output options") }
        } else {
            try input.requireInputs()
        }
        if quiet && json { throw ValidationError("--quiet and --json cannot be used together") }
        if quiet && global.verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        if pseudonymize != (keyFile != nil) { throw ValidationError("--pseudonymize and --key-file go together") }
    }

    func run() throws {
        if let plan {
            try runPlan(plan)
            return
        }
        let configuration = try RunConfiguration.make(input: input, global: global, profiles: profiles, quiet: quiet)
        if let out { try OutputFolder.validate(out) }
        let pseudonymizer = try keyFile.map { try Pseudonymizer(keyFile: $0) }
        let run = try ReviewRun.load(configuration, pseudonymizer: pseudonymizer)
        if strict { try ReviewRun.refuseRejected(run.imported) }
        let directory = out ?? "reports/" + run.analysis.asOf.isoString
        if out == nil { try OutputFolder.validate(directory) }
        let context = run.context(
            caseloadName: "All patients", patientSheets: (patientSheets ?? configuration.config.patientSheets).policy)
        try ReviewOutput(quiet: quiet, json: json, top: top).finish(run, context: context, directory: directory)
    }

    /// `review --plan`: the review the plan pins, run in the plan's working folder.
    private func runPlan(_ planPath: String) throws {
        let loaded = try PlannedRun.load(planPath: planPath, quiet: quiet)
        let directory = PlannedRun.absolute(out ?? "reports/" + loaded.plan.asOf)
        try OutputFolder.validate(directory)
        try loaded.enterWorkingDirectory()
        let configuration = try loaded.configuration(quiet: quiet)
        try loaded.checkInputsBeforeReading(configuration)
        let run = try ReviewRun.load(configuration, pseudonymizer: try loaded.pseudonymizer())
        try loaded.checkInputsAfterReading(run.imported)
        if loaded.plan.review.strict { try ReviewRun.refuseRejected(run.imported) }
        let context = run.context(
            caseloadName: "All patients", patientSheets: try loaded.patientSheets(configuration),
            commandLine: loaded.plan.commandLine)
        try ReviewOutput(quiet: quiet, json: json, top: top).finish(run, context: context, directory: directory)
    }
}

/// How a review's (or a merge's) report is written and summarised.
struct ReviewOutput {
    var quiet: Bool
    var json: Bool
    var top: Int

    /// Writes the report and prints the summary the flags ask for.
    func finish(_ run: ReviewRun, context: ReportContext, directory: String) throws {
        try finish(
            imported: run.imported, source: AnalysisReport(run.analysis, rejected: context.rejected), context: context,
            directory: directory)
    }

    /// Writes the report of `source` (a review's analysis, or a merge's shards) and prints the
    /// summary the flags ask for.
    func finish(imported: ImportResult, source: any ReportSource, context: ReportContext, directory: String) throws {
        let report = try ReportWriter.write(source: source, context: context, to: directory)
        Log.logger.info("report written", metadata: ["folder": .string(report.directory)])
        if json {
            try ReviewSummary.json(imported: imported, source: source, report: report, directory: directory) {
                print($0, terminator: "")
            }
            print()
        } else if !quiet {
            let style = TextStyle(isEnabled: Terminal.wantsColour())
            print(try ReviewSummary.text(
                imported: imported, source: source, report: report, directory: directory, top: top, style: style))
        }
    }
}

/// The stages of a review wired together: inputs read, analysis done.
struct ReviewRun {
    var imported: ImportResult
    var analysis: CaseloadAnalysis

    /// Reads the inputs, pseudonymises them when asked, and analyses every patient as of the chosen
    /// date under the configured thresholds.
    static func load(
        _ configuration: RunConfiguration, pseudonymizer: Pseudonymizer? = nil, selection: PatientSelection? = nil
    ) throws -> ReviewRun {
        let imported = try importInputs(configuration, pseudonymizer: pseudonymizer, selection: selection)
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
        _ configuration: RunConfiguration, pseudonymizer: Pseudonymizer? = nil, proms: String? = nil,
        selection: PatientSelection? = nil
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
            imported = try importer.run(logs: files, roster: configuration.roster, selection: selection)
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

    /// Refuses a run with rejected rows (`--strict`): exit 1, the first ten rows listed.
    static func refuseRejected(_ imported: ImportResult) throws {
        guard imported.totals.rowsRejected > 0 else { return }
        let first = imported.rejected.prefix(10).map { "  \($0.file):\($0.line): \($0.column) '\($0.value)': \($0.reason)" }
        throw Failure(
            description: "\(imported.totals.rowsRejected) rows rejected (--strict); no report written:\n"
                + first.joined(separator: "\n"))
    }

    /// The report context: provenance for the manifest and the About sheet, and who gets a patient sheet.
    /// - Parameter commandLine: the command line stamped into the outputs (default: this process's).
    func context(
        caseloadName: String, patientSheets: PatientSheetPolicy = .standard, commandLine: String = ReviewRun.commandLine()
    ) -> ReportContext {
        ReportContext(
            toolVersion: CaseloadCommand.version,
            commandLine: commandLine,
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
        commandLine(Array(CommandLine.arguments.dropFirst()))
    }

    /// `caseload` and `arguments`, shell-quoted where needed.
    static func commandLine(_ arguments: [String]) -> String {
        let args = arguments.map { arg -> String in
            let safe = arg.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0) }
            return safe && !arg.isEmpty ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return (["caseload"] + args).joined(separator: " ")
    }
}
