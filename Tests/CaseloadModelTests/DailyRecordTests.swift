import Testing

@testable import CaseloadModel

/// A day's `pain_during` values are packed inline when they fit and kept in an array when not;
/// either way they read back exactly, in order, and equal values give equal records.
@Suite struct DailyRecordTests {
    static let date = CalendarDate(daysSinceEpoch: 20_500)

    static func appended(_ values: [Double]) -> DailyRecord {
        var record = DailyRecord(date: date)
        for v in values { record.appendPainDuring(v) }
        return record
    }

    @Test(arguments: [
        [],
        [0, 10, 2.5, 7.25],
        (0..<12).map { Double($0) / 2 },  // exactly the inline capacity
        (0..<13).map { Double($0) / 2 },  // one more: spills
        [1, 2.345, 3],  // not a whole hundredth, in the middle
        [4, -0.0, 4],  // −0 kept as written
        [3, 10.5, Double.nan, 2],  // outside 0–10 (the importers reject these; the model keeps them)
    ] as [[Double]])
    func valuesReadBackExactlyInOrder(_ values: [Double]) {
        let record = DailyRecordTests.appended(values)
        let back = record.painDuring
        #expect(back.count == values.count)
        for (got, want) in zip(back, values) {
            #expect(got.bitPattern == want.bitPattern, "\(values)")
        }
        var viaAppendTo: [Double] = [99]
        record.appendPainDuring(to: &viaAppendTo)
        #expect(viaAppendTo.dropFirst().map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test(arguments: [
        [], [0, 10, 2.5], (0..<13).map { Double($0) }, [1, 2.345, 3],
    ] as [[Double]])
    func appendingAndSettingGiveEqualRecords(_ values: [Double]) {
        let appended = DailyRecordTests.appended(values)
        var set = DailyRecord(date: DailyRecordTests.date)
        set.painDuring = values
        #expect(appended == set)
        #expect(appended.hashValue == set.hashValue)
        var other = set
        other.appendPainDuring(1)
        #expect(other != set)
    }

    @Test func countsReadBackAndSaturate() {
        var record = DailyRecord(date: DailyRecordTests.date)
        record.exerciseRows = 5
        record.checkInRows = 2
        record.readinessFailures = 3
        #expect(record.rows == 7 && record.isSessionDay && record.readinessFailures == 3)
        record.exerciseRows = Int(Int32.max) + 10
        #expect(record.exerciseRows == Int(Int32.max))
    }
}
