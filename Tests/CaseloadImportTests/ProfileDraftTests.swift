import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// `caseload profile init`'s draft: headers matched by name and synonyms, units and date formats
/// guessed from the values, every guess commented, and always a valid profile.
@Suite struct ProfileDraftTests {
    @Test func theClinicExportsDraftReadsItsRowsAsTheHandWrittenProfileDoes() throws {
        let export = try Fixture.path("profiles/clinic-app/PFP-109_export.csv")
        let text = try ProfileDraft.text(forExport: export)
        let draft = try MappingProfile(parsing: text, path: "draft.toml")
        let layout = try #require(draft.layouts.first)
        #expect(layout.columns.map(\.canonical) == ["date", "exercise", "load_kg", "duration_min", "pain", "readiness_test", "notes"])
        #expect(layout.header(for: "duration_min") == "Time (s)")
        #expect(layout.loadUnit == .lb)
        #expect(layout.durationUnit == .s)
        #expect(layout.dateFormat?.pattern == "%d %b %Y, %H:%M")
        #expect(layout.patientFromFilename == "^([A-Za-z]+[-_]?[0-9]+)")
        #expect(layout.values["readiness_test"] == ["ok": "pass", "not ok": "fail"])
        #expect(text.contains("load = \"lb\"   # the header names pounds ('Weight (lb)')"))
        #expect(text.contains("from_filename = '^([A-Za-z]+[-_]?[0-9]+)'   # guessed: 'PFP-109_export.csv' gives PFP-109"))

        let drafted = try importLogs([export], options: ImportOptions(profiles: [draft])).entries
        let written = try importLogs([export], options: ImportOptions(profiles: [try ProfiledReaderTests.clinicProfile()])).entries
        #expect(drafted == written)
        #expect(drafted.count == 2)
    }

    @Test func headersAreMatchedBySynonymsAndUnitsReadFromThem() {
        let text = ProfileDraft.draft(
            header: ["Client", "Timestamp", "Exercise Name", "Duration (sec)", "weight_kg", "Pain", "Notes", "Set Order", "Weight Unit"],
            samples: [["A-1", "2025-03-03T07:30:00", "Squat", "90", "20", "3", "", "1", "kg"]], fileName: "x.csv", decimalComma: false)
        #expect(text.contains("patient_id = \"Client\""))
        #expect(text.contains("date = \"Timestamp\""))
        #expect(text.contains("exercise = \"Exercise Name\""))
        #expect(text.contains("duration_min = \"Duration (sec)\""))
        #expect(text.contains("duration = \"s\"   # the header names seconds"))
        #expect(text.contains("load = \"kg\"   # the header names kilograms ('weight_kg')"))
        #expect(text.contains("pain = \"Pain\""))
        #expect(text.contains("# Not read (no canonical column matched): 'Set Order', 'Weight Unit'"))
        #expect(text.contains("'Weight Unit' looks like a unit written on each row"))
        #expect(text.contains("# the dates are ISO 8601"))
        #expect(!text.contains("[patient]"))
        #expect((try? MappingProfile(parsing: text, path: "d.toml")) != nil)
    }

    struct Guess: Sendable, CustomTestStringConvertible {
        var values: [String]
        var line: String
        var testDescription: String { line }
    }

    @Test(arguments: [
        Guess(values: ["15 Sep 2025, 07:48", "3 Jul 2024, 15:36"], line: "format = \"%d %b %Y, %H:%M\"   # reads every date"),
        Guess(values: ["13/04/2026", "02/04/2026"], line: "format = \"%d/%m/%Y\""),
        Guess(values: ["04/13/2026", "04/02/2026"], line: "format = \"%m/%d/%Y\""),
        Guess(values: ["03/04/2026"], line: "# %m/%d/%Y reads as many: check which order"),
        Guess(values: ["2025-01-30 12:34:56\u{202F}pm"], line: "format = \"%Y-%m-%d %I:%M:%S %p\""),
        Guess(values: ["2025-03-03"], line: "# the dates are ISO 8601"),
        Guess(values: ["yesterday", "today"], line: "# no known pattern reads most dates"),
    ])
    func dateFormatsAreGuessedFromTheValues(_ guess: Guess) {
        let lines = ProfileDraft.dateGuess(guess.values, cells: CellParser(dateOrder: .iso, decimalComma: false))
        #expect(lines.contains { $0.hasPrefix(guess.line) }, "\(lines)")
    }

    @Test func durationsAndCategoriesOfWorkoutApps() throws {
        let text = ProfileDraft.draft(
            header: ["Date", "Exercise", "Category", "Weight", "Reps", "Time"],
            samples: [["2022-03-18", "Cycling", "Cardio", "", "", "0:25:00"], ["2022-03-18", "Squat", "Legs", "20.0", "8", ""]],
            fileName: "FitNotes_Export.csv", decimalComma: false)
        #expect(text.contains("duration = \"hm\"   # values like '0:25:00'"))
        #expect(text.contains("# category = \"Category\"   # its values are not caseload categories"))
        #expect(text.contains("# [values.category]"))
        #expect(text.contains("load = \"kg\"   # a guess: the header names no unit (values 20–20)"))
        #expect(text.contains("# The export has no patient column"))
        #expect(text.contains("# This export fits the built-in profile") == false)
        let profile = try MappingProfile(parsing: text, path: "d.toml")
        #expect(profile.layouts[0].header(for: "category") == nil)
    }

    @Test func aHeaderOfABuiltInAppSaysSo() {
        let text = ProfileDraft.draft(
            header: ["title", "start_time", "end_time", "exercise_title", "weight_kg", "reps"], samples: [],
            fileName: "h.csv", decimalComma: false)
        #expect(text.contains("# This export fits the built-in profile hevy (layout 'weight_kg')"))
    }

    @Test func awkwardHeadersStayValidTOML() throws {
        let header = ["Da\"te\\", "Pain \u{07}(0-10)", "", "Notes'", "#x", "Exercise"]
        let text = ProfileDraft.draft(header: header, samples: [["2025-01-01", "3", "", "n", "", "e"]], fileName: "a'b\nc.csv", decimalComma: false)
        let profile = try MappingProfile(parsing: text, path: "d.toml")
        #expect(profile.layouts[0].header(for: "exercise") == "Exercise")
        // No header looks like the date: the placeholder is the first, quotes and backslash escaped.
        #expect(profile.layouts[0].header(for: "date") == "Da\"te\\")
    }

    @Test func aFileWithoutADateColumnGetsAPlaceholderThatParses() throws {
        let text = ProfileDraft.draft(header: ["Who", "What"], samples: [], fileName: "x.csv", decimalComma: false)
        #expect(text.contains("# No header looks like the date"))
        let profile = try MappingProfile(parsing: text, path: "d.toml")
        #expect(profile.layouts[0].header(for: "date") == "Who")
    }

    @Test(.enabled(if: Corpora.available, Corpora.skipped), arguments: ProfileBuiltInTests.exports.map(\.path))
    func everyRealExportsDraftIsAValidProfile(_ export: String) throws {
        let path = Corpora.root.appendingPathComponent(ProfileBuiltInTests.realExports + export).path
        let text = try ProfileDraft.text(forExport: path)
        let profile = try MappingProfile(parsing: text, path: "draft.toml")
        #expect(profile.layouts[0].header(for: "date") == (export.hasPrefix("hevy") || export.hasSuffix("hevy.csv") ? "start_time" : "Date"))
        #expect(text.contains("# This export fits the built-in profile"))
    }
}
