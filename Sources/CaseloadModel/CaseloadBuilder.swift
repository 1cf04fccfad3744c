/// Folds log rows into per-patient, per-day records as they stream in.
///
/// Rows may arrive in any order and from several files; builders filled in parallel
/// can be merged. Duplicate detection is not done here (it is the importer's row
/// accounting): every row given to ``add(_:)`` is counted into its day.
public struct CaseloadBuilder: Sendable {
    private struct PatientDays: Sendable {
        var days: [Int: DailyRecord] = [:]
        /// Per day, the distinct `session|result` readiness outcomes seen.
        var readiness: [Int: Set<String>] = [:]
    }

    private var patients: [String: PatientDays] = [:]

    public init() {}

    /// Number of distinct patients seen so far.
    public var patientCount: Int { patients.count }

    /// Folds one row into its patient's day.
    /// - Complexity: O(1) amortised.
    public mutating func add(_ entry: LogEntry) {
        let key = entry.date.daysSinceEpoch
        var record = patients[entry.patientID]?.days[key] ?? DailyRecord(date: entry.date)
        CaseloadBuilder.fold(entry, into: &record)
        patients[entry.patientID, default: PatientDays()].days[key] = record
        if let readiness = entry.readiness {
            let session = entry.sessionID ?? ""
            patients[entry.patientID, default: PatientDays()].readiness[key, default: []]
                .insert(session + "\u{1F}" + readiness.rawValue)
        }
    }

    /// Adds every row and readiness outcome another builder has seen.
    public mutating func merge(_ other: CaseloadBuilder) {
        for (id, theirs) in other.patients {
            var mine = patients[id] ?? PatientDays()
            for (key, record) in theirs.days {
                if let existing = mine.days[key] {
                    mine.days[key] = CaseloadBuilder.combine(existing, record)
                } else {
                    mine.days[key] = record
                }
            }
            for (key, outcomes) in theirs.readiness {
                mine.readiness[key, default: []].formUnion(outcomes)
            }
            patients[id] = mine
        }
    }

    /// The patients seen, each with its days in date order, sorted by patient ID.
    ///
    /// Patients on the roster who logged nothing are included with no days, so no
    /// prescribed patient disappears from the review.
    public func records(roster: [String: RosterEntry] = [:]) -> [PatientRecord] {
        var ids = Set(patients.keys)
        ids.formUnion(roster.keys)
        return ids.sorted().map { id in
            let seen = patients[id] ?? PatientDays()
            let days = seen.days.keys.sorted().map { key -> DailyRecord in
                var record = seen.days[key] ?? DailyRecord(date: CalendarDate(daysSinceEpoch: key))
                let outcomes = seen.readiness[key] ?? []
                record.readinessPasses = outcomes.filter { $0.hasSuffix("\u{1F}pass") }.count
                record.readinessFailures = outcomes.filter { $0.hasSuffix("\u{1F}fail") }.count
                return record
            }
            return PatientRecord(patientID: id, roster: roster[id], days: days)
        }
    }

    static func fold(_ entry: LogEntry, into record: inout DailyRecord) {
        if entry.isCheckIn {
            record.checkInRows += 1
        } else {
            record.exerciseRows += 1
            if let minutes = entry.durationMin {
                record.minutes += minutes
                record.rowsWithDuration += 1
            }
            if let category = entry.category { record.categories.insert(CategorySet(category)) }
            if let level = entry.level { record.level = max(record.level ?? level, level) }
        }
        if let pain = entry.pain { record.pain = max(record.pain ?? pain, pain) }
        if let during = entry.painDuring { record.painDuring.append(during) }
        if let swelling = entry.swelling { record.swelling = (record.swelling ?? false) || swelling }
        if let night = entry.nightPain { record.nightPain = (record.nightPain ?? false) || night }
    }

    static func combine(_ a: DailyRecord, _ b: DailyRecord) -> DailyRecord {
        var r = a
        r.exerciseRows += b.exerciseRows
        r.checkInRows += b.checkInRows
        r.minutes += b.minutes
        r.rowsWithDuration += b.rowsWithDuration
        if let p = b.pain { r.pain = max(r.pain ?? p, p) }
        r.painDuring += b.painDuring
        if let s = b.swelling { r.swelling = (r.swelling ?? false) || s }
        if let n = b.nightPain { r.nightPain = (r.nightPain ?? false) || n }
        if let l = b.level { r.level = max(r.level ?? l, l) }
        r.categories.formUnion(b.categories)
        return r
    }
}

extension CaseloadBuilder {
    /// The IDs of the patients seen so far, in no particular order.
    public var patientIDs: [String] { Array(patients.keys) }

    /// A builder holding the same days with every patient ID replaced by `rename(id)`
    /// (used to pseudonymise a run). Patients whose new IDs coincide are merged.
    /// - Complexity: O(patients + days).
    public func renamingPatients(_ rename: (String) -> String) -> CaseloadBuilder {
        var renamed = CaseloadBuilder()
        for (id, days) in patients {
            let newID = rename(id)
            if renamed.patients[newID] == nil {
                renamed.patients[newID] = days
            } else {
                var single = CaseloadBuilder()
                single.patients[newID] = days
                renamed.merge(single)
            }
        }
        return renamed
    }
}
