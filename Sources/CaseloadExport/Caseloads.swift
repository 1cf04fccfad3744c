import Foundation
import CaseloadAnalytics
import CaseloadModel

/// One clinician's caseload within a run: their patients and the rows rejected for them.
public struct CaseloadSlice: Sendable {
    /// The clinician's name as on the roster, or ``Caseloads/unassigned``.
    public var name: String
    /// A folder name: lower-case ASCII letters, digits and `-`, unique within the run.
    public var slug: String
    /// The caseload's patients in priority order, priorities renumbered 1…n within the caseload.
    public var patients: [PatientSummary]
    /// Rejected rows whose patient ID belongs to this caseload.
    public var rejected: [RejectedRow]
}

/// One caseload folder of a written report, `caseloads/<slug>/`, with its headline counts.
public struct CaseloadFolder: Sendable, Hashable {
    /// The clinician's name as on the roster, or ``Caseloads/unassigned``.
    public var name: String
    /// The folder's name under `caseloads/` (``Caseloads/slug(for:taken:)``).
    public var slug: String
    /// Patients in the caseload.
    public var patients: Int
    /// Of them, patients needing follow-up.
    public var patientsNeedingFollowUp: Int

    /// Creates a folder entry.
    public init(name: String, slug: String, patients: Int, patientsNeedingFollowUp: Int) {
        self.name = name
        self.slug = slug
        self.patients = patients
        self.patientsNeedingFollowUp = patientsNeedingFollowUp
    }
}

/// Splits a run's analysis into per-clinician caseloads.
public enum Caseloads {
    /// The folders of `source`'s caseloads, in its order, each with a unique slug (as
    /// ``slices(of:rejected:)`` names them).
    public static func folders(of source: any ReportSource) -> [CaseloadFolder] {
        var taken: Set<String> = []
        return source.caseloads.map { group in
            CaseloadFolder(
                name: group.name, slug: slug(for: group.name, taken: &taken), patients: group.tally.patients,
                patientsNeedingFollowUp: group.tally.needingFollowUp)
        }
    }

    /// The caseload of patients without a clinician on the roster.
    public static let unassigned = unassignedCaseload

    /// The run's caseloads as ``caseloads(of:)`` decides them (sorted by clinician name
    /// case-insensitively, `Unassigned` last, priorities renumbered from 1), each with a unique
    /// folder name and its rejected rows.
    public static func slices(of patients: [PatientSummary], rejected: [RejectedRow]) -> [CaseloadSlice] {
        let groups = caseloads(of: patients)
        var caseloadOf: [String: String] = [:]
        for group in groups { for patient in group.patients { caseloadOf[patient.patientID] = group.name } }
        var rejectedByName: [String: [RejectedRow]] = [:]
        for row in rejected {
            if let id = row.patientID, let name = caseloadOf[id] { rejectedByName[name, default: []].append(row) }
        }
        var taken: Set<String> = []
        return groups.map { name, members in
            let folder = slug(for: name, taken: &taken)
            return CaseloadSlice(name: name, slug: folder, patients: members, rejected: rejectedByName[name] ?? [])
        }
    }

    /// The caseload name of a roster clinician (trimmed; empty or missing is ``unassigned``).
    public static func clinicianName(_ clinician: String?) -> String {
        CaseloadAnalytics.clinicianName(clinician)
    }

    private static let reservedNames: Set<String> = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ]

    /// A folder name for `name`: ASCII letters (accents dropped) and digits, lower-cased, other runs
    /// become one `-`; never empty, never `.`/`..`, never a Windows device name, unique in `taken`.
    public static func slug(for name: String, taken: inout Set<String>) -> String {
        var out = ""
        var pendingDash = false
        for scalar in name.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(Character(scalar).lowercased())
            } else {
                pendingDash = true
            }
        }
        if out.count > 60 { out = String(out.prefix(60)) }
        if out.isEmpty { out = "caseload" }
        if reservedNames.contains(out) { out += "-caseload" }
        var candidate = out
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(out)-\(n)"
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
