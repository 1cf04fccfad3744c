import CaseloadAnalytics
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of a shard folder open for reading at offsets: any number of ``RangeReader``s share it,
/// each reading its own byte range (a caseload's part of the file). Closed when the last reader is gone.
final class ShardFile {
    let path: String
    let descriptor: Int32
    /// The file's size in bytes when it was opened.
    let size: Int

    /// Opens `path` for reading.
    /// - Throws: a transient ``ShardError`` when it cannot be opened.
    init(_ path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ShardError(path: path, reason: "cannot open the file: \(String(cString: strerror(errno)))", isTransient: true)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ShardError(path: path, reason: "cannot read the file's size: \(reason)", isTransient: true)
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }
}

/// Reads the bytes `start..<end` of a ``ShardFile`` front to back, a chunk at a time: lines of a
/// `.jsonl` file, or blocks of a weekly file (``WeeklyBlocks``).
///
/// It holds one chunk (``chunkBytes``, grown only for a line or block longer than that), so a merge
/// reading many caseloads of many shards at once holds one chunk per caseload and shard.
final class RangeReader {
    /// Bytes read at a time.
    static let chunkBytes = 64 * 1024

    let file: ShardFile
    /// The file offset of `buffer[0]`.
    private var bufferStart: Int
    /// The end of the range.
    let end: Int
    private var buffer: [UInt8]
    /// The next unread byte in `buffer`, and the bytes of `buffer` holding data.
    private var position = 0
    private var filled = 0

    /// Bytes read at a time by this reader (tests make it small to cross chunk ends everywhere).
    private let chunk: Int

    /// A reader of `range` of `file`, reading `chunkBytes` at a time.
    init(_ file: ShardFile, range: Range<Int>, chunkBytes: Int = RangeReader.chunkBytes) {
        self.file = file
        bufferStart = range.lowerBound
        end = range.upperBound
        buffer = []
        chunk = max(1, chunkBytes)
    }

    /// The file offset of the next unread byte.
    var offset: Int { bufferStart + position }

    /// True when every byte of the range has been handed out.
    var isAtEnd: Bool { offset >= end }

    /// Moves the unread bytes to the front of the buffer and reads more (growing the buffer when it
    /// is full of one unfinished line or block).
    /// - Returns: false when the range holds no more bytes.
    private func refill() throws -> Bool {
        if position > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                memmove(base, base + position, filled - position)
            }
            bufferStart += position
            filled -= position
            position = 0
        }
        let remaining = end - (bufferStart + filled)
        guard remaining > 0 else { return false }
        if buffer.isEmpty {
            buffer = [UInt8](repeating: 0, count: min(chunk, max(remaining, 1)))
        } else if filled == buffer.count {
            buffer += [UInt8](repeating: 0, count: buffer.count)
        }
        let wanted = min(buffer.count - filled, remaining)
        let got = buffer.withUnsafeMutableBytes { raw -> Int in
            pread(file.descriptor, raw.baseAddress! + filled, wanted, off_t(bufferStart + filled))
        }
        guard got > 0 else {
            let reason = got < 0 ? String(cString: strerror(errno)) : "the file ended at byte \(bufferStart + filled)"
            throw ShardError(path: file.path, reason: "cannot read the file: \(reason)", isTransient: got < 0)
        }
        filled += got
        return true
    }

    /// The next line of the range, without its newline; `nil` at the end of the range.
    /// - Throws: ``ShardError`` when the range ends inside a line, or the file cannot be read.
    func nextLine() throws -> Data? {
        guard !isAtEnd else { return nil }
        while true {
            let found: Int? = buffer.withUnsafeBytes { raw in
                guard filled > position, let base = raw.baseAddress else { return nil }
                guard let hit = memchr(base + position, 0x0A, filled - position) else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            if let newline = found {
                let line = Data(buffer[position..<newline])
                position = newline + 1
                return line
            }
            guard try refill() else {
                throw ShardError(path: file.path, reason: "the line at byte \(offset) does not end before byte \(end)")
            }
        }
    }

    /// The next block of a weekly file; `nil` at the end of the range.
    /// - Parameter skipWeeks: read the patient ID only (the weeks are stepped over).
    /// - Throws: ``ShardError`` when the range ends inside a block or a block is malformed.
    func nextBlock(skipWeeks: Bool = false) throws -> (patientID: String, weekly: [WeeklySummary])? {
        guard !isAtEnd else { return nil }
        while true {
            let at = offset
            let block: (patientID: String, weekly: [WeeklySummary], end: Int)?
            do {
                block = try buffer.withUnsafeBytes { raw in
                    try WeeklyBlocks.read(
                        UnsafeRawBufferPointer(rebasing: raw[0..<filled]), at: position, skipWeeks: skipWeeks)
                }
            } catch {
                throw ShardError(path: file.path, reason: "the block at byte \(at): \(error)")
            }
            if let block {
                position = block.end
                guard offset <= end else {
                    throw ShardError(path: file.path, reason: "the block at byte \(at) runs past byte \(end)")
                }
                return (block.patientID, block.weekly)
            }
            guard try refill() else {
                throw ShardError(path: file.path, reason: "the block at byte \(at) does not end before byte \(end)")
            }
        }
    }
}

/// A file of a shard folder being written: buffered, hashed (SHA-256) as it is written, and sized,
/// so a shard's data files are never held whole in memory.
final class HashingFile {
    let path: String
    private let handle: UnsafeMutablePointer<FILE>
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    /// Bytes written so far (buffered ones included).
    private(set) var bytes = 0
    private var failed = false

    /// Creates (or truncates) `path`.
    /// - Throws: a transient ``ShardError`` when it cannot be created.
    init(_ path: String) throws {
        self.path = path
        guard let handle = fopen(path, "wb") else {
            throw ShardError(path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))", isTransient: true)
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    deinit { fclose(handle) }

    /// Appends `data`.
    func write<D: DataProtocol>(_ data: D) {
        buffer.append(contentsOf: data)
        bytes += data.count
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Appends one byte.
    func write(byte: UInt8) {
        buffer.append(byte)
        bytes += 1
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        hasher.update(data: buffer)
        if fwrite(buffer, 1, buffer.count, handle) != buffer.count { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes the file and returns its lower-case hex SHA-256.
    /// - Throws: a transient ``ShardError`` when any write failed.
    func finish() throws -> String {
        flush()
        if fflush(handle) != 0 { failed = true }
        guard !failed else {
            throw ShardError(path: path, reason: "cannot write the file: \(String(cString: strerror(errno)))", isTransient: true)
        }
        return hasher.finalize().map { String($0 >> 4, radix: 16) + String($0 & 0x0F, radix: 16) }.joined()
    }
}
