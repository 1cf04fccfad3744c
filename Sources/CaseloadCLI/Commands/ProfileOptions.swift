import ArgumentParser
import CaseloadImport
import Foundation

/// `--profile` and `--patient`: reading other apps' CSV exports (review, check, patient).
struct ProfileOptions: ParsableArguments {
    @Option(
        name: .customLong("profile"),
        help: ArgumentHelp(
            "Read other apps' CSV exports through a mapping profile: a profile file (.toml) or a built-in one "
                + "(strong, hevy, fitnotes). Repeatable: each export takes the profile that fits its header. "
                + "Replaces [profile] paths in caseload.toml.",
            valueName: "file|name"))
    var profiles: [String] = []

    @Option(
        help: ArgumentHelp(
            "The patient of the one export read through a profile that has no patient column (otherwise the "
                + "file name: [patient] from_filename, or the whole name for a built-in profile).",
            valueName: "id"))
    var patient: String?

    func validate() throws {
        if let patient, patient.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--patient needs a patient ID")
        }
    }

    /// True when either option was given.
    var isGiven: Bool { !profiles.isEmpty || patient != nil }
}

extension RunConfiguration {
    /// The mapping profiles in force: those given with `--profile` (paths as given), else the
    /// configuration's `[profile] paths` (relative to the configuration file's folder; a built-in
    /// name stays a name unless that folder holds a file so called). The same profile given twice is read once.
    /// - Throws: ``CaseloadImport/ImportError`` naming a profile that cannot be read or is not valid.
    static func profiles(given: [String], config: ConfigFile) throws -> [MappingProfile] {
        var specs = given
        if specs.isEmpty {
            let folder = config.path.map { ($0 as NSString).deletingLastPathComponent } ?? ""
            specs = config.profilePaths.map { spec in
                guard !spec.hasPrefix("/"), !folder.isEmpty else { return spec }
                let joined = (folder as NSString).appendingPathComponent(spec)
                if MappingProfile.builtIn(named: spec) != nil, !FileManager.default.fileExists(atPath: joined) { return spec }
                return joined
            }
        }
        var seen: Set<String> = []
        return try specs.filter { seen.insert($0).inserted }.map { try MappingProfile.load($0) }
    }
}
