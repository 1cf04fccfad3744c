import CaseloadAnalytics

/// Why a sharded run's plan, shard or merge cannot go on: the file concerned and what is wrong.
///
/// `isTransient` marks failures worth retrying (input/output errors on shared storage); the others
/// (a changed input, a mismatched plan, a broken balance) fail the same way every time.
public struct ShardError: Error, CustomStringConvertible, Sendable {
    /// The file or folder concerned.
    public var path: String
    /// What went wrong, in words.
    public var reason: String
    /// True when trying again may succeed (an I/O failure), false for a data or plan problem.
    public var isTransient: Bool

    /// Creates an error about `path`.
    public init(path: String, reason: String, isTransient: Bool = false) {
        self.path = path
        self.reason = reason
        self.isTransient = isTransient
    }

    public var description: String { "\(path): \(reason)" }
}

/// A merge's report reads the shards while it is written: their errors reach the user as they are.
extension ShardError: ReportSourceError {}
