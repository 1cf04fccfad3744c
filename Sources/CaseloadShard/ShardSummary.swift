import CaseloadAnalytics
import CaseloadModel

/// What one shard of a sharded run read and produced (`summary.json` in its folder): the structured
/// accounting the merge adds up and checks.
///
/// It names no host, time or attempt, so a re-run of the same plan writes the same bytes.
public struct ShardSummary: Codable, Sendable, Equatable {
    /// `caseload`.
    public var tool: String
    /// The version of the `caseload` that ran the shard.
    public var version: String
    /// SHA-256 of the plan file the shard ran.
    public var planSHA256: String
    /// SHA-256 of the binary that ran the shard.
    public var binarySHA256: String
    /// ``CaseloadModel/ShardFunction/name`` of the function that chose the shard's patients.
    public var shardFunction: String
    /// The shard's index, in `0..<count`.
    public var index: Int
    /// N, the number of shards of the plan.
    public var count: Int
    /// Every input in reading order (the roster first), with the shard's part of its rows.
    public var inputs: [ShardInput]
    /// The shard's rows summed over its inputs.
    public var totals: RowCounts
    /// Patients the shard analysed (lines of `patients.jsonl`).
    public var patients: Int
    /// Rejected rows the shard owns (lines of `rejected.jsonl`).
    public var rejectedRows: Int
    /// Patients whose daily series the shard kept (lines of `series.jsonl`).
    public var seriesPatients: Int
    /// The shard's part of each caseload, in caseload order (``CaseloadAnalytics/caseloadOrder(_:_:)``):
    /// the order of the caseloads in `patients.jsonl`, `weekly.bin` and `weekly-by-id.bin`.
    public var caseloads: [Caseload] = []

    /// The shard's part of one caseload: its tally and where its patients start in each data file.
    public struct Caseload: Codable, Sendable, Equatable {
        /// The caseload's name (``CaseloadAnalytics/clinicianName(_:)``).
        public var name: String
        /// The shard's patients of this caseload, tallied under the run's thresholds.
        public var tally: CaseloadTally
        /// Byte offset of the caseload's first line in `patients.jsonl` (its patients in priority order).
        public var patientsOffset: Int
        /// Byte offset of the caseload's first block in `weekly.bin` (the same patients in the same order).
        public var weeklyOffset: Int
        /// Byte offset of the caseload's first block in `weekly-by-id.bin` (the same patients by ID).
        public var weeklyByIDOffset: Int

        /// Creates an entry.
        public init(name: String, tally: CaseloadTally, patientsOffset: Int, weeklyOffset: Int, weeklyByIDOffset: Int) {
            self.name = name
            self.tally = tally
            self.patientsOffset = patientsOffset
            self.weeklyOffset = weeklyOffset
            self.weeklyByIDOffset = weeklyByIDOffset
        }
    }

    /// One input as a shard saw it.
    public struct ShardInput: Codable, Sendable, Equatable {
        /// The input's summary with the shard's counts: the rows of the shard's patients (and, in
        /// shard 0, the rows without a patient). Everything else (path, SHA-256, size, dialect,
        /// warnings, ignored columns) comes from reading the whole file, so every shard has the same.
        public var summary: InputSummary
        /// Rows read in the whole file, whoever owns them: what the shards' `rowsRead` must add up to.
        public var recordsSeen: Int

        /// Creates an input entry.
        public init(summary: InputSummary, recordsSeen: Int) {
            self.summary = summary
            self.recordsSeen = recordsSeen
        }
    }

    /// Creates a summary.
    public init(
        version: String, planSHA256: String, binarySHA256: String, index: Int, count: Int, inputs: [ShardInput],
        patients: Int, rejectedRows: Int, seriesPatients: Int
    ) {
        self.tool = "caseload"
        self.version = version
        self.planSHA256 = planSHA256
        self.binarySHA256 = binarySHA256
        self.shardFunction = ShardFunction.name
        self.index = index
        self.count = count
        self.inputs = inputs
        self.totals = inputs.reduce(RowCounts()) { $0 + $1.summary.counts }
        self.patients = patients
        self.rejectedRows = rejectedRows
        self.seriesPatients = seriesPatients
    }
}
