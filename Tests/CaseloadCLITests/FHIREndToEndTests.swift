import Foundation
import Testing

/// `caseload check` and `caseload review` on a folder of FHIR R4 data: a transaction Bundle with
/// `urn:uuid:` references and a Bulk Data export (manifest and NDJSON) that repeats one of its
/// Observations. The fixtures are written here.
@Suite struct FHIREndToEndTests {
    static func observation(_ id: String, patient: String, date: String, pain: Int) -> String {
        #"{"resourceType": "Observation", "id": "\#(id)", "status": "final", "#
            + #""code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "#
            + #""subject": {"reference": "\#(patient)"}, "effectiveDateTime": "\#(date)T08:00:00+01:00", "#
            + #""valueInteger": \#(pain)}"#
    }

    /// Two weeks, 2026-03-01 … 2026-03-14.
    static let days = (1...14).map { String(format: "2026-03-%02d", $0) }

    /// Writes the folder; returns it.
    static func writeFolder(in tmp: URL) throws -> URL {
        let folder = tmp.appendingPathComponent("fhir")
        let bulk = folder.appendingPathComponent("bulk")
        try FileManager.default.createDirectory(at: bulk, withIntermediateDirectories: true)
        var entries = [
            #"{"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1", "#
                + #""identifier": [{"system": "https://clinic.example/id", "value": "K-001"}], "#
                + #""name": [{"given": ["Ana"], "family": "Silva"}]}}"#,
            #"{"fullUrl": "urn:uuid:dr1", "resource": {"resourceType": "Practitioner", "id": "dr1", "name": [{"text": "Dr Jo Bloggs"}]}}"#,
            #"{"resource": {"resourceType": "CarePlan", "id": "cp1", "status": "active", "intent": "plan", "#
                + #""category": [{"coding": [{"system": "http://snomed.info/sct", "code": "91251008"}]}], "#
                + #""subject": {"reference": "urn:uuid:p1"}, "period": {"start": "2026-03-01"}, "author": {"reference": "urn:uuid:dr1"}, "#
                + #""activity": [{"detail": {"scheduledTiming": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}}}]}}"#,
            #"{"resource": {"resourceType": "Claim", "id": "c1"}}"#,
        ]
        for (i, day) in days.enumerated() {
            entries.append(#"{"resource": "# + observation("a\(i)", patient: "urn:uuid:p1", date: day, pain: i < 7 ? 5 : 3) + "}")
        }
        let bundle = #"{"resourceType": "Bundle", "type": "transaction", "entry": ["# + "\n"
            + entries.joined(separator: ",\n") + "\n]}\n"
        try bundle.write(to: folder.appendingPathComponent("bundle.json"), atomically: true, encoding: .utf8)
        let manifest = #"{"transactionTime": "2026-03-15T00:00:00Z", "request": "https://fhir.example/$export", "#
            + #""output": [{"type": "Patient", "url": "https://fhir.example/out/Patient.ndjson"}, "#
            + #"{"type": "Observation", "url": "https://fhir.example/out/Observation.ndjson"}], "error": []}"#
        try manifest.write(to: bulk.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        try (#"{"resourceType": "Patient", "id": "p2", "name": [{"text": "Bo Berg"}]}"# + "\n")
            .write(to: bulk.appendingPathComponent("Patient.ndjson"), atomically: true, encoding: .utf8)
        var lines = days.enumerated().map { observation("b\($0.offset)", patient: "Patient/p2", date: $0.element, pain: 2) }
        lines.append(observation("a13", patient: "Patient/p1", date: days[13], pain: 3))  // the Bundle's, again
        lines.append(observation("bad", patient: "Patient/p2", date: days[13], pain: 12))
        try (lines.joined(separator: "\n") + "\n")
            .write(to: bulk.appendingPathComponent("Observation.ndjson"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func checkAndReviewReadAFHIRFolder() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let folder = try Self.writeFolder(in: tmp)

        let check = try CLIHarness.run(["check", folder.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("bundle.json (log, fhir, FHIR R4 JSON)"), "\(check.stdout)")
        #expect(check.stdout.contains("Observation.ndjson (log, fhir, FHIR R4 NDJSON)"), "\(check.stdout)")
        #expect(check.stdout.contains("pain 12 is outside 0–10"), "\(check.stdout)")

        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(["review", folder.path, "--out", out.path, "--quiet"])
        #expect(review.status == 0, "\(review.stderr)")
        try OutputContract.expectHolds(out)

        let text = try String(contentsOf: out.appendingPathComponent("patients.csv"), encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        let header = try #require(lines.first)
        let column = { (name: String) throws -> Int in try #require(header.firstIndex(of: name), "no \(name)") }
        let byPatient = Dictionary(uniqueKeysWithValues: lines.dropFirst().map { ($0[0], $0) })
        #expect(byPatient.keys.sorted() == ["K-001", "p2"])
        let (pain, baseline, clinician) = (try column("pain_current"), try column("pain_baseline"), try column("clinician"))
        #expect(byPatient["K-001"]?[baseline] == "5.00")
        #expect(byPatient["K-001"]?[pain] == "3.00")
        #expect(byPatient["K-001"]?[clinician] == "Dr Jo Bloggs")
        #expect(byPatient["p2"]?[pain] == "2.00")

        let manifest = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let bundle = try #require(inputs.first { ($0["path"] as? String)?.hasSuffix("bundle.json") == true })
        #expect(bundle["format"] as? String == "fhir")
        // Files are read sorted by path: bulk/ before bundle.json, so the Bundle's copy of a13 is the duplicate.
        #expect(bundle["rows_read"] as? Int == 14)
        #expect(bundle["rows_accepted"] as? Int == 13)
        #expect(bundle["rows_duplicate"] as? Int == 1)
        #expect((bundle["ignored_resources"] as? [String: Int]) == ["Claim": 1])
        let bulk = try #require(inputs.first { ($0["path"] as? String)?.hasSuffix("Observation.ndjson") == true })
        #expect(bulk["rows_read"] as? Int == 16)
        #expect(bulk["rows_accepted"] as? Int == 15)
        #expect(bulk["rows_duplicate"] as? Int == 0)
        #expect(bulk["rows_rejected"] as? Int == 1)
    }

    /// A sharded run (plan, shard ×2, merge) of the FHIR folder writes the same patients.csv as the
    /// single review, and both take the patient ID from `[fhir] patient_identifier_system`.
    @Test func shardedRunMatchesTheReviewAndFollowsTheFHIRConfiguration() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let folder = try Self.writeFolder(in: tmp)
        // p1's second identifier, added by rewriting the first: "K-001" under clinic.example, "M-9" under urn:mrn.
        let bundleURL = folder.appendingPathComponent("bundle.json")
        let bundle = try String(contentsOf: bundleURL, encoding: .utf8).replacingOccurrences(
            of: #""identifier": [{"system": "https://clinic.example/id", "value": "K-001"}]"#,
            with: #""identifier": [{"system": "https://clinic.example/id", "value": "K-001"}, {"system": "urn:mrn", "value": "M-9"}]"#)
        try bundle.write(to: bundleURL, atomically: true, encoding: .utf8)
        try "[fhir]\npatient_identifier_system = \"urn:mrn\"\n"
            .write(to: tmp.appendingPathComponent("caseload.toml"), atomically: true, encoding: .utf8)

        let single = tmp.appendingPathComponent("single")
        let review = try CLIHarness.run(
            ["review", folder.path, "--as-of", "2026-03-14", "--out", single.path, "--quiet"], in: tmp)
        #expect(review.status == 0, "\(review.stderr)")
        let plan = tmp.appendingPathComponent("plan.json").path
        let planned = try CLIHarness.run(
            ["plan", folder.path, "--as-of", "2026-03-14", "--shards", "2", "--out", plan], in: tmp)
        #expect(planned.status == 0, "\(planned.stderr)")
        for index in ["0", "1"] {
            let shard = try CLIHarness.run(["shard", "--plan", plan, "--index", index, "--quiet"], in: tmp)
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = tmp.appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", "--plan", plan, "--out", merged.path, "--quiet"], in: tmp)
        #expect(merge.status == 0, "\(merge.stderr)")
        try OutputContract.expectHolds(merged)

        let one = try String(contentsOf: single.appendingPathComponent("patients.csv"), encoding: .utf8)
        let other = try String(contentsOf: merged.appendingPathComponent("patients.csv"), encoding: .utf8)
        #expect(one == other)
        let ids = one.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.prefix { $0 != "," } }
        #expect(ids.sorted() == ["M-9", "p2"])
    }
}

/// The same synthetic patients written as CSV and as FHIR (`caseload generate --format …`) and
/// reviewed by the built binary: `patients.csv` (and the audit's `audit-patients.csv`) agree on
/// every figure FHIR carries.
@Suite struct FHIRAgainstCSVEndToEndTests {
    /// `patients.csv` columns whose figures come only from what FHIR carries: pain, session days,
    /// minutes, symptoms, readiness, the roster facts. `level_*` and `rows_after_as_of` are not
    /// compared (FHIR has no exercise level, and counts its own rows); `followup_reasons` is
    /// compared without `high_exercise_pain` (pain during exercise is not in FHIR), and
    /// `new_this_week` only for patients without that reason (it may be the new one).
    static let columns = [
        "patient_id", "clinician", "program_start", "first_date", "last_date", "days_in_program",
        "sessions_prescribed", "sessions_completed", "adherence_pct", "adherence_14d_pct", "pain_baseline",
        "pain_current", "pain_change", "pain_slope_per_week", "trend", "plateau", "plateau_since", "flare_count",
        "trend_p_value", "flare_ongoing", "new_this_week", "followup_reasons",
    ]

    /// The rows of a report CSV by patient ID, cells by column name.
    static func table(_ url: URL) throws -> [String: [String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = try #require(lines.first).components(separatedBy: ",")
        var rows: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            // The compared columns never hold commas inside quotes except followup_reasons, which is
            // quoted: split on commas outside quotes.
            var cells: [String] = [], cell = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { cells.append(cell); cell = "" } else { cell.append(ch) }
            }
            cells.append(cell)
            rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells).map { ($0, $1) })
        }
        return rows
    }

    @Test(arguments: ["fhir-bulk", "fhir-bundles"])
    func aFHIRReviewGivesTheCSVReviewsFigures(format: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let common = ["--patients", "40", "--days", "56", "--seed", "12", "--audit-data"]
        let csv = try CLIHarness.run(["generate"] + common + ["--out", "csv"], in: tmp)
        #expect(csv.status == 0, "\(csv.stderr)")
        let fhir = try CLIHarness.run(["generate"] + common + ["--format", format, "--out", "fhir"], in: tmp)
        #expect(fhir.status == 0, "\(fhir.stderr)")

        let asOf = ["--as-of", "2026-11-22", "--quiet"]
        let one = try CLIHarness.run(["review", "csv", "--roster", "csv/roster.csv", "--out", "r-csv"] + asOf, in: tmp)
        #expect(one.status == 0, "\(one.stderr)")
        let other = try CLIHarness.run(["review", "fhir", "--config", "fhir/caseload.toml", "--out", "r-fhir"] + asOf, in: tmp)
        #expect(other.status == 0, "\(other.stderr)")
        try OutputContract.expectHolds(tmp.appendingPathComponent("r-fhir"))

        let a = try Self.table(tmp.appendingPathComponent("r-csv/patients.csv"))
        let b = try Self.table(tmp.appendingPathComponent("r-fhir/patients.csv"))
        #expect(a.count == 40 && b.keys.sorted() == a.keys.sorted())
        var dropped = 0
        for (id, row) in a {
            let exercisePain = row["followup_reasons"]?.contains("high_exercise_pain") ?? false
            for column in Self.columns where !(exercisePain && column == "new_this_week") {
                var expected = row[column] ?? "?"
                if column == "followup_reasons" {
                    let reasons = expected.split(separator: ";").map(String.init)
                    let kept = reasons.filter { $0 != "high_exercise_pain" }
                    dropped += reasons.count - kept.count
                    expected = kept.joined(separator: ";")
                }
                #expect(b[id]?[column] == expected, "\(id) \(column)")
            }
        }
        #expect(dropped > 0, "the caseload plants high exercise pain, which FHIR cannot carry")

        // The audit: PROM scores from the FHIR Observations, the CSV's from proms.csv.
        let period = ["--from", "2026-10-01", "--to", "2026-11-22", "--quiet"]
        let auditCSV = try CLIHarness.run(
            ["audit", "csv", "--roster", "csv/roster.csv", "--proms", "csv/proms.csv", "--out", "a-csv"] + period, in: tmp)
        #expect(auditCSV.status == 0, "\(auditCSV.stderr)")
        let auditFHIR = try CLIHarness.run(["audit", "fhir", "--config", "fhir/caseload.toml", "--out", "a-fhir"] + period, in: tmp)
        #expect(auditFHIR.status == 0, "\(auditFHIR.stderr)")
        let x = try Self.table(tmp.appendingPathComponent("a-csv/audit-patients.csv"))
        let y = try Self.table(tmp.appendingPathComponent("a-fhir/audit-patients.csv"))
        #expect(!x.isEmpty && x.keys.sorted() == y.keys.sorted())
        var withPROMs = 0
        for (id, row) in x {
            for (column, value) in row { #expect(y[id]?[column] == value, "\(id) \(column)") }
            if row["prom_change"]?.isEmpty == false { withPROMs += 1 }
        }
        #expect(withPROMs > 0, "some patients have a baseline and a final PROM score")
        let workbook = try XLSXEntries(tmp.appendingPathComponent("a-fhir/audit.xlsx")).text("xl/workbook.xml")
        #expect(workbook.contains("name=\"PROMs\""), "FHIR PROMs give the workbook its PROMs sheet")
    }
}
