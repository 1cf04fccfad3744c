import Foundation
import Testing

/// `caseload patient`: one patient explained from the same inputs as the review.
@Suite struct PatientEndToEndTests {
    static func patient(_ id: String, _ extra: [String] = []) throws -> CLIResult {
        try CLIHarness.run(["patient", id] + Samples.inputArguments + extra)
    }

    /// Each planted scenario's reason is explained with its evidence, and a patient without one says so.
    @Test(arguments: ["P0001", "P0003", "P0006", "P0008", "P0009", "P0014"])
    func explainsThePlantedReasons(id: String) throws {
        let expected = try #require(try Samples.expectedReasons()[id])
        let clinician = try #require(try Samples.clinicians()[id])
        let result = try Self.patient(id)
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.hasPrefix("Patient \(id) ("))
        #expect(out.contains(", \(clinician), as of \(Samples.endDate)"))
        for section in ["Programme: started ", "Sessions: ", "Pain (0–10): baseline ", "Follow-up", "Trend over the last ",
            "Flares", "Plateau", "Weekly adherence", "Daily pain (Mon–Sun"] {
            #expect(out.contains(section), "\(id): \(section)")
        }
        let reasonLines = out.split(separator: "\n").filter { $0.hasPrefix("  - ") }
        #expect(reasonLines.count == expected.count, "\(id): \(reasonLines)")
        if expected.isEmpty { #expect(out.contains("Follow-up\n  none needed")) }
        // Every reason line carries evidence after its label.
        #expect(reasonLines.allSatisfy { $0.split(separator: ":", maxSplits: 1).last.map { $0.count > 5 } ?? false })
        // The chart covers the programme week by week, ending with the as-of date's week.
        let chart = try #require(out.components(separatedBy: "Daily pain (Mon–Sun; ▁ 0 … █ 10, · no score, ! flare day)\n").last)
        let weeks = chart.split(separator: "\n").filter { $0.hasPrefix("  2026-W") }
        #expect(weeks.count == chart.split(separator: "\n").count, "the chart ends the output")
        // One line per ISO week, consecutive (a week without scores still has its line).
        let numbers = weeks.compactMap { Int($0.dropFirst(8).prefix(2)) }
        #expect(numbers.count == weeks.count && numbers == Array((numbers.first ?? 0)...(numbers.last ?? 0)), "\(id)")
        #expect(weeks.last?.hasPrefix("  2026-W47") == true, "\(Samples.endDate) is in ISO week 47")
    }

    @Test func persistentFlareShowsTheOngoingFlareOnTheChart() throws {
        let result = try Self.patient("P0006")
        #expect(result.stdout.contains("Flare lasting too long"))
        let flares = result.stdout.components(separatedBy: "Flares\n")[1].components(separatedBy: "\n\n")[0]
        #expect(flares.contains(", ongoing"))
        // The chart marks flare days with "!" in the last week's values.
        let lastChartLine = try #require(result.stdout.split(separator: "\n").last)
        #expect(lastChartLine.hasPrefix("  2026-W47"))
        #expect(lastChartLine.contains("!"))
    }

    @Test func asOfMovesTheReviewDate() throws {
        let result = try Self.patient("P0001", ["--as-of", "2026-11-01"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(", as of 2026-11-01"))
        #expect(!result.stdout.contains("2026-W45  "), "no week after the as-of date is charted")
    }

    @Test(arguments: [
        (["patient", "P9999", "samples", "--roster", "samples/roster.csv"], 1, "patient 'P9999' is not in the inputs (36 patients read, e.g. F0001,"),
        (["patient"], 2, "Missing expected argument '<id>'"),
        (["patient", "P0001"], 2, "Missing expected argument '<inputs> ...'"),
        (["patient", "P0001", "samples", "--as-of", "2026-02-30"], 2, "--as-of '2026-02-30' is not a date"),
    ])
    func badPatientInvocations(arguments: [String], status: Int32, message: String) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
