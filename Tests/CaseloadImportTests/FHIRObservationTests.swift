import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The project's own one-resource fixtures for what FHIR carries besides pain: the Physical Activity
/// IG's exercise Observations, symptom findings, PROM Observations and QuestionnaireResponses, the
/// pain unit, the CarePlan filter, plain arrays of resources and the NDJSON reading on all cores.
/// Facts taken from public material (codes, units, shapes; never its text): the Physical Activity
/// IG's examples (55411-3 `45 'min'`, 73985-4 `LA11836-6` "Running", a panel with `hasMember`), the
/// ACC NZ ICP PROM examples (KOOS as `valueInteger`, a baseline of 101, `dataAbsentReason`
/// `not-tested`), and the KOOS JR QuestionnaireResponse shape (a decimal total score item).
@Suite struct FHIRObservationTests {
    static let patient = #"{"resourceType": "Patient", "id": "p1"}"#

    /// An Observation of patient p1 on 2026-03-02 with `code` (system|code) and the value fields.
    static func observation(_ code: String, _ value: String, status: String = "final", id: String = "x") -> String {
        let parts = code.split(separator: "|", maxSplits: 1).map(String.init)
        return #"{"resourceType": "Observation", "id": "\#(id)", "status": "\#(status)", "#
            + #""code": {"coding": [{"system": "\#(parts[0])", "code": "\#(parts[1])"}]}, "#
            + #""subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-03-02T07:30:00+01:00""#
            + (value.isEmpty ? "" : ", " + value) + "}"
    }

    /// Imports `lines` after the Patient line as one NDJSON file.
    static func run(_ lines: [String], options: FHIROptions = FHIROptions()) throws -> (ImportResult, [LogEntry]) {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.ndjson", ([patient] + lines).joined(separator: "\n") + "\n")
        return try importLogs([path], options: ImportOptions(fhir: options))
    }

    static let local = "https://clinic.example/codes"
    static let configured = FHIROptions(
        readinessTestCodes: ["\(local)|readiness"], koosPFCodes: ["\(local)|koos-pf"], akpsCodes: ["\(local)|akps"],
        koosPFQuestionnaires: ["https://clinic.example/Questionnaire/koos-pf"])

    // MARK: Exercise sessions

    @Test(arguments: [
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": 45, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"}"#,
         "Exercise duration", 45.0 as Double?),
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": 1.5, "unit": "h", "system": "http://unitsofmeasure.org", "code": "h"}"#,
         "Exercise duration", 90),
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": 30, "code": "s"}"#, "Exercise duration", 0.5),
        ("http://loinc.org|73985-4", #""valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA11836-6", "display": "Running"}]}"#,
         "Running", nil),
        ("http://loinc.org|73985-4", #""valueCodeableConcept": {"text": "Step-downs"}"#, "Step-downs", nil),
        ("http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes|PAPanel",
         #""hasMember": [{"reference": "Observation/a"}, {"reference": "Observation/b"}]"#, "Physical activity panel", nil),
        ("http://hl7.org/fhir/us/physical-activity/CodeSystem/temporary-codes|ExercisePanel", "", "Physical activity panel", nil),
    ])
    func physicalActivityObservationsAreSessions(code: String, value: String, name: String, minutes: Double?) throws {
        let (result, entries) = try Self.run([Self.observation(code, value)])
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        #expect(entries.map(\.exercise) == [name])
        #expect(entries.map(\.durationMin) == [minutes])
        #expect(entries.map(\.date.isoString) == ["2026-03-02"])
        // A session day: adherence counts it.
        let days = result.builder.records().first?.days ?? []
        #expect(days.map(\.isSessionDay) == [true])
    }

    /// A panel and its members fold into one session day, their minutes those of the duration.
    @Test func aPanelAndItsMembersAreOneSessionDay() throws {
        let lines = [
            Self.observation("http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes|PAPanel",
                             #""hasMember": [{"reference": "Observation/d"}, {"reference": "Observation/a"}]"#, id: "panel"),
            Self.observation("http://loinc.org|55411-3", #""valueQuantity": {"value": 45, "code": "min"}"#, id: "d"),
            Self.observation("http://loinc.org|73985-4", #""valueCodeableConcept": {"text": "Running"}"#, id: "a"),
        ]
        let (result, _) = try Self.run(lines)
        #expect(result.totals == RowCounts(rowsRead: 3, rowsAccepted: 3))
        let day = try #require(result.builder.records().first?.days.first)
        #expect(day.isSessionDay)
        #expect(day.minutes == 45)
        #expect(day.rowsWithDuration == 1)
    }

    @Test(arguments: [
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": 300, "unit": "kcal", "code": "kcal"}"#,
         "valueQuantity.code", "kcal", "exercise duration in kcal is not a time (min, h or s)"),
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": 45}"#,
         "valueQuantity.code", "", "exercise duration without a unit (min, h or s)"),
        ("http://loinc.org|55411-3", #""valueQuantity": {"value": -5, "code": "min"}"#,
         "valueQuantity.value", "-5", "duration_min -5 is negative"),
        ("http://loinc.org|55411-3", #""valueInteger": 45"#, "valueInteger", "…", "exercise duration as valueInteger is not a Quantity"),
        ("http://loinc.org|73985-4", "", "value[x]", "", "no exercise activity value"),
    ])
    func badExerciseObservationsAreRejected(code: String, value: String, column: String, shown: String, reason: String) throws {
        let (result, _) = try Self.run([Self.observation(code, value)])
        #expect(result.totals == RowCounts(rowsRead: 1, rowsRejected: 1))
        let row = try #require(result.rejected.first)
        #expect(row.line == 2)
        #expect(row.column == column)
        #expect(row.value == shown)
        #expect(row.reason == reason)
        #expect(row.patientID == "p1")
    }

    // MARK: Symptoms

    @Test(arguments: [
        ("http://snomed.info/sct|36163009", #""valueBoolean": true"#, "night", "yes"),
        ("http://snomed.info/sct|36163009", #""valueString": "no""#, "night", "no"),
        ("http://snomed.info/sct|299322007", #""valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "373066001"}]}"#, "swelling", "yes"),
        ("http://snomed.info/sct|299322007", #""valueCodeableConcept": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0136", "code": "N"}]}"#, "swelling", "no"),
        ("https://clinic.example/codes|readiness", #""valueString": "FAIL""#, "readiness", "fail"),
        ("https://clinic.example/codes|readiness", #""valueBoolean": true"#, "readiness", "pass"),
        ("https://clinic.example/codes|readiness", #""valueCodeableConcept": {"text": "pass"}"#, "readiness", "pass"),
        ("https://clinic.example/codes|readiness",
         #""valueCodeableConcept": {"coding": [{"system": "https://clinic.example/codes", "code": "f"}], "text": "Fail"}"#, "readiness", "fail"),
        ("https://clinic.example/codes|readiness",
         #""valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "373067005"}], "text": "not passed"}"#, "readiness", "fail"),
    ])
    func symptomFindingsAreCheckIns(code: String, value: String, symptom: String, expected: String) throws {
        let (result, entries) = try Self.run([Self.observation(code, value)], options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        let entry = try #require(entries.first)
        #expect(entry.isCheckIn)
        switch symptom {
        case "night": #expect(entry.nightPain == (expected == "yes"))
        case "swelling": #expect(entry.swelling == (expected == "yes"))
        default: #expect(entry.readiness?.rawValue == expected)
        }
        let day = try #require(result.builder.records().first?.days.first)
        #expect(day.readinessFailures == (symptom == "readiness" && expected == "fail" ? 1 : 0))
    }

    @Test(arguments: [
        ("http://snomed.info/sct|299322007", #""valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "24028007"}]}"#,
         "valueCodeableConcept", "http://snomed.info/sct|24028007", "swelling answer http://snomed.info/sct|24028007 is not a yes/no code"),
        ("http://snomed.info/sct|36163009", #""valueInteger": 1"#, "valueInteger", "…", "night pain as valueInteger is not yes or no"),
        ("http://snomed.info/sct|36163009", #""valueBoolean": "yes""#, "valueBoolean", "yes", "night pain is not true or false"),
        ("https://clinic.example/codes|readiness", #""valueString": "maybe""#, "valueString", "maybe", "readiness_test maybe is not pass/fail"),
        ("http://snomed.info/sct|299322007", #""dataAbsentReason": {"coding": [{"code": "asked-unknown"}]}"#,
         "dataAbsentReason", "asked-unknown", "no swelling value (dataAbsentReason asked-unknown)"),
    ])
    func badSymptomFindingsAreRejected(code: String, value: String, column: String, shown: String, reason: String) throws {
        let (result, _) = try Self.run([Self.observation(code, value)], options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsRejected: 1))
        let row = try #require(result.rejected.first)
        #expect(row.column == column)
        #expect(row.value == shown)
        #expect(row.reason == reason)
    }

    /// The readiness test has no standard code: without `readiness_test_codes` its Observations are
    /// counted as other codes, not read.
    @Test func aReadinessTestWithoutAConfiguredCodeIsCountedNotRead() throws {
        let (result, _) = try Self.run([Self.observation("https://clinic.example/codes|readiness", #""valueString": "fail""#)])
        #expect(result.totals == RowCounts())
        #expect(result.inputs[0].ignoredResources == [.init(type: "Observation (other codes)", count: 1)])
    }

    // MARK: Pain unit

    @Test(arguments: [
        (#""valueQuantity": {"value": 6, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}"#, nil as String?),
        (#""valueQuantity": {"value": 6, "unit": "score"}"#, nil),
        (#""valueQuantity": {"value": 6, "code": "1"}"#, nil),
        (#""valueQuantity": {"value": 6}"#, nil),
        (#""valueQuantity": {"value": 35, "unit": "mm", "system": "http://unitsofmeasure.org", "code": "mm"}"#,
         "pain in mm is not a 0–10 score (unit {score}, or none)"),
        (#""valueQuantity": {"value": 6, "unit": "%"}"#, "pain in % is not a 0–10 score (unit {score}, or none)"),
    ])
    func painUnitsAreChecked(value: String, reason: String?) throws {
        let (result, entries) = try Self.run([Self.observation("http://loinc.org|72514-3", value)])
        if let reason {
            #expect(result.rejected.map(\.reason) == [reason])
            #expect(result.rejected.first?.column.hasPrefix("valueQuantity.") == true)
        } else {
            #expect(result.rejected.isEmpty)
            #expect(entries.map(\.pain) == [6])
        }
    }

    // MARK: PROMs

    @Test(arguments: [
        ("https://clinic.example/codes|koos-pf", #""valueInteger": 47"#, PROMInstrument.koosPF, 47.0),
        ("https://clinic.example/codes|akps", #""valueQuantity": {"value": 72.5, "unit": "{score}"}"#, .akps, 72.5),
        ("https://clinic.example/codes|akps", #""valueString": "80""#, .akps, 80),
    ])
    func promObservationsAreScores(code: String, value: String, instrument: PROMInstrument, score: Double) throws {
        let (result, entries) = try Self.run([Self.observation(code, value)], options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        #expect(entries.isEmpty, "a PROM score is not a log row")
        #expect(result.proms == [PROMScore(patientID: "p1", date: day("2026-03-02"), instrument: instrument, score: score)])
        #expect(result.latestDate == nil, "PROM dates do not move the review date")
    }

    /// ACC NZ's ICP PROM facts: KOOS as `valueInteger` (their baseline example holds 101, outside
    /// KOOS's 0–100) and an exit measure with `dataAbsentReason` `not-tested`.
    @Test(arguments: [
        (#""valueInteger": 101"#, "valueInteger", "101", "score 101 is outside koos_pf's range 0–100"),
        (#""dataAbsentReason": {"coding": [{"code": "not-tested"}]}"#, "dataAbsentReason", "not-tested",
         "no score value (dataAbsentReason not-tested)"),
        (#""valueQuantity": {"value": 40, "unit": "%"}"#, "valueQuantity.unit", "%", "koos_pf in % is not a score (unit {score}, or none)"),
        (#""valueString": "good""#, "valueString", "good", "score good is not a number"),
    ])
    func badPROMObservationsAreRejected(value: String, column: String, shown: String, reason: String) throws {
        let (result, _) = try Self.run([Self.observation("https://clinic.example/codes|koos-pf", value)], options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsRejected: 1))
        let row = try #require(result.rejected.first)
        #expect(row.column == column)
        #expect(row.value == shown)
        #expect(row.reason == reason)
        #expect(result.proms.isEmpty)
    }

    /// As in a PROM file: the same score again is a duplicate, another one for that day and
    /// instrument is rejected naming the first; the resource repeated (same id) is a duplicate too.
    @Test func promScoresOfOneDayDuplicateOrClash() throws {
        let koos = "https://clinic.example/codes|koos-pf"
        let lines = [
            Self.observation(koos, #""valueInteger": 47"#, id: "k1"),
            Self.observation(koos, #""valueInteger": 47"#, id: "k2"),
            Self.observation(koos, #""valueInteger": 52"#, id: "k3"),
            Self.observation(koos, #""valueInteger": 47"#, id: "k1"),
        ]
        let (result, _) = try Self.run(lines, options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 4, rowsAccepted: 1, rowsRejected: 1, rowsDuplicate: 2))
        #expect(result.rejected.map(\.reason) == ["p1 already has a koos_pf score on 2026-03-02 at line 2"])
        #expect(result.rejected.first?.line == 4)
        #expect(result.proms.map(\.score) == [47])
    }

    static func response(_ items: String, status: String = "completed", questionnaire: String = "https://clinic.example/Questionnaire/koos-pf|2.0") -> String {
        #"{"resourceType": "QuestionnaireResponse", "id": "qr", "questionnaire": "\#(questionnaire)", "status": "\#(status)", "#
            + #""subject": {"reference": "Patient/p1"}, "authored": "2026-03-04T10:30:00Z", "item": \#(items)}"#
    }

    static let koosItems = #"[{"linkId": "q1", "answer": [{"valueCoding": {"code": "LA6568-5"}}]}, "#
        + #"{"linkId": "group", "item": [{"linkId": "total", "text": "Total score", "answer": [{"valueDecimal": 63.5}]}]}]"#

    @Test func aQuestionnaireResponseGivesItsTotalScore() throws {
        let (result, _) = try Self.run([Self.response(Self.koosItems)], options: Self.configured)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        #expect(result.proms == [PROMScore(patientID: "p1", date: day("2026-03-04"), instrument: .koosPF, score: 63.5)])
    }

    @Test(arguments: [
        // Two numeric answers and no linkId configured: which one is the score is not guessed.
        (#"[{"linkId": "a", "answer": [{"valueInteger": 3}]}, {"linkId": "total", "answer": [{"valueDecimal": 63.5}]}]"#,
         "completed", [String](), "item", "2 items with numeric answers: set [fhir] prom_score_link_ids to the score's linkId"),
        (#"[{"linkId": "a", "answer": [{"valueInteger": 3}]}]"#, "completed", ["total"], "item",
         "no item with linkId total (prom_score_link_ids)"),
        (Self.koosItems, "in-progress", [String](), "status", "status in-progress: only completed or amended responses are used"),
        (#"[{"linkId": "total", "answer": [{"valueDecimal": 163.5}]}]"#, "completed", [String](), "item[0].answer[0].valueDecimal",
         "score 163.5 is outside koos_pf's range 0–100"),
    ])
    func badQuestionnaireResponsesAreRejected(items: String, status: String, linkIDs: [String], column: String, reason: String) throws {
        var options = Self.configured
        options.promScoreLinkIDs = linkIDs
        let (result, _) = try Self.run([Self.response(items, status: status)], options: options)
        #expect(result.totals == RowCounts(rowsRead: 1, rowsRejected: 1))
        #expect(result.rejected.first?.column == column)
        #expect(result.rejected.first?.reason == reason)
    }

    @Test func theScoreItemIsChosenByLinkIdWhenConfigured() throws {
        var options = Self.configured
        options.promScoreLinkIDs = ["total"]
        let items = #"[{"linkId": "a", "answer": [{"valueInteger": 3}]}, {"linkId": "total", "answer": [{"valueDecimal": 63.5}]}]"#
        let (result, _) = try Self.run([Self.response(items)], options: options)
        #expect(result.proms.map(\.score) == [63.5])
    }

    @Test func otherQuestionnairesAreCountedNotRead() throws {
        let (result, _) = try Self.run(
            [Self.response(Self.koosItems, questionnaire: "http://example.org/fhir/Questionnaire/KOOSJRQuestionnaire")],
            options: Self.configured)
        #expect(result.totals == RowCounts())
        #expect(result.inputs[0].ignoredResources == [.init(type: "QuestionnaireResponse (other questionnaires)", count: 1)])
    }

    // MARK: CarePlan filter

    static func plan(category: String?, activity: String?) -> String {
        #"{"resourceType": "CarePlan", "id": "c", "status": "active", "intent": "plan", "subject": {"reference": "Patient/p1"}, "period": {"start": "2026-02-01"}"#
            + (category.map { #", "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "\#($0)"}]}]"# } ?? "")
            + (activity.map { #", "activity": [{"detail": {"code": {"coding": [{"system": "http://snomed.info/sct", "code": "\#($0)"}]}}}]"# } ?? "")
            + "}"
    }

    @Test(arguments: [
        ("91251008" as String?, nil as String?, true),  // physical therapy
        ("408869004", "386294003", true),  // musculoskeletal care, joint mobility exercises
        ("698360004", "229065009", false),  // Synthea's diabetes plan lists exercise therapy
        (nil, "229065009", true),  // no category: the activity decides
        (nil, "160670007", false),
        (nil, nil, false),
    ])
    func onlyTheExerciseProgrammesPlanGivesRosterFacts(category: String?, activity: String?, used: Bool) throws {
        let pain = FHIRFixtures.pain("o1", subject: #"{"reference": "Patient/p1"}"#, value: #""valueInteger": 1"#)
            .replacingOccurrences(of: "\n", with: " ")
        let (result, _) = try Self.run([Self.plan(category: category, activity: activity), pain])
        #expect((result.roster["p1"]?.programStart != nil) == used)
        let ignored = result.inputs[0].ignoredResources
        #expect(ignored.contains(.init(type: "CarePlan (not the exercise programme)", count: 1)) == !used)
    }

    // MARK: Files

    /// A `.json` holding a plain array of resources is FHIR; the paths count from the array.
    @Test func aPlainArrayOfResourcesIsFHIR() throws {
        let folder = try TemporaryFolder()
        let text = "[\n" + Self.patient + ",\n"
            + Self.observation("http://loinc.org|72514-3", #""valueInteger": 4"#, id: "a") + ",\n"
            + Self.observation("http://loinc.org|72514-3", #""valueInteger": 14"#, id: "b") + "\n]\n"
        let path = try folder.write("export.json", text)
        #expect(FHIRDirectory.classify([path])[path] == .resources)
        let (result, entries) = try importLogs([path])
        #expect(result.inputs[0].format == .fhir)
        #expect(entries.map(\.pain) == [4])
        #expect(result.rejected.map(\.column) == ["[2].valueInteger"])
        #expect(result.rejected.map(\.line) == [4])
    }

    /// The NDJSON reading on all cores gives what one pass gives, whatever the batch size: every
    /// row, rejection, warning, ignored count and roster fact, in the same order.
    @Test(arguments: [(1, 1), (1, 3), (200, 2), (4096, 8)])
    func ndjsonBatchesReadAsOnePass(batchBytes: Int, atOnce: Int) throws {
        let folder = try TemporaryFolder()
        let paths = try FHIRFixtures.write(in: folder)
        var lines = [Self.patient, Self.plan(category: "91251008", activity: nil)]
        for i in 0..<60 {
            let d = String(format: "2026-03-%02d", i % 28 + 1)
            lines.append(Self.observation("http://loinc.org|72514-3", #""valueInteger": \#(i % 12)"#, id: "o\(i % 50)")
                .replacingOccurrences(of: "2026-03-02", with: d))
            if i % 7 == 0 { lines.append("{not json") }
            if i % 9 == 0 { lines.append(#"{"resourceType": "Claim", "id": "c\#(i)"}"#) }
            if i % 11 == 0 { lines.append(Self.plan(category: "698360004", activity: "229065009")) }
        }
        let big = try folder.write("big.ndjson", lines.joined(separator: "\n") + "\n")
        let all = paths + [big]
        func read(_ bytes: Int, _ rounds: Int) throws -> (ImportState, [FHIRFileResult]) {
            let importer = CaseloadImporter()
            let kinds = FHIRDirectory.classify(all)
            let directory = try importer.fhirDirectory(of: all, kinds: kinds)
            var state = ImportState()
            var results: [FHIRFileResult] = []
            for path in all {
                guard let kind = kinds[path], kind.holdsResources else { continue }
                results.append(try importer.readFHIR(
                    path, kind: kind, directory: directory, state: &state, batchBytes: bytes, batchesAtOnce: rounds))
            }
            return (state, results)
        }
        let (reference, expected) = try read(1 << 30, 1)
        let (state, results) = try read(batchBytes, atOnce)
        #expect(results.map(\.summary) == expected.map(\.summary))
        #expect(results.map(\.roster) == expected.map(\.roster))
        #expect(state.rejected == reference.rejected)
        let (a, b) = (state.builder.records(), reference.builder.records())
        #expect(a.map(\.patientID) == b.map(\.patientID))
        #expect(a.map(\.days) == b.map(\.days))
        #expect(expected.last?.summary.counts.rowsRejected ?? 0 > 0)
    }
}
