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
    var outcome: RowOutcome
}

/// Turns FHIR R4 resources into rows and roster facts (docs/FORMATS.md, "FHIR R4").
///
/// Rows: pain Observations (``FHIRVocabulary/painCodes``) become check-ins carrying `pain`;
/// exercise Procedures (``FHIROptions/exerciseProcedureCodes``) become exercise rows. CarePlan and
/// EpisodeOfCare give roster facts; Patient, Practitioner and CareTeam are read beforehand into the
/// ``FHIRDirectory``. Every other resource (and Observations and Procedures with other codes) is
/// counted by type in ``ignored``.
struct FHIRReader {
    let file: String
    let options: FHIROptions
    let cells: CellParser
    let directory: FHIRDirectory
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
        self.file = file
        self.options = options
        self.cells = cells
        self.directory = directory
    }

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

    /// Reads one resource (a Bundle's entries in turn) found at JSON path `path` (`""` for a file's
    /// top level or an NDJSON line), calling `emit` for each row.
    mutating func read(_ resource: JSONNode, path: String, _ emit: (FHIRRow) -> Void) {
        guard resource.isObject else {
            emit(FHIRRow(key: nil, outcome: .rejected(RejectedRow(
                file: file, line: resource.line, patientID: nil, column: path,
                value: JSONLogReader.describe(resource.value), reason: "not a FHIR resource (not an object)"))))
            return
        }
        guard let type = resource["resourceType"]?.text else {
            emit(FHIRRow(key: nil, outcome: .rejected(RejectedRow(
                file: file, line: resource.line, patientID: nil, column: join(path, "resourceType"), value: "",
                reason: "not a FHIR resource (no resourceType)"))))
            return
        }
        switch type {
        case "Bundle":
            for (i, entry) in (resource["entry"]?.elements ?? []).enumerated() {
                let entryPath = join(path, "entry[\(i)]")
                guard let inner = entry["resource"] else {
                    entriesWithoutResource += 1
                    continue
                }
                read(inner, path: join(entryPath, "resource"), emit)
            }
        case "Observation":
            if isPain(resource) { emit(FHIRRow(key: key(resource, type), outcome: painRow(resource, path: path))) }
            else { ignore("Observation (other codes)") }
        case "Procedure":
            if let name = exerciseName(resource) {
                emit(FHIRRow(key: key(resource, type), outcome: exerciseRow(resource, name: name, path: path)))
            } else {
                ignore("Procedure (other codes)")
            }
        case "CarePlan": readCarePlan(resource, path: path)
        case "EpisodeOfCare": readEpisode(resource, path: path)
        case "Patient":
            // Read into the directory beforehand; one with neither id nor identifier cannot be referred to.
            if resource["id"]?.text == nil && !(resource["identifier"]?.elements.contains { $0["value"]?.text != nil } ?? false) {
                ignore("Patient (no id or identifier)")
            }
        case "Practitioner", "CareTeam": break  // read into the directory beforehand
        default: ignore(type)
        }
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func key(_ resource: JSONNode, _ type: String) -> String? {
        guard let id = resource["id"]?.text else { return nil }
        return type + "/" + id + "/" + (resource["meta"]?["versionId"]?.text ?? "")
    }

    private func isPain(_ resource: JSONNode) -> Bool {
        resource["code"]?.codings.contains { FHIRVocabulary.painCodes.contains($0.system + "|" + $0.code) } ?? false
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

    private func reject(_ resource: JSONNode, _ problem: FHIRProblem, patient: String? = nil) -> RowOutcome {
        reject(resource, problem.column, problem.value, problem.reason, patient: patient)
    }

    // MARK: Observation

    private func painRow(_ resource: JSONNode, path: String) -> RowOutcome {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableObservationStatuses.contains(status) else {
            return reject(
                resource, join(path, "status"), status,
                status.isEmpty ? "no status" : "status \(status): only final, amended or corrected are used")
        }
        let who: FHIRDirectory.PatientInfo
        switch patient(of: resource, key: "subject", path: path) {
        case .success(let info): who = info
        case .failure(let problem): return reject(resource, problem)
        }
        let effective: (node: JSONNode, key: String)? =
            resource["effectiveDateTime"].map { ($0, "effectiveDateTime") }
            ?? resource["effectivePeriod"]?["start"].map { ($0, "effectivePeriod.start") }
            ?? resource["effectiveInstant"].map { ($0, "effectiveInstant") }
        guard let effective else {
            return reject(resource, join(path, "effective[x]"), "", "no date", patient: who.id)
        }
        let when: DateCell
        switch date(effective.node, column: join(path, effective.key)) {
        case .success(let d): when = d
        case .failure(let problem): return reject(resource, problem, patient: who.id)
        }
        let pain: Double
        switch painValue(resource, path: path) {
        case .success(let v): pain = v
        case .failure(let problem): return reject(resource, problem, patient: who.id)
        }
        return .accepted(LogEntry(
            patientID: who.id, date: when.date, secondsOfDay: when.secondsOfDay, utcOffsetMinutes: when.utcOffsetMinutes,
            pain: pain))
    }

    private func rating(_ text: String, column: String) -> Result<Double, FHIRProblem> {
        var text = text
        switch text.withUTF8({ cells.rating($0, name: "pain") }) {
        case .value(let v): return .success(v)
        case .missing: return .failure(FHIRProblem(column: column, value: "", reason: "no pain value"))
        case .invalid(let reason): return .failure(FHIRProblem(column: column, value: text, reason: reason))
        }
    }

    private func painValue(_ resource: JSONNode, path: String) -> Result<Double, FHIRProblem> {
        if let node = resource["valueInteger"] {
            return rating(number(node), column: join(path, "valueInteger"))
        }
        if let quantity = resource["valueQuantity"] {
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
        for member in resourceKeys(resource) where member.hasPrefix("value") {
            return .failure(FHIRProblem(column: join(path, member), value: "…", reason: "pain as \(member) is not a number"))
        }
        if let absent = resource["dataAbsentReason"] {
            let reason = absent.codings.first?.code ?? absent["text"]?.text ?? "?"
            return .failure(FHIRProblem(
                column: join(path, "dataAbsentReason"), value: reason, reason: "no pain value (dataAbsentReason \(reason))"))
        }
        return .failure(FHIRProblem(column: join(path, "value[x]"), value: "", reason: "no pain value"))
    }

    private func resourceKeys(_ resource: JSONNode) -> [String] {
        guard case .object(let members) = resource.value else { return [] }
        return members.map(\.key)
    }

    /// A number (or, leniently, a string) node's text; booleans and containers become text that
    /// the rating rule rejects.
    private func number(_ node: JSONNode) -> String {
        switch node.value {
        case .number(let n): n
        case .string(let s): s
        default: JSONLogReader.describe(node.value)
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

    /// Minutes from `start` to `end` when both carry a time (offsets applied when both have one).
    static func minutes(from start: DateCell, to end: DateCell) -> Double? {
        guard let s = start.secondsOfDay, let e = end.secondsOfDay else { return nil }
        let startOffset = start.utcOffsetMinutes ?? 0, endOffset = end.utcOffsetMinutes ?? 0
        let sameZone = start.utcOffsetMinutes == nil || end.utcOffsetMinutes == nil
        let a = start.date.daysSinceEpoch * 86_400 + s - (sameZone ? 0 : startOffset * 60)
        let b = end.date.daysSinceEpoch * 86_400 + e - (sameZone ? 0 : endOffset * 60)
        return Double(b - a) / 60
    }

    // MARK: CarePlan and EpisodeOfCare

    private mutating func note(_ resource: JSONNode, _ type: String, path: String, _ message: String) {
        warnings.append("\(type) at \(path.isEmpty ? "line \(resource.line)" : path) (line \(resource.line)): \(message)")
    }

    private mutating func readCarePlan(_ resource: JSONNode, path: String) {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableCarePlanStatuses.contains(status) else {
            ignore("CarePlan (status \(status.isEmpty ? "missing" : status))")
            return
        }
        guard case .success(let who) = patient(of: resource, key: "subject", path: path) else {
            note(resource, "CarePlan", path: path, "its subject is not a known patient; not used")
            return
        }
        var facts = RosterFacts()
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
        add(facts, for: who.id, from: "CarePlan " + (path.isEmpty ? "line \(resource.line)" : path))
    }

    private mutating func readEpisode(_ resource: JSONNode, path: String) {
        let status = resource["status"]?.text ?? ""
        guard FHIRVocabulary.usableEpisodeStatuses.contains(status) else {
            ignore("EpisodeOfCare (status \(status.isEmpty ? "missing" : status))")
            return
        }
        guard case .success(let who) = patient(of: resource, key: "patient", path: path) else {
            note(resource, "EpisodeOfCare", path: path, "its patient is not a known patient; not used")
            return
        }
        var facts = RosterFacts()
        if let period = resource["period"] {
            facts.start = period["start"].flatMap { try? date($0, column: "period.start").get().date }
            if status == "finished" { facts.end = period["end"].flatMap { try? date($0, column: "period.end").get().date } }
        }
        facts.clinician = resource["careManager"]?["reference"]?.text.flatMap { directory.practitionerName($0) }
        add(facts, for: who.id, from: "EpisodeOfCare " + (path.isEmpty ? "line \(resource.line)" : path))
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

    private struct RosterFacts {
        var start: CalendarDate?
        var end: CalendarDate?
        var sessionsPerWeek: Double?
        var clinician: String?
    }

    private mutating func add(_ facts: RosterFacts, for patient: String, from source: String) {
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
