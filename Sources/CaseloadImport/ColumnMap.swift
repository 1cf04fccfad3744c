import CaseloadModel
import Foundation
/// Maps a CSV header's columns to the names a reader knows.
///
/// Names are matched case-insensitively with surrounding spaces trimmed, in any order.
/// Unknown columns are kept (as written, trimmed) in ``ignoredColumns``; empty header
/// cells are ignored silently.
struct ColumnMap: Sendable {
    /// Per column, the index into the known names, or `nil` for an ignored column.
    let known: [Int?]
    /// Per column, the name as written (trimmed).
    let names: [String]
    /// Unknown column names, in file order.
    let ignoredColumns: [String]

    /// Number of header columns.
    var count: Int { known.count }

    /// A header name cut to 40 characters for messages.
    static func short(_ name: String) -> String {
        name.count > 40 ? String(name.prefix(39)) + "…" : name
    }

    /// Reads the header record.
    /// - Throws: ``ImportError`` for a duplicate column name or a missing required column.
    init(header: CSVRecord, file: String, knownNames: [String], required: [String]) throws {
        var lookup: [String: Int] = [:]
        for (index, name) in knownNames.enumerated() { lookup[name] = index }
        try self.init(
            header: header, file: file, lookup: lookup,
            required: required.compactMap { name in lookup[name].map { ($0, name) } })
    }

    /// Reads the header record, mapping each name through `lookup` (lower-case names, synonyms
    /// among them, to the index of what they name).
    /// - Parameter required: the indices a header must name, each with the name to ask for.
    /// - Throws: ``ImportError`` for a duplicate column name, two names (a name and a synonym) for
    ///   one index, or a missing required column.
    init(header: CSVRecord, file: String, lookup: [String: Int], required: [(index: Int, name: String)]) throws {
        var known: [Int?] = []
        var names: [String] = []
        var ignored: [String] = []
        var seen: [String: Int] = [:]
        var claimed: [Int: Int] = [:]
        known.reserveCapacity(header.count)
        names.reserveCapacity(header.count)
        for column in 0..<header.count {
            let name = header.withField(column) { CellParser.decode(CellParser.trimmed($0)).text }
            let key = name.lowercased()
            names.append(name)
            if !key.isEmpty {
                if let first = seen[key] {
                    throw ImportError(
                        file: file, line: header.line, column: column + 1,
                        reason: "duplicate column name '\(ColumnMap.short(name))' (also column \(first + 1))")
                }
                seen[key] = column
            }
            if let index = lookup[key] {
                if let first = claimed[index] {
                    throw ImportError(
                        file: file, line: header.line, column: column + 1,
                        reason: "'\(ColumnMap.short(name))' names the same column as '\(ColumnMap.short(names[first]))' "
                            + "(column \(first + 1))")
                }
                claimed[index] = column
                known.append(index)
            } else {
                known.append(nil)
                if !key.isEmpty { ignored.append(name) }
            }
        }
        for (index, name) in required where claimed[index] == nil {
            let found = names.prefix(8).map { "'\(ColumnMap.short($0))'" }.joined(separator: ", ") + (names.count > 8 ? ", …" : "")
            throw ImportError(
                file: file, line: header.line,
                reason: "no \(name) column in the header (found \(found))")
        }
        self.known = known
        self.names = names
        self.ignoredColumns = ignored
    }
}

/// Counters a reader keeps for its file's warnings.
struct ReadNotes: Sendable, Equatable {
    var nonUTF8Fields = 0
    var firstNonUTF8Line = 0
    var shortRows = 0
    var ambiguousDates = 0
    var firstAmbiguousDate = ""
    var firstAmbiguousLine = 0

    mutating func noteWindows1252(line: Int) {
        if nonUTF8Fields == 0 { firstNonUTF8Line = line }
        nonUTF8Fields += 1
    }

    mutating func noteAmbiguousDate(_ text: String, line: Int) {
        if ambiguousDates == 0 {
            firstAmbiguousDate = text
            firstAmbiguousLine = line
        }
        ambiguousDates += 1
    }

    /// Adds the notes of rows that come after these in the file (first lines kept from the earliest).
    mutating func append(_ later: ReadNotes) {
        if nonUTF8Fields == 0 { firstNonUTF8Line = later.firstNonUTF8Line }
        nonUTF8Fields += later.nonUTF8Fields
        shortRows += later.shortRows
        if ambiguousDates == 0 {
            firstAmbiguousDate = later.firstAmbiguousDate
            firstAmbiguousLine = later.firstAmbiguousLine
        }
        ambiguousDates += later.ambiguousDates
    }

    /// The file warnings these counters call for.
    var warnings: [String] {
        var out: [String] = []
        if nonUTF8Fields > 0 {
            out.append(
                "\(nonUTF8Fields) \(nonUTF8Fields == 1 ? "field was" : "fields were") not UTF-8 "
                    + "(first at line \(firstNonUTF8Line)); read as Windows-1252")
        }
        if shortRows > 0 {
            out.append(
                "\(shortRows) \(shortRows == 1 ? "row has" : "rows have") fewer fields than the header; "
                    + "missing cells read as empty")
        }
        if ambiguousDates > 0 {
            out.append(
                "\(ambiguousDates) \(ambiguousDates == 1 ? "date is" : "dates are") not YYYY-MM-DD "
                    + "(first: \(firstAmbiguousDate) at line \(firstAmbiguousLine)); \(CellParser.ambiguousDateAdvice)")
        }
        return out
    }
}

/// Collects the first invalid value of a row and counts the rest.
struct RowProblems {
    var column = ""
    var value = ""
    var reason = ""
    var count = 0

    mutating func add(column: String, value: @autoclosure () -> String, reason: String) {
        if count == 0 {
            self.column = column
            self.value = value()
            self.reason = reason
        }
        count += 1
    }

    /// The reason, with "(and N more invalid values)" when there were more.
    var fullReason: String {
        count > 1 ? "\(reason) (and \(count - 1) more invalid value\(count == 2 ? "" : "s"))" : reason
    }
}

/// Reuses Strings made from the same bytes: IDs repeat row after row, and a session's few
/// exercise names come round again and again.
///
/// A direct-mapped cache of 64 entries found by an FNV-1a hash of the bytes and confirmed by
/// comparing them, so a hit costs a hash and a `memcmp` and shares the String's storage
/// instead of allocating a new one per row.
struct TextCache {
    private struct Entry {
        var bytes: [UInt8] = []
        var text = ""
        var wasWindows1252 = false
        var isFilled = false
    }

    private var entries = [Entry](repeating: Entry(), count: 64)
    /// The slot of the last value asked for: checked first, as IDs repeat row after row.
    private var lastSlot = 0

    mutating func text(_ b: UnsafeBufferPointer<UInt8>) -> (text: String, wasWindows1252: Bool) {
        if matches(lastSlot, b) { return (entries[lastSlot].text, entries[lastSlot].wasWindows1252) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in b { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let slot = Int(truncatingIfNeeded: hash ^ (hash >> 32)) & 63
        lastSlot = slot
        if matches(slot, b) { return (entries[slot].text, entries[slot].wasWindows1252) }
        let decoded = CellParser.decode(b)
        entries[slot].bytes.removeAll(keepingCapacity: true)
        entries[slot].bytes.append(contentsOf: b)
        entries[slot].text = decoded.text
        entries[slot].wasWindows1252 = decoded.wasWindows1252
        entries[slot].isFilled = true
        return decoded
    }

    /// True when entry `slot` holds exactly the bytes `b`.
    private func matches(_ slot: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        entries[slot].isFilled && entries[slot].bytes.hasSameBytes(as: b)
    }
}

extension Array where Element == UInt8 {
    /// True when the array holds exactly the bytes `b` (the one-entry caches' check).
    func hasSameBytes(as b: UnsafeBufferPointer<UInt8>) -> Bool {
        count == b.count && withUnsafeBufferPointer { mine in
            guard let x = mine.baseAddress, let y = b.baseAddress else { return true }  // both empty
            return memcmp(x, y, b.count) == 0
        }
    }
}

/// What a record's shape says before any of its cells is read.
enum RecordShape {
    /// Only blank cells: not a row.
    case blank
    /// Unusable as a whole (unterminated quote, more fields than the header).
    case rejected(RejectedRow)
    /// Cells to read; `isShort` when it has fewer fields than the header (missing trailing cells).
    case cells(isShort: Bool)
}

extension ColumnMap {
    /// Classifies `record` by shape: the checks every CSV row parser makes before reading cells.
    /// - Parameter patientID: the row's patient ID as far as it can be read, for the rejected row.
    func shape(of record: RecordView, file: String, patientID: (RecordView) -> String?) -> RecordShape {
        if record.isUnterminated {
            let value = CellParser.stored(record.field(record.count - 1))
            return .rejected(
                RejectedRow(
                    file: file, line: record.line, patientID: nil, column: "", value: value,
                    reason: "unterminated quoted field (the file ends inside quotes)"))
        }
        if (0..<record.count).allSatisfy({ CellParser.isBlank(record.field($0)) }) { return .blank }
        if record.count > count {
            let extra = CellParser.stored(UnsafeBufferPointer(rebasing: record.bytes[record.range(of: count).lowerBound...]))
            return .rejected(
                RejectedRow(
                    file: file, line: record.line, patientID: patientID(record), column: "", value: extra,
                    reason: "row has \(record.count) fields, header has \(count)"))
        }
        return .cells(isShort: record.count < count)
    }
}
