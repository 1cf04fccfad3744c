import Crypto
import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// Keyed tokens for patient IDs; names, notes and free-text rejected values dropped.
@Suite struct PseudonymizerTests {
    static let key = Data((0..<32).map { UInt8($0) })
    static let otherKey = Data((0..<32).map { UInt8(255 - $0) })

    /// The expected token computed independently of the type: HMAC-SHA256 via swift-crypto, first 8 bytes in hex.
    static func expectedToken(_ id: String, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: SymmetricKey(data: key))
        return "p-" + Data(mac).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: ["P001", "Anna-Lena 7", "", "ünïcødé-id"])
    func tokenIsTheTruncatedHMAC(id: String) throws {
        let p = try Pseudonymizer(key: Self.key)
        let token = p.token(for: id)
        #expect(token == Self.expectedToken(id, key: Self.key))
        #expect(token.count == 18)
        #expect(token == p.token(for: id), "stable for one key")
        #expect(token != (try Pseudonymizer(key: Self.otherKey)).token(for: id), "differs with another key")
    }

    /// RFC 4231 test case 2 (key "Jefe" is too short for us, so case 6's 131-byte key): the
    /// HMAC-SHA256 of "Test Using Larger Than Block-Size Key - Hash Key First" starts 60e43159 1ee0b67f.
    @Test func tokenMatchesTheRFC4231Vector() throws {
        let p = try Pseudonymizer(key: Data(repeating: 0xAA, count: 131))
        #expect(p.token(for: "Test Using Larger Than Block-Size Key - Hash Key First") == "p-60e431591ee0b67f")
    }

    @Test(arguments: [0, 1, 16, 31])
    func shortKeysAreRefusedNamingTheFile(length: Int) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("short.key", [UInt8](repeating: 7, count: length))
        let error = try #require(throws: ImportError.self) { try Pseudonymizer(keyFile: path) }
        #expect(error.file == path)
        #expect(error.reason.contains("\(length) bytes"))
        #expect(throws: ImportError.self) { try Pseudonymizer(key: Data(repeating: 7, count: length)) }
    }

    @Test func missingKeyFileIsNamed() throws {
        let error = try #require(throws: ImportError.self) { try Pseudonymizer(keyFile: "/no/such/key") }
        #expect(error.file == "/no/such/key")
    }

    @Test func keyFileBytesAreTheKey() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("good.key", Array(Self.key))
        #expect(try Pseudonymizer(keyFile: path).token(for: "P001") == Self.expectedToken("P001", key: Self.key))
    }

    /// An import with identifiers everywhere they can stand.
    static func sample() -> ImportResult {
        var builder = CaseloadBuilder()
        let day = CalendarDate(year: 2026, month: 3, day: 2)!
        builder.add(LogEntry(patientID: "ANNA-01", date: day, exercise: "Wall sit", durationMin: 5, pain: 3))
        builder.add(LogEntry(patientID: "ANNA-01", date: day.adding(days: 1), pain: 2))
        builder.add(LogEntry(patientID: "BORIS-02", date: day, exercise: "Clamshell", pain: 4, readiness: .fail))
        let roster = [
            "ANNA-01": RosterEntry(patientID: "ANNA-01", clinician: "Dr A", displayName: "Anna Smith", sessionsPerWeek: 3),
            "CARL-03": RosterEntry(patientID: "CARL-03", clinician: "Dr B", displayName: "Carl Jones"),
        ]
        let rejected = [
            RejectedRow(file: "log.csv", line: 2, patientID: "ANNA-01", column: "pain", value: "11",
                        reason: "pain 11 is not from 0 to 10"),
            RejectedRow(file: "log.csv", line: 3, patientID: "BORIS-02", column: "notes", value: "call Boris at home",
                        reason: "notes 'call Boris at home' too long"),
            RejectedRow(file: "roster.csv", line: 4, patientID: "CARL-03", column: "patient_id", value: "CARL-03",
                        reason: "patient CARL-03 is already on the roster at line 3"),
            RejectedRow(file: "log.csv", line: 5, patientID: nil, column: "patient_id", value: " DORA-04 ",
                        reason: "no date"),
            RejectedRow(file: "roster.csv", line: 6, patientID: "CARL-03", column: "display_name", value: "Carl Jones",
                        reason: "bad display_name Carl Jones"),
            RejectedRow(file: "log.ndjson", line: 7, patientID: nil, column: "", value: "{\"id\": \"EVE-05\"",
                        reason: "the line is not valid JSON: unexpected end (column 16)"),
            RejectedRow(file: "log.csv", line: 8, patientID: "ANNA-01", column: "pain", value: "Anna Smith",
                        reason: "pain 'Anna Smith' is not a number"),
            RejectedRow(file: "log.json", line: 9, patientID: "BORIS-02", column: "sessions[0].exercises[1].pain_during",
                        value: "twelve", reason: "pain_during twelve is not a number"),
        ]
        let inputs = [
            InputSummary(path: "log.json", sha256: "", bytes: 0, format: .json,
                         warnings: ["patient BORIS-02 (line 4): program_start x is not a date; ignored"])
        ]
        return ImportResult(builder: builder, roster: roster, inputs: inputs, rejected: rejected)
    }

    @Test func everyIdentifierIsReplacedOrDropped() throws {
        let p = try Pseudonymizer(key: Self.key)
        let out = try p.pseudonymize(Self.sample())
        let t = { Self.expectedToken($0, key: Self.key) }

        let records = out.builder.records(roster: out.roster)
        #expect(Set(records.map(\.patientID)) == [t("ANNA-01"), t("BORIS-02"), t("CARL-03")])
        let anna = try #require(records.first { $0.patientID == t("ANNA-01") })
        #expect(anna.days.count == 2)
        #expect(anna.days[0].minutes == 5)
        #expect(anna.roster?.clinician == "Dr A")
        #expect(anna.roster?.sessionsPerWeek == 3)
        #expect(anna.roster?.displayName == nil)
        let boris = try #require(records.first { $0.patientID == t("BORIS-02") })
        #expect(boris.days[0].readinessFailures == 1, "readiness outcomes survive the re-keying")
        #expect(out.roster.values.allSatisfy { $0.displayName == nil })

        let rows = out.rejected
        #expect(rows.map(\.patientID) == [t("ANNA-01"), t("BORIS-02"), t("CARL-03"), nil, t("CARL-03"), nil,
                                          t("ANNA-01"), t("BORIS-02")])
        #expect(rows.map(\.value) == ["11", "", t("CARL-03"), t("DORA-04"), "", "", "", ""])
        #expect(rows[7].reason == "pain_during [removed] is not a number", "free text in a number column is dropped")
        #expect(rows[1].reason == "notes '[removed]' too long")
        #expect(rows[2].reason == "patient \(t("CARL-03")) is already on the roster at line 3")
        #expect(rows[4].reason == "bad display_name [removed]")
        #expect(rows[6].reason == "pain '[removed]' is not a number", "a known name in a numeric column is dropped")
        #expect(out.inputs[0].warnings == ["patient \(t("BORIS-02")) (line 4): program_start x is not a date; ignored"])

        // Nothing left anywhere in the result's text.
        let text = "\(out.rejected) \(out.roster) \(out.inputs) \(records.map(\.patientID))"
        for secret in ["ANNA", "BORIS", "CARL", "DORA", "EVE", "Anna Smith", "Carl Jones", "call Boris"] {
            #expect(!text.contains(secret), "\(secret) survived")
        }
    }

    /// With one hex digit (16 tokens), 17 patients must collide: the run stops instead of merging them.
    @Test func collisionIsAnError() throws {
        var p = try Pseudonymizer(key: Self.key)
        p.tokenDigits = 1
        var builder = CaseloadBuilder()
        for i in 0..<17 {
            builder.add(LogEntry(patientID: "P\(i)", date: CalendarDate(year: 2026, month: 3, day: 2)!, pain: 1))
        }
        let error = try #require(throws: ImportError.self) { try p.pseudonymize(ImportResult(builder: builder)) }
        #expect(error.reason.contains("get the same token"))
        p.tokenDigits = 16
        #expect(try p.pseudonymize(ImportResult(builder: builder)).builder.patientCount == 17)
    }

    /// Regression: IDs were replaced as substrings, so patient `1` turned `pain 11` into token soup.
    @Test func shortIDsAreReplacedAsWholeWordsOnly() throws {
        var builder = CaseloadBuilder()
        builder.add(LogEntry(patientID: "1", date: CalendarDate(year: 2026, month: 3, day: 2)!, pain: 1))
        let rows = [
            RejectedRow(file: "log.csv", line: 2, patientID: "1", column: "pain", value: "11",
                        reason: "pain 11 is outside 0–10"),
            RejectedRow(file: "roster.csv", line: 3, patientID: "1", column: "patient_id", value: "1",
                        reason: "patient 1 is already on the roster at line 2"),
            RejectedRow(file: "log.csv", line: 4, patientID: "1", column: "session_id", value: "0",
                        reason: "session '0' clashes with line 10"),
        ]
        let out = try Pseudonymizer(key: Self.key).pseudonymize(ImportResult(builder: builder, rejected: rows))
        let t = Self.expectedToken("1", key: Self.key)
        #expect(out.rejected.map(\.reason) == [
            "pain 11 is outside 0–10", "patient \(t) is already on the roster at line 2",
            "session '[removed]' clashes with line 10",
        ])
        #expect(out.rejected.map(\.value) == ["11", t, ""])
    }

    /// Review findings: an ID holding spaces stood unreplaced in reasons and warnings, and free text
    /// typed into a number or date column was kept.
    @Test func idsWithSpacesAndFreeTextInNumericColumnsDoNotSurvive() throws {
        var builder = CaseloadBuilder()
        builder.add(LogEntry(patientID: "Jane Doe", date: CalendarDate(year: 2026, month: 3, day: 2)!, pain: 1))
        let rows = [
            RejectedRow(file: "roster.csv", line: 3, patientID: "Jane Doe", column: "patient_id", value: "Jane Doe",
                        reason: "patient Jane Doe is already on the roster at line 2"),
            RejectedRow(file: "log.csv", line: 4, patientID: "Jane Doe", column: "pain", value: "call Jane Roe on 555-0199",
                        reason: "pain call Jane Roe on 555-0199 is not a number"),
            RejectedRow(file: "log.csv", line: 5, patientID: "Jane Doe", column: "date", value: "2026-02-30",
                        reason: "date 2026-02-30 does not exist"),
            RejectedRow(file: "log.csv", line: 6, patientID: "Jane Doe", column: "pain", value: "Jane Doer",
                        reason: "pain Jane Doer is not a number"),
        ]
        let inputs = [InputSummary(path: "log.json", sha256: "", bytes: 0, format: .json,
                                   warnings: ["patient Jane Doe (line 1): program_start x is not a date; ignored"])]
        let out = try Pseudonymizer(key: Self.key).pseudonymize(
            ImportResult(builder: builder, inputs: inputs, rejected: rows))
        let t = Self.expectedToken("Jane Doe", key: Self.key)
        #expect(out.rejected.map(\.reason) == [
            "patient \(t) is already on the roster at line 2", "pain [removed] is not a number",
            "date 2026-02-30 does not exist", "pain [removed] is not a number",
        ])
        #expect(out.rejected.map(\.value) == [t, "", "2026-02-30", ""])
        #expect(out.inputs[0].warnings == ["patient \(t) (line 1): program_start x is not a date; ignored"])
    }

    @Test func rowCountsAreUnchanged() throws {
        var sample = Self.sample()
        sample.totals = RowCounts(rowsRead: 10, rowsAccepted: 2, rowsRejected: 8)
        let out = try Pseudonymizer(key: Self.key).pseudonymize(sample)
        #expect(out.totals == sample.totals)
        #expect(out.rejected.count == sample.rejected.count)
    }
}
