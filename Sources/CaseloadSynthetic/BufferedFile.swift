import Foundation

/// A file written through a large in-memory buffer, flushed in chunks so nothing is held whole.
struct BufferedFile {
    /// Flush once the buffer holds this many bytes.
    static let chunk = 1 << 20

    let path: String
    private let handle: FileHandle
    var buffer: [UInt8] = []
    /// Bytes handed to the file so far (excluding what is still buffered).
    private(set) var bytesWritten = 0

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws(SyntheticError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw SyntheticError(path: path, reason: "cannot create the file") }
        self.handle = handle
        buffer.reserveCapacity(BufferedFile.chunk + 64 * 1024)
    }

    /// Writes the buffer out when it has grown past ``chunk``.
    mutating func flushIfFull() throws(SyntheticError) {
        if buffer.count >= BufferedFile.chunk { try flush() }
    }

    /// Writes out whatever is buffered.
    mutating func flush() throws(SyntheticError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw SyntheticError(path: path, reason: "write failed: \(error)")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    mutating func close() throws(SyntheticError) {
        try flush()
        do {
            try handle.close()
        } catch {
            throw SyntheticError(path: path, reason: "close failed: \(error)")
        }
    }
}
