import Dispatch

/// `(0..<count).map(transform)`, computed on all cores (`DispatchQueue.concurrentPerform`):
/// each index is transformed exactly once, on any thread, and the results come back in index
/// order. Shared by the importer (JSON batches) and the analytics (patients); `transform` must
/// be safe to call from several threads at once.
public func concurrentMap<T>(count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    precondition(count >= 0, "a count is not negative")
    let slots = WriteOnceSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { slots.store(transform($0), at: $0) }
    return slots.values()
}

/// Write-once result slots filled from concurrent iterations, each index by exactly one.
private final class WriteOnceSlots<Value>: @unchecked Sendable {
    // Safety: every index is written by exactly one iteration of concurrentPerform, through a
    // raw buffer (no shared Swift access to track), and values() is read only after
    // concurrentPerform returned (it is synchronous).
    private let buffer: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ value: Value, at index: Int) {
        precondition(buffer.indices.contains(index), "slot out of range")
        buffer[index] = value
    }

    func values() -> [Value] {
        buffer.map { slot in
            guard let value = slot else { preconditionFailure("an index was not computed") }
            return value
        }
    }
}
