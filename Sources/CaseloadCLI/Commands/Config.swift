import ArgumentParser
import CaseloadAnalytics
import Foundation

/// `caseload config`: write the commented configuration file, or show the thresholds and report
/// settings in force.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Write a commented caseload.toml, or show the thresholds and report settings in force.",
        discussion: """
            --init writes caseload.toml (or --output FILE) listing every threshold with its meaning, \
            clinical source, unit, valid range and default, and the [report] setting patient_sheets \
            (who gets a sheet of their own in the workbooks). Edit the values you want to change; \
            review, check and patient then read caseload.toml from the working folder (or the file \
            given with --config). Without --init, prints each value in force and where it came from, \
            after validating the file.

            Examples:
              caseload config --init
              caseload config --init --output clinic.toml
              caseload config
              caseload config --config clinic.toml
            """
    )

    @Flag(name: .customLong("init"), help: "Write the commented configuration file.")
    var initialise = false

    @Option(help: ArgumentHelp("Where --init writes.", valueName: "file"))
    var output: String = ConfigFile.defaultName

    @Flag(help: "Let --init replace an existing file.")
    var force = false

    @Option(help: ArgumentHelp("Configuration file to show (default: caseload.toml when present).", valueName: "file"))
    var config: String?

    func validate() throws {
        if initialise && config != nil { throw ValidationError("--init and --config cannot be used together") }
        if !initialise && (force || output != ConfigFile.defaultName) {
            throw ValidationError("--output and --force go with --init")
        }
    }

    func run() throws {
        if initialise {
            if FileManager.default.fileExists(atPath: output) && !force {
                throw Failure(description: "\(output) already exists; pass --force to replace it")
            }
            do {
                try Data(ConfigFile.template().utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                throw Failure(description: "\(output): cannot write the configuration file: \(error.localizedDescription)")
            }
            print("Wrote \(output): \(Thresholds.settings.count) thresholds and the report settings at their defaults.")
            return
        }
        let file = try ConfigFile.resolve(explicit: config, directory: FileManager.default.currentDirectoryPath)
        print(Self.show(file))
    }

    /// Each threshold's value in force, its unit, and whether it is the default or set by the file;
    /// then the follow-up tiers and the audit thresholds the same way, then the report's `patient_sheets`.
    static func show(_ file: ConfigFile) -> String {
        let name = file.path.map { ($0 as NSString).lastPathComponent } ?? ""
        let source = file.path.map { "Thresholds in force (\($0) over the defaults):" } ?? "Thresholds in force (defaults; no caseload.toml):"
        let rows = settingRows(
            Thresholds.settings, values: file.thresholds, defaults: Thresholds(), set: Set(file.overriddenKeys), file: name)
        let auditRows = settingRows(
            AuditThresholds.settings, values: file.audit, defaults: AuditThresholds(), set: Set(file.auditKeysSet),
            file: name)
        let sheetsOrigin =
            !file.reportKeysSet.contains("patient_sheets") ? "default"
            : file.patientSheets == .auto ? "\(name) (= default)" : name
        let report = "Report: patient_sheets = \(file.patientSheets.rawValue) (\(sheetsOrigin); review --patient-sheets overrides it)"
        let tierRows = FollowUpReason.allCases.map { reason -> [String] in
            let tier = file.tiers.tier(of: reason)
            let origin =
                !file.tiers.isOverridden(reason) ? "default"
                : tier == reason.defaultTier ? "\(name) (= default)" : "\(name) (default \(reason.defaultTier.rawValue))"
            return [reason.rawValue, tier.rawValue, origin]
        }
        let header = ["key", "value", "unit", "source"]
        return ([source] + TextTable.render(header: header, rows: rows)
            + ["", "Follow-up tiers in force:"] + TextTable.render(header: ["reason", "tier", "source"], rows: tierRows)
            + ["", "Audit thresholds in force ([audit], caseload audit):"] + TextTable.render(header: header, rows: auditRows)
            + ["", report]
            + (file.profilePaths.isEmpty
                ? [] : ["Mapping profiles: \(file.profilePaths.joined(separator: ", ")) ([profile] paths; --profile replaces them)"]))
            .joined(separator: "\n")
    }

    /// One row per setting: key, value in force, unit, and `default` or the file that set it.
    static func settingRows<Root>(
        _ settings: [ThresholdSetting<Root>], values: Root, defaults: Root, set: Set<String>, file: String
    ) -> [[String]] {
        settings.map { s -> [String] in
            let value = ConfigFile.format(s.value(in: values))
            let fallback = ConfigFile.format(s.value(in: defaults))
            let origin =
                !set.contains(s.key) ? "default"
                : value == fallback ? "\(file) (= default)" : "\(file) (default \(fallback))"
            return [s.key, value, s.unit, origin]
        }
    }
}
