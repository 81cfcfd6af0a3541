import Dispatch

/// Where the wall time of one ``GraphStore/rebuild(from:)`` went, for benchmarks and
/// diagnostics: the derivation is one part, writing the tables the other.
public struct RebuildTimings: Sendable {
    /// Reading every entry from the log and deriving the graph, in seconds.
    public var readAndDerive: Double = 0
    /// Emptying and filling the tables and committing, in seconds.
    public var writeTables: Double = 0
    /// Waiting, after the commit, for the row states built on the other core, in seconds.
    public var waitForRows: Double = 0

    /// The monotonic clock, in seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
