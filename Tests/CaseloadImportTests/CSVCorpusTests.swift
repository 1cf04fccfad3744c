import Foundation
import Testing

@testable import CaseloadImport

/// The tokenizer against expected results written independently of this package: the public
/// corpora (csv-spectrum, W3C CSVW) read from `../shared/corpora/` when it is there, and the
/// project's own cases of the same kinds, which run everywhere.
@Suite struct CSVCorpusTests {
    /// One of the project's own edge cases: a file and the rows it holds, keyed by its header.
    struct OwnCase: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let rows: [[String: String]]
        /// The name shown in the test output.
        var testDescription: String { name }
    }

    /// Cases written for this project (not copied from any corpus): the kinds of edge the public
    /// corpora cover, in the words of a home-exercise log.
    static let ownCases: [OwnCase] = [
        OwnCase(
            name: "comma inside quotes",
            input: "patient_id,notes\nP01,\"left knee, after the stairs\"\nP02,none\n",
            rows: [["patient_id": "P01", "notes": "left knee, after the stairs"], ["patient_id": "P02", "notes": "none"]]),
        OwnCase(
            name: "doubled quotes",
            input: "exercise,cue\nWall sit,\"stop at \"\"sharp\"\" pain\"\n",
            rows: [["exercise": "Wall sit", "cue": "stop at \"sharp\" pain"]]),
        OwnCase(
            name: "LF inside quotes",
            input: "date,notes\n2026-03-02,\"sore\nafter squats\"\n2026-03-03,fine\n",
            rows: [["date": "2026-03-02", "notes": "sore\nafter squats"], ["date": "2026-03-03", "notes": "fine"]]),
        OwnCase(
            name: "CRLF inside quotes of a CRLF file",
            input: "date,notes\r\n2026-03-02,\"sore\r\nafter squats\"\r\n2026-03-03,fine\r\n",
            rows: [["date": "2026-03-02", "notes": "sore\r\nafter squats"], ["date": "2026-03-03", "notes": "fine"]]),
        OwnCase(
            name: "quoted and unquoted empty fields, no final newline",
            input: "pain,pain_during,notes\n3,\"\",\n4,2,ok",
            rows: [["pain": "3", "pain_during": "", "notes": ""], ["pain": "4", "pain_during": "2", "notes": "ok"]]),
        OwnCase(
            name: "quotes and line breaks together",
            input: "id,notes\n1,\"said \"\"ouch\"\"\ntwice\"\n2,x\n",
            rows: [["id": "1", "notes": "said \"ouch\"\ntwice"], ["id": "2", "notes": "x"]]),
        OwnCase(
            name: "JSON in a field",
            input: "patient_id,raw\nP03,\"{\"\"pain\"\": 3, \"\"sets\"\": [3, 3]}\"\n",
            rows: [["patient_id": "P03", "raw": "{\"pain\": 3, \"sets\": [3, 3]}"]]),
        OwnCase(
            name: "UTF-8 beyond Latin-1",
            input: "patient_id,clinician\nP04,Tomás Ólafsdóttir\nP05,Łukasz Ŝ\n",
            rows: [["patient_id": "P04", "clinician": "Tomás Ólafsdóttir"], ["patient_id": "P05", "clinician": "Łukasz Ŝ"]]),
    ]

    /// The records of `bytes` after the header, keyed by the header, read in chunks of `chunkSize`.
    static func keyedRows(_ bytes: [UInt8], chunkSize: Int) throws -> [[String: String]] {
        let records = tokenize(bytes, chunkSize: chunkSize)
        let header = try #require(records.first).strings
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.strings)) }
    }

    /// The project's own cases read to their rows in any chunking.
    @Test(arguments: ownCases)
    func ownEdgeCases(_ testCase: OwnCase) throws {
        for chunkSize in [1, 7, 1 << 20] {
            #expect(try Self.keyedRows(Array(testCase.input.utf8), chunkSize: chunkSize) == testCase.rows,
                    "chunk size \(chunkSize)")
        }
    }

    /// csv-spectrum's cases (all but `location_coordinates`, whose JSON is known to be wrong).
    static let spectrum = [
        "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines", "newlines_crlf",
        "quotes_and_newlines", "simple", "simple_crlf", "utf8",
    ]

    /// csv-spectrum: the records, keyed by the header, must equal the expected JSON
    /// (read with Foundation's JSONSerialization, independently of this package).
    @Test(.enabled(if: Corpora.available, Corpora.skipped), arguments: spectrum)
    func csvSpectrum(_ name: String) throws {
        let path = "csv-spectrum/csvs/\(name).csv"
        let csv = name.hasSuffix("_crlf") ? try Corpora.bytesWithCRLF(path) : try Corpora.bytes(path)
        let json = Data(try Corpora.bytes("csv-spectrum/json/\(name).json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
        #expect(!expected.isEmpty)
        for chunkSize in [1, 7, 1 << 20] {
            #expect(try Self.keyedRows(csv, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    /// W3C CSVW test029 ("countries.csv minimal"): `tests/countries.csv` read as rows keyed by the
    /// header, all strings, equal to the expected minimal output `tests/test029.json`.
    @Test(.enabled(if: Corpora.available, Corpora.skipped))
    func w3cCSVWTest029() throws {
        let csv = try Corpora.bytes("w3c-csvw-tests/tests/countries.csv")
        let json = Data(try Corpora.bytes("w3c-csvw-tests/tests/test029.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
        #expect(!expected.isEmpty)
        #expect(try Self.keyedRows(csv, chunkSize: 5) == expected)
    }
}
