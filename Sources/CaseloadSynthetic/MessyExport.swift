import CaseloadModel

/// One bad value planted in a messy export.
public struct PlantedBadValue: Sendable, Hashable {
    /// The canonical column holding the bad value.
    public var column: String
    /// The value as written.
    public var value: String
    /// The patient ID the row carries (empty for the missing-ID row).
    public var patientID: String

    /// Creates a planted value description.
    public init(column: String, value: String, patientID: String) {
        self.column = column
        self.value = value
        self.patientID = patientID
    }
}

/// What ``SyntheticCaseload/writeMessyExport(_:to:)`` wrote and planted, for checking an importer's accounting.
///
/// Invariant: `dataRows == goodRows + badRows + duplicateRows`.
public struct MessyExportPlan: Sendable, Hashable {
    /// The file written.
    public var path: String
    /// The patients whose recent rows were exported, in file order.
    public var patientIDs: [String]
    /// Records after the header.
    public var dataRows: Int
    /// Distinct valid rows; every one is also in the patient's log (`logs.csv`, or `logs.json` when no
    /// patient goes to CSV) with the same values, so it is a duplicate when both files are read.
    public var goodRows: Int
    /// Rows with one bad value each (see ``badValues``).
    public var badRows: Int
    /// Byte-for-byte repeats of good rows earlier in this file.
    public var duplicateRows: Int
    /// The planted bad values, in file order.
    public var badValues: [PlantedBadValue]

    /// Creates a plan.
    public init(
        path: String, patientIDs: [String], dataRows: Int, goodRows: Int, badRows: Int, duplicateRows: Int,
        badValues: [PlantedBadValue]
    ) {
        self.path = path
        self.patientIDs = patientIDs
        self.dataRows = dataRows
        self.goodRows = goodRows
        self.badRows = badRows
        self.duplicateRows = duplicateRows
        self.badValues = badValues
    }
}

extension SyntheticCaseload {
    /// Patients whose recent rows go into the messy export.
    static let messyPatientCount = 3
    /// Good rows repeated at the end of the messy export.
    static let messyDuplicateCount = 3

    /// Writes a deliberately messy weekly export of a few patients' last 7 days.
    ///
    /// The dialect is ``CSVDialect/semicolonExcel`` (`;`, decimal commas, CRLF, UTF-8 BOM) with the
    /// canonical header. It holds the last 7 days' rows of the first three CSV patients with recent
    /// rows, unchanged in value; five extra rows copied from them with one bad value each
    /// (`pain` 12, `date` 2026-02-30, `sets` −3, `swelling` "maybe", an empty `patient_id`);
    /// and, at the end, exact repeats of three of the good rows (weekly exports overlap).
    /// - Parameters:
    ///   - config: The caseload the export belongs to (the same patients and rows as ``write(_:to:)``).
    ///   - path: The file to write.
    /// - Returns: The counts planted.
    /// - Throws: ``SyntheticError`` when the file cannot be written.
    @discardableResult
    public static func writeMessyExport(_ config: SyntheticConfig, to path: String) throws -> MessyExportPlan {
        let dialect = CSVDialect.semicolonExcel
        let windowStart = config.endDate.adding(days: -6)
        let all = patients(config)
        let preferred = all.filter { $0.logFormat == .csv }
        var chosen: [String] = []
        var good: [[String]] = []
        for p in (preferred.isEmpty ? all : preferred) where chosen.count < messyPatientCount {
            let recent = entries(for: p, config: config).filter { $0.date >= windowStart }
            guard !recent.isEmpty else { continue }
            chosen.append(p.patientID)
            good += recent.map { CanonicalCSV.fields(of: $0, dialect: dialect) }
        }
        precondition(!good.isEmpty, "the caseload has no recent rows to export")

        // Bad rows: copies of good rows with one cell spoiled.
        let spoil: [(column: String, value: String)] = [
            ("pain", "12"), ("date", "2026-02-30"), ("sets", "-3"), ("swelling", "maybe"), ("patient_id", ""),
        ]
        var records: [[String]] = []
        var badValues: [PlantedBadValue] = []
        let stride = max(1, good.count / (spoil.count + 1))
        var nextSpoil = 0
        for (i, row) in good.enumerated() {
            records.append(row)
            if nextSpoil < spoil.count, (i + 1) % stride == 0 {
                var bad = row
                let (column, value) = spoil[nextSpoil]
                if let c = CanonicalCSV.columns.firstIndex(of: column) { bad[c] = value }
                records.append(bad)
                badValues.append(PlantedBadValue(column: column, value: value, patientID: bad[0]))
                nextSpoil += 1
            }
        }
        while nextSpoil < spoil.count {  // fewer good rows than spoilers
            var bad = good[nextSpoil % good.count]
            let (column, value) = spoil[nextSpoil]
            if let c = CanonicalCSV.columns.firstIndex(of: column) { bad[c] = value }
            records.append(bad)
            badValues.append(PlantedBadValue(column: column, value: value, patientID: bad[0]))
            nextSpoil += 1
        }
        // Overlap with the previous export: exact repeats of good rows.
        let duplicates = min(messyDuplicateCount, good.count)
        for k in 0..<duplicates {
            records.append(good[(k * good.count) / duplicates])
        }

        var file = try BufferedFile(path: path)
        CanonicalCSV.appendHeader(to: &file.buffer, dialect: dialect)
        for record in records {
            CanonicalCSV.appendRecord(record, to: &file.buffer, dialect: dialect)
        }
        try file.close()
        return MessyExportPlan(
            path: path, patientIDs: chosen, dataRows: records.count, goodRows: good.count, badRows: spoil.count,
            duplicateRows: duplicates, badValues: badValues)
    }
}
