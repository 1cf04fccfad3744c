import CaseloadModel

/// An accepted row as a parsing thread hands it to the accounting: no strings, only what the
/// duplicate check and the fold need.
struct FoldedRow: Sendable {
    /// The patient's number in the parsing thread's ``PatientNumbering``.
    var patient: Int
    /// ``DuplicateFilter/fingerprint(_:key:)`` of the row, with ``DuplicateFilter/processKey``.
    var fingerprint: UInt64
    var contribution: DayContribution
}

extension FoldedRow {
    /// The row `entry` (read the general way) for the patient numbered `patient`.
    init(_ entry: LogEntry, patient: Int, key: FingerprintKey) {
        self.init(
            patient: patient, fingerprint: DuplicateFilter.fingerprint(entry, key: key),
            contribution: DayContribution(entry))
    }
}

/// One batch of rows read by a parsing thread: accepted rows reduced to ``FoldedRow``s and
/// rejected rows whole, each list in file order (how the two interleave is not kept: the
/// accounting does not need it), with the patient IDs the batch numbered first and the file
/// notes its rows gave. Blank records are not rows and leave nothing.
struct FoldedBatch: PipelineBatch {
    var accepted: [FoldedRow] = []
    var rejected: [RejectedRow] = []
    /// Patient IDs numbered for the first time in this batch, in number order (the parsing
    /// thread's numbers continue from batch to batch).
    var newPatients: [String] = []
    var notes = ReadNotes()
    /// The rows of `accepted` as read the general way, one each, when the importer keeps them
    /// (tests only; empty otherwise).
    var entries: [LogEntry] = []
    /// How many of `accepted` took the short way (`LogRowParser.quickRow`), for tests and benchmarks.
    var shortWayRows = 0

    init() {}

    mutating func clear() {
        shortWayRows = 0
        accepted.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        rejected.removeAll(keepingCapacity: true)
        newPatients.removeAll(keepingCapacity: true)
        notes = ReadNotes()
    }
}

/// A parsing thread's numbering of patient IDs: 0, 1, 2… in the order first met, so that rows can
/// cross to the accounting thread with a number instead of a string. The accounting thread maps
/// each thread's numbers to the builder's patient slots as the new IDs arrive.
struct PatientNumbering {
    private var numbers: [String: Int] = [:]
    /// The UTF-8 bytes of the last ID numbered, and its number: a patient's rows come together.
    private var lastBytes: [UInt8] = []
    private var lastNumber = -1

    init() {}

    /// The number of the patient whose ID is the ASCII `bytes`; a new ID is appended to `new`.
    @inline(__always)
    mutating func number(ascii bytes: UnsafeBufferPointer<UInt8>, newInto new: inout [String]) -> Int {
        if lastNumber >= 0 && lastBytes.hasSameBytes(as: bytes) { return lastNumber }
        return number(String(decoding: bytes, as: UTF8.self), newInto: &new)
    }

    /// The number of patient `id`; a new ID is appended to `new`.
    mutating func number(_ id: String, newInto new: inout [String]) -> Int {
        let found: Int
        if let known = numbers[id] {
            found = known
        } else {
            found = numbers.count
            numbers[id] = found
            new.append(id)
        }
        lastBytes.removeAll(keepingCapacity: true)
        lastBytes.append(contentsOf: id.utf8)
        lastNumber = found
        return found
    }
}
