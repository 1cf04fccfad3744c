import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

@Suite struct CaseloadImporterTests {
    /// A plain file (valid cells, ASCII text, ISO dates) is read the short way, every row of it.
    @Test func plainRowsTakeTheShortWay() throws {
        let folder = try TemporaryFolder()
        var text = "patient_id,date,session_id,exercise,category,pain,readiness_test,notes\n"
        for day in 1...28 {
            let date = "2026-03-\(day < 10 ? "0" : "")\(day)"
            text += "P\(day % 3),\(date),s\(day),Glute bridge,strength,\(day % 7),pass,ok\n"
            text += "P\(day % 3),\(date),s\(day),Clamshell,mobility,,,\n"
        }
        text += "P1,2026-03-01,s1,Glute bridge,strength,1,pass,ok\n"  // a duplicate of day 1's first row
        let path = try folder.write("plain.csv", text)
        let (result, _) = try importLogs([path])
        let usual = try CaseloadImporter().run(logs: [path], roster: nil)
        #expect(result.totals == RowCounts(rowsRead: 57, rowsAccepted: 56, rowsDuplicate: 1))
        #expect(usual.shortWayRows == 57)
    }

    @Test func commaFileWithUnknownColumnHeaderCaseAndQuotedNotes() throws {
        let path = try Fixture.path("log_comma.csv")
        let (result, entries) = try importLogs([path])
        let input = try #require(result.inputs.first)
        #expect(input.counts == RowCounts(rowsRead: 3, rowsAccepted: 3))
        #expect(input.ignoredColumns == ["mood"])
        #expect(input.dialect == "delimiter=',' encoding=UTF-8 newline=LF")
        #expect(input.format == .csv)
        #expect(input.role == .log)
        // Independently computed with sha256sum / wc -c.
        #expect(input.sha256 == "9a36ef1165b927d77bd3ba9da59fbfc548f20e7b4c09773cd23dd76cd6ad0dbf")
        #expect(input.bytes == 272)
        #expect(input.warnings.isEmpty)
        #expect(entries.count == 3)
        #expect(
            entries[0]
                == LogEntry(
                    patientID: "P01", date: day("2026-03-02"), exercise: "Wall sit", category: .strength, sets: 3,
                    reps: 1, durationMin: 5, painDuring: 2, pain: 3, notes: "felt \"ok\", knee warm\nnext day fine"))
        #expect(
            entries[1]
                == LogEntry(
                    patientID: "P01", date: day("2026-03-02"), exercise: "Clamshell", category: .activation, sets: 2,
                    reps: 15, durationMin: 4.5, notes: " =SUM(A1)"))
        #expect(entries[2] == LogEntry(patientID: "P02", date: day("2026-03-03"), pain: 4, notes: "check-in 🙂"))
        #expect(result.latestDate == day("2026-03-03"))
        #expect(result.totals == input.counts)
        let records = result.builder.records()
        #expect(records.map(\.patientID) == ["P01", "P02"])
        let p01 = try #require(records.first?.days.first)
        #expect(p01.exerciseRows == 2)
        #expect(p01.minutes == 9.5)
        #expect(p01.categories == [.strength, .activation])
        #expect(records.last?.days.first?.checkInRows == 1)
    }

    @Test func semicolonBOMCRLFDecimalCommaAndBlankLines() throws {
        let (result, entries) = try importLogs([try Fixture.path("log_semicolon_bom_crlf.csv")])
        let input = try #require(result.inputs.first)
        #expect(input.dialect == "delimiter=';' encoding=UTF-8+BOM newline=CRLF")
        #expect(input.counts == RowCounts(rowsRead: 2, rowsAccepted: 2))
        #expect(entries.map(\.loadKg) == [2.5, 0])
        #expect(entries.map(\.durationMin) == [10, 7.25])
        #expect(entries.map(\.pain) == [3.5, nil])
        #expect(entries.map(\.exercise) == ["Squat", "Step; down"])
        #expect(entries.first?.patientID == "P01")  // the BOM is not part of the first header name
    }

    @Test func tabSeparatedByExtension() throws {
        let (result, entries) = try importLogs([try Fixture.path("log_tab.tsv")])
        #expect(result.inputs.first?.format == .tsv)
        #expect(result.inputs.first?.dialect == "delimiter=tab encoding=UTF-8 newline=LF")
        #expect(entries.map(\.notes) == ["a, b; c", nil])
        #expect(entries.map(\.sets) == [3, 2])
    }

    @Test func carriageReturnLineEnds() throws {
        let (result, entries) = try importLogs([try Fixture.path("log_cr.csv")])
        #expect(result.inputs.first?.dialect == "delimiter=',' encoding=UTF-8 newline=CR")
        #expect(entries.map(\.notes) == ["two\rlines", "x"])
    }

    @Test func windows1252FieldsAreDecodedAndWarned() throws {
        let (result, entries) = try importLogs([try Fixture.path("log_windows1252.csv")])
        let input = try #require(result.inputs.first)
        #expect(entries.map(\.notes) == ["café", "it’s", "café"])
        #expect(input.warnings == ["2 fields were not UTF-8 (first at line 2); read as Windows-1252"])
        #expect(input.dialect == "delimiter=',' encoding=UTF-8+Windows-1252 newline=LF")
    }

    /// A file long enough to go through both parsing lanes in many batches: rows come back in
    /// file order and each file note counts every batch, with the first line from the earliest.
    @Test func longFileKeepsRowOrderAndMergesNotesAcrossBatches() throws {
        let folder = try TemporaryFolder()
        var bytes = Array("patient_id,date,exercise,sets,notes\n".utf8)
        let rows = 5 * CaseloadImporter.pipelineBatchSize + 17
        let windows1252Lines: Set<Int> = [3_000, 7_000, 9_500]  // physical lines, in three different batches
        let shortLines: Set<Int> = [2_100, 6_200]
        let ambiguousLines: Set<Int> = [4_500, 10_001]
        for i in 0..<rows {
            let line = i + 2
            let date = ambiguousLines.contains(line) ? "03/04/2026" : "2026-03-\(String(format: "%02d", i % 28 + 1))"
            if shortLines.contains(line) {
                bytes += Array("P\(i),\(date),bridge\n".utf8)
                continue
            }
            bytes += Array("P\(i),\(date),bridge,\(i % 5),".utf8)
            bytes += windows1252Lines.contains(line) ? [0x63, 0x61, 0x66, 0xE9] : Array("n\(i)".utf8)
            bytes += [0x0A]
        }
        let path = try folder.write("long.csv", bytes)
        let (result, entries) = try importLogs([path])
        let input = try #require(result.inputs.first)
        #expect(input.counts == RowCounts(rowsRead: rows, rowsAccepted: rows - 2, rowsRejected: 2))
        #expect(result.rejected.map(\.line) == ambiguousLines.sorted())
        // Accepted rows in file order: patient numbers rise, skipping only the rejected lines.
        let expected = (0..<rows).filter { !ambiguousLines.contains($0 + 2) }.map { "P\($0)" }
        #expect(entries.map(\.patientID) == expected)
        #expect(entries.filter { $0.notes == "café" }.count == 3)
        #expect(
            input.warnings == [
                "3 fields were not UTF-8 (first at line 3000); read as Windows-1252",
                "2 rows have fewer fields than the header; missing cells read as empty",
                "2 dates are not YYYY-MM-DD (first: 03/04/2026 at line 4500); pass --date-format DD/MM/YYYY or MM/DD/YYYY",
            ])
    }

    /// A bad header on a file long enough that the reading thread is still sending batches when
    /// the parsing threads give up: the header's error is reported, nothing else.
    @Test func badHeaderOnALongFileIsTheErrorReported() throws {
        let folder = try TemporaryFolder()
        var text = "patient_id,when,pain\n"
        for i in 0..<20_000 { text += "P\(i % 50),2026-03-01,\(i % 10)\n" }
        let path = try folder.write("no-date.csv", text)
        #expect {
            _ = try CaseloadImporter().run(logs: [path], roster: nil)
        } throws: { error in
            "\(error)".contains("date") && "\(error)".contains(path)
                && !"\(error)".contains("not read to its end")
        }
    }

    /// Two identical invalid dates on consecutive rows (the date cache's hit path) are rejected
    /// alike and both counted in the warning.
    @Test func repeatedInvalidDateIsRejectedEachTime() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "dates.csv", "patient_id,date,pain\nP1,03/04/2026,2\nP1,03/04/2026,3\nP1,2026-04-05,1\n")
        let (result, entries) = try importLogs([path])
        #expect(result.rejected.map(\.line) == [2, 3])
        #expect(Set(result.rejected.map(\.reason)).count == 1)
        #expect(entries.count == 1)
        #expect(result.inputs.first?.warnings.first?.hasPrefix("2 dates are not YYYY-MM-DD (first: 03/04/2026 at line 2)") == true)
    }

    @Test func raggedRows() throws {
        let path = try Fixture.path("log_ragged.csv")
        let (result, entries) = try importLogs([path])
        let input = try #require(result.inputs.first)
        #expect(input.counts == RowCounts(rowsRead: 3, rowsAccepted: 2, rowsRejected: 1))
        #expect(result.rejected.count == 1)
        #expect(result.rejected.first?.line == 2)
        #expect(result.rejected.first?.reason == "row has 6 fields, header has 4")
        // The extra fields as written, delimiter included (before session 2 they ran together: "extramore").
        #expect(result.rejected.first?.value == "extra,more")
        #expect(result.rejected.first?.file == path)
        #expect(entries.first == LogEntry(patientID: "P01", date: day("2026-03-03")))
        #expect(input.warnings == ["1 row has fewer fields than the header; missing cells read as empty"])
    }

    @Test func unterminatedQuoteAndQuoteInUnquotedField() throws {
        let (result, entries) = try importLogs([try Fixture.path("log_unterminated.csv")])
        #expect(result.inputs.first?.counts == RowCounts(rowsRead: 2, rowsAccepted: 1, rowsRejected: 1))
        #expect(entries.first?.notes == "5\"6 tall")
        let rejected = try #require(result.rejected.first)
        #expect(rejected.line == 3)
        #expect(rejected.reason.hasPrefix("unterminated quoted field"))
        #expect(rejected.value == "never closed\nP01,2026-03-04,Squat,x\n")  // the open field swallowed the rest
    }

    @Test func dateTimesWithOffsets() throws {
        let (_, entries) = try importLogs([try Fixture.path("log_datetimes.csv")])
        #expect(entries.allSatisfy { $0.date == day("2026-03-02") })
        #expect(entries.map(\.secondsOfDay) == [27_000, 27_015, 86_399, 27_000, 27_000])
        #expect(entries.map(\.utcOffsetMinutes) == [nil, nil, 0, 120, -330])
    }

    @Test func slashDatesNeedADateOrder() throws {
        let path = try Fixture.path("log_slash_dates.csv")
        let (iso, _) = try importLogs([path])
        #expect(iso.inputs.first?.counts == RowCounts(rowsRead: 3, rowsAccepted: 1, rowsRejected: 2))
        #expect(iso.rejected.map(\.line) == [2, 4])
        #expect(
            iso.rejected.first?.reason
                == "date 03/04/2026 is not YYYY-MM-DD; pass --date-format DD/MM/YYYY or MM/DD/YYYY")
        #expect(
            iso.inputs.first?.warnings
                == [
                    "2 dates are not YYYY-MM-DD (first: 03/04/2026 at line 2); pass --date-format DD/MM/YYYY or MM/DD/YYYY"
                ])

        let (dmy, dmyEntries) = try importLogs([path], options: ImportOptions(dateOrder: .dayMonthYear))
        #expect(dmy.rejected.isEmpty)
        #expect(dmyEntries.map(\.date) == [day("2026-04-03"), day("2026-04-05"), day("2026-04-13")])
        #expect(dmy.inputs.first?.warnings == [])

        let (mdy, mdyEntries) = try importLogs([path], options: ImportOptions(dateOrder: .monthDayYear))
        #expect(mdyEntries.map(\.date) == [day("2026-03-04"), day("2026-04-05")])
        #expect(mdy.rejected.map(\.reason) == ["date 13.04.2026 does not exist"])
    }

    static let rejectReasons: [(line: Int, column: String, reason: String)] = [
        (2, "patient_id", "no patient_id"),
        (3, "date", "no date"),
        (4, "date", "date 2026-02-30 does not exist"),
        (5, "date", "date 1899-12-31 is before 1900"),
        (6, "date", "date 2200-01-01 is after 2199"),
        (7, "date", "date yesterday is not a date (expected YYYY-MM-DD)"),
        (8, "category", "category yoga is not one of strength, mobility, activation, massage, run, test, other"),
        (9, "level", "level -1 is negative"),
        (10, "sets", "sets 3.5 is not a whole number"),
        (11, "reps", "reps abc is not a number"),
        (12, "load_kg", "load_kg -2 is negative"),
        (13, "duration_min", "duration_min x is not a number"),
        (14, "pain_during", "pain_during 10.5 is outside 0–10"),
        (15, "pain", "pain 11 is outside 0–10"),
        (16, "swelling", "swelling maybe is not yes/no"),
        (17, "night_pain", "night_pain sometimes is not yes/no"),
        (18, "readiness_test", "readiness_test ok is not pass/fail"),
        (19, "date", "date 2026-03-02T25:00 is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"),
        (20, "pain", "pain 11 is outside 0–10 (and 2 more invalid values)"),
    ]

    @Test func everyRejectReason() throws {
        let path = try Fixture.path("log_rejects.csv")
        let (result, entries) = try importLogs([path])
        #expect(result.inputs.first?.counts == RowCounts(rowsRead: 20, rowsAccepted: 1, rowsRejected: 19))
        #expect(result.rejected.count == CaseloadImporterTests.rejectReasons.count)
        for (row, expected) in zip(result.rejected, CaseloadImporterTests.rejectReasons) {
            #expect(row.line == expected.line)
            #expect(row.column == expected.column, "line \(expected.line)")
            #expect(row.reason == expected.reason, "line \(expected.line)")
            #expect(row.file == path)
            #expect(row.patientID == (expected.line == 2 ? nil : "P01"))
        }
        #expect(result.rejected.first { $0.line == 15 }?.value == "11")
        #expect(
            entries == [
                LogEntry(
                    patientID: "P01", date: day("2026-03-02"), sessionID: "s1", exercise: "Squat", category: .strength,
                    level: 2, sets: 3, reps: 10, loadKg: 20, durationMin: 5, painDuring: 2, pain: 3, swelling: true,
                    nightPain: false, readiness: .pass, notes: "fine")
            ])
    }

    @Test func duplicatesWithinAndAcrossFiles() throws {
        let week1 = try Fixture.path("week1.csv")
        let week2 = try Fixture.path("week2.csv")
        let (result, entries) = try importLogs([week1, week2])
        // week1: line 3 repeats line 2; line 4 differs from 2 (date); line 5 differs from 4 (notes).
        #expect(result.inputs[0].counts == RowCounts(rowsRead: 4, rowsAccepted: 3, rowsDuplicate: 1))
        // week2: line 2 equals week1 line 4 (pain 2 == 2.0, columns in another order); line 3 is new.
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 2, rowsAccepted: 1, rowsDuplicate: 1))
        #expect(result.totals == RowCounts(rowsRead: 6, rowsAccepted: 4, rowsDuplicate: 2))
        #expect(entries.map(\.date) == [day("2026-03-02"), day("2026-03-03"), day("2026-03-03"), day("2026-03-04")])
        let days = try #require(result.builder.records().first).days
        #expect(days.map(\.exerciseRows) == [1, 2, 1])
        // Reading the files the other way round moves the duplicate count to week1.
        let (reversed, _) = try importLogs([week2, week1])
        #expect(reversed.inputs[0].counts == RowCounts(rowsRead: 2, rowsAccepted: 2))
        #expect(reversed.inputs[1].counts == RowCounts(rowsRead: 4, rowsAccepted: 2, rowsDuplicate: 2))
    }

    @Test func timeAndOffsetArePartOfARowsIdentity() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "t.csv",
            "patient_id,date,exercise\nP1,2026-03-02T07:30,A\nP1,2026-03-02T07:30+01:00,A\nP1,2026-03-02,A\nP1,2026-03-02T07:30,A\n")
        let (result, _) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 4, rowsAccepted: 3, rowsDuplicate: 1))
    }

    @Test func rosterWithDuplicatesAndRejects() throws {
        let roster = try Fixture.path("roster.csv")
        let log = try Fixture.path("log_comma.csv")
        let (result, _) = try importLogs([log], roster: roster)
        #expect(result.inputs.map(\.role) == [.roster, .log])
        let summary = result.inputs[0]
        #expect(summary.counts == RowCounts(rowsRead: 6, rowsAccepted: 2, rowsRejected: 3, rowsDuplicate: 1))
        #expect(summary.ignoredColumns == ["ward"])
        #expect(result.rejected.map(\.line) == [4, 6, 7])
        #expect(result.rejected.allSatisfy { $0.file == roster })
        #expect(result.rejected[0].reason == "patient P01 is already on the roster at line 2")
        #expect(result.rejected[1].reason == "sessions_per_week 15 is not a number above 0 and at most 14")
        #expect(result.rejected[2].reason == "no patient_id")
        #expect(
            result.roster["P01"]
                == RosterEntry(
                    patientID: "P01", clinician: "Dr A", displayName: "Ann", programStart: day("2026-02-23"),
                    sessionsPerWeek: 3))
        #expect(
            result.roster["P02"]
                == RosterEntry(
                    patientID: "P02", clinician: "Dr B", programStart: day("2026-02-24"), sessionsPerWeek: 7,
                    dischargeDate: day("2026-05-01")))
        #expect(result.roster.count == 2)
        #expect(result.totals == summary.counts + result.inputs[1].counts)
    }

    struct FatalCase: Sendable, CustomTestStringConvertible {
        let fixture: String
        let line: Int?
        let column: Int?
        let reasonPrefix: String
        var testDescription: String { fixture }
    }

    @Test(arguments: [
        FatalCase(fixture: "empty.csv", line: nil, column: nil, reasonPrefix: "the file is empty"),
        FatalCase(fixture: "no_date_column.csv", line: 1, column: nil, reasonPrefix: "no date column in the header"),
        FatalCase(fixture: "duplicate_header.csv", line: 1, column: 4, reasonPrefix: "duplicate column name 'pain' (also column 3)"),
        FatalCase(fixture: "image.csv", line: nil, column: nil, reasonPrefix: "the file is binary"),
        // Line 3 is `   "sessions": [{"date": "2026-03-02", "exercises": [{"name": "Bridge"`: the last `{`
        // stands at column 54 and the file ends after column 70.
        FatalCase(
            fixture: "truncated.json", line: 3, column: 71,
            reasonPrefix: "the JSON ends before the object opened at line 3, column 54 is closed"),
        FatalCase(fixture: "not_json.json", line: 1, column: 1, reasonPrefix: "unexpected character 'p'"),
    ])
    func fatalFiles(_ c: FatalCase) throws {
        let path = try Fixture.path(c.fixture)
        let error = try #require(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error.file == path)
        #expect(error.line == c.line)
        #expect(error.column == c.column)
        #expect(error.reason.hasPrefix(c.reasonPrefix), "\(error.reason)")
    }

    @Test func missingFileIsFatal() throws {
        let error = try #require(throws: ImportError.self) {
            try CaseloadImporter().run(logs: ["/nonexistent/caseload.csv"], roster: nil)
        }
        #expect(error.description == "/nonexistent/caseload.csv: file not found")
    }

    @Test func utf16IsFatalWithAdvice() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("u.csv", [0xFF, 0xFE] + Array("p\0a\0".utf8))
        let error = try #require(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error.reason == "the file is UTF-16; save it as UTF-8 CSV")
    }

    @Test func headerWithHundredThousandColumns() throws {
        let folder = try TemporaryFolder()
        let extra = (0..<99_998).map { "x\($0)" }.joined(separator: ",")
        let row = "P1,2026-03-02" + String(repeating: ",", count: 99_998)
        let path = try folder.write("wide.csv", "patient_id,date," + extra + "\n" + row + "\n" + row.replacingOccurrences(of: "03-02", with: "03-03") + "\n")
        let (result, _) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 2, rowsAccepted: 2))
        #expect(result.inputs.first?.ignoredColumns.count == 99_998)
    }

    @Test func hugeSingleLineFailsWithAShortMessage() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("one-line.csv", [UInt8](repeating: UInt8(ascii: "z"), count: 3 << 20))
        let error = try #require(throws: ImportError.self) { try CaseloadImporter().run(logs: [path], roster: nil) }
        #expect(error.reason == "no patient_id column in the header (found '" + String(repeating: "z", count: 39) + "…')")
    }

    @Test func headerOnlyFileHasNoRows() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("h.csv", "patient_id,date\n")
        let (result, _) = try importLogs([path])
        #expect(result.totals == RowCounts())
        #expect(result.latestDate == nil)
    }

    @Test func linesOfOnlyDelimitersAreBlank() throws {
        let folder = try TemporaryFolder()
        // `;;` has more fields than the header but is still blank: nothing in it is data.
        let path = try folder.write("b.csv", "patient_id;date\n;\n  ;  \nP1;2026-03-02\n;;\nP1;2026-03-03;x\n")
        let (result, _) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: 2, rowsAccepted: 1, rowsRejected: 1))
        #expect(result.rejected.first?.line == 6)
    }

    @Test func chunkBoundariesDoNotChangeResults() throws {
        // A file larger than one 1 MiB chunk, with CRLF pairs and quoted fields straddling boundaries.
        let folder = try TemporaryFolder()
        var text = "patient_id,date,notes\r\n"
        var expected = 0
        while text.utf8.count < (1 << 20) * 3 + 17 {
            text += "P\(expected % 7),2026-03-0\(expected % 9 + 1),\"n\(expected)\r\n\"\"q\"\", x\"\r\n"
            expected += 1
        }
        let path = try folder.write("big.csv", text)
        let (result, entries) = try importLogs([path])
        #expect(result.totals == RowCounts(rowsRead: expected, rowsAccepted: expected))
        #expect(entries.last?.notes == "n\(expected - 1)\r\n\"q\", x")
    }

    /// A CSV log is read on one thread and accounted on another in batches of
    /// `pipelineBatchSize` rows; across many batches and two files, every row is still accounted
    /// in file order: the first copy of a row is the one kept, rejected rows keep their line order.
    @Test func rowsAreAccountedInFileOrderAcrossManyBatches() throws {
        let folder = try TemporaryFolder()
        let rows = CaseloadImporter.pipelineBatchSize * 3 + 5
        var text = "patient_id,date,pain,notes\n"
        var badLines: [Int] = []
        var duplicates = 0
        var lastKept = ""
        for i in 0..<rows {
            let line = i + 2  // the header is line 1
            if i % 11 == 3 {
                text += "P\(i % 13),2026-03-01,12,r\(i)\n"  // pain outside 0-10
                badLines.append(line)
            } else if i % 7 == 6 && (i - 1) % 11 != 3 {
                // A copy of the previous (valid, distinct) row: a duplicate.
                text += "P\((i - 1) % 13),2026-03-01,\((i - 1) % 10),r\(i - 1)\n"
                duplicates += 1
            } else {
                text += "P\(i % 13),2026-03-01,\(i % 10),r\(i)\n"  // the notes make every such row distinct
                lastKept = "r\(i)"
            }
        }
        let first = try folder.write("a.csv", text)
        let second = try folder.write("b.csv", text)  // every good row of b.csv repeats one of a.csv
        let (result, entries) = try importLogs([first, second])
        let good = rows - badLines.count - duplicates
        #expect(result.inputs[0].counts == RowCounts(
            rowsRead: rows, rowsAccepted: good, rowsRejected: badLines.count, rowsDuplicate: duplicates))
        #expect(result.inputs[1].counts == RowCounts(
            rowsRead: rows, rowsAccepted: 0, rowsRejected: badLines.count, rowsDuplicate: rows - badLines.count))
        #expect(result.rejected.map(\.line) == badLines + badLines)
        let files: [String] = Array(repeating: first, count: badLines.count) + Array(repeating: second, count: badLines.count)
        #expect(result.rejected.map(\.file) == files)
        #expect(entries.count == good)
        // The kept rows are the first copies, in file order.
        let firstKept = try #require(entries.first)
        #expect(firstKept == LogEntry(patientID: "P0", date: day("2026-03-01"), pain: 0, notes: "r0"))
        #expect(entries.last?.notes == lastKept)
        let order: [Int] = entries.compactMap { entry in entry.notes.flatMap { Int($0.dropFirst()) } }
        #expect(order.count == good)
        #expect(order == order.sorted())
    }
}
