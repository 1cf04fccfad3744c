import Foundation
import Testing

/// The built `caseload` on other apps' exports: every shape of the import fixtures
/// (`Tests/CaseloadImportTests/Fixtures/profiles/`, rows written for the project in each app's
/// layout) through `review`, `check` and `patient` with `--profile`, `[profile] paths` in
/// caseload.toml, `profile init` and `profile check`, and the errors.
@Suite struct ProfileEndToEndTests {
    static let fixtures = CLIHarness.packageRoot.appendingPathComponent("Tests/CaseloadImportTests/Fixtures/profiles")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    static let builtIns = ["--profile", "strong", "--profile", "hevy", "--profile", "fitnotes"]
    static let clinic = fixture("clinic-app/clinic-app.toml")

    /// The manifest's inputs, by file name within the fixtures folder.
    static func manifestInputs(_ report: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: report.appendingPathComponent("manifest.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["inputs"] as? [[String: Any]])
    }

    /// patients.csv as rows of cells keyed by header (no quoted commas in these reports).
    static func patients(_ report: URL) throws -> [String: [String: String]] {
        let text = try String(contentsOf: report.appendingPathComponent("patients.csv"), encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        let header = try #require(lines.first)
        return Dictionary(uniqueKeysWithValues: lines.dropFirst().map { row in
            (row[0], Dictionary(uniqueKeysWithValues: zip(header, row)))
        })
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var folder: String
        var profile: String
        var patient: String
        var layout: String
        var testDescription: String { folder }
    }

    static let shapes: [Shape] = [
        Shape(folder: "strong-2019-semicolon", profile: "strong", patient: "PFP-101", layout: "strong: 2019, ';' with Weight Unit"),
        Shape(folder: "strong-2019-comma", profile: "strong", patient: "PFP-102", layout: "strong: 2019, ',' weights in kg"),
        Shape(folder: "strong-workout-number", profile: "strong", patient: "PFP-103", layout: "strong: Workout #, Duration (sec), Weight (kg)"),
        Shape(folder: "strong-2025-comma", profile: "strong", patient: "PFP-104", layout: "strong: 2025, Duration like 1h 15m"),
        Shape(folder: "hevy", profile: "hevy", patient: "PFP-105", layout: "hevy: weight_kg"),
        Shape(folder: "hevy-lbs", profile: "hevy", patient: "PFP-106", layout: "hevy: weight_lbs"),
        Shape(folder: "fitnotes-2023-03", profile: "fitnotes", patient: "PFP-107", layout: "fitnotes: Weight (kgs)"),
        Shape(folder: "fitnotes-2023-11", profile: "fitnotes", patient: "PFP-107", layout: "fitnotes: Weight with Weight Unit"),
        Shape(folder: "clinic-app", profile: clinic, patient: "PFP-108", layout: "Clinic app v3"),
    ]

    @Test(arguments: shapes)
    func reviewReadsEachShape(_ shape: Shape) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(["review", Self.fixture(shape.folder), "--profile", shape.profile, "--out", out.path, "--quiet"])
        #expect(review.status == 0, "\(review.stderr)")
        try OutputContract.expectHolds(out)
        let inputs = try Self.manifestInputs(out)
        #expect(!inputs.isEmpty)
        for input in inputs {
            let dialect = input["dialect"] as? String ?? ""
            #expect(dialect.hasSuffix("profile='\(shape.layout)'"), "\(dialect)")
        }
        #expect(try Self.patients(out)[shape.patient] != nil)
    }

    @Test func oneReviewReadsEveryShapeEachThroughItsProfile() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(
            ["review", Self.fixtures.path, "--out", out.path, "--json", "--profile", Self.clinic] + Self.builtIns)
        #expect(review.status == 0, "\(review.stderr)")
        try OutputContract.expectHolds(out)
        let inputs = try Self.manifestInputs(out)
        #expect(inputs.count == 10)
        let patients = try Self.patients(out)
        #expect(patients.keys.sorted() == ["PFP-101", "PFP-102", "PFP-103", "PFP-104", "PFP-105", "PFP-106", "PFP-107", "PFP-108", "PFP-109", "PFP-110"])
        // FitNotes' November export repeats March's four rows: duplicates, never counted twice.
        let november = try #require(inputs.first { ($0["path"] as? String)?.hasSuffix("fitnotes-2023-11/PFP-107.csv") == true })
        #expect(november["rows_duplicate"] as? Int == 4)
        #expect(november["rows_accepted"] as? Int == 3)
        let rejected = try String(contentsOf: out.appendingPathComponent("rejected.csv"), encoding: .utf8)
        #expect(rejected.contains("Knee bend check,Maybe,readiness_test Maybe is not pass/fail; [values.readiness_test] has no mapping for it"))
    }

    @Test func checkNamesTheExportsColumnsAndPatientListsWorkoutMinutesOnce() throws {
        let check = try CLIHarness.run(["check", Self.fixture("clinic-app"), "--profile", Self.clinic])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("export-week10.csv (log, csv, delimiter=',' encoding=UTF-8 newline=LF profile='Clinic app v3')"))
        #expect(check.stdout.contains("export-week10.csv:5: Time (s) 'abc': duration_min abc is not a number"))
        #expect(check.stdout.contains("export-week10.csv:6: Logged at '31 Feb 2025, 07:30': date 31 Feb 2025, 07:30 does not exist"))
        #expect(check.stdout.contains("warning: every row is patient PFP-109, taken from the file name"))

        let patient = try CLIHarness.run(["patient", "PFP-103", Self.fixture("strong-workout-number"), "--profile", "strong"])
        #expect(patient.status == 0, "\(patient.stderr)")
        // 1,500 s and 1,800 s workouts, three and one set rows: 25 and 30 minutes, in one ISO week.
        #expect(patient.stdout.contains("Sessions: 2 of"), "\(patient.stdout)")
        let week = try #require(patient.stdout.components(separatedBy: "\n").first { $0.contains("2025-W19") })
        #expect(week.split(separator: " ").contains("55.0"), "\(week)")
    }

    /// The registry names the format first (`--format`), then the profile reads the file: a
    /// tab-separated export saved as `.txt` is read through the profile as `tsv`.
    @Test func formatChoiceAndProfileMeet() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let export = tmp.appendingPathComponent("clinic-week11.txt")
        let rows = [
            ["Client ref", "Logged at", "Exercise", "Time (s)", "Weight (lb)", "Knee bend check", "Knee pain", "Comment"],
            ["PFP-120", "10 Mar 2025, 07:30", "Leg press", "600", "50", "OK", "3", "a, b"],
            ["PFP-120", "11 Mar 2025, 07:30", "Wall sit", "300", "", "Not OK", "4", ""],
            ["PFP-120", "12 Mar 2025, 07:30", "Wall sit", "300", "", "Maybe", "2", ""],
        ]
        try (rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n").write(to: export, atomically: true, encoding: .utf8)

        let check = try CLIHarness.run(["check", export.path, "--format", "tsv", "--profile", Self.clinic])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("clinic-week11.txt (log, tsv, delimiter=tab"), "\(check.stdout)")
        #expect(check.stdout.contains("profile='Clinic app v3')"), "\(check.stdout)")
        #expect(check.stdout.contains("clinic-week11.txt:4: Knee bend check 'Maybe'"), "\(check.stdout)")

        let out = tmp.appendingPathComponent("report")
        let review = try CLIHarness.run(["review", export.path, "--format", "tsv", "--profile", Self.clinic, "--out", out.path, "--quiet"])
        #expect(review.status == 0, "\(review.stderr)")
        let input = try #require(try Self.manifestInputs(out).first)
        #expect(input["format"] as? String == "tsv")
        #expect(input["rows_accepted"] as? Int == 2)
        #expect(input["rows_rejected"] as? Int == 1)

        // Without --format the .txt is sniffed as CSV (tab found) and read through the profile too.
        let sniffed = try CLIHarness.run(["check", export.path, "--profile", Self.clinic])
        #expect(sniffed.status == 0, "\(sniffed.stderr)")
        #expect(sniffed.stdout.contains("clinic-week11.txt (log, csv, delimiter=tab"), "\(sniffed.stdout)")
    }

    @Test func patientNamesTheOneExportWithoutAPatientColumn() throws {
        let named = try CLIHarness.run(
            ["patient", "K-9", Self.fixture("hevy/PFP-105.csv"), "--profile", "hevy", "--patient", "K-9"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains("Patient K-9"))
        let two = try CLIHarness.run(
            ["check", Self.fixture("hevy"), Self.fixture("hevy-lbs"), "--profile", "hevy", "--patient", "K-9"])
        #expect(two.status == 1)
        #expect(two.stderr.contains("caseload: --patient: --patient names the patient of one export, but 2 exports"), "\(two.stderr)")
    }

    @Test func profileInitWritesADraftThatProfileCheckReads() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let export = Self.fixture("clinic-app/PFP-109_export.csv")
        let printed = try CLIHarness.run(["profile", "init", export])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("load = \"lb\""))
        let draft = tmp.appendingPathComponent("draft.toml").path
        let written = try CLIHarness.run(["profile", "init", export, "--output", draft])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("Wrote \(draft)"))
        #expect(try String(contentsOfFile: draft, encoding: .utf8) == printed.stdout)
        let again = try CLIHarness.run(["profile", "init", export, "--output", draft])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists; pass --force"))

        let check = try CLIHarness.run(["profile", "check", draft, export])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Patient: PFP-109 (from the file name)"))
        #expect(check.stdout.contains("Weight (lb)      load_kg"), "\(check.stdout)")
        #expect(check.stdout.contains("2 of 2 rows read; 0 rejected."))

        let builtIn = try CLIHarness.run(["profile", "check", "strong", Self.fixture("strong-2025-comma/PFP-104.csv"), "--rows", "2"])
        #expect(builtIn.status == 0, "\(builtIn.stderr)")
        #expect(builtIn.stdout.contains("through profile strong (built-in), layout '2025, Duration like 1h 15m'"))
        #expect(builtIn.stdout.contains("2025-06-02 18:05:00"))
        #expect(builtIn.stdout.contains("a review counts it once per workout"))
        #expect(builtIn.stdout.contains("First 2 rows:"))
    }

    @Test func caseloadTomlNamesTheProfiles() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.clinic, toPath: tmp.appendingPathComponent("profiles/clinic.toml").path)
        try "[profile]\npaths = [\"profiles/clinic.toml\", \"strong\"]   # both\n"
            .write(to: tmp.appendingPathComponent("caseload.toml"), atomically: true, encoding: .utf8)
        let check = try CLIHarness.run(
            ["check", Self.fixture("clinic-app/export-week10.csv"), Self.fixture("strong-2019-comma/PFP-102.csv")], in: tmp)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("profile='Clinic app v3'"))
        #expect(check.stdout.contains("profile='strong: 2019, ',' weights in kg'"))
        // --profile replaces the configuration's list.
        let replaced = try CLIHarness.run(
            ["check", Self.fixture("clinic-app/export-week10.csv"), "--profile", "strong"], in: tmp)
        #expect(replaced.status == 1)
        #expect(replaced.stderr.contains("profile strong (built-in) does not fit"), "\(replaced.stderr)")
        let shown = try CLIHarness.run(["config"], in: tmp)
        #expect(shown.stdout.contains("Mapping profiles: profiles/clinic.toml, strong ([profile] paths; --profile replaces them)"))

        try "[profile]\npath = \"strong\"\n".write(to: tmp.appendingPathComponent("caseload.toml"), atomically: true, encoding: .utf8)
        let bad = try CLIHarness.run(["check", Self.fixture("strong-2019-comma")], in: tmp)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("caseload.toml:2: path: unknown profile setting; did you mean paths?"), "\(bad.stderr)")
    }

    @Test func errorsNameTheProfileTheFileAndTheColumnOrLine() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let misfit = try CLIHarness.run(["check", Self.fixture("hevy/PFP-105.csv"), "--profile", "strong"])
        #expect(misfit.status == 1)
        #expect(misfit.stderr.contains("PFP-105.csv:1: profile strong (built-in) does not fit: no column 'Date' (date)"), "\(misfit.stderr)")

        let broken = tmp.appendingPathComponent("broken.toml").path
        try "[columns]\ndate = \"Date\"\nexcercise = \"Exercise\"\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try CLIHarness.run(["check", Self.fixture("hevy"), "--profile", broken])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("broken.toml:3: [columns] excercise: unknown canonical column; did you mean exercise?"), "\(bad.stderr)")

        let name = try CLIHarness.run(["check", Self.fixture("hevy"), "--profile", "hevvy"])
        #expect(name.status == 1)
        #expect(name.stderr.contains("hevvy: no such profile file, and not a built-in profile (strong, hevy, fitnotes); did you mean hevy?"))

        let planned = try CLIHarness.run(["review", "--plan", "plan.json", "--profile", "strong"])
        #expect(planned.status == 2)
    }

    @Test(arguments: [["profile", "--help"], ["profile", "init", "--help"], ["profile", "check", "--help"]])
    func profileCommandsHaveHelpWithExamples(_ arguments: [String]) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("caseload profile"))
    }

    /// A sharded run through a profile named by `[profile] paths`: the plan pins the profile file's
    /// SHA-256, the merge equals `review --plan`, and a profile changed after the plan is refused.
    @Test func plannedRunsPinTheProfile() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let fm = FileManager.default
        try fm.createDirectory(at: tmp.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: Self.clinic, toPath: tmp.appendingPathComponent("profiles/clinic.toml").path)
        try fm.createDirectory(at: tmp.appendingPathComponent("exports"), withIntermediateDirectories: true)
        try fm.copyItem(
            atPath: Self.fixture("clinic-app/export-week10.csv"), toPath: tmp.appendingPathComponent("exports/export-week10.csv").path)
        try "[profile]\npaths = [\"profiles/clinic.toml\"]\n"
            .write(to: tmp.appendingPathComponent("caseload.toml"), atomically: true, encoding: .utf8)
        let plan = try CLIHarness.run(
            ["plan", "exports", "--as-of", "2025-03-15", "--shards", "2", "--out", "work/plan.json"], in: tmp)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planText = String(decoding: try Data(contentsOf: tmp.appendingPathComponent("work/plan.json")), as: UTF8.self)
        #expect(planText.contains("\"role\" : \"profile\"") || planText.contains("\"role\": \"profile\""), "\(planText)")
        for index in 0..<2 {
            let shard = try CLIHarness.run(["shard", "--plan", "work/plan.json", "--index", "\(index)", "--quiet"], in: tmp)
            #expect(shard.status == 0, "shard \(index): \(shard.stderr)")
        }
        let merge = try CLIHarness.run(["merge", "--plan", "work/plan.json", "--out", "merged", "--quiet"], in: tmp)
        #expect(merge.status == 0, "\(merge.stderr)")
        let single = try CLIHarness.run(["review", "--plan", "work/plan.json", "--out", "single", "--quiet"], in: tmp)
        #expect(single.status == 0, "\(single.stderr)")
        let patients = { (folder: String) in try Data(contentsOf: tmp.appendingPathComponent(folder + "/patients.csv")) }
        #expect(try patients("merged") == patients("single"))
        #expect(String(decoding: try patients("single"), as: UTF8.self).split(whereSeparator: \.isNewline).count == 3)  // header + PFP-108, PFP-110

        // The profile changes after the plan: a new plan's shards go ahead, this plan's refuse.
        let profile = tmp.appendingPathComponent("profiles/clinic.toml")
        try (String(decoding: try Data(contentsOf: profile), as: UTF8.self) + "# edited\n").write(to: profile, atomically: true, encoding: .utf8)
        try fm.removeItem(at: tmp.appendingPathComponent("work/shards"))
        let refused = try CLIHarness.run(["shard", "--plan", "work/plan.json", "--index", "0", "--quiet"], in: tmp)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("profiles/clinic.toml"), "\(refused.stderr)")
        #expect(refused.stderr.contains("the mapping profiles are not the ones the plan recorded"), "\(refused.stderr)")
        #expect(!fm.fileExists(atPath: tmp.appendingPathComponent("work/shards/shard-00000-of-00002").path))
    }

}
