import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// Reading exports through a profile file: cells mapped, converted and checked by the canonical
/// rules; rejections naming the export's line and column; which file takes which profile; where
/// the patient comes from.
@Suite struct ProfiledReaderTests {
    static func clinicProfile() throws -> MappingProfile {
        try MappingProfile.load(try Fixture.path("profiles/clinic-app/clinic-app.toml"))
    }

    /// The issue's example profile: patient_id, date, duration_min, load_kg and readiness_test only.
    static func exampleProfile() throws -> MappingProfile {
        try MappingProfile(parsing: ProfileTests.example, path: "clinic.toml")
    }

    static func options(_ profiles: [MappingProfile], patient: String? = nil) -> ImportOptions {
        ImportOptions(profiles: profiles, patient: patient)
    }

    /// The ImportError `body` throws (records an issue when it throws none).
    static func importError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ImportError? {
        do {
            try body()
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch let error as ImportError {
            return error
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test func theClinicExportReadsThroughItsProfile() throws {
        let week = try Fixture.path("profiles/clinic-app/export-week10.csv")
        let named = try Fixture.path("profiles/clinic-app/PFP-109_export.csv")
        let (result, entries) = try importLogs([week, named], options: Self.options([try Self.clinicProfile()]))
        #expect(result.totals == RowCounts(rowsRead: 9, rowsAccepted: 6, rowsRejected: 3, rowsDuplicate: 0))
        #expect(result.inputs.allSatisfy { $0.counts.isBalanced })
        #expect(entries.count == 6)
        let first = entries[0]
        #expect(first.patientID == "PFP-108")
        #expect(first.date == day("2025-03-03"))
        #expect(first.secondsOfDay == 7 * 3600 + 30 * 60)
        #expect(first.exercise == "Wall sit")
        #expect(first.durationMin == 5)  // 300 s
        #expect(first.loadKg == nil)
        #expect(first.readiness == .pass)
        #expect(first.pain == 2)
        #expect(entries[1].loadKg == 50 * 0.45359237)  // 50 lb
        #expect(entries[1].readiness == .pass)  // "ok": values match in any case
        #expect(entries[2].readiness == .fail)
        #expect(entries[2].notes == "sore after stairs")
        // An ISO date-time is read whatever the format; a row without an exercise is a check-in.
        #expect(entries[3].patientID == "PFP-110")
        #expect(entries[3].secondsOfDay == 8 * 3600)
        #expect(entries[3].isCheckIn)
        // The file without the patient column: the first capture group of its name.
        #expect(entries[4].patientID == "PFP-109")
        #expect(entries[4].durationMin == 4)
        #expect(entries[4].loadKg == 20 * 0.45359237)

        #expect(result.rejected.map(\.line) == [5, 6, 7])
        #expect(result.rejected.map(\.column) == ["Time (s)", "Logged at", "Knee bend check"])
        #expect(result.rejected.map(\.value) == ["abc", "31 Feb 2025, 07:30", "Maybe"])
        #expect(result.rejected.map(\.patientID) == ["PFP-108", "PFP-108", "PFP-108"])
        #expect(result.rejected[0].reason == "duration_min abc is not a number")
        #expect(result.rejected[1].reason == "date 31 Feb 2025, 07:30 does not exist")
        #expect(result.rejected[2].reason == "readiness_test Maybe is not pass/fail; [values.readiness_test] has no mapping for it")
        #expect(result.rejected.allSatisfy { $0.file == week })

        let summary = result.inputs[0]
        #expect(summary.format == .csv)
        #expect(summary.dialect == "delimiter=',' encoding=UTF-8 newline=LF profile='Clinic app v3'")
        #expect(summary.ignoredColumns.isEmpty)
        #expect(summary.warnings.isEmpty)
        #expect(result.inputs[1].warnings.contains { $0.contains("every row is patient PFP-109, taken from the file name") })
    }

    @Test func aProfileThatDoesNotFitNamesTheProfileTheFileAndTheColumn() throws {
        let folder = try TemporaryFolder()
        let export = try folder.write("PFP-200.csv", "Client ref,Logged on,Knee bend check,Time (s),Weight (lb)\nPFP-200,x,OK,1,1\n")
        let profile = try Self.clinicProfile()
        let error = Self.importError { _ = try CaseloadImporter(options: Self.options([profile])).run(logs: [export], roster: nil) }
        #expect(error?.file == export)
        #expect(error?.line == 1)
        #expect(error?.reason.hasPrefix("profile 'Clinic app v3' (") == true, "\(String(describing: error))")
        #expect(error?.reason.contains("does not fit: no column 'Logged at' (date) in the header") == true)
        #expect(error?.reason.contains("found 'Client ref', 'Logged on'") == true)
    }

    @Test func caseloadsOwnColumnsAreReadAsCaseloadsOwn() throws {
        let folder = try TemporaryFolder()
        let own = try folder.write("own.csv", "patient_id,date,pain\nP1,2025-03-03,4\n")
        let (result, entries) = try importLogs([own], options: Self.options([try Self.clinicProfile()]))
        #expect(entries.map(\.pain) == [4])
        #expect(result.inputs[0].dialect == "delimiter=',' encoding=UTF-8 newline=LF")
    }

    @Test func withSeveralProfilesEachFileTakesTheOneThatFits() throws {
        let clinic = try Self.clinicProfile()
        let week = try Fixture.path("profiles/clinic-app/export-week10.csv")
        let strong = try Fixture.path("profiles/strong-workout-number/PFP-103.csv")
        let (result, _) = try importLogs([week, strong], options: Self.options([clinic, .strong, .hevy]))
        #expect(result.inputs[0].dialect?.hasSuffix("profile='Clinic app v3'") == true)
        #expect(result.inputs[1].dialect?.hasSuffix("profile='strong: Workout #, Duration (sec), Weight (kg)'") == true)

        let folder = try TemporaryFolder()
        let other = try folder.write("other.csv", "When,What\n2025-01-01,x\n")
        let none = Self.importError {
            _ = try CaseloadImporter(options: Self.options([clinic, .strong])).run(logs: [other], roster: nil)
        }
        #expect(none?.file == other)
        #expect(none?.reason.contains("no profile fits this export") == true)
        #expect(none?.reason.contains("'Clinic app v3'") == true)
        #expect(none?.reason.contains("strong (built-in): no column 'Date' (date)") == true, "\(String(describing: none))")

        var twin = clinic
        twin.name = "Twin"
        let two = Self.importError {
            _ = try CaseloadImporter(options: Self.options([clinic, twin])).run(logs: [week], roster: nil)
        }
        #expect(two?.file == week)
        #expect(two?.reason.contains("several profiles fit this export ('Clinic app v3'") == true)
    }

    @Test func patientComesFromTheOptionOrTheFileName() throws {
        let clinic = try Self.exampleProfile()
        let named = try Fixture.path("profiles/clinic-app/PFP-109_export.csv")
        // --patient wins over the file name for the one file without a patient column.
        let (_, entries) = try importLogs([named], options: Self.options([clinic], patient: "PFP-999"))
        #expect(Set(entries.map(\.patientID)) == ["PFP-999"])

        let folder = try TemporaryFolder()
        let header = "Logged at,Exercise,Time (s),Weight (lb),Knee bend check\n"
        let unnamed = try folder.write("export.csv", header + "\"03 Mar 2025, 18:00\",Step up,240,20,OK\n")
        let noMatch = Self.importError {
            _ = try CaseloadImporter(options: Self.options([clinic])).run(logs: [unnamed], roster: nil)
        }
        #expect(noMatch?.file == unnamed)
        #expect(noMatch?.reason.contains("the file name 'export.csv' does not match [patient] from_filename '^(PFP-[0-9]+)'") == true)

        let two = Self.importError {
            _ = try CaseloadImporter(options: Self.options([clinic], patient: "X")).run(logs: [named, unnamed], roster: nil)
        }
        #expect(two?.file == "--patient")
        #expect(two?.reason.contains("2 exports read through a profile have no patient column") == true)

        let week = try Fixture.path("profiles/clinic-app/export-week10.csv")
        let none = Self.importError {
            _ = try CaseloadImporter(options: Self.options([clinic], patient: "X")).run(logs: [week], roster: nil)
        }
        #expect(none?.reason == "--patient X: no export read through a profile lacks a patient column")
        let noProfile = Self.importError {
            _ = try CaseloadImporter(options: Self.options([], patient: "X")).run(logs: [week], roster: nil)
        }
        #expect(noProfile?.reason.contains("no --profile is given") == true)

        // A profile without from_filename cannot name the patient of a file without the column.
        let bare = try MappingProfile(parsing: "[columns]\npatient_id = \"Who\"\ndate = \"Logged at\"\n", path: "bare.toml")
        let missing = Self.importError {
            _ = try CaseloadImporter(options: Self.options([bare])).run(logs: [unnamed], roster: nil)
        }
        #expect(missing?.reason.contains("the export has no column 'Who' (patient_id) and the profile has no [patient] from_filename; pass --patient ID") == true)
    }

    @Test func shapeProblemsAreRejectedRowsAndBadHeadersStopTheFile() throws {
        let folder = try TemporaryFolder()
        let clinic = try Self.exampleProfile()
        let header = "Client ref,Logged at,Knee bend check,Time (s),Weight (lb)\n"
        let ragged = try folder.write(
            "ragged.csv", header + "PFP-1,\"03 Mar 2025, 07:30\",OK,60,10,extra\n\n,,,,\nPFP-1,\"04 Mar 2025, 07:30\"\n")
        let (result, entries) = try importLogs([ragged], options: Self.options([clinic]))
        #expect(result.totals == RowCounts(rowsRead: 2, rowsAccepted: 1, rowsRejected: 1, rowsDuplicate: 0))
        #expect(result.rejected.first?.reason == "row has 6 fields, header has 5")
        #expect(result.rejected.first?.patientID == "PFP-1")
        #expect(entries.first?.readiness == nil)
        #expect(result.inputs[0].warnings.contains { $0.contains("fewer fields than the header") })

        let doubled = try folder.write("doubled.csv", "Client ref,Logged at,Knee bend check,Time (s),Weight (lb),logged AT\n")
        let error = Self.importError { _ = try CaseloadImporter(options: Self.options([clinic])).run(logs: [doubled], roster: nil) }
        #expect(error?.reason == "duplicate column name 'logged AT' (also column 2)")
    }

    @Test func aFormatMissIsRejectedNamingTheFormat() throws {
        let folder = try TemporaryFolder()
        let export = try folder.write(
            "PFP-1.csv", "Logged at,Knee bend check,Time (s),Weight (lb)\n\"2025/03/03 07:30\",OK,60,\n03/04/2025,OK,60,\n")
        let (result, _) = try importLogs([export], options: Self.options([try Self.exampleProfile()]))
        #expect(result.rejected.first?.reason == "date 2025/03/03 07:30 does not match '%d %b %Y, %H:%M' (nor ISO 8601)")
        // A DD/MM date is ambiguous without --date-format, as in caseload's own files.
        #expect(result.rejected.last?.reason.contains("pass --date-format DD/MM/YYYY or MM/DD/YYYY") == true)
        #expect(result.inputs[0].warnings.contains { $0.contains("1 date is not YYYY-MM-DD") })
        var options = Self.options([try Self.exampleProfile()])
        options.dateOrder = .dayMonthYear
        let (dayFirst, entries) = try importLogs([export], options: options)
        #expect(dayFirst.totals.rowsAccepted == 1)
        #expect(entries.first?.date == day("2025-04-03"))
    }

    @Test func theFitPrefersNoLayoutItCannotTellApart() {
        var a = ProfileLayout(name: "a", columns: [ColumnMapping(canonical: "date", header: "D")])
        a.excludedHeaders = ["x"]
        let b = ProfileLayout(name: "b", columns: [ColumnMapping(canonical: "date", header: "d")])
        let profile = MappingProfile(name: "p", source: "p.toml", layouts: [a, b])
        guard case .failure(let both) = profile.fit(["D", "y"]) else { Issue.record("fit"); return }
        #expect(both.reason == "the header fits several layouts of 'p' (p.toml) ('a', 'b')")
        guard case .success(let only) = profile.fit(["D", "X"]) else { Issue.record("no fit"); return }
        #expect(only.name == "b")
        let single = MappingProfile(name: "s", source: "s.toml", layouts: [a])
        guard case .failure(let excluded) = single.fit(["y", "D", " X "]) else { Issue.record("fit"); return }
        #expect(excluded.column == 3)
        #expect(excluded.reason.contains("column ' X ' belongs to another layout"))
    }
}
