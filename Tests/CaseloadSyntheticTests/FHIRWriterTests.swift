import CaseloadModel
import Foundation
import Testing

@testable import CaseloadSynthetic

/// The FHIR rendering of a synthetic caseload: the files, their determinism and their shape.
/// (Read back by the FHIR reader in `CaseloadImportTests/FHIRRoundTripTests`.)
@Suite struct FHIRWriterTests {
    static let config = SyntheticConfig(patients: 16, days: 42, seed: 9, auditData: true, idPrefix: "F")

    @Test(arguments: [false, true])
    func theSameConfigurationWritesTheSameBytes(bulk: Bool) throws {
        let (a, b) = (temporaryDirectory() + "-a", temporaryDirectory() + "-b")
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let first = try SyntheticCaseload.writeFHIR(Self.config, to: a, bulk: bulk)
        let second = try SyntheticCaseload.writeFHIR(Self.config, to: b, bulk: bulk)
        #expect(first.map { ($0 as NSString).lastPathComponent } == second.map { ($0 as NSString).lastPathComponent })
        for (x, y) in zip(first, second) {
            #expect(FileManager.default.contentsEqual(atPath: x, andPath: y), "\(x)")
        }
        let names = first.map { ($0 as NSString).lastPathComponent }
        if bulk {
            #expect(names == ["manifest.json", "Patient.ndjson", "Practitioner.ndjson", "CarePlan.ndjson",
                              "Observation.ndjson", "Procedure.ndjson", "README.md", "caseload.toml"])
        } else {
            #expect(names.first == "F0001.json" && names.count == 16 + 2)
        }
    }

    /// Every NDJSON line is one JSON object (Foundation's parser, independent of the code under
    /// test) with `resourceType` and `id`; ids are unique per type; the README lists every patient.
    @Test func bulkLinesAreResourcesWithUniqueIDs() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticCaseload.writeFHIR(Self.config, to: dir, bulk: true)
        for type in SyntheticCaseload.bulkTypes {
            let text = try String(contentsOfFile: dir + "/\(type).ndjson", encoding: .utf8)
            var ids: Set<String> = []
            for line in text.split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["resourceType"] as? String == type)
                let id = try #require(object["id"] as? String)
                #expect(ids.insert(id).inserted, "\(type)/\(id) twice")
            }
            #expect(!ids.isEmpty, "\(type).ndjson is empty")
        }
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))) as? [String: Any])
        let outputs = try #require(manifest["output"] as? [[String: String]])
        #expect(outputs.map { $0["type"] } == SyntheticCaseload.bulkTypes)
        let readme = try String(contentsOfFile: dir + "/README.md", encoding: .utf8)
        for p in SyntheticCaseload.patients(Self.config) { #expect(readme.contains("| \(p.patientID) |")) }
        #expect(!readme.contains("high_exercise_pain |"), "pain during exercise is not written, so not expected")
        let toml = try String(contentsOfFile: dir + "/caseload.toml", encoding: .utf8)
        #expect(toml.contains("readiness_test_codes = \"\(SyntheticFHIRCodes.localSystem)|readiness-test\""))
    }

    /// A Bundle's references all point at its own entries (`urn:uuid:`), each full URL once.
    @Test func bundleReferencesResolveInsideTheBundle() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try SyntheticCaseload.writeFHIR(Self.config, to: dir, bulk: false)
        let bundle = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths[0]))) as? [String: Any])
        #expect(bundle["type"] as? String == "transaction")
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        let urls = entries.compactMap { $0["fullUrl"] as? String }
        #expect(Set(urls).count == urls.count && urls.allSatisfy { $0.hasPrefix("urn:uuid:") })
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, v) in object {
                    if key == "reference", let ref = v as? String { references.append(ref) } else { collect(v) }
                }
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(entries.map { $0["resource"] as Any })
        #expect(!references.isEmpty)
        #expect(references.allSatisfy { urls.contains($0) }, "\(references.filter { !urls.contains($0) }.prefix(3))")
    }

    @Test func uuidsAreStableAndShaped() {
        let a = SyntheticCaseload.uuid("Patient/pat-P0001")
        #expect(a == SyntheticCaseload.uuid("Patient/pat-P0001"))
        #expect(a != SyntheticCaseload.uuid("Patient/pat-P0002"))
        let groups = a.split(separator: "-").map(\.count)
        #expect(groups == [8, 4, 4, 4, 12])
        #expect(a.split(separator: "-")[2].first == "4")
    }

    @Test func theIDPrefixNamesEveryPatient() {
        #expect(SyntheticCaseload.patients(Self.config).allSatisfy { $0.patientID.hasPrefix("F") && $0.patientID.count == 5 })
        #expect(SyntheticConfig.isValidPrefix("F") && !SyntheticConfig.isValidPrefix("") && !SyntheticConfig.isValidPrefix("P1"))
    }
}
