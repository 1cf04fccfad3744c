import CaseloadModel

/// Turns patient objects of a `.json` / `.ndjson` log into rows.
///
/// Shape: `{"patient": {"id", "clinician", "display_name", "program_start",
/// "sessions_per_week", "discharge_date"}, "sessions": [{"date", "session_id",
/// "readiness_test", "pain", "swelling", "night_pain", "notes", "exercises": [{"name",
/// "category", "level", "sets", "reps", "load_kg", "duration_min", "pain_during",
/// "notes"}]}]}`: the session and exercise keys are the field table's
/// (``CaseloadModel/LogColumnSpec/json``, this list is only an example). Each exercise is one row
/// carrying its session's fields; a session with no exercises is one check-in row. Values go
/// through the same cell rules as CSV.
struct JSONLogReader {
    /// The patient object's key of the patient ID (the field table's `.patientID` place).
    static let patientIDKey: String = LogColumn.allCases.lazy.compactMap { column -> String? in
        if case .patientID(let key) = column.spec.json { key } else { nil }
    }.first ?? "id"
    /// The session's key of its date (the field table's `.date` column), which names a session
    /// without an identity.
    static let dateKey: String = if case .session(let key) = LogColumn.date.spec.json { key } else { LogColumn.date.name }
    /// A patient object's keys: the ID's, then the roster details read by ``readRoster(_:id:)``.
    static let patientKeys: Set<String> = [
        patientIDKey, "clinician", "display_name", "program_start", "sessions_per_week", "discharge_date",
    ]
    static let topKeys: Set<String> = ["patient", "sessions"]
    /// The key of a session's exercise list.
    static let exercisesKey = "exercises"
    /// A session's keys: the field table's session columns (with the session ID's alias), and
    /// the exercise list.
    static let sessionKeys: Set<String> = Set(
        LogColumn.allCases.flatMap { column -> [String] in
            switch column.spec.json {
            case .session(let key), .exerciseElseSession(let key): [key]
            case .sessionIdentity(let key, let alias): [key, alias]
            case .patientID, .exercise: []
            }
        } + [exercisesKey])
    /// An exercise's keys: the field table's exercise columns.
    static let exerciseKeys: Set<String> = Set(
        LogColumn.allCases.compactMap { column -> String? in
            switch column.spec.json {
            case .exercise(let key), .exerciseElseSession(let key): key
            case .patientID, .session, .sessionIdentity: nil
            }
        })
    /// Where a column sits in a patient object, resolved from the table once.
    private struct Place {
        enum Where { case patient, session, sessionIdentity, exercise, exerciseElseSession }
        let reading: ColumnReading
        let place: Where
        /// The key; for the patient's, the path shown in a rejection (`patient.id`).
        let key: String
        /// The session identity's other key (`id`).
        let alias: String

        init(_ column: LogColumn) {
            reading = ColumnReading.all[column.rawValue]
            switch column.spec.json {
            case .patientID(let k): (place, key, alias) = (.patient, "patient." + k, "")
            case .session(let k): (place, key, alias) = (.session, k, "")
            case .sessionIdentity(let k, let a): (place, key, alias) = (.sessionIdentity, k, a)
            case .exercise(let k): (place, key, alias) = (.exercise, k, "")
            case .exerciseElseSession(let k): (place, key, alias) = (.exerciseElseSession, k, "")
            }
        }
    }
    /// Where each column sits, in table order (``CaseloadModel/LogColumnSpec/json``).
    private static let places: [Place] = LogColumn.allCases.map(Place.init)
    /// The session identity's key and alias (`session_id`, `id`).
    private static let sessionIdentity: (key: String, alias: String)? = places.lazy
        .filter { $0.place == .sessionIdentity }.map { ($0.key, $0.alias) }.first

    let file: String
    var cells: CellParser
    var notes = ReadNotes()
    /// File warnings in the order found, each with the patient whose details it is about (`nil`
    /// for the others), which `append(_:)` needs.
    private var noted: [(warning: String, patient: String?)] = []
    var warnings: [String] { noted.map(\.warning) }
    /// Unknown keys, as paths (`sessions[].mood`), in the order first seen.
    private(set) var ignoredKeys: [String] = []
    private var ignoredSet: Set<String> = []
    /// Patient details found in the log, first object per patient wins.
    private(set) var roster: [String: RosterEntry] = [:]

    init(file: String, cells: CellParser) {
        self.file = file
        self.cells = cells
    }

    /// Takes in what `later`, a reader of the elements that follow this one's in the file,
    /// noted: as if this reader had read them too (its patient details, and the warnings about
    /// them, only for patients this one has no details for; its new ignored keys after this one's).
    mutating func append(_ later: JSONLogReader) {
        notes.append(later.notes)
        for note in later.noted {
            // This reader would not have read the details of a patient it already has.
            if let patient = note.patient, roster[patient] != nil { continue }
            noted.append(note)
        }
        for path in later.ignoredKeys where ignoredSet.insert(path).inserted { ignoredKeys.append(path) }
        for (id, entry) in later.roster where roster[id] == nil { roster[id] = entry }
    }

    private mutating func warn(_ warning: String, about patient: String? = nil) {
        noted.append((warning, patient))
    }

    private mutating func noteUnknownKeys(_ node: JSONNode, known: Set<String>, prefix: String) {
        guard case .object(let members) = node.value else { return }
        for member in members where !known.contains(member.key) {
            let path = prefix + member.key
            if ignoredSet.insert(path).inserted { ignoredKeys.append(path) }
        }
    }

    /// Reads one top-level value (a patient object), calling `emit` for every row.
    mutating func read(_ node: JSONNode, _ emit: (RowOutcome) -> Void) {
        func reject(_ line: Int, _ column: String, _ value: String, _ reason: String, _ id: String? = nil) {
            emit(.rejected(RejectedRow(file: file, line: line, patientID: id, column: column, value: value, reason: reason)))
        }
        guard case .object = node.value else {
            reject(node.line, "", JSONLogReader.describe(node.value), "the value is not an object with patient and sessions")
            return
        }
        noteUnknownKeys(node, known: JSONLogReader.topKeys, prefix: "")
        let patient = node.value["patient"]
        if let patient { noteUnknownKeys(patient, known: JSONLogReader.patientKeys, prefix: "patient.") }
        let idNode = patient?.value[JSONLogReader.patientIDKey]
        let patientID = idNode.flatMap { JSONLogReader.text($0.value) }
        if let patientID, let patient { readRoster(patient, id: patientID) }
        guard let sessionsNode = node.value["sessions"] else {
            warn("the object at line \(node.line) has no sessions")
            return
        }
        guard case .array(let sessions) = sessionsNode.value else {
            reject(sessionsNode.line, "sessions", JSONLogReader.describe(sessionsNode.value), "sessions is not a list", patientID)
            return
        }
        var sessionsPerDate: [String: Int] = [:]
        for (s, session) in sessions.enumerated() {
            let path = JSONPath(session: s)
            guard case .object = session.value else {
                reject(
                    session.line, path.text, JSONLogReader.describe(session.value), "the session is not an object",
                    patientID)
                continue
            }
            noteUnknownKeys(session, known: JSONLogReader.sessionKeys, prefix: "sessions[].")
            var implicitSession: String?
            if let identity = JSONLogReader.sessionIdentity, session.value[identity.key] == nil,
               session.value[identity.alias] == nil
            {
                let dateText = session.value[JSONLogReader.dateKey].flatMap { JSONLogReader.text($0.value) } ?? ""
                let k = sessionsPerDate[dateText, default: 0] + 1
                sessionsPerDate[dateText] = k
                implicitSession = dateText + (k > 1 ? "#\(k)" : "")
            }
            var exercises: [JSONNode] = []
            if let exercisesNode = session.value[JSONLogReader.exercisesKey] {
                switch exercisesNode.value {
                case .array(let list): exercises = list
                case .null: break
                default:
                    reject(exercisesNode.line, path.column("exercises"), JSONLogReader.describe(exercisesNode.value),
                           "exercises is not a list", patientID)
                    continue
                }
            }
            if exercises.isEmpty {
                emit(
                    row(patient: idNode, session: session, path: path, implicitSession: implicitSession, exercise: nil))
            }
            for (e, exercise) in exercises.enumerated() {
                let exercisePath = JSONPath(session: s, exercise: e)
                guard case .object = exercise.value else {
                    reject(exercise.line, exercisePath.text, JSONLogReader.describe(exercise.value),
                           "the exercise is not an object", patientID)
                    continue
                }
                noteUnknownKeys(exercise, known: JSONLogReader.exerciseKeys, prefix: "sessions[].exercises[].")
                emit(row(patient: idNode, session: session, path: exercisePath, implicitSession: implicitSession,
                         exercise: exercise))
            }
        }
    }

    /// Builds one row, reading fields in the canonical column order, each where the field table
    /// places it. `path` is the exercise's (or, for a check-in, the session's); a bad cell's column
    /// is the JSON path of its key.
    private mutating func row(
        patient idNode: JSONNode?, session: JSONNode, path: JSONPath, implicitSession: String?, exercise: JSONNode?
    ) -> RowOutcome {
        var draft = LogDraft()
        let sessionPath = JSONPath(session: path.session)
        for place in JSONLogReader.places {
            let node: JSONNode?
            // Where the key is (the JSON path is spelled out only for a bad cell).
            let keyPath: JSONPath?
            let key: String
            switch place.place {
            case .patient:
                node = idNode; keyPath = nil; key = place.key
            case .session:
                key = place.key; node = session.value[key]; keyPath = sessionPath
            case .sessionIdentity:
                if let implicitSession {
                    draft.entry[text: place.reading.column] = implicitSession
                    continue
                }
                key = session.value[place.key] == nil ? place.alias : place.key
                node = session.value[key]; keyPath = sessionPath
            case .exercise:
                key = place.key; node = exercise?.value[key]; keyPath = path
            case .exerciseElseSession:
                key = place.key
                if let exercise {
                    node = exercise.value[key]; keyPath = path
                } else {
                    node = session.value[key]; keyPath = sessionPath
                }
            }
            read(place.reading, node, column: keyPath?.column(key) ?? key, into: &draft)
        }
        return draft.outcome(file: file, line: (exercise ?? session).line)
    }

    private mutating func read(
        _ field: ColumnReading, _ node: JSONNode?, column: @autoclosure () -> String, into draft: inout LogDraft
    ) {
        let isText = field.kind.isText
        var text: String
        switch node?.value {
        case nil, .null?:
            text = ""
        case .string(let s)?:
            text = s
        case .number(let n)?:
            text = n
        case .bool(let b)?:
            if isText {
                draft.fail(column: column(), value: "\(b)", reason: "\(field.name) \(b) is not text")
                return
            }
            text = b ? "true" : "false"
        case .object?, .array?:
            draft.fail(column: column(), value: "…", reason: "\(field.name) is a list or object, not a value")
            return
        }
        var ambiguous = false
        let line = node?.line ?? 0
        text.withUTF8 { raw in
            draft.read(field, raw, column: column(), cells: cells, ambiguous: &ambiguous) {
                String(decoding: $0, as: UTF8.self)
            }
        }
        if ambiguous { notes.noteAmbiguousDate(text, line: line) }
    }

    private mutating func readRoster(_ patient: JSONNode, id: String) {
        guard roster[id] == nil else { return }
        var entry = RosterEntry(patientID: id)
        var found = false
        func string(_ key: String) -> String? {
            guard let node = patient.value[key], let text = JSONLogReader.text(node.value) else { return nil }
            let trimmed = text.trimmingSpaces
            return trimmed.isEmpty ? nil : trimmed
        }
        if let clinician = string("clinician") { entry.clinician = clinician; found = true }
        if let name = string("display_name") { entry.displayName = name; found = true }
        for key in ["program_start", "discharge_date"] {
            guard var text = string(key) else { continue }
            var ambiguous = false
            let cell = text.withUTF8 { cells.date($0, name: key, ambiguous: &ambiguous) }
            switch cell {
            case .value(let d):
                if key == "program_start" { entry.programStart = d.date } else { entry.dischargeDate = d.date }
                found = true
            case .invalid(let reason): warn("patient \(id) (line \(patient.line)): \(reason); ignored", about: id)
            case .missing: break
            }
        }
        if var text = string("sessions_per_week") {
            switch text.withUTF8({ cells.sessionsPerWeek($0, name: "sessions_per_week") }) {
            case .value(let v): entry.sessionsPerWeek = v; found = true
            case .invalid(let reason): warn("patient \(id) (line \(patient.line)): \(reason); ignored", about: id)
            case .missing: break
            }
        }
        if found { roster[id] = entry }
    }

    /// A string or number as text; `nil` for anything else.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): let t = s.trimmingSpaces; return t.isEmpty ? nil : t
        case .number(let n): return n
        default: return nil
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .object: "{…}"
        case .array: "[…]"
        case .string(let s): s.count > 200 ? String(s.prefix(199)) + "…" : s
        case .number(let n): n
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }
}

/// Where a row's values sit in a patient object: `sessions[2]` or `sessions[2].exercises[0]`.
/// Spelled out only when a value is rejected.
struct JSONPath {
    var session: Int
    var exercise: Int?

    var text: String {
        exercise.map { "sessions[\(session)].exercises[\($0)]" } ?? "sessions[\(session)]"
    }

    /// The path of `key` inside this object, e.g. `sessions[2].exercises[0].pain_during`.
    func column(_ key: String) -> String { text + "." + key }
}
