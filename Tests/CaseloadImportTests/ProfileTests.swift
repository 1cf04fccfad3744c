import Foundation
import Testing

@testable import CaseloadImport

/// Profile files: the keys of issue 15 read into a profile, and every mistake refused with the
/// file, the line and the key.
@Suite struct ProfileTests {
    /// The issue's example, word for word in its keys.
    static let example = """
        [profile]
        name = "Clinic app v3"

        [columns]                 # canonical column = the export's header (case-insensitive, trimmed)
        patient_id = "Client ref"
        date = "Logged at"
        duration_min = "Time (s)"
        load_kg = "Weight (lb)"
        readiness_test = "Knee bend check"

        [patient]
        from_filename = '^(PFP-[0-9]+)'   # files without the patient column: first capture group of the file name

        [values.readiness_test]   # the export's value = the canonical value (any canonical column)
        "OK" = "pass"
        "Not OK" = "fail"

        [units]
        load = "lb"               # kg (default) | lb
        duration = "s"            # min (default) | s | h | hm ("1h 15m", "35m", "45s")

        [dates]
        format = "%d %b %Y, %H:%M"   # strptime-style
        """

    @Test func readsTheIssuesExample() throws {
        let profile = try MappingProfile(parsing: Self.example, path: "profiles/clinic.toml")
        #expect(profile.name == "Clinic app v3")
        #expect(profile.source == "profiles/clinic.toml")
        #expect(profile.label == "'Clinic app v3' (profiles/clinic.toml)")
        #expect(!profile.isBuiltIn)
        let layout = try #require(profile.layouts.first)
        #expect(profile.layouts.count == 1)
        #expect(layout.columns.map(\.canonical) == ["patient_id", "date", "duration_min", "load_kg", "readiness_test"])
        #expect(layout.header(for: "load_kg") == "Weight (lb)")
        #expect(layout.patientFromFilename == "^(PFP-[0-9]+)")
        #expect(layout.values == ["readiness_test": ["ok": "pass", "not ok": "fail"]])
        #expect(layout.loadUnit == .lb)
        #expect(layout.durationUnit == .s)
        #expect(layout.dateFormat?.pattern == "%d %b %Y, %H:%M")
        #expect(layout.requiredHeaders == ["logged at", "time (s)", "weight (lb)", "knee bend check"])
    }

    @Test func theNameDefaultsToTheFileNameAndUnitsToKgAndMinutes() throws {
        let profile = try MappingProfile(parsing: "[columns]\ndate = \"When\"\n", path: "dir/my-app.toml")
        #expect(profile.name == "my-app")
        #expect(profile.layouts[0].loadUnit == .kg)
        #expect(profile.layouts[0].durationUnit == .min)
        #expect(profile.layouts[0].dateFormat == nil)
    }

    struct Mistake: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var reason: String
        var testDescription: String { reason }
    }

    static let columns = "[columns]\ndate = \"When\"\n"

    static let mistakes: [Mistake] = [
        Mistake(text: "[colums]\ndate = \"When\"\n", line: 1, reason: "unknown table [colums]; did you mean [columns]?"),
        Mistake(text: "[profile]\nnmae = \"x\"\n" + columns, line: 2, reason: "[profile] nmae: unknown key; did you mean name?"),
        Mistake(text: "[columns]\ndate = \"When\"\nduration = \"T\"\n", line: 3, reason: "unknown canonical column; did you mean duration_min?"),
        Mistake(text: "[columns]\ndate = \"When\"\npian = \"P\"\n", line: 3, reason: "did you mean pain?"),
        Mistake(text: "[columns]\ndate = \"  \"\n", line: 2, reason: "the export's header is empty"),
        Mistake(text: "[columns]\npain = \"P\"\n", line: 1, reason: "maps no date column"),
        Mistake(text: columns + "[units]\nload = \"stone\"\n", line: 4, reason: "[units] load takes \"kg\" or \"lb\""),
        Mistake(text: columns + "[units]\nduration = \"ms\"\n", line: 4, reason: "[units] duration takes \"min\", \"s\", \"h\" or \"hm\""),
        Mistake(text: columns + "[units]\nweight = \"lb\"\n", line: 4, reason: "[units] weight: unknown key"),
        Mistake(text: columns + "[units]\nload_kg = \"lb\"\n", line: 4, reason: "canonical columns are mapped under [columns]"),
        Mistake(text: columns + "[dates]\nformat = \"%d %Q %Y\"\n", line: 4, reason: "%Q is not supported"),
        Mistake(text: columns + "[dates]\nformat = \"%d/%m\"\n", line: 4, reason: "needs a year"),
        Mistake(text: columns + "[dates]\nformat = \"%d/%m/%Y %I:%M\"\n", line: 4, reason: "%I (hour 1–12) and %p (am/pm) go together"),
        Mistake(text: columns + "[patient]\nfrom_filename = '^PFP'\n", line: 4, reason: "has no capture group"),
        Mistake(text: columns + "[patient]\nfrom_filename = '^(PFP'\n", line: 4, reason: "is not a regular expression"),
        Mistake(text: columns + "[values]\nok = \"pass\"\n", line: 3, reason: "value maps go under [values.<column>]"),
        Mistake(text: columns + "[values.readiness]\n", line: 3, reason: "unknown canonical column; did you mean [values.readiness_test]?"),
        Mistake(text: columns + "[values.pain]\n\"none\" = \"0\"\n", line: 3, reason: "pain is not mapped under [columns]"),
        Mistake(
            text: "[columns]\ndate = \"When\"\nreadiness_test = \"R\"\n[values.readiness_test]\n\"OK\" = \"passed\"\n", line: 5,
            reason: "maps to a value the readiness_test column rejects: readiness_test passed is not pass/fail"),
        Mistake(
            text: "[columns]\ndate = \"When\"\npain = \"P\"\n[values.pain]\n\"severe\" = \"12\"\n", line: 5,
            reason: "pain 12 is outside 0–10"),
        Mistake(
            text: "[columns]\ndate = \"When\"\npain = \"P\"\n[values.pain]\n\"none\" = \"0\"\n\" NONE \" = \"0\"\n", line: 6,
            reason: "the same export value as none on line 5"),
        Mistake(text: columns + "[values.date]\n\"today\" = \"\"\n", line: 4, reason: "date may not map to an empty value"),
        Mistake(text: columns + "[values.readiness_test.x]\n", line: 3, reason: "is too deep"),
        Mistake(text: columns + "[units.load]\n", line: 3, reason: "only [values.<column>] tables have two parts"),
    ]

    @Test(arguments: mistakes)
    func refusesWithLineAndKey(_ mistake: Mistake) {
        do {
            _ = try MappingProfile(parsing: mistake.text, path: "app.toml")
            Issue.record("parsed: \(mistake.text)")
        } catch let error as ImportError {
            #expect(error.file == "app.toml")
            #expect(error.line == mistake.line, "\(error)")
            #expect(error.reason.contains(mistake.reason), "\(error.reason)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aValueMapMayMapToEmptyAndToAnyCase() throws {
        let profile = try MappingProfile(
            parsing: "[columns]\ndate = \"When\"\nswelling = \"S\"\n[values.swelling]\n\"-\" = \"\"\n\"Puffy\" = \"YES\"\n",
            path: "a.toml")
        #expect(profile.layouts[0].values["swelling"] == ["-": "", "puffy": "YES"])
    }

    @Test func loadsFilesAndBuiltInNames() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("clinic.toml", Self.example)
        #expect(try MappingProfile.load(path).name == "Clinic app v3")
        #expect(try MappingProfile.load("Strong") == MappingProfile.strong)
        #expect(try MappingProfile.load("hevy").isBuiltIn)
        // A file called like a built-in profile is read as the file.
        let shadow = try folder.write("fitnotes", "[profile]\nname = \"mine\"\n[columns]\ndate = \"D\"\n")
        #expect(try MappingProfile.load(shadow).name == "mine")
        #expect(throws: ImportError.self) { try MappingProfile.load(folder.path) }
        let binary = try folder.write("bin.toml", [0x5B, 0x00, 0x5D])
        #expect(throws: ImportError.self) { try MappingProfile.load(binary) }
        do {
            _ = try MappingProfile.load("strnog")
            Issue.record("loaded a misspelt name")
        } catch let error as ImportError {
            #expect(error.reason == "no such profile file, and not a built-in profile (strong, hevy, fitnotes); did you mean strong?")
        }
    }

    @Test func patientFromTheFileName() {
        #expect(MappingProfile.patient(fromFileName: "PFP-014_export.csv", pattern: "^(PFP-[0-9]+)") == "PFP-014")
        #expect(MappingProfile.patient(fromFileName: "export.csv", pattern: "^(PFP-[0-9]+)") == nil)
        #expect(MappingProfile.patient(fromFileName: " x.csv", pattern: "^( )") == nil)
    }
}
