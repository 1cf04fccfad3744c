import CaseloadModel
import Foundation
import Testing

@testable import CaseloadSynthetic

/// Reads a canonical record back into a row (test-side, independent of the writer but for the
/// column order, which is the field table's: `CanonicalCSV.columns`).
func entry(fromCanonical f: [String], decimalComma: Bool = false) -> LogEntry? {
    let columns = CanonicalCSV.columns
    guard f.count == columns.count else { return nil }
    func cell(_ name: String) -> String { columns.firstIndex(of: name).map { f[$0] } ?? "" }
    guard let date = CalendarDate(iso: cell("date")) else { return nil }
    func text(_ s: String) -> String? { s.isEmpty ? nil : s }
    func number(_ s: String) -> Double? { s.isEmpty ? nil : Double(decimalComma ? s.replacingOccurrences(of: ",", with: ".") : s) }
    func flag(_ s: String) -> Bool? { s == "yes" ? true : (s == "no" ? false : nil) }
    return LogEntry(
        patientID: cell("patient_id"), date: date, sessionID: text(cell("session_id")), exercise: text(cell("exercise")),
        category: ExerciseCategory(rawValue: cell("category")), level: Int(cell("level")), sets: Int(cell("sets")),
        reps: Int(cell("reps")), loadKg: number(cell("load_kg")), durationMin: number(cell("duration_min")),
        painDuring: number(cell("pain_during")), pain: number(cell("pain")), swelling: flag(cell("swelling")),
        nightPain: flag(cell("night_pain")), readiness: ReadinessResult(rawValue: cell("readiness_test")),
        notes: text(cell("notes")))
}

@Suite struct SyntheticWriterTests {
    static let config = SyntheticConfig(patients: 40, days: 56, seed: 17)

    @Test func sameConfigurationGivesIdenticalBytesAndAnotherSeedDoesNot() throws {
        let a = temporaryDirectory(), b = temporaryDirectory(), c = temporaryDirectory()
        let pathsA = try SyntheticCaseload.write(Self.config, to: a)
        let pathsB = try SyntheticCaseload.write(Self.config, to: b)
        var other = Self.config
        other.seed = 18
        let pathsC = try SyntheticCaseload.write(other, to: c)
        #expect(pathsA.map { ($0 as NSString).lastPathComponent } == ["roster.csv", "logs.csv", "logs.json", "README.md"])
        for (pa, pb) in zip(pathsA, pathsB) {
            let bytes = readBytes(pa)
            #expect(!bytes.isEmpty)
            #expect(bytes == readBytes(pb), "\(pa)")
        }
        #expect(readBytes(pathsA[1]) != readBytes(pathsC[1]))
        #expect(readBytes(pathsA[2]) != readBytes(pathsC[2]))
    }

    @Test func logsCSVParsesBackToTheGeneratedRows() throws {
        let dir = temporaryDirectory()
        let paths = try SyntheticCaseload.write(Self.config, to: dir)
        let records = RFC4180.parse(readBytes(paths[1]))
        #expect(records.first == CanonicalCSV.columns)
        let parsed = records.dropFirst().map { entry(fromCanonical: $0) }
        #expect(parsed.allSatisfy { $0 != nil })
        let patients = SyntheticCaseload.patients(Self.config)
        let expected = patients.filter { $0.logFormat == .csv }.flatMap {
            SyntheticCaseload.entries(for: $0, config: Self.config)
        }
        #expect(parsed.compactMap { $0 } == expected)
        #expect(expected.count > 1000)
        // No two rows of logs.csv are identical, so any duplicate an importer finds was planted.
        #expect(Set(records.dropFirst().map { $0.joined(separator: "\u{1F}") }).count == records.count - 1)
        // Notes with awkward characters occur and survive.
        #expect(expected.contains { ($0.notes ?? "").contains("\n") })
        #expect(expected.contains { ($0.notes ?? "").hasPrefix("=") || ($0.notes ?? "").hasPrefix("-") })
    }

    @Test func rosterListsEveryPatient() throws {
        let dir = temporaryDirectory()
        let paths = try SyntheticCaseload.write(Self.config, to: dir)
        let records = RFC4180.parse(readBytes(paths[0]))
        #expect(records.first == ["patient_id", "clinician", "display_name", "program_start", "sessions_per_week"])
        let patients = SyntheticCaseload.patients(Self.config)
        #expect(records.count == patients.count + 1)
        for (record, p) in zip(records.dropFirst(), patients) {
            #expect(record == [
                p.patientID, p.roster.clinician ?? "", p.roster.displayName ?? "", p.roster.programStart?.isoString ?? "",
                String(Int(p.roster.sessionsPerWeek)),
            ])
        }
        #expect(Set(records.dropFirst().map { $0[1] }).count == 3)
        #expect(records.contains { $0[2].contains(",") } || patients.allSatisfy { !($0.roster.displayName ?? "").contains(",") })
    }

    @Test func logsJSONHoldsTheJSONPatientsWithoutNulls() throws {
        let dir = temporaryDirectory()
        let paths = try SyntheticCaseload.write(Self.config, to: dir)
        let data = try #require(FileManager.default.contents(atPath: paths[2]))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let patients = SyntheticCaseload.patients(Self.config).filter { $0.logFormat == .json }
        #expect(!patients.isEmpty)
        #expect(root.count == patients.count)
        let sessionKeys: Set<String> = ["date", "readiness_test", "pain", "swelling", "night_pain", "exercises"]
        let exerciseKeys: Set<String> = [
            "name", "category", "level", "sets", "reps", "load_kg", "duration_min", "pain_during", "notes",
        ]
        for (object, p) in zip(root, patients) {
            let head = try #require(object["patient"] as? [String: Any])
            #expect(head["id"] as? String == p.patientID)
            #expect(head["clinician"] as? String == p.roster.clinician)
            #expect(head["program_start"] as? String == p.roster.programStart?.isoString)
            #expect((head["sessions_per_week"] as? NSNumber)?.doubleValue == p.roster.sessionsPerWeek)
            let sessions = try #require(object["sessions"] as? [[String: Any]])
            let rows = SyntheticCaseload.entries(for: p, config: Self.config)
            #expect(sessions.count == Set(rows.map { "\($0.date)|\($0.isCheckIn)" }).count)
            var exercises = 0
            for s in sessions {
                #expect(Set(s.keys).isSubset(of: sessionKeys))
                #expect(CalendarDate(iso: s["date"] as? String ?? "") != nil)
                let list = try #require(s["exercises"] as? [[String: Any]])
                exercises += list.count
                for e in list {
                    #expect(Set(e.keys).isSubset(of: exerciseKeys))
                    #expect(e["name"] is String)
                    #expect(!e.values.contains { $0 is NSNull })
                }
                #expect(!s.values.contains { $0 is NSNull })
            }
            #expect(exercises == rows.filter { !$0.isCheckIn }.count)
        }
    }

    @Test func readmeTabulatesEveryPatient() throws {
        let dir = temporaryDirectory()
        let paths = try SyntheticCaseload.write(Self.config, to: dir)
        let text = String(decoding: readBytes(paths[3]), as: UTF8.self)
        for p in SyntheticCaseload.patients(Self.config) {
            let reasons = p.expectedReasons.isEmpty ? "none" : p.expectedReasons.sorted().joined(separator: ", ")
            #expect(text.contains("| \(p.patientID) | \(p.roster.clinician ?? "") | \(p.logFormat.rawValue) | \(p.scenario.rawValue) | \(reasons) |"))
        }
    }

    @Test func noJSONShareWritesAnEmptyArray() throws {
        let dir = temporaryDirectory()
        let paths = try SyntheticCaseload.write(SyntheticConfig(patients: 5, seed: 1, jsonShare: 0), to: dir)
        #expect(String(decoding: readBytes(paths[2]), as: UTF8.self) == "[]\n")
    }

    @Test func unwritableFolderThrows() {
        #expect(throws: SyntheticError.self) {
            try SyntheticCaseload.write(Self.config, to: "/proc/caseload-synthetic-cannot-write")
        }
    }
}
