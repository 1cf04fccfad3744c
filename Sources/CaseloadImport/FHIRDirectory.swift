import CaseloadModel
import Foundation

/// What a `.json` or `.ndjson` input is, found from its content (``FHIRDirectory/classify(_:)``).
enum FHIRFileKind: Equatable {
    /// A `.json` FHIR Bundle, single resource or plain array of resources (`resourceType` at the
    /// top level or in the array's first element).
    case resources
    /// An `.ndjson` file whose first line is a FHIR resource, or one a Bulk Data manifest lists.
    case ndjson
    /// A Bulk Data export manifest (`output: [{type, url}]`), with the file names it lists.
    case bulkManifest([(type: String, file: String)])
    /// A Bulk Data export log (`exportId`, `eventId`), not data.
    case bulkLog
    /// A caseload report's own `manifest.json` (`"tool": "caseload"`).
    case reportManifest

    static func == (lhs: FHIRFileKind, rhs: FHIRFileKind) -> Bool {
        switch (lhs, rhs) {
        case (.resources, .resources), (.ndjson, .ndjson), (.bulkLog, .bulkLog), (.reportManifest, .reportManifest):
            true
        case (.bulkManifest(let a), .bulkManifest(let b)):
            a.map(\.type) == b.map(\.type) && a.map(\.file) == b.map(\.file)
        default: false
        }
    }

    /// True for the kinds that hold resources.
    var holdsResources: Bool { self == .resources || self == .ndjson }
}

/// The patients, practitioners and care teams of every FHIR input, gathered before any row is read
/// so that a reference resolves whatever the file order (a Bulk export's `Observation.ndjson` sorts
/// before its `Patient.ndjson`).
struct FHIRDirectory: Sendable {
    /// A patient as the review knows them.
    struct PatientInfo: Equatable, Sendable {
        /// The configured identifier's value, else the first identifier's, else the logical id.
        var id: String
        var name: String?
    }

    let identifierSystem: String?
    /// By reference: `Patient/<id>` and the Bundle `fullUrl` (`urn:uuid:…`, absolute URLs).
    private(set) var patients: [String: PatientInfo] = [:]
    /// By identifier, `system|value`.
    private(set) var patientsByIdentifier: [String: PatientInfo] = [:]
    /// Practitioner names by reference.
    private(set) var practitioners: [String: String] = [:]
    /// A CareTeam's member references in order, by the team's reference.
    private(set) var careTeamMembers: [String: [String]] = [:]
    /// Patient details (names) in the order first seen, for the roster.
    private(set) var patientOrder: [PatientInfo] = []

    init(identifierSystem: String?) {
        self.identifierSystem = identifierSystem
    }

    /// `Type/id` of a reference: the last two segments of a relative or absolute URL, without
    /// `/_history/…`; `urn:` references are returned as written.
    static func key(_ reference: String) -> String {
        if reference.hasPrefix("urn:") { return reference }
        var parts = reference.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if let history = parts.lastIndex(of: "_history") { parts.removeSubrange(history...) }
        guard parts.count >= 2 else { return reference }
        return parts[parts.count - 2] + "/" + parts[parts.count - 1]
    }

    /// Takes in one resource (and, for a Bundle, the resources it holds).
    mutating func collect(_ resource: JSONNode, fullUrl: String?) {
        guard let type = resource["resourceType"]?.text else { return }
        let id = resource["id"]?.text
        var refs: [String] = []
        if let id { refs.append(type + "/" + id) }
        if let fullUrl { refs.append(fullUrl) }
        switch type {
        case "Bundle":
            for entry in resource["entry"]?.elements ?? [] {
                if let inner = entry["resource"] { collect(inner, fullUrl: entry["fullUrl"]?.text) }
            }
        case "Patient":
            let identifiers = resource["identifier"]?.elements ?? []
            let chosen =
                identifierSystem.flatMap { system in identifiers.first { $0["system"]?.text == system && $0["value"]?.text != nil } }
                ?? identifiers.first { $0["value"]?.text != nil }
            guard let patientID = chosen?["value"]?.text ?? id else { return }
            let info = PatientInfo(id: patientID, name: resource["name"]?.humanName)
            if !refs.contains(where: { patients[$0] != nil }) { patientOrder.append(info) }
            for ref in refs where patients[ref] == nil { patients[ref] = info }
            for identifier in identifiers {
                guard let value = identifier["value"]?.text else { continue }
                let key = (identifier["system"]?.text ?? "") + "|" + value
                if patientsByIdentifier[key] == nil { patientsByIdentifier[key] = info }
            }
        case "Practitioner":
            guard let name = resource["name"]?.humanName else { return }
            for ref in refs where practitioners[ref] == nil { practitioners[ref] = name }
        case "CareTeam":
            let members = resource["participant"]?.elements.compactMap { $0["member"]?["reference"]?.text } ?? []
            for ref in refs where careTeamMembers[ref] == nil { careTeamMembers[ref] = members }
        default:
            return
        }
    }

    /// How a `subject` (or `patient`) reference resolved.
    enum Resolution {
        case patient(PatientInfo)
        /// Unresolved: the JSON path's last key and the value to show.
        case unknown(key: String, value: String)
        case missing
    }

    /// Resolves a Reference node: `reference` (`Patient/<id>`, a Bundle `fullUrl`, an absolute URL)
    /// or `identifier` (a known Patient's identifier; otherwise its value is the patient ID when its
    /// system is the configured one, or no system is configured).
    func patient(_ node: JSONNode?) -> Resolution {
        guard let node else { return .missing }
        if let reference = node["reference"]?.text {
            if let info = patients[reference] ?? patients[FHIRDirectory.key(reference)] { return .patient(info) }
            return .unknown(key: "reference", value: reference)
        }
        if let identifier = node["identifier"], let value = identifier["value"]?.text {
            let system = identifier["system"]?.text ?? ""
            if let info = patientsByIdentifier[system + "|" + value] { return .patient(info) }
            if identifierSystem == nil || identifierSystem == system { return .patient(PatientInfo(id: value)) }
            return .unknown(key: "identifier.value", value: system + "|" + value)
        }
        return .missing
    }

    /// A Practitioner's name by reference, `nil` when unknown.
    func practitionerName(_ reference: String) -> String? {
        practitioners[reference] ?? practitioners[FHIRDirectory.key(reference)]
    }

    /// The name of a CareTeam's first member that is a known Practitioner, by the team's reference
    /// (Synthea lists the patient first, then the practitioner, then the organisation).
    func careTeamPractitionerName(_ reference: String) -> String? {
        let members = careTeamMembers[reference] ?? careTeamMembers[FHIRDirectory.key(reference)] ?? []
        return members.lazy.compactMap { practitionerName($0) }.first
    }
}

// MARK: Detection

extension FHIRDirectory {
    /// How many bytes of a `.json` file are scanned for its top-level keys.
    static let sniffBytes = 64 << 10
    /// Manifests larger than this are not parsed for detection.
    static let manifestLimit = 16 << 20

    /// What each `.json`/`.ndjson` input is, by content; inputs absent from the answer are read by
    /// extension as before. An `.ndjson` a Bulk Data manifest lists (by the last path segment of its
    /// `url`, in the manifest's folder) is FHIR whatever its first line.
    static func classify(_ paths: [String]) -> [String: FHIRFileKind] {
        var kinds: [String: FHIRFileKind] = [:]
        for path in paths {
            switch InputFormat(path: path) {
            case .json: if let kind = classifyJSON(path) { kinds[path] = kind }
            case .ndjson: if let kind = classifyNDJSON(path) { kinds[path] = kind }
            default: break
            }
        }
        for (path, kind) in kinds {
            guard case .bulkManifest(let outputs) = kind else { continue }
            let folder = (path as NSString).deletingLastPathComponent
            for output in outputs {
                let listed = folder.isEmpty ? output.file : folder + "/" + output.file
                if paths.contains(listed), kinds[listed] == nil || kinds[listed] == .bulkLog { kinds[listed] = .ndjson }
            }
        }
        return kinds
    }

    private static func prefix(of path: String, limit: Int, untilNewline: Bool) -> [UInt8]? {
        guard var reader = try? FileChunkReader(path: path, chunkSize: min(limit, FileChunkReader.defaultChunkSize))
        else { return nil }
        var bytes: [UInt8] = []
        while bytes.count < limit {
            guard let chunk = try? reader.next(), !chunk.isEmpty else { break }
            bytes.append(contentsOf: chunk)
            if untilNewline, chunk.contains(UInt8(ascii: "\n")) { break }
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes
    }

    static func classifyJSON(_ path: String) -> FHIRFileKind? {
        guard let head = prefix(of: path, limit: sniffBytes, untilNewline: false) else { return nil }
        let keys = topLevelKeys(head)
        if keys.contains("resourceType") || firstElementKeys(head).contains("resourceType") { return .resources }
        guard keys.contains("output") || keys.contains("tool") else { return nil }
        guard let whole = prefix(of: path, limit: manifestLimit, untilNewline: false), whole.count < manifestLimit
        else { return nil }
        var parser = JSONParser(bytes: whole)
        guard let node = try? parser.parseValue(depth: 0) else { return nil }
        if node["tool"]?.text == "caseload" { return .reportManifest }
        let outputs = node["output"]?.elements.compactMap { output -> (type: String, file: String)? in
            guard let type = output["type"]?.text, let url = output["url"]?.text,
                  let last = url.split(separator: "/").last
            else { return nil }
            return (type, String(last))
        } ?? []
        return outputs.isEmpty ? nil : .bulkManifest(outputs)
    }

    static func classifyNDJSON(_ path: String) -> FHIRFileKind? {
        guard let head = prefix(of: path, limit: 4 << 20, untilNewline: true) else { return nil }
        var start = 0
        while start < head.count {
            let end = head[start...].firstIndex(of: UInt8(ascii: "\n")) ?? head.count
            var parser = JSONParser(bytes: head, start: start, end: end)
            parser.skipWhitespace()
            if parser.isAtEnd {
                start = end + 1
                continue
            }
            guard let node = try? parser.parseValue(depth: 0) else { return nil }
            if node["resourceType"]?.text != nil { return .ndjson }
            if node["exportId"] != nil && node["eventId"] != nil { return .bulkLog }
            return nil
        }
        return nil
    }

    /// The keys of the first element of a top-level JSON array in `bytes` (a plain array of
    /// resources), empty when `bytes` do not start with an array of objects.
    static func firstElementKeys(_ b: [UInt8]) -> Set<String> {
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        var i = 0
        while i < b.count, isSpace(b[i]) { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "[") else { return [] }
        i += 1
        while i < b.count, isSpace(b[i]) { i += 1 }
        return topLevelKeys(Array(b[i...]))
    }

    /// The keys of a JSON object's top level found in `bytes` (which may stop mid-document).
    static func topLevelKeys(_ b: [UInt8]) -> Set<String> {
        var i = 0
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return [] }
        i += 1
        var depth = 1
        var expectKey = true
        var keys: Set<String> = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let start = i + 1
                i += 1
                while i < b.count && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < b.count else { break }
                if depth == 1 && expectKey {
                    keys.insert(String(decoding: b[start..<i], as: UTF8.self))
                    expectKey = false
                }
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { break }
            } else if c == UInt8(ascii: ","), depth == 1 {
                expectKey = true
            }
            i += 1
        }
        return keys
    }
}
