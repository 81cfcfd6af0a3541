import Foundation
import VFGraph
import Dispatch

/// Where the wall time of one ``GraphStore/rebuild(from:)`` went, in seconds, for benchmarks
/// and diagnostics.
public struct RebuildTimings: Sendable {
    /// Reading every entry from the log and cataloguing it (on every core).
    public var readAndCatalogue: Double = 0
    /// Settling which events can be folded (step 2), and folding them (step 3) with their history.
    public var resolve: Double = 0
    public var fold: Double = 0
    /// Listing every row.
    public var rows: Double = 0
    /// Emptying and filling the tables, making the indexes, committing.
    public var fill: Double = 0
    public var indexes: Double = 0
    public var commit: Double = 0

    /// Resident memory (MB) after reading and cataloguing, after folding, after listing the
    /// rows, and after filling the tables; 0 where the platform does not say.
    public var residentAfterCatalogue: Double = 0
    public var residentAfterFold: Double = 0
    public var residentAfterRows: Double = 0
    public var residentAfterFill: Double = 0

    /// Reading and deriving, before anything is written.
    public var readAndDerive: Double { readAndCatalogue + resolve + fold + rows }
    /// Writing the tables.
    public var writeTables: Double { fill + indexes + commit }

    /// This process's resident memory now, in MB (Linux: /proc/self/statm).
    static func residentMB() -> Double {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
        #else
        return 0
        #endif
    }

    /// The monotonic clock, in seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
