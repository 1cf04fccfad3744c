/// Folds log rows into per-patient, per-day records as they stream in.
///
/// Rows may arrive in any order and from several files; builders filled in parallel
/// can be merged. Duplicate detection is not done here (it is the importer's row
/// accounting): every row given to ``add(_:)`` is counted into its day.
public struct CaseloadBuilder: Sendable {
    /// One distinct readiness outcome of a patient's day, packed into 64 bits: the day (index
    /// in `days`, 24 bits), the result (1 bit) and 39 bits of the session's hash (Swift's
    /// `Hasher`, seeded per process). Two different sessions of one day with the same result
    /// share a key with probability 2⁻³⁹ (then the second is not counted); a set of these keys
    /// takes 8 bytes an outcome, where one holding the session strings took about 30. A patient
    /// has fewer than 2¹⁷ days (dates lie in 1900–2199), well within the 24 bits of the day.
    private struct ReadinessOutcome: Hashable, Sendable {
        let key: UInt64

        init(slot: Int, result: ReadinessResult, sessionHash: UInt64) {
            key = UInt64(slot) << 40 | (result == .fail ? 1 << 39 : 0) | sessionHash & ((1 << 39) - 1)
        }

        /// The same outcome for the day at index `slot`.
        func moved(to slot: Int) -> ReadinessOutcome {
            ReadinessOutcome(key: UInt64(slot) << 40 | key & ((1 << 40) - 1))
        }

        private init(key: UInt64) { self.key = key }

        var slot: Int { Int(key >> 40) }
        var result: ReadinessResult { key & (1 << 39) != 0 ? .fail : .pass }
    }

    /// One patient's days, in the order their first row arrived, found by day number.
    private struct PatientDays: Sendable {
        var days: [DailyRecord] = []
        /// Day number (`daysSinceEpoch`) to index in `days`; built only once a day arrives out of
        /// date order (until then `days` is sorted and searched by bisection, with no table).
        var slots: [Int: Int] = [:]
        /// The distinct readiness outcomes seen, over all the patient's days (one set per
        /// patient, not one per day); each new one is counted into its day's
        /// `readinessPasses`/`readinessFailures` at once.
        var readiness: Set<ReadinessOutcome> = []
        /// The last day touched, so consecutive rows of one day skip the lookup.
        var lastKey = Int.min
        var lastSlot = -1
        /// True while `days` is in strictly ascending date order (the usual arrival order).
        var isSorted = true

        /// The index in `days` of day `key`, adding an empty record when it is new.
        mutating func slot(for key: Int, date: CalendarDate) -> Int {
            if key == lastKey { return lastSlot }
            let slot: Int
            if isSorted {
                if let last = days.last, last.date.daysSinceEpoch >= key, let found = sortedIndex(of: key) {
                    slot = found
                } else {
                    slot = days.count
                    if let last = days.last, last.date.daysSinceEpoch > key {
                        isSorted = false
                        for (i, day) in days.enumerated() { slots[day.date.daysSinceEpoch] = i }
                        slots[key] = slot
                    }
                    days.append(DailyRecord(date: date))
                }
            } else if let found = slots[key] {
                slot = found
            } else {
                slot = days.count
                days.append(DailyRecord(date: date))
                slots[key] = slot
            }
            lastKey = key
            lastSlot = slot
            return slot
        }

        /// The index of day `key` in the sorted `days`, by bisection.
        private func sortedIndex(of key: Int) -> Int? {
            var low = 0, high = days.count
            while low < high {
                let mid = (low + high) / 2
                if days[mid].date.daysSinceEpoch < key { low = mid + 1 } else { high = mid }
            }
            return low < days.count && days[low].date.daysSinceEpoch == key ? low : nil
        }
    }

    /// Patient ID to index in `patients`.
    private var index: [String: Int] = [:]
    private var ids: [String] = []
    private var patients: [PatientDays] = []
    /// The last patient touched: rows of one patient usually come together.
    private var lastID: String?
    private var lastPatient = -1

    public init() {}

    /// Number of distinct patients seen so far.
    public var patientCount: Int { patients.count }

    /// The slot of patient `id`, adding the patient (with no days) when new: a small integer, the
    /// same for the builder's lifetime, to pass to ``add(_:patientSlot:)``. Slots are dense, from 0
    /// in the order patients were first seen.
    /// - Complexity: O(1) amortised (a dictionary lookup; none when `id` was the last one asked).
    public mutating func patientSlot(for id: String) -> Int {
        patientIndex(id)
    }

    /// The index in `patients` of `id`, adding the patient when new.
    private mutating func patientIndex(_ id: String) -> Int {
        if let lastID, lastID == id { return lastPatient }
        let found: Int
        if let known = index[id] {
            found = known
        } else {
            found = patients.count
            patients.append(PatientDays())
            ids.append(id)
            index[id] = found
        }
        lastID = id
        lastPatient = found
        return found
    }

    /// Folds one row into its patient's day.
    /// - Complexity: O(1) amortised; rows of the same patient and day in a row skip every lookup.
    public mutating func add(_ entry: LogEntry) {
        add(DayContribution(entry), patientSlot: patientIndex(entry.patientID))
    }

    /// Folds one row's contribution into its day, for the patient at `patientSlot` (from
    /// ``patientSlot(for:)``): the same as ``add(_:)`` with the row, when `contribution` was made
    /// from it.
    /// - Complexity: O(1) amortised; rows of the same patient and day in a row skip every lookup.
    public mutating func add(_ contribution: DayContribution, patientSlot p: Int) {
        precondition(patients.indices.contains(p), "not a slot of this builder")
        let slot = patients[p].slot(for: contribution.date.daysSinceEpoch, date: contribution.date)
        CaseloadBuilder.fold(contribution, into: &patients[p].days[slot])
        if let readiness = contribution.readiness {
            count(ReadinessOutcome(slot: slot, result: readiness, sessionHash: contribution.sessionHash), patient: p)
        }
    }

    /// Records a readiness outcome of a day, counting it when the day had not seen it.
    private mutating func count(_ outcome: ReadinessOutcome, patient p: Int) {
        guard patients[p].readiness.insert(outcome).inserted else { return }
        switch outcome.result {
        case .pass: patients[p].days[outcome.slot].readinessPasses += 1
        case .fail: patients[p].days[outcome.slot].readinessFailures += 1
        }
    }

    /// Adds every row and readiness outcome another builder has seen.
    public mutating func merge(_ other: CaseloadBuilder) {
        for (theirs, id) in zip(other.patients, other.ids) {
            let p = patientIndex(id)
            var slots: [Int] = []
            slots.reserveCapacity(theirs.days.count)
            for record in theirs.days {
                let key = record.date.daysSinceEpoch
                let slot = patients[p].slot(for: key, date: record.date)
                slots.append(slot)
                // A new day starts empty, so the two cases are one; `combine` keeps our readiness
                // counts, and their outcomes are counted below, each once.
                patients[p].days[slot] = CaseloadBuilder.combine(patients[p].days[slot], record)
            }
            for outcome in theirs.readiness { count(outcome.moved(to: slots[outcome.slot]), patient: p) }
        }
    }

    /// The patients seen, each with its days in date order, sorted by patient ID.
    ///
    /// Patients on the roster who logged nothing are included with no days, so no
    /// prescribed patient disappears from the review.
    public func records(roster: [String: RosterEntry] = [:]) -> [PatientRecord] {
        var all = ids
        for id in roster.keys where index[id] == nil { all.append(id) }
        return all.sorted().map { id in
            guard let p = index[id] else { return PatientRecord(patientID: id, roster: roster[id], days: []) }
            let seen = patients[p]
            // Already in date order (the usual case), the days are shared with the builder, not copied.
            let days = seen.isSorted ? seen.days : seen.days.sorted { $0.date < $1.date }
            return PatientRecord(patientID: id, roster: roster[id], days: days)
        }
    }

    static func fold(_ entry: DayContribution, into record: inout DailyRecord) {
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
        if let during = entry.painDuring { record.appendPainDuring(during) }
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
        for during in b.painDuring { r.appendPainDuring(during) }
        if let s = b.swelling { r.swelling = (r.swelling ?? false) || s }
        if let n = b.nightPain { r.nightPain = (r.nightPain ?? false) || n }
        if let l = b.level { r.level = max(r.level ?? l, l) }
        r.categories.formUnion(b.categories)
        return r
    }
}

extension CaseloadBuilder {
    /// The IDs of the patients seen so far, in no particular order.
    public var patientIDs: [String] { ids }

    /// A builder holding the same days with every patient ID replaced by `rename(id)`
    /// (used to pseudonymise a run). Patients whose new IDs coincide are merged.
    /// - Complexity: O(patients + days).
    public func renamingPatients(_ rename: (String) -> String) -> CaseloadBuilder {
        var renamed = CaseloadBuilder()
        for (days, id) in zip(patients, ids) {
            let newID = rename(id)
            if renamed.index[newID] == nil {
                renamed.index[newID] = renamed.patients.count
                renamed.ids.append(newID)
                renamed.patients.append(days)
            } else {
                var single = CaseloadBuilder()
                single.index[newID] = 0
                single.ids = [newID]
                single.patients = [days]
                renamed.merge(single)
            }
        }
        return renamed
    }
}
