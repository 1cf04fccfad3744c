import CaseloadModel
import Foundation
import Testing

@testable import CaseloadSynthetic

@Suite struct MessyExportTests {
    static let config = SyntheticConfig(patients: 30, days: 56, seed: 23)

    /// True when every LF outside quoted fields is preceded by CR.
    func onlyCRLFOutsideQuotes(_ bytes: [UInt8]) -> Bool {
        var inQuotes = false
        for (i, b) in bytes.enumerated() {
            if b == 0x22 { inQuotes.toggle() }
            if b == 0x0A, !inQuotes, i == 0 || bytes[i - 1] != 0x0D { return false }
        }
        return true
    }

    @Test func dialectIsSemicolonBOMCRLFWithDecimalCommas() throws {
        let dir = temporaryDirectory()
        let plan = try SyntheticCaseload.writeMessyExport(Self.config, to: dir + "/messy.csv")
        let bytes = readBytes(plan.path)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let header = "patient_id;date;session_id;exercise;category;level;sets;reps;load_kg;duration_min;pain_during;pain;swelling;night_pain;readiness_test;notes\r\n"
        #expect(Array(bytes.dropFirst(3).prefix(header.utf8.count)) == Array(header.utf8))
        #expect(onlyCRLFOutsideQuotes(bytes))
        let records = RFC4180.parse(Array(bytes.dropFirst(3)), delimiter: UInt8(ascii: ";"))
        #expect(records.count == plan.dataRows + 1)
        #expect(records.allSatisfy { $0.count == CanonicalCSV.columns.count })
        let numeric = records.dropFirst().flatMap { [$0[8], $0[9], $0[11]] }
        #expect(numeric.contains { $0.contains(",") })
        #expect(!numeric.contains { $0.contains(".") })
    }

    @Test func plantedCountsMatchTheFile() throws {
        let dir = temporaryDirectory()
        let plan = try SyntheticCaseload.writeMessyExport(Self.config, to: dir + "/messy.csv")
        let paths = try SyntheticCaseload.write(Self.config, to: dir)
        #expect(plan.dataRows == plan.goodRows + plan.badRows + plan.duplicateRows)
        #expect(plan.badRows == 5 && plan.duplicateRows == 3 && plan.patientIDs.count == 3)

        let records = Array(RFC4180.parse(Array(readBytes(plan.path).dropFirst(3)), delimiter: UInt8(ascii: ";")).dropFirst())
        var bad: [PlantedBadValue] = []
        var seen = Set<[String]>()
        var duplicates = 0
        var good: [LogEntry] = []
        func at(_ name: String) -> Int { CanonicalCSV.columns.firstIndex(of: name) ?? 0 }
        let (patient, date, sets, pain, swelling) = (at("patient_id"), at("date"), at("sets"), at("pain"), at("swelling"))
        for r in records {
            var problem: (String, String)?
            if r[patient].isEmpty { problem = ("patient_id", r[patient]) }
            if CalendarDate(iso: r[date]) == nil { problem = ("date", r[date]) }
            if let n = Int(r[sets]), n < 0 { problem = ("sets", r[sets]) }
            if let p = Double(r[pain].replacingOccurrences(of: ",", with: ".")), p > 10 { problem = ("pain", r[pain]) }
            if !["", "yes", "no"].contains(r[swelling]) { problem = ("swelling", r[swelling]) }
            if let (column, value) = problem {
                bad.append(PlantedBadValue(column: column, value: value, patientID: r[patient]))
            } else if !seen.insert(r).inserted {
                duplicates += 1
            } else if let e = entry(fromCanonical: r, decimalComma: true) {
                good.append(e)
            }
        }
        #expect(bad == plan.badValues)
        #expect(Set(bad.map(\.column)) == ["patient_id", "date", "sets", "pain", "swelling"])
        #expect(duplicates == plan.duplicateRows)
        #expect(good.count == plan.goodRows)
        // Every good row is also in logs.csv: an overlapping weekly export.
        let logs = Set(RFC4180.parse(readBytes(paths[1])).dropFirst().compactMap { entry(fromCanonical: $0) })
        #expect(good.allSatisfy { logs.contains($0) })
        #expect(Set(good.map(\.patientID)) == Set(plan.patientIDs))
        let windowStart = Self.config.endDate.adding(days: -6)
        #expect(good.allSatisfy { $0.date >= windowStart })
    }
}
