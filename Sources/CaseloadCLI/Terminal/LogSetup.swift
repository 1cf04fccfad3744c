import Foundation
import Logging

/// Log messages on stderr as `caseload: <level>: message`, without timestamps: the reader is
/// a clinician at a terminal or a scheduler's log, which stamps lines itself.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let details = merged.isEmpty ? "" : " (" + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: " ") + ")"
        FileHandle.standardError.write(Data("caseload: \(event.level): \(event.message)\(details)\n".utf8))
    }
}

/// The process's logging: set up once, at the level the options ask for.
enum Log {
    /// The CLI's logger.
    static let logger = Logger(label: "caseload")

    /// The level for the options: debug with `--verbose`, error with `--quiet`, else warning.
    static func level(verbose: Bool, quiet: Bool) -> Logger.Level {
        if verbose { return .debug }
        if quiet { return .error }
        return .warning
    }

    /// Routes swift-log to stderr at `level`. Call once, before the first message.
    static func setUp(level: Logger.Level) {
        LoggingSystem.bootstrap { _ in StderrLogHandler(logLevel: level) }
    }
}
