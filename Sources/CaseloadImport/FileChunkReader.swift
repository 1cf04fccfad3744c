import Crypto
import Foundation

/// Reads a file front to back in large chunks, hashing every byte on the way.
///
/// The whole file is never held in memory: each chunk is handed to the caller and then
/// reused. The SHA-256 and byte count cover exactly the bytes handed out.
struct FileChunkReader: ~Copyable {
    /// The default chunk size: 1 MiB.
    static let defaultChunkSize = 1 << 20

    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private let buffer: UnsafeMutableRawBufferPointer
    private var hasher = SHA256()
    private(set) var bytesRead = 0

    /// Opens `path` for reading.
    /// - Throws: ``ImportError`` when the path is missing, a folder, or cannot be opened.
    init(path: String, chunkSize: Int = FileChunkReader.defaultChunkSize) throws {
        precondition(chunkSize > 0, "chunk size must be positive")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(file: path, reason: "file not found")
        }
        if isDirectory.boolValue { throw ImportError(file: path, reason: "is a folder, not a file") }
        guard let handle = fopen(path, "rb") else {
            let message = String(cString: strerror(errno))
            throw ImportError(file: path, reason: "cannot open: \(message)")
        }
        self.path = path
        self.file = handle
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        fclose(file)
        buffer.deallocate()
    }

    /// The file's size now, 0 when unknown: a hint for a reader that keeps the whole file (a file
    /// that grows meanwhile gives more bytes).
    var sizeHint: Int {
        var info = stat()
        return fstat(fileno(file), &info) == 0 ? max(0, Int(info.st_size)) : 0
    }

    /// Reads the next chunk; an empty buffer means end of file.
    /// The returned buffer is valid until the next call.
    /// - Throws: ``ImportError`` on a read error.
    mutating func next() throws -> UnsafeBufferPointer<UInt8> {
        guard let base = buffer.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        let count = fread(base, 1, buffer.count, file)
        if count == 0, ferror(file) != 0 {
            throw ImportError(file: path, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        let chunk = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
        if count > 0 {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
            bytesRead += count
        }
        return chunk
    }

    /// Lower-case hex SHA-256 of the bytes read so far (normally the whole file).
    func sha256Hex() -> String {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
