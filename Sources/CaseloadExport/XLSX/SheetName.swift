/// Excel's rules for worksheet names, applied to names made from data (patient IDs).
///
/// A valid name has 1–31 characters, none of `[ ] : * ? / \`, does not start or end
/// with an apostrophe, and is not `History` (reserved by Excel). Names are compared
/// case-insensitively, so `p001` and `P001` cannot both exist.
public enum SheetName {
    /// The longest name Excel accepts, in characters (UTF-16 units).
    public static let maxLength = 31
    /// Characters Excel forbids in a sheet name.
    public static let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]

    /// `raw` made valid: forbidden and control characters become `_`, leading and
    /// trailing apostrophes and spaces are dropped, the result is cut to 31 characters,
    /// and an empty result becomes `Sheet`. Uniqueness is not considered here.
    public static func sanitized(_ raw: String) -> String {
        var text = String(raw.map { ch -> Character in
            if forbidden.contains(ch) { return "_" }
            if ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "_" }
            return ch
        })
        text = trimmed(text)
        text = cut(text, to: maxLength)
        text = trimmed(text)
        if text.isEmpty { return "Sheet" }
        if text.lowercased() == "history" { return text + "_" }
        return text
    }

    /// `text` cut on character boundaries to at most `limit` UTF-16 units.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var used = 0
        var result = ""
        for ch in text {
            let width = String(ch).utf16.count
            if used + width > limit { break }
            used += width
            result.append(ch)
        }
        return result
    }

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == "'" || first == " " { slice = slice.dropFirst() }
        while let last = slice.last, last == "'" || last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Hands out valid sheet names that are unique case-insensitively, suffixing ` (2)`, ` (3)`… on clashes.
struct SheetNamer: Sendable {
    private var used: Set<String> = []

    /// A valid name not yet used; it is reserved.
    mutating func unique(_ raw: String) -> String {
        let base = SheetName.sanitized(raw)
        if !used.contains(base.lowercased()) {
            reserve(base)
            return base
        }
        var n = 2
        while true {
            let suffix = " (\(n))"
            let stem = SheetName.cut(base, to: SheetName.maxLength - suffix.utf16.count)
            let candidate = stem + suffix
            if !used.contains(candidate.lowercased()) {
                reserve(candidate)
                return candidate
            }
            n += 1
        }
    }

    /// Marks a name as taken.
    mutating func reserve(_ name: String) {
        used.insert(name.lowercased())
    }

    /// True when the name (case-insensitively) is taken.
    func contains(_ name: String) -> Bool { used.contains(name.lowercased()) }
}
