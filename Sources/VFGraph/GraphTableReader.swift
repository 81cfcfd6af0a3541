import GRDB
import VFLog

/// Reads the tables of ``GraphSchema`` back: the cursors, the row states the writer compares
/// (``GraphRows``), or a whole ``EconomicGraph`` equal to the one that was written.
///
/// Loading a graph takes each row's author, sequence and payload from the log and decodes the
/// payload as the derivation did, but does no derivation: statuses, orders, containers and
/// quantities are read as they were decided, and the breadcrumbs replayed from the orders
/// by the fold's own rule. Anything malformed is a ``GraphStoreError`` that says to rebuild; a
/// payload the log no longer holds is ``PayloadNotHeld``, and the caller derives instead.
enum GraphTableReader {
    static func cursors(_ db: Database) throws -> [FeedID: UInt64] {
        let s = try RawStatement(db, "SELECT feed, sequence FROM cursor")
        var result = [FeedID: UInt64]()
        while try s.next() {
            guard let key = try s.hash(0, table: "cursor"), let sequence = s.int64(1), sequence >= 0 else {
                throw GraphStoreError("cursor: malformed row; run vf graph rebuild")
            }
            result[FeedID(key: key)] = UInt64(sequence)
        }
        return result
    }

    /// The row states of every table, without reading any payload.
    static func rows(_ db: Database) throws -> GraphRows {
        var rows = GraphRows()
        rows.cursors = try cursors(db)
        for r in try resources(db) { rows.resources[r.id] = r }
        rows.events.reserveCapacity(try RawStatement(db, "SELECT count(*) FROM event").count())
        let events = try RawStatement(db, "SELECT id, status, reason, ord, container, correctedBy FROM event")
        while try events.next() {
            let (id, row) = try eventRow(events)
            rows.events[id] = row
        }
        rows.processes = try ids(db, table: "process")
        rows.specifications = try ids(db, table: "resourceSpecification")
        let agents = try RawStatement(db, "SELECT id, answeredBy, describedBy FROM agent")
        while try agents.next() {
            let (id, row) = try agentRow(agents)
            rows.agents[id] = row
        }
        rows.rejected = try rejected(db)
        return rows
    }

    /// The whole graph the tables hold; `records` gives the log's record of a graph entry: its
    /// author, sequence and payload, which the tables do not repeat.
    static func graph(_ db: Database, records: (EntryID) -> EntryRecord?) throws -> EconomicGraph {
        /// The record of `id` and its payload, decoded.
        func decode(_ id: EntryID, table: String) throws -> (EntryRecord, VFObject) {
            guard let record = records(id), let payload = record.payload else { throw PayloadNotHeld(entry: id) }
            do { return (record, try VFObject.decode(payload, author: record.author)) } catch {
                throw GraphStoreError("\(table) \(id): payload does not decode (\(error)); run vf graph rebuild")
            }
        }
        var graph = EconomicGraph()
        for r in try resources(db) { graph.resources[r.id] = r }

        graph.events.reserveCapacity(try RawStatement(db, "SELECT count(*) FROM event").count())
        let events = try RawStatement(db, "SELECT id, status, reason, ord, container, correctedBy FROM event")
        while try events.next() {
            let (id, row) = try eventRow(events)
            let (record, object) = try decode(id, table: "event")
            guard case let .event(payload) = object else {
                throw GraphStoreError("event \(id): its payload is not an EconomicEvent; run vf graph rebuild")
            }
            // Only entries whose signature the log verified become events (Derivation.catalogue).
            var event = GraphEvent(provenance: EntryProvenance(author: record.author, sequence: record.sequence, entryID: id,
                                                               signatureVerified: true),
                                   payload: payload, status: row.status,
                                   fromResource: payload.fromResource(createdBy: id), toResource: payload.toResource(createdBy: id))
            event.order = row.order
            event.container = row.container
            event.correctedBy = row.correctedBy
            graph.events[id] = event
        }
        // The causal order is the applied events by order; orders are distinct.
        var applied = [(order: EventOrder, id: EntryID)]()
        for (id, e) in graph.events where e.status == .applied {
            guard let order = e.order else { throw GraphStoreError("event \(id): applied without an order; run vf graph rebuild") }
            applied.append((order, id))
        }
        applied.sort { $0.order < $1.order }
        for (earlier, later) in zip(applied, applied.dropFirst()) where earlier.order == later.order {
            throw GraphStoreError("event \(later.id): its order is also that of \(earlier.id); run vf graph rebuild")
        }
        graph.appliedOrder = applied.map(\.id)
        // Each breadcrumb is the last applied event before it, in causal order, that is not a
        // correction and names the same resource: the fold's rule, replayed over the orders.
        for id in graph.appliedOrder {
            let e = graph.events[id]!
            if e.payload.corrects == nil, let from = e.fromResource {
                graph.events[id]!.previousEvent = graph.lastEventByResource.updateValue(id, forKey: from)
            }
        }

        for table in ["process", "resourceSpecification"] {
            let s = try RawStatement(db, "SELECT id FROM \(table)")
            while try s.next() {
                guard let id = try s.hash(0, table: table).map(EntryID.init) else {
                    throw GraphStoreError("\(table): row without id; run vf graph rebuild")
                }
                let (record, object) = try decode(id, table: table)
                switch object {
                case let .process(payload) where table == "process":
                    graph.processes[id] = GraphProcess(id: id, author: record.author, payload: payload)
                case let .resourceSpecification(payload) where table == "resourceSpecification":
                    graph.specifications[id] = GraphResourceSpecification(id: id, author: record.author, payload: payload)
                default:
                    throw GraphStoreError("\(table) \(id): its payload is of another type; run vf graph rebuild")
                }
            }
        }

        let agents = try RawStatement(db, "SELECT id, answeredBy, describedBy FROM agent")
        while try agents.next() {
            let (id, row) = try agentRow(agents)
            var agent = GraphAgent(id: id, answeredBy: row.answeredBy, describedBy: row.describedBy)
            if let describedBy = row.describedBy {
                guard case let .agent(profile) = try decode(describedBy, table: "agent").1 else {
                    throw GraphStoreError("agent \(id): its payload is not a Person or Organization; run vf graph rebuild")
                }
                agent.profile = profile
            }
            graph.agents[id] = agent
        }
        graph.rejected = try rejected(db)
        return graph
    }

    /// Every resource, in no particular order; or those matching `clause` (a WHERE condition
    /// with any ORDER BY and LIMIT, its parameters bound by `bind`), in the order it gives.
    static func resources(_ db: Database, where clause: String? = nil, bind: (RawStatement) -> Void = { _ in }) throws -> [EconomicResource] {
        let s = try RawStatement(db, """
            SELECT id, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                   primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy FROM resource
            """ + (clause.map { " WHERE " + $0 } ?? ""))
        bind(s)
        var result = [EconomicResource]()
        while try s.next() {
            guard let id = try s.hash(0, table: "resource"), let createdBy = try s.hash(14, table: "resource") else {
                throw GraphStoreError("resource: row without id or createdBy; run vf graph rebuild")
            }
            func decimal(_ column: Int32) throws -> ExactDecimal {
                let text = s.text(column) ?? ""
                do { return try ExactDecimal(parsing: text) } catch { throw GraphStoreError("resource \(ResourceID(hash: id)): \(error); run vf graph rebuild") }
            }
            var r = EconomicResource(id: ResourceID(hash: id), createdBy: EntryID(hash: createdBy))
            r.name = s.text(1)
            r.trackingIdentifier = s.text(2)
            r.note = s.text(3)
            r.conformsTo = try s.hash(4, table: "resource").map(EntryID.init)
            r.unit = s.text(5)
            r.accountingQuantity = try decimal(6)
            r.onhandQuantity = try decimal(7)
            r.primaryAccountable = try s.text(8).map(agentID)
            r.holder = try s.text(9).map(agentID)
            r.currentLocation = s.text(10)
            r.containedIn = try s.hash(11, table: "resource").map(ResourceID.init)
            r.stage = s.text(12)
            r.state = s.text(13)
            result.append(r)
        }
        return result
    }

    /// The ids of `process` or `resourceSpecification`.
    private static func ids(_ db: Database, table: String) throws -> Set<EntryID> {
        var result = Set<EntryID>()
        result.reserveCapacity(try RawStatement(db, "SELECT count(*) FROM \(table)").count())
        let s = try RawStatement(db, "SELECT id FROM \(table)")
        while try s.next() {
            guard let id = try s.hash(0, table: table) else { throw GraphStoreError("\(table): row without id; run vf graph rebuild") }
            result.insert(EntryID(hash: id))
        }
        return result
    }

    static func rejected(_ db: Database) throws -> [EntryID: EventStatus] {
        let s = try RawStatement(db, "SELECT id, status, reason FROM rejected")
        var result = [EntryID: EventStatus]()
        while try s.next() {
            guard let id = try s.hash(0, table: "rejected"), let code = s.int64(1),
                  let status = EventStatus(code: code, reason: s.text(2)) else {
                throw GraphStoreError("rejected: malformed row; run vf graph rebuild")
            }
            result[EntryID(hash: id)] = status
        }
        return result
    }

    // MARK: private

    /// The agent rows matching `clause` (a WHERE condition with any ORDER BY and LIMIT), in the order it gives.
    static func agentRows(_ db: Database, where clause: String, bind: (RawStatement) -> Void) throws -> [(AgentID, AgentRow)] {
        let s = try RawStatement(db, "SELECT id, answeredBy, describedBy FROM agent WHERE " + clause)
        bind(s)
        var rows: [(AgentID, AgentRow)] = []
        while try s.next() { rows.append(try agentRow(s)) }
        return rows
    }

    /// Columns 0…5 of an event row: id, status, reason, position, container, correctedBy.
    static func eventRow(_ s: RawStatement) throws -> (EntryID, EventRow) {
        guard let hash = try s.hash(0, table: "event") else { throw GraphStoreError("event: row without id; run vf graph rebuild") }
        let id = EntryID(hash: hash)
        guard let code = s.int64(1), let status = EventStatus(code: code, reason: s.text(2)) else {
            throw GraphStoreError("event \(id): unknown status; run vf graph rebuild")
        }
        let corrections = s.bytes(5) ?? []
        guard corrections.count % 32 == 0 else { throw GraphStoreError("event \(id): malformed correctedBy; run vf graph rebuild") }
        let correctedBy = stride(from: 0, to: corrections.count, by: 32).map { EntryID(bytes: Array(corrections[$0 ..< $0 + 32]))! }
        var order: EventOrder?
        if let bytes = s.bytes(3) {
            guard let parsed = EventOrder(bytes: bytes) else { throw GraphStoreError("event \(id): malformed order; run vf graph rebuild") }
            order = parsed
        }
        return (id, EventRow(status: status, order: order,
                             container: try s.hash(4, table: "event").map(ResourceID.init), correctedBy: correctedBy))
    }

    /// Columns 0…2 of an agent row: id, answeredBy, describedBy.
    private static func agentRow(_ s: RawStatement) throws -> (AgentID, AgentRow) {
        guard let text = s.text(0), let answeredBy = try s.hash(1, table: "agent") else {
            throw GraphStoreError("agent: row without id or answeredBy; run vf graph rebuild")
        }
        return (try agentID(text), AgentRow(answeredBy: FeedID(key: answeredBy), describedBy: try s.hash(2, table: "agent").map(EntryID.init)))
    }

    private static func agentID(_ text: String) throws -> AgentID {
        if let feed = try? FeedID(parsing: text) { return .feed(feed) }
        if let entry = try? EntryID(parsing: text) { return .described(entry) }
        throw GraphStoreError("not an agent id: \(text); run vf graph rebuild")
    }

}

/// A row names an entry whose payload the log no longer holds (``LogStore/dropPayload(of:)``):
/// the tables describe a graph the log can no longer give, so the caller derives instead.
struct PayloadNotHeld: Error {
    let entry: EntryID
}
