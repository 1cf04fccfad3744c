import Foundation
import Testing

/// `caseload check`: validation without a report.
@Suite struct CheckEndToEndTests {
    /// Help texts wrap as prose: a doubled backslash at a line end in a Swift multi-line string
    /// used to leave a stray "\\" in `check`, `patient` and `config --help`.
    @Test(arguments: ["review", "check", "patient", "generate", "config"])
    func helpHasNoStrayBackslashes(_ command: String) throws {
        let result = try CLIHarness.run([command, "--help"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\\"), "\(command) --help")
    }

    /// `--as-of` says how many used rows lie after the date; the count matches the review's
    /// `rows_after_as_of` for the same date.
    @Test func asOfCountsTheRowsAReviewWouldLeaveOut() throws {
        let before = try CLIHarness.run(["check"] + Samples.inputArguments + ["--as-of", "2026-11-15"])
        #expect(before.status == 0, "\(before.stderr)")
        let line = try #require(before.stdout.split(separator: "\n").first { $0.hasPrefix("As of 2026-11-15: ") })
        let count = try #require(line.dropFirst("As of 2026-11-15: ".count).split(separator: " ").first.flatMap { Int($0) })
        #expect(count > 0)
        #expect(line.hasSuffix("a review as of that date leaves them out of every figure."))

        let out = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let review = try CLIHarness.run(
            ["review"] + Samples.inputArguments + ["--as-of", "2026-11-15", "--out", out.path, "--quiet"])
        #expect(review.status == 0, "\(review.stderr)")
        try OutputContract.expectHolds(out)
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"rows_after_as_of\": \(count)"), "\(manifest.prefix(600))")

        let atEnd = try CLIHarness.run(["check"] + Samples.inputArguments + ["--as-of", Samples.endDate])
        #expect(atEnd.stdout.contains("As of \(Samples.endDate): no used row is dated after it."))
        let without = try CLIHarness.run(["check"] + Samples.inputArguments)
        #expect(!without.stdout.contains("As of "))
    }

    @Test func samplesArePerFileWithDialectAccountingAndRejectedRows() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let result = try CLIHarness.run(["check"] + Samples.inputArguments, in: tmp)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Samples.onlyFHIRSampleWarnings(result.stderr), "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("\(Samples.roster.path) (roster, csv, delimiter=',' encoding=UTF-8 newline=LF)"))
        #expect(out.contains("logs.json (log, json)"))
        #expect(out.contains("fhir/Observation.ndjson (log, fhir, FHIR R4 NDJSON)"))
        // The messy export is semicolon-separated, with a BOM and CRLF line ends (samples/README.md, FORMATS.md).
        #expect(out.contains("messy-export.csv (log, csv, delimiter=';' encoding=UTF-8+BOM newline=CRLF)"))
        #expect(out.contains("Latest log date: \(Samples.endDate)"))

        // Every file's line balances, and the totals line is their sum.
        var sum = [0, 0, 0, 0]
        for line in out.split(separator: "\n") where line.hasPrefix("  ") && line.contains(" rows = ") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.count == 4)
            #expect(numbers[0] == numbers[1] + numbers[2] + numbers[3], "\(line)")
            for i in 0..<4 { sum[i] += numbers[i] }
        }
        #expect(out.hasPrefix("caseload check: 10 input files (9 logs), \(sum[0]) rows = \(sum[1]) used + \(sum[2]) rejected + \(sum[3]) duplicate"))

        // Rejected rows: file:line: column 'value': reason, and nothing written anywhere.
        let rejected = out.split(separator: "\n").filter {
            $0.hasPrefix("  ") && ($0.contains("messy-export.csv:") || $0.contains("fhir/Observation.ndjson:"))
        }
        #expect(rejected.count == min(10, sum[2]))
        #expect(rejected.contains { $0.contains(": pain '12': pain 12 is outside 0–10") })
        #expect(rejected.contains { $0.contains(": valueQuantity.code 'mm': pain in mm is not a 0–10 score") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func strictExitsOneWhenAnyRowIsRejectedAndMaxRejectedLimitsTheList() throws {
        let result = try CLIHarness.run(["check"] + Samples.inputArguments + ["--strict", "--max-rejected", "2"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("caseload: ") && result.stderr.contains("rows rejected (--strict)"))
        #expect(result.stdout.contains("Rejected rows (first 2 of "))
        #expect(result.stdout.split(separator: "\n").filter {
            ($0.contains("messy-export.csv:") || $0.contains("fhir/Observation.ndjson:")) && $0.hasPrefix("  ")
        }.count == 2)
    }

    @Test func cleanFileWithAnExtraColumnPassesStrictAndNamesTheIgnoredColumn() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let file = tmp.appendingPathComponent("export.csv")
        try Data("patient_id,date,exercise,pain,therapist_note\nP1,2026-11-01,Wall sit,3,fine\nP1,2026-11-02,Wall sit,2,\n".utf8)
            .write(to: file)
        let result = try CLIHarness.run(["check", file.path, "--strict"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  2 rows = 2 used + 0 rejected + 0 duplicate"))
        #expect(result.stdout.contains("  ignored columns: therapist_note"))
        #expect(result.stdout.contains("No rows rejected."))
    }

    @Test(arguments: [
        (["check"], 2, "Missing expected argument"),
        (["check", "samples", "--max-rejected=-1"], 2, "--max-rejected must be 0 or more"),
        (["check", "samples", "--date-format", "YY"], 2, "--date-format"),
        (["check", "missing-folder"], 1, "missing-folder"),
    ])
    func badCheckInvocations(arguments: [String], status: Int32, message: String) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
