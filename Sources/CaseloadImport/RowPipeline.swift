import Foundation
import Synchronization

/// A batch that can go round a ``BatchChannel``: emptied and reused rather than reallocated.
protocol PipelineBatch {
    init()
    /// Drops the contents, keeping the buffers.
    mutating func clear()
}

extension Array: PipelineBatch {
    mutating func clear() { removeAll(keepingCapacity: true) }
}

/// A bounded hand-off of batches from one producer thread to one consumer thread.
///
/// The CSV importer runs its stages joined by channels: a reading thread tokenizes, two
/// parsing threads validate rows and take their duplicate fingerprints (each fed every other
/// batch through a channel of its own), and the calling thread does the row accounting (keeping
/// or dropping each row as a duplicate, folding it into the builder) batch by batch in file
/// order, with the same result as a single thread.
/// At most `capacity` batches wait in each channel, so memory stays bounded, and emptied
/// batches go back to the producer (``recycle(_:)``), so the same few buffers go round.
final class BatchChannel<Batch: PipelineBatch>: @unchecked Sendable {
    // Safety: `batches`, `head`, `spare`, `isFinished` and `isAbandoned` are only touched while
    // `condition` is locked; a batch crosses threads exactly once each way, never shared.
    private let condition = NSCondition()
    private var batches: [Batch] = []
    private var head = 0
    private var isFinished = false
    private var isAbandoned = false
    private let capacity: Int
    /// Emptied batches handed back by the consumer, reused by the producer.
    private var spare: [Batch] = []

    /// A channel holding at most `capacity` (≥ 1) batches in flight.
    init(capacity: Int) {
        precondition(capacity >= 1, "capacity must be at least 1")
        self.capacity = capacity
    }

    /// Hands `batch` over and returns an empty one to fill next (a recycled one when there is
    /// one: a batch of rows is hundreds of kilobytes, which glibc would map and the kernel zero
    /// anew each time). Blocks while `capacity` batches are waiting. After ``abandon()`` the
    /// batch is dropped at once.
    func send(_ batch: inout Batch) {
        condition.lock()
        while batches.count - head >= capacity && !isAbandoned { condition.wait() }
        if !isAbandoned {
            batches.append(batch)
            condition.broadcast()
        }
        batch = spare.popLast() ?? Batch()
        condition.unlock()
    }

    /// True once the consumer gave up (see ``abandon()``): the producer may stop early.
    var wasAbandoned: Bool {
        condition.lock()
        defer { condition.unlock() }
        return isAbandoned
    }

    /// No more batches will be sent.
    func finish() {
        condition.lock()
        isFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer will receive nothing more (it failed): a producer blocked in ``send(_:)``
    /// is released, and later sends are dropped.
    func abandon() {
        condition.lock()
        isAbandoned = true
        batches.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in send order, or `nil` once the producer finished and all were received.
    func receive() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !isFinished && !isAbandoned { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = Batch()
        head += 1
        if head == batches.count {
            batches.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// Gives a received batch back for reuse (its contents dropped, its buffers kept).
    func recycle(_ batch: inout Batch) {
        batch.clear()
        condition.lock()
        if spare.count < capacity + 2 { spare.append(batch) }
        condition.unlock()
        batch = Batch()
    }
}

/// A value written by one thread before it finishes a ``BatchChannel`` and read by another
/// after `receive()` returned `nil` (the channel's lock orders the two).
final class HandOff<Value>: @unchecked Sendable {
    // Safety: written once by the producer before `finish()`, read once by the consumer after
    // the channel reported the end, so the lock inside the channel orders the accesses.
    var value: Value?

    init() {}
}

/// A count written by one thread and read by others (the rows accounted so far, for progress).
final class SharedCount: Sendable {
    private let atomic = Atomic<Int>(0)

    init() {}

    var value: Int { atomic.load(ordering: .relaxed) }

    func add(_ n: Int) { atomic.add(n, ordering: .relaxed) }
}

/// Tokenized CSV records, to cross from the reading thread to a parsing thread in one batch.
///
/// Records are taken over from the tokenizer, not copied: ``take(_:)`` swaps the tokenizer's record
/// with one of the batch's spare ones (emptied by the tokenizer before it reads on), so the same
/// record buffers (two arrays per record, some 20,000–40,000 records over the batches in flight
/// and recycled) go round the pipeline with no copy and no allocation per record. A spare whose
/// buffers grew past ``keptBytes`` (a record with long notes) is dropped rather than handed back,
/// so a few long records do not leave every slot holding a large buffer.
struct RecordBatch: PipelineBatch {
    /// The first `count` are the batch's records; any after them are spare buffers.
    private var records: [CSVRecord] = []
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    mutating func clear() { count = 0 }

    /// Takes `record` into the batch, leaving in its place a spare record (holding old contents
    /// the caller must empty before reuse, as the tokenizer does).
    mutating func take(_ record: inout CSVRecord) {
        if count == records.count { records.append(CSVRecord()) }
        swap(&record, &records[count])
        count += 1
        if record.bytes.capacity > RecordBatch.keptBytes || record.ends.capacity > RecordBatch.keptFields {
            record = CSVRecord()
        }
    }

    /// The largest record buffers a spare keeps (bytes, and field ends): several times a usual row.
    static let keptBytes = 1024
    static let keptFields = 128

    /// Appends a copy of `record`.
    mutating func append(_ record: CSVRecord) {
        var copy = record
        take(&copy)
    }

    /// Copies record `index` into `record`.
    func unpack(_ index: Int, into record: inout CSVRecord) {
        precondition(index < count, "record index out of range")
        record = records[index]
    }

    /// Calls `body` with each record's index and a view of it, in order, where it lies.
    func forEachView(_ body: (Int, RecordView) throws -> Void) rethrows {
        for index in 0..<count { try records[index].withView { try body(index, $0) } }
    }
}
