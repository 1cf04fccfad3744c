/// Finds where the elements of a top-level JSON array lie, a window of bytes at a time.
///
/// A structural scan: strings, escapes and bracket nesting, no value built. It is fed the file's
/// bytes in windows that continue each other (``scan(_:base:found:)``), keeps its place between
/// them (inside a string, after a backslash, how deep the brackets are), and hands out each element
/// as soon as its last byte is seen, with the line and the line's start of its first byte as the
/// parser counts them. Positions are offsets in the whole file, so an element may begin in one
/// window and end in a later one; the caller keeps the bytes from ``neededFrom`` on.
///
/// The scan fails (``failed``) on text it cannot delimit: not an array (``isArray`` false), a
/// bracket that does not match, a line break inside a string, something other than `,` or `]`
/// after an element, text after the array, or an input that ends inside it. A valid JSON array is
/// always delimited; an element's own syntax is left to the parser that reads it
/// (`JSONArrayReading`).
struct JSONArrayScanner {
    private enum Phase {
        /// Before the opening `[`.
        case opening
        /// After `[`: an element or `]`.
        case firstElement
        /// After `,`: an element.
        case element
        /// Inside an element.
        case inElement
        /// After an element: `,` or `]`.
        case afterElement
        /// After the closing `]`: only whitespace may follow.
        case closed
        case failed
    }

    /// What kind of element is being scanned.
    private enum Kind {
        /// An object or array: ends when its brackets balance.
        case container
        /// A string: ends at its closing quote.
        case string
        /// A number or literal: ends before the next `,`, `]` or whitespace (the parser judges it).
        case bare
    }

    private var phase = Phase.opening
    private var kind = Kind.bare
    /// The brackets that close what is open in the element, innermost last.
    private var closers: [UInt8] = []
    private var inString = false
    /// The previous byte was a backslash inside a string: the next one is skipped, whatever it is.
    private var escaped = false
    /// Offset (in the file) of the next byte to scan.
    private(set) var offset: Int
    private var line = 1
    private var lineStart: Int
    /// The element being scanned (its `end` is set when it is handed out).
    private var current = JSONElement(start: 0, end: 0, line: 1, lineStart: 0)
    /// The position where the scan failed, for a message should the parser not find the fault.
    private(set) var failure: (line: Int, column: Int)?
    /// The scan failed because the text is not an array.
    private var notAnArray = false

    /// A scan that starts at offset `start` of the file (after a byte-order mark), which is where
    /// line 1's columns are counted from.
    init(start: Int) {
        offset = start
        lineStart = start
    }

    /// True once the scan met a fault.
    var failed: Bool { phase == .failed }

    /// False when the text (the first byte that is not whitespace) is not an array; also false
    /// until that byte was seen.
    var isArray: Bool { phase != .opening && !notAnArray }

    /// The first offset whose byte the scan may still need: the start of the element it is inside,
    /// or the next byte to scan.
    var neededFrom: Int { phase == .inElement ? current.start : offset }

    /// Scans `window`, whose first byte is at offset `base` of the file, from ``offset`` (which
    /// must lie in it or at its end) to its end, calling `found` with each element completed, in
    /// order. Stops at the first fault.
    mutating func scan(_ window: UnsafeBufferPointer<UInt8>, base: Int, found: (JSONElement) -> Void) {
        precondition(offset >= base && offset <= base + window.count, "the window continues the scan")
        var i = offset - base
        let n = window.count
        scanning: while i < n {
            let b = window[i]
            switch phase {
            case .inElement:
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == UInt8(ascii: "\"") {
                        inString = false
                        if kind == .string {
                            i += 1
                            finishElement(at: base + i, found)
                            continue scanning
                        }
                    } else if b == UInt8(ascii: "\\") {
                        escaped = true
                    } else if b == UInt8(ascii: "\n") {
                        fail(at: base + i)
                        break scanning
                    }
                    i += 1
                    continue scanning
                }
                switch kind {
                case .bare:
                    if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || Self.isWhitespace(b) {
                        finishElement(at: base + i, found)  // the separator is not the element's
                    } else {
                        i += 1
                    }
                case .container, .string:
                    switch b {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
                    case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        guard closers.popLast() == b else {
                            fail(at: base + i)
                            break scanning
                        }
                        if closers.isEmpty {
                            i += 1
                            finishElement(at: base + i, found)
                            continue scanning
                        }
                    case UInt8(ascii: "\n"):
                        line += 1
                        lineStart = base + i + 1
                    default: break
                    }
                    i += 1
                }
            case _ where Self.isWhitespace(b):
                if b == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = base + i + 1
                }
                i += 1
            case .opening:
                guard b == UInt8(ascii: "[") else {
                    fail(at: base + i, notArray: true)
                    break scanning
                }
                phase = .firstElement
                i += 1
            case .firstElement where b == UInt8(ascii: "]"):
                phase = .closed
                i += 1
            case .firstElement, .element:
                current = JSONElement(start: base + i, end: base + i, line: line, lineStart: lineStart)
                phase = .inElement
                switch b {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    kind = .container
                    closers.removeAll(keepingCapacity: true)
                    closers.append(b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                    i += 1
                case UInt8(ascii: "\""):
                    kind = .string
                    inString = true
                    i += 1
                default:
                    kind = .bare  // read up to its separator, which may be right here
                }
            case .afterElement:
                if b == UInt8(ascii: ",") {
                    phase = .element
                } else if b == UInt8(ascii: "]") {
                    phase = .closed
                } else {
                    fail(at: base + i)
                    break scanning
                }
                i += 1
            case .closed:
                fail(at: base + i)
                break scanning
            case .failed:
                break scanning
            }
        }
        offset = base + i
    }

    /// The input ended after the last window: true when it held one whole array and nothing after
    /// it but whitespace. Otherwise the scan fails here.
    mutating func finish() -> Bool {
        if phase == .closed { return true }
        if phase != .failed { fail(at: offset, notArray: phase == .opening) }
        return false
    }

    private mutating func finishElement(at end: Int, _ found: (JSONElement) -> Void) {
        current.end = end
        phase = .afterElement
        found(current)
    }

    private mutating func fail(at position: Int, notArray: Bool = false) {
        phase = .failed
        failure = (line, position - lineStart + 1)
        notAnArray = notArray
    }

    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
    }
}
