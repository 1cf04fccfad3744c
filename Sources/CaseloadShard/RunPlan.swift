import CaseloadModel
import Foundation

/// A sharded run's plan (`caseload plan`, `WORK/plan.json`): everything that decides the report's
/// bytes, pinned once so that every shard, the merge and `review --plan` run the same review.
///
/// It records the inputs (logical paths, sizes, and SHA-256 when asked), the review's options,
/// the as-of date (required: "the latest date in the data" is a fact no shard can know), the
/// shard count and function, the tool version and the binary's SHA-256, and the equivalent
/// `caseload review …` command line, which the reports show. It never holds the
/// pseudonymisation key, only the key file's path.
public struct RunPlan: Codable, Sendable, Equatable {
    /// The plan file format this build writes and reads.
    public static let currentFormat = 1

    /// The plan file format (``currentFormat``).
    public var format: Int
    /// `caseload`.
    public var tool: String
    /// The version of the `caseload` that wrote the plan.
    public var version: String
    /// SHA-256 of the `caseload` binary that wrote the plan: shards and merge must run the same one.
    public var binarySHA256: String
    /// When the plan was made, `YYYY-MM-DDTHH:MM:SSZ` (provenance only: no output shows it).
    public var created: String
    /// The working folder the plan was made in: relative input paths are read from it everywhere,
    /// and the paths stamped into the outputs are the ones recorded here.
    public var workingDirectory: String
    /// N, the number of shards.
    public var shards: Int
    /// ``CaseloadModel/ShardFunction/name`` of the function assigning patients to shards.
    public var shardFunction: String
    /// The review date, `YYYY-MM-DD`.
    public var asOf: String
    /// The review's options as given.
    public var review: ReviewOptions
    /// The equivalent single-process command line, stamped into every workbook and the manifest.
    public var commandLine: String
    /// The input files in reading order (the roster first, then the logs found), with their sizes
    /// and, when the plan was made with `--hash`, their SHA-256.
    public var inputs: [PlanInput]
    /// The configuration file in force, if any, with its SHA-256: shards refuse a changed one.
    public var config: PlanInput?
    /// The mapping-profile files the configuration's `[profile] paths` name (role `profile`), with
    /// their SHA-256: shards refuse a changed one. `nil` (and absent from `plan.json`) when none;
    /// built-in profiles are part of the binary, which the plan pins already.
    public var profiles: [PlanInput]?

    /// The review options a plan pins (the arguments of its ``commandLine``).
    public struct ReviewOptions: Codable, Sendable, Equatable {
        /// Log files and folders as given.
        public var inputs: [String]
        /// `--roster` as given, `nil` when the roster is implied (a `roster.csv` in an input folder).
        public var roster: String?
        /// `--date-format`, if given.
        public var dateFormat: String?
        /// `--format` values as given, in order; `nil` when none (older plans have none).
        public var formats: [String]?
        /// `--config`, if given (else `caseload.toml` in the working folder is used when present).
        public var config: String?
        /// `--patient-sheets`, if given.
        public var patientSheets: String?
        /// `--pseudonymize`.
        public var pseudonymize: Bool
        /// `--key-file` (its path only, never its contents).
        public var keyFile: String?
        /// `--strict`.
        public var strict: Bool

        /// Creates the options.
        public init(
            inputs: [String], roster: String?, dateFormat: String?, formats: [String]? = nil, config: String?,
            patientSheets: String?, pseudonymize: Bool, keyFile: String?, strict: Bool
        ) {
            self.inputs = inputs
            self.roster = roster
            self.dateFormat = dateFormat
            self.formats = formats
            self.config = config
            self.patientSheets = patientSheets
            self.pseudonymize = pseudonymize
            self.keyFile = keyFile
            self.strict = strict
        }

        /// The arguments of `caseload review` that run these options as of `asOf` (without `--out`).
        public func reviewArguments(asOf: String) -> [String] {
            var args = ["review"] + inputs
            if let roster { args += ["--roster", roster] }
            args += ["--as-of", asOf]
            if let dateFormat { args += ["--date-format", dateFormat] }
            for format in formats ?? [] { args += ["--format", format] }
            if let config { args += ["--config", config] }
            if let patientSheets { args += ["--patient-sheets", patientSheets] }
            if pseudonymize, let keyFile { args += ["--pseudonymize", "--key-file", keyFile] }
            if strict { args.append("--strict") }
            return args
        }
    }

    /// One input file of a plan.
    public struct PlanInput: Codable, Sendable, Equatable {
        /// The path as the review reads (and reports) it.
        public var path: String
        /// `log`, `roster` or `config`.
        public var role: String
        /// Size in bytes when the plan was made.
        public var bytes: Int
        /// SHA-256 when the plan was made with `--hash`.
        public var sha256: String?

        /// Creates an input entry.
        public init(path: String, role: String, bytes: Int, sha256: String?) {
            self.path = path
            self.role = role
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// Creates a plan.
    public init(
        version: String, binarySHA256: String, created: String, workingDirectory: String, shards: Int,
        asOf: String, review: ReviewOptions, commandLine: String, inputs: [PlanInput], config: PlanInput?,
        profiles: [PlanInput]? = nil
    ) {
        self.format = RunPlan.currentFormat
        self.tool = "caseload"
        self.version = version
        self.binarySHA256 = binarySHA256
        self.created = created
        self.workingDirectory = workingDirectory
        self.shards = shards
        self.shardFunction = ShardFunction.name
        self.asOf = asOf
        self.review = review
        self.commandLine = commandLine
        self.inputs = inputs
        self.config = config
        self.profiles = profiles.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The plan as written to `plan.json`: sorted keys, indented, a final newline.
    public func encoded() throws -> Data {
        var data = try ShardCoding.prettyEncoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads and checks a plan file.
    /// - Throws: ``ShardError`` when the file cannot be read, is not a plan, or was written by
    ///   another plan format or shard function.
    public static func read(_ path: String) throws -> (plan: RunPlan, sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ShardError(
                path: path, reason: exists ? "cannot read the plan" : "no such plan (make one with `caseload plan`)",
                isTransient: exists)
        }
        let plan: RunPlan
        do {
            plan = try ShardCoding.decoder.decode(RunPlan.self, from: data)
        } catch {
            throw ShardError(path: path, reason: "not a caseload plan: \(ShardCoding.describe(error))")
        }
        guard plan.tool == "caseload", plan.format == currentFormat else {
            throw ShardError(path: path, reason: "plan format \(plan.format) is not \(currentFormat); make the plan again")
        }
        guard plan.shardFunction == ShardFunction.name else {
            throw ShardError(
                path: path,
                reason: "the plan's shard function \(plan.shardFunction) is not this build's \(ShardFunction.name)")
        }
        guard plan.shards >= 1 else { throw ShardError(path: path, reason: "the plan has \(plan.shards) shards") }
        return (plan, Digest.sha256(data))
    }

    /// The folder of shard `index`: `shard-IIIII-of-NNNNN` inside `shards/` beside the plan.
    public func shardFolder(_ index: Int, work: String) -> String {
        work + "/shards/" + ShardFolder.name(index: index, count: shards)
    }
}

/// The JSON coders of plans and shard files: keys sorted (as the properties name them), so files are reproducible.
enum ShardCoding {
    static var prettyEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var lineEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// A decoding error in a few words (the coding path and what was wrong).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing \(path(context.codingPath + [key]))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the document" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
