import CaseloadAnalytics
import Foundation

/// A folder written in full or not at all: built beside its final place under a temporary name
/// and moved in only when complete, so a failed run leaves the previous folder untouched and
/// nothing partial behind (reports and audits).
public enum AtomicFolder {
    /// Throws unless `path` is absent, an empty folder, or a folder caseload wrote (its
    /// `manifest.json` says `"tool": "caseload"`): replacing anything else (an exports folder given
    /// as `--out` by mistake) would delete it.
    public static func refuseToReplaceForeignFolder(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw ExportError(path: path, reason: "the output path is a file, not a folder")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: path)) ?? []
        guard !entries.isEmpty else { return }
        let manifest = path + "/manifest.json"
        if let data = fm.contents(atPath: manifest),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           object["tool"] as? String == "caseload"
        {
            return
        }
        throw ExportError(
            path: path,
            reason: "the folder exists and is not a caseload report (no caseload manifest.json); it is left as it is: "
                + "choose a new or empty folder")
    }

    /// Builds the folder at `directory` through `contents`, which writes into the (empty) staging
    /// folder it is given, along with the final folder's full path.
    ///
    /// The staging folder is `.NAME.tmp-PID` beside `directory`; staging folders of killed runs
    /// (their process gone) are removed first. On success the previous folder, if any, is replaced.
    /// - Throws: ``ExportError`` naming `directory` (never the staging folder) when anything fails,
    ///   or a ``CaseloadAnalytics/ReportSourceError`` as `contents` threw it; the previous folder is
    ///   then left as it was.
    public static func write<T>(to directory: String, contents: (_ staging: String, _ target: String) throws -> T)
        throws -> T
    {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).tmp-\(pid)").path
        let retired = parent.appendingPathComponent(".\(name).old-\(pid)").path

        do {
            try fm.createDirectory(atPath: parent.path, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: parent.path, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        try refuseToReplaceForeignFolder(target.path)
        try? fm.removeItem(atPath: staging)
        removeAbandonedStaging(in: parent.path, name: name)
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
            let result = try contents(staging, target.path)
            if fm.fileExists(atPath: target.path) {
                try? fm.removeItem(atPath: retired)
                try fm.moveItem(atPath: target.path, toPath: retired)
            }
            do {
                try fm.moveItem(atPath: staging, toPath: target.path)
            } catch {
                if fm.fileExists(atPath: retired) { try? fm.moveItem(atPath: retired, toPath: target.path) }
                throw error
            }
            try? fm.removeItem(atPath: retired)
            return result
        } catch let error as ExportError {
            try? fm.removeItem(atPath: staging)
            // Name the folder the user asked for, not the hidden staging folder that is gone now.
            throw ExportError(
                path: error.path.replacingOccurrences(of: staging, with: target.path),
                reason: error.reason.replacingOccurrences(of: staging, with: target.path))
        } catch let error as any ReportSourceError {
            try? fm.removeItem(atPath: staging)
            throw error  // the source's own error (a shard file), with its own path
        } catch {
            try? fm.removeItem(atPath: staging)
            throw ExportError(path: target.path, reason: "cannot write the report: \(error.localizedDescription)")
        }
    }

    /// Removes the staging folders (`.NAME.tmp-PID`) that runs writing this folder left behind
    /// when they were killed (SIGKILL, a power cut) before they could clean up: those whose
    /// process no longer exists. A staging folder of a run still going is left alone, and so is
    /// a `.NAME.old-PID` folder, which may hold the only copy of the previous report.
    public static func removeAbandonedStaging(in parent: String, name: String) {
        let prefix = ".\(name).tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0,
                  pid != ProcessInfo.processInfo.processIdentifier
            else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + entry)
            }
        }
    }
}
