import Foundation
import Testing

@testable import CaseloadImport

@Suite(.serialized) struct InputDiscoveryTests {
    @Test func foldersAreSearchedRecursivelyAndSorted() throws {
        let folder = try TemporaryFolder()
        for name in ["logs/x.CSV", "logs/b/y.json", "logs/z.txt", "logs/.hidden.csv", "logs/roster.csv", "logs/w.ndjson", "logs/u.JSONL",
                     "logs/v.tsv", "logs/.git/c.csv", "other.csv"] {
            try folder.write(name, "patient_id,date\n")
        }
        let logs = folder.path + "/logs"
        let found = try discoverInputs([logs])
        #expect(found == ["b/y.json", "roster.csv", "u.JSONL", "v.tsv", "w.ndjson", "x.CSV"].map { logs + "/" + $0 })
        let withoutRoster = try discoverInputs([logs + "/"], excluding: [folder.path + "/logs/./b/../roster.csv"])
        #expect(withoutRoster == ["b/y.json", "u.JSONL", "v.tsv", "w.ndjson", "x.CSV"].map { logs + "/" + $0 })
    }

    @Test func symbolicLinksToFilesAreFound() throws {
        let folder = try TemporaryFolder()
        let target = try folder.write("exports/real.csv", "patient_id,date\n")
        try folder.write("logs/readme.md", "x")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/logs/link.csv", withDestinationPath: target)
        #expect(try discoverInputs([folder.path + "/logs"]) == [folder.path + "/logs/link.csv"])
    }

    @Test func filesAreKeptAsGivenInOrder() throws {
        let folder = try TemporaryFolder()
        let b = try folder.write("b.txt", "x")
        let a = try folder.write("a.csv", "x")
        #expect(try discoverInputs([b, a]) == [b, a])
        #expect(try discoverInputs([b, a], excluding: [a]) == [b])
    }

    @Test func relativePathsStayRelative() throws {
        let folder = try TemporaryFolder()
        try folder.write("in/k.csv", "x")
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        #expect(try discoverInputs(["in"]) == ["in/k.csv"])
        // Excluding the only input (the roster, say) leaves the folder with nothing to read.
        #expect(throws: ImportError.self) { try discoverInputs(["in"], excluding: [folder.path + "/in/k.csv"]) }
    }

    @Test func missingPathAndEmptyFolderAreErrors() throws {
        let folder = try TemporaryFolder()
        try folder.write("empty/readme.md", "x")
        let missing = try #require(throws: ImportError.self) { try discoverInputs([folder.path + "/nope"]) }
        #expect(missing.reason == "no such file or folder")
        let empty = try #require(throws: ImportError.self) { try discoverInputs([folder.path + "/empty"]) }
        #expect(empty.file == folder.path + "/empty")
        #expect(empty.reason == "the folder holds no .csv, .tsv, .json, .ndjson or .jsonl files")
    }
}
