import CaseloadModel
import Crypto
import Foundation

/// Replaces patient identifiers by keyed tokens and drops names and free text, so a
/// report can go to an audit without identifying anyone.
///
/// A token is `p-` followed by the first 16 hex digits (64 bits) of
/// HMAC-SHA256(key, patient ID as UTF-8). The same key always gives the same token for
/// the same ID, so reports of successive weeks can be compared; without the key a token
/// cannot be turned back into an ID or recomputed from a guessed ID.
///
/// What changes in an ``ImportResult``:
/// - every patient ID (the folded log, the roster, rejected rows, file warnings) becomes its token;
/// - roster display names are dropped; clinicians, dates and prescriptions are kept;
/// - a rejected row's value becomes a token when its column is the patient ID, is kept when
///   the column holds a date, a number or a category (and the value is not itself a known ID
///   or name), and is dropped otherwise (notes, display names, session IDs, whole lines);
///   a dropped value is also cut out of the row's reason.
///
/// Free-text notes are never stored in the folded log, so they reach a report only through
/// rejected rows, where they are dropped. File paths and the command line are kept as given:
/// name input files without identifiers.
///
/// Collisions: with 64-bit tokens, the chance that two of `n` distinct IDs share a token is
/// about n² / 2⁶⁵ (4 × 10⁻¹¹ for 40,000 patients). A collision is detected and reported as
/// an error rather than merging two patients.
public struct Pseudonymizer: Sendable {
    /// The fewest key bytes accepted (the HMAC-SHA256 block of security, 256 bits).
    public static let minimumKeyBytes = 32

    /// The key bytes (kept as `Data`, which is `Sendable`; `SymmetricKey` is not).
    private let key: Data
    /// Hex digits kept from the HMAC (16 = 64 bits); only tests shorten it, to force a collision.
    var tokenDigits = 16

    /// Creates a pseudonymizer with a secret key.
    /// - Parameter key: at least ``minimumKeyBytes`` bytes, e.g. from `head -c 32 /dev/urandom`.
    /// - Throws: ``ImportError`` (file `key`) when the key is shorter.
    public init(key: Data) throws {
        guard key.count >= Pseudonymizer.minimumKeyBytes else {
            throw ImportError(file: "key", reason: Pseudonymizer.shortKeyReason(key.count))
        }
        self.key = key
    }

    /// Creates a pseudonymizer with the key stored in a file (its bytes, as they are).
    /// - Parameter path: the key file.
    /// - Throws: ``ImportError`` naming the file when it cannot be read or holds fewer than
    ///   ``minimumKeyBytes`` bytes.
    public init(keyFile path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ImportError(file: path, reason: "key file not found")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, reason: "cannot read the key file")
        }
        guard data.count >= Pseudonymizer.minimumKeyBytes else {
            throw ImportError(file: path, reason: Pseudonymizer.shortKeyReason(data.count))
        }
        self.key = data
    }

    private static func shortKeyReason(_ count: Int) -> String {
        "the pseudonymisation key holds \(count) bytes; it needs at least \(minimumKeyBytes) "
            + "(make one with: head -c 32 /dev/urandom > key)"
    }

    /// The token for one patient ID: `p-` and 16 lower-case hex digits.
    public func token(for patientID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(patientID.utf8), using: SymmetricKey(data: key))
        var text = "p-"
        for byte in mac.prefix(8) {
            text += String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
        return String(text.prefix(2 + tokenDigits))
    }

    /// The result with every patient ID replaced by its token and names and notes dropped.
    /// - Throws: ``ImportError`` (file `key`) when two distinct IDs get the same token.
    /// - Complexity: O(patients + rejected rows + warnings), one HMAC per distinct ID.
    public func pseudonymize(_ result: ImportResult) throws -> ImportResult {
        var ids = Set(result.roster.keys)
        ids.formUnion(result.builder.patientIDs)
        // A shard's result also names the patients it met but did not keep: their tokens word the
        // warnings (read from whole files) and the collision check as a run of everyone would.
        ids.formUnion(result.otherPatientIDs)
        for row in result.rejected { if let id = row.patientID { ids.insert(id) } }
        for score in result.proms { ids.insert(score.patientID) }
        var tokens: [String: String] = [:]
        var owners: [String: String] = [:]
        for id in ids.sorted() {
            let token = token(for: id)
            if let other = owners[token] {
                throw ImportError(
                    file: "key", reason: "patients '\(other)' and '\(id)' get the same token \(token); use another key")
            }
            owners[token] = id
            tokens[id] = token
        }
        func tokenized(_ id: String) -> String { tokens[id] ?? token(for: id) }
        let names = Set(result.roster.values.compactMap(\.displayName)).union(result.otherDisplayNames)

        var out = result
        out.builder = result.builder.renamingPatients { tokens[$0] ?? $0 }
        out.proms = result.proms.map { score in
            var clean = score
            clean.patientID = tokenized(score.patientID)
            return clean
        }
        out.roster = Dictionary(
            uniqueKeysWithValues: result.roster.map { id, entry in
                var clean = entry
                clean.patientID = tokenized(id)
                clean.displayName = nil
                return (clean.patientID, clean)
            })
        out.rejected = result.rejected.map { row in
            var clean = row
            clean.patientID = row.patientID.map(tokenized)
            clean.reason = Pseudonymizer.replacingWords(in: row.reason, tokens)
            let trimmed = row.value.trimmingSpaces
            switch Pseudonymizer.kind(ofColumn: row.column) {
            case .patientID:
                clean.value = trimmed.isEmpty ? row.value : tokenized(trimmed)
                if !trimmed.isEmpty {
                    clean.reason = Pseudonymizer.replacingWords(in: clean.reason, [trimmed: clean.value])
                }
            case .safe where tokens[trimmed] == nil && !names.contains(trimmed) && Pseudonymizer.isStructured(trimmed):
                break
            case .safe, .dropped:
                clean.value = ""
                // Whole words only for short values, so a value `1` does not garble `pain 11`.
                if trimmed.count >= Pseudonymizer.minimumCutLength {
                    clean.reason = clean.reason.replacingOccurrences(of: trimmed, with: "[removed]")
                } else if !trimmed.isEmpty {
                    clean.reason = Pseudonymizer.replacingWords(in: clean.reason, [trimmed: "[removed]"])
                }
            }
            return clean
        }
        out.inputs = result.inputs.map { input in
            var clean = input
            clean.warnings = input.warnings.map { Pseudonymizer.replacingWords(in: $0, tokens) }
            return clean
        }
        return out
    }

    private enum ColumnKind { case patientID, safe, dropped }

    /// Columns whose values are dates, numbers, categories or clinical names, never identifiers: every
    /// log column of the field table whose kind is not text, the exercise's name, and the roster's
    /// and PROM file's columns of those kinds.
    private static let safeColumns: Set<String> = Set(
        LogColumn.allCases.filter { !$0.kind.isText || $0 == .exercise }.map(\.name)
            + ["clinician", "program_start", "sessions_per_week", "discharge_date", "score"])

    /// What to do with a rejected value in `column` (a CSV header or a JSON path such as
    /// `sessions[2].exercises[0].pain_during`).
    private static func kind(ofColumn column: String) -> ColumnKind {
        if column == "patient_id" || column == "patient.id" || column.hasSuffix(".patient_id") { return .patientID }
        let last = column.split(separator: ".").last.map(String.init) ?? column
        if last == "name" && column.contains("exercises[") { return .safe }
        return safeColumns.contains(last) ? .safe : .dropped
    }

    /// True for a short value made only of digits and date/number punctuation (`2026-02-30`, `-1`,
    /// `12,5`, `07:30+01:00`): a rejected value in a number or date column may be any free text
    /// (`call Jane Roe on 555-0199`), so only such values are kept in a pseudonymised report.
    static func isStructured(_ value: String) -> Bool {
        value.count <= 32 && value.unicodeScalars.allSatisfy { "0123456789.,:/+-TZtz ".unicodeScalars.contains($0) }
    }

    /// Dropped values at least this long are cut out of reasons wherever they stand.
    private static let minimumCutLength = 4

    /// `text` with every space-separated word that is a known ID replaced by its token
    /// (quotes and brackets around the word, and `:` `,` `.` after it, are kept).
    private static func replacingWords(in text: String, _ tokens: [String: String]) -> String {
        // IDs holding spaces (`Jane Doe`) are not single words: replace them as whole phrases first,
        // longest first, where they stand between non-alphanumeric characters (review finding).
        var text = text
        for (id, token) in tokens.filter({ $0.key.contains(" ") }).sorted(by: { $0.key.count > $1.key.count }) {
            text = replacingPhrase(id, with: token, in: text)
        }
        let opening: Set<Character> = ["'", "\"", "(", "["]
        let closing: Set<Character> = ["'", "\"", ")", "]", ":", ",", ".", ";"]
        return text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            if let token = tokens[String(word)] { return token }
            var core = Substring(word)
            var head = ""
            var tail = ""
            while let first = core.first, opening.contains(first) {
                head.append(first)
                core = core.dropFirst()
            }
            while let last = core.last, closing.contains(last) {
                tail = String(last) + tail
                core = core.dropLast()
            }
            if let token = tokens[String(core)] { return head + token + tail }
            return String(word)
        }.joined(separator: " ")
    }

    /// `text` with every occurrence of `phrase` that is not part of a longer word replaced.
    private static func replacingPhrase(_ phrase: String, with replacement: String, in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: phrase) {
            let before = range.lowerBound == rest.startIndex ? nil : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let bounded = !(before?.isLetter ?? false) && !(before?.isNumber ?? false)
                && !(after?.isLetter ?? false) && !(after?.isNumber ?? false)
            out += rest[..<range.lowerBound]
            out += bounded ? replacement : String(rest[range])
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
