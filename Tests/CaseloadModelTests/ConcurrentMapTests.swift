import Synchronization
import Testing

@testable import CaseloadModel

@Suite struct ConcurrentMapTests {
    /// Results in index order, each index transformed exactly once, whatever the count.
    @Test(arguments: [0, 1, 2, 7, 1_000])
    func mapsEveryIndexOnceInOrder(_ count: Int) {
        let calls = Atomic<Int>(0)
        let seen = Mutex<[Int: Int]>([:])
        let results = concurrentMap(count: count) { index in
            calls.add(1, ordering: .relaxed)
            seen.withLock { $0[index, default: 0] += 1 }
            return "\(index * index)"
        }
        #expect(results == (0..<count).map { "\($0 * $0)" })
        #expect(calls.load(ordering: .relaxed) == count)
        #expect(seen.withLock { $0.values.allSatisfy { $0 == 1 } && $0.count == count })
    }
}
