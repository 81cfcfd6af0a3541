import VFGraph
import VFLog

/// Where the API gets the economic graph. One small protocol so the node's live graph can
/// stand in for ``GraphStoreSource`` without touching the endpoints.
public protocol GraphSource: Sendable {
    /// The graph, up to date with every entry the log holds.
    func graph() async throws -> EconomicGraph
    /// A builder holding the same entries, for ``PublishCheck`` to fold a new payload onto.
    func builder() async throws -> GraphBuilder
}

/// A ``GraphSource`` over the home's `graph.sqlite`: one ``GraphStore`` for the process,
/// brought up to date on each call. An actor, because the store's builder is not thread-safe.
public actor GraphStoreSource: GraphSource {
    private let store: GraphStore
    private let log: LogStore

    /// Opens (or creates) the graph store at `path`, derived from `log`.
    public init(path: String, log: LogStore) throws {
        store = try GraphStore(path: path)
        self.log = log
    }

    public func graph() throws -> EconomicGraph { try store.graph(from: log) }

    public func builder() throws -> GraphBuilder { try store.builder(from: log) }
}
