import CaseloadAnalytics
import CaseloadModel
import Crypto
import Foundation

/// A file the report wrote, for the manifest.
public struct OutputFile: Sendable, Hashable {
    /// Path relative to the report folder, with `/` separators.
    public var path: String
    /// Lower-case hex SHA-256 of the bytes written.
    public var sha256: String
    public var bytes: Int

    public init(path: String, sha256: String, bytes: Int) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// Hashes the file at `root/relativePath`.
    /// - Throws: ``ExportError`` when it cannot be read.
    /// - Complexity: streams the file in 1 MiB chunks, so memory stays flat whatever its size.
    public static func hashing(_ relativePath: String, in root: String) throws -> OutputFile {
        let full = root + "/" + relativePath
        guard let handle = FileHandle(forReadingAtPath: full) else {
            throw ExportError(path: full, reason: "cannot read back the file just written")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                bytes += chunk.count
            }
        } catch {
            throw ExportError(path: full, reason: "cannot read back the file just written: \(error.localizedDescription)")
        }
        let digest = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return OutputFile(path: relativePath, sha256: digest, bytes: bytes)
    }
}

/// The audit manifest of a report folder: which data, options and thresholds produced which files.
public enum Manifest {
    /// The thresholds in force, by their configuration keys, in declaration order.
    public static func thresholdValues(_ thresholds: Thresholds) -> [(String, JSONValue)] {
        Thresholds.settings.map { setting in
            let value = setting.value(in: thresholds)
            return (setting.key, setting.isInteger ? .int(Int(value)) : .number(value))
        }
    }

    /// The tier of every follow-up reason in force, by reason identifier, in reason order.
    public static func tierValues(_ tiers: FollowUpTiers) -> [(String, JSONValue)] {
        FollowUpReason.allCases.map { ($0.rawValue, .string(tiers.tier(of: $0).rawValue)) }
    }

    /// Row counts as manifest keys.
    static func counts(_ c: RowCounts) -> [(String, JSONValue)] {
        [
            ("rows_read", .int(c.rowsRead)), ("rows_accepted", .int(c.rowsAccepted)),
            ("rows_rejected", .int(c.rowsRejected)), ("rows_duplicate", .int(c.rowsDuplicate)),
        ]
    }

    /// One input's manifest entry.
    static func input(_ i: InputSummary) -> JSONValue {
        .object(
            [
                ("path", .string(i.path)), ("role", .string(i.role.rawValue)), ("sha256", .string(i.sha256)),
                ("bytes", .int(i.bytes)), ("format", .string(i.format.rawValue)),
                ("dialect", i.dialect.map(JSONValue.string) ?? .null),
            ] + counts(i.counts) + [
                ("warnings", .array(i.warnings.map(JSONValue.string))),
                ("ignored_columns", .array(i.ignoredColumns.map(JSONValue.string))),
                ("ignored_resources", .object(i.ignoredResources.map { ($0.type, JSONValue.int($0.count)) })),
            ])
    }

    /// The creation time as the manifest writes it: `YYYY-MM-DDTHH:MM:SSZ`.
    static func createdStamp(_ epochSeconds: Int) -> String {
        let created = CalendarDate(daysSinceEpoch: epochSeconds.floorDiv(86_400))
        let seconds = epochSeconds - created.daysSinceEpoch * 86_400
        return created.isoString + "T" + String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            + "Z"
    }

    /// Every file written except the manifest itself, with SHA-256 and size.
    static func outputList(_ outputs: [OutputFile]) -> JSONValue {
        .array(outputs.map { o in .object([("path", .string(o.path)), ("sha256", .string(o.sha256)), ("bytes", .int(o.bytes))]) })
    }

    /// The manifest of an audit folder: the audit definition in force (`period`, `audit`, the review
    /// `thresholds` it uses), inputs with SHA-256 and counts, the service's figures, the clinicians
    /// outside the outer funnel limits, and every output.
    public static func auditDocument(
        audit: AuditAnalysis, context: ReportContext, pseudonymized: Bool, outputs: [OutputFile]
    ) -> JSONValue {
        let settings = AuditThresholds.settings.map { setting -> (String, JSONValue) in
            let value = setting.value(in: audit.audit)
            return (setting.key, setting.isInteger ? .int(Int(value)) : .number(value))
        }
        return .object([
            ("tool", .string("caseload")),
            ("version", .string(context.toolVersion)),
            ("command_line", .string(context.commandLine)),
            ("period", .object([("from", .string(audit.period.from.isoString)), ("to", .string(audit.period.to.isoString))])),
            ("created", .string(createdStamp(context.createdEpochSeconds))),
            ("audit", .object(settings)),
            ("thresholds", .object(thresholdValues(audit.thresholds))),
            ("pseudonymized", .bool(pseudonymized)),
            ("inputs", .array(context.inputs.map(input))),
            ("totals", .object(counts(context.totals))),
            ("patients", .int(audit.episodes.count)),
            ("patients_outside_period", .int(audit.patientsOutsidePeriod)),
            ("clinicians", .int(audit.clinicians.count)),
            ("complete", .int(audit.service.complete)),
            ("mcid_reached", .int(audit.service.mcidReached)),
            ("funnel_outliers", .array(audit.outliers.map(JSONValue.string))),
            ("outputs", outputList(outputs)),
        ])
    }

    /// The manifest document.
    /// - Parameters:
    ///   - source: the report's patients (as-of date, thresholds, tiers, the run's tally).
    ///   - context: tool version, command line, inputs and totals.
    ///   - caseloads: the per-clinician folders written.
    ///   - outputs: every file written except the manifest itself, relative to the report folder.
    public static func document(
        source: any ReportSource, context: ReportContext, caseloads: [CaseloadFolder], outputs: [OutputFile]
    ) -> JSONValue {
        let run = source.run.tally
        var members: [(String, JSONValue)] = [
            ("tool", .string("caseload")),
            ("version", .string(context.toolVersion)),
            ("command_line", .string(context.commandLine)),
            ("as_of", .string(source.asOf.isoString)),
            ("created", .string(createdStamp(context.createdEpochSeconds))),
            ("thresholds", .object(thresholdValues(source.thresholds))),
            ("patient_sheets", .string(context.patientSheets.name)),
            ("tiers", .object(tierValues(source.tiers))),
            ("inputs", .array(context.inputs.map(input))),
            ("totals", .object(counts(context.totals))),
            ("rows_after_as_of", .int(run.rowsAfterAsOf)),
            ("patients", .int(run.patients)),
            ("patients_needing_followup", .int(run.needingFollowUp)),
            (
                "caseloads",
                .array(
                    caseloads.map { c in
                        .object([
                            ("name", .string(c.name)), ("folder", .string("caseloads/" + c.slug)),
                            ("patients", .int(c.patients)),
                            ("patients_needing_followup", .int(c.patientsNeedingFollowUp)),
                        ])
                    })
            ),
            ("outputs", outputList(outputs)),
        ]
        if let execution = context.execution {
            members.append((
                "execution",
                .object([
                    ("mode", .string(execution.mode)), ("shards", .int(execution.shards)),
                    ("plan_sha256", .string(execution.planSHA256)),
                    ("shard_summaries_sha256", .array(execution.shardSummarySHA256.map(JSONValue.string))),
                ])))
        }
        return .object(members)
    }
}

extension Int {
    /// Division rounding toward negative infinity.
    func floorDiv(_ d: Int) -> Int {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
