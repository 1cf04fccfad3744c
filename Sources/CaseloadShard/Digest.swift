import Crypto
import Foundation

/// SHA-256 digests as lower-case hex, of bytes and of files.
public enum Digest {
    /// The lower-case hex SHA-256 of `bytes`.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The lower-case hex SHA-256 of the file at `path` and its size, read in 1 MiB chunks.
    /// - Throws: a transient ``ShardError`` when the file cannot be opened or read.
    public static func sha256(file path: String) throws -> (sha256: String, bytes: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ShardError(path: path, reason: "cannot open the file to hash it", isTransient: !exists(path))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                bytes += chunk.count
            }
        } catch {
            throw ShardError(path: path, reason: "cannot read the file: \(error.localizedDescription)", isTransient: true)
        }
        return (hex(hasher.finalize()), bytes)
    }

    private static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    private static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        var text = ""
        for byte in digest {
            text += String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
        return text
    }
}
