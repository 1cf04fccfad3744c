import ArgumentParser
import CaseloadAnalytics
import CaseloadExport
import CaseloadImport
import CaseloadModel
import Foundation

/// `caseload audit`: outcomes per clinician for a period, written as a workbook and CSVs.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit a period's outcomes per clinician: MCID attainment, completeness, adherence, a funnel plot.",
        discussion: """
            Reads the exports exactly as `review` does (same readers, roster and row accounting) and audits \
            every patient whose programme window overlaps --from…--to and who logged in it: baseline and \
            final pain, whether the change reached the MCID (2 points or 30 %, Farrar 2001; [audit] in \
            caseload.toml sets it, e.g. 1.2 points for patellofemoral pain, Piva 2009), days to MCID, \
            adherence, and whether each patient was discharged, is active or lapsed. Per clinician and for \
            the service: completeness, MCID rate with its Wilson 95 % interval, medians, and a funnel plot \
            whose 99.8 % limits name the clinicians to look at. With --proms, KOOS-PF and AKPS scores \
            (patient_id, date, instrument, score) are audited against their MIC, as are those of FHIR \
            inputs whose codes or questionnaires [fhir] in caseload.toml names.

            Writes audit.xlsx (Summary, Clinicians, Funnel, Patients, PROMs, Data quality, About), \
            audit-patients.csv, audit-clinicians.csv, rejected.csv and manifest.json into \
            reports/audit-<from>-to-<to> (or --out), replaced atomically when complete.

            Examples:
              caseload audit samples --roster samples/roster.csv --from 2026-09-01 --to 2026-11-22
              caseload audit exports/ --from 2026-07-01 --to 2026-09-30 --proms proms.csv --out audits/2026-Q3
              caseload audit exports/ --from 2026-07-01 --to 2026-09-30 --pseudonymize --key-file audit.key
              caseload audit exports/ --from 2026-07-01 --to 2026-09-30 --json | jq '.outliers'
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("First day of the audit period.", valueName: "YYYY-MM-DD"))
    var from: String

    @Option(help: ArgumentHelp("Last day of the audit period.", valueName: "YYYY-MM-DD"))
    var to: String

    @Option(
        help: ArgumentHelp(
            "PROM scores CSV: patient_id, date, instrument (koos_pf, akps), score (default: the one proms.csv "
                + "inside an input folder, if any).", valueName: "file"))
    var proms: String?

    @Option(help: "Audit folder (default: reports/audit-<from>-to-<to>). Replaced atomically when complete.")
    var out: String?

    @Flag(help: "Replace patient IDs by keyed tokens and drop names and notes in every output (needs --key-file).")
    var pseudonymize = false

    @Option(name: .customLong("key-file"), help: "Secret key for --pseudonymize: a file of at least 32 bytes.")
    var keyFile: String?

    @Flag(help: "Print the summary as JSON on stdout: the per-clinician rows and the outliers.")
    var json = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    /// The period given, validated.
    func period() throws -> AuditPeriod {
        guard let start = CalendarDate(iso: from) else {
            throw ValidationError("--from '\(from)' is not a date in the form YYYY-MM-DD")
        }
        guard let end = CalendarDate(iso: to) else {
            throw ValidationError("--to '\(to)' is not a date in the form YYYY-MM-DD")
        }
        guard start <= end else { throw ValidationError("--from \(from) is after --to \(to)") }
        return AuditPeriod(from: start, to: end)
    }

    func validate() throws {
        try input.requireInputs()
        _ = try period()
        if input.asOf != nil { throw ValidationError("--as-of does not apply to an audit; the period is --from … --to") }
        if quiet && json { throw ValidationError("--quiet and --json cannot be used together") }
        if quiet && global.verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        if pseudonymize != (keyFile != nil) { throw ValidationError("--pseudonymize and --key-file go together") }
    }

    func run() throws {
        let period = try period()
        let configuration = try RunConfiguration.make(input: input, global: global, quiet: quiet)
        let directory = out ?? "reports/audit-\(period.from.isoString)-to-\(period.to.isoString)"
        try OutputFolder.validate(directory)
        let pseudonymizer = try keyFile.map { try Pseudonymizer(keyFile: $0) }
        let promFile = proms ?? configuration.impliedPROMs
        if proms == nil, let promFile {
            Log.logger.notice("using \(promFile) as the PROM file (a proms.csv in an input folder); pass --proms to choose another")
        }
        let imported = try ReviewRun.importInputs(configuration, pseudonymizer: pseudonymizer, proms: promFile)
        let records = imported.builder.records(roster: imported.roster)
        let audit = auditAnalysis(
            records, period: period, thresholds: configuration.thresholds, audit: configuration.config.audit,
            proms: imported.proms)
        let context = ReportContext(
            toolVersion: CaseloadCommand.version, commandLine: ReviewRun.commandLine(), caseloadName: "Audit",
            createdEpochSeconds: ReviewRun.createdEpochSeconds(asOf: period.to), inputs: imported.inputs,
            rejected: imported.rejected, totals: imported.totals)
        let written = try AuditReport.write(
            audit, context: context, withPROMs: promFile != nil || !imported.proms.isEmpty,
            pseudonymized: pseudonymizer != nil, to: directory)
        Log.logger.info("audit written", metadata: ["folder": .string(written.directory)])
        if json {
            print(try AuditSummary.json(audit, imported: imported, directory: directory))
        } else if !quiet {
            print(AuditSummary.text(audit, imported: imported, directory: directory))
        }
    }
}

/// What `caseload audit` prints: the accounting, where the files are, and a short table per clinician.
enum AuditSummary {
    /// The terminal summary.
    static func text(_ audit: AuditAnalysis, imported: ImportResult, directory: String) -> String {
        let t = imported.totals
        var lines = [
            "caseload \(CaseloadCommand.version): audit \(audit.period.from) to \(audit.period.to)",
            "Read \(imported.inputs.count) input files: \(t.rowsRead) rows = \(t.rowsAccepted) used + "
                + "\(t.rowsRejected) rejected + \(t.rowsDuplicate) duplicate",
            "\(audit.episodes.count) patients in the period (\(audit.patientsOutsidePeriod) outside it), "
                + "\(audit.clinicians.count) clinicians",
            "Audit: \(directory)/audit.xlsx, audit-patients.csv, audit-clinicians.csv, manifest.json",
            "",
        ]
        let rows = (audit.clinicians + [audit.service]).map { c -> [String] in
            let ci = c.mcidCILow.flatMap { low in c.mcidCIHigh.map { Figure.percent.text(low) + "–" + Figure.percent.text($0) } }
            return [
                c.clinician, "\(c.patients)", "\(c.complete)", "\(c.mcidReached)", Figure.percent.text(c.mcidPct),
                ci ?? "–", Figure.painChange.text(c.medianChange), Figure.percent.text(c.medianAdherencePct),
                "\(c.discharged)", "\(c.active)", "\(c.lapsed)",
            ]
        }
        lines += TextTable.render(
            header: ["clinician", "patients", "complete", "mcid", "mcid %", "95% CI", "pain change", "adherence %",
                     "discharged", "active", "lapsed"],
            rows: rows)
        if !audit.outliers.isEmpty {
            lines.append("")
            lines.append(
                "Outside the funnel's outer limits (z = \(audit.audit.funnelOuterZ)): "
                    + audit.outliers.joined(separator: ", ") + ". A prompt to look at case mix and data, not a verdict.")
        }
        return lines.joined(separator: "\n")
    }

    /// The `--json` summary: the period, the per-clinician rows (the service last) and the outliers.
    static func json(_ audit: AuditAnalysis, imported: ImportResult, directory: String) throws -> String {
        struct Row: Encodable {
            var clinician: String
            var patients, complete, mcidReached, discharged, active, lapsed, promComplete: Int
            var completenessPct, mcidPct, mcidCiLow, mcidCiHigh, medianChange, medianDaysToMcid: Double?
            var medianAdherencePct, promMicPct: Double?
        }
        struct Document: Encodable {
            var tool = "caseload"
            var version = CaseloadCommand.version
            var from, to, auditFolder: String
            var patients, patientsOutsidePeriod: Int
            var clinicians: [Row]
            var outliers: [String]
        }
        func row(_ c: ClinicianAudit) -> Row {
            func r(_ x: Double?, _ decimals: Int) -> Double? { x.map { Rounding.rounded($0, decimals: decimals) } }
            return Row(
                clinician: c.clinician, patients: c.patients, complete: c.complete, mcidReached: c.mcidReached,
                discharged: c.discharged, active: c.active, lapsed: c.lapsed, promComplete: c.promComplete,
                completenessPct: r(c.completenessPct, 1), mcidPct: r(c.mcidPct, 1), mcidCiLow: r(c.mcidCILow, 1),
                mcidCiHigh: r(c.mcidCIHigh, 1), medianChange: r(c.medianChange, 2),
                medianDaysToMcid: r(c.medianDaysToMCID, 1), medianAdherencePct: r(c.medianAdherencePct, 1),
                promMicPct: r(c.promMICPct, 1))
        }
        let document = Document(
            from: audit.period.from.isoString, to: audit.period.to.isoString, auditFolder: directory,
            patients: audit.episodes.count, patientsOutsidePeriod: audit.patientsOutsidePeriod,
            clinicians: (audit.clinicians + [audit.service]).map(row), outliers: audit.outliers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
