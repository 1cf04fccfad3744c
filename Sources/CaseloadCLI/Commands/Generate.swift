import ArgumentParser
import CaseloadModel
import CaseloadSynthetic

/// `caseload generate`: a synthetic caseload for demos, tests and benchmarks.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic caseload (roster and logs in CSV and JSON).",
        discussion: """
            Deterministic for a seed: the same options write the same bytes. Patients follow known \
            scenarios (responders, step-wise improvers, plateaus, flares, worsening pain, low adherence, \
            drop-outs, night pain, swelling, painful exercise, failed readiness tests, long sessions, new \
            patients), listed in DIR/README.md.

            Examples:
              caseload generate --patients 30 --days 56 --seed 7 --out samples
              caseload generate --patients 4000 --days 84 --seed 1 --out /tmp/medium --messy
              caseload generate --patients 30 --days 56 --seed 7 --out samples --messy --audit-data
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

    @Flag(help: "Also write messy-export.csv: semicolons, BOM, CRLF, bad and duplicate rows.")
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
    }

    func run() throws {
        guard let end = CalendarDate(iso: endDate) else { throw ValidationError("bad --end-date") }
        let config = SyntheticConfig(patients: patients, days: days, seed: seed, endDate: end, auditData: auditData)
        var written: [String]
        do {
            written = try SyntheticCaseload.write(config, to: out)
            if messy {
                let plan = try SyntheticCaseload.writeMessyExport(config, to: out + "/messy-export.csv")
                written.append(plan.path)
            }
        } catch {
            throw Failure(description: "\(out): cannot write the synthetic caseload: \(error)")
        }
        for path in written { print(path) }
    }
}
