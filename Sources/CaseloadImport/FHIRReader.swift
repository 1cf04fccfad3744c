import CaseloadModel

/// Why a resource is rejected: the JSON path of the bad value, the value as written, the reason.
struct FHIRProblem: Error {
    var column: String
    var value: String
    var reason: String
}

/// One FHIR resource read as a row: its identity for duplicate detection and what became of it.
struct FHIRRow {
    /// `type/id/versionId` when the resource has an `id`; the same key seen again is a duplicate.
    var key: String?
    var value: Value

    /// A log row (accepted or rejected), or an accepted PROM score.
    enum Value {
        case log(RowOutcome)
        /// A PROM score, with where it came from (for the rejection of a later, different score).
        case prom(PROMScore, line: Int, column: String)
    }

    init(key: String?, outcome: RowOutcome) {
        self.key = key
        value = .log(outcome)
    }

    init(key: String?, prom: PROMScore, line: Int, column: String) {
        self.key = key
        value = .prom(prom, line: line, column: column)
    }

    /// The log outcome, `nil` for a PROM score.
    var outcome: RowOutcome? {
        if case .log(let outcome) = value { return outcome }
        return nil
    }

    /// The patient the row is about, when known.
    var patientID: String? {
        switch value {
        case .log(.accepted(let entry)): entry.patientID
        case .log(.rejected(let row)): row.patientID
        case .log(.blank): nil
        case .prom(let score, _, _): score.patientID
        }
    }
}

/// Roster facts one CarePlan or EpisodeOfCare gives.
struct FHIRRosterFacts {
    var start: CalendarDate?
    var end: CalendarDate?
    var sessionsPerWeek: Double?
    var clinician: String?
}

/// What one resource comes to, decided without any state, so that the resources of a file can be
/// converted on all cores and applied in file order (``FHIRReader/apply(_:_:)``).
enum FHIRAction {
    case row(FHIRRow)
    /// A resource that is not a row, counted by this type.
    case ignored(String)
    /// A Bundle entry without a `resource`.
    case entryWithoutResource
    /// Roster facts for a patient, from the resource named by `source`.
    case roster(patient: String, facts: FHIRRosterFacts, source: String)
    /// A file warning.
    case note(String)
}

/// Turns FHIR R4 resources into actions (docs/FORMATS.md, "FHIR R4"): a pure function of the
/// resource, the settings and the ``FHIRDirectory``, safe to call from several threads.
///
/// Rows: pain Observations (``FHIRVocabulary/painCodes``) are check-ins carrying `pain`; exercise
/// Procedures (``FHIROptions/exerciseProcedureCodes``) and the Physical Activity IG's exercise
/// Observations (duration, activity, panel) are exercise rows; night-pain, swelling and
/// readiness-test Observations (``FHIROptions``) are check-ins carrying that symptom; KOOS-PF and
/// AKPS Observations and QuestionnaireResponses are PROM scores. CarePlan and EpisodeOfCare give
/// roster facts; Patient, Practitioner and CareTeam are read beforehand into the
/// ``FHIRDirectory``. Every other resource is counted by type.
struct FHIRConverter: Sendable {
    let file: String
    let options: FHIROptions
    let cells: CellParser
    let directory: FHIRDirectory

    /// The actions of one resource (a Bundle's entries in turn) found at JSON path `path` (`""` for
    /// a file's top level or an NDJSON line), appended to `actions`.
    func convert(_ resource: JSONNode, path: String, into actions: inout [FHIRAction]) {
        guard resource.isObject else {
            actions.append(.row(FHIRRow(key: nil, outcome: .rejected(RejectedRow(
                file: file, line: resource.line, patientID: nil, column: path,
                value: JSONLogReader.describe(resource.value), reason: "not a FHIR resource (not an object)")))))
            return
        }
        guard let type = resource["resourceType"]?.text else {
            actions.append(.row(FHIRRow(key: nil, outcome: .rejected(RejectedRow(
                file: file, line: resource.line, patientID: nil, column: join(path, "resourceType"), value: "",
                reason: "not a FHIR resource (no resourceType)")))))
            return
        }
        switch type {
        case "Bundle":
            for (i, entry) in (resource["entry"]?.elements ?? []).enumerated() {
                guard let inner = entry["resource"] else {
                    actions.append(.entryWithoutResource)
                    continue
                }
                convert(inner, path: join(path, "entry[\(i)].resource"), into: &actions)
            }
        case "Observation":
            actions.append(observation(resource, path: path))
        case "Procedure":
            if let name = exerciseName(resource) {
                actions.append(.row(FHIRRow(key: key(resource, type), outcome: exerciseRow(resource, name: name, path: path))))
            } else {
                actions.append(.ignored("Procedure (other codes)"))
            }
        case "QuestionnaireResponse":
            actions.append(questionnaireResponse(resource, path: path))
        case "CarePlan": actions.append(carePlan(resource, path: path))
        case "EpisodeOfCare": actions.append(episode(resource, path: path))
        case "Patient":
            // Read into the directory beforehand; one with neither id nor identifier cannot be referred to.
            if resource["id"]?.text == nil && !(resource["identifier"]?.elements.contains { $0["value"]?.text != nil } ?? false) {
                actions.append(.ignored("Patient (no id or identifier)"))
            }
        case "Practitioner", "CareTeam": break  // read into the directory beforehand
        default: actions.append(.ignored(type))
        }
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func key(_ resource: JSONNode, _ type: String) -> String? {
        guard let id = resource["id"]?.text else { return nil }
        return type + "/" + id + "/" + (resource["meta"]?["versionId"]?.text ?? "")
    }

    /// `system|code` of every coding of the CodeableConcept `node`.
    private func codes(_ node: JSONNode?) -> [String] {
        node?.codings.map { $0.system + "|" + $0.code } ?? []
    }

    private func exerciseName(_ resource: JSONNode) -> String? {
        guard let code = resource["code"] else { return nil }
        guard let match = code.codings.first(where: { options.exerciseProcedureCodes.contains($0.system + "|" + $0.code) })
        else { return nil }
        return code["text"]?.text ?? match.display ?? match.code
    }

    /// A rejection of the resource at `path`.
    private func reject(
        _ resource: JSONNode, _ column: String, _ value: String, _ reason: String, patient: String? = nil
    ) -> RowOutcome {
        .rejected(RejectedRow(
            file: file, line: resource.line, patientID: patient, column: column, value: value, reason: reason))
    }

    private func reject(_ resource: JSONNode, _ problem: FHIRProblem, patient: String? = nil) -> RowOutcome {
        reject(resource, problem.column, problem.value, problem.reason, patient: patient)
    }

    /// The patient a resource is about (`subject`, or `patient` for an EpisodeOfCare), or a rejection.
    private func patient(of resource: JSONNode, key: String, path: String) -> Result<FHIRDirectory.PatientInfo, FHIRProblem> {
        switch directory.patient(resource[key]) {
        case .patient(let info): return .success(info)
        case .missing:
            return .failure(FHIRProblem(
                column: join(path, key), value: "", reason: "no patient (\(key) has no reference or identifier)"))
        case .unknown(let inner, let value):
            return .failure(FHIRProblem(
                column: join(path, key + "." + inner), value: value, reason: "unknown patient reference \(value)"))
        }
    }

    /// A dateTime node read by the CSV date rules (the calendar date as written).
    private func date(_ node: JSONNode, column: String) -> Result<DateCell, FHIRProblem> {
        guard var text = node.text else { return .failure(FHIRProblem(column: column, value: "", reason: "no date")) }
        var ambiguous = false
        switch text.withUTF8({ cells.date($0, name: "date", ambiguous: &ambiguous) }) {
        case .value(let d): return .success(d)
        case .missing: return .failure(FHIRProblem(column: column, value: "", reason: "no date"))
        case .invalid(let reason): return .failure(FHIRProblem(column: column, value: text, reason: reason))
        }
    }

    // MARK: Observation

    /// What an Observation is, from its codes: pain, exercise, a symptom or a PROM, else ignored.
    private func observation(_ resource: JSONNode, path: String) -> FHIRAction {
        let codes = codes(resource["code"])
        func has(_ set: Set<String>) -> Bool { codes.contains { set.contains($0) } }
        let key = key(resource, "Observation")
        let outcome: RowOutcome
        if has(FHIRVocabulary.painCodes) {
            outcome = observationRow(resource, path: path) { painValue($0, path: path).map { .pain($0) } }
        } else if has(FHIRVocabulary.exercisePanels) {
            let name = resource["code"]?["text"]?.text ?? "Physical activity panel"
            outcome = observationRow(resource, path: path) { _ in .success(.exercise(name, minutes: nil)) }
        } else if codes.contains(FHIRVocabulary.exerciseDuration) {
            let name = resource["code"]?["text"]?.text ?? "Exercise duration"
            outcome = observationRow(resource, path: path) { r in
                exerciseMinutes(r, path: path).map { .exercise(name, minutes: $0) }
            }
        } else if codes.contains(FHIRVocabulary.exerciseActivity) {
            outcome = observationRow(resource, path: path) { r in
                activityName(r, path: path).map { .exercise($0, minutes: nil) }
            }
        } else if has(options.nightPainCodes) {
            outcome = observationRow(resource, path: path) { yesNo($0, path: path, name: "night pain").map { .nightPain($0) } }
        } else if has(options.swellingCodes) {
            outcome = observationRow(resource, path: path) { yesNo($0, path: path, name: "swelling").map { .swelling($0) } }
        } else if has(options.readinessTestCodes) {
            outcome = observationRow(resource, path: path) { readiness($0, path: path).map { .readiness($0) } }
        } else if has(options.koosPFCodes) || has(options.akpsCodes) {
            return .row(promObservation(resource, instrument: has(options.koosPFCodes) ? .koosPF : .akps, key: key, path: path))
        } else {
            return .ignored("Observation (other codes)")
        }
        return .row(FHIRRow(key: key, outcome: outcome))
    }

    /// What an Observation row carries.
    private enum Finding {
        case pain(Double)
        case exercise(String, minutes: Double?)
        case nightPain(Bool)
        case swelling(Bool)
        case readiness(ReadinessResult)
    }

    /// The status, patient and date of an Observation, then its value through `value`.
    private func observationRow(
        _ resource: JSONNode, path: String, _ value: (JSONNode) -> Result<Finding, FHIRProblem>
    ) -> RowOutcome {
        let who: FHIRDirectory.PatientInfo, when: DateCell
        switch statusPatientDate(resource, path: path) {
        case .success(let found): (who, when) = found
        case .failure(let failure): return reject(resource, failure.problem, patient: failure.patient)
        }
        let finding: Finding
        switch value(resource) {
        case .success(let f): finding = f
        case .failure(let problem): return reject(resource, problem, patient: who.id)
        }
        var entry = LogEntry(
            patientID: who.id, date: when.date, secondsOfDay: when.secondsOfDay, utcOffsetMinutes: when.utcOffsetMinutes)
        switch finding {
        case .pain(let v): entry.pain = v
        case .exercise(let name, let minutes):
            entry.exercise = name
            entry.durationMin = minutes
        case .nightPain(let v): entry.nightPain = v
        case .swelling(let v): entry.swelling = v
        case .readiness(let v): entry.readiness = v
        }
        return .accepted(entry)
    }

    private struct Failure: Error {
        var problem: FHIRProblem
        var patient: String?
    }

    /// An Observation's usable status, its patient and its `effective[x]` date, or why not.
    private func statusPatientDate(_ resource: JSONNode, path: String) -> Result<(FHIRDirectory.PatientInfo, DateCell), Failure> {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableObservationStatuses.contains(status) else {
            return .failure(Failure(problem: FHIRProblem(
                column: join(path, "status"), value: status,
                reason: status.isEmpty ? "no status" : "status \(status): only final, amended or corrected are used")))
        }
        let who: FHIRDirectory.PatientInfo
        switch patient(of: resource, key: "subject", path: path) {
        case .success(let info): who = info
        case .failure(let problem): return .failure(Failure(problem: problem))
        }
        let effective: (node: JSONNode, key: String)? =
            resource["effectiveDateTime"].map { ($0, "effectiveDateTime") }
            ?? resource["effectivePeriod"]?["start"].map { ($0, "effectivePeriod.start") }
            ?? resource["effectiveInstant"].map { ($0, "effectiveInstant") }
        guard let effective else {
            return .failure(Failure(problem: FHIRProblem(column: join(path, "effective[x]"), value: "", reason: "no date"), patient: who.id))
        }
        switch date(effective.node, column: join(path, effective.key)) {
        case .success(let d): return .success((who, d))
        case .failure(let problem): return .failure(Failure(problem: problem, patient: who.id))
        }
    }

    private func rating(_ text: String, column: String) -> Result<Double, FHIRProblem> {
        var text = text
        switch text.withUTF8({ cells.rating($0, name: "pain") }) {
        case .value(let v): return .success(v)
        case .missing: return .failure(FHIRProblem(column: column, value: "", reason: "no pain value"))
        case .invalid(let reason): return .failure(FHIRProblem(column: column, value: text, reason: reason))
        }
    }

    /// The unit of a Quantity node: its UCUM `code`, else its `unit` text, with the JSON key.
    private func unit(of quantity: JSONNode) -> (text: String, key: String)? {
        if let code = quantity["code"]?.text { return (code, "code") }
        if let unit = quantity["unit"]?.text { return (unit, "unit") }
        return nil
    }

    private func painValue(_ resource: JSONNode, path: String) -> Result<Double, FHIRProblem> {
        if let node = resource["valueInteger"] {
            return rating(number(node), column: join(path, "valueInteger"))
        }
        if let quantity = resource["valueQuantity"] {
            if let unit = unit(of: quantity), !FHIRVocabulary.isScoreUnit(unit.text) {
                return .failure(FHIRProblem(
                    column: join(path, "valueQuantity." + unit.key), value: unit.text,
                    reason: "pain in \(unit.text) is not a 0–10 score (unit {score}, or none)"))
            }
            guard let node = quantity["value"] else {
                return .failure(FHIRProblem(
                    column: join(path, "valueQuantity.value"), value: "", reason: "no pain value (valueQuantity has no value)"))
            }
            return rating(number(node), column: join(path, "valueQuantity.value"))
        }
        if let node = resource["valueString"] {
            return rating(node.text ?? "", column: join(path, "valueString"))
        }
        if let concept = resource["valueCodeableConcept"] {
            let column = join(path, "valueCodeableConcept")
            for coding in concept.codings where coding.system == FHIRVocabulary.loinc {
                if let score = FHIRVocabulary.painAnswers[coding.code] { return .success(score) }
            }
            let shown = concept.codings.map { $0.system + "|" + $0.code }.joined(separator: ", ")
            return .failure(FHIRProblem(
                column: column, value: shown,
                reason: "pain answer \(shown.isEmpty ? "(no coding)" : shown) is not on LOINC's 0–10 answer list for 72514-3"))
        }
        return .failure(noValue(resource, path: path, what: "pain", kind: "a number"))
    }

    /// The rejection of an Observation without a usable value: another `value[x]` type, or a
    /// `dataAbsentReason`, or nothing.
    private func noValue(_ resource: JSONNode, path: String, what: String, kind: String) -> FHIRProblem {
        for member in resourceKeys(resource) where member.hasPrefix("value") {
            return FHIRProblem(column: join(path, member), value: "…", reason: "\(what) as \(member) is not \(kind)")
        }
        if let absent = resource["dataAbsentReason"] {
            let reason = absent.codings.first?.code ?? absent["text"]?.text ?? "?"
            return FHIRProblem(
                column: join(path, "dataAbsentReason"), value: reason, reason: "no \(what) value (dataAbsentReason \(reason))")
        }
        return FHIRProblem(column: join(path, "value[x]"), value: "", reason: "no \(what) value")
    }

    private func resourceKeys(_ resource: JSONNode) -> [String] {
        guard case .object(let members) = resource.value else { return [] }
        return members.map(\.key)
    }

    /// A number (or, leniently, a string) node's text; booleans and containers become text that
    /// the number rules reject.
    private func number(_ node: JSONNode) -> String {
        switch node.value {
        case .number(let n): n
        case .string(let s): s
        default: JSONLogReader.describe(node.value)
        }
    }

    /// Minutes of a 55411-3 Observation: `valueQuantity` in `min`, `h` or `s`.
    private func exerciseMinutes(_ resource: JSONNode, path: String) -> Result<Double, FHIRProblem> {
        guard let quantity = resource["valueQuantity"] else {
            return .failure(noValue(resource, path: path, what: "exercise duration", kind: "a Quantity"))
        }
        guard let unit = unit(of: quantity) else {
            return .failure(FHIRProblem(
                column: join(path, "valueQuantity.code"), value: "",
                reason: "exercise duration without a unit (min, h or s)"))
        }
        guard let perUnit = FHIRVocabulary.minutesPerUnit[unit.text] else {
            return .failure(FHIRProblem(
                column: join(path, "valueQuantity." + unit.key), value: unit.text,
                reason: "exercise duration in \(unit.text) is not a time (min, h or s)"))
        }
        let column = join(path, "valueQuantity.value")
        guard let node = quantity["value"] else {
            return .failure(FHIRProblem(column: column, value: "", reason: "no exercise duration value"))
        }
        var text = number(node)
        switch text.withUTF8({ cells.nonNegativeDecimal($0, name: "duration_min") }) {
        case .value(let v): return .success(v * perUnit)
        case .missing: return .failure(FHIRProblem(column: column, value: "", reason: "no exercise duration value"))
        case .invalid(let reason): return .failure(FHIRProblem(column: column, value: text, reason: reason))
        }
    }

    /// The activity a 73985-4 Observation names: `valueCodeableConcept.text`, else its first
    /// coding's display, else its code.
    private func activityName(_ resource: JSONNode, path: String) -> Result<String, FHIRProblem> {
        guard let concept = resource["valueCodeableConcept"] else {
            return .failure(noValue(resource, path: path, what: "exercise activity", kind: "a CodeableConcept"))
        }
        if let text = concept["text"]?.text { return .success(text) }
        if let first = concept.codings.first { return .success(first.display ?? first.code) }
        return .failure(FHIRProblem(
            column: join(path, "valueCodeableConcept"), value: "", reason: "exercise activity without a name or code"))
    }

    /// A yes/no finding: `valueBoolean`, a yes/no coding (``FHIRVocabulary/yesNo``), or
    /// `valueString` by the CSV boolean rule.
    private func yesNo(_ resource: JSONNode, path: String, name: String) -> Result<Bool, FHIRProblem> {
        if let node = resource["valueBoolean"] {
            if case .bool(let b) = node.value { return .success(b) }
            return .failure(FHIRProblem(
                column: join(path, "valueBoolean"), value: JSONLogReader.describe(node.value), reason: "\(name) is not true or false"))
        }
        if let concept = resource["valueCodeableConcept"] {
            for coding in concept.codings {
                if let answer = FHIRVocabulary.yesNo[coding.system + "|" + coding.code] { return .success(answer) }
            }
            let shown = concept.codings.map { $0.system + "|" + $0.code }.joined(separator: ", ")
            return .failure(FHIRProblem(
                column: join(path, "valueCodeableConcept"), value: shown,
                reason: "\(name) answer \(shown.isEmpty ? "(no coding)" : shown) is not a yes/no code"))
        }
        if let node = resource["valueString"] {
            var text = node.text ?? ""
            switch text.withUTF8({ cells.boolean($0, name: name.replacingOccurrences(of: " ", with: "_")) }) {
            case .value(let b): return .success(b)
            case .missing: return .failure(FHIRProblem(column: join(path, "valueString"), value: "", reason: "no \(name) value"))
            case .invalid(let reason): return .failure(FHIRProblem(column: join(path, "valueString"), value: text, reason: reason))
            }
        }
        return .failure(noValue(resource, path: path, what: name, kind: "yes or no"))
    }

    /// A readiness test's outcome: `valueString` or `valueCodeableConcept.text` `pass`/`fail`,
    /// `valueBoolean` (true = passed) or a yes/no coding (yes = passed).
    private func readiness(_ resource: JSONNode, path: String) -> Result<ReadinessResult, FHIRProblem> {
        func parse(_ text: String, column: String) -> Result<ReadinessResult, FHIRProblem> {
            var text = text
            switch text.withUTF8({ cells.readiness($0, name: "readiness_test") }) {
            case .value(let r): return .success(r)
            case .missing: return .failure(FHIRProblem(column: column, value: "", reason: "no readiness test value"))
            case .invalid(let reason): return .failure(FHIRProblem(column: column, value: text, reason: reason))
            }
        }
        if let node = resource["valueString"] { return parse(node.text ?? "", column: join(path, "valueString")) }
        if let concept = resource["valueCodeableConcept"] {
            // A yes/no coding first; else the concept's text (a local coding's text may say it).
            if concept.codings.contains(where: { FHIRVocabulary.yesNo[$0.system + "|" + $0.code] != nil }) || concept["text"]?.text == nil {
                return yesNo(resource, path: path, name: "readiness test").map { $0 ? .pass : .fail }
            }
            return parse(concept["text"]?.text ?? "", column: join(path, "valueCodeableConcept.text"))
        }
        if resource["valueBoolean"] != nil {
            return yesNo(resource, path: path, name: "readiness test").map { $0 ? .pass : .fail }
        }
        return .failure(noValue(resource, path: path, what: "readiness test", kind: "pass or fail"))
    }

    // MARK: PROMs

    /// A score read by the PROM file's rule: a number within the instrument's range 0–100.
    private func promScore(_ text: String, instrument: PROMInstrument, column: String) -> Result<Double, FHIRProblem> {
        var text = text.trimmingSpaces
        guard !text.isEmpty else { return .failure(FHIRProblem(column: column, value: "", reason: "no score")) }
        guard let value = text.withUTF8({ cells.number($0) }) else {
            return .failure(FHIRProblem(column: column, value: text, reason: "score \(text) is not a number"))
        }
        guard instrument.range.contains(value) else {
            return .failure(FHIRProblem(
                column: column, value: PlainNumber.text(value),
                reason: "score \(PlainNumber.text(value)) is outside \(instrument.rawValue)'s range 0–100"))
        }
        return .success(value)
    }

    private func promObservation(_ resource: JSONNode, instrument: PROMInstrument, key: String?, path: String) -> FHIRRow {
        let who: FHIRDirectory.PatientInfo, when: DateCell
        switch statusPatientDate(resource, path: path) {
        case .success(let found): (who, when) = found
        case .failure(let failure): return FHIRRow(key: key, outcome: reject(resource, failure.problem, patient: failure.patient))
        }
        let result: Result<Double, FHIRProblem>
        let column: String
        if let node = resource["valueInteger"] {
            column = join(path, "valueInteger")
            result = promScore(number(node), instrument: instrument, column: column)
        } else if let quantity = resource["valueQuantity"] {
            column = join(path, "valueQuantity.value")
            if let unit = unit(of: quantity), !FHIRVocabulary.isScoreUnit(unit.text) {
                result = .failure(FHIRProblem(
                    column: join(path, "valueQuantity." + unit.key), value: unit.text,
                    reason: "\(instrument.rawValue) in \(unit.text) is not a score (unit {score}, or none)"))
            } else {
                result = promScore(quantity["value"].map(number) ?? "", instrument: instrument, column: column)
            }
        } else if let node = resource["valueString"] {
            column = join(path, "valueString")
            result = promScore(node.text ?? "", instrument: instrument, column: column)
        } else {
            column = join(path, "value[x]")
            result = .failure(noValue(resource, path: path, what: "score", kind: "a number"))
        }
        switch result {
        case .success(let score):
            return FHIRRow(
                key: key, prom: PROMScore(patientID: who.id, date: when.date, instrument: instrument, score: score),
                line: resource.line, column: column)
        case .failure(let problem):
            return FHIRRow(key: key, outcome: reject(resource, problem, patient: who.id))
        }
    }

    /// A QuestionnaireResponse of a configured KOOS-PF or AKPS questionnaire: its total score.
    private func questionnaireResponse(_ resource: JSONNode, path: String) -> FHIRAction {
        guard let canonical = resource["questionnaire"]?.text else { return .ignored("QuestionnaireResponse (other questionnaires)") }
        let url = String(canonical.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let instrument: PROMInstrument
        if options.koosPFQuestionnaires.contains(url) {
            instrument = .koosPF
        } else if options.akpsQuestionnaires.contains(url) {
            instrument = .akps
        } else {
            return .ignored("QuestionnaireResponse (other questionnaires)")
        }
        let key = key(resource, "QuestionnaireResponse")
        func rejected(_ problem: FHIRProblem, _ patient: String? = nil) -> FHIRAction {
            .row(FHIRRow(key: key, outcome: reject(resource, problem, patient: patient)))
        }
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableQuestionnaireStatuses.contains(status) else {
            return rejected(FHIRProblem(
                column: join(path, "status"), value: status,
                reason: status.isEmpty ? "no status" : "status \(status): only completed or amended responses are used"))
        }
        let who: FHIRDirectory.PatientInfo
        switch patient(of: resource, key: "subject", path: path) {
        case .success(let info): who = info
        case .failure(let problem): return rejected(problem)
        }
        guard let authored = resource["authored"] else {
            return rejected(FHIRProblem(column: join(path, "authored"), value: "", reason: "no date"), who.id)
        }
        let when: DateCell
        switch date(authored, column: join(path, "authored")) {
        case .success(let d): when = d
        case .failure(let problem): return rejected(problem, who.id)
        }
        // Every item with its path, depth first (items nest in items and in answers).
        var items: [(node: JSONNode, path: String)] = []
        func walk(_ node: JSONNode?, _ at: String) {
            for (i, item) in (node?["item"]?.elements ?? []).enumerated() {
                let itemPath = at + "item[\(i)]"
                items.append((item, itemPath))
                walk(item, itemPath + ".")
                for (j, answer) in (item["answer"]?.elements ?? []).enumerated() {
                    walk(answer, itemPath + ".answer[\(j)].")
                }
            }
        }
        walk(resource, path.isEmpty ? "" : path + ".")
        func numericAnswer(_ item: JSONNode) -> (node: JSONNode, key: String, index: Int)? {
            for (j, answer) in (item["answer"]?.elements ?? []).enumerated() {
                for key in ["valueDecimal", "valueInteger"] { if let n = answer[key] { return (n, key, j) } }
                if let n = answer["valueQuantity"]?["value"] { return (n, "valueQuantity.value", j) }
            }
            return nil
        }
        let chosen: (node: JSONNode, path: String)
        if !options.promScoreLinkIDs.isEmpty {
            let linked = options.promScoreLinkIDs.lazy.compactMap { id in items.first { $0.node["linkId"]?.text == id } }.first
            guard let linked else {
                return rejected(FHIRProblem(
                    column: join(path, "item"), value: "",
                    reason: "no item with linkId \(options.promScoreLinkIDs.joined(separator: " or ")) (prom_score_link_ids)"), who.id)
            }
            chosen = linked
        } else {
            let numeric = items.filter { numericAnswer($0.node) != nil }
            guard numeric.count == 1, let only = numeric.first else {
                return rejected(FHIRProblem(
                    column: join(path, "item"), value: "\(numeric.count)",
                    reason: numeric.isEmpty
                        ? "no item with a numeric answer (the score)"
                        : "\(numeric.count) items with numeric answers: set [fhir] prom_score_link_ids to the score's linkId"),
                    who.id)
            }
            chosen = only
        }
        guard let answer = numericAnswer(chosen.node) else {
            let text = chosen.node["answer"]?.elements.first?["valueString"]?.text
            let column = chosen.path + ".answer[0]." + (text == nil ? "value[x]" : "valueString")
            guard let text else { return rejected(FHIRProblem(column: column, value: "", reason: "no score"), who.id) }
            switch promScore(text, instrument: instrument, column: column) {
            case .success(let score):
                return .row(FHIRRow(
                    key: key, prom: PROMScore(patientID: who.id, date: when.date, instrument: instrument, score: score),
                    line: resource.line, column: column))
            case .failure(let problem): return rejected(problem, who.id)
            }
        }
        let column = chosen.path + ".answer[\(answer.index)].\(answer.key)"
        switch promScore(number(answer.node), instrument: instrument, column: column) {
        case .success(let score):
            return .row(FHIRRow(
                key: key, prom: PROMScore(patientID: who.id, date: when.date, instrument: instrument, score: score),
                line: resource.line, column: column))
        case .failure(let problem): return rejected(problem, who.id)
        }
    }

    // MARK: Procedure

    private func exerciseRow(_ resource: JSONNode, name: String, path: String) -> RowOutcome {
        let status = resource["status"]?.text ?? ""
        guard status == "completed" else {
            return reject(
                resource, join(path, "status"), status,
                status.isEmpty ? "no status" : "status \(status): only completed procedures are sessions")
        }
        let who: FHIRDirectory.PatientInfo
        switch patient(of: resource, key: "subject", path: path) {
        case .success(let info): who = info
        case .failure(let problem): return reject(resource, problem)
        }
        var minutes: Double?
        let start: DateCell
        if let node = resource["performedDateTime"] {
            switch date(node, column: join(path, "performedDateTime")) {
            case .success(let d): start = d
            case .failure(let problem): return reject(resource, problem, patient: who.id)
            }
        } else if let period = resource["performedPeriod"], let startNode = period["start"] {
            switch date(startNode, column: join(path, "performedPeriod.start")) {
            case .success(let d): start = d
            case .failure(let problem): return reject(resource, problem, patient: who.id)
            }
            if let endNode = period["end"] {
                switch date(endNode, column: join(path, "performedPeriod.end")) {
                case .success(let end):
                    if let length = FHIRReader.minutes(from: start, to: end) {
                        guard length >= 0 else {
                            return reject(
                                resource, join(path, "performedPeriod.end"), endNode.text ?? "",
                                "performedPeriod ends before it starts", patient: who.id)
                        }
                        minutes = length
                    }
                case .failure(let problem): return reject(resource, problem, patient: who.id)
                }
            }
        } else {
            return reject(resource, join(path, "performed[x]"), "", "no date", patient: who.id)
        }
        return .accepted(LogEntry(
            patientID: who.id, date: start.date, secondsOfDay: start.secondsOfDay,
            utcOffsetMinutes: start.utcOffsetMinutes, exercise: name, durationMin: minutes))
    }

    // MARK: CarePlan and EpisodeOfCare

    private func note(_ resource: JSONNode, _ type: String, path: String, _ message: String) -> FHIRAction {
        .note("\(type) at \(path.isEmpty ? "line \(resource.line)" : path) (line \(resource.line)): \(message)")
    }

    /// True when a CarePlan is the exercise programme's: a category in ``FHIROptions/carePlanCategories``,
    /// or, for a plan without any category coding, an activity coded with one of
    /// ``FHIROptions/exerciseProcedureCodes``. (Synthea's diabetes plan, category 698360004, lists
    /// "Exercise therapy" among its activities: its category keeps it out.)
    private func isExercisePlan(_ resource: JSONNode) -> Bool {
        let categories = resource["category"]?.elements.flatMap { codes($0) } ?? []
        if categories.contains(where: { options.carePlanCategories.contains($0) }) { return true }
        guard categories.isEmpty else { return false }
        let activities = resource["activity"]?.elements.flatMap { codes($0["detail"]?["code"]) } ?? []
        return activities.contains { options.exerciseProcedureCodes.contains($0) }
    }

    private func carePlan(_ resource: JSONNode, path: String) -> FHIRAction {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableCarePlanStatuses.contains(status) else {
            return .ignored("CarePlan (status \(status.isEmpty ? "missing" : status))")
        }
        guard isExercisePlan(resource) else { return .ignored("CarePlan (not the exercise programme)") }
        guard case .success(let who) = patient(of: resource, key: "subject", path: path) else {
            return note(resource, "CarePlan", path: path, "its subject is not a known patient; not used")
        }
        var facts = FHIRRosterFacts()
        if let period = resource["period"] {
            facts.start = period["start"].flatMap { try? date($0, column: "period.start").get().date }
            if status == "completed" { facts.end = period["end"].flatMap { try? date($0, column: "period.end").get().date } }
        }
        for activity in resource["activity"]?.elements ?? [] {
            guard let repeatNode = activity["detail"]?["scheduledTiming"]?["repeat"] else { continue }
            if let perWeek = FHIRReader.sessionsPerWeek(repeatNode) {
                facts.sessionsPerWeek = perWeek
                break
            }
        }
        let directory = self.directory
        facts.clinician = resource["author"]?["reference"]?.text.flatMap { directory.practitionerName($0) }
            ?? resource["careTeam"]?.elements.compactMap { $0["reference"]?.text }
                .lazy.compactMap { directory.careTeamPractitionerName($0) }.first
        return .roster(patient: who.id, facts: facts, source: "CarePlan " + (path.isEmpty ? "line \(resource.line)" : path))
    }

    private func episode(_ resource: JSONNode, path: String) -> FHIRAction {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableEpisodeStatuses.contains(status) else {
            return .ignored("EpisodeOfCare (status \(status.isEmpty ? "missing" : status))")
        }
        guard case .success(let who) = patient(of: resource, key: "patient", path: path) else {
            return note(resource, "EpisodeOfCare", path: path, "its patient is not a known patient; not used")
        }
        var facts = FHIRRosterFacts()
        if let period = resource["period"] {
            facts.start = period["start"].flatMap { try? date($0, column: "period.start").get().date }
            if status == "finished" { facts.end = period["end"].flatMap { try? date($0, column: "period.end").get().date } }
        }
        facts.clinician = resource["careManager"]?["reference"]?.text.flatMap { directory.practitionerName($0) }
        return .roster(patient: who.id, facts: facts, source: "EpisodeOfCare " + (path.isEmpty ? "line \(resource.line)" : path))
    }
}

/// Reads a FHIR file's resources in order: converts each (``FHIRConverter``) and applies the
/// actions, keeping what spans resources: ignored types, warnings, roster facts.
struct FHIRReader {
    let converter: FHIRConverter
    /// Resources that are not rows, by type, in the order first seen.
    private(set) var ignored: [(type: String, count: Int)] = []
    private var ignoredIndex: [String: Int] = [:]
    private(set) var warnings: [String] = []
    /// Roster facts from CarePlans and EpisodeOfCares, first resource per patient and fact wins.
    private(set) var roster: [String: RosterEntry] = [:]
    private var rosterOrder: [String] = []
    /// Where each patient's roster facts came from, for warnings.
    private var rosterSource: [String: String] = [:]
    /// Patients whose sessions a week came from a resource (not the default).
    private var sessionsGiven: Set<String> = []
    /// Per patient, the later resources that disagreed with the kept facts and which facts, in order.
    private var clashes: [(patient: String, count: Int, facts: [String])] = []
    private var clashIndex: [String: Int] = [:]
    /// Entries of a Bundle that hold no resource.
    private var entriesWithoutResource = 0

    init(file: String, options: FHIROptions, cells: CellParser, directory: FHIRDirectory) {
        converter = FHIRConverter(file: file, options: options, cells: cells, directory: directory)
    }

    var file: String { converter.file }

    /// The file's warnings, with the ignored resources counted at the end.
    var allWarnings: [String] {
        var out = warnings
        if entriesWithoutResource > 0 { out.append("\(entriesWithoutResource) Bundle entries hold no resource") }
        for clash in clashes {
            out.append(
                "patient \(clash.patient): \(clash.count) later CarePlan/EpisodeOfCare resources give another "
                    + "\(clash.facts.joined(separator: ", ")) than \(rosterSource[clash.patient] ?? "the first"), whose are kept")
        }
        if !ignored.isEmpty {
            out.append("resources not read as rows: " + ignored.map { "\($0.type) \($0.count)" }.joined(separator: ", "))
        }
        return out
    }

    /// Patients with roster facts, in the order first seen.
    var rosterEntries: [RosterEntry] { rosterOrder.compactMap { roster[$0] } }

    private mutating func ignore(_ type: String) {
        if let index = ignoredIndex[type] {
            ignored[index].count += 1
        } else {
            ignoredIndex[type] = ignored.count
            ignored.append((type, 1))
        }
    }

    /// Reads one resource at JSON path `path`, calling `emit` for each row.
    mutating func read(_ resource: JSONNode, path: String, _ emit: (FHIRRow) -> Void) {
        var actions: [FHIRAction] = []
        converter.convert(resource, path: path, into: &actions)
        for action in actions { apply(action, emit) }
    }

    /// Applies one action: a row goes to `emit`, the rest to the reader's state.
    mutating func apply(_ action: FHIRAction, _ emit: (FHIRRow) -> Void) {
        switch action {
        case .row(let row): emit(row)
        case .ignored(let type): ignore(type)
        case .entryWithoutResource: entriesWithoutResource += 1
        case .roster(let patient, let facts, let source): add(facts, for: patient, from: source)
        case .note(let text): warnings.append(text)
        }
    }

    /// Minutes from `start` to `end` when both carry a time (offsets applied when both have one).
    static func minutes(from start: DateCell, to end: DateCell) -> Double? {
        guard let s = start.secondsOfDay, let e = end.secondsOfDay else { return nil }
        let startOffset = start.utcOffsetMinutes ?? 0, endOffset = end.utcOffsetMinutes ?? 0
        let sameZone = start.utcOffsetMinutes == nil || end.utcOffsetMinutes == nil
        let a = start.date.daysSinceEpoch * 86_400 + s - (sameZone ? 0 : startOffset * 60)
        let b = end.date.daysSinceEpoch * 86_400 + e - (sameZone ? 0 : endOffset * 60)
        return Double(b - a) / 60
    }

    /// Sessions a week from a Timing.repeat: `frequency` (default 1) per `period` (default 1)
    /// `periodUnit` `d` or `wk`; `nil` for other units or a result outside (0, 14].
    static func sessionsPerWeek(_ node: JSONNode) -> Double? {
        func value(_ key: String) -> Double? {
            guard let n = node[key], case .number(let text) = n.value else { return nil }
            return Double(text)
        }
        let frequency = value("frequency") ?? 1
        let period = value("period") ?? 1
        guard period > 0, let unit = node["periodUnit"]?.text else { return nil }
        let perWeek: Double
        switch unit {
        case "d": perWeek = frequency / period * 7
        case "wk": perWeek = frequency / period
        default: return nil
        }
        return perWeek > 0 && perWeek <= 14 ? perWeek : nil
    }

    private mutating func add(_ facts: FHIRRosterFacts, for patient: String, from source: String) {
        var entry = roster[patient] ?? RosterEntry(patientID: patient)
        let isNew = roster[patient] == nil
        var took = false
        var clashes: [String] = []
        func take<T: Equatable>(_ new: T?, _ current: T?, _ name: String, _ set: (T) -> Void) {
            guard let new else { return }
            if let current {
                if current != new { clashes.append(name) }
                return
            }
            set(new)
            took = true
        }
        let defaultSessions = !sessionsGiven.contains(patient)
        take(facts.start, entry.programStart, "programme start") { entry.programStart = $0 }
        take(facts.end, entry.dischargeDate, "discharge") { entry.dischargeDate = $0 }
        take(facts.clinician, entry.clinician, "clinician") { entry.clinician = $0 }
        if let perWeek = facts.sessionsPerWeek {
            if defaultSessions {
                entry.sessionsPerWeek = perWeek
                sessionsGiven.insert(patient)
                took = true
            } else if entry.sessionsPerWeek != perWeek {
                clashes.append("sessions per week")
            }
        }
        if !clashes.isEmpty {
            if let index = clashIndex[patient] {
                self.clashes[index].count += 1
                for fact in clashes where !self.clashes[index].facts.contains(fact) { self.clashes[index].facts.append(fact) }
            } else {
                clashIndex[patient] = self.clashes.count
                self.clashes.append((patient, 1, clashes))
            }
        }
        guard took else { return }
        if isNew {
            rosterOrder.append(patient)
            rosterSource[patient] = source
        }
        roster[patient] = entry
    }
}
