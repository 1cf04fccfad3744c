import PropertyBased
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

@Suite struct CellParserTests {
    static let plain = CellParser(dateOrder: .iso, decimalComma: false)
    static let comma = CellParser(dateOrder: .iso, decimalComma: true)

    private func with<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    @Test(arguments: [
        ("2.5", 2.5), ("0.1", 0.1), ("10", 10), ("+3", 3), ("-1", -1), (".5", 0.5), ("1.", 1),
        ("123456.789", 123456.789), ("007", 7), ("-0", 0),
    ])
    func numbers(_ text: String, _ expected: Double) {
        #expect(with(text) { CellParserTests.plain.number($0) } == expected)
    }

    @Test(arguments: ["", "abc", "1e3", "1,5", "1.2.3", "--1", ".", "-", "1 2", "0x10", "NaN", "inf"])
    func notNumbers(_ text: String) {
        #expect(with(text) { CellParserTests.plain.number($0) } == nil)
    }

    @Test func decimalCommaOnlyWhenAllowed() {
        #expect(with("2,5") { CellParserTests.comma.number($0) } == 2.5)
        #expect(with("7,25") { CellParserTests.comma.number($0) } == 7.25)
        #expect(with("2,5") { CellParserTests.plain.number($0) } == nil)
        #expect(with("2,5,1") { CellParserTests.comma.number($0) } == nil)
    }

    @Test(arguments: [
        ("3", "3"), ("3.0", "3"), (" 4 ", "4"), ("", "missing"), ("   ", "missing"),
        ("3.5", "sets 3.5 is not a whole number"), ("-1", "sets -1 is negative"), ("abc", "sets abc is not a number"),
        // Around the digits-only fast path (up to 9 digits) and past it.
        ("007", "7"), ("000000000", "0"), ("999999999", "999999999"), ("1000000000", "1000000000"),
        ("00000000000005", "5"), ("999999999999", "999999999999"), ("+3", "3"), (" 12\t", "12"),
    ])
    func integers(_ text: String, _ expected: String) {
        let cell = with(text) { CellParserTests.plain.nonNegativeInteger($0, name: "sets") }
        switch cell {
        case .missing: #expect(expected == "missing")
        case .value(let v): #expect("\(v)" == expected)
        case .invalid(let reason): #expect(reason == expected)
        }
    }

    @Test(arguments: [
        ("0", "0.0"), ("10", "10.0"), ("2.5", "2.5"), ("11", "pain 11 is outside 0–10"),
        ("-0.5", "pain -0.5 is outside 0–10"), ("ten", "pain ten is not a number"), ("true", "pain true is not a number"),
    ])
    func ratings(_ text: String, _ expected: String) {
        switch with(text, { CellParserTests.plain.rating($0, name: "pain") }) {
        case .missing: Issue.record("unexpected missing")
        case .value(let v): #expect("\(v)" == expected)
        case .invalid(let reason): #expect(reason == expected)
        }
    }

    @Test(arguments: [
        ("yes", true), ("YES", true), ("y", true), ("True", true), ("1", true),
        ("no", false), ("N", false), ("false", false), ("0", false), (" no ", false),
    ])
    func booleans(_ text: String, _ expected: Bool) {
        guard case .value(let v) = with(text, { CellParserTests.plain.boolean($0, name: "swelling") }) else {
            Issue.record("\(text) not read as a boolean")
            return
        }
        #expect(v == expected)
    }

    @Test(arguments: ["maybe", "2", "yess", "t"])
    func notBooleans(_ text: String) {
        guard case .invalid(let reason) = with(text, { CellParserTests.plain.boolean($0, name: "swelling") }) else {
            Issue.record("\(text) accepted")
            return
        }
        #expect(reason == "swelling \(text) is not yes/no")
    }

    @Test func categoriesAndReadinessAnyCase() {
        guard case .value(let c) = with("ACTIVATION", { CellParserTests.plain.category($0, name: "category") }),
              case .value(let r) = with(" Fail ", { CellParserTests.plain.readiness($0, name: "readiness_test") }),
              case .invalid(let reason) = with("yoga", { CellParserTests.plain.category($0, name: "category") })
        else {
            Issue.record("unexpected outcome")
            return
        }
        #expect(c == .activation)
        #expect(r == .fail)
        #expect(reason == "category yoga is not one of strength, mobility, activation, massage, run, test, other")
    }

    struct DateCase: Sendable, CustomTestStringConvertible {
        let text: String
        let order: DateOrder
        let iso: String?
        var seconds: Int? = nil
        var offset: Int? = nil
        var reason: String? = nil
        var testDescription: String { "\(text) \(order)" }
    }

    static let dateCases: [DateCase] = [
        DateCase(text: "2026-03-02", order: .iso, iso: "2026-03-02"),
        DateCase(text: " 2024-02-29 ", order: .iso, iso: "2024-02-29"),
        DateCase(text: "2026-03-02T07:30", order: .iso, iso: "2026-03-02", seconds: 27_000),
        DateCase(text: "2026-03-02 07:30:15", order: .iso, iso: "2026-03-02", seconds: 27_015),
        DateCase(text: "2026-03-02T23:59:59.250Z", order: .iso, iso: "2026-03-02", seconds: 86_399, offset: 0),
        DateCase(text: "2026-03-02T07:30:00+02:00", order: .iso, iso: "2026-03-02", seconds: 27_000, offset: 120),
        DateCase(text: "2026-03-02T07:30-0530", order: .iso, iso: "2026-03-02", seconds: 27_000, offset: -330),
        DateCase(text: "2026-03-02T00:00+14", order: .iso, iso: "2026-03-02", seconds: 0, offset: 840),
        DateCase(text: "1900-01-01", order: .iso, iso: "1900-01-01"),
        DateCase(text: "2199-12-31", order: .iso, iso: "2199-12-31"),
        DateCase(text: "03/04/2026", order: .dayMonthYear, iso: "2026-04-03"),
        DateCase(text: "03/04/2026", order: .monthDayYear, iso: "2026-03-04"),
        DateCase(text: "3.4.2026", order: .dayMonthYear, iso: "2026-04-03"),
        DateCase(text: "13-04-2026", order: .dayMonthYear, iso: "2026-04-13"),
        DateCase(text: "2026-04-13", order: .dayMonthYear, iso: "2026-04-13"),
        DateCase(text: "04/13/2026 08:00", order: .monthDayYear, iso: "2026-04-13", seconds: 28_800),
        DateCase(
            text: "03/04/2026", order: .iso, iso: nil,
            reason: "date 03/04/2026 is not YYYY-MM-DD; pass --date-format DD/MM/YYYY or MM/DD/YYYY"),
        DateCase(text: "2026-02-30", order: .iso, iso: nil, reason: "date 2026-02-30 does not exist"),
        DateCase(text: "2025-02-29", order: .iso, iso: nil, reason: "date 2025-02-29 does not exist"),
        DateCase(text: "13/13/2026", order: .dayMonthYear, iso: nil, reason: "date 13/13/2026 does not exist"),
        DateCase(text: "1899-12-31", order: .iso, iso: nil, reason: "date 1899-12-31 is before 1900"),
        DateCase(text: "2200-01-01", order: .iso, iso: nil, reason: "date 2200-01-01 is after 2199"),
        DateCase(text: "yesterday", order: .iso, iso: nil, reason: "date yesterday is not a date (expected YYYY-MM-DD)"),
        DateCase(text: "2026-3-2", order: .iso, iso: nil, reason: "date 2026-3-2 is not a date (expected YYYY-MM-DD)"),
        DateCase(
            text: "2026-03-02T25:00", order: .iso, iso: nil,
            reason: "date 2026-03-02T25:00 is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"),
        DateCase(
            text: "2026-03-02T07:30+2", order: .iso, iso: nil,
            reason: "date 2026-03-02T07:30+2 is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"),
    ]

    @Test(arguments: dateCases)
    func dates(_ c: DateCase) {
        let parser = CellParser(dateOrder: c.order, decimalComma: false)
        var ambiguous = false
        let cell = with(c.text) { parser.date($0, name: "date", ambiguous: &ambiguous) }
        switch cell {
        case .missing:
            Issue.record("read as missing")
        case .value(let d):
            #expect(d.date.isoString == c.iso)
            #expect(d.secondsOfDay == c.seconds)
            #expect(d.utcOffsetMinutes == c.offset)
        case .invalid(let reason):
            #expect(c.iso == nil)
            #expect(reason == c.reason)
        }
        #expect(ambiguous == (c.order == .iso && c.text.contains("/")))
    }

    @Test func windows1252Fallback() {
        let cafe: [UInt8] = [0x63, 0x61, 0x66, 0xE9]
        let decoded = cafe.withUnsafeBufferPointer { CellParser.decode($0) }
        #expect(decoded.text == "café")
        #expect(decoded.wasWindows1252)
        let quote: [UInt8] = [0x80, 0x92, 0x9F]
        #expect(quote.withUnsafeBufferPointer { CellParser.decode($0) }.text == "€’Ÿ")
        let utf8 = Array("café 🙂".utf8)
        let good = utf8.withUnsafeBufferPointer { CellParser.decode($0) }
        #expect(good.text == "café 🙂")
        #expect(!good.wasWindows1252)
    }

    @Test(arguments: [
        [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80],
    ] as [[UInt8]])
    func invalidUTF8IsDetected(_ bytes: [UInt8]) {
        #expect(!bytes.withUnsafeBufferPointer { CellParser.isValidUTF8($0) })
    }
}

/// The digits-only fast path of `nonNegativeInteger` gives what the general number path gives.
@Suite struct IntegerFastPathTests {
    @Test func digitStringsAgreeWithTheGeneralPath() async {
        let texts = Gen.int(in: 0...9).array(of: 1...12)
        await propertyCheck(input: texts) { digits in
            let text = digits.map(String.init).joined()
            let parser = CellParser(dateOrder: .iso, decimalComma: false)
            let fast = Array(text.utf8).withUnsafeBufferPointer { parser.nonNegativeInteger($0, name: "sets") }
            let general = Array(text.utf8).withUnsafeBufferPointer { parser.number($0) }
            guard case .value(let v) = fast else {
                Issue.record("\(text) was not read as a whole number")
                return
            }
            #expect(general.map { Int($0) } == v, "\(text)")
        }
    }
}

/// The importer's string cache: a hit must give back exactly what decoding would.
@Suite struct TextCacheTests {
    @Test func cachedTextEqualsFreshDecodingWhateverTheOrder() {
        var cache = TextCache()
        // 200 distinct values (more than the cache's 64 slots, so entries are evicted and
        // slots shared), each seen several times in a shuffled but fixed order, with a
        // Windows-1252 value and the empty value among them.
        var values: [[UInt8]] = (0..<200).map { Array("Exercise \($0)".utf8) }
        values.append([0x43, 0x61, 0x66, 0xE9])  // "Café" in Windows-1252
        values.append([])
        var order: [Int] = []
        var state: UInt64 = 7
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            order.append(Int(state >> 33) % values.count)
        }
        for index in order {
            let got = values[index].withUnsafeBufferPointer { cache.text($0) }
            let expected = values[index].withUnsafeBufferPointer { CellParser.decode($0) }
            #expect(got.text == expected.text && got.wasWindows1252 == expected.wasWindows1252, "value \(index)")
        }
    }
}

/// The word cells (booleans, categories, readiness) against a reference that lower-cases ASCII and
/// looks the word up in the documented lists: every single byte, every word in mixed case, every
/// word with one byte changed, cut short or lengthened, and words padded with spaces or tabs.
@Suite struct WordCellTests {
    static let trueWords: Set<String> = ["yes", "true", "y", "1"]
    static let falseWords: Set<String> = ["no", "false", "n", "0"]

    static func lowered(_ bytes: [UInt8]) -> String {
        let trimmed = bytes.drop { $0 == 32 || $0 == 9 }.reversed().drop { $0 == 32 || $0 == 9 }.reversed()
        return String(decoding: trimmed.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    static var inputs: [[UInt8]] {
        var rng = AccountingPropertyTests.SplitMix(state: 77)
        var all: [[UInt8]] = (0...255).map { [UInt8($0)] }
        let words = Array(trueWords) + Array(falseWords) + ExerciseCategory.allCases.map(\.rawValue) + ["pass", "fail"]
        for word in words {
            let w = Array(word.utf8)
            for _ in 0..<8 { all.append(w.map { Bool.random(using: &rng) && $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }) }
            for k in w.indices {
                for replacement: UInt8 in [w[k] ^ 0x20, w[k] &+ 1, 0x40, 0x7B, 0xE9] {
                    var v = w
                    v[k] = replacement
                    all.append(v)
                }
            }
            all.append(Array(w.dropLast()))
            all.append(w + [w.last ?? 0x61])
            all.append([32] + w + [9, 32])
        }
        return all
    }

    @Test func wordCellsReadAsTheReference() {
        let parser = CellParser(dateOrder: .iso, decimalComma: false)
        for bytes in WordCellTests.inputs {
            let lower = WordCellTests.lowered(bytes)
            let shown = bytes.map { String($0) }.joined(separator: " ")
            bytes.withUnsafeBufferPointer { b in
                let expectedBool: Bool? = WordCellTests.trueWords.contains(lower) ? true
                    : WordCellTests.falseWords.contains(lower) ? false : nil
                switch parser.boolean(b, name: "swelling") {
                case .value(let v): #expect(v == expectedBool, "boolean \(shown)")
                case .missing: #expect(lower.isEmpty, "boolean \(shown)")
                case .invalid: #expect(expectedBool == nil && !lower.isEmpty, "boolean \(shown)")
                }
                let expectedCategory = ExerciseCategory(rawValue: lower)
                switch parser.category(b, name: "category") {
                case .value(let v): #expect(v == expectedCategory, "category \(shown)")
                case .missing: #expect(lower.isEmpty, "category \(shown)")
                case .invalid: #expect(expectedCategory == nil && !lower.isEmpty, "category \(shown)")
                }
                let expectedReadiness = ReadinessResult(rawValue: lower)
                switch parser.readiness(b, name: "readiness_test") {
                case .value(let v): #expect(v == expectedReadiness, "readiness \(shown)")
                case .missing: #expect(lower.isEmpty, "readiness \(shown)")
                case .invalid: #expect(expectedReadiness == nil && !lower.isEmpty, "readiness \(shown)")
                }
            }
        }
    }
}

/// The CSV short way reads cells with `explain: false`: the verdict (missing, the value, or bad)
/// must not depend on it, and only the general way's reason is worded.
@Suite struct UnexplainedCellTests {
    enum Verdict<T: Equatable>: Equatable {
        case missing, value(T), invalid
    }

    /// The verdict of both readings, after checking that only the explained one has a reason, and
    /// that its reason names the column.
    static func verdicts<T: Equatable>(
        _ explained: Cell<T>, _ unexplained: Cell<T>, column: String
    ) -> (Verdict<T>, Verdict<T>) {
        func verdict(_ cell: Cell<T>, explained: Bool) -> Verdict<T> {
            switch cell {
            case .missing: return .missing
            case .value(let v): return .value(v)
            case .invalid(let reason):
                #expect(explained ? reason.hasPrefix(column + " ") : reason.isEmpty, "\(column): \(reason)")
                return .invalid
            }
        }
        return (verdict(explained, explained: true), verdict(unexplained, explained: false))
    }

    static let numberInputs: [String] = [
        "", " ", "0", "3", " 7 ", "2.5", "10", "10.5", "11", "-1", "-0", "3.0", "3.5", "007", "1e3", "abc",
        "1,5", "12345678901234567890", "999999999", "1000000000000", ".", "-", "+3", "\t4\t",
    ]

    @Test func verdictsDoNotDependOnTheReason() {
        for comma in [false, true] {
            let parser = CellParser(dateOrder: .iso, decimalComma: comma)
            let inputs = UnexplainedCellTests.numberInputs.map { Array($0.utf8) } + WordCellTests.inputs
            for bytes in inputs {
                bytes.withUnsafeBufferPointer { b in
                    let shown = String(decoding: bytes, as: UTF8.self)
                    func check<T: Equatable>(_ column: String, _ read: (Bool) -> Cell<T>) {
                        let (a, b) = UnexplainedCellTests.verdicts(read(true), read(false), column: column)
                        #expect(a == b, "\(column) '\(shown)'")
                    }
                    check("load_kg") { parser.nonNegativeDecimal(b, name: "load_kg", explain: $0) }
                    check("sets") { parser.nonNegativeInteger(b, name: "sets", explain: $0) }
                    check("pain") { parser.rating(b, name: "pain", explain: $0) }
                    check("swelling") { parser.boolean(b, name: "swelling", explain: $0) }
                    check("category") { parser.category(b, name: "category", explain: $0) }
                    check("readiness_test") { parser.readiness(b, name: "readiness_test", explain: $0) }
                }
            }
        }
    }

    /// The inputs reach every kind of bad cell, so the test above compares real reasons.
    @Test(arguments: [
        ("abc", "is not a number"), ("-1", "is negative"), ("3.5", "is not a whole number"),
    ])
    func integerReasons(_ text: String, _ wording: String) {
        let parser = CellParser(dateOrder: .iso, decimalComma: false)
        Array(text.utf8).withUnsafeBufferPointer { b in
            guard case .invalid(let reason) = parser.nonNegativeInteger(b, name: "sets") else {
                Issue.record("sets '\(text)' should be bad")
                return
            }
            #expect(reason == "sets \(text) \(wording)")
            guard case .invalid(let silent) = parser.nonNegativeInteger(b, name: "sets", explain: false) else {
                Issue.record("sets '\(text)' should be bad unexplained too")
                return
            }
            #expect(silent.isEmpty)
        }
    }
}
