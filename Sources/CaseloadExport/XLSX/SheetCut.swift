/// A worksheet that reached its row limit (Excel's 1,048,576 rows): its last row is a visible note
/// saying how many rows were left out, and the CSVs hold every row (docs/RELIABILITY.md).
public struct SheetCut: Sendable, Hashable {
    /// The workbook: relative to the report folder in a ``WrittenReport`` (`caseload.xlsx`,
    /// `caseloads/<slug>/caseload.xlsx`), the path written otherwise.
    public var workbook: String
    /// The sheet's name (`Weekly`, `Patients`, …).
    public var sheet: String
    /// What the rows are, as the note says (`weekly rows`, `patients`, `rejected rows`).
    public var what: String
    /// Rows there were to write.
    public var rows: Int
    /// Rows the sheet shows (the note takes the row after them).
    public var shown: Int
    /// Rows the sheet could hold.
    public var limit: Int

    /// Rows not shown: `rows - shown`.
    public var leftOut: Int { rows - shown }

    /// One line for the terminal: `caseload.xlsx, sheet Weekly: 34 of 99 weekly rows not shown (a
    /// worksheet holds at most 1,048,576 rows; the CSVs list them all)`.
    public var summary: String {
        "\(workbook), sheet \(sheet): \(grouped(leftOut)) of \(grouped(rows)) \(what) not shown "
            + "(a worksheet holds at most \(grouped(limit)) rows; the CSVs list them all)"
    }

    /// A cut as recorded by a workbook.
    public init(workbook: String, sheet: String, what: String, rows: Int, shown: Int, limit: Int) {
        self.workbook = workbook
        self.sheet = sheet
        self.what = what
        self.rows = rows
        self.shown = shown
        self.limit = limit
    }
}
