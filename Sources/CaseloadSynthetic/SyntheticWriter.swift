import CaseloadModel
import Foundation

extension SyntheticCaseload {
    /// The files ``write(_:to:)`` produces, in the order it returns them.
    public static let outputFileNames = ["roster.csv", "logs.csv", "logs.json", "README.md"]

    /// Writes the caseload to `directory` (created if needed), streaming patient by patient.
    ///
    /// - `roster.csv`: `patient_id,clinician,display_name,program_start,sessions_per_week`.
    /// - `logs.csv`: canonical CSV (``CanonicalCSV``) of every patient whose ``SyntheticPatient/logFormat`` is `.csv`.
    /// - `logs.json`: one array of patient objects (`{"patient": {...}, "sessions": [...]}`) for the
    ///   `.json` patients; missing values are omitted, never `null`; a check-in is a session with
    ///   no exercises (`"exercises": []`), and carries no notes (the shape has no place for them).
    ///   Booleans are JSON `true`/`false`. Written (as `[]`) even when no patient goes to JSON.
    /// - `README.md`: how the files were made and a table of patient, clinician, scenario and expected reasons.
    /// - With ``SyntheticConfig/auditData``: the roster gains `discharge_date`, and `proms.csv`
    ///   (`patient_id,date,instrument,score`, ``proms(for:config:)``) is written after the README.
    ///
    /// Memory stays bounded by one patient's rows plus a 1 MiB write buffer per file.
    /// - Parameters:
    ///   - config: The caseload to generate.
    ///   - directory: The output folder.
    /// - Returns: The paths written (`directory/roster.csv`, `logs.csv`, `logs.json`, `README.md`).
    /// - Throws: ``SyntheticError`` when the folder or a file cannot be created or written.
    @discardableResult
    public static func write(_ config: SyntheticConfig, to directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SyntheticError(path: directory, reason: "cannot create the folder: \(error)")
        }
        var paths = outputFileNames.map { (directory as NSString).appendingPathComponent($0) }
        let patients = patients(config)

        var roster = try BufferedFile(path: paths[0])
        let rosterHeader = ["patient_id", "clinician", "display_name", "program_start", "sessions_per_week"]
        CanonicalCSV.appendRecord(rosterHeader + (config.auditData ? ["discharge_date"] : []), to: &roster.buffer)
        for p in patients {
            let discharge = config.auditData ? [p.roster.dischargeDate?.isoString ?? ""] : []
            CanonicalCSV.appendRecord(rosterFields(p.roster) + discharge, to: &roster.buffer)
            try roster.flushIfFull()
        }
        try roster.close()

        var csv = try BufferedFile(path: paths[1])
        var json = try BufferedFile(path: paths[2])
        CanonicalCSV.appendHeader(to: &csv.buffer)
        json.buffer.append(UInt8(ascii: "["))
        var jsonPatients = 0
        for p in patients {
            let rows = entries(for: p, config: config)
            switch p.logFormat {
            case .json:
                json.buffer.append(contentsOf: (jsonPatients == 0 ? "\n" : ",\n").utf8)
                JSONLog.appendPatient(p.roster, rows: rows, to: &json.buffer)
                jsonPatients += 1
                try json.flushIfFull()
            default:
                for row in rows { CanonicalCSV.appendRow(row, to: &csv.buffer) }
                try csv.flushIfFull()
            }
        }
        json.buffer.append(contentsOf: (jsonPatients == 0 ? "]\n" : "\n]\n").utf8)
        try csv.close()
        try json.close()

        var readme = try BufferedFile(path: paths[3])
        readme.buffer.append(contentsOf: readmeText(config, patients: patients).utf8)
        try readme.close()

        if config.auditData {
            let path = (directory as NSString).appendingPathComponent("proms.csv")
            var proms = try BufferedFile(path: path)
            CanonicalCSV.appendRecord(["patient_id", "date", "instrument", "score"], to: &proms.buffer)
            for p in patients {
                for score in self.proms(for: p, config: config) {
                    var value: [UInt8] = []
                    CanonicalCSV.appendNumber(score.score, to: &value, decimalSeparator: UInt8(ascii: "."))
                    CanonicalCSV.appendRecord(
                        [score.patientID, score.date.isoString, score.instrument.rawValue,
                         String(decoding: value, as: UTF8.self)], to: &proms.buffer)
                }
                try proms.flushIfFull()
            }
            try proms.close()
            paths.append(path)
        }
        return paths
    }

    /// The roster line's cells: ID, clinician, display name, programme start, sessions a week.
    static func rosterFields(_ r: RosterEntry) -> [String] {
        var spw: [UInt8] = []
        CanonicalCSV.appendNumber(r.sessionsPerWeek, to: &spw, decimalSeparator: UInt8(ascii: "."))
        return [
            r.patientID, r.clinician ?? "", r.displayName ?? "", r.programStart?.isoString ?? "",
            String(decoding: spw, as: UTF8.self),
        ]
    }

    /// The README: parameters, file list and the patient table.
    static func readmeText(_ config: SyntheticConfig, patients: [SyntheticPatient]) -> String {
        var text = """
            # Synthetic caseload

            Generated by `caseload generate --patients \(config.patients) --days \(config.days) --seed \(config.seed)\
            \(config.idPrefix == "P" ? "" : " --id-prefix " + config.idPrefix)\(config.auditData ? " --audit-data" : "")` \
            (end date \(config.endDate.isoString), \(config.clinicians) clinicians, JSON share \(config.jsonShare)). \
            Every value is synthetic; no real patient is described.

            - `roster.csv`: one line per patient (clinician, display name, programme start, sessions a week).
            - `logs.csv`: canonical CSV log of the patients marked `csv` below.
            - `logs.json`: JSON log of the patients marked `json` below.

            \(config.auditData ? "- `roster.csv` also has `discharge_date`, and `proms.csv` holds KOOS-PF and AKPS scores " + "(`patient_id,date,instrument,score`) for `caseload audit --proms`.\n" : "")
            Expected reasons are the follow-up reasons the weekly review should raise as of \(config.endDate.isoString).

            | Patient | Clinician | Log | Scenario | Expected reasons |
            |---|---|---|---|---|

            """
        for p in patients {
            let reasons = p.expectedReasons.sorted().joined(separator: ", ")
            text += "| \(p.patientID) | \(p.roster.clinician ?? "") | \(p.logFormat.rawValue) | \(p.scenario.rawValue) | "
            text += (reasons.isEmpty ? "none" : reasons) + " |\n"
        }
        let discharged = patients.compactMap { p in p.roster.dischargeDate.map { "\(p.patientID) on \($0.isoString)" } }
        if !discharged.isEmpty {
            text += "\nDischarged (their logs stop on that day): " + discharged.joined(separator: ", ") + ".\n"
        }
        return text
    }
}

/// Writes patients' logs in the JSON log shape.
enum JSONLog {
    /// Appends one patient object: `{"patient": {...}, "sessions": [...]}`, one session a line.
    static func appendPatient(_ roster: RosterEntry, rows: [LogEntry], to b: inout [UInt8]) {
        b.append(contentsOf: #"{"patient":{"id":"#.utf8)
        appendString(roster.patientID, to: &b)
        if let c = roster.clinician {
            b.append(contentsOf: #","clinician":"#.utf8)
            appendString(c, to: &b)
        }
        if let s = roster.programStart {
            b.append(contentsOf: #","program_start":""#.utf8)
            CanonicalCSV.appendDate(s, to: &b)
            b.append(0x22)
        }
        b.append(contentsOf: #","sessions_per_week":"#.utf8)
        CanonicalCSV.appendNumber(roster.sessionsPerWeek, to: &b, decimalSeparator: UInt8(ascii: "."))
        b.append(contentsOf: #"},"sessions":["#.utf8)

        var i = 0
        var first = true
        while i < rows.count {
            // A session: consecutive exercise rows of one date and session ID; a check-in row alone.
            var j = i + 1
            if !rows[i].isCheckIn {
                while j < rows.count, !rows[j].isCheckIn, rows[j].date == rows[i].date,
                      rows[j].sessionID == rows[i].sessionID
                {
                    j += 1
                }
            }
            b.append(contentsOf: (first ? "\n" : ",\n").utf8)
            first = false
            appendSession(rows[i..<j], to: &b)
            i = j
        }
        b.append(contentsOf: (first ? "]}" : "\n]}").utf8)
    }

    static func appendSession(_ rows: ArraySlice<LogEntry>, to b: inout [UInt8]) {
        guard let head = rows.first else { return }
        b.append(contentsOf: #"{"date":""#.utf8)
        CanonicalCSV.appendDate(head.date, to: &b)
        b.append(0x22)
        if let v = rows.lazy.compactMap(\.readiness).first {
            b.append(contentsOf: #","readiness_test":""#.utf8)
            b.append(contentsOf: v.rawValue.utf8)
            b.append(0x22)
        }
        if let v = rows.lazy.compactMap(\.pain).first { appendNumberField("pain", v, to: &b) }
        if let v = rows.lazy.compactMap(\.swelling).first { appendBoolField("swelling", v, to: &b) }
        if let v = rows.lazy.compactMap(\.nightPain).first { appendBoolField("night_pain", v, to: &b) }
        b.append(contentsOf: #","exercises":["#.utf8)
        var firstExercise = true
        for row in rows where !row.isCheckIn {
            if !firstExercise { b.append(UInt8(ascii: ",")) }
            firstExercise = false
            b.append(contentsOf: #"{"name":"#.utf8)
            appendString(row.exercise ?? "", to: &b)
            if let c = row.category {
                b.append(contentsOf: #","category":""#.utf8)
                b.append(contentsOf: c.rawValue.utf8)
                b.append(0x22)
            }
            if let v = row.level { appendIntField("level", v, to: &b) }
            if let v = row.sets { appendIntField("sets", v, to: &b) }
            if let v = row.reps { appendIntField("reps", v, to: &b) }
            if let v = row.loadKg { appendNumberField("load_kg", v, to: &b) }
            if let v = row.durationMin { appendNumberField("duration_min", v, to: &b) }
            if let v = row.painDuring { appendNumberField("pain_during", v, to: &b) }
            if let v = row.notes {
                b.append(contentsOf: #","notes":"#.utf8)
                appendString(v, to: &b)
            }
            b.append(UInt8(ascii: "}"))
        }
        b.append(contentsOf: "]}".utf8)
    }

    static func appendKey(_ key: String, to b: inout [UInt8]) {
        b.append(contentsOf: ",\"".utf8)
        b.append(contentsOf: key.utf8)
        b.append(contentsOf: "\":".utf8)
    }

    static func appendNumberField(_ key: String, _ value: Double, to b: inout [UInt8]) {
        appendKey(key, to: &b)
        CanonicalCSV.appendNumber(value, to: &b, decimalSeparator: UInt8(ascii: "."))
    }

    static func appendIntField(_ key: String, _ value: Int, to b: inout [UInt8]) {
        appendKey(key, to: &b)
        CanonicalCSV.appendInt(value, to: &b)
    }

    static func appendBoolField(_ key: String, _ value: Bool, to b: inout [UInt8]) {
        appendKey(key, to: &b)
        b.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Appends a JSON string literal (quotes, backslashes and control characters escaped; other text as UTF-8).
    static func appendString(_ text: String, to b: inout [UInt8]) {
        b.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: b.append(contentsOf: [0x5C, 0x22] as [UInt8])
            case 0x5C: b.append(contentsOf: [0x5C, 0x5C] as [UInt8])
            case 0x0A: b.append(contentsOf: [0x5C, UInt8(ascii: "n")] as [UInt8])
            case 0x0D: b.append(contentsOf: [0x5C, UInt8(ascii: "r")] as [UInt8])
            case 0x09: b.append(contentsOf: [0x5C, UInt8(ascii: "t")] as [UInt8])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                b.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]] as [UInt8])
            default: b.append(byte)
            }
        }
        b.append(0x22)
    }
}
