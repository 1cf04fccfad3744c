import Foundation
import Testing
@testable import CaseloadExport

/// Reads the workbook with openpyxl (an independent implementation of the format) when
/// python3 and openpyxl are installed; skipped otherwise.
@Suite struct IndependentReaderTests {
    /// The `python3` on PATH, when it can import openpyxl.
    static let python: String? = {
        for candidate in ["python3"] {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = [candidate, "-c", "import openpyxl"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            do { try probe.run() } catch { continue }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return candidate }
        }
        return nil
    }()

    @Test(.enabled(if: IndependentReaderTests.python != nil, "needs python3 with openpyxl"))
    func openpyxlReadsSheetsValuesAndTextPayloads() throws {
        let python = try #require(Self.python)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("review.xlsx").path
        try CaseloadWorkbook.write(analysis: SampleCaseload.analysis(), context: SampleCaseload.context(),
                                   options: WorkbookOptions(multiCaseload: true), to: path)
        let script = """
            import json, sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            p = wb["Patients"]
            dq = wb["Data quality"]
            values = [r[4] for r in dq.iter_rows(values_only=True) if r[0] == "logs.csv" and isinstance(r[1], int)]
            print(json.dumps({
                "sheets": wb.sheetnames,
                "A4": p["A4"].value, "C4": p["C4"].value.isoformat(), "I4": p["I4"].value,
                "I4fmt": p["I4"].number_format, "K5": p["K5"].value, "freeze": p.freeze_panes,
                "rejected": values,
            }))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["sheets"] as? [String] == [
            "Overview", "Follow-up", "Patients", "Weekly", "P001", "P003", "+cmd|' _C calc'!A0", "P002", "P005",
            "Data quality", "About",
        ])
        #expect(json["A4"] as? String == "P001")
        #expect(json["C4"] as? String == "2026-10-23T00:00:00")
        #expect(abs((json["I4"] as? Double ?? 0) - 0.429) < 1e-9)
        #expect(json["I4fmt"] as? String == "0%")
        #expect(json["K5"] is NSNull)
        #expect(json["freeze"] as? String == "B4")
        // openpyxl leaves OOXML's `_x000D_` escape of a carriage return undecoded (Excel decodes it).
        #expect((json["rejected"] as? [String])?.map(unescapeOOXML) == SampleCaseload.payloads)
    }
}
