import Testing

@testable import CaseloadImport
@testable import CaseloadModel

@Suite struct JSONLogReaderTests {
    @Test func jsonArrayOfPatients() throws {
        let path = try Fixture.path("log.json")
        let (result, entries) = try importLogs([path])
        let input = try #require(result.inputs.first)
        #expect(input.format == .json)
        #expect(input.dialect == nil)
        // P01: two exercises + one check-in; patient 42: a check-in and two exercises, all invalid.
        #expect(input.counts == RowCounts(rowsRead: 6, rowsAccepted: 3, rowsRejected: 3))
        #expect(input.ignoredColumns == ["sessions[].mood"])
        let session = "2026-03-02T07:30:00+01:00"
        #expect(
            entries == [
                LogEntry(
                    patientID: "P01", date: day("2026-03-02"), secondsOfDay: 27_000, utcOffsetMinutes: 60,
                    sessionID: session, exercise: "Wall sit", category: .strength, level: 2, sets: 3, reps: 1,
                    durationMin: 5, painDuring: 2.5, pain: 2, swelling: false, readiness: .pass),
                LogEntry(
                    patientID: "P01", date: day("2026-03-02"), secondsOfDay: 27_000, utcOffsetMinutes: 60,
                    sessionID: session, exercise: "Clamshell", category: .activation, sets: 2, reps: 15, pain: 2,
                    swelling: false, readiness: .pass, notes: "left \"side\""),
                LogEntry(patientID: "P01", date: day("2026-03-03"), sessionID: "2026-03-03", pain: 3, nightPain: true),
            ])
        #expect(result.rejected.map(\.line) == [13, 14, 14])
        #expect(
            result.rejected.map(\.column) == [
                "sessions[0].pain", "sessions[1].exercises[0].sets", "sessions[1].exercises[1].pain_during",
            ])
        #expect(
            result.rejected.map(\.reason) == [
                "pain true is not a number", "sets three is not a number", "pain_during 11 is outside 0–10",
            ])
        #expect(result.rejected.allSatisfy { $0.patientID == "42" })
        #expect(
            result.roster == [
                "P01": RosterEntry(
                    patientID: "P01", clinician: "Dr J", programStart: day("2026-02-23"), sessionsPerWeek: 4)
            ])
    }

    @Test func rosterFileWinsOverJSONPatientDetails() throws {
        let (result, _) = try importLogs([try Fixture.path("log.json")], roster: try Fixture.path("roster.csv"))
        #expect(result.roster["P01"]?.clinician == "Dr A")
        #expect(result.roster["P01"]?.sessionsPerWeek == 3)
    }

    @Test func ndjsonLinesAreIndependent() throws {
        let path = try Fixture.path("log.ndjson")
        let (result, entries) = try importLogs([path])
        #expect(result.inputs.first?.format == .ndjson)
        #expect(result.totals == RowCounts(rowsRead: 4, rowsAccepted: 3, rowsRejected: 1))
        #expect(entries.map(\.patientID) == ["P05", "P05", "P06"])
        #expect(entries.map(\.exercise) == ["Bridge", nil, "Bridge"])
        let rejected = try #require(result.rejected.first)
        #expect(rejected.line == 4)
        #expect(
            rejected.reason
                == "the line is not valid JSON: the JSON ends before the object opened at line 4, column 41 is closed "
                + "(file truncated?) (column 50)")
    }

    @Test func ndjsonWithNoValidLineIsFatal() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.ndjson", "patient_id,date\nP1,2026-03-02\n")
        let error = try #require(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error.line == 1)
        #expect(error.column == 1)
    }

    @Test func wrongShapesAreRejectedRows() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "shapes.json",
            """
            [
            "just text",
            {"patient": {"id": "P1"}, "sessions": {"date": "2026-03-02"}},
            {"patient": {"id": "P1"}, "sessions": [7, {"date": "2026-03-02", "exercises": "Bridge"},
              {"date": "2026-03-02", "exercises": [null, {"name": true}, {"name": ["x"]}]}]},
            {"sessions": [{"date": "2026-03-02"}]},
            {"patient": {"id": "P1"}}
            ]
            """)
        let (result, entries) = try importLogs([path])
        #expect(entries.isEmpty)
        #expect(
            result.rejected.map(\.reason) == [
                "the value is not an object with patient and sessions",
                "sessions is not a list",
                "the session is not an object",
                "exercises is not a list",
                "the exercise is not an object",
                "exercise true is not text",
                "exercise is a list or object, not a value",
                "no patient_id",
            ])
        #expect(result.rejected.map(\.line) == [2, 3, 4, 4, 5, 5, 5, 6])
        #expect(
            result.rejected.map(\.column) == [
                "", "sessions", "sessions[0]", "sessions[1].exercises", "sessions[2].exercises[0]",
                "sessions[2].exercises[1].name", "sessions[2].exercises[2].name", "patient.id",
            ])
        #expect(result.totals == RowCounts(rowsRead: 8, rowsRejected: 8))
        #expect(result.inputs.first?.warnings == ["the object at line 7 has no sessions"])
    }

    /// A bad value is named by its JSON path: the session's keys for session values and check-ins,
    /// the exercise's for exercise values, whichever session and exercise it is in.
    @Test(arguments: [
        (#"{"date": "2026-03-02", "pain": 11}"#, "sessions[1].pain", "pain 11 is outside 0–10"),
        (#"{"date": "2026-13-02"}"#, "sessions[1].date", "date 2026-13-02 does not exist"),
        (#"{"date": "2026-03-02", "session_id": true}"#, "sessions[1].session_id", "session_id true is not text"),
        (#"{"date": "2026-03-02", "id": {"a": 1}}"#, "sessions[1].id", "session_id is a list or object, not a value"),
        (#"{"date": "2026-03-02", "notes": false}"#, "sessions[1].notes", "notes false is not text"),
        (#"{"date": "2026-03-02", "swelling": "maybe"}"#, "sessions[1].swelling", "swelling maybe is not yes/no"),
        (#"{"date": "2026-03-02", "exercises": [{"name": "Bridge"}, {"name": "Bridge", "notes": [1]}]}"#,
         "sessions[1].exercises[1].notes", "notes is a list or object, not a value"),
        (#"{"date": "2026-03-02", "exercises": [{"name": "Bridge", "reps": -2}]}"#,
         "sessions[1].exercises[0].reps", "reps -2 is negative"),
        (#"{"date": "2026-03-02", "readiness_test": "ok", "exercises": [{"name": "Bridge"}]}"#,
         "sessions[1].readiness_test", "readiness_test ok is not pass/fail"),
    ])
    func badValuesAreNamedByTheirPath(_ session: String, _ column: String, _ reason: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "paths.json",
            #"[{"patient": {"id": "P1"}, "sessions": [{"date": "2026-03-01"}, "# + session + "]}]")
        let (result, entries) = try importLogs([path])
        #expect(entries.count == 1 + (column.hasPrefix("sessions[1].exercises[1]") ? 1 : 0))
        let rejected = try #require(result.rejected.first)
        #expect(result.rejected.count == 1)
        #expect(rejected.column == column)
        #expect(rejected.reason == reason)
    }

    @Test func deepNestingIsFatalWithPosition() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("deep.json", String(repeating: "[", count: 10_000))
        let error = try #require(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error.reason == "JSON nested deeper than 64 levels")
        #expect(error.line == 1)
        #expect(error.column == 65)
    }

    @Test func duplicateAcrossCSVAndJSON() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("a.csv", "patient_id,date,session_id,exercise,sets\nP1,2026-03-02,s1,Bridge,3\n")
        let json = try folder.write(
            "b.json",
            #"{"patient": {"id": "P1"}, "sessions": [{"date": "2026-03-02", "session_id": "s1", "exercises": [{"name": "Bridge", "sets": "3"}]}]}"#
        )
        let (result, _) = try importLogs([csv, json])
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 1, rowsDuplicate: 1))
    }
}
