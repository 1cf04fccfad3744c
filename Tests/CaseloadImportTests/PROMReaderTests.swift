import Foundation
import Testing

@testable import CaseloadImport
@testable import CaseloadModel

/// The PROM scores file of `audit --proms` (issue 16): every row used, rejected or duplicate.
@Suite struct PROMReaderTests {
    static func read(_ text: String) throws -> PROMImport {
        let folder = try TemporaryFolder()
        let path = try folder.write("proms.csv", text)
        return try CaseloadImporter(options: ImportOptions()).readPROMs(path)
    }

    @Test func acceptedRejectedAndDuplicateRowsBalance() throws {
        let result = try Self.read("""
            patient_id,date,instrument,score,note
            P1,2026-09-01,koos_pf,52.5,first
            P1,2026-11-20,KOOS_PF,70,
            P2,2026-09-03,akps,61,
            P1,2026-09-01,koos_pf,52.5,again
            P1,2026-09-01,koos_pf,55,changed
            P3,2026-09-01,sf36,40,
            P4,2026-09-01,akps,101,
            P5,2026-02-30,akps,50,
            ,2026-09-01,akps,50,
            P6,2026-09-01,akps,,
            P7,2026-09-01,akps,lots,

            """)
        let c = result.input.counts
        #expect(c.rowsRead == 11 && c.rowsAccepted == 3 && c.rowsDuplicate == 1 && c.rowsRejected == 7)
        #expect(c.rowsRead == c.rowsAccepted + c.rowsRejected + c.rowsDuplicate)
        #expect(result.input.role == .proms)
        #expect(result.input.ignoredColumns == ["note"])
        #expect(result.scores.map(\.patientID) == ["P1", "P1", "P2"])
        #expect(result.scores[1].instrument == .koosPF && result.scores[1].score == 70)
        let reasons = Dictionary(uniqueKeysWithValues: result.rejected.map { ($0.line, ($0.column, $0.reason)) })
        #expect(reasons[6]?.1 == "P1 already has a koos_pf score on 2026-09-01 at line 2")
        #expect(reasons[7]?.0 == "instrument" && reasons[7]?.1.contains("sf36 is not one caseload knows") == true)
        #expect(reasons[8]?.0 == "score" && reasons[8]?.1 == "score 101 is outside akps's range 0–100")
        #expect(reasons[9]?.0 == "date" && reasons[9]?.1.contains("does not exist") == true)
        #expect(reasons[10]?.0 == "patient_id" && reasons[10]?.1 == "no patient_id")
        #expect(reasons[11]?.1 == "no score")
        #expect(reasons[12]?.1 == "score lots is not a number")
        #expect(result.rejected.allSatisfy { $0.file.hasSuffix("proms.csv") })
    }

    @Test(arguments: ["patient_id,date,score\nP1,2026-09-01,50\n", "date,instrument,score\n2026-09-01,akps,50\n"])
    func aMissingColumnIsAnErrorNamingTheFile(text: String) throws {
        #expect(throws: ImportError.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch let error as ImportError {
            #expect(error.file.hasSuffix("proms.csv"))
            #expect(error.description.contains("patient_id") || error.description.contains("instrument"))
        }
    }

    @Test func semicolonsAndDecimalCommasAreRead() throws {
        let result = try Self.read("patient_id;date;instrument;score\r\nP1;2026-09-01;akps;62,5\r\n")
        #expect(result.scores.first?.score == 62.5)
        #expect(result.input.dialect?.contains("delimiter=';'") == true)
    }
}
