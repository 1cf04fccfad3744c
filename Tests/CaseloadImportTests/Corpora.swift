import Foundation
import Testing

/// The public test corpora written by others, read where they lie: `../shared/corpora/` beside the
/// package root. The repository holds no copy of them; tests over them are skipped, and say so, when
/// the folder is not there (a clone with nothing beside it).
enum Corpora {
    /// The package root (this file is Tests/CaseloadImportTests/Corpora.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/corpora` beside the package root.
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    /// Whether the corpora folder is there; tests over it use
    /// `.enabled(if: Corpora.available, Corpora.skipped)`.
    static let available: Bool = {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) && isFolder.boolValue
    }()

    /// The reason a corpus test gives when it is skipped.
    static let skipped: Comment = "../shared/corpora not found beside the repository: corpus test skipped"

    /// The bytes of `path` (relative to the corpora folder).
    static func bytes(_ path: String) throws -> [UInt8] {
        try Array(Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// The bytes of `path` with every line end made CRLF (a lone LF becomes CR LF; CR LF stays).
    ///
    /// csv-spectrum's `.gitattributes` declares `csvs/*_crlf.csv eol=crlf`, so those files are CRLF
    /// upstream once checked out; a copy taken from the raw blobs has LF. Applying the declared rule
    /// here gives the bytes the expected JSON was written for, whichever way the copy was taken.
    static func bytesWithCRLF(_ path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var previous: UInt8 = 0
        for byte in try bytes(path) {
            if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}
