import VFGraph
import VFLog

/// Where the API gets the economic graph. One small protocol, so the endpoints can be tested
/// over any graph.
public protocol GraphSource: Sendable {
    /// The graph, up to date with every entry the log holds.
    func graph() async throws -> EconomicGraph
    /// A builder holding the same entries, for ``PublishCheck`` to fold a new payload onto.
    func builder() async throws -> GraphBuilder
}

/// A ``GraphSource`` over the node's ``LiveGraph``: the graph `vf serve` keeps current, shared
/// with the writer of `graph.sqlite`, so the process holds one derived graph, not two.
public struct LiveGraphSource: GraphSource {
    private let live: LiveGraph

    public init(_ live: LiveGraph) { self.live = live }

    public func graph() async throws -> EconomicGraph { try await live.upToDate() }

    public func builder() async throws -> GraphBuilder { try await live.builder() }
}
