import Foundation

/// Extensions of the inputs found in folders (compared case-insensitively): the format registry's.
let discoverableExtensions: Set<String> = Set(LogFormat.discoverableExtensions)

/// Expands the paths given on the command line into the list of log files to read.
///
/// Files are kept as given, in order. Folders are searched recursively for `.csv`,
/// `.tsv`, `.json`, `.ndjson` and `.jsonl` files (extension in any case; hidden files and folders
/// skipped), which are added sorted by path. Paths in `excluding` (typically the roster)
/// are skipped, compared by standardized absolute path.
/// - Throws: ``ImportError`` for a path that does not exist or a folder with no inputs.
public func discoverInputs(_ paths: [String], excluding: Set<String> = []) throws -> [String] {
    let manager = FileManager.default
    let excluded = Set(excluding.map(absoluteStandardizedPath))
    var found: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(file: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue {
            if !excluded.contains(absoluteStandardizedPath(path)) { found.append(path) }
            continue
        }
        guard let walker = manager.enumerator(
            at: URL(fileURLWithPath: path, isDirectory: true), includingPropertiesForKeys: nil,
            options: [.skipsHiddenFiles])
        else {
            throw ImportError(file: path, reason: "cannot list the folder")
        }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.path
        var inFolder: [String] = []
        for case let url as URL in walker {
            var entryIsDirectory: ObjCBool = false
            // fileExists follows symbolic links, so a linked export is found like a plain file.
            guard discoverableExtensions.contains(url.pathExtension.lowercased()),
                  manager.fileExists(atPath: url.path, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue
            else { continue }
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(root + "/") ? String(full.dropFirst(root.count + 1)) : url.lastPathComponent
            let shown = base.isEmpty ? relative : base + "/" + relative
            if !excluded.contains(absoluteStandardizedPath(shown)) { inFolder.append(shown) }
        }
        let hadCandidates = !inFolder.isEmpty
        inFolder.sort()
        if !hadCandidates {
            throw ImportError(file: path, reason: "the folder holds no \(LogFormat.extensionList) files")
        }
        found.append(contentsOf: inFolder)
    }
    return found
}

/// `path` made absolute (against the current folder) and standardized.
func absoluteStandardizedPath(_ path: String) -> String {
    let url = path.hasPrefix("/")
        ? URL(fileURLWithPath: path)
        : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
    return url.standardizedFileURL.path
}
