import Dispatch

/// Where the wall time of one ``GraphStore/rebuild(from:)`` went, for benchmarks and
/// diagnostics. The tables are written on another core while the graph is derived, so the
/// second part is only what writing adds after the derivation ends.
public struct RebuildTimings: Sendable {
    /// Reading every entry from the log and deriving the graph, in seconds; most of the
    /// tables are written meanwhile.
    public var readAndDerive: Double = 0
    /// Finishing the tables after the derivation and committing, in seconds.
    public var writeTables: Double = 0
    /// Waiting, after the commit, for the list of changed objects built on the other core, in seconds.
    public var waitForChanges: Double = 0

    /// The monotonic clock, in seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
