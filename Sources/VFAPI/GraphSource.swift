import VFGraph
import VFGraphStore
import VFLog

/// Where the API gets the economic graph. One small protocol, so the endpoints can be tested
/// over any graph.
public protocol GraphSource: Sendable {
    /// A reader of the graph's tables, once they hold every entry the log holds: every read
    /// answers by index from it.
    func reader() async throws -> GraphReader
    /// Publishes a ValueFlows payload as `key`'s next entry, checked and applied in one fold;
    /// the entry when it was published.
    func publish(_ payload: [UInt8], key: SigningKey, allowNegative: Bool) async throws -> LiveGraph.Published
}

/// A ``GraphSource`` over the node's ``LiveGraph``: the tables `vf serve` keeps current, read
/// and checked against on the live graph's own queue.
public struct LiveGraphSource: GraphSource {
    private let live: LiveGraph

    public init(_ live: LiveGraph) { self.live = live }

    public func reader() async throws -> GraphReader { try await live.upToDateReader() }

    public func publish(_ payload: [UInt8], key: SigningKey, allowNegative: Bool) async throws -> LiveGraph.Published {
        try await live.publish(payload, key: key, allowNegative: allowNegative)
    }
}
