import ArgumentParser
import CaseloadModel
import CaseloadSynthetic

/// `caseload generate`: a synthetic caseload for demos, tests and benchmarks.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic caseload (roster and logs in CSV and JSON, or FHIR R4).",
        discussion: """
            Deterministic for a seed: the same options write the same bytes. Patients follow known \
            scenarios (responders, step-wise improvers, plateaus, flares, worsening pain, low adherence, \
            drop-outs, night pain, swelling, painful exercise, failed readiness tests, long sessions, new \
            patients), listed in DIR/README.md.

            --format fhir-bundles writes the same patients as one FHIR R4 transaction Bundle each, \
            --format fhir-bulk as a FHIR Bulk Data export (manifest.json and NDJSON), with a caseload.toml \
            naming the generator's own codes for what has no standard one: review them with \
            --config DIR/caseload.toml.

            Examples:
              caseload generate --patients 30 --days 56 --seed 7 --out samples
              caseload generate --patients 4000 --days 84 --seed 1 --out /tmp/medium --messy
              caseload generate --patients 30 --days 56 --seed 7 --out samples --messy --audit-data
              caseload generate --patients 6 --days 56 --seed 11 --id-prefix F --format fhir-bulk --out samples/fhir
            """
    )

    @Option(help: "Number of patients.")
    var patients: Int = 30

    @Option(help: "Days of logs per patient (ending on --end-date).")
    var days: Int = 56

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .customLong("end-date"), help: "Last day of the logs, YYYY-MM-DD.")
    var endDate: String = "2026-11-22"

    @Option(help: "Folder to write into (created if missing).")
    var out: String

    @Option(help: "What to write: csv (roster, CSV and JSON logs), fhir-bundles or fhir-bulk.")
    var format: String = SyntheticFormat.csv.rawValue

    @Option(name: .customLong("id-prefix"), help: "Letters the patient IDs start with (P gives P0001, …).")
    var idPrefix: String = "P"

    @Flag(help: "Also write messy-export.csv: semicolons, BOM, CRLF, bad and duplicate rows (FHIR: a repeated resource, an entered-in-error and a mm pain, a line that is not JSON).")
    var messy = false

    @Flag(
        name: .customLong("audit-data"),
        help: "Also write what an audit reads: discharge dates in the roster (their logs stop there) and proms.csv.")
    var auditData = false

    func validate() throws {
        guard patients >= 1 else { throw ValidationError("--patients must be at least 1") }
        guard days >= SyntheticConfig.minimumDays else {
            throw ValidationError("--days must be at least \(SyntheticConfig.minimumDays) (six weeks, so every scenario can unfold)")
        }
        guard CalendarDate(iso: endDate) != nil else {
            throw ValidationError("--end-date '\(endDate)' is not a date in the form YYYY-MM-DD")
        }
        guard SyntheticFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format '\(format)' is not one of \(SyntheticFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard SyntheticConfig.isValidPrefix(idPrefix) else {
            throw ValidationError("--id-prefix '\(idPrefix)' must be one to eight ASCII letters")
        }
    }

    func run() throws {
        guard let end = CalendarDate(iso: endDate) else { throw ValidationError("bad --end-date") }
        let config = SyntheticConfig(
            patients: patients, days: days, seed: seed, endDate: end, auditData: auditData, idPrefix: idPrefix)
        var written: [String]
        do {
            switch SyntheticFormat(rawValue: format) ?? .csv {
            case .csv:
                written = try SyntheticCaseload.write(config, to: out)
                if messy {
                    let plan = try SyntheticCaseload.writeMessyExport(config, to: out + "/messy-export.csv")
                    written.append(plan.path)
                }
            case .fhirBundles: written = try SyntheticCaseload.writeFHIR(config, to: out, bulk: false, messy: messy)
            case .fhirBulk: written = try SyntheticCaseload.writeFHIR(config, to: out, bulk: true, messy: messy)
            }
        } catch {
            throw Failure(description: "\(out): cannot write the synthetic caseload: \(error)")
        }
        for path in written { print(path) }
    }
}
