import Foundation
import Testing

/// `--format` through the built binary: forcing a format on one file, the errors of a wrong choice,
/// the option on every command that takes inputs, and a plan recording it. The fixtures are
/// written here.
@Suite struct FormatOptionEndToEndTests {
    static let bundle = #"{"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:p1", "#
        + #""resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": {"resourceType": "Observation", "#
        + #""id": "o1", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "#
        + #""subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2026-03-02", "valueInteger": 4}}]}"#
    /// FHIR NDJSON whose first line is broken, so that its content does not say FHIR.
    static let observations = "{broken\n" + #"{"resourceType": "Patient", "id": "p2"}"# + "\n"
        + #"{"resourceType": "Observation", "id": "o2", "status": "final", "code": {"coding": "#
        + #"[{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p2"}, "#
        + #""effectiveDateTime": "2026-03-03", "valueInteger": 5}"# + "\n"

    static func writeInputs(in tmp: URL) throws -> (bundle: String, observations: String) {
        let bundle = tmp.appendingPathComponent("bundle.json")
        let observations = tmp.appendingPathComponent("obs.ndjson")
        try Self.bundle.write(to: bundle, atomically: true, encoding: .utf8)
        try Self.observations.write(to: observations, atomically: true, encoding: .utf8)
        return (bundle.path, observations.path)
    }

    /// An `.ndjson` file whose first line hides that it is FHIR is read as FHIR when told so.
    @Test func ndjsonForcedToFHIRIsReadAsFHIR() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (_, observations) = try Self.writeInputs(in: tmp)

        let detected = try CLIHarness.run(["check", observations])
        #expect(detected.status == 0, "\(detected.stderr)")
        #expect(detected.stdout.contains("obs.ndjson (log, ndjson)"), "\(detected.stdout)")
        #expect(detected.stdout.contains("1 rows = 0 used + 1 rejected + 0 duplicate"), "\(detected.stdout)")

        let forced = try CLIHarness.run(["check", observations, "--format", observations + "=fhir-ndjson"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("obs.ndjson (log, fhir, FHIR R4 NDJSON)"), "\(forced.stdout)")
        #expect(forced.stdout.contains("2 rows = 1 used + 1 rejected + 0 duplicate"), "\(forced.stdout)")

        // The same for every input, and a report written from it.
        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(["review", observations, "--format", "fhir-ndjson", "--out", out.path, "--quiet"])
        #expect(review.status == 0, "\(review.stderr)")
        try OutputContract.expectHolds(out)
        let patients = try String(contentsOf: out.appendingPathComponent("patients.csv"), encoding: .utf8)
        #expect(patients.contains("\r\np2,"), "\(patients)")
    }

    /// A FHIR Bundle forced to caseload JSON stops the run with a clear error naming the file,
    /// what it holds and what to pass instead.
    @Test func fhirForcedToCaseloadJSONIsAClearError() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (bundle, _) = try Self.writeInputs(in: tmp)
        let result = try CLIHarness.run(["check", bundle, "--format", bundle + "=caseload-json"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "\(bundle): --format caseload-json, but the file holds FHIR R4 resources (a resourceType at the top level), "
                    + "not a caseload log: use --format \(bundle)=fhir-json"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// A format name that is not one is a usage error (exit 2) listing the formats; so is a file
    /// that does not exist. A file that is not among the inputs stops the run (exit 1).
    @Test(arguments: ["review", "check", "patient", "plan", "audit"])
    func wrongChoicesAreUsageErrors(_ command: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (bundle, observations) = try Self.writeInputs(in: tmp)
        let lead = command == "patient" ? [command, "p1"] : [command]
        let extra: [String] = switch command {
        case "plan": ["--as-of", "2026-03-03", "--shards", "2", "--out", tmp.appendingPathComponent("work/plan.json").path]
        case "audit": ["--from", "2026-03-01", "--to", "2026-03-03"]
        default: []
        }
        let wrongName = try CLIHarness.run(lead + [bundle, "--format", "xml"] + extra)
        #expect(wrongName.status == 2, "\(command): \(wrongName.stderr)")
        #expect(
            wrongName.stderr.contains(
                "'xml' is not a format; use one of csv, tsv, caseload-json, caseload-ndjson, fhir-json, fhir-ndjson"),
            "\(command): \(wrongName.stderr)")
        let missing = try CLIHarness.run(lead + [bundle, "--format", tmp.path + "/nothing.json=fhir-json"] + extra)
        #expect(missing.status == 2, "\(command): \(missing.stderr)")
        #expect(missing.stderr.contains("no such file or folder"), "\(command): \(missing.stderr)")
        let notAnInput = try CLIHarness.run(lead + [bundle, "--format", observations + "=fhir-ndjson"] + extra)
        #expect(notAnInput.status == 1, "\(command): \(notAnInput.stderr)")
        #expect(notAnInput.stderr.contains("names no log input"), "\(command): \(notAnInput.stderr)")
    }

    @Test(arguments: ["review", "check", "patient", "plan", "audit"])
    func helpDocumentsTheOption(_ command: String) throws {
        let result = try CLIHarness.run([command, "--help"])
        #expect(result.status == 0)
        let flat = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("--format <[FILE=]FORMAT>"), "\(command)")
        #expect(flat.contains("csv, tsv, caseload-json, caseload-ndjson, fhir-json, fhir-ndjson"), "\(command)")
    }

    /// A plan records `--format` and its review command line carries it; `review --plan` does not
    /// take it again; the single-process review of the plan reads the file as FHIR.
    @Test func planRecordsTheChoice() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        _ = try Self.writeInputs(in: tmp)
        let plan = try CLIHarness.run(
            ["plan", "obs.ndjson", "--format", "obs.ndjson=fhir-ndjson", "--as-of", "2026-03-03", "--shards", "1",
             "--out", "work/plan.json"], in: tmp)
        #expect(plan.status == 0, "\(plan.stderr)")
        let json = try String(contentsOf: tmp.appendingPathComponent("work/plan.json"), encoding: .utf8)
        #expect(json.contains("\"formats\" : [\n      \"obs.ndjson=fhir-ndjson\"\n    ]"), "\(json)")
        #expect(json.contains("--format obs.ndjson=fhir-ndjson"), "\(json)")

        let twice = try CLIHarness.run(["review", "--plan", "work/plan.json", "--format", "csv", "--out", "r"], in: tmp)
        #expect(twice.status == 2, "\(twice.stderr)")

        let review = try CLIHarness.run(["review", "--plan", "work/plan.json", "--out", "report", "--quiet"], in: tmp)
        #expect(review.status == 0, "\(review.stderr)")
        let patients = try String(contentsOf: tmp.appendingPathComponent("report/patients.csv"), encoding: .utf8)
        #expect(patients.contains("\r\np2,"), "\(patients)")
    }
}
