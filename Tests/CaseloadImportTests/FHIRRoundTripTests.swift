import CaseloadSynthetic
import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The project's own synthetic caseloads rendered as FHIR (`caseload generate --format
/// fhir-bundles|fhir-bulk`) read back: every patient's every day holds what the CSV caseload's day
/// holds, for everything FHIR carries (pain, session days, minutes, night pain, swelling, readiness
/// results), the roster facts come back from the CarePlans and Patients, and the PROM scores from
/// their Observations.
@Suite struct FHIRRoundTripTests {
    static let config = SyntheticConfig(patients: 28, days: 56, seed: 5, auditData: true)

    /// The `[fhir]` settings the generator writes beside its resources.
    static let options = FHIROptions(
        patientIdentifierSystem: SyntheticFHIRCodes.patientIdentifierSystem,
        readinessTestCodes: ["\(SyntheticFHIRCodes.localSystem)|readiness-test"],
        koosPFCodes: ["\(SyntheticFHIRCodes.localSystem)|koos-pf"], akpsCodes: ["\(SyntheticFHIRCodes.localSystem)|akps"])

    /// What FHIR carries of a day, as comparable values.
    struct Carried: Equatable, CustomStringConvertible {
        var date: CalendarDate
        var pain: Double?
        var session: Bool
        var minutes: Double?
        var night: Bool?
        var swelling: Bool?
        var passes: Int
        var failures: Int

        init(_ d: DailyRecord) {
            date = d.date
            pain = d.pain
            session = d.isSessionDay
            minutes = d.rowsWithDuration > 0 ? d.minutes : nil
            night = d.nightPain
            swelling = d.swelling
            passes = d.readinessPasses
            failures = d.readinessFailures
        }

        var description: String {
            "\(date) pain \(pain.map { "\($0)" } ?? "-") session \(session) min \(minutes.map { "\($0)" } ?? "-") "
                + "night \(night.map { "\($0)" } ?? "-") swell \(swelling.map { "\($0)" } ?? "-") ready \(passes)/\(failures)"
        }
    }

    /// The CSV caseload's folded days, per patient (every row through the builder, as the CSV reader folds them).
    static func expectedDays() -> [String: [Carried]] {
        var builder = CaseloadBuilder()
        for p in SyntheticCaseload.patients(config) {
            for entry in SyntheticCaseload.entries(for: p, config: config) { builder.add(entry) }
        }
        return Dictionary(uniqueKeysWithValues: builder.records().map { ($0.patientID, $0.days.map(Carried.init)) })
    }

    @Test(arguments: [false, true])
    func aRenderedCaseloadReadsBackDayByDay(bulk: Bool) throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/fhir"
        try SyntheticCaseload.writeFHIR(Self.config, to: out, bulk: bulk)
        let paths = try discoverInputs([out])
        #expect(paths.count == (bulk ? 6 : Self.config.patients))
        let result = try CaseloadImporter(options: ImportOptions(fhir: Self.options)).run(logs: paths, roster: nil)
        #expect(result.totals.isBalanced)
        #expect(result.totals.rowsRejected == 0, "\(result.rejected.prefix(3))")
        #expect(result.totals.rowsDuplicate == 0)
        for input in result.inputs where input.format == .fhir {
            #expect(input.ignoredResources.isEmpty, "\(input.path): \(input.ignoredResources)")
        }
        let expected = Self.expectedDays()
        let records = result.builder.records(roster: result.roster)
        #expect(records.map(\.patientID) == expected.keys.sorted())
        var readinessSeen = 0, nightSeen = 0
        for record in records {
            let got = record.days.map(Carried.init)
            #expect(got == expected[record.patientID], "\(record.patientID)")
            readinessSeen += got.reduce(0) { $0 + $1.failures }
            nightSeen += got.count { $0.night == true }
        }
        #expect(readinessSeen > 0 && nightSeen > 0, "the caseload plants failed readiness tests and night pain")
        for p in SyntheticCaseload.patients(Self.config) {
            let roster = try #require(result.roster[p.patientID])
            #expect(roster.clinician == p.roster.clinician)
            #expect(roster.displayName == p.roster.displayName)
            #expect(roster.programStart == p.roster.programStart)
            #expect(roster.sessionsPerWeek == p.roster.sessionsPerWeek)
            #expect(roster.dischargeDate == p.roster.dischargeDate)
        }
        let proms = SyntheticCaseload.patients(Self.config).flatMap { SyntheticCaseload.proms(for: $0, config: Self.config) }
        #expect(Set(result.proms) == Set(proms) && result.proms.count == proms.count)
        #expect(result.latestDate == Self.config.endDate)
    }

    /// `--messy`: a repeated resource is a duplicate, an entered-in-error pain and a pain in mm are
    /// rejected, and (Bulk) a line that is not JSON is rejected with its line.
    @Test(arguments: [false, true])
    func messyRenderingsAreAccountedFor(bulk: Bool) throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/fhir"
        try SyntheticCaseload.writeFHIR(SyntheticConfig(patients: 3, days: 42, seed: 2), to: out, bulk: bulk, messy: true)
        let result = try CaseloadImporter(options: ImportOptions(fhir: Self.options)).run(logs: try discoverInputs([out]), roster: nil)
        #expect(result.totals.isBalanced)
        #expect(result.totals.rowsDuplicate == 1)
        let reasons = result.rejected.map(\.reason)
        #expect(reasons.contains("status entered-in-error: only final, amended or corrected are used"))
        #expect(reasons.contains("pain in mm is not a 0–10 score (unit {score}, or none)"))
        #expect(reasons.contains { $0.hasPrefix("the line is not valid JSON") } == bulk)
        #expect(result.totals.rowsRejected == (bulk ? 3 : 2))
    }
}
