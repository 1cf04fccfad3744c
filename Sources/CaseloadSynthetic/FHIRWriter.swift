import CaseloadModel
import Foundation

/// How ``SyntheticCaseload`` writes a caseload: the CSV/JSON logs and roster, or FHIR R4.
public enum SyntheticFormat: String, CaseIterable, Sendable {
    /// `roster.csv`, `logs.csv`, `logs.json` (``SyntheticCaseload/write(_:to:)``).
    case csv
    /// One FHIR R4 transaction Bundle a patient (``SyntheticCaseload/writeFHIR(_:to:bulk:messy:)``).
    case fhirBundles = "fhir-bundles"
    /// A FHIR Bulk Data export: `manifest.json` and one NDJSON file a resource type.
    case fhirBulk = "fhir-bulk"
}

/// A JSON value to write (the generator's FHIR resources), serialised compactly in key order.
indirect enum JSONOut {
    case object([(String, JSONOut)])
    case array([JSONOut])
    case string(String)
    case number(Double)
    case bool(Bool)

    func append(to b: inout [UInt8]) {
        switch self {
        case .object(let members):
            b.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { b.append(UInt8(ascii: ",")) }
                JSONLog.appendString(key, to: &b)
                b.append(UInt8(ascii: ":"))
                value.append(to: &b)
            }
            b.append(UInt8(ascii: "}"))
        case .array(let items):
            b.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { b.append(UInt8(ascii: ",")) }
                item.append(to: &b)
            }
            b.append(UInt8(ascii: "]"))
        case .string(let s): JSONLog.appendString(s, to: &b)
        case .number(let v): CanonicalCSV.appendNumber(v, to: &b, decimalSeparator: UInt8(ascii: "."))
        case .bool(let v): b.append(contentsOf: (v ? "true" : "false").utf8)
        }
    }
}

/// One generated resource: its type, logical id and content (without `resourceType` and `id`).
struct FHIRResource {
    var type: String
    var id: String
    var members: [(String, JSONOut)]

    /// The resource as JSON, `resourceType` and `id` first.
    var json: JSONOut { .object([("resourceType", .string(type)), ("id", .string(id))] + members) }
}

/// The codes the generator writes. Pain, exercise, night pain, swelling and the programme's plan use
/// standard codes the reader knows by default (docs/FORMATS.md); the readiness test, KOOS-PF and
/// AKPS have none, so the generator uses its own code system and writes the `[fhir]` settings that
/// name it (`caseload.toml` beside the resources).
public enum SyntheticFHIRCodes {
    /// The generator's own code system (not a standard one).
    public static let localSystem = "https://caseload.example/fhir/CodeSystem/synthetic"
    /// The `Patient.identifier.system` of the patient IDs.
    public static let patientIdentifierSystem = "https://caseload.example/fhir/sid/patient-id"
    static let readinessTest = "readiness-test"
    static let koosPF = "koos-pf"
    static let akps = "akps"

    /// The `caseload.toml` that reads a generated FHIR caseload fully.
    public static var configText: String {
        """
        # [fhir] settings for a caseload written by `caseload generate --format fhir-…`: the generator's
        # own codes for what has no standard code (docs/FORMATS.md, "FHIR R4"). Pass this file with
        # --config, or copy the lines into your caseload.toml.
        [fhir]
        patient_identifier_system = "\(patientIdentifierSystem)"
        readiness_test_codes = "\(localSystem)|\(readinessTest)"
        koos_pf_codes = "\(localSystem)|\(koosPF)"
        akps_codes = "\(localSystem)|\(akps)"

        """
    }
}

extension SyntheticCaseload {
    /// The resource types of a Bulk export, in the manifest's order (one NDJSON file each).
    static let bulkTypes = ["Patient", "Practitioner", "CarePlan", "Observation", "Procedure"]

    /// Writes the caseload as FHIR R4 into `directory` (created if needed), streaming patient by
    /// patient: the same patients, days and values as ``write(_:to:)``, as far as FHIR carries them.
    ///
    /// Per patient: a `Patient` (identifier = the patient ID, name = the display name), the
    /// clinician's `Practitioner`, an exercise-programme `CarePlan` (category SNOMED CT 91251008,
    /// activity 229065009 with the sessions a week, `author` the clinician, `period` from the
    /// programme start, `completed` with the discharge as end), and per day: the day's highest pain
    /// (LOINC 72514-3), night pain (SNOMED CT 36163009) and swelling (299322007) as logged, and each
    /// distinct readiness result (the generator's code). Sessions are written, per patient, either
    /// as Physical Activity IG Observations (a panel with `hasMember` the day's 55411-3 duration,
    /// the sum of its exercises' minutes, and a 73985-4 activity) or as one `Procedure` (SNOMED CT
    /// 229065009) an exercise, timed with `performedPeriod`. Exercise level, category, sets, reps,
    /// load and pain during exercise are not written: FHIR has no place for them here. With
    /// ``SyntheticConfig/auditData``, PROM scores as Observations (the generator's codes).
    ///
    /// - Bundles (`bulk` false): `<patient ID>.json`, a transaction Bundle (`urn:uuid:` references).
    /// - Bulk (`bulk` true): `manifest.json` and `Patient.ndjson`, `Practitioner.ndjson`,
    ///   `CarePlan.ndjson`, `Observation.ndjson`, `Procedure.ndjson` (`Type/id` references).
    ///
    /// Both also get `README.md` (the patient table) and `caseload.toml` (``SyntheticFHIRCodes``).
    /// With `messy`, the first patient's data gains what real exports hold: a repeated resource, an
    /// `entered-in-error` pain, a pain in `mm`, and (Bulk only) a line that is not JSON.
    /// - Returns: the paths written.
    /// - Throws: ``SyntheticError`` when the folder or a file cannot be created or written.
    @discardableResult
    public static func writeFHIR(_ config: SyntheticConfig, to directory: String, bulk: Bool, messy: Bool = false) throws
        -> [String]
    {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SyntheticError(path: directory, reason: "cannot create the folder: \(error)")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let patients = patients(config)
        var written: [String] = []
        if bulk {
            var files = try bulkTypes.map { try BufferedFile(path: path($0 + ".ndjson")) }
            var practitionersWritten: Set<String> = []
            for p in patients {
                let resources = fhirResources(for: p, config: config, messy: messy && p.index == 0)
                for resource in resources.all {
                    if resource.type == "Practitioner", !practitionersWritten.insert(resource.id).inserted { continue }
                    guard let slot = bulkTypes.firstIndex(of: resource.type) else { continue }
                    resource.json.append(to: &files[slot].buffer)
                    files[slot].buffer.append(UInt8(ascii: "\n"))
                }
                if messy && p.index == 0 {
                    files[3].buffer.append(contentsOf: #"{"resourceType": "Observation", "id": "cut-off"#.utf8)
                    files[3].buffer.append(UInt8(ascii: "\n"))
                }
                for i in files.indices { try files[i].flushIfFull() }
            }
            for i in files.indices { try files[i].close() }
            var manifest = try BufferedFile(path: path("manifest.json"))
            let outputs = bulkTypes.map { type -> JSONOut in
                .object([("type", .string(type)), ("url", .string("https://caseload.example/fhir/export/\(type).ndjson"))])
            }
            JSONOut.object([
                ("transactionTime", .string(config.endDate.isoString + "T23:59:59Z")),
                ("request", .string("https://caseload.example/fhir/$export")),
                ("requiresAccessToken", .bool(false)), ("output", .array(outputs)), ("error", .array([])),
            ]).append(to: &manifest.buffer)
            manifest.buffer.append(UInt8(ascii: "\n"))
            try manifest.close()
            written = [path("manifest.json")] + bulkTypes.map { path($0 + ".ndjson") }
        } else {
            for p in patients {
                let file = path(p.patientID + ".json")
                var out = try BufferedFile(path: file)
                bundle(fhirResources(for: p, config: config, messy: messy && p.index == 0)).append(to: &out.buffer)
                out.buffer.append(UInt8(ascii: "\n"))
                try out.close()
                written.append(file)
            }
        }
        var readme = try BufferedFile(path: path("README.md"))
        readme.buffer.append(contentsOf: fhirReadmeText(config, patients: patients, bulk: bulk, messy: messy).utf8)
        try readme.close()
        var toml = try BufferedFile(path: path("caseload.toml"))
        toml.buffer.append(contentsOf: SyntheticFHIRCodes.configText.utf8)
        try toml.close()
        return written + [path("README.md"), path("caseload.toml")]
    }

    /// A patient's resources, in writing order.
    struct PatientResources {
        var patient: FHIRResource
        var practitioner: FHIRResource
        var carePlan: FHIRResource
        var observations: [FHIRResource] = []
        var procedures: [FHIRResource] = []
        /// Resources written twice (messy): the second copy is a duplicate.
        var repeats: [FHIRResource] = []

        var all: [FHIRResource] { [patient, practitioner, carePlan] + observations + procedures + repeats }
    }

    /// Follow-up reasons the review can raise from FHIR: those of CSV less `high_exercise_pain`
    /// (pain during exercise is not written).
    static func fhirExpectedReasons(_ p: SyntheticPatient) -> Set<String> {
        p.expectedReasons.subtracting(["high_exercise_pain"])
    }

    /// The resources of one patient (``writeFHIR(_:to:bulk:messy:)``).
    static func fhirResources(for p: SyntheticPatient, config: SyntheticConfig, messy: Bool) -> PatientResources {
        var rng = SplitMix64(seed: config.seed, stream: UInt64(p.index), salt: 5)
        let usesPanels = rng.chance(0.5)
        let painAsAnswer = rng.chance(0.3)  // whole-number pain as a LOINC answer code, when it is whole
        let id = p.patientID
        let patientRef = "Patient/pat-\(id)"
        let clinician = p.roster.clinician ?? "Unassigned"
        let practitionerID = "prac-" + String(clinician.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic) })
            .lowercased()
        var out = PatientResources(
            patient: FHIRResource(type: "Patient", id: "pat-\(id)", members: [
                ("identifier", .array([.object([
                    ("system", .string(SyntheticFHIRCodes.patientIdentifierSystem)), ("value", .string(id)),
                ])])),
                ("name", .array([.object([("text", .string(p.roster.displayName ?? id))])])),
            ]),
            practitioner: FHIRResource(type: "Practitioner", id: practitionerID, members: [
                ("name", .array([.object([("text", .string(clinician))])])),
            ]),
            carePlan: carePlan(p, patientRef: patientRef, practitionerRef: "Practitioner/\(practitionerID)"))

        func coding(_ system: String, _ code: String, _ display: String? = nil) -> JSONOut {
            .object([("system", .string(system)), ("code", .string(code))] + (display.map { [("display", .string($0))] } ?? []))
        }
        func concept(_ codings: [JSONOut], text: String? = nil) -> JSONOut {
            .object([("coding", .array(codings))] + (text.map { [("text", .string($0))] } ?? []))
        }
        func observation(_ suffix: String, date: CalendarDate, time: String, code: JSONOut, value: (String, JSONOut)?,
                         extra: [(String, JSONOut)] = []) -> FHIRResource {
            FHIRResource(type: "Observation", id: "obs-\(id)-\(compact(date))-\(suffix)", members: [
                ("status", .string("final")), ("code", code), ("subject", .object([("reference", .string(patientRef))])),
                ("effectiveDateTime", .string(date.isoString + "T" + time + "+00:00")),
            ] + (value.map { [$0] } ?? []) + extra)
        }
        let pain = concept([coding(FHIRVocabulary.loinc, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")])
        func painValue(_ v: Double) -> (String, JSONOut) {
            if painAsAnswer, v == v.rounded(), let answer = FHIRVocabulary.painAnswerCodes[Int(v)] {
                return ("valueCodeableConcept", concept([coding(FHIRVocabulary.loinc, answer)]))
            }
            return ("valueQuantity", .object([
                ("value", .number(v)), ("unit", .string("{score}")), ("system", .string(FHIRVocabulary.ucum)),
                ("code", .string("{score}")),
            ]))
        }

        // Rows by day, in date order (the log's rows are already in date order).
        let rows = entries(for: p, config: config)
        var i = 0
        while i < rows.count {
            var j = i
            while j < rows.count && rows[j].date == rows[i].date { j += 1 }
            let day = rows[i..<j]
            let date = rows[i].date
            if let v = day.compactMap(\.pain).max() {
                out.observations.append(observation("pain", date: date, time: "20:00:00", code: pain, value: painValue(v)))
            }
            let nights = day.compactMap(\.nightPain)
            if !nights.isEmpty {
                out.observations.append(observation(
                    "night-pain", date: date, time: "20:01:00",
                    code: concept([coding(FHIRVocabulary.snomed, "36163009", "Night pain")]),
                    value: ("valueBoolean", .bool(nights.contains(true)))))
            }
            let swellings = day.compactMap(\.swelling)
            if !swellings.isEmpty {
                let yes = swellings.contains(true)
                out.observations.append(observation(
                    "swelling", date: date, time: "20:02:00",
                    code: concept([coding(FHIRVocabulary.snomed, "299322007", "Swelling of knee joint")]),
                    value: ("valueCodeableConcept", concept([
                        coding(FHIRVocabulary.snomed, yes ? "373066001" : "373067005", yes ? "Yes" : "No"),
                    ]))))
            }
            var readiness: [(session: String, result: ReadinessResult)] = []
            for row in day {
                guard let r = row.readiness else { continue }
                let session = row.sessionID ?? ""
                if !readiness.contains(where: { $0.session == session && $0.result == r }) { readiness.append((session, r)) }
            }
            for (k, r) in readiness.enumerated() {
                out.observations.append(observation(
                    "readiness-\(k + 1)", date: date, time: "07:29:00",
                    code: concept([coding(SyntheticFHIRCodes.localSystem, SyntheticFHIRCodes.readinessTest, "Readiness test")]),
                    value: ("valueString", .string(r.result.rawValue))))
            }
            let exercises = day.filter { !$0.isCheckIn }
            if !exercises.isEmpty {
                if usesPanels {
                    let timed = exercises.compactMap(\.durationMin)
                    var members: [FHIRResource] = []
                    if !timed.isEmpty {
                        members.append(observation(
                            "duration", date: date, time: "07:30:00",
                            code: concept([coding(FHIRVocabulary.loinc, "55411-3", "Exercise duration")]),
                            value: ("valueQuantity", .object([
                                ("value", .number(timed.reduce(0, +))), ("unit", .string("min")),
                                ("system", .string(FHIRVocabulary.ucum)), ("code", .string("min")),
                            ]))))
                    }
                    members.append(observation(
                        "activity", date: date, time: "07:30:00",
                        code: concept([coding(FHIRVocabulary.loinc, "73985-4", "Exercise activity")]),
                        value: ("valueCodeableConcept", .object([("text", .string("Home exercise programme"))]))))
                    let refs = members.map { JSONOut.object([("reference", .string("Observation/" + $0.id))]) }
                    out.observations.append(observation(
                        "panel", date: date, time: "07:30:00",
                        code: concept([coding(
                            "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes", "PAPanel",
                            "Physical Activity Panel")]),
                        value: nil, extra: [("hasMember", .array(refs))]))
                    out.observations += members
                } else {
                    var seconds = 7 * 3600 + 30 * 60
                    for (k, row) in exercises.enumerated() {
                        var performed: (String, JSONOut)
                        let start = date.isoString + "T" + clock(seconds) + "+00:00"
                        if let minutes = row.durationMin {
                            seconds += Int((minutes * 60).rounded())
                            performed = ("performedPeriod", .object([
                                ("start", .string(start)), ("end", .string(date.isoString + "T" + clock(seconds) + "+00:00")),
                            ]))
                        } else {
                            performed = ("performedDateTime", .string(start))
                            seconds += 60
                        }
                        out.procedures.append(FHIRResource(type: "Procedure", id: "proc-\(id)-\(compact(date))-\(k + 1)", members: [
                            ("status", .string("completed")),
                            ("code", concept([coding(FHIRVocabulary.snomed, "229065009", "Exercise therapy")], text: row.exercise)),
                            ("subject", .object([("reference", .string(patientRef))])), performed,
                        ]))
                    }
                }
            }
            i = j
        }
        for score in proms(for: p, config: config) {
            let code = score.instrument == .koosPF ? SyntheticFHIRCodes.koosPF : SyntheticFHIRCodes.akps
            out.observations.append(observation(
                code, date: score.date, time: "09:00:00",
                code: concept([coding(SyntheticFHIRCodes.localSystem, code, score.instrument.label)]),
                value: ("valueInteger", .number(score.score))))
        }
        if messy, let first = out.observations.first(where: { $0.id.hasSuffix("-pain") }) {
            out.repeats.append(first)
            var withdrawn = first
            withdrawn.id = first.id + "-withdrawn"
            withdrawn.members[0] = ("status", .string("entered-in-error"))
            var millimetres = first
            millimetres.id = first.id + "-vas"
            if let value = millimetres.members.firstIndex(where: { $0.0.hasPrefix("value") }) {
                millimetres.members[value] = ("valueQuantity", .object([
                    ("value", .number(35)), ("unit", .string("mm")), ("system", .string(FHIRVocabulary.ucum)), ("code", .string("mm")),
                ]))
            }
            out.repeats += [withdrawn, millimetres]
        }
        return out
    }

    /// The exercise programme's CarePlan of a patient.
    static func carePlan(_ p: SyntheticPatient, patientRef: String, practitionerRef: String) -> FHIRResource {
        let r = p.roster
        var period: [(String, JSONOut)] = []
        if let start = r.programStart { period.append(("start", .string(start.isoString))) }
        if let end = r.dischargeDate { period.append(("end", .string(end.isoString))) }
        let therapy = JSONOut.object([
            ("system", .string(FHIRVocabulary.snomed)), ("code", .string("229065009")), ("display", .string("Exercise therapy")),
        ])
        return FHIRResource(type: "CarePlan", id: "cp-\(p.patientID)", members: [
            ("status", .string(r.dischargeDate == nil ? "active" : "completed")), ("intent", .string("plan")),
            ("category", .array([.object([("coding", .array([.object([
                ("system", .string(FHIRVocabulary.snomed)), ("code", .string("91251008")),
                ("display", .string("Physical therapy procedure")),
            ])]))])])),
            ("subject", .object([("reference", .string(patientRef))])),
            ("period", .object(period)),
            ("author", .object([("reference", .string(practitionerRef))])),
            ("activity", .array([.object([("detail", .object([
                ("code", .object([("coding", .array([therapy]))])), ("status", .string("in-progress")),
                ("scheduledTiming", .object([("repeat", .object([
                    ("frequency", .number(r.sessionsPerWeek)), ("period", .number(1)), ("periodUnit", .string("wk")),
                ]))])),
            ]))])])),
        ])
    }

    /// A transaction Bundle of `resources`: `urn:uuid:` full URLs, references rewritten to them.
    static func bundle(_ resources: PatientResources) -> JSONOut {
        let all = resources.all
        var urls: [String: String] = [:]
        for r in all { urls[r.type + "/" + r.id] = "urn:uuid:" + uuid(r.type + "/" + r.id) }
        func rewrite(_ value: JSONOut) -> JSONOut {
            switch value {
            case .object(let members):
                return .object(members.map { key, v in
                    if key == "reference", case .string(let ref) = v, let url = urls[ref] { return (key, .string(url)) }
                    return (key, rewrite(v))
                })
            case .array(let items): return .array(items.map(rewrite))
            default: return value
            }
        }
        let entries = all.map { r -> JSONOut in
            .object([
                ("fullUrl", .string(urls[r.type + "/" + r.id] ?? "")), ("resource", rewrite(r.json)),
                ("request", .object([("method", .string("POST")), ("url", .string(r.type))])),
            ])
        }
        return .object([("resourceType", .string("Bundle")), ("type", .string("transaction")), ("entry", .array(entries))])
    }

    /// A UUID-shaped name for `key` (two 64-bit FNV-1a hashes, version 4 and variant bits set): the
    /// same key always gives the same one.
    static func uuid(_ key: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for byte in key.utf8 {
                h ^= UInt64(byte)
                h = h &* 0x100_0000_01b3
            }
            return SplitMix64.mix(h)
        }
        let a = fnv(0xcbf2_9ce4_8422_2325), b = fnv(0x8422_2325_cbf2_9ce4)
        let hi = (a & ~0xF000) | 0x4000  // version 4 in the third group
        let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        func hex(_ v: UInt64, _ digits: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        return hex(hi >> 32, 8) + "-" + hex((hi >> 16) & 0xFFFF, 4) + "-" + hex(hi & 0xFFFF, 4) + "-"
            + hex(lo >> 48, 4) + "-" + hex(lo & 0xFFFF_FFFF_FFFF, 12)
    }

    /// `HH:MM:SS` of `seconds` after midnight.
    static func clock(_ seconds: Int) -> String {
        let s = seconds % 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60)
    }

    /// `YYYYMMDD` of `date`.
    static func compact(_ date: CalendarDate) -> String { PatientLogGenerator.compact(date) }

    /// The README of a FHIR caseload: how it was made, what each file holds, the patient table.
    static func fhirReadmeText(_ config: SyntheticConfig, patients: [SyntheticPatient], bulk: Bool, messy: Bool) -> String {
        let format = bulk ? "fhir-bulk" : "fhir-bundles"
        var text = """
            # Synthetic caseload (FHIR R4)

            Generated by `caseload generate --format \(format) --patients \(config.patients) --days \(config.days) \
            --seed \(config.seed)\(config.idPrefix == "P" ? "" : " --id-prefix " + config.idPrefix)\
            \(config.auditData ? " --audit-data" : "")\(messy ? " --messy" : "")` (end date \(config.endDate.isoString), \
            \(config.clinicians) clinicians). Every value is synthetic; no real patient is described.


            """
        text += bulk
            ? "A FHIR Bulk Data export: `manifest.json` lists `Patient.ndjson`, `Practitioner.ndjson`, `CarePlan.ndjson`, "
                + "`Observation.ndjson` and `Procedure.ndjson`, one resource a line.\n"
            : "One FHIR transaction Bundle a patient (`<patient ID>.json`), with `urn:uuid:` references.\n"
        text += """

            Each patient has a Patient, the clinician's Practitioner and an exercise-programme CarePlan (the \
            roster's programme start, sessions a week and, when discharged, discharge date); each day the \
            highest pain (LOINC 72514-3), night pain and swelling (SNOMED CT) as logged, the readiness test, \
            and the sessions, as Physical Activity IG Observations or as one Procedure an exercise. Exercise \
            level, category, sets, reps, load and pain during exercise are not written.\
            \(config.auditData ? " PROM scores (KOOS-PF, AKPS) are Observations with the generator's own codes." : "")
            \(messy ? "\nThe first patient's data also holds a repeated resource, an `entered-in-error` pain and a pain in `mm`" + (bulk ? ", and `Observation.ndjson` a line that is not JSON.\n" : ".\n") : "")
            `caseload.toml` names the generator's own codes (readiness test, KOOS-PF, AKPS have no standard \
            code): `caseload review DIR --config DIR/caseload.toml`.

            Expected reasons are the follow-up reasons the weekly review should raise as of \(config.endDate.isoString) \
            (pain during exercise is not in FHIR, so `high_exercise_pain` is not among them).

            | Patient | Clinician | Scenario | Expected reasons |
            |---|---|---|---|

            """
        for p in patients {
            let reasons = fhirExpectedReasons(p).sorted().joined(separator: ", ")
            text += "| \(p.patientID) | \(p.roster.clinician ?? "") | \(p.scenario.rawValue) | \(reasons.isEmpty ? "none" : reasons) |\n"
        }
        let discharged = patients.compactMap { p in p.roster.dischargeDate.map { "\(p.patientID) on \($0.isoString)" } }
        if !discharged.isEmpty {
            text += "\nDischarged (their logs stop on that day): " + discharged.joined(separator: ", ") + ".\n"
        }
        return text
    }
}

/// The standard codes the generator writes (docs/FORMATS.md, "FHIR R4", cites each).
enum FHIRVocabulary {
    static let loinc = "http://loinc.org"
    static let snomed = "http://snomed.info/sct"
    static let ucum = "http://unitsofmeasure.org"
    /// LOINC's 0–10 answer list for 72514-3, score → answer code.
    static let painAnswerCodes: [Int: String] = [
        0: "LA6111-4", 1: "LA6112-2", 2: "LA6113-0", 3: "LA6114-8", 4: "LA6115-5", 5: "LA10137-0", 6: "LA10138-8",
        7: "LA10139-6", 8: "LA10140-4", 9: "LA10141-2", 10: "LA13942-0",
    ]
}
