import Foundation
import VFGraph
import VFLog
import VFPeer

/// The answers of the GET endpoints, as JSON-ready values. Each reads the log, the peer table,
/// the node or the graph, and shapes the result with ``EntryJSON`` and ``GraphJSON``.
struct ReadEndpoints: Sendable {
    let context: APIContext

    func node() -> [String: Any] {
        ["id": context.me.description, "peerAddress": context.peerAddress ?? NSNull(),
         "network": context.networkKey == .default ? "default" : "private"]
    }

    func feeds() async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        return try context.log.feeds().map { head in
            ["author": head.author.description, "sequence": head.sequence, "forked": head.forked, "self": head.author == context.me,
             "name": graph.agents[.feed(head.author)]?.profile?.name ?? NSNull()]
        }
    }

    func feedEntries(_ feedText: String, query: QueryParameters) async throws -> [String: Any] {
        let feed: FeedID
        do { feed = try FeedID(parsing: feedText) } catch { throw APIError.badRequest("\(error)") }
        let (from, limit) = try query.entryPage()
        guard let head = try context.log.head(of: feed) else { throw APIError.notFound("no feed \(feed) is held here") }
        let page = from > head.sequence ? [] : try context.log.entries(author: feed, in: from...head.sequence, limit: limit)
        let graph = try await context.graph.graph()
        var next: Any = NSNull()
        if let last = page.last, last.entry.sequence < head.sequence { next = last.entry.sequence + 1 }
        return ["entries": page.map { entry($0, graph: graph) }, "next": next]
    }

    func entry(_ idText: String) async throws -> [String: Any] {
        let id: EntryID
        do { id = try EntryID(parsing: idText) } catch { throw APIError.badRequest("\(error)") }
        guard let signed = try context.log.entry(id: id) else { throw APIError.notFound("no entry \(id) is held here") }
        return entry(signed, graph: try await context.graph.graph())
    }

    /// An entry as the API shows it, its signature checked again now.
    func entry(_ signed: SignedEntry, graph: EconomicGraph) -> [String: Any] {
        EntryJSON.entry(signed, graph: graph, signatureVerified: signed.entry.hasValidSignature())
    }

    func resources() async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        return graph.resources.keys.sorted().map { GraphJSON.resource(graph.resources[$0]!) }
    }

    func resource(_ idText: String) async throws -> [String: Any] {
        let id = try FlowStart.resourceID(idText)
        let graph = try await context.graph.graph()
        guard let resource = graph.resources[id] else { throw APIError.notFound("no resource \(id) in the graph") }
        let events = graph.appliedOrder.compactMap { graph.events[$0] }.filter {
            $0.fromResource == id || $0.toResource == id || $0.container == id
        }
        return ["resource": GraphJSON.resource(resource), "events": events.map(GraphJSON.event)]
    }

    func processes() async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        return graph.processes.keys.sorted().map { GraphJSON.process(graph.processes[$0]!, in: graph) }
    }

    func agents() async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        return graph.agents.keys.sorted().map { GraphJSON.agent(graph.agents[$0]!) }
    }

    func specifications() async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        return graph.specifications.keys.sorted().map { GraphJSON.specification(graph.specifications[$0]!) }
    }

    func flow(_ idText: String, backwards: Bool) async throws -> [[String: Any]] {
        let graph = try await context.graph.graph()
        let start = try FlowStart.parse(idText, in: graph)
        return (backwards ? graph.trace(from: start) : graph.track(from: start)).map(GraphJSON.step)
    }

    func peers() async throws -> [[String: Any]] {
        // The node's own view, not the table's flag, which lags by a write.
        let connected = Set(await context.node.connectedPeers())
        return try context.peers.peers().map { peer in
            ["id": peer.feed.description, "address": peer.address?.description ?? NSNull(),
             "connected": connected.contains(peer.feed), "lastSync": peer.lastSync ?? NSNull(), "lastError": peer.lastError ?? NSNull()]
        }
    }

    func sync() async -> [String: Any] {
        await SyncStatus.current(of: context.node).json
    }
}
