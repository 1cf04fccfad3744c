import ArgumentParser
import CaseloadImport
import CaseloadModel
import Foundation

/// The input options shared by every command that reads exports.
struct InputOptions: ParsableArguments {
    @Argument(help: "Log exports: files (.csv, .tsv, .json, .ndjson, .jsonl; FHIR R4 Bundles and Bulk Data NDJSON found by content) or folders searched for them.")
    var inputs: [String] = []

    @Option(help: "Roster CSV: patient_id, clinician, display_name, program_start, sessions_per_week, discharge_date.")
    var roster: String?

    @Option(name: .customLong("as-of"), help: "Review date YYYY-MM-DD (default: the latest date in the data).")
    var asOf: String?

    @Option(
        name: .customLong("date-format"),
        help: "Order of non-ISO dates: DD/MM/YYYY or MM/DD/YYYY (also with . or -). ISO dates are always read.")
    var dateFormat: String?

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "Read inputs as FORMAT instead of detecting it: FILE=FORMAT for one file (or every file found in a "
                + "folder), FORMAT alone for every input; repeatable, the most specific wins. Formats: "
                + "\(LogFormat.nameList). Default: by content for .json/.ndjson (FHIR or caseload), else by extension.",
            valueName: "[FILE=]FORMAT"))
    var formats: [String] = []

    /// The as-of date given, validated.
    func asOfDate() throws -> CalendarDate? {
        guard let asOf else { return nil }
        guard let date = CalendarDate(iso: asOf) else {
            throw ValidationError("--as-of '\(asOf)' is not a date in the form YYYY-MM-DD")
        }
        // The same range log dates must fall in (docs/FORMATS.md).
        guard let first = CalendarDate(iso: "1900-01-01"), let last = CalendarDate(iso: "2199-12-31"),
              (first...last).contains(date)
        else {
            throw ValidationError("--as-of '\(asOf)' is outside 1900-01-01…2199-12-31")
        }
        return date
    }

    /// Import options from the flags, validated.
    func importOptions() throws -> ImportOptions {
        var options = try Self.importOptions(dateFormat: dateFormat)
        options.formats = try InputOptions.formatChoices(formats)
        return options
    }

    /// Import options for a `--date-format` value (`nil`: the default order), validated; shared with
    /// `profile check`.
    static func importOptions(dateFormat: String?) throws -> ImportOptions {
        var options = ImportOptions()
        if let dateFormat {
            do {
                options.dateOrder = try ImportOptions.dateOrder(parsing: dateFormat)
            } catch {
                throw ValidationError("--date-format '\(dateFormat)' is not one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY")
            }
        }
        return options
    }

    /// The `--format` values parsed; each FILE must exist (it must also be among the inputs, which
    /// the importer checks once the folders are searched).
    /// - Throws: `ValidationError` (a usage error) naming the formats, or the missing file.
    static func formatChoices(_ values: [String]) throws -> [FormatChoice] {
        try values.map { value in
            let choice: FormatChoice
            do {
                choice = try FormatChoice(parsing: value)
            } catch let error as ImportError {
                throw ValidationError("--format \(error.reason)")
            }
            if let path = choice.path, !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("--format \(value): no such file or folder '\(path)'")
            }
            return choice
        }
    }

    func validate() throws {
        _ = try asOfDate()
        _ = try importOptions()
    }

    /// Refuses a command line without an input (inputs are optional only for `review --plan`,
    /// which takes them from the plan).
    func requireInputs() throws {
        if inputs.isEmpty { throw ValidationError("Missing expected argument '<inputs> ...'") }
    }
}
