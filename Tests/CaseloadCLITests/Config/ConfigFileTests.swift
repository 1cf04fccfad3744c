import CaseloadAnalytics
import CaseloadImport
import Foundation
import Testing

@testable import CaseloadCLI

/// The `caseload.toml` loader: the template, overrides, and every error with its line and key.
@Suite struct ConfigFileTests {
    static func parse(_ text: String) throws -> ConfigFile { try ConfigFile.parse(text, path: "test.toml") }

    /// The error `text` raises (fails the test when it parses).
    static func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func templateListsEveryThresholdAndParsesBackToTheDefaults() throws {
        let template = ConfigFile.template()
        let file = try Self.parse(template)
        #expect(file.overriddenKeys == Thresholds.settings.map(\.key))
        let defaults = Thresholds()
        for setting in Thresholds.settings {
            #expect(setting.value(in: file.thresholds) == setting.value(in: defaults), "\(setting.key)")
            // Each key is preceded by its meaning (with the clinical source) and its range.
            let lines = template.components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.hasPrefix(setting.key + " = ") }, "\(setting.key) missing")
            #expect(lines[index - 2] == "# " + setting.meaning)
            #expect(lines[index - 1].contains("valid \(ConfigFile.format(setting.range.lowerBound))–"))
        }
    }

    @Test func emptyFileAndCommentsGiveTheDefaults() throws {
        let file = try Self.parse("# nothing set\n\n[thresholds]   # the only table\n   \n")
        #expect(file.overriddenKeys.isEmpty)
        #expect(file.thresholds.flareMargin == Thresholds().flareMargin)
    }

    /// Every threshold can be set to its range's upper bound, and only that one changes.
    @Test(arguments: Thresholds.settings.map(\.key))
    func eachThresholdCanBeOverridden(key: String) throws {
        let setting = try #require(Thresholds.settings.first { $0.key == key })
        var value = setting.range.upperBound
        // Keep the ordered pairs consistent: a "smaller" key may not pass its partner's default.
        if let pair = ConfigFile.orderedPairs.first(where: { $0.smaller == key }),
            let larger = Thresholds.settings.first(where: { $0.key == pair.larger })
        {
            value = larger.value(in: Thresholds())
        }
        let file = try Self.parse("[thresholds]\n\(key) = \(ConfigFile.format(value))\n")
        #expect(file.overriddenKeys == [key])
        for other in Thresholds.settings {
            let expected = other.key == key ? value : other.value(in: Thresholds())
            #expect(other.value(in: file.thresholds) == expected, "\(other.key)")
        }
    }

    @Test func crlfBOMTrailingCommentsAndWholeFloatsAreAccepted() throws {
        let file = try Self.parse("\u{FEFF}[thresholds]\r\nflare_margin = 2.5 # points\r\nbaseline_days = 10.0\r\n")
        #expect(file.thresholds.flareMargin == 2.5)
        #expect(file.thresholds.baselineDays == 10)
        #expect(file.overriddenKeys == ["flare_margin", "baseline_days"])
    }

    @Test(arguments: [
        // (file text, line, key, words the reason must contain)
        ("[thresholds]\nflare_margn = 2\n", 2, "flare_margn", "did you mean flare_margin"),
        ("[thresholds]\nbogus_key = 2\n", 2, "bogus_key", "unknown threshold (`caseload config --init` lists every key)"),
        ("[thresholds]\nswelling = 2\n", 2, "swelling", "did you mean swelling_days?"),
        ("[thresholds]\nflare_margin = 20\n", 2, "flare_margin", "outside the valid range 0.5–10 points"),
        ("[thresholds]\n\nlow_adherence_pct = -1\n", 3, "low_adherence_pct", "outside the valid range 0–100"),
        ("[thresholds]\nbaseline_days = 7.5\n", 2, "baseline_days", "whole number"),
        ("[thresholds]\nflare_margin = \"2\"\n", 2, "flare_margin", "takes a number"),
        ("[thresholds]\nflare_margin = true\n", 2, "flare_margin", "takes a number"),
        ("flare_margin = 2\n[thresholds]\n", 1, "flare_margin", "outside any table"),
        ("[thresholds]\nflare_margin = 2\nflare_margin = 3\n", 3, "flare_margin", "set twice (first on line 2)"),
        ("[thresholds]\nflare_margin = [2, 3]\n", 2, "flare_margin", "arrays"),
        ("[thresholds]\nflare_margin = { a = 1 }\n", 2, "flare_margin", "inline tables"),
        ("[thresholds]\nflare_margin =\n", 2, "flare_margin", "value is missing"),
        ("[thresholds]\nflare_margin = two\n", 2, "flare_margin", "'two' is not a number"),
        ("[thresholds]\nflare_margin = nan\n", 2, "flare_margin", "not a number"),
        ("[thresholds]\nflare_margin = 1e999\n", 2, "flare_margin", "not a number"),
        ("[thresholds]\nflare_margin = \"2\n", 2, "flare_margin", "double quotes on one line"),
        ("[thresholds]\nflare_margin = \"a\\qb\"\n", 2, "flare_margin", "unsupported escape"),
        ("[thresholds]\nthresholds.flare_margin = 2\n", 2, nil, "not a bare key"),
        ("[thresholds]\nflare_margin 2\n", 2, nil, "expected `key = value`"),
        ("[reports]\n", 1, nil, "unknown table [reports]; caseload.toml has only [thresholds], [tiers], [audit], [report], [fhir] and [profile]"),
        ("[audit]\nmcid_point = 1.2\n", 2, "mcid_point", "unknown audit threshold; did you mean mcid_points?"),
        ("[audit]\nmcid_points = 20\n", 2, "mcid_points", "outside the valid range 0.5–10 points"),
        ("[audit]\nfinal_days = 3.5\n", 2, "final_days", "whole number"),
        ("[audit]\nflare_margin = 2\n", 2, "flare_margin", "is a review threshold; put it under [thresholds]"),
        ("[audit]\nfunnel_outer_z = 1.5\n", 2, "funnel_outer_z", "funnel_inner_z (1.96) may not exceed funnel_outer_z (1.5)"),
        ("[thresholds]\nmcid_points = 1.2\n", 2, "mcid_points", "is an audit threshold; put it under [audit]"),
        ("[tiers]\nnight_pains = \"soon\"\n", 2, "night_pains", "unknown follow-up reason; did you mean night_pain?"),
        ("[tiers]\nnight_pain = \"later\"\n", 2, "night_pain", "takes one of \"urgent\", \"soon\", \"routine\" (in double quotes), not \"later\""),
        ("[tiers]\nnight_pain = urgent\n", 2, "night_pain", "takes one of \"urgent\", \"soon\", \"routine\""),
        ("[tiers]\nnight_pain = 1\n", 2, "night_pain", "takes one of"),
        ("[tiers]\nnight_pain = \"soon\"\nnight_pain = \"urgent\"\n", 3, "night_pain", "set twice (first on line 2)"),
        ("[tiers]\nflare_margin = 2\n", 2, "flare_margin", "unknown follow-up reason"),
        ("[thresholds]\nnight_pain = \"soon\"\n", 2, "night_pain", "is a follow-up reason; put its tier under [tiers]"),
        ("night_pain = \"soon\"\n[tiers]\n", 1, "night_pain", "outside any table; put it under [tiers]"),
        ("readiness_failures = 3\n[tiers]\n", 1, "readiness_failures", "outside any table; put it under [thresholds]"),
        ("[report]\npatient_sheets = \"some\"\n", 2, "patient_sheets", "takes one of \"auto\", \"all\", \"follow-up\""),
        ("[report]\npatient_sheets = 3\n", 2, "patient_sheets", "takes one of"),
        ("[report]\npatient_sheet = \"all\"\n", 2, "patient_sheet", "did you mean patient_sheets?"),
        ("[report]\nflare_margin = 2\n", 2, "flare_margin", "is a threshold; put it under [thresholds]"),
        ("[report]\nsheets = \"all\"\n", 2, "sheets", "unknown report setting ([report] holds patient_sheets)"),
        ("[report]\npatient_sheets = \"all\"\npatient_sheets = \"auto\"\n", 3, "patient_sheets", "set twice"),
        ("[thresholds]\npatient_sheets = \"all\"\n", 2, "patient_sheets", "is a report setting; put it under [report]"),
        ("[report]\npatient_sheets = all\n", 2, "patient_sheets", "(in double quotes), not all"),
        ("[report]\npatient_sheets = 'all'\n", 2, "patient_sheets", "(in double quotes), not 'all'"),
        ("[report]\npatient_sheets = \"Auto\"\n", 2, "patient_sheets", "not \"Auto\""),
        ("patient_sheets = \"all\"\n[report]\n", 1, "patient_sheets", "outside any table; put it under [report]"),
        ("flare_margin = 2\n", 1, "flare_margin", "outside any table; put it under [thresholds]"),
        ("[thresholds]\n[thresholds]\n", 2, nil, "appears twice"),
        ("[[thresholds]]\n", 1, nil, "arrays of tables"),
        ("[thresholds\n", 1, nil, "table header"),
        (
            "[thresholds]\ntrend_window_days = 14\ntrend_min_pain_days = 20\n", 3, "trend_min_pain_days",
            "trend_min_pain_days (20) may not exceed trend_window_days (14)"
        ),
        ("[thresholds]\nsymptom_window_days = 1\n", 2, "symptom_window_days", "may not exceed symptom_window_days"),
        ("[fhir]\npatient_identifier = \"x\"\n", 2, "patient_identifier", "did you mean patient_identifier_system?"),
        ("[fhir]\npatient_identifier_system = 3\n", 2, "patient_identifier_system", "takes a string in double quotes"),
        ("[fhir]\npatient_identifier_system = \"\"\n", 2, "patient_identifier_system", "is empty"),
        ("[fhir]\nexercise_procedure_codes = \"229065009\"\n", 2, "exercise_procedure_codes", "system|code"),
        ("[fhir]\nexercise_procedure_codes = \"\"\n", 2, "exercise_procedure_codes", "system|code"),
        ("[fhir]\nnight_pain_codes = \"36163009\"\n", 2, "night_pain_codes", "system|code"),
        (
            "[fhir]\nswelling_codes = \"urn:c|s\"\nreadiness_test_codes = \"urn:c|r, urn:c|s\"\n", 3, "readiness_test_codes",
            "urn:c|s is in both swelling_codes and readiness_test_codes; a code has one meaning"
        ),
        (
            "[fhir]\nakps_codes = \"http://loinc.org|72514-3\"\n", 2, "akps_codes",
            "http://loinc.org|72514-3 is read as pain or as an exercise session already"
        ),
        ("[fhir]\nkoos_pf_questionnaires = \"koos pf\"\n", 2, "koos_pf_questionnaires", "questionnaire URLs"),
        (
            "[fhir]\nkoos_pf_questionnaires = \"urn:q\"\nakps_questionnaires = \"urn:q\"\n", 3, "akps_questionnaires",
            "urn:q is in both koos_pf_questionnaires and akps_questionnaires"
        ),
    ] as [(String, Int, String?, String)])
    func errorsNameTheLineAndKey(text: String, line: Int, key: String?, reason: String) throws {
        let error = try #require(Self.error(text), "expected an error for \(text.debugDescription)")
        #expect(error.file == "test.toml")
        #expect(error.line == line, "\(error)")
        #expect(error.key == key, "\(error)")
        #expect(error.reason.contains(reason), "\(error)")
        // The printed message carries all of it.
        #expect(error.description.hasPrefix("test.toml:\(line): " + (key.map { "\($0): " } ?? "")))
    }

    /// `[fhir]` sets how FHIR inputs are read (issue 15).
    @Test func fhirTableSetsTheIdentifierSystemAndExerciseCodes() throws {
        let config = try ConfigFile.parse(
            "[fhir]\npatient_identifier_system = \"https://clinic.example/id\"\n"
                + "exercise_procedure_codes = \"http://snomed.info/sct|229065009, http://snomed.info/sct|229070002\"\n",
            path: "test.toml")
        #expect(config.fhir.patientIdentifierSystem == "https://clinic.example/id")
        #expect(config.fhir.exerciseProcedureCodes == ["http://snomed.info/sct|229065009", "http://snomed.info/sct|229070002"])
        #expect(config.fhirKeysSet == ["patient_identifier_system", "exercise_procedure_codes"])
        #expect(ConfigFile.defaults.fhir == FHIROptions())
    }

    /// The symptom and PROM lists (issue 15): set, emptied (`""` turns a default off), and in the
    /// template as comments, so `config --init` changes nothing.
    @Test func fhirTableSetsSymptomAndPROMCodes() throws {
        let config = try ConfigFile.parse(
            """
            [fhir]
            night_pain_codes = ""
            swelling_codes = "http://snomed.info/sct|299322007, urn:c|swollen"
            readiness_test_codes = "urn:c|readiness"
            koos_pf_codes = "urn:c|koos-pf"
            akps_questionnaires = "https://clinic.example/Questionnaire/akps"
            prom_score_link_ids = "total, score"
            care_plan_categories = "urn:c|physio"

            """, path: "test.toml")
        #expect(config.fhir.nightPainCodes.isEmpty)
        #expect(config.fhir.swellingCodes == ["http://snomed.info/sct|299322007", "urn:c|swollen"])
        #expect(config.fhir.readinessTestCodes == ["urn:c|readiness"])
        #expect(config.fhir.koosPFCodes == ["urn:c|koos-pf"] && config.fhir.akpsCodes.isEmpty)
        #expect(config.fhir.akpsQuestionnaires == ["https://clinic.example/Questionnaire/akps"])
        #expect(config.fhir.promScoreLinkIDs == ["total", "score"])
        #expect(config.fhir.carePlanCategories == ["urn:c|physio"])
        #expect(config.fhirKeysSet.count == 7)
        let template = try ConfigFile.parse(ConfigFile.template(), path: "t.toml")
        #expect(template.fhir == FHIROptions() && template.fhirKeysSet.isEmpty)
        for key in ConfigFile.fhirKeys { #expect(ConfigFile.template().contains("# \(key) = "), "\(key) not in the template") }
    }

    /// `[audit]` sets the audit definition (issue 16): the Piva 2009 figure for patellofemoral pain.
    @Test func auditTableSetsTheAuditDefinition() throws {
        let file = try Self.parse("[audit]\nmcid_points = 1.2\nfunnel_outer_z = 3\n")
        #expect(file.audit.mcidPoints == 1.2 && file.audit.funnelOuterZ == 3)
        #expect(file.audit.mcidPercent == 30)
        #expect(file.auditKeysSet == ["mcid_points", "funnel_outer_z"])
        #expect(file.overriddenKeys.isEmpty && file.thresholds == Thresholds())
        let template = try Self.parse(ConfigFile.template())
        #expect(template.audit == AuditThresholds() && template.auditKeysSet.count == AuditThresholds.settings.count)
    }

    /// `[tiers]` overrides a reason's tier (issue 14 §5); the rest keep their defaults.
    @Test func tiersTableOverridesReasons() throws {
        let file = try Self.parse("[tiers]\nnight_pain = \"soon\" # she sleeps badly anyway\nlong_sessions = \"urgent\"\n")
        #expect(file.tiers.tier(of: .nightPain) == .soon)
        #expect(file.tiers.tier(of: .longSessions) == .urgent)
        #expect(file.tiers.tier(of: .swelling) == .urgent)
        #expect(file.tierKeysSet == ["night_pain", "long_sessions"])
        #expect(file.overriddenKeys.isEmpty)
        #expect(try Self.parse("").tiers == FollowUpTiers())
    }

    /// The template lists every reason's default tier, commented out, and parses back to the defaults;
    /// each line uncommented parses to the default too.
    @Test func templateListsEveryTier() throws {
        let template = ConfigFile.template()
        for reason in FollowUpReason.allCases {
            #expect(template.contains("# \(reason.rawValue) = \"\(reason.defaultTier.rawValue)\""))
        }
        #expect(try Self.parse(template).tiers == FollowUpTiers())
        var uncommented = template
        for reason in FollowUpReason.allCases {
            uncommented = uncommented.replacingOccurrences(of: "# \(reason.rawValue) = ", with: "\(reason.rawValue) = ")
        }
        let file = try Self.parse(uncommented)
        #expect(file.tierKeysSet.count == FollowUpReason.allCases.count)
        #expect(FollowUpReason.allCases.allSatisfy { file.tiers.tier(of: $0) == $0.defaultTier })
    }

    /// `[report]` sets who gets a patient sheet; the template writes the default, which parses back.
    @Test func reportTableSetsThePatientSheets() throws {
        let file = try Self.parse("[thresholds]\nflare_margin = 2\n\n[report]\npatient_sheets = \"follow-up\"  # busy clinic\n")
        #expect(file.patientSheets == .followUp)
        #expect(file.reportKeysSet == ["patient_sheets"])
        #expect(file.overriddenKeys == ["flare_margin"])
        #expect(try Self.parse("[thresholds]\n").patientSheets == .auto)
        // A key of one table does not clash with the same word in the other (TOML keys are per table).
        #expect(try Self.parse("[report]\npatient_sheets = \"all\"\n[thresholds]\nflare_margin = 3\n").patientSheets == .all)
        let template = try Self.parse(ConfigFile.template())
        #expect(template.patientSheets == .auto)
        #expect(template.reportKeysSet == ["patient_sheets"])
    }

    @Test func hashInsideAStringIsNotAComment() throws {
        let error = try #require(Self.error("[thresholds]\nflare_margin = \"a # b\"\n"))
        #expect(error.reason.contains("takes a number"))
    }

    @Test func fileErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let missing = dir.appendingPathComponent("missing.toml").path
        #expect(throws: ConfigError(file: missing, reason: "configuration file not found (write one with `caseload config --init`)")) {
            try ConfigFile.load(path: missing)
        }
        #expect(throws: ConfigError(file: dir.path, reason: "is a folder, not a configuration file")) {
            try ConfigFile.load(path: dir.path)
        }
        let latin1 = dir.appendingPathComponent("latin1.toml")
        try Data([0x23, 0x20, 0xE9, 0x0A]).write(to: latin1)
        #expect(throws: ConfigError(file: latin1.path, reason: "the configuration file is not UTF-8 text")) {
            try ConfigFile.load(path: latin1.path)
        }
    }

    @Test func resolvePrefersTheExplicitFileThenTheWorkingFolderThenTheDefaults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try ConfigFile.resolve(explicit: nil, directory: dir.path) == .defaults)

        let other = dir.appendingPathComponent("other.toml")
        try Data("[thresholds]\nflare_margin = 3\n".utf8).write(to: other)
        let explicit = try ConfigFile.resolve(explicit: other.path, directory: dir.path)
        #expect(explicit.path == other.path)
        #expect(explicit.thresholds.flareMargin == 3)
        #expect(throws: ConfigError.self) {
            try ConfigFile.resolve(explicit: dir.appendingPathComponent("nope.toml").path, directory: dir.path)
        }

        let found = dir.appendingPathComponent(ConfigFile.defaultName)
        try Data("[thresholds]\nflare_margin = 4\n".utf8).write(to: found)
        let inFolder = try ConfigFile.resolve(explicit: nil, directory: dir.path)
        #expect(inFolder.path == found.path)
        #expect(inFolder.thresholds.flareMargin == 4)
        #expect(try ConfigFile.resolve(explicit: other.path, directory: dir.path).thresholds.flareMargin == 3)
    }

    @Test(arguments: [
        ("7", true), ("-3", true), ("+0.5", true), ("2.5e1", true), ("1E-3", true), ("0", true), ("0.05", true),
        ("1.", false), (".5", false), ("07", false), ("1e", false), ("1_000", false), ("inf", false), ("nan", false),
        ("0x1F", false), ("", false), ("1.5.2", false), ("--1", false),
    ])
    func numbersFollowTOMLsGrammar(text: String, valid: Bool) {
        #expect(ConfigFile.isTOMLNumber(text) == valid)
    }

    @Test(arguments: [(7.0, "7"), (0.05, "0.05"), (2.5, "2.5"), (0.0001, "0.0001"), (-3.0, "-3")])
    func numbersAreWrittenAsTOMLReadsThem(value: Double, text: String) {
        #expect(ConfigFile.format(value) == text)
    }
}
