/// A report could not be written: which file, and why.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    /// The output file or folder concerned.
    public var path: String
    /// What went wrong, in words.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
