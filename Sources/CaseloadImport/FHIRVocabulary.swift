import CaseloadModel

/// Settings for reading FHIR R4 inputs (docs/FORMATS.md, "FHIR R4"): `[fhir]` in `caseload.toml`.
///
/// Every code is written `system|code`. The lists whose default is empty have no standard code
/// (docs/FORMATS.md says which searches found none): a clinic lists its own.
public struct FHIROptions: Sendable, Equatable {
    /// The `Patient.identifier.system` whose `value` is the patient ID; `nil` (the default) takes the
    /// first identifier, and a Patient without identifiers goes by its logical `id`.
    public var patientIdentifierSystem: String?
    /// `Procedure.code` codings that mark an exercise session.
    public var exerciseProcedureCodes: Set<String>
    /// `CarePlan.category` codings that mark the exercise programme's plan. A CarePlan gives roster
    /// facts only when it has one of these categories, or no category at all and an activity coded
    /// with one of ``exerciseProcedureCodes``.
    public var carePlanCategories: Set<String>
    /// `Observation.code` codings of a night-pain finding (yes/no).
    public var nightPainCodes: Set<String>
    /// `Observation.code` codings of a knee-swelling finding (yes/no).
    public var swellingCodes: Set<String>
    /// `Observation.code` codings of the readiness test's outcome (pass/fail); no standard code.
    public var readinessTestCodes: Set<String>
    /// `Observation.code` codings of a KOOS-PF score (0–100); no standard code.
    public var koosPFCodes: Set<String>
    /// `Observation.code` codings of an AKPS score (0–100); no standard code.
    public var akpsCodes: Set<String>
    /// `QuestionnaireResponse.questionnaire` canonical URLs (version ignored) of KOOS-PF.
    public var koosPFQuestionnaires: Set<String>
    /// `QuestionnaireResponse.questionnaire` canonical URLs (version ignored) of AKPS.
    public var akpsQuestionnaires: Set<String>
    /// The `linkId`s of the QuestionnaireResponse item holding the total score, first match wins;
    /// empty: the one item with a numeric answer.
    public var promScoreLinkIDs: [String]

    /// SNOMED CT 229065009 "Exercise therapy".
    public static let defaultExerciseProcedureCodes: Set<String> = ["\(FHIRVocabulary.snomed)|229065009"]
    /// SNOMED CT 91251008 "Physical therapy procedure" and 408869004 "Musculoskeletal care".
    public static let defaultCarePlanCategories: Set<String> = [
        "\(FHIRVocabulary.snomed)|91251008", "\(FHIRVocabulary.snomed)|408869004",
    ]
    /// SNOMED CT 36163009 "Night pain (finding)".
    public static let defaultNightPainCodes: Set<String> = ["\(FHIRVocabulary.snomed)|36163009"]
    /// SNOMED CT 299322007 "Swelling of knee joint (finding)".
    public static let defaultSwellingCodes: Set<String> = ["\(FHIRVocabulary.snomed)|299322007"]

    /// Creates FHIR settings; every default is documented on its property.
    public init(
        patientIdentifierSystem: String? = nil,
        exerciseProcedureCodes: Set<String> = FHIROptions.defaultExerciseProcedureCodes,
        carePlanCategories: Set<String> = FHIROptions.defaultCarePlanCategories,
        nightPainCodes: Set<String> = FHIROptions.defaultNightPainCodes,
        swellingCodes: Set<String> = FHIROptions.defaultSwellingCodes,
        readinessTestCodes: Set<String> = [], koosPFCodes: Set<String> = [], akpsCodes: Set<String> = [],
        koosPFQuestionnaires: Set<String> = [], akpsQuestionnaires: Set<String> = [], promScoreLinkIDs: [String] = []
    ) {
        self.patientIdentifierSystem = patientIdentifierSystem
        self.exerciseProcedureCodes = exerciseProcedureCodes
        self.carePlanCategories = carePlanCategories
        self.nightPainCodes = nightPainCodes
        self.swellingCodes = swellingCodes
        self.readinessTestCodes = readinessTestCodes
        self.koosPFCodes = koosPFCodes
        self.akpsCodes = akpsCodes
        self.koosPFQuestionnaires = koosPFQuestionnaires
        self.akpsQuestionnaires = akpsQuestionnaires
        self.promScoreLinkIDs = promScoreLinkIDs
    }

    /// The Observation code lists a clinic sets, by their `[fhir]` key, for overlap checks: a code
    /// may stand in one list only, and not be a pain or Physical Activity IG code.
    public var observationCodeLists: [(key: String, codes: Set<String>)] {
        [
            ("night_pain_codes", nightPainCodes), ("swelling_codes", swellingCodes),
            ("readiness_test_codes", readinessTestCodes), ("koos_pf_codes", koosPFCodes), ("akps_codes", akpsCodes),
        ]
    }

    /// The codes the reader itself gives a meaning (pain, exercise duration and activity, the panel).
    public static var fixedObservationCodes: Set<String> {
        FHIRVocabulary.painCodes.union(FHIRVocabulary.exerciseObservationCodes)
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

    /// QuestionnaireResponse statuses whose answers are used (R4 `questionnaire-answers-status`:
    /// in-progress, completed, amended, entered-in-error, stopped).
    static let usableQuestionnaireStatuses: Set<String> = ["completed", "amended"]

    // MARK: Physical Activity IG (hl7.fhir.us.physical-activity)

    static let ucum = "http://unitsofmeasure.org"
    /// LOINC 55411-3 "Exercise duration": a session whose `valueQuantity` is its length.
    static let exerciseDuration = "\(loinc)|55411-3"
    /// LOINC 73985-4 "Exercise activity": a session whose `valueCodeableConcept` names the activity.
    static let exerciseActivity = "\(loinc)|73985-4"
    /// The IG's activity-group panel (`hasMember`): `PAPanel` in the published IG's temporary code
    /// system, `ExercisePanel` in its ballot-era `temporary-codes`.
    static let exercisePanels: Set<String> = [
        "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes|PAPanel",
        "http://hl7.org/fhir/us/physical-activity/CodeSystem/temporary-codes|ExercisePanel",
    ]
    /// Every Observation code read as an exercise session.
    static var exerciseObservationCodes: Set<String> { exercisePanels.union([exerciseDuration, exerciseActivity]) }

    /// UCUM time units of an exercise duration, in minutes each.
    static let minutesPerUnit: [String: Double] = ["min": 1, "h": 60, "s": 1.0 / 60]

    /// Units (UCUM `code`, else `unit`) a 0–10 pain score or a 0–100 PROM score may carry: the UCUM
    /// annotation `{score}` (any case), the word `score`, and UCUM's unity `1`.
    static func isScoreUnit(_ unit: String) -> Bool {
        let u = unit.lowercased()
        return u == "{score}" || u == "score" || u == "1"
    }

    // MARK: Yes/no answers

    /// Yes/no answer codings (`system|code` → yes): SNOMED CT 373066001 "Yes" and 373067005 "No",
    /// HL7 v2 table 0136 `Y`/`N`.
    static let yesNo: [String: Bool] = [
        "\(snomed)|373066001": true, "\(snomed)|373067005": false,
        "http://terminology.hl7.org/CodeSystem/v2-0136|Y": true, "http://terminology.hl7.org/CodeSystem/v2-0136|N": false,
    ]
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
