import Foundation
import PropertyBased
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// Random logs with random dialects, corruptions and duplicates: every row is accounted
/// for exactly once, and the accepted rows are exactly the valid rows generated.
@Suite struct AccountingPropertyTests {
    /// SplitMix64: a small deterministic generator driven by the property test's seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let header = ["patient_id", "date", "session_id", "exercise", "category", "level", "sets", "load_kg", "pain",
                         "swelling", "notes"]
    static let exercises = ["Wall sit", "Step, down", "Quote \"q\"", "Semi;colon", "Tab\there"]
    static let notes = ["a,b", "line\nbreak", "crlf\r\ninside", "quote \"q\"", "semi;colon", " =1", "🙂 ok", "café"]

    struct Generated {
        var entry: LogEntry
        var swellingSpelling: Bool
    }

    /// Renders one valid entry as cells; `alternate` spells the same values differently.
    static func cells(_ e: LogEntry, alternate: Bool, decimalComma: Bool) -> [String] {
        func number(_ v: Double?) -> String {
            guard let v else { return "" }
            var text = v == v.rounded() ? String(Int(v)) : String(v)
            if alternate { text += v == v.rounded() ? ".0" : "0" }
            return decimalComma ? text.replacingOccurrences(of: ".", with: ",") : text
        }
        func int(_ v: Int?) -> String { v.map { alternate ? "\($0).0" : "\($0)" } ?? "" }
        var date = e.date.isoString
        if let seconds = e.secondsOfDay {
            date += "T" + String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
        }
        let category = e.category.map { alternate ? $0.rawValue.uppercased() : $0.rawValue } ?? ""
        let swelling = e.swelling.map { $0 ? (alternate ? "Y" : "yes") : (alternate ? "0" : "no") } ?? ""
        return [e.patientID, date, e.sessionID ?? "", e.exercise ?? "", category, int(e.level), int(e.sets),
                number(e.loadKg), number(e.pain), swelling, e.notes ?? ""]
    }

    static func render(_ cells: [String], delimiter: Character) -> String {
        cells.map { cell in
            let needsQuotes = cell.contains(delimiter) || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
            return needsQuotes ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: String(delimiter))
    }

    static func randomEntry(_ rng: inout SplitMix, serial: Int) -> LogEntry {
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? value() : nil }
        let checkIn = Int.random(in: 0..<4, using: &rng) == 0
        return LogEntry(
            patientID: "P\(Int.random(in: 1...5, using: &rng))",
            date: CalendarDate(daysSinceEpoch: 20_400 + Int.random(in: 0..<60, using: &rng)),
            secondsOfDay: maybe(Int.random(in: 0..<1440, using: &rng) * 60),
            sessionID: "s\(serial)",  // keeps every generated valid row distinct
            exercise: checkIn ? nil : exercises.randomElement(using: &rng),
            category: checkIn ? nil : maybe(ExerciseCategory.allCases.randomElement(using: &rng) ?? .other),
            level: maybe(Int.random(in: 0...5, using: &rng)),
            sets: maybe(Int.random(in: 0...6, using: &rng)),
            loadKg: maybe(Double(Int.random(in: 0...400, using: &rng)) / 4),
            pain: maybe(Double(Int.random(in: 0...20, using: &rng)) / 2),
            swelling: maybe(Bool.random(using: &rng)),
            notes: maybe(notes.randomElement(using: &rng) ?? ""))
    }

    /// Ways to make a valid row invalid: (column index, bad value); nil column = an extra field.
    static let corruptions: [(Int?, String)] = [
        (0, ""), (1, "2026-02-30"), (1, "31/12/2026"), (4, "yoga"), (5, "-1"), (6, "2.5"), (7, "heavy"), (8, "11"),
        (9, "maybe"), (nil, "extra"),
    ]

    @Test func everyRowIsAccountedForOnce() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000_000)) { seed in
            do {
                try AccountingPropertyTests.check(seed: UInt64(seed))
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func check(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        let folder = try TemporaryFolder()
        var valid: [LogEntry] = []
        var expected: [RowCounts] = []
        var paths: [String] = []
        var serial = 0
        for fileIndex in 0..<Int.random(in: 1...3, using: &rng) {
            let delimiter: Character = [",", ";", "\t"].randomElement(using: &rng) ?? ","
            let newline = Bool.random(using: &rng) ? "\n" : "\r\n"
            var text = (Bool.random(using: &rng) ? "\u{FEFF}" : "") + render(header, delimiter: delimiter) + newline
            var counts = RowCounts()
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                if Int.random(in: 0..<8, using: &rng) == 0 { text += newline }  // blank line: not a row
                let roll = Int.random(in: 0..<10, using: &rng)
                var row: [String]
                if roll < 2, let earlier = valid.randomElement(using: &rng) {
                    row = cells(earlier, alternate: Bool.random(using: &rng), decimalComma: delimiter == ";")
                    counts.rowsDuplicate += 1
                } else if roll < 4 {
                    serial += 1
                    let entry = randomEntry(&rng, serial: serial)
                    row = cells(entry, alternate: false, decimalComma: delimiter == ";")
                    let (column, bad) = corruptions.randomElement(using: &rng) ?? (nil, "x")
                    if let column { row[column] = bad } else { row.append(bad) }
                    counts.rowsRejected += 1
                } else {
                    serial += 1
                    let entry = randomEntry(&rng, serial: serial)
                    row = cells(entry, alternate: false, decimalComma: delimiter == ";")
                    valid.append(entry)
                    counts.rowsAccepted += 1
                }
                counts.rowsRead += 1
                text += render(row, delimiter: delimiter) + newline
            }
            expected.append(counts)
            paths.append(try folder.write("f\(fileIndex).csv", text))
        }
        let (result, entries) = try importLogs(paths)
        #expect(result.inputs.map(\.counts) == expected, "seed \(seed)")
        #expect(result.inputs.allSatisfy { $0.counts.isBalanced })
        #expect(result.totals == expected.reduce(RowCounts(), +))
        #expect(result.totals.isBalanced)
        #expect(entries == valid, "seed \(seed)")
        #expect(result.rejected.count == result.totals.rowsRejected)
    }
}
