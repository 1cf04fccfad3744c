import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The FHIR Shorthand (FSH) sources of `../shared/corpora/real-exports` are not JSON: these tests
/// take their facts (codes, values, units, dates, the shape of a panel) at test time and write the
/// project's own JSON fixtures from them, so the reader meets what those guides and payers send
/// without any of their text entering the repository.
@Suite(.enabled(if: Corpora.available, Corpora.skipped)) struct FHIRCorpusFactsTests {
    /// One FSH `Instance:` block: its name, profile, and `* path = value` rules in order.
    struct Instance {
        var name: String
        var profile: String
        var rules: [(path: String, value: String)] = []

        func value(_ path: String) -> String? { rules.first { $0.path == path }?.value }
        func values(_ path: String) -> [String] { rules.filter { $0.path == path }.map(\.value) }
    }

    /// The instances of an FSH file (rules indented under a parent are joined with a dot).
    static func instances(_ file: String) throws -> [Instance] {
        let text = String(decoding: try Corpora.bytes("real-exports/" + file), as: UTF8.self)
        var out: [Instance] = []
        var parent = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("Instance:") {
                out.append(Instance(name: line.dropFirst(9).trimmingCharacters(in: .whitespaces), profile: ""))
                continue
            }
            guard !out.isEmpty else { continue }
            if line.hasPrefix("InstanceOf:") {
                out[out.count - 1].profile = line.dropFirst(11).trimmingCharacters(in: .whitespaces)
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("* ") else { continue }
            let indented = line.hasPrefix("  ")
            let rule = trimmed.dropFirst(2)
            // `path = value`; a path may hold `[=]`, so split at the first ` = `.
            let parts = rule.range(of: " = ").map {
                [rule[..<$0.lowerBound], rule[$0.upperBound...]].map { $0.trimmingCharacters(in: .whitespaces) }
            } ?? [rule.trimmingCharacters(in: .whitespaces)]
            if parts.count == 1 {
                if !indented { parent = parts[0] }
                continue
            }
            let path = indented ? parent + "." + parts[0] : parts[0]
            if !indented { parent = parts[0] }
            out[out.count - 1].rules.append((path, parts[1]))
        }
        return out
    }

    /// `$loinc#55411-3 "Exercise duration"` → (`http://loinc.org`, `55411-3`, display).
    static func coding(_ fsh: String) -> (system: String, code: String, display: String?)? {
        let aliases = ["$loinc": "http://loinc.org", "$snomed": "http://snomed.info/sct"]
        guard let hash = fsh.firstIndex(of: "#") else { return nil }
        let alias = String(fsh[..<hash]).trimmingCharacters(in: .whitespaces)
        let rest = fsh[fsh.index(after: hash)...]
        let code = String(rest.prefix { !$0.isWhitespace && $0 != "\"" })
        let display = rest.split(separator: "\"").dropFirst().first.map(String.init)
        return (aliases[alias] ?? alias, code, display)
    }

    static func json(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

    static func codingJSON(_ c: (system: String, code: String, display: String?)) -> String {
        #"{"system": \#(json(c.system)), "code": \#(json(c.code))"# + (c.display.map { #", "display": \#(json($0))"# } ?? "") + "}"
    }

    static func unquote(_ s: String) -> String { s.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }

    // MARK: HL7 Physical Activity IG

    /// The IG's example Observations as JSON: the duration and activity measures and the activity
    /// group (whose code its profile fixes: `PAPanel`) are sessions; the exercise vital signs and
    /// time measures are other codes.
    @Test func physicalActivityExamplesBecomeSessions() throws {
        let examples = try Self.instances("hl7-physical-activity-ig/ExampleObservations_2023-05.fsh")
        #expect(examples.count >= 10)
        // The group's code is fixed by its profile: read it from the profile's FSH.
        let profiles = String(decoding: try Corpora.bytes("real-exports/hl7-physical-activity-ig/ObservationExerciseSupport.fsh"), as: UTF8.self)
        #expect(profiles.contains("* code = PATemporaryCodes#PAPanel"))
        var lines = [#"{"resourceType": "Patient", "id": "1"}"#]
        for (i, e) in examples.enumerated() {
            var fields = [#""resourceType": "Observation""#, #""id": \#(Self.json(e.name))"#, #""status": "final""#,
                          #""subject": {"reference": "http://example.org/Patient/1"}"#]
            if let code = e.value("code").flatMap(Self.coding) {
                fields.append(#""code": {"coding": [\#(Self.codingJSON(code))]}"#)
            } else if e.profile == "PAObservationActivityGroup" {
                fields.append(#""code": {"coding": [{"system": "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes", "code": "PAPanel"}]}"#)
            } else {
                fields.append(#""code": {"coding": [{"system": "http://loinc.org", "code": "evs-\#(i)"}]}"#)  // fixed by a profile not read here
            }
            if let date = e.value("effectiveDateTime") { fields.append(#""effectiveDateTime": \#(Self.json(Self.unquote(date)))"#) }
            if let start = e.value("effectivePeriod.start") {
                fields.append(#""effectivePeriod": {"start": \#(Self.json(Self.unquote(start)))}"#)
            }
            if let quantity = e.value("valueQuantity") {
                // `45 'min'` or `3 'd/wk' "days per week"`.
                let number = String(quantity.prefix { !$0.isWhitespace })
                let unit = quantity.split(separator: "'").dropFirst().first.map(String.init) ?? ""
                fields.append(#""valueQuantity": {"value": \#(number), "system": "http://unitsofmeasure.org", "code": \#(Self.json(unit))}"#)
            }
            if let concept = e.value("valueCodeableConcept").flatMap(Self.coding) {
                fields.append(#""valueCodeableConcept": {"coding": [\#(Self.codingJSON(concept))]}"#)
            }
            let members = e.values("hasMember[+]").compactMap { $0.split(separator: "(").dropFirst().first?.dropLast() }
            if !members.isEmpty {
                fields.append(#""hasMember": ["# + members.map { #"{"reference": "Observation/\#($0)"}"# }.joined(separator: ", ") + "]")
            }
            lines.append("{" + fields.joined(separator: ", ") + "}")
        }
        let folder = try TemporaryFolder()
        let path = try folder.write("pa-ig.ndjson", lines.joined(separator: "\n") + "\n")
        let (result, entries) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 3, rowsAccepted: 3), "\(result.rejected)")
        #expect(entries.compactMap(\.exercise).sorted() == ["Exercise duration", "Physical activity panel", "Running"])
        #expect(entries.compactMap(\.durationMin) == [45])
        #expect(Set(entries.map(\.date.isoString)) == ["2022-06-08"])
        #expect(result.inputs[0].ignoredResources == [.init(type: "Observation (other codes)", count: examples.count - 3)])
        let day = try #require(result.builder.records().first?.days.first)
        #expect(day.isSessionDay && day.minutes == 45)
    }

    // MARK: HL7 Belgium pain Observation variants

    /// The three variants as JSON: 72514-3 with the LOINC answer LA10138-8 is pain 6 on its period's
    /// start; a SNOMED CT body-site pain finding as the code (shoulder 45326000, abdomen 21522001)
    /// is not a 0–10 score code, whatever its answer, so it is counted, not read.
    @Test func painVariantsAreReadOrCounted() throws {
        let files = [
            "example-shoulder-pain_2024-loinc72514-3.fsh", "example-shoulder-pain_HEAD.fsh", "example-abdominal-pain.fsh",
        ]
        var lines: [String] = []
        var identifiers: Set<String> = []
        for (i, file) in files.enumerated() {
            let e = try #require(try Self.instances("fhir-pain-observation-variants/" + file).first)
            let code = try #require(e.value("code").flatMap(Self.coding))
            let answer = try #require(e.value("valueCodeableConcept").flatMap(Self.coding))
            let patient = Self.unquote(try #require(e.value("subject.identifier.value")))
            identifiers.insert(patient)
            let start = Self.unquote(try #require(e.value("effectivePeriod.start")))
            let end = Self.unquote(try #require(e.value("effectivePeriod.end")))
            lines.append(#"{"resourceType": "Observation", "id": "v\#(i)", "status": \#(Self.json(Self.unquote(e.value("status")?.replacingOccurrences(of: "#", with: "") ?? "")))"#
                + #", "code": {"coding": [\#(Self.codingJSON(code))]}, "subject": {"identifier": {"system": "urn:tmp", "value": \#(Self.json(patient))}}"#
                + #", "effectivePeriod": {"start": \#(Self.json(start)), "end": \#(Self.json(end))}"#
                + #", "valueCodeableConcept": {"coding": [\#(Self.codingJSON(answer))]}}"#)
        }
        #expect(identifiers.count == 1)
        let folder = try TemporaryFolder()
        let path = try folder.write("variants.ndjson", lines.joined(separator: "\n") + "\n")
        let (result, entries) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 1, rowsAccepted: 1), "\(result.rejected)")
        #expect(entries.map(\.pain) == [6])
        #expect(entries.map(\.date.isoString) == ["2024-11-15"])
        #expect(entries.map(\.patientID) == Array(identifiers))
        #expect(result.inputs[0].ignoredResources == [.init(type: "Observation (other codes)", count: 2)])
    }

    // MARK: ACC New Zealand ICP PROMs

    /// ACC's KOOS measurements as JSON, read as KOOS-PF once a clinic lists the code (ACC sends
    /// overall KOOS; which instrument a code is, is the clinic's call): the baseline example's
    /// `valueInteger` 101 is outside 0–100 and the exit example has `dataAbsentReason` `not-tested`,
    /// so both are rejected, saying why; an in-range copy of the baseline is a score.
    @Test func accPROMMeasurementsAreScoresOrRejected() throws {
        let baseline = try #require(try Self.instances("acc-nz-icp-prom/measurement-prom.fsh").first)
        let absent = try #require(try Self.instances("acc-nz-icp-prom/measurement-prom-data-absent.fsh").first)
        let system = try #require(baseline.value("code.coding[+].system"))  // an alias: its URL is not in the corpus
        let code = Self.unquote(try #require(baseline.value("code.coding[=].code"))).replacingOccurrences(of: "#", with: "")
        #expect(code == "koos")
        let value = try #require(baseline.value("valueInteger"))
        #expect(value == "101")
        let absentCode = try #require(absent.value("dataAbsentReason.coding[=].code")).replacingOccurrences(of: "#", with: "")
        func observation(_ id: String, _ date: String, _ valueField: String) -> String {
            #"{"resourceType": "Observation", "id": "\#(id)", "status": "final", "code": {"coding": [{"system": \#(Self.json(system)), "code": "koos"}]}"#
                + #", "subject": {"identifier": {"value": "AB12345"}}, "effectiveDateTime": \#(Self.json(Self.unquote(date))), \#(valueField)}"#
        }
        let date = try #require(baseline.value("effectiveDateTime"))
        let lines = [
            observation("base", date, #""valueInteger": \#(value)"#),
            observation("exit", try #require(absent.value("effectiveDateTime")), #""dataAbsentReason": {"coding": [{"code": "\#(absentCode)"}]}"#),
            observation("fixed", "2023-08-10", #""valueInteger": 61"#),
        ]
        let folder = try TemporaryFolder()
        let path = try folder.write("acc.ndjson", lines.joined(separator: "\n") + "\n")
        let (result, _) = try importLogs([path], options: ImportOptions(fhir: FHIROptions(koosPFCodes: ["\(system)|koos"])))
        #expect(result.totals == RowCounts(rowsRead: 3, rowsAccepted: 1, rowsRejected: 2))
        #expect(result.rejected.map(\.reason) == [
            "score 101 is outside koos_pf's range 0–100", "no score value (dataAbsentReason not-tested)",
        ])
        #expect(result.proms == [PROMScore(patientID: "AB12345", date: day("2023-08-10"), instrument: .koosPF, score: 61)])
        // Without the code listed, ACC's KOOS is not read as anything.
        let (unlisted, _) = try importLogs([path])
        #expect(unlisted.totals == RowCounts())
    }
}
