#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which constant-memory workbooks spend quickly: libxlsxwriter
/// keeps one temporary file open per worksheet until the workbook is closed.
enum OpenFileLimit {
    /// Files kept back for everything else the process has open (standard streams, the CSVs,
    /// libxlsxwriter's packaging files, the runtime's own descriptors).
    static let reserve = 32

    /// Makes at least `files` open files available if the hard limit allows, raising the soft
    /// limit (as far as the hard limit) when it is lower; returns the soft limit then in force.
    @discardableResult
    static func ensure(_ files: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int.max }
        if limit.rlim_cur == infinity { return Int.max }
        let wanted = rlim_t(max(0, files))
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = limit.rlim_max == infinity ? wanted : min(wanted, limit.rlim_max)
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    private static let infinity = rlim_t.max  // RLIM_INFINITY, ~0 (the C macro does not import)
    #else
    private static let resource = RLIMIT_NOFILE
    private static let infinity = RLIM_INFINITY
    #endif
}
