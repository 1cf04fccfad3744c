import ArgumentParser

/// `caseload profile`: mapping profiles for other apps' CSV exports.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Write and check mapping profiles for other apps' CSV exports.",
        discussion: """
            A mapping profile (a small TOML file, docs/FORMATS.md "Mapping profiles") says which of an \
            export's columns feeds which of caseload's, and how its values, units and dates are written. \
            review, check and patient read exports through profiles given with --profile (or [profile] \
            paths in caseload.toml); strong, hevy and fitnotes are built in.

            Examples:
              caseload profile init clinic-export.csv --output clinic.toml
              caseload profile check clinic.toml clinic-export.csv
              caseload profile check strong PFP-014.csv
              caseload review exports/ --profile clinic.toml --profile strong
            """,
        subcommands: [ProfileInit.self, ProfileCheck.self]
    )
}
