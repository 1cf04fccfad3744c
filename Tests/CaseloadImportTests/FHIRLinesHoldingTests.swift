import Foundation
import Testing

@testable import CaseloadImport

/// The directory pass's scan of NDJSON files (`FHIRImportBytes.linesHolding`): it must hand over
/// exactly the lines a line-by-line search would find, in file order, each once, wherever the
/// 1 MiB chunks happen to split the file.
@Suite struct FHIRLinesHoldingTests {
    static let markers: [[UInt8]] = ["\"Patient\"", "\"Practitioner\"", "\"CareTeam\""].map { Array($0.utf8) }

    /// The lines of `bytes` that hold a marker, found the slow way: split on `\n`, BOM dropped
    /// from the first line, `\r` kept (the JSON parser skips it as whitespace).
    static func expected(_ bytes: [UInt8]) -> [[UInt8]] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        return body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            .filter { line in markers.contains { marker in
                line.count >= marker.count && (0...(line.count - marker.count)).contains { line[$0..<($0 + marker.count)].elementsEqual(marker) }
            } }
    }

    static func scanned(_ bytes: [UInt8]) throws -> [[UInt8]] {
        let folder = try TemporaryFolder()
        let path = try folder.write("resources.ndjson", bytes)
        var lines: [[UInt8]] = []
        try FHIRImportBytes.linesHolding(markers, in: path) { buffer, range in lines.append(Array(buffer[range])) }
        return lines
    }

    static func observation(_ n: Int, padding: Int = 0) -> String {
        #"{"resourceType":"Observation","id":"o\#(n)","subject":{"reference":"Patient/p\#(n % 7)"},"note":"\#(String(repeating: "P", count: padding))"}"#
    }

    /// Observation lines (which mention `Patient/` but not `"Patient"`) around a few marker lines;
    /// one of them starts `offset` bytes before the end of the first 1 MiB chunk (file offset 2^20),
    /// so the chunk boundary falls before it (0), inside its marker (20), in its separator (1 with
    /// `\r\n`) or after its marker (60).
    static func file(offset: Int, separator: String, bom: Bool, finalNewline: Bool) -> [UInt8] {
        let boundary = 1 << 20
        var bytes: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        func add(_ line: String) { bytes += Array((line + separator).utf8) }
        add(#"{"resourceType":"Observation","id":"first"}"#)
        add(#"{"resourceType":"Patient","id":"p1"}"#)
        var n = 0
        while bytes.count + 400 < boundary - offset {
            if n == 3_000 { add(#"{"resourceType":"Practitioner","id":"d1","name":[{"text":"Patient"}]}"#) }
            if n == 3_001 { add(#"{"resourceType":"CareTeam","note":"\"Patient\" \"CareTeam\" \"Patient\""}"#) }
            add(observation(n))
            n += 1
        }
        // One observation padded to end exactly where the straddling line must start.
        let bare = Array((observation(n) + separator).utf8).count
        add(observation(n, padding: boundary - offset - bytes.count - bare))
        precondition(bytes.count == boundary - offset)
        add(#"{"resourceType":"Patient","id":"p2","note":"the chunk boundary is in or before this line"}"#)
        for m in 0..<2_000 { add(observation(n + 1 + m)) }
        bytes += Array(#"{"resourceType":"Patient","id":"last"}"#.utf8)
        if finalNewline { bytes += Array(separator.utf8) }
        return bytes
    }

    @Test(arguments: [
        (0, "\n", false, true), (20, "\n", false, true), (1, "\r\n", true, false), (60, "\n", true, true),
        (20, "\r\n", false, true), (0, "\r\n", true, true),
    ])
    func findsTheLinesALineByLineSearchFinds(offset: Int, separator: String, bom: Bool, finalNewline: Bool) throws {
        let bytes = Self.file(offset: offset, separator: separator, bom: bom, finalNewline: finalNewline)
        let found = try Self.scanned(bytes)
        #expect(found.count == 5)
        #expect(found == Self.expected(bytes))
    }

    @Test(arguments: [
        ("", 0), ("\n\n", 0), (#"{"resourceType":"Patient"}"#, 1), ("x\n" + #"{"resourceType":"CareTeam"}"# + "\r\n", 1),
        (#"{"a":"Patient/1"}"# + "\n" + #"{"a":"Patient"}"#, 1), (#""Patient""Patient""#, 1), (#"Patient""#, 0),
    ])
    func smallFiles(text: String, count: Int) throws {
        let found = try Self.scanned(Array(text.utf8))
        #expect(found.count == count)
        #expect(found == Self.expected(Array(text.utf8)))
    }

    /// One line longer than several chunks, the marker at its very end.
    @Test func aLineLongerThanAChunk() throws {
        let long = #"{"note":""# + String(repeating: "x", count: 3 << 20) + #"","resourceType":"Patient"}"#
        let bytes = Array((#"{"resourceType":"Observation"}"# + "\n" + long + "\n" + #"{"id":"Patient/2"}"#).utf8)
        let found = try Self.scanned(bytes)
        #expect(found.map(\.count) == [long.utf8.count])
    }

    @Test func aMissingFileIsAnErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/absent.ndjson"
        #expect {
            try FHIRImportBytes.linesHolding(Self.markers, in: path) { _, _ in }
        } throws: { error in
            "\(error)".contains("absent.ndjson")
        }
    }
}
