import VFGraph
import VFLog

/// Where the API gets the economic graph. One small protocol, so the endpoints can be tested
/// over any graph.
public protocol GraphSource: Sendable {
    /// The graph, up to date with every entry the log holds.
    func graph() async throws -> EconomicGraph
    /// What `vf publish` would make of a payload `author` signs at `timestamp`.
    func check(_ payload: [UInt8], author: FeedID, timestamp: Int64) async throws -> PublishVerdict
}

/// A ``GraphSource`` over the node's ``LiveGraph``: the graph `vf serve` keeps current, shared
/// with the writer of `graph.sqlite`, so the process holds one derived graph, not two.
public struct LiveGraphSource: GraphSource {
    private let live: LiveGraph

    public init(_ live: LiveGraph) { self.live = live }

    public func graph() async throws -> EconomicGraph { try await live.upToDate() }

    public func check(_ payload: [UInt8], author: FeedID, timestamp: Int64) async throws -> PublishVerdict {
        try await live.check(payload, author: author, timestamp: timestamp)
    }
}
