import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The built-in profiles (strong, hevy, fitnotes) on the project's own fixtures in each layout
/// (rows invented, layouts as the apps write them), and on the real exports in
/// `../shared/corpora/real-exports` when they are there.
@Suite struct ProfileBuiltInTests {
    static let all: [MappingProfile] = [.strong, .hevy, .fitnotes]

    static func read(_ paths: [String], patient: String? = nil) throws -> (ImportResult, [LogEntry]) {
        try importLogs(paths, options: ImportOptions(profiles: all, patient: patient))
    }

    /// The one patient's days of a result.
    static func days(_ result: ImportResult) throws -> [DailyRecord] {
        let records = result.builder.records(roster: result.roster)
        try #require(records.count == 1, "one patient expected, got \(records.map(\.patientID))")
        return records[0].days
    }

    static func layout(_ input: InputSummary) -> String? {
        input.dialect?.components(separatedBy: " profile=").last
    }

    @Test func everyBuiltInDateFormatIsValid() {
        for profile in Self.all {
            for layout in profile.layouts where layout.workout?.endHeader != nil || layout.name.contains("2025") {
                #expect(layout.dateFormat != nil, "\(profile.name) \(layout.name)")
            }
            #expect(profile.isBuiltIn && profile.label == "\(profile.name) (built-in)")
        }
    }

    @Test func strong2019SemicolonWithAUnitPerRow() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/strong-2019-semicolon/PFP-101.csv")])
        #expect(Self.layout(result.inputs[0]) == "'strong: 2019, ';' with Weight Unit'")
        #expect(result.totals == RowCounts(rowsRead: 7, rowsAccepted: 7, rowsRejected: 0, rowsDuplicate: 0))
        #expect(entries.allSatisfy { $0.patientID == "PFP-101" })
        // Two identical Wall Sit sets are two rows, not a duplicate.
        #expect(entries.filter { $0.exercise == "Wall Sit" }.count == 2)
        #expect(entries.first { $0.exercise == "Leg Press" }?.loadKg == 40 * LoadUnit.kilogramsPerPound)
        #expect(entries.first { $0.exercise == "Step Up" }?.loadKg == 10)
        #expect(entries.first { $0.exercise == "Step Up" }?.notes == "left knee sore")
        #expect(entries.last?.loadKg == 20.5)  // a decimal comma in a ';' file
        #expect(entries[0].sessionID == "2025-03-03T07:15:00")
        let days = try Self.days(result)
        #expect(days.map(\.date) == [day("2025-03-03"), day("2025-03-05")])
        // Set times only: 45 s twice (0 s is an untimed set), then a 1,200 s ride.
        #expect(days.map(\.minutes) == [1.5, 20])
        #expect(days.map(\.rowsWithDuration) == [2, 1])
        #expect(days.map(\.exerciseRows) == [5, 2])
    }

    @Test func strong2019CommaInKilograms() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/strong-2019-comma/PFP-102.csv")])
        #expect(Self.layout(result.inputs[0]) == "'strong: 2019, ',' weights in kg'")
        #expect(entries.map(\.loadKg) == [6.80388555, 6.80388555, 0])
        #expect(try Self.days(result).map(\.minutes) == [1])
    }

    @Test func aWorkoutsDurationCountsOncePerWorkoutNotPerSet() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/strong-workout-number/PFP-103.csv")])
        #expect(Self.layout(result.inputs[0]) == "'strong: Workout #, Duration (sec), Weight (kg)'")
        #expect(entries.map(\.durationMin) == [25, nil, nil, 30])
        let days = try Self.days(result)
        #expect(days.map(\.minutes) == [25, 30])  // 1,500 s and 1,800 s, not three times 25
        #expect(days.map(\.exerciseRows) == [3, 1])
    }

    @Test func strong2025WithTwelveHourTimesAndANarrowNoBreakSpace() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/strong-2025-comma/PFP-104.csv")])
        #expect(Self.layout(result.inputs[0]) == "'strong: 2025, Duration like 1h 15m'")
        #expect(result.rejected.isEmpty)
        #expect(entries[0].secondsOfDay == 18 * 3600 + 5 * 60)  // 6:05:00 pm
        #expect(entries[0].sessionID == "2025-06-02T18:05:00")
        #expect(entries.map(\.reps) == [10, 12, 12, 8])
        #expect(entries[2].notes == "slow")
        #expect(try Self.days(result).map(\.minutes) == [65, 35])  // 1h 5m once; 35m
    }

    @Test func hevyNewestFirstWithTheWorkoutFromStartToEnd() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/hevy/PFP-105.csv")])
        #expect(Self.layout(result.inputs[0]) == "'hevy: weight_kg'")
        #expect(result.rejected.isEmpty)
        #expect(entries.map(\.exercise) == ["Leg Press (Machine)", "Leg Press (Machine)", "Leg Press (Machine)", "Wall Sit", "Step Up"])
        #expect(entries[3].loadKg == nil && entries[3].reps == nil)
        #expect(entries[4].notes == "left 😬")
        let days = try Self.days(result)
        #expect(days.map(\.date) == [day("2025-07-07"), day("2025-07-09")])
        #expect(days.map(\.minutes) == [45, 42])
        #expect(days.map(\.rowsWithDuration) == [1, 1])
    }

    @Test func hevyInPounds() throws {
        let (result, entries) = try Self.read([try Fixture.path("profiles/hevy-lbs/PFP-106.csv")])
        #expect(Self.layout(result.inputs[0]) == "'hevy: weight_lbs'")
        #expect(entries.map(\.loadKg) == [35 * LoadUnit.kilogramsPerPound, 35 * LoadUnit.kilogramsPerPound])
        #expect(result.totals.rowsDuplicate == 0)
    }

    @Test func fitNotesTwoHeaderVersionsOverlapByStableFields() throws {
        let march = try Fixture.path("profiles/fitnotes-2023-03/PFP-107.csv")
        let november = try Fixture.path("profiles/fitnotes-2023-11/PFP-107.csv")
        let (result, entries) = try Self.read([march, november])
        #expect(Self.layout(result.inputs[0]) == "'fitnotes: Weight (kgs)'")
        #expect(Self.layout(result.inputs[1]) == "'fitnotes: Weight with Weight Unit'")
        #expect(result.inputs[0].counts == RowCounts(rowsRead: 4, rowsAccepted: 4, rowsRejected: 0, rowsDuplicate: 0))
        // November repeats March's four rows (two identical sets among them) and adds a back-filled
        // third set, a back-filled day in pounds and a later day.
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 7, rowsAccepted: 3, rowsRejected: 0, rowsDuplicate: 4))
        #expect(entries.first { $0.exercise == "Step Up" }?.loadKg == 20 * LoadUnit.kilogramsPerPound)
        let days = try Self.days(result)
        #expect(days.map(\.date) == [day("2025-02-10"), day("2025-02-11"), day("2025-02-12"), day("2025-02-14")])
        #expect(days[0].exerciseRows == 4)  // three Leg Press sets and the ride
        #expect(days[0].minutes == 20)  // 0:20:00

        // Read the other way round, March adds nothing.
        let (reverse, _) = try Self.read([november, march])
        #expect(reverse.inputs[1].counts == RowCounts(rowsRead: 4, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 4))
        #expect(try Self.days(reverse) == days)
    }

    /// A Strong workout and the same workout exported again with its sets in another order (and
    /// renumbered, as Strong does between exports): every row of the re-export is a duplicate, and
    /// the workout's minutes count once, though another set carries them first.
    @Test(arguments: [[2, 0, 1, 3], [3, 2, 1, 0], [1, 0, 3, 2]])
    func aReExportWithSetsInAnotherOrderGivesTheSameDuplicates(_ order: [Int]) throws {
        let header = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n"
        let sets = [("Leg Press", "50", "10.0"), ("Leg Press", "50", "12.0"), ("Leg Press", "50", "10.0"), ("Step Down", "0", "12.0")]
        func row(_ set: (String, String, String), number: Int) -> String {
            "2025-06-02 18:05:00,\"Evening\",1h 5m,\"\(set.0)\",\(number),\(set.1),\(set.2),0,0.0,\n"
        }
        let folder = try TemporaryFolder()
        let first = try folder.write("a/PFP-300.csv", header + sets.enumerated().map { row($0.element, number: $0.offset + 1) }.joined())
        let again = try folder.write(
            "b/PFP-300.csv", header + order.enumerated().map { row(sets[$0.element], number: $0.offset + 1) }.joined()
                + "2025-06-02 18:05:00,\"Evening\",1h 5m,\"Leg Press\",5,50,10.0,0,0.0,\n")
        let (result, _) = try Self.read([first, again])
        #expect(result.inputs[0].counts.rowsAccepted == 4)
        // The fifth row is a third identical set, new in the re-export: accepted, the rest duplicates.
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 5, rowsAccepted: 1, rowsRejected: 0, rowsDuplicate: 4))
        let days = try Self.days(result)
        #expect(days.map(\.minutes) == [65])
        #expect(days.map(\.exerciseRows) == [5])

        // Read alone, each file gives the same workout minutes.
        let (alone, _) = try Self.read([again])
        #expect(try Self.days(alone).map(\.minutes) == [65])
    }

    @Test func layoutsAreToldApartByTheirHeaders() {
        func fits(_ profile: MappingProfile, _ header: String) -> String? {
            guard case .success(let layout) = profile.fit(header.components(separatedBy: ",")) else { return nil }
            return layout.name
        }
        let strong2019 = "Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit,Reps,RPE,Distance,Distance Unit,Seconds,Notes,Workout Notes"
        #expect(fits(.strong, strong2019) == "2019, ';' with Weight Unit")
        #expect(fits(.strong, "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE") == "2019, ',' weights in kg")
        #expect(fits(.strong, "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE") == "2025, Duration like 1h 15m")
        #expect(fits(.hevy, "title,start_time,end_time,exercise_title,weight_kg,reps") == "weight_kg")
        #expect(fits(.fitnotes, "Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time,Comment") == "Weight (kgs)")
        // FitNotes' body tracker export is not a training log.
        guard case .failure(let mismatch) = MappingProfile.fitnotes.fit("Date,Time,Measurement,Value,Unit,Comment".components(separatedBy: ",")) else {
            Issue.record("the body tracker fits")
            return
        }
        #expect(mismatch.reason.hasPrefix("no column 'Exercise' (exercise) in the header and 2 more mapped columns (closest layout: 'Weight (kgs)')"))
    }

    @Test func anUnknownWeightUnitRejectsTheRowNamingTheUnitColumn() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "PFP-301.csv", "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
                + "2025-02-10,Leg Press,Legs,40.0,stone,10,,,,\"\"\n2025-02-10,Run,Cardio,,,,,,half an hour,\"\"\n")
        let (result, _) = try Self.read([path])
        #expect(result.rejected.map(\.column) == ["Weight Unit", "Time"])
        #expect(result.rejected[0].reason == "weight unit stone is not kg or lbs")
        #expect(result.rejected[0].value == "stone")
        #expect(result.rejected[1].reason == "duration half an hour is not like 1h 15m, 35m, 45s or 0:25:00")
    }

    // MARK: The real exports (../shared/corpora/real-exports), read where they lie.

    static let realExports = "real-exports/"

    struct RealExport: Sendable, CustomTestStringConvertible {
        var path: String
        var layout: String
        var rows: Int
        var testDescription: String { path }
    }

    static let exports: [RealExport] = [
        RealExport(path: "strong-2019-semicolon/strong.csv", layout: "strong: 2019, ';' with Weight Unit", rows: 6084),
        RealExport(path: "strong-2019-variants/alt.csv", layout: "strong: 2019, ',' weights in kg", rows: 9),
        RealExport(path: "strong-2019-variants/example.csv", layout: "strong: Workout #, Duration (sec), Weight (kg)", rows: 14),
        RealExport(path: "strong-2025-layout-drift/sample_strong_2025-09_semicolon.csv", layout: "strong: Workout #, Duration (sec), Weight (kg)", rows: 166),
        RealExport(path: "strong-2025-layout-drift/sample_strong_2025-10_comma.csv", layout: "strong: 2025, Duration like 1h 15m", rows: 250),
        RealExport(path: "strong-2025-layout-drift/sample_strong_legacy.csv", layout: "strong: 2025, Duration like 1h 15m", rows: 6),
        RealExport(path: "strong-hevy-fixture-u202f/strong.csv", layout: "strong: 2025, Duration like 1h 15m", rows: 12),
        RealExport(path: "strong-hevy-fixture-u202f/hevy.csv", layout: "hevy: weight_kg", rows: 12),
        RealExport(path: "hevy-2025/sample_hevy.csv", layout: "hevy: weight_kg", rows: 7211),
        RealExport(path: "fitnotes-2023-layout-drift/FitNotes_Export_2023_03_31_10_40_26.csv", layout: "fitnotes: Weight (kgs)", rows: 3474),
        RealExport(path: "fitnotes-2023-layout-drift/FitNotes_Export_2023_11_07_12_10_27.csv", layout: "fitnotes: Weight with Weight Unit", rows: 5350),
    ]

    @Test(.enabled(if: Corpora.available, Corpora.skipped), arguments: exports)
    func everyRowOfARealExportIsRead(_ export: RealExport) throws {
        let path = Corpora.root.appendingPathComponent(Self.realExports + export.path).path
        let (result, _) = try Self.read([path])
        #expect(Self.layout(result.inputs[0]) == "'\(export.layout)'")
        #expect(result.totals == RowCounts(rowsRead: export.rows, rowsAccepted: export.rows, rowsRejected: 0, rowsDuplicate: 0))
        #expect(result.rejected.isEmpty, "\(result.rejected.prefix(3))")
    }

    /// A copy of a real export under `folder/name` (the patient comes from the file name; the copy
    /// lives only in the test's temporary folder).
    static func copy(_ export: String, to folder: TemporaryFolder, as name: String) throws -> String {
        try folder.write(name, try Corpora.bytes(realExports + export))
    }

    @Test(.enabled(if: Corpora.available, Corpora.skipped))
    func strongsTwo2025ExportsOverlapWhateverTheSetOrder() throws {
        let folder = try TemporaryFolder()
        let september = try Self.copy("strong-2025-layout-drift/sample_strong_2025-09_semicolon.csv", to: folder, as: "a/P.csv")
        let october = try Self.copy("strong-2025-layout-drift/sample_strong_2025-10_comma.csv", to: folder, as: "b/P.csv")
        let (result, _) = try Self.read([september, october])
        // October repeats 154 of September's 166 sets (in another set order), leaves out or changes 12
        // (empty sets dropped, two sets re-weighed) and adds 96: 84 sets of later workouts and the 12 changed.
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 250, rowsAccepted: 96, rowsRejected: 0, rowsDuplicate: 154))
        let days = try Self.days(result)
        // 15 workouts on 15 days; each workout's minutes once (September's 2,134 s for the first).
        #expect(days.count == 15)
        #expect(days.first?.minutes == 2134.0 / 60)
        #expect(days.allSatisfy { $0.rowsWithDuration == 1 })
    }

    @Test(.enabled(if: Corpora.available, Corpora.skipped))
    func fitNotesNovemberRepeatsEveryMarchRow() throws {
        let folder = try TemporaryFolder()
        let march = try Self.copy("fitnotes-2023-layout-drift/FitNotes_Export_2023_03_31_10_40_26.csv", to: folder, as: "a/P.csv")
        let november = try Self.copy("fitnotes-2023-layout-drift/FitNotes_Export_2023_11_07_12_10_27.csv", to: folder, as: "b/P.csv")
        let (result, _) = try Self.read([march, november])
        #expect(result.inputs[1].counts == RowCounts(rowsRead: 5350, rowsAccepted: 1876, rowsRejected: 0, rowsDuplicate: 3474))
    }

    @Test(.enabled(if: Corpora.available, Corpora.skipped))
    func hevyGivesOneSessionDayPerWorkoutDayAndEachWorkoutsMinutesOnce() throws {
        let path = Corpora.root.appendingPathComponent(Self.realExports + "hevy-2025/sample_hevy.csv").path
        let (result, _) = try Self.read([path], patient: "P")
        let days = try Self.days(result)
        // 335 workouts (start_time) on 286 days, 2024-07-03 to 2025-09-15; 22,527 minutes from end − start.
        #expect(days.count == 286)
        #expect(days.first?.date == day("2024-07-03"))
        #expect(days.last?.date == day("2025-09-15"))
        #expect(days.reduce(0) { $0 + $1.minutes } == 22_527)
        #expect(days.reduce(0) { $0 + $1.rowsWithDuration } == 335)
    }
}
