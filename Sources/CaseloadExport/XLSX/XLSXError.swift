import CXLSXWriter

/// A failure while building or writing an XLSX workbook, with where it happened.
///
/// libxlsxwriter reports most problems late (a bad output path only fails when the
/// workbook is closed), so the error names the operation, the sheet and the cell
/// (A1 notation) when they are known, and the library's own message.
public struct XLSXError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `write string` or `close workbook`.
    public var operation: String
    /// The library's explanation (`lxw_strerror`), or ours when the library gave none.
    public var reason: String
    /// The worksheet's name, when the operation concerned one.
    public var sheet: String?
    /// The cell in A1 notation (e.g. `B7`), when the operation concerned one.
    public var cell: String?
    /// The workbook's output path.
    public var path: String?
    /// libxlsxwriter's status code when the library reported the failure; `nil` when the
    /// failure is ours (a check of this wrapper, or a library call that returned `NULL`).
    public var libraryCode: LibraryCode?

    /// Creates an error; `cell` is in A1 notation, `libraryCode` the library's status if it gave one.
    public init(
        operation: String, reason: String, sheet: String? = nil, cell: String? = nil, path: String? = nil,
        libraryCode: LibraryCode? = nil
    ) {
        self.operation = operation
        self.reason = reason
        self.sheet = sheet
        self.cell = cell
        self.path = path
        self.libraryCode = libraryCode
    }

    /// One line: `xlsx: <operation> failed at 'Sheet'!B7 in out.xlsx: <reason>`.
    public var description: String {
        var text = "xlsx: \(operation) failed"
        switch (sheet, cell) {
        case let (sheet?, cell?): text += " at '\(sheet)'!\(cell)"
        case let (sheet?, nil): text += " on sheet '\(sheet)'"
        case let (nil, cell?): text += " at \(cell)"
        case (nil, nil): break
        }
        if let path { text += " in \(path)" }
        return text + ": " + reason
    }
}

extension XLSXError {
    /// A libxlsxwriter status code (its `lxw_error`), kept as a number so callers can tell
    /// failures apart without the C module, which stays inside the XLSX folder.
    ///
    /// The named codes are the ones this project can meet; any other code the library returns
    /// is kept by its number. The numbers are those of libxlsxwriter's `lxw_error` enum
    /// (`xlsxwriter/common.h`), taken from the header when this module is built.
    public struct LibraryCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The numeric value of the `lxw_error`.
        public var rawValue: Int

        /// Wraps a numeric `lxw_error` value.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// Wraps a status the library returned.
        init(_ error: lxw_error) {
            self.init(rawValue: Int(error.rawValue))
        }

        /// `malloc()` failed inside the library.
        public static let memoryMallocFailed = LibraryCode(LXW_ERROR_MEMORY_MALLOC_FAILED)
        /// The output `.xlsx` file could not be created (missing folder, no permission).
        public static let creatingXLSXFile = LibraryCode(LXW_ERROR_CREATING_XLSX_FILE)
        /// A temporary file could not be created while the file was assembled.
        public static let creatingTmpfile = LibraryCode(LXW_ERROR_CREATING_TMPFILE)
        /// A temporary file could not be read back while the file was assembled.
        public static let readingTmpfile = LibraryCode(LXW_ERROR_READING_TMPFILE)
        /// The zip library's generic error while writing the file.
        public static let zipFileOperation = LibraryCode(LXW_ERROR_ZIP_FILE_OPERATION)
        /// The zip library rejected a parameter.
        public static let zipParameterError = LibraryCode(LXW_ERROR_ZIP_PARAMETER_ERROR)
        /// The zip library found the file bad (too large without zip64).
        public static let zipBadZipFile = LibraryCode(LXW_ERROR_ZIP_BAD_ZIP_FILE)
        /// The zip library failed internally.
        public static let zipInternalError = LibraryCode(LXW_ERROR_ZIP_INTERNAL_ERROR)
        /// A part could not be added to the zip file.
        public static let zipFileAdd = LibraryCode(LXW_ERROR_ZIP_FILE_ADD)
        /// The zip file could not be closed.
        public static let zipClose = LibraryCode(LXW_ERROR_ZIP_CLOSE)
        /// A parameter was out of its allowed range.
        public static let parameterValidation = LibraryCode(LXW_ERROR_PARAMETER_VALIDATION)
        /// A sheet name longer than Excel's 31 characters.
        public static let sheetNameLengthExceeded = LibraryCode(LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED)
        /// A sheet name holding one of `[ ] : * ? / \`.
        public static let invalidSheetNameCharacter = LibraryCode(LXW_ERROR_INVALID_SHEETNAME_CHARACTER)
        /// A sheet name starting or ending with an apostrophe.
        public static let sheetNameStartEndApostrophe = LibraryCode(LXW_ERROR_SHEETNAME_START_END_APOSTROPHE)
        /// A sheet name already used in the workbook (Excel compares names case-insensitively).
        public static let sheetNameAlreadyUsed = LibraryCode(LXW_ERROR_SHEETNAME_ALREADY_USED)
        /// A string longer than Excel's 32,767 characters.
        public static let maxStringLengthExceeded = LibraryCode(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
        /// A row or column outside the worksheet, or a row written above the current one in
        /// constant-memory mode.
        public static let worksheetIndexOutOfRange = LibraryCode(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
        /// A hyperlink longer than Excel's 2,079 characters.
        public static let maxURLLengthExceeded = LibraryCode(LXW_ERROR_WORKSHEET_MAX_URL_LENGTH_EXCEEDED)
        /// More than Excel's 65,530 hyperlinks on one worksheet.
        public static let maxNumberOfURLsExceeded = LibraryCode(LXW_ERROR_WORKSHEET_MAX_NUMBER_URLS_EXCEEDED)

        /// `lxw_error <number>`: the library's own text is in ``XLSXError/reason``.
        public var description: String { "lxw_error \(rawValue)" }
    }
}

/// A1-notation helpers shared by the wrapper and the workbook layout.
enum CellName {
    /// Column letters for a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func column(_ col: Int) -> String {
        precondition(col >= 0, "column must be non-negative")
        var n = col + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// `B7` for row 6, column 1 (both 0-based).
    static func cell(row: Int, col: Int) -> String {
        column(col) + String(row + 1)
    }
}
