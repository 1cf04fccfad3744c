import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The short way through a CSV row (`LogRowParser.quickRow`) against the general one (`parse`):
/// whenever the short way takes a row, the general way accepts it with the same patient, the same
/// fingerprint and the same contribution to its day; rows it must leave to the general way
/// (rejections, notes, non-ASCII text) it leaves.
@Suite struct QuickRowTests {
    static let key = FingerprintKey(a: 0x9E37_79B9_7F4A_7C15, b: 0xD1B5_4A32_D192_ED03)

    /// What the two ways made of one record.
    struct Readings {
        var quick: FoldedRow?
        var quickPatient: String?
        var general: RowOutcome
    }

    /// Reads every record of `csv` (header first) both ways, each with a parser of its own.
    static func read(_ csv: String, dateOrder: DateOrder = .iso, delimiter: UInt8 = UInt8(ascii: ",")) throws
        -> [Readings]
    {
        let records = tokenize(Array(csv.utf8), delimiter: delimiter, chunkSize: 1 << 16)
        let cells = CellParser(dateOrder: dateOrder, decimalComma: delimiter == UInt8(ascii: ";"))
        var quick = try LogRowParser(header: records[0], file: "t.csv", cells: cells)
        var general = try LogRowParser(header: records[0], file: "t.csv", cells: cells)
        var patients = PatientNumbering()
        var names: [String] = []
        return records.dropFirst().map { record in
            record.withView { view in
                let row = quick.quickRow(view, patients: &patients, newPatients: &names, key: key)
                return Readings(quick: row, quickPatient: row.map { names[$0.patient] }, general: general.parse(view))
            }
        }
    }

    /// Checks that the short way, where it took a row, agrees with the general way.
    static func expectAgreement(_ r: Readings, _ context: String) {
        guard let quick = r.quick else { return }
        guard case .accepted(let entry) = r.general else {
            Issue.record("short way took a row the general way did not accept: \(context)")
            return
        }
        #expect(r.quickPatient == entry.patientID, "\(context)")
        #expect(quick.fingerprint == DuplicateFilter.fingerprint(entry, key: key), "\(context)")
        #expect(quick.contribution == DayContribution(entry), "\(context)")
    }

    static let header =
        "patient_id,date,session_id,exercise,category,level,sets,reps,load_kg,duration_min,pain_during,pain,swelling,night_pain,readiness_test,notes"

    /// Rows the short way takes, each agreeing with the general way.
    @Test(arguments: [
        "P1,2026-03-02,s1,Glute bridge,strength,2,3,10,2.5,5,3,4,no,yes,pass,felt fine",
        "P1,2026-03-02,,,,,,,,,,2,,,,",  // a check-in: pain only
        "  P2 ,2026-03-02T07:30:00+01:00, s2 , Clamshell ,mobility,0,1,1,0,0.5,0,0,false,true,fail,  spaced notes  ",
        "P3,2026-03-02,s3,Quad set,activation,1,2,12,,15,10,10,Y,N,PASS,\"quoted, with comma\"",
        "P4,2026-03-02,s4,Step-down,strength,3,3,8,-0,10,-0,-0,0,1,,",
        "P5,2026-03-02,,Bridge,,,,,,,,,,,pass,",  // readiness without a session
    ])
    func validRowsTakeTheShortWay(_ row: String) throws {
        let readings = try QuickRowTests.read(QuickRowTests.header + "\n" + row + "\n")
        #expect(readings.count == 1)
        #expect(readings[0].quick != nil, "\(row)")
        QuickRowTests.expectAgreement(readings[0], row)
    }

    /// Rows the short way leaves to the general way: whatever the general way says, the short way
    /// says nothing.
    @Test(arguments: [
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,11,no,no,pass,", "pain out of range"),
        ("P1,2026-03-02,s1,Bridge,lifting,1,3,10,2.5,5,3,4,no,no,pass,", "unknown category"),
        ("P1,2026-03-02,s1,Bridge,strength,-1,3,10,2.5,5,3,4,no,no,pass,", "negative level"),
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,maybe,no,pass,", "bad flag"),
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,ok,", "bad readiness"),
        ("P1,2026-02-30,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "no such date"),
        ("P1,03/04/2026,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "ambiguous date"),
        (",2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "no patient"),
        ("P1,,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "no date"),
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4", "short row"),
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,,extra", "long row"),
        ("P1,2026-03-02,s1,Brücke,strength,1,3,10,2.5,5,3,4,no,no,pass,", "non-ASCII exercise"),
        ("P1,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,café", "non-ASCII notes"),
        ("Pé,2026-03-02,s1,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "non-ASCII patient"),
        ("P1,2026-03-02,sé,Bridge,strength,1,3,10,2.5,5,3,4,no,no,pass,", "non-ASCII session"),
        (",,,,,,,,,,,,,,,", "blank"),
    ])
    func otherRowsTakeTheGeneralWay(_ row: String, _ why: String) throws {
        let readings = try QuickRowTests.read(QuickRowTests.header + "\n" + row + "\n")
        #expect(readings.allSatisfy { $0.quick == nil }, "\(why)")
    }

    /// Seeded random rows, valid and not, under three headers (the canonical order, a shuffled one
    /// with an unknown column, one with only some columns) and two delimiters: every row the short
    /// way takes agrees with the general way, every row the general way accepts with plain ASCII text
    /// and an unambiguous date is taken, and most rows are.
    @Test(arguments: [
        (QuickRowTests.header, UInt8(ascii: ",")),
        ("notes;pain;clinic;date;exercise;patient_id;readiness_test;session_id;duration_min;category", UInt8(ascii: ";")),
        ("date,patient_id,pain,pain_during,level", UInt8(ascii: ",")),
    ])
    func randomRowsAgree(_ header: String, _ delimiter: UInt8) throws {
        var rng = AccountingPropertyTests.SplitMix(state: 20_261_123)
        let separator = String(Character(Unicode.Scalar(delimiter)))
        let columns = header.split(separator: Character(separator)).map(String.init)
        let pools: [String: [String]] = [
            "patient_id": ["P1", "P2", " P3 ", "P1", "P1", "", "Pé"],
            "date": ["2026-03-02", "2026-03-03", "2026-03-02T08:00:00Z", "2026-03-02 07:15", "2026-13-01", "", "04/03/2026"],
            "session_id": ["s1", "s1", " s2", "", "sé"],
            "exercise": ["Glute bridge", "Clamshell", "", "Straight-leg raise", "Brücke"],
            "category": ["strength", "mobility", "", "Strength", "lifting"],
            "level": ["0", "1", "2", "", "-1", "1.5"],
            "sets": ["3", "", "x"], "reps": ["10", "", "1e3"],
            "load_kg": ["2.5", "0", "", "-1", "2,5"],
            "duration_min": ["5", "15.25", "", "abc"],
            "pain_during": ["0", "3", "5.5", "", "10", "11", "-0"],
            "pain": ["0", "2", "4.25", "", "10", "NaN", "-0"],
            "swelling": ["yes", "no", "", "TRUE", "0", "maybe"],
            "night_pain": ["yes", "no", "", "1"],
            "readiness_test": ["pass", "fail", "", "Pass", "unsure"],
            "notes": ["", "ok", "  spaced  ", "naïve", "long note that runs past sixteen bytes"],
            "clinic": ["north", "", "süd"],
        ]
        var csv = header + "\n"
        for _ in 0..<3_000 {
            let cells = columns.map { column -> String in
                let pool = pools[column] ?? [""]
                // Mostly the first two values of each pool (valid), now and then any.
                let pick = Int.random(in: 0..<10, using: &rng) < 8 ? Int.random(in: 0..<min(2, pool.count), using: &rng)
                    : Int.random(in: 0..<pool.count, using: &rng)
                let value = pool[pick]
                return value.contains(Character(separator)) ? "\"\(value)\"" : value
            }
            csv += cells.joined(separator: separator) + "\n"
        }
        let readings = try QuickRowTests.read(csv, delimiter: delimiter)
        var taken = 0
        for (index, r) in readings.enumerated() {
            QuickRowTests.expectAgreement(r, "row \(index + 2)")
            if r.quick != nil { taken += 1 }
            if case .accepted(let entry) = r.general, r.quick == nil {
                let texts = [entry.patientID, entry.sessionID ?? "", entry.exercise ?? "", entry.notes ?? ""]
                let plain = texts.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
                #expect(!plain, "row \(index + 2) was accepted with ASCII text but not taken the short way")
            }
        }
        #expect(taken > readings.count / 4, "\(taken) of \(readings.count) rows took the short way")
    }
}

/// `LogRowParser.fold` as the importer runs it (one parser, the short way first, the general way for
/// what it declines, the date cache shared) against a parser that reads every row the general way.
@Suite struct FoldTests {
    /// One batch's result with patient numbers replaced by IDs, for comparison across numberings.
    struct Reading: Equatable {
        var accepted: [String] = []
        var rejected: [RejectedRow] = []
        var notes: [String] = []
        var shortWay = 0
    }

    /// Folds `bytes` (a whole CSV file, header first) in batches of `batchSize` records.
    static func fold(
        _ bytes: [UInt8], dateOrder: DateOrder, delimiter: UInt8, generalOnly: Bool, batchSize: Int = 37
    ) throws -> [Reading] {
        let records = tokenize(bytes, delimiter: delimiter, chunkSize: 1 << 16)
        let cells = CellParser(dateOrder: dateOrder, decimalComma: delimiter == UInt8(ascii: ";"))
        var parser = try LogRowParser(header: records[0], file: "t.csv", cells: cells)
        var patients = PatientNumbering()
        var names: [String] = []
        var readings: [Reading] = []
        for start in stride(from: 1, to: records.count, by: batchSize) {
            var batch = FoldedBatch()
            for record in records[start..<min(start + batchSize, records.count)] {
                record.withView {
                    parser.fold($0, into: &batch, patients: &patients, key: QuickRowTests.key, keepEntries: generalOnly)
                }
            }
            names.append(contentsOf: batch.newPatients)
            let notes = parser.takeNotes()
            readings.append(Reading(
                accepted: batch.accepted.map { "\(names[$0.patient]) \($0.fingerprint) \($0.contribution)" },
                rejected: batch.rejected,
                notes: [
                    "\(notes.nonUTF8Fields) \(notes.firstNonUTF8Line) \(notes.shortRows) \(notes.ambiguousDates)",
                    "\(notes.firstAmbiguousDate) \(notes.firstAmbiguousLine)",
                ],
                shortWay: batch.shortWayRows))
        }
        return readings
    }

    /// Seeded random files, as raw bytes: valid rows mostly, with Windows-1252 bytes, doubled quotes,
    /// short and long rows, dates that are ambiguous or day-first or month-first, text that is `==` to
    /// ASCII without being ASCII (the Kelvin sign), blank lines and rows of empty cells.
    @Test(arguments: [
        (DateOrder.iso, UInt8(ascii: ",")), (.dayMonthYear, UInt8(ascii: ";")), (.monthDayYear, UInt8(ascii: ",")),
        (.dayMonthYear, UInt8(ascii: "\t")),
    ])
    func foldReadsAsTheGeneralWay(_ dateOrder: DateOrder, _ delimiter: UInt8) throws {
        var rng = AccountingPropertyTests.SplitMix(state: 7_000 + UInt64(delimiter))
        let d = [delimiter]
        func text(_ s: String) -> [UInt8] { Array(s.utf8) }
        let header = [
            "patient_id", "date", "session_id", "exercise", "category", "pain", "pain_during", "readiness_test", "notes",
            "extra",
        ]
        let pools: [[[UInt8]]] = [
            [text("P1"), text("P2"), text("K1"), text("\u{212A}1"), [0x50, 0xE9], text(" P3 ")],
            [text("2026-03-02"), text("2026-03-03"), text("03/04/2026"), text("13/04/2026"), text("04/13/2026"),
             text("2026-03-02T09:00:00+02:00"), text("")],
            [text("s1"), text("s2"), text(""), [0x73, 0xE9], text("\u{212A}")],
            [text("Glute bridge"), text("Clamshell"), text(""), text("\"Step \"\"down\"\"\""), [0x42, 0xE9]],
            [text("strength"), text("mobility"), text(""), text("bad")],
            [text("2"), text("4.5"), text(""), text("11")],
            [text("3"), text("-0"), text(""), text("x")],
            [text("pass"), text("fail"), text(""), text("maybe")],
            [text(""), text("ok"), text("\"a, b; c\""), [0xE9, 0x74, 0xE9], text("\u{212A}nee")],
            [text(""), text("z")],
        ]
        var bytes = Array(header.joined(separator: String(Character(Unicode.Scalar(delimiter)))).utf8) + [0x0A]
        for _ in 0..<2_500 {
            var cells = pools.map { pool -> [UInt8] in
                let plain = Int.random(in: 0..<10, using: &rng) < 7
                return pool[Int.random(in: 0..<(plain ? min(2, pool.count) : pool.count), using: &rng)]
            }
            switch Int.random(in: 0..<40, using: &rng) {
            case 0: cells.removeLast(3)  // short
            case 1: cells.append(text("more"))  // long
            case 2: cells = cells.map { _ in [] }  // all empty
            case 3: cells = []  // blank line
            default: break
            }
            bytes += Array(cells.joined(separator: d)) + [0x0A]
        }
        let usual = try FoldTests.fold(bytes, dateOrder: dateOrder, delimiter: delimiter, generalOnly: false)
        let general = try FoldTests.fold(bytes, dateOrder: dateOrder, delimiter: delimiter, generalOnly: true)
        #expect(usual.count == general.count)
        for (index, (a, b)) in zip(usual, general).enumerated() {
            #expect(a.accepted == b.accepted, "batch \(index)")
            #expect(a.rejected == b.rejected, "batch \(index)")
            #expect(a.notes == b.notes, "batch \(index)")
        }
        let shortWay = usual.reduce(0) { $0 + $1.shortWay }
        #expect(shortWay > 500, "\(shortWay) rows took the short way")
        #expect(general.allSatisfy { $0.shortWay == 0 })
        #expect(general.reduce(0) { $0 + $1.rejected.count } > 100)
    }

    /// Patient numbers: first come, first numbered; an ID `==` to one numbered before (the Kelvin sign
    /// is canonically a K) has its number, whichever way it arrives.
    @Test func patientNumbersFollowStringEquality() {
        var numbering = PatientNumbering()
        var new: [String] = []
        func ascii(_ s: String) -> Int {
            Array(s.utf8).withUnsafeBufferPointer { numbering.number(ascii: $0, newInto: &new) }
        }
        #expect(ascii("K1") == 0)
        #expect(ascii("K1") == 0)
        #expect(numbering.number("\u{212A}1", newInto: &new) == 0)
        #expect(ascii("P2") == 1)
        #expect(numbering.number("K1", newInto: &new) == 0)
        #expect(ascii("K1") == 0)
        #expect(numbering.number("P\u{0301}", newInto: &new) == 2)
        #expect(numbering.number("\u{00D3}", newInto: &new) == 3)
        #expect(numbering.number("O\u{0301}", newInto: &new) == 3)
        #expect(new == ["K1", "P2", "P\u{0301}", "\u{00D3}"])
    }

    /// Two lanes number the same patients differently; the accounting maps both to the builder's
    /// slots, so a row seen on each lane is one row and one duplicate, and the same fingerprint for
    /// another patient is not a duplicate.
    @Test func lanesNumberingPatientsDifferentlyShareSlotsAndDuplicates() {
        var state = ImportState()
        var counts = RowCounts()
        func row(_ patient: Int, _ fingerprint: UInt64, day: Int) -> FoldedRow {
            FoldedRow(
                patient: patient, fingerprint: fingerprint,
                contribution: DayContribution(date: CalendarDate(daysSinceEpoch: day), isCheckIn: false, pain: 3))
        }
        var laneA = FoldedBatch()
        laneA.newPatients = ["P1", "P2"]
        laneA.accepted = [row(0, 11, day: 100), row(1, 22, day: 101)]
        var laneB = FoldedBatch()
        laneB.newPatients = ["P2", "P1"]
        laneB.accepted = [row(1, 11, day: 100), row(0, 22, day: 101), row(0, 33, day: 102), row(1, 22, day: 101)]
        laneB.rejected = [RejectedRow(file: "t.csv", line: 9, patientID: "P1", column: "pain", value: "11", reason: "r")]
        var slotsA: [Int] = []
        var slotsB: [Int] = []
        state.account(laneA, patientSlots: &slotsA, counts: &counts)
        state.account(laneB, patientSlots: &slotsB, counts: &counts)
        #expect(slotsA == [0, 1])
        #expect(slotsB == [1, 0])
        #expect(counts == RowCounts(rowsRead: 7, rowsAccepted: 4, rowsRejected: 1, rowsDuplicate: 2))
        let records = state.builder.records()
        #expect(records.map(\.patientID) == ["P1", "P2"])
        // P1's fingerprint 22 is not a duplicate of P2's: tables are per patient.
        #expect(records.map { $0.days.map(\.date.daysSinceEpoch) } == [[100, 101], [101, 102]])
        #expect(state.rejected.count == 1)
        #expect(state.latestDate == CalendarDate(daysSinceEpoch: 102))
    }
}
