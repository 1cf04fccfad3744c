import Foundation

/// Whether the process's standard streams are terminals, and whether colour is wanted.
enum Terminal {
    /// True when file descriptor `fd` is a terminal.
    static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// True when stdout is a terminal and `NO_COLOR` (https://no-color.org) is unset or empty.
    static func wantsColour(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard isTTY(STDOUT_FILENO) else { return false }
        return (environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// ANSI styling that does nothing when disabled, so plain output is the same text without escapes.
struct TextStyle: Sendable {
    /// True to emit ANSI escape sequences.
    var isEnabled: Bool

    /// Plain text: no escapes.
    static let plain = TextStyle(isEnabled: false)

    private func wrap(_ text: String, _ code: String) -> String {
        isEnabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Bold.
    func bold(_ text: String) -> String { wrap(text, "1") }
    /// Red, for the most urgent reasons.
    func red(_ text: String) -> String { wrap(text, "31") }
    /// Yellow, for reasons to look at and what is new this week.
    func yellow(_ text: String) -> String { wrap(text, "33") }
    /// Green, for good news.
    func green(_ text: String) -> String { wrap(text, "32") }
    /// Dim, for secondary detail.
    func dim(_ text: String) -> String { wrap(text, "2") }
}
