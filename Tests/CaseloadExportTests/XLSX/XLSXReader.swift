import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A minimal XML element tree, enough to read back what libxlsxwriter wrote.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Local name without the namespace prefix (`c:lineChart` → `lineChart`).
    var localName: String { name.split(separator: ":").last.map(String.init) ?? name }

    /// Every descendant (depth first) with this local name.
    func all(_ local: String) -> [XMLNode] {
        var found: [XMLNode] = []
        for child in children {
            if child.localName == local { found.append(child) }
            found += child.all(local)
        }
        return found
    }

    func first(_ local: String) -> XMLNode? { all(local).first }

    /// Concatenated text of this node and its descendants.
    var allText: String { text + children.map(\.allText).joined() }

    static func parse(_ data: Data) throws -> XMLNode {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ReaderError(message: "XML parse failed: \(String(describing: parser.parserError))")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name: qualifiedName ?? name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

struct ReaderError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Undoes OOXML's `_xHHHH_` escaping of control characters in strings.
func unescapeOOXML(_ text: String) -> String {
    guard text.contains("_x") else { return text }
    var out = ""
    var rest = Substring(text)
    while let range = rest.range(of: "_x") {
        out += rest[..<range.lowerBound]
        let after = rest[range.upperBound...]
        let hex = after.prefix(4)
        if hex.count == 4, after.dropFirst(4).first == "_", let code = UInt32(hex, radix: 16),
           let scalar = Unicode.Scalar(code) {
            out.unicodeScalars.append(scalar)
            rest = after.dropFirst(5)
        } else {
            out += "_x"
            rest = after
        }
    }
    return out + rest
}

/// One cell as stored in the sheet XML.
struct StoredCell {
    /// The `t` attribute: `inlineStr`, `s`, `str`, `b`, `e`, or nil for numbers.
    var type: String?
    /// The text for string cells, the raw `<v>` for others.
    var value: String?
    /// The formula, when the cell has one.
    var formula: String?
    /// The number format code of the cell's style, when it has one.
    var numberFormat: String?

    var number: Double? { type == nil ? value.flatMap(Double.init) : nil }
    var text: String? { (type == "inlineStr" || type == "s" || type == "str") ? value : nil }
}

/// A worksheet read back.
struct StoredSheet {
    var name: String
    var xml: XMLNode
    var cells: [String: StoredCell]
    /// Cell → hyperlink target (`'Sheet'!A1` for internal links, the URL for external ones).
    var hyperlinks: [String: String]
    /// Chart XML of the charts drawn on this sheet.
    var charts: [XMLNode]

    subscript(_ ref: String) -> StoredCell? { cells[ref] }

    /// Text of the cells of one row, columns A… up to `count`, "" for empty cells.
    func rowTexts(_ row: Int, count: Int) -> [String] {
        (0..<count).map { col in
            let ref = columnLetters(col) + String(row)
            return cells[ref].map { $0.text ?? $0.value ?? "" } ?? ""
        }
    }

    /// The row numbers (1-based) that hold any cell.
    var rows: [Int] {
        Set(cells.keys.compactMap { Int($0.drop { $0.isLetter }) }).sorted()
    }
}

func columnLetters(_ col: Int) -> String {
    var n = col + 1
    var s = ""
    while n > 0 {
        let r = (n - 1) % 26
        s = String(UnicodeScalar(UInt8(65 + r))) + s
        n = (n - 1) / 26
    }
    return s
}

/// An `.xlsx` file unzipped and parsed, independently of the code that wrote it.
struct XLSXFile {
    let entries: [String: Data]
    let sheetNames: [String]
    private let sheetPaths: [String: String]
    private let sharedStrings: [String]
    private let formatOfStyle: [Int: String]

    init(path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var entries: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            entries[entry.path] = data
        }
        self.entries = entries
        func xml(_ name: String) throws -> XMLNode {
            guard let data = entries[name] else { throw ReaderError(message: "missing \(name)") }
            return try XMLNode.parse(data)
        }
        let workbook = try xml("xl/workbook.xml")
        let rels = try xml("xl/_rels/workbook.xml.rels")
        var targets: [String: String] = [:]
        for rel in rels.all("Relationship") {
            if let id = rel.attributes["Id"], let target = rel.attributes["Target"] { targets[id] = target }
        }
        var names: [String] = []
        var paths: [String: String] = [:]
        for sheet in workbook.all("sheet") {
            guard let name = sheet.attributes["name"], let id = sheet.attributes["r:id"], let target = targets[id]
            else { continue }
            names.append(name)
            paths[name] = "xl/" + target
        }
        sheetNames = names
        sheetPaths = paths
        if entries["xl/sharedStrings.xml"] != nil {
            sharedStrings = try xml("xl/sharedStrings.xml").all("si").map { unescapeOOXML($0.allText) }
        } else {
            sharedStrings = []
        }
        let styles = try xml("xl/styles.xml")
        var codes: [Int: String] = [14: "m/d/yyyy"]
        for fmt in styles.all("numFmt") {
            if let id = fmt.attributes["numFmtId"].flatMap(Int.init), let code = fmt.attributes["formatCode"] {
                codes[id] = code
            }
        }
        var formats: [Int: String] = [:]
        if let xfs = styles.first("cellXfs") {
            for (index, xf) in xfs.children.enumerated() {
                if let id = xf.attributes["numFmtId"].flatMap(Int.init), id != 0 { formats[index] = codes[id] ?? "#\(id)" }
            }
        }
        formatOfStyle = formats
    }

    func xml(_ name: String) throws -> XMLNode {
        guard let data = entries[name] else { throw ReaderError(message: "missing \(name)") }
        return try XMLNode.parse(data)
    }

    /// Relationship targets of a part, resolved to archive paths.
    private func relationships(of part: String) throws -> [String: (type: String, target: String)] {
        let dir = (part as NSString).deletingLastPathComponent
        let file = (part as NSString).lastPathComponent
        let relsPath = dir + "/_rels/" + file + ".rels"
        guard entries[relsPath] != nil else { return [:] }
        var result: [String: (String, String)] = [:]
        for rel in try xml(relsPath).all("Relationship") {
            guard let id = rel.attributes["Id"], let target = rel.attributes["Target"] else { continue }
            let type = rel.attributes["Type"] ?? ""
            if rel.attributes["TargetMode"] == "External" {
                result[id] = (type, target)
            } else {
                result[id] = (type, resolve(target, from: dir))
            }
        }
        return result
    }

    /// `../drawings/drawing1.xml` relative to `xl/worksheets` → `xl/drawings/drawing1.xml`.
    private func resolve(_ target: String, from dir: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = dir.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    func sheet(_ name: String) throws -> StoredSheet {
        guard let path = sheetPaths[name] else { throw ReaderError(message: "no sheet \(name); have \(sheetNames)") }
        let root = try xml(path)
        var cells: [String: StoredCell] = [:]
        for c in root.all("c") {
            guard let ref = c.attributes["r"] else { continue }
            let type = c.attributes["t"]
            var value: String?
            switch type {
            case "inlineStr": value = c.first("is").map { unescapeOOXML($0.allText) }
            case "s": value = c.first("v").flatMap { Int($0.text) }.map { sharedStrings[$0] }
            default: value = c.first("v")?.text
            }
            let style = c.attributes["s"].flatMap(Int.init)
            cells[ref] = StoredCell(
                type: type, value: value, formula: c.first("f")?.text,
                numberFormat: style.flatMap { formatOfStyle[$0] })
        }
        let rels = try relationships(of: path)
        var links: [String: String] = [:]
        for link in root.all("hyperlink") {
            guard let ref = link.attributes["ref"] else { continue }
            if let location = link.attributes["location"] {
                links[ref] = location
            } else if let id = link.attributes["r:id"], let rel = rels[id] {
                links[ref] = rel.target
            }
        }
        var charts: [XMLNode] = []
        for drawing in root.all("drawing") {
            guard let id = drawing.attributes["r:id"], let drawingPath = rels[id]?.target else { continue }
            for (_, rel) in try relationships(of: drawingPath) where rel.type.hasSuffix("/chart") {
                charts.append(try xml(rel.target))
            }
        }
        return StoredSheet(name: name, xml: root, cells: cells, hyperlinks: links, charts: charts)
    }

    /// `docProps/core.xml` fields by local name (`title`, `created`, …).
    func coreProperties() throws -> [String: String] {
        var result: [String: String] = [:]
        for child in try xml("docProps/core.xml").children { result[child.localName] = child.text }
        return result
    }
}

/// A fresh temporary folder for one test, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-xlsx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
