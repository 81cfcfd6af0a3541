import Foundation
import VFGraph
import VFGraphStore
import VFProof
import VFLog
import VFPeer
import VFShapes

/// The answers of the GET endpoints. Each reads the log, the peer table, the node or the graph's
/// tables (by index, through a ``GraphReader``), on the API's own threads, and writes the
/// answer with ``EntryJSON`` and ``GraphJSON``; a listing answers a page at a time
/// (``ListingJSON``).
struct ReadEndpoints: Sendable {
    let context: APIContext
    let blocking: BlockingPool

    func node() -> [String: Any] {
        ["id": context.me.description, "peerAddress": context.peerAddress ?? NSNull(),
         "network": context.networkKey == .default ? "default" : "private"]
    }

    /// Feeds in author id order, each with its profile name.
    func feeds(_ query: QueryParameters) async throws -> [UInt8] {
        let (log, me) = (context.log, context.me)
        return try await page(query, after: ListingCursor.feed, rows: { reader, after, limit in
            try log.feeds(after: after, limit: limit).map { ($0, try reader.agent(.feed($0.author))?.profile?.name) }
        }, cursor: { $0.0.author }, write: { row, w in Self.feed(row.0, name: row.1, me: me, to: &w) })
    }

    func feedEntries(_ feedText: String, query: QueryParameters) async throws -> [UInt8] {
        let feed: FeedID
        do { feed = try FeedID(parsing: feedText) } catch { throw APIError.badRequest("\(error)") }
        let (from, limit) = try query.entryPage()
        let reader = try await context.graph.reader()
        let log = context.log
        return try await blocking.run {
            guard let head = try log.head(of: feed) else { throw APIError.notFound("no feed \(feed) is held here") }
            let page = from > head.sequence ? [] : try log.entries(author: feed, in: from...head.sequence, limit: limit)
            let next = page.last.flatMap { $0.entry.sequence < head.sequence ? $0.entry.sequence + 1 : nil }
            return try JSONWriter.bytes { w in
                w.beginObject()
                w.key("entries"); try w.array(page) { signed, w in try Self.entry(signed, reader: reader, to: &w) }
                w.key("next")
                if let next { w.integer(next) } else { w.null() }
                w.endObject()
            }
        }
    }

    func entry(_ idText: String) async throws -> [UInt8] {
        let id = try FlowStart.entryID(idText)
        let reader = try await context.graph.reader()
        let log = context.log
        return try await blocking.run {
            guard let signed = try log.entry(id: id) else { throw APIError.notFound("no entry \(id) is held here") }
            return try JSONWriter.bytes { try Self.entry(signed, reader: reader, to: &$0) }
        }
    }

    /// An entry this node just published.
    func entry(_ signed: SignedEntry) async throws -> [UInt8] {
        let reader = try await context.graph.reader()
        return try await blocking.run { try JSONWriter.bytes { try Self.entry(signed, reader: reader, to: &$0) } }
    }

    /// Resources in the order this node numbered them (``GraphReader/resources(after:limit:)``), or those whose name contains `q`.
    func resources(_ query: QueryParameters) async throws -> [UInt8] {
        try await page(query, after: ListingCursor.resource, rows: { try $0.resources(after: $1, limit: $2) },
                       search: { try $0.resources(named: $1, after: $2, limit: $3) }, cursor: { $0.id }, write: GraphJSON.resource)
    }

    /// `{"events": [a page of its applied events, in causal order], "next": order or null,
    /// "resource": …}`: `after` is the `order` of the last event of the page before.
    func resource(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let id = try FlowStart.resourceID(idText)
        return try await item(query, key: "resource", read: { reader in
            guard let resource = try reader.resource(id) else { throw APIError.notFound("no resource \(id) in the graph") }
            return resource
        }, events: { reader, _, after, limit in try reader.events(touching: id, after: after, limit: limit) }, write: GraphJSON.resource)
    }

    func processes(_ query: QueryParameters) async throws -> [UInt8] {
        try await page(query, after: ListingCursor.entry, rows: { try $0.processFlows(after: $1, limit: $2) }, cursor: { $0.process.id },
                       write: GraphJSON.process)
    }

    /// `{"events": [a page of its applied inputs and outputs, together in causal order],
    /// "next": order or null, "process": …}`: paged as a resource's events are.
    func process(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let id = try FlowStart.entryID(idText)
        return try await item(query, key: "process", read: { reader in
            guard let flows = try reader.processFlows(id) else { throw APIError.notFound("no process \(id) in the graph") }
            return flows
        }, events: { reader, _, after, limit in try reader.events(of: id, after: after, limit: limit) }, write: GraphJSON.process)
    }

    /// `{"events": [a page of the applied events that count for it, in causal order], "next":
    /// order or null, "progress": …}` for an intent, commitment or claim: paged as a resource's
    /// events are. The progress lists the first of them; this pages through them all.
    func progress(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let id = try FlowStart.entryID(idText)
        return try await item(query, key: "progress", read: { reader in
            guard let planned = try reader.planned(id), planned.payload.kind.isFlow else {
                throw APIError.notFound("no intent, commitment or claim \(id) in the graph")
            }
            return try reader.progress(of: planned)
        }, events: { try $0.countingEvents(of: $1.planned, after: $2, limit: $3) }, write: GraphJSON.progress)
    }

    /// A page of the commitments that promise an intent (`{"items": [progress], "next"}`), in id order.
    func promisingCommitments(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let id = try FlowStart.entryID(idText)
        let reader = try await context.graph.reader()
        guard let intent = try await blocking.run({ try reader.planned(id) }), intent.payload.kind == .intent else {
            throw APIError.notFound("no intent \(id) in the graph")
        }
        return try await page(query, after: ListingCursor.entry, rows: { try $0.promisingCommitments(of: intent, after: $1, limit: $2) },
                              cursor: { $0.planned.id }, write: GraphJSON.progress)
    }

    /// A page of the intents, commitments and claims planned as a process's inputs, or
    /// `outputs` (`{"items": [progress], "next"}`), in id order.
    func plannedFlows(_ idText: String, outputs: Bool, query: QueryParameters) async throws -> [UInt8] {
        let id = try FlowStart.entryID(idText)
        let reader = try await context.graph.reader()
        guard try await blocking.run({ try reader.process(id) }) != nil else { throw APIError.notFound("no process \(id) in the graph") }
        return try await page(query, after: ListingCursor.entry, rows: { try $0.plannedFlows(of: id, outputs: outputs, after: $1, limit: $2) },
                              cursor: { $0.planned.id }, write: GraphJSON.progress)
    }

    /// A page of a plan's members (`{"items": [progress], "next"}`), in id order.
    func planMembers(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let plan = try await existingPlan(idText)
        return try await page(query, after: ListingCursor.entry, rows: { try $0.members(ofPlan: plan, after: $1, limit: $2) },
                              cursor: { $0.planned.id }, write: GraphJSON.progress)
    }

    /// A page of a plan's processes (`{"items": [process], "next"}`), in id order, each with its
    /// first planned inputs and outputs.
    func planProcesses(_ idText: String, query: QueryParameters) async throws -> [UInt8] {
        let plan = try await existingPlan(idText)
        return try await page(query, after: ListingCursor.entry, maximum: EmbeddedList.nestedPage,
                              rows: { try $0.processes(ofPlan: plan, after: $1, limit: $2) }, cursor: { $0.process.id },
                              write: GraphJSON.plannedProcess)
    }

    /// The id of a plan the graph holds: `400` if `idText` is not an entry id, `404` if it names no plan.
    private func existingPlan(_ idText: String) async throws -> EntryID {
        let id = try FlowStart.entryID(idText)
        let reader = try await context.graph.reader()
        let planned = try await blocking.run { try reader.planned(id) }
        guard planned?.payload.kind == .plan else { throw APIError.notFound("no plan \(id) in the graph") }
        return id
    }

    /// `{"events": [a page of the item's events], "next": order or null, key: item}`, the item
    /// as `read` gives it (or the error it throws), `events` its page after `after`.
    private func item<Item>(_ query: QueryParameters, key: StaticString, read: @escaping @Sendable (GraphReader) throws -> Item,
                            events page: @escaping @Sendable (GraphReader, Item, EventOrder?, Int) throws -> [GraphEvent],
                            write: @escaping @Sendable (Item, inout JSONWriter) -> Void) async throws -> [UInt8] {
        let request = try query.listingPage(ListingCursor.order)
        let reader = try await context.graph.reader()
        return try await blocking.run {
            // The item and its page from one state of the tables: an update committing in
            // between would otherwise show a page that disagrees with the item beside it.
            let (item, rows) = try reader.consistently { reader in
                let item = try read(reader)
                return (item, try page(reader, item, request.after, request.limit + 1))
            }
            let more = rows.count > request.limit
            let events = more ? Array(rows.dropLast()) : rows
            return JSONWriter.bytes { w in
                w.beginObject()
                w.key("events"); w.array(events, GraphJSON.event)
                w.key("next"); w.string(more ? events.last?.order?.description : nil)
                w.key(key); write(item, &w)
                w.endObject()
            }
        }
    }

    /// Agents in the order of their text ids, or those whose profile name contains `q`.
    func agents(_ query: QueryParameters) async throws -> [UInt8] {
        try await page(query, after: ListingCursor.agent, rows: { try $0.agents(after: $1, limit: $2) },
                       search: { try $0.agents(named: $1, after: $2, limit: $3) }, cursor: { $0.id }, write: GraphJSON.agent)
    }

    func specifications(_ query: QueryParameters) async throws -> [UInt8] {
        try await page(query, after: ListingCursor.entry, rows: { try $0.specifications(after: $1, limit: $2) }, cursor: { $0.id },
                       write: GraphJSON.specification)
    }

    /// A page of a planning listing, in id order (`after`: the entry id of the last item of the
    /// page before): offers and needs are the open intents with only a provider, or only a
    /// receiver; `?open=true` leaves out finished commitments and claims.
    func planning(_ kind: PlanningListingKind, _ query: QueryParameters) async throws -> [UInt8] {
        let open = try query.flag("open")
        switch kind {
        case .offers, .needs, .commitments, .claims:
            let (planned, filter): (PlannedKind, PlanningFilter) = switch kind {
            case .offers: (.intent, .offers)
            case .needs: (.intent, .needs)
            case .claims: (.claim, open ? .open : .all)
            default: (.commitment, open ? .open : .all)
            }
            // Filtered, so read a bounded number of rows per request, as a search does.
            let request = try query.listingPage(ListingCursor.entry)
            let reader = try await context.graph.reader()
            return try await blocking.run {
                ListingJSON.page(try reader.progress(planned, filter, after: request.after, limit: request.limit), GraphJSON.progress)
            }
        case .agreements:
            return try await page(query, after: ListingCursor.entry, rows: { try $0.agreements(after: $1, limit: $2) },
                                  cursor: { $0.agreement.id }, write: GraphJSON.agreement)
        case .plans:
            return try await page(query, after: ListingCursor.entry, maximum: EmbeddedList.nestedPage,
                                  rows: { try $0.plans(after: $1, limit: $2) }, cursor: { $0.plan.id }, write: GraphJSON.plan)
        }
    }

    /// The page of a listing `query` asks for: read by `rows`, or with `q` by `search` when the
    /// listing can be searched, on the API's threads, from the tables as they stand once up to date.
    private func page<Row, Cursor: Sendable & CustomStringConvertible>(
        _ query: QueryParameters, after parse: (String) throws(APIError) -> Cursor, maximum: Int = QueryParameters.maximumListingLimit,
        rows: @escaping @Sendable (GraphReader, Cursor?, Int) throws -> [Row],
        search: (@Sendable (GraphReader, String, Cursor?, Int) throws -> SearchPage<Row, Cursor>)? = nil,
        cursor: @escaping @Sendable (Row) -> Cursor, write: @escaping @Sendable (Row, inout JSONWriter) -> Void
    ) async throws -> [UInt8] {
        let request = try query.listingPage(parse, searchable: search != nil, maximum: maximum)
        let reader = try await context.graph.reader()
        return try await blocking.run {
            do {
                if let search, let text = request.search {
                    return ListingJSON.page(try search(reader, text, request.after, request.limit), write)
                }
                return try ListingJSON.page(request, rows: { try rows(reader, $0, $1) }, cursor: cursor, write)
            } catch let error as GraphReader.UnknownCursor {
                throw APIError.badRequest("\(error)")
            }
        }
    }

    /// A trace or track of at most `limit` steps (``QueryParameters/flowLimit()``), reading at
    /// most ``GraphReader/flowReads(forSteps:)`` events: one that has more steps, or would read
    /// more, is refused with `422` once the walk reaches the step or the read over, so a request
    /// costs at most what its limit allows, however much of the graph the item reaches.
    func flow(_ idText: String, backwards: Bool, query: QueryParameters) async throws -> [UInt8] {
        let limit = try query.flowLimit()
        let reader = try await context.graph.reader()
        let name = backwards ? "trace" : "track"
        return try await blocking.run {
            let start = try FlowStart.parse(idText, in: reader)
            let more = limit < QueryParameters.maximumFlowLimit
                ? "ask with a larger limit (at most \(QueryParameters.maximumFlowLimit)), or use vf \(name)"
                : "use vf \(name)"
            switch try reader.flow(from: start, backwards: backwards, atMost: limit) {
            case let .steps(steps):
                return JSONWriter.bytes { $0.array(steps, GraphJSON.step) }
            case .moreSteps:
                throw APIError.unprocessable("the \(name) has more than \(limit) steps: \(more)")
            case let .moreReads(reads):
                throw APIError.unprocessable("the \(name) reads more than \(reads) events, the most a limit of \(limit) steps may read "
                                             + "(an item on the way is named by many events): \(more)")
            }
        }
    }

    /// A provenance proof of a resource or an event, the file `vf prove` writes.
    func proof(_ idText: String) async throws -> [UInt8] {
        let reader = try await context.graph.reader()
        let log = context.log
        return try await blocking.run {
            let start = try FlowStart.parse(idText, in: reader)
            do {
                return try ProofBuilder(reader: reader, log: log).proveEncoded(start, at: Int64(Date().timeIntervalSince1970 * 1000)).encoded
            } catch let error as ProofError {
                throw APIError(422, error.description)
            }
        }
    }

    /// Peers in the order of their key bytes, a page at a time.
    func peers(_ query: QueryParameters) async throws -> [UInt8] {
        let request = try query.listingPage(ListingCursor.feed, searchable: false)
        // The node's own view, not the table's flag, which lags by a write.
        let connected = Set(await context.node.connectedPeers())
        let peers = context.peers
        return try await blocking.run {
            try ListingJSON.page(request, rows: { try peers.peers(after: $0, limit: $1) }, cursor: \.feed) { peer, w in
                w.beginObject()
                w.key("address"); w.string(peer.address?.description)
                w.key("connected"); w.bool(connected.contains(peer.feed))
                w.key("id"); w.id(peer.feed)
                w.key("lastError"); w.string(peer.lastError)
                w.key("lastSync")
                if let lastSync = peer.lastSync { w.integer(lastSync) } else { w.null() }
                w.endObject()
            }
        }
    }

    func sync() async -> [String: Any] {
        await SyncStatus.current(of: context.node).json
    }

    /// An entry as the API shows it: its signature checked again now, its status read by index.
    static func entry(_ signed: SignedEntry, reader: GraphReader, to w: inout JSONWriter) throws {
        // Only an entry held without its payload can have been forgotten.
        let forgotten = try signed.payload == nil && reader.isPayloadForgotten(signed.entry.id)
        let verdict = EntryJSON.Verdict(signatureVerified: signed.entry.hasValidSignature(), status: try reader.status(of: signed.entry.id, at: signed.entry.place),
                                        createdResource: EntryJSON.createdResource(signed), forgotten: forgotten)
        EntryJSON.entry(signed, verdict: verdict, to: &w)
    }

    /// `{"author", "forked", "name", "self", "sequence"}`: a feed held, with its profile name.
    private static func feed(_ head: FeedHead, name: String?, me: FeedID, to w: inout JSONWriter) {
        w.beginObject()
        w.key("author"); w.id(head.author)
        w.key("forked"); w.bool(head.forked)
        w.key("name"); w.string(name)
        w.key("self"); w.bool(head.author == me)
        w.key("sequence"); w.integer(head.sequence)
        w.endObject()
    }
}
