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
    /// For a rebuild in steps (``GraphStore/RebuildMode/inSteps``), how many transactions
    /// wrote; its whole time is then in ``fill``. 0 for a rebuild in memory.
    public var steps = 0
    /// Emptying the tables and filling them, making each row as it is written; making the
    /// indexes; committing.
    public var fill: Double = 0
    public var indexes: Double = 0
    public var commit: Double = 0

    /// Resident memory (MB) after reading and cataloguing, after folding, and after filling the
    /// tables, and the process's peak so far at the end; 0 where the platform does not say.
    public var residentAfterCatalogue: Double = 0
    public var residentAfterFold: Double = 0
    public var residentAfterFill: Double = 0
    public var residentPeak: Double = 0

    /// Reading and deriving, before anything is written.
    public var readAndDerive: Double { readAndCatalogue + resolve + fold }
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

    /// This process's peak resident memory so far, in MB (Linux: VmHWM in /proc/self/status).
    static func peakResidentMB() -> Double {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let bytes = ProcKilobytes.bytes(of: "VmHWM", in: text) else { return 0 }
        return Double(bytes) / 1_048_576
        #else
        return 0
        #endif
    }

    /// The monotonic clock, in seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
