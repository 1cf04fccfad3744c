import CaseloadModel

/// Settings for reading FHIR R4 inputs (docs/FORMATS.md, "FHIR R4").
public struct FHIROptions: Sendable, Equatable {
    /// The `Patient.identifier.system` whose `value` is the patient ID; `nil` (the default) takes the
    /// first identifier, and a Patient without identifiers goes by its logical `id`.
    public var patientIdentifierSystem: String?
    /// `Procedure.code` codings that mark an exercise session, each `system|code`.
    public var exerciseProcedureCodes: Set<String>

    /// SNOMED CT 229065009 "Exercise therapy".
    public static let defaultExerciseProcedureCodes: Set<String> = ["\(FHIRVocabulary.snomed)|229065009"]

    /// Creates FHIR settings; the defaults take the first identifier and SNOMED CT 229065009.
    public init(
        patientIdentifierSystem: String? = nil,
        exerciseProcedureCodes: Set<String> = FHIROptions.defaultExerciseProcedureCodes
    ) {
        self.patientIdentifierSystem = patientIdentifierSystem
        self.exerciseProcedureCodes = exerciseProcedureCodes
    }
}

/// The code systems, codes and answer lists the FHIR reader knows. Sources in docs/FORMATS.md.
enum FHIRVocabulary {
    static let loinc = "http://loinc.org"
    static let snomed = "http://snomed.info/sct"

    /// `Observation.code` codings (`system|code`) that are a 0–10 pain score:
    /// LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    /// LOINC 38208-5 "Pain severity - Reported", SNOMED CT 225908003 "Pain score".
    static let painCodes: Set<String> = ["\(loinc)|72514-3", "\(loinc)|38208-5", "\(snomed)|225908003"]

    /// LOINC's answer list for 72514-3 (0–10), answer code → score, as expanded by tx.fhir.org
    /// (LOINC 2.82) in HL7 Belgium's patient-monitoring IG, ValueSet `pain-scale`. LA6113-0's
    /// display there is "2 or more" (the answer's LOINC-wide name); in this list it is the score 2.
    static let painAnswers: [String: Double] = [
        "LA6111-4": 0, "LA6112-2": 1, "LA6113-0": 2, "LA6114-8": 3, "LA6115-5": 4, "LA10137-0": 5,
        "LA10138-8": 6, "LA10139-6": 7, "LA10140-4": 8, "LA10141-2": 9, "LA13942-0": 10,
    ]

    /// Observation statuses whose value is used; `entered-in-error`, `cancelled`, `preliminary`
    /// and the rest are rejected with the status as the reason.
    static let usableObservationStatuses: Set<String> = ["final", "amended", "corrected"]

    /// CarePlan statuses read for roster facts.
    static let usableCarePlanStatuses: Set<String> = ["active", "completed"]

    /// EpisodeOfCare statuses read for roster facts (`finished` ends the episode: discharge).
    static let usableEpisodeStatuses: Set<String> = ["active", "finished"]
}

extension JSONNode {
    /// The member `key` of an object node.
    subscript(_ key: String) -> JSONNode? { value[key] }

    /// The text of a string node, trimmed; `nil` for anything else or an empty string.
    var text: String? {
        guard case .string(let s) = value else { return nil }
        let t = s.trimmingSpaces
        return t.isEmpty ? nil : t
    }

    /// The elements of an array node; empty for anything else.
    var elements: [JSONNode] {
        guard case .array(let list) = value else { return [] }
        return list
    }

    /// True for an object node.
    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// `system|code` of every coding of a CodeableConcept node.
    var codings: [(system: String, code: String, display: String?)] {
        self["coding"]?.elements.compactMap { coding in
            guard let code = coding["code"]?.text else { return nil }
            return (coding["system"]?.text ?? "", code, coding["display"]?.text)
        } ?? []
    }

    /// A HumanName list's display: the first name's `text`, else its prefix, given and family names.
    var humanName: String? {
        for name in elements {
            if let text = name["text"]?.text { return text }
            var parts: [String] = []
            parts += name["prefix"]?.elements.compactMap(\.text) ?? []
            parts += name["given"]?.elements.compactMap(\.text) ?? []
            if let family = name["family"]?.text { parts.append(family) }
            if !parts.isEmpty { return parts.joined(separator: " ") }
        }
        return nil
    }
}
