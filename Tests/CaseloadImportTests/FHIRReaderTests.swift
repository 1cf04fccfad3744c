import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The project's own FHIR R4 fixtures, written here: a transaction Bundle with `urn:uuid:` references,
/// and a Bulk Data export (manifest, Patient and Observation NDJSON) that repeats one of its Observations.
enum FHIRFixtures {
    static func pain(
        _ id: String, code: String = "72514-3", system: String = "http://loinc.org", status: String = "final",
        subject: String = #"{"reference": "urn:uuid:p1"}"#, effective: String = #""effectiveDateTime": "2026-03-02T07:30:00+01:00""#,
        value: String
    ) -> String {
        """
        {"resourceType": "Observation", "id": "\(id)", "status": "\(status)",
         "code": {"coding": [{"system": "\(system)", "code": "\(code)"}]},
         "subject": \(subject)\(effective.isEmpty ? "" : ", " + effective)\(value.isEmpty ? "" : ", " + value)}
        """
    }

    static func entry(_ resource: String, _ fullUrl: String? = nil) -> String {
        (fullUrl.map { #"{"fullUrl": "\#($0)", "resource": "# } ?? #"{"resource": "#) + resource + "}"
    }

    /// Entry index → what it holds (the JSON paths in the tests count from this list).
    static let bundleEntries: [String] = [
        entry(#"""
            {"resourceType": "Patient", "id": "p1",
             "identifier": [{"system": "urn:mrn", "value": "MRN-1"}, {"system": "https://clinic.example/id", "value": "K-001"}],
             "name": [{"prefix": ["Ms"], "given": ["Ana"], "family": "Silva"}]}
            """#, "urn:uuid:p1"),  // 0
        entry(#"{"resourceType": "Practitioner", "id": "dr1", "name": [{"text": "Dr Jo Bloggs"}]}"#, "urn:uuid:dr1"),  // 1
        entry(pain("o1", value: #""valueQuantity": {"value": 3.5, "unit": "{score}"}"#)),  // 2 accepted
        entry(pain("o2", value: #""valueInteger": 12"#)),  // 3 outside 0–10
        entry(pain("o3", status: "entered-in-error", value: #""valueInteger": 2"#)),  // 4 status
        entry(pain("o4", subject: #"{"reference": "Patient/nobody"}"#, value: #""valueInteger": 2"#)),  // 5 unknown patient
        entry(pain("o5", effective: "", value: #""valueInteger": 2"#)),  // 6 no date
        entry(pain("o6", effective: #""effectivePeriod": {"start": "2026-03-03T09:56:00+00:00"}"#,
                   value: #""valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA10138-8"}]}"#)),  // 7 → 6
        entry(pain("o7", value: #""valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA9999-9"}]}"#)),  // 8
        entry(pain("o8", code: "38208-5", effective: #""effectiveDateTime": "2026-03-04""#, value: #""valueString": "4""#)),  // 9
        entry(pain("o9", code: "39156-5", value: #""valueQuantity": {"value": 24.1}"#)),  // 10 BMI: not a row
        entry(#"""
            {"resourceType": "Procedure", "id": "pr1", "status": "completed",
             "code": {"coding": [{"system": "http://snomed.info/sct", "code": "229065009", "display": "Exercise therapy"}]},
             "subject": {"reference": "urn:uuid:p1"},
             "performedPeriod": {"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T08:25:00+01:00"}}
            """#),  // 11 accepted, 25 min
        entry(#"""
            {"resourceType": "Procedure", "id": "pr2", "status": "in-progress",
             "code": {"coding": [{"system": "http://snomed.info/sct", "code": "229065009"}]},
             "subject": {"reference": "urn:uuid:p1"}, "performedDateTime": "2026-03-05"}
            """#),  // 12 status
        entry(#"""
            {"resourceType": "CarePlan", "id": "cp1", "status": "active", "intent": "plan",
             "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "91251008"}]}],
             "subject": {"reference": "urn:uuid:p1"}, "period": {"start": "2026-02-23"},
             "author": {"reference": "urn:uuid:dr1"},
             "activity": [{"detail": {"status": "in-progress",
                "scheduledTiming": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "wk"}}}}]}
            """#),  // 13
        entry(#"{"resourceType": "Claim", "id": "c1"}"#),  // 14
    ]

    static let bundle = #"{"resourceType": "Bundle", "type": "transaction", "entry": ["# + "\n"
        + bundleEntries.joined(separator: ",\n") + "\n]}\n"

    static let manifest = """
        {"transactionTime": "2026-03-06T10:00:00Z", "request": "https://fhir.example/$export", "requiresAccessToken": false,
         "output": [{"type": "Patient", "url": "https://fhir.example/files/Patient.ndjson"},
                    {"type": "Observation", "url": "https://fhir.example/files/Observation.ndjson"}],
         "error": []}
        """

    static let patients = #"{"resourceType": "Patient", "id": "p2", "name": [{"text": "Bo Berg"}]}"# + "\n"

    /// Line 1 repeats the Bundle's o1 (a duplicate), line 2 is new, line 3 is not JSON, line 4 blank.
    static let observations = [
        pain("o1", value: #""valueQuantity": {"value": 3.5, "unit": "{score}"}"#),
        pain("b1", subject: #"{"reference": "Patient/p2"}"#, value: #""valueInteger": 7"#),
        #"{"resourceType": "Observation", "id": "#,
        "",
    ].map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n") + "\n"

    /// Writes the Bundle as `bundle.json` and the export into `bulk/`; returns the paths in reading order.
    static func write(in folder: TemporaryFolder) throws -> [String] {
        try folder.write("bundle.json", bundle)
        try folder.write("bulk/manifest.json", manifest)
        try folder.write("bulk/Observation.ndjson", observations)
        try folder.write("bulk/Patient.ndjson", patients)
        return try discoverInputs([folder.path + "/bundle.json", folder.path + "/bulk"])
    }
}

@Suite struct FHIRReaderTests {
    @Test func bundleAndBulkExportBalanceAndCountDuplicatesAcrossThem() throws {
        let folder = try TemporaryFolder()
        let paths = try FHIRFixtures.write(in: folder)
        let (result, entries) = try importLogs(paths)
        let byName = Dictionary(uniqueKeysWithValues: result.inputs.map { (($0.path as NSString).lastPathComponent, $0) })
        for input in result.inputs { #expect(input.counts.isBalanced, "\(input.path)") }
        #expect(result.totals.isBalanced)
        #expect(byName["bundle.json"]?.format == .fhir)
        #expect(byName["bundle.json"]?.counts == RowCounts(rowsRead: 10, rowsAccepted: 4, rowsRejected: 6))
        #expect(byName["Observation.ndjson"]?.counts == RowCounts(rowsRead: 3, rowsAccepted: 1, rowsRejected: 1, rowsDuplicate: 1))
        #expect(byName["Patient.ndjson"]?.counts == RowCounts())
        #expect(byName["manifest.json"]?.counts == RowCounts())
        #expect(byName["manifest.json"]?.warnings.first == "FHIR Bulk Data manifest listing 2 files")
        #expect(byName["bundle.json"]?.ignoredResources == [
            .init(type: "Observation (other codes)", count: 1), .init(type: "Claim", count: 1),
        ])
        // Accepted rows: pain on the date as written, the exercise session with its length.
        let pains = entries.filter { $0.pain != nil }.map { "\($0.patientID) \($0.date) \($0.pain ?? -1)" }
        #expect(pains == ["MRN-1 2026-03-02 3.5", "MRN-1 2026-03-03 6.0", "MRN-1 2026-03-04 4.0", "p2 2026-03-02 7.0"])
        let sessions = entries.filter { !$0.isCheckIn }
        #expect(sessions.map(\.exercise) == ["Exercise therapy"])
        #expect(sessions.first?.durationMin == 25)
        // Roster facts from the CarePlan, the clinician from the Practitioner, names from the Patients.
        let roster = try #require(result.roster["MRN-1"])
        #expect(roster.displayName == "Ms Ana Silva")
        #expect(roster.clinician == "Dr Jo Bloggs")
        #expect(roster.programStart == CalendarDate(iso: "2026-02-23"))
        #expect(roster.sessionsPerWeek == 3)
        #expect(result.roster["p2"]?.displayName == "Bo Berg")
    }

    /// Each rejection names the file, the line of the resource, the JSON path and the reason.
    @Test(arguments: [
        (3, "entry[3].resource.valueInteger", "12", "pain 12 is outside 0–10"),
        (4, "entry[4].resource.status", "entered-in-error",
         "status entered-in-error: only final, amended or corrected are used"),
        (5, "entry[5].resource.subject.reference", "Patient/nobody", "unknown patient reference Patient/nobody"),
        (6, "entry[6].resource.effective[x]", "", "no date"),
        (8, "entry[8].resource.valueCodeableConcept", "http://loinc.org|LA9999-9",
         "pain answer http://loinc.org|LA9999-9 is not on LOINC's 0–10 answer list for 72514-3"),
        (12, "entry[12].resource.status", "in-progress", "status in-progress: only completed procedures are sessions"),
    ])
    func rejectionsCarryPathAndReason(entry: Int, column: String, value: String, reason: String) throws {
        let folder = try TemporaryFolder()
        let paths = try FHIRFixtures.write(in: folder)
        let result = try CaseloadImporter().run(logs: paths, roster: nil)
        let row = try #require(result.rejected.first { $0.column == column }, "no rejection at \(column)")
        #expect(row.file == paths[0])
        #expect(row.value == value)
        #expect(row.reason == reason)
        // The line where the entry (and its resource) starts: line 1 opens the Bundle, one entry a line or more.
        let line = 2 + FHIRFixtures.bundleEntries.prefix(entry).reduce(0) { $0 + $1.filter { $0 == "\n" }.count + 1 }
        #expect(row.line == line)
    }

    /// One resource on line 2 of an NDJSON file after its Patient: what becomes of it.
    @Test(arguments: [
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "225908003"}]}, "subject": {"reference": "Patient/p1"}, "effectiveInstant": "2026-03-02T07:30:00Z", "valueString": "abc"}"#,
         "valueString", "abc", "pain abc is not a number"),
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-03-02", "dataAbsentReason": {"coding": [{"code": "asked-declined"}]}}"#,
         "dataAbsentReason", "asked-declined", "no pain value (dataAbsentReason asked-declined)"),
        (#"{"resourceType": "Observation", "id": "x", "status": "preliminary", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-03-02", "valueInteger": 3}"#,
         "status", "preliminary", "status preliminary: only final, amended or corrected are used"),
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "effectiveDateTime": "2026-03-02", "valueInteger": 3}"#,
         "subject", "", "no patient (subject has no reference or identifier)"),
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-02-30", "valueInteger": 3}"#,
         "effectiveDateTime", "2026-02-30", "date 2026-02-30 does not exist"),
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-03-02", "valueQuantity": {"value": -1}}"#,
         "valueQuantity.value", "-1", "pain -1 is outside 0–10"),
        (#"{"resourceType": "Observation", "id": "x", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"identifier": {"system": "urn:x", "value": "Z9"}}, "effectiveDateTime": "2026-03-02", "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "24028007"}]}}"#,
         "valueCodeableConcept", "http://snomed.info/sct|24028007",
         "pain answer http://snomed.info/sct|24028007 is not on LOINC's 0–10 answer list for 72514-3"),
        (#"{"resourceType": "Procedure", "id": "x", "status": "completed", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "229065009"}]}, "subject": {"reference": "Patient/p1"}, "performedPeriod": {"start": "2026-03-02T09:00:00+01:00", "end": "2026-03-02T08:00:00+01:00"}}"#,
         "performedPeriod.end", "2026-03-02T08:00:00+01:00", "performedPeriod ends before it starts"),
        (#"{"resourceType": "Procedure", "id": "x", "status": "completed", "code": {"coding": [{"system": "http://snomed.info/sct", "code": "229065009"}]}, "subject": {"reference": "Patient/p1"}}"#,
         "performed[x]", "", "no date"),
        (#"{"id": "x"}"#, "resourceType", "", "not a FHIR resource (no resourceType)"),
    ])
    func oneResourceRejected(line: String, column: String, value: String, reason: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.ndjson", #"{"resourceType": "Patient", "id": "p1"}"# + "\n" + line + "\n")
        let result = try CaseloadImporter().run(logs: [path], roster: nil)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsRejected: 1))
        let row = try #require(result.rejected.first)
        #expect(row.line == 2)
        #expect(row.column == column)
        #expect(row.value == value)
        #expect(row.reason == reason)
    }

    @Test(arguments: [
        (#""effectiveDateTime": "2026-03-02T23:30:00-05:00", "valueInteger": 4"#, "2026-03-02", 4.0),
        (#""effectivePeriod": {"start": "2026-03-03T09:56:00+00:00", "end": "2026-03-03T09:57:00+00:00"}, "valueString": " 2.5 ""#, "2026-03-03", 2.5),
        (#""effectiveInstant": "2026-03-04T00:10:00.123Z", "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA13942-0"}]}"#, "2026-03-04", 10),
        (#""effectiveDateTime": "2026-03-05", "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6111-4"}]}"#, "2026-03-05", 0),
    ])
    func onePainObservationAccepted(fields: String, date: String, pain: Double) throws {
        let folder = try TemporaryFolder()
        let observation = #"{"resourceType": "Observation", "id": "x", "status": "amended", "#
            + #""code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "#
            + fields + "}"
        let path = try folder.write("x.ndjson", #"{"resourceType": "Patient", "id": "p1"}"# + "\n" + observation + "\n")
        let (result, entries) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        #expect(entries.map(\.date.isoString) == [date])
        #expect(entries.map(\.pain) == [pain])
        #expect(entries.map(\.patientID) == ["p1"])
    }

    /// A CarePlan without an author takes its clinician from the first Practitioner of its CareTeam;
    /// a second plan that disagrees gives one warning.
    @Test func clinicianFromTheCareTeamAndOneWarningForLaterPlans() throws {
        let folder = try TemporaryFolder()
        let lines = [
            #"{"resourceType": "Patient", "id": "p1"}"#,
            #"{"resourceType": "Practitioner", "id": "d1", "name": [{"prefix": ["Dr."], "given": ["Amy"], "family": "Berg"}]}"#,
            #"{"resourceType": "CareTeam", "id": "t1", "participant": [{"member": {"reference": "Patient/p1"}}, {"member": {"reference": "Practitioner/d1"}}]}"#,
            #"{"resourceType": "CarePlan", "id": "c1", "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "91251008"}]}], "status": "completed", "subject": {"reference": "Patient/p1"}, "careTeam": [{"reference": "CareTeam/t1"}], "period": {"start": "2026-01-05", "end": "2026-03-01"}}"#,
            #"{"resourceType": "CarePlan", "id": "c2", "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "91251008"}]}], "status": "active", "subject": {"reference": "Patient/p1"}, "period": {"start": "2026-02-01"}}"#,
            #"{"resourceType": "CarePlan", "id": "c3", "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "91251008"}]}], "status": "draft", "subject": {"reference": "Patient/p1"}, "period": {"start": "2026-02-02"}}"#,
            FHIRFixtures.pain("o1", subject: #"{"reference": "Patient/p1"}"#, value: #""valueInteger": 1"#).replacingOccurrences(of: "\n", with: " "),
        ]
        let path = try folder.write("x.ndjson", lines.joined(separator: "\n"))
        let result = try CaseloadImporter().run(logs: [path], roster: nil)
        let entry = try #require(result.roster["p1"])
        #expect(entry.clinician == "Dr. Amy Berg")
        #expect(entry.programStart == CalendarDate(iso: "2026-01-05"))
        #expect(entry.dischargeDate == CalendarDate(iso: "2026-03-01"))
        #expect(result.inputs[0].warnings == [
            "patient p1: 1 later CarePlan/EpisodeOfCare resources give another programme start than CarePlan line 4, whose are kept",
            "resources not read as rows: CarePlan (status draft) 1",
        ])
    }

    @Test func aPatientNothingCanReferToIsCountedNotLost() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.ndjson", #"{"resourceType": "Patient", "name": [{"text": "Nobody"}]}"# + "\n")
        let result = try CaseloadImporter().run(logs: [path], roster: nil)
        #expect(result.inputs[0].ignoredResources == [.init(type: "Patient (no id or identifier)", count: 1)])
        #expect(result.totals == RowCounts())
    }

    /// Sharded runs (issue 17) over FHIR inputs add up to the whole: counts per file, patients,
    /// rejected rows and roster entries, duplicates across the Bundle and the Bulk export included.
    @Test(arguments: [2, 3])
    func shardsAddUpToTheWhole(count: Int) throws {
        let folder = try TemporaryFolder()
        let paths = try FHIRFixtures.write(in: folder)
        let whole = try CaseloadImporter().run(logs: paths, roster: nil)
        var counts = [RowCounts](repeating: RowCounts(), count: paths.count)
        var patients: [String] = []
        var rejected = 0
        var roster: [String: RosterEntry] = [:]
        for index in 0..<count {
            let part = try CaseloadImporter().run(logs: paths, roster: nil, selection: .shard(index, of: count))
            for (i, input) in part.inputs.enumerated() { counts[i] = counts[i] + input.counts }
            patients += part.builder.records(roster: part.roster).map(\.patientID)
            rejected += part.rejected.count
            roster.merge(part.roster) { first, _ in first }
        }
        #expect(counts == whole.inputs.map(\.counts))
        #expect(patients.sorted() == whole.builder.records(roster: whole.roster).map(\.patientID).sorted())
        #expect(rejected == whole.rejected.count)
        #expect(roster == whole.roster)
    }

    @Test func anInvalidNDJSONLineIsARejectedRowWithItsLine() throws {
        let folder = try TemporaryFolder()
        let paths = try FHIRFixtures.write(in: folder)
        let result = try CaseloadImporter().run(logs: paths, roster: nil)
        let row = try #require(result.rejected.first { $0.file.hasSuffix("Observation.ndjson") })
        #expect(row.line == 3)
        #expect(row.reason.hasPrefix("the line is not valid JSON"))
    }

    /// The patient ID: the configured identifier system's value, else the first identifier, else the id.
    @Test(arguments: [
        (nil as String?, "MRN-1"), ("https://clinic.example/id", "K-001"), ("urn:mrn", "MRN-1"), ("urn:other", "MRN-1"),
    ])
    func patientIDFollowsTheConfiguredIdentifierSystem(system: String?, expected: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bundle.json", FHIRFixtures.bundle)
        let options = ImportOptions(fhir: FHIROptions(patientIdentifierSystem: system))
        let result = try CaseloadImporter(options: options).run(logs: [path], roster: nil)
        #expect(result.builder.records(roster: result.roster).map(\.patientID) == [expected])
    }

    @Test func theRosterFileWinsWithAWarningNamingThePatient() throws {
        let folder = try TemporaryFolder()
        let bundle = try folder.write("bundle.json", FHIRFixtures.bundle)
        let roster = try folder.write("roster.csv", "patient_id,clinician,program_start\nMRN-1,Dr Other,\n")
        let result = try CaseloadImporter().run(logs: [bundle], roster: roster)
        let entry = try #require(result.roster["MRN-1"])
        #expect(entry.clinician == "Dr Other")
        #expect(entry.programStart == CalendarDate(iso: "2026-02-23"), "a fact the roster leaves empty comes from FHIR")
        #expect(entry.displayName == "Ms Ana Silva")
        let warnings = result.inputs.first { $0.path == bundle }?.warnings ?? []
        #expect(warnings.contains("patient MRN-1: the roster file's clinician is used, not this file's"))
    }

    @Test func aBulkExportReadAloneResolvesPatientsWhateverTheFileOrder() throws {
        let folder = try TemporaryFolder()
        try folder.write("bulk/manifest.json", FHIRFixtures.manifest)
        try folder.write("bulk/Observation.ndjson", FHIRFixtures.observations)
        try folder.write("bulk/Patient.ndjson", FHIRFixtures.patients)
        let result = try CaseloadImporter().run(logs: try discoverInputs([folder.path + "/bulk"]), roster: nil)
        // o1 refers to urn:uuid:p1, a Bundle entry this export does not hold; b1 finds Patient/p2 in a later file.
        #expect(result.rejected.map(\.reason).contains("unknown patient reference urn:uuid:p1"))
        #expect(result.totals == RowCounts(rowsRead: 3, rowsAccepted: 1, rowsRejected: 2))
    }

    @Test(arguments: [
        (#"{"resourceType": "Bundle", "entry": []}"#, "x.json", FHIRFileKind.resources as FHIRFileKind?),
        (#"{"meta": {"a": [1, {"resourceType": 2}]}, "resourceType": "Observation"}"#, "x.json", .resources),
        (#"{"patient": {"id": "P1", "resourceType": "no"}, "sessions": []}"#, "x.json", nil),
        (#"[{"patient": {"id": "P1"}}]"#, "x.json", nil),
        (#"{"tool": "caseload", "version": "1"}"#, "manifest.json", .reportManifest),
        (FHIRFixtures.manifest, "manifest.json", .bulkManifest([("Patient", "Patient.ndjson"), ("Observation", "Observation.ndjson")])),
        ("\n" + #"{"resourceType": "Patient", "id": "a"}"# + "\n", "x.ndjson", .ndjson),
        (#"{"exportId": "e", "eventId": "kickoff"}"# + "\n", "log.ndjson", .bulkLog),
        (#"{"patient": {"id": "P1"}, "sessions": []}"# + "\n", "x.ndjson", nil),
        ("patient_id,date\n", "x.csv", nil),
    ])
    func detectionByContent(text: String, name: String, expected: FHIRFileKind?) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(name, text)
        #expect(FHIRDirectory.classify([path])[path] == expected)
    }

    @Test func aCaseloadReportManifestInALogFolderIsSkippedWithANote() throws {
        let folder = try TemporaryFolder()
        try folder.write("in/manifest.json", #"{"tool": "caseload", "inputs": []}"#)
        try folder.write("in/log.csv", "patient_id,date,pain\nP1,2026-03-02,3\n")
        let result = try CaseloadImporter().run(logs: try discoverInputs([folder.path + "/in"]), roster: nil)
        let manifest = try #require(result.inputs.first { $0.path.hasSuffix("manifest.json") })
        #expect(manifest.counts == RowCounts())
        #expect(manifest.warnings == ["skipped: the manifest.json of a caseload report, not a log"])
        #expect(result.totals.rowsAccepted == 1)
    }

    @Test(arguments: [
        (#"{"frequency": 3, "period": 1, "periodUnit": "wk"}"#, 3.0 as Double?),
        (#"{"frequency": 1, "period": 1, "periodUnit": "d"}"#, 7),
        (#"{"frequency": 2, "period": 2, "periodUnit": "d"}"#, 7),
        (#"{"frequency": 1, "periodUnit": "mo"}"#, nil),
        (#"{"frequency": 30, "period": 1, "periodUnit": "wk"}"#, nil),
    ])
    func sessionsPerWeekFromTiming(json: String, expected: Double?) throws {
        var parser = JSONParser(bytes: Array(json.utf8))
        let node = try parser.parseValue(depth: 0)
        #expect(FHIRReader.sessionsPerWeek(node) == expected)
    }

    @Test(arguments: [
        ("Patient/123", "Patient/123"), ("https://fhir.example/r4/Patient/123", "Patient/123"),
        ("Patient/123/_history/2", "Patient/123"), ("urn:uuid:abc", "urn:uuid:abc"),
    ])
    func referenceKeys(reference: String, key: String) {
        #expect(FHIRDirectory.key(reference) == key)
    }
}

/// The FHIR corpora of ../shared/corpora/fhir: Synthea transaction Bundles and a Bulk Data Patient file.
@Suite(.enabled(if: Corpora.available, Corpora.skipped)) struct FHIRCorpusTests {
    /// Pain Observations (LOINC 72514-3) per Bundle, counted from the files (all `final`, values 0–10).
    static let painObservations: [String: Int] = [
        "bulk-data-server-r4-bundles/Chad_Pfeffer_1c911236-e7da-42a6-a3bd-3a3b4e55d5cd.json": 33,
        "bulk-data-server-r4-bundles/Fannie_Pacocha_e26c4cc1-8769-4a0a-9dbe-51f428e81da2.json": 18,
        "bulk-data-server-r4-bundles/María_Teresa_Carrasquillo_221fe1ec-a258-4fc4-8cc8-b7c960a8a0a9.json": 13,
        "bulk-data-server-r4-bundles/Nina_Legros_6e4c37f3-964b-4e10-ab13-c208efc30e71.json": 12,
        "bulk-data-server-r4-bundles/Shantae_Lakin_a61b8a23-1183-427b-be31-7799f00f26b3.json": 21,
        "bulk-data-server-r4-bundles/Wenona_Cormier_fabfe789-b8b6-45ae-ad04-f43bb2d5c342.json": 59,
        "synthea-bundles-more/Bradly_Douglas_18468941-bdaf-42a0-8648-cba7cafc27ce.json": 40,
        "synthea-bundles-more/Harland_DuBuque_64e50922-047c-4b7a-9a9e-75c85ff2144f.json": 44,
        "synthea-bundles-more/Hernán_Heredia_e254b2a8-2545-4507-8424-f99197587031.json": 15,
        "synthea-bundles-more/Rashad_Blick_02eec74f-fe10-4bca-8727-ffc526380414.json": 19,
        "synthea-bundles-more/Werner_Funk_88980c97-df54-464c-9fd9-ba079f2f1d98.json": 30,
    ]

    @Test func everyBundleBalancesAndItsPainObservationsAreRows() throws {
        let root = Corpora.root.appendingPathComponent("fhir").path
        let paths = try discoverInputs([root + "/bulk-data-server-r4-bundles", root + "/synthea-bundles-more"])
        let result = try CaseloadImporter().run(logs: paths, roster: nil)
        #expect(result.totals.isBalanced)
        for input in result.inputs {
            let relative = String(input.path.dropFirst(root.count + 1))
            #expect(input.format == .fhir, "\(relative)")
            #expect(input.counts.isBalanced, "\(relative)")
            #expect(input.counts.rowsRead == Self.painObservations[relative] ?? 0, "\(relative)")
            #expect(input.counts.rowsRejected == 0, "\(relative): \(result.rejected.filter { $0.file == input.path }.prefix(3))")
        }
        #expect(result.totals.rowsRead == 304)
        // 11 patients: one per Bundle (the practitioner Bundle has none).
        let records = result.builder.records(roster: result.roster)
        #expect(records.count == 11)
        // Non-integer Synthea values are kept: Bradly Douglas's first score, 2011-05-06.
        let bradly = try #require(records.first { $0.patientID == "18468941-bdaf-42a0-8648-cba7cafc27ce" })
        let day = try #require(bradly.days.first { $0.date == CalendarDate(iso: "2011-05-06") })
        #expect(abs((day.pain ?? -1) - 0.059874385741699676) < 1e-12)
        #expect(result.roster["18468941-bdaf-42a0-8648-cba7cafc27ce"]?.displayName?.contains("Douglas") == true)
        // Nina Legros has two CarePlans: hyperlipidemia (736285004, 2011) and musculoskeletal care
        // (408869004, 2015). Only the second is the exercise programme's: its start, and its CareTeam
        // (patient, practitioner, organisation) gives the clinician.
        let nina = try #require(result.roster["6e4c37f3-964b-4e10-ab13-c208efc30e71"])
        #expect(nina.programStart == CalendarDate(iso: "2015-07-11"))
        #expect(nina.clinician == "Dr. Jessenia Aufderhar")
        let ninaWarnings = result.inputs.first { $0.path.contains("Nina_Legros") }?.warnings ?? []
        #expect(!ninaWarnings.contains { $0.contains("later CarePlan") }, "\(ninaWarnings)")
        #expect(ninaWarnings.contains { $0.contains("CarePlan (not the exercise programme) 1") }, "\(ninaWarnings)")
        // Chad Pfeffer's diabetes plan (698360004) lists "Exercise therapy" among its activities; its
        // category keeps it out, so no plan gives him a programme start.
        #expect(result.roster["1c911236-e7da-42a6-a3bd-3a3b4e55d5cd"]?.programStart == nil)
        // Fannie Pacocha's physical therapy plan (91251008, 2018-04-29 … 2018-05-27, completed) is hers.
        let fannie = try #require(result.roster["e26c4cc1-8769-4a0a-9dbe-51f428e81da2"])
        #expect(fannie.programStart == CalendarDate(iso: "2018-04-29"))
        #expect(fannie.dischargeDate == CalendarDate(iso: "2018-05-27"))
        let ignored = result.inputs.flatMap(\.ignoredResources)
        #expect(ignored.contains { $0.type == "Claim" })
    }

    @Test func theBulkPatientFileHoldsNoRowsAndItsExportLogIsSkipped() throws {
        let folder = Corpora.root.appendingPathComponent("fhir/ndjson-sample-bulk-10-patients").path
        let paths = try discoverInputs([folder])
        let kinds = FHIRDirectory.classify(paths)
        #expect(kinds[folder + "/Patient.000.ndjson"] == .ndjson)
        #expect(kinds[folder + "/log.ndjson"] == .bulkLog)
        let result = try CaseloadImporter().run(logs: paths, roster: nil)
        #expect(result.totals == RowCounts())
        let directory = try CaseloadImporter().fhirDirectory(of: paths, kinds: kinds)
        #expect(directory.patientOrder.count == 13)
    }
}
