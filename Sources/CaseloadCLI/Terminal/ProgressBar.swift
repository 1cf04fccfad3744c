import CaseloadImport
import Foundation

/// A one-line progress bar on stderr while the importer reads files: bytes and rows per file.
///
/// Drawn only when stderr is a terminal (the caller decides); redrawn at most once per
/// importer chunk (1 MiB) and erased when the import ends. The importer may call it from its
/// reading thread (chunk reports for a CSV log) and from the thread that runs the import (the
/// last report), one after the other; the lock keeps the drawing state consistent across them.
final class ProgressBar: @unchecked Sendable {
    private let totalBytes: [String: Int]
    private let write: (String) -> Void
    private let width: Int
    private let lock = NSLock()
    private var drawn = false

    /// - Parameters:
    ///   - files: the files about to be read (their sizes give the percentage).
    ///   - width: characters of the bar itself.
    ///   - write: where the text goes (stderr by default).
    init(files: [String], width: Int = 24, write: @escaping (String) -> Void = ProgressBar.standardError) {
        var sizes: [String: Int] = [:]
        for file in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue
            sizes[file] = size ?? 0
        }
        self.totalBytes = sizes
        self.width = width
        self.write = write
    }

    /// Writes `text` to stderr unbuffered.
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Redraws the bar for `progress`.
    func update(_ progress: ImportProgress) {
        lock.lock()
        defer { lock.unlock() }
        let line = ProgressBar.line(
            file: progress.path, bytesRead: progress.bytesRead, totalBytes: totalBytes[progress.path] ?? 0,
            rows: progress.rowsRead, width: width)
        write("\r" + line + "\u{1B}[K")
        drawn = true
    }

    /// Erases the bar (call once the import is over, before printing anything else).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    /// The bar's text, e.g. `messy-export.csv [##########----------]  50%  1.0/2.0 MB  12,345 rows`.
    /// - Parameters:
    ///   - file: the file's path (only its last component is shown).
    ///   - bytesRead: bytes read so far.
    ///   - totalBytes: the file's size; 0 when unknown (no bar, bytes only).
    ///   - rows: rows read so far.
    ///   - width: characters inside the brackets.
    static func line(file: String, bytesRead: Int, totalBytes: Int, rows: Int, width: Int) -> String {
        let name = (file as NSString).lastPathComponent
        let rowsText = "\(grouped(rows)) rows"
        guard totalBytes > 0 else { return "\(name)  \(megabytes(bytesRead)) MB  \(rowsText)" }
        let fraction = min(1, max(0, Double(bytesRead) / Double(totalBytes)))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        let padded = String(repeating: " ", count: max(0, 3 - percent.count)) + percent
        return "\(name) [\(bar)] \(padded)%  \(megabytes(bytesRead))/\(megabytes(totalBytes)) MB  \(rowsText)"
    }

    /// Bytes in megabytes (10^6) with one decimal.
    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// A count with thousands separators (`,`), independent of the locale.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }
}
