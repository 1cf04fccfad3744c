import Foundation

/// A bounded hand-off of batches from one producer thread to one consumer thread.
///
/// The importer reads and validates a CSV file on one thread (tokenizer + row parser) while
/// the calling thread does the row accounting (duplicates, folding into the builder), so both
/// cores work and the rows are still accounted one by one in file order, exactly as a single
/// thread would. At most `capacity` batches wait in between, so memory stays bounded.
final class BatchChannel<Element>: @unchecked Sendable {
    // Safety: `batches`, `head` and `isFinished` are only touched while `condition` is locked;
    // the elements cross threads exactly once (sent, then received), never shared.
    private let condition = NSCondition()
    private var batches: [[Element]] = []
    private var head = 0
    private var isFinished = false
    private let capacity: Int

    /// A channel holding at most `capacity` (≥ 1) batches in flight.
    init(capacity: Int) {
        precondition(capacity >= 1, "capacity must be at least 1")
        self.capacity = capacity
    }

    /// Hands `batch` over; blocks while `capacity` batches are waiting.
    func send(_ batch: [Element]) {
        condition.lock()
        while batches.count - head >= capacity { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// No more batches will be sent.
    func finish() {
        condition.lock()
        isFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in send order, or `nil` once the producer finished and all were received.
    func receive() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !isFinished { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        if head == batches.count {
            batches.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return batch
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
