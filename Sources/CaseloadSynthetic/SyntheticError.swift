/// A failure to write the synthetic caseload: which file and why.
public struct SyntheticError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or folder that could not be written.
    public var path: String
    /// A short sentence a person can act on.
    public var reason: String

    /// Creates an error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, as printed to stderr.
    public var description: String { "\(path): \(reason)" }
}
