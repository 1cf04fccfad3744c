import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// Paths of the files in `Fixtures/`.
enum Fixture {
    static func path(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        let url = base.appendingPathComponent("Fixtures").appendingPathComponent(name)
        #expect(FileManager.default.fileExists(atPath: url.path), "missing fixture \(name)")
        return url.path
    }
}

/// A fresh temporary folder, removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "caseload-import-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` (folders created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + name
        let folder = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}

/// Runs the importer and collects the accepted entries too.
///
/// Collecting the entries reads every CSV row the general way (a `LogEntry` each); the import is
/// also run the usual way, where most rows take the short way (`LogRowParser.quickRow`), and the
/// two runs must agree on everything they produce: the patients' days, the rejected rows, the
/// per-file summaries and counts, the latest date and the roster.
func importLogs(
    _ logs: [String], roster: String? = nil, options: ImportOptions = ImportOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (result: ImportResult, entries: [LogEntry]) {
    var entries: [LogEntry] = []
    let importer = CaseloadImporter(options: options)
    let result = try importer.run(logs: logs, roster: roster) { entries.append($0) }
    let usual = try importer.run(logs: logs, roster: roster)
    let (usualRecords, records) = (usual.builder.records(roster: usual.roster), result.builder.records(roster: result.roster))
    #expect(usualRecords.map(\.patientID) == records.map(\.patientID), sourceLocation: sourceLocation)
    #expect(usualRecords.map(\.days) == records.map(\.days), "the usual import folds other days", sourceLocation: sourceLocation)
    #expect(usual.rejected == result.rejected, sourceLocation: sourceLocation)
    #expect(usual.inputs == result.inputs, sourceLocation: sourceLocation)
    #expect(usual.totals == result.totals, sourceLocation: sourceLocation)
    #expect(usual.latestDate == result.latestDate, sourceLocation: sourceLocation)
    #expect(usual.roster == result.roster, sourceLocation: sourceLocation)
    #expect(result.shortWayRows == 0, "with a hook every row is read the general way", sourceLocation: sourceLocation)
    return (result, entries)
}

/// The date for an ISO string (test input is known good).
func day(_ iso: String) -> CalendarDate {
    guard let date = CalendarDate(iso: iso) else {
        Issue.record("bad test date \(iso)")
        return CalendarDate(daysSinceEpoch: 0)
    }
    return date
}

/// Tokenizes `bytes` fed in chunks of `chunkSize`.
func tokenize(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int) -> [CSVRecord] {
    tokenizeCounting(bytes, delimiter: delimiter, chunkSize: chunkSize).records
}

/// Tokenizes `bytes` fed in chunks of `chunkSize`, also returning how many bytes the tokenizer's
/// plain-line scans started from (`CSVTokenizer.plainScanned`).
func tokenizeCounting(
    _ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int
) -> (records: [CSVRecord], scanned: Int) {
    var tokenizer = CSVTokenizer(delimiter: delimiter)
    var records: [CSVRecord] = []
    bytes.withUnsafeBufferPointer { all in
        var start = 0
        while start < all.count {
            let end = min(start + chunkSize, all.count)
            tokenizer.consume(UnsafeBufferPointer(rebasing: all[start..<end])) { records.append($0) }
            start = end
        }
    }
    tokenizer.finish { records.append($0) }
    return (records, tokenizer.plainScanned)
}
