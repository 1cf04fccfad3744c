import CaseloadModel
import Testing

@testable import CaseloadSynthetic

@Suite struct CanonicalCSVTests {
    static let nastyNotes = [
        "plain", "a, b", "she said \"ouch\"", "\"", "\"\"", "two\nlines", "crlf\r\nend", "cr only\rhere",
        "=SUM(A1:A9)", "-2 reps", "+1 set", "@cmd", "emoji 🦵👍🏽 and ZWJ 👩‍⚕️", "trailing comma,", ",leading",
        "semi;colon", "  spaced  ", "tab\there", "ünïcödé — dash", "\"quoted, with comma\"\nand newline",
    ]

    @Test func headerIsTheCanonicalColumnList() {
        var b: [UInt8] = []
        CanonicalCSV.appendHeader(to: &b)
        #expect(
            String(decoding: b, as: UTF8.self)
                == "patient_id,date,session_id,exercise,category,level,sets,reps,load_kg,duration_min,pain_during,pain,swelling,night_pain,readiness_test,notes\n"
        )
    }

    @Test func rowSpellsEveryKindOfValue() {
        let entry = LogEntry(
            patientID: "P0001", date: CalendarDate(year: 2026, month: 11, day: 2) ?? CalendarDate(daysSinceEpoch: 0),
            sessionID: "S1", exercise: "Glute bridge", category: .strength, level: 2, sets: 3, reps: 12, loadKg: 2.5,
            durationMin: 4, painDuring: 3, pain: nil, swelling: true, nightPain: false, readiness: .pass,
            notes: "ok, fine")
        var b: [UInt8] = []
        CanonicalCSV.appendRow(entry, to: &b)
        #expect(
            String(decoding: b, as: UTF8.self)
                == "P0001,2026-11-02,S1,Glute bridge,strength,2,3,12,2.5,4,3,,yes,no,pass,\"ok, fine\"\n")
        var checkIn: [UInt8] = []
        CanonicalCSV.appendRow(LogEntry(patientID: "P2", date: CalendarDate(daysSinceEpoch: 0), pain: 6.5), to: &checkIn)
        #expect(String(decoding: checkIn, as: UTF8.self) == "P2,1970-01-01,,,,,,,,,,6.5,,,,\n")
    }

    @Test(arguments: [
        (0.0, "0", "0"), (3.0, "3", "3"), (3.5, "3.5", "3,5"), (-0.5, "-0.5", "-0,5"), (12.5, "12.5", "12,5"),
        (2.25, "2.25", "2,25"), (0.1, "0.1", "0,1"), (1000.0, "1000", "1000"),
    ])
    func numbersAreWrittenShortest(value: Double, dot: String, comma: String) {
        var a: [UInt8] = []
        CanonicalCSV.appendNumber(value, to: &a, decimalSeparator: UInt8(ascii: "."))
        var b: [UInt8] = []
        CanonicalCSV.appendNumber(value, to: &b, decimalSeparator: UInt8(ascii: ","))
        #expect(String(decoding: a, as: UTF8.self) == dot)
        #expect(String(decoding: b, as: UTF8.self) == comma)
    }

    @Test(arguments: nastyNotes)
    func nastyNotesRoundTripThroughAnRFC4180Reader(note: String) {
        for dialect in [CSVDialect.canonical, .semicolonExcel] {
            let entry = LogEntry(
                patientID: "P, 7", date: CalendarDate(daysSinceEpoch: 20_000), sessionID: "s\"1",
                exercise: "Quad sets", category: .activation, notes: note)
            var b: [UInt8] = []
            CanonicalCSV.appendHeader(to: &b, dialect: dialect)
            CanonicalCSV.appendRow(entry, to: &b, dialect: dialect)
            CanonicalCSV.appendRow(entry, to: &b, dialect: dialect)
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            #expect((Array(b.prefix(3)) == bom) == dialect.byteOrderMark)
            let records = RFC4180.parse(dialect.byteOrderMark ? Array(b.dropFirst(3)) : b, delimiter: dialect.delimiter)
            #expect(records.count == 3)
            for record in records.dropFirst() {
                #expect(record.count == CanonicalCSV.columns.count)
                #expect(CanonicalCSV.columns.firstIndex(of: "notes").map { record[$0] } == note)
                #expect(record.first == "P, 7")
                #expect(record[2] == "s\"1")
            }
        }
    }

    @Test func onlyFieldsThatNeedItAreQuoted() {
        #expect(!CanonicalCSV.needsQuoting("=same as yesterday"))
        #expect(!CanonicalCSV.needsQuoting("semi;colon"))
        #expect(CanonicalCSV.needsQuoting("semi;colon", delimiter: UInt8(ascii: ";")))
        #expect(CanonicalCSV.needsQuoting("a\rb") && CanonicalCSV.needsQuoting("a\"b") && CanonicalCSV.needsQuoting("a,b"))
    }
}
