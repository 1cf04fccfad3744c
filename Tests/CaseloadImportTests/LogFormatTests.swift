import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The format registry (`LogFormat`, `FormatRegistry`) and `--format` choices: extensions, content
/// detection, forced formats and their errors, and the readers they pick.
@Suite struct LogFormatTests {
    @Test(arguments: [
        ("a.csv", LogFormat.csv), ("A.CSV", .csv), ("a.tsv", .tsv), ("a.json", .caseloadJSON),
        ("a.ndjson", .caseloadNDJSON), ("a.JSONL", .caseloadNDJSON), ("a.txt", .csv), ("noextension", .csv),
    ])
    func extensionNamesAFormat(_ path: String, _ format: LogFormat) {
        #expect(LogFormat(byExtensionOf: path) == format)
    }

    /// docs/FORMATS.md's format table has a row per format: its name, its summary, its extensions
    /// and the format reported.
    @Test func formatsPageDescribesEveryFormat() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/FORMATS.md"), encoding: .utf8)
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        for format in LogFormat.allCases {
            let row = try #require(rows.first { $0.first == "`\(format.name)`" }, "no row for \(format.name)")
            #expect(row[1] == format.summary)
            for ext in format.extensions { #expect(row[2].contains("`.\(ext)`"), "\(format.name): .\(ext)") }
            #expect(row[3] == "`\(format.reported.rawValue)`")
        }
    }

    @Test func registryListsExtensionsAndNames() {
        #expect(LogFormat.discoverableExtensions == ["csv", "tsv", "json", "ndjson", "jsonl"])
        #expect(LogFormat.extensionList == ".csv, .tsv, .json, .ndjson or .jsonl")
        #expect(LogFormat.nameList == "csv, tsv, caseload-json, caseload-ndjson, fhir-json, fhir-ndjson")
        #expect(discoverableExtensions == Set(LogFormat.discoverableExtensions))
        #expect(LogFormat.allCases.map(\.reported) == [.csv, .tsv, .json, .ndjson, .fhir, .fhir])
    }

    @Test(arguments: [
        ("fhir-ndjson", nil, LogFormat.fhirNDJSON), ("CSV", nil, .csv), ("x.ndjson=fhir-ndjson", "x.ndjson", .fhirNDJSON),
        ("a=b.json=caseload-json", "a=b.json", .caseloadJSON), ("exports/=tsv", "exports/", .tsv),
    ])
    func choicesParse(_ text: String, _ path: String?, _ format: LogFormat) throws {
        let choice = try FormatChoice(parsing: text)
        #expect(choice.path == path)
        #expect(choice.format == format)
    }

    @Test(arguments: ["xml", "x.json=fhir", "=csv", "x.json="])
    func badChoicesNameTheFormats(_ text: String) {
        #expect {
            _ = try FormatChoice(parsing: text)
        } throws: { error in
            guard let error = error as? ImportError, error.file == "--format" else { return false }
            return text == "=csv" ? error.reason.contains("names no file") : error.reason.contains(LogFormat.nameList)
        }
    }

    static let bundle = #"{"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:p1", "#
        + #""resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": {"resourceType": "Observation", "#
        + #""id": "o1", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]}, "#
        + #""subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2026-03-02", "valueInteger": 4}}]}"#
    /// FHIR NDJSON whose first line is not JSON, so that its content does not say FHIR.
    static let observations = "not json\n" + #"{"resourceType": "Patient", "id": "p1"}"# + "\n"
        + #"{"resourceType": "Observation", "id": "o2", "status": "final", "code": {"coding": "#
        + #"[{"system": "http://loinc.org", "code": "72514-3"}]}, "subject": {"reference": "Patient/p1"}, "#
        + #""effectiveDateTime": "2026-03-03", "valueInteger": 5}"# + "\n"
    static let caseload = #"{"patient": {"id": "P1"}, "sessions": [{"date": "2026-03-02", "pain": 2}]}"#

    /// A folder of one of each, plus a caseload report's own manifest.
    static func folder() throws -> (TemporaryFolder, [String]) {
        let tmp = try TemporaryFolder()
        let paths = [
            try tmp.write("bundle.json", bundle), try tmp.write("log.json", caseload),
            try tmp.write("obs.ndjson", observations), try tmp.write("old-report/manifest.json", #"{"tool": "caseload", "version": "1"}"#),
            try tmp.write("tabs.txt", "patient_id\tdate\tpain\nP2\t2026-03-02\t3\n"),
        ]
        return (tmp, paths)
    }

    @Test func contentDecidesWithoutChoices() throws {
        let (tmp, paths) = try Self.folder()
        let kinds = try FormatRegistry.classify(paths, choices: [])
        #expect(kinds[paths[0]] == .log(.fhirJSON))
        #expect(kinds[paths[1]] == .log(.caseloadJSON))
        #expect(kinds[paths[2]] == .log(.caseloadNDJSON))
        #expect(kinds[paths[3]] == .skipped(.reportManifest))
        #expect(kinds[paths[4]] == .log(.csv))
        _ = tmp
    }

    /// A file's choice beats its folder's, which beats the one for every input; among equals the
    /// last given wins.
    @Test func choicesResolveMostSpecificFirst() throws {
        let (tmp, paths) = try Self.folder()
        let choices = [
            FormatChoice(path: tmp.path + "/tabs.txt", format: .tsv), FormatChoice(path: nil, format: .caseloadNDJSON),
            FormatChoice(path: tmp.path + "/old-report", format: .caseloadJSON),
            FormatChoice(path: paths[2], format: .csv), FormatChoice(path: paths[2], format: .fhirNDJSON),
        ]
        let forced = try FormatRegistry.forcedFormats(paths, choices: choices)
        #expect(forced[paths[0]] == .caseloadNDJSON)
        #expect(forced[paths[1]] == .caseloadNDJSON)
        #expect(forced[paths[2]] == .fhirNDJSON)
        #expect(forced[paths[3]] == .caseloadJSON)
        #expect(forced[paths[4]] == .tsv)
    }

    /// Files that hold no rows stay skipped under a choice for their folder or for every input; only
    /// a choice naming the file itself reads one as a log.
    @Test(arguments: [
        (choice: "every input", format: LogFormat.tsv, namesTheFile: false),
        (choice: "the folder", format: LogFormat.fhirNDJSON, namesTheFile: false),
        (choice: "the file", format: LogFormat.caseloadJSON, namesTheFile: true),
    ])
    func filesWithoutRowsStaySkippedUnlessNamed(_ choice: String, _ format: LogFormat, _ namesTheFile: Bool) throws {
        let tmp = try TemporaryFolder()
        let manifest = #"{"transactionTime": "2026-03-04T00:00:00Z", "request": "x", "requiresAccessToken": false, "#
            + #""output": [{"type": "Observation", "url": "https://ehr.example/files/Observation.ndjson"}], "error": []}"#
        let paths = [
            try tmp.write("bulk/manifest.json", manifest),
            try tmp.write("bulk/log.ndjson", #"{"exportId": "e1", "eventId": "kickoff", "transactionTime": "2026-03-04"}"# + "\n"),
            try tmp.write("bulk/Observation.ndjson", Self.observations),
            try tmp.write("bulk/old-report/manifest.json", #"{"tool": "caseload", "version": "1"}"#),
        ]
        let target: String? = switch choice {
        case "every input": nil
        case "the folder": tmp.path + "/bulk"
        default: paths[3]
        }
        let kinds = try FormatRegistry.classify(paths, choices: [FormatChoice(path: target, format: format)])
        #expect(kinds[paths[0]] == .skipped(.bulkManifest([(type: "Observation", file: "Observation.ndjson")])))
        #expect(kinds[paths[1]] == .skipped(.bulkLog))
        #expect(kinds[paths[2]] == (namesTheFile ? .log(.fhirNDJSON) : .log(format)))
        #expect(kinds[paths[3]] == (namesTheFile ? .log(.caseloadJSON) : .skipped(.reportManifest)))
    }

    @Test func aChoiceForNoInputIsAnError() throws {
        let (tmp, paths) = try Self.folder()
        #expect {
            _ = try FormatRegistry.classify(paths, choices: [FormatChoice(path: tmp.path + "/other.json", format: .fhirJSON)])
        } throws: { error in
            (error as? ImportError)?.reason.contains("names no log input") ?? false
        }
    }

    /// FHIR forced to a caseload JSON format is refused, saying what the file holds and what to pass.
    @Test func fhirForcedToCaseloadJSONIsAClearError() throws {
        let (tmp, paths) = try Self.folder()
        #expect {
            _ = try FormatRegistry.classify(paths, choices: [FormatChoice(path: paths[0], format: .caseloadJSON)])
        } throws: { error in
            guard let error = error as? ImportError else { return false }
            return error.file == paths[0]
                && error.reason == "--format caseload-json, but the file holds FHIR R4 resources (a resourceType at the top level), "
                    + "not a caseload log: use --format \(paths[0])=fhir-json, or leave --format out (FHIR is found by content)"
        }
        _ = tmp
    }

    /// Forced formats are read by their readers: the NDJSON its first line hides as FHIR, the text
    /// file as TSV; the summaries report the formats read.
    @Test func forcedFormatsAreReadByTheirReaders() throws {
        let (tmp, paths) = try Self.folder()
        let logs = [paths[2], paths[4]]
        // Detected: the NDJSON is read as caseload NDJSON (its first line is a rejected row, its
        // resources have no sessions), the text file as CSV (whose sniffing finds the tabs).
        let detected = try importLogs(logs)
        #expect(detected.result.inputs.map(\.format) == [.ndjson, .csv])
        #expect(detected.result.inputs[0].counts == RowCounts(rowsRead: 1, rowsRejected: 1))
        #expect(detected.result.inputs[1].counts == RowCounts(rowsRead: 1, rowsAccepted: 1))

        let options = ImportOptions(formats: [FormatChoice(path: paths[2], format: .fhirNDJSON), FormatChoice(path: paths[4], format: .tsv)])
        let (result, entries) = try importLogs(logs, options: options)
        #expect(result.inputs.map(\.format) == [.fhir, .tsv])
        #expect(result.inputs[0].dialect == "FHIR R4 NDJSON")
        #expect(result.inputs[0].counts == RowCounts(rowsRead: 2, rowsAccepted: 1, rowsRejected: 1))
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 1, rowsAccepted: 1))
        #expect(result.inputs[1].dialect?.hasPrefix("delimiter=tab ") ?? false, "\(result.inputs[1].dialect ?? "")")
        #expect(entries.map(\.patientID) == ["p1", "P2"])
        #expect(entries.map(\.pain) == [5, 3])
        _ = tmp
    }
}
