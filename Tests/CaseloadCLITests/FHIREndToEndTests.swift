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
