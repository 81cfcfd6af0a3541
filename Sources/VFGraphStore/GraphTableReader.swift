import VFGraph
import GRDB
import VFLog

/// Reads the tables of ``GraphSchema`` back: the cursors, single rows by key, or a whole
/// ``EconomicGraph``.
///
/// Loading a graph takes each row's author, sequence and payload from the log and decodes the
/// payload as the derivation did, but does no derivation: statuses, orders, containers and
/// quantities are read as they were decided; corrections and breadcrumbs are replayed from
/// the orders by the fold's own rules. Anything malformed is a ``GraphStoreError`` that says
/// to rebuild; a payload the log no longer holds is ``PayloadNotHeld``.
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

    /// The columns of an event row, in the order ``eventRow(_:)`` reads them after the id.
    /// The resource and process columns, numbers in the table (v16), are read as the ids they number.
    static let eventColumns = "id, status, reason, root, waitsFor, ord, "
        + ["container", "fromResource", "toResource", "inputOf", "outputOf"].map { GraphSchema.itemID("event." + $0) }.joined(separator: ", ")
        + ", corrects, " + GraphSchema.itemID("event.creates") + ", corrected"

    /// The whole graph the tables hold; `records` gives the log's record of a graph entry: its
    /// payload, which the tables do not repeat, with its author and sequence.
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

        let events = try RawStatement(db, "SELECT \(eventColumns) FROM event")
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
            event.correctedQuantity = row.corrected
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
        // correction and names the same resource; an event's corrections are its applied
        // corrections in causal order: the fold's rules, replayed over the orders.
        for id in graph.appliedOrder {
            let e = graph.events[id]!
            if let original = e.payload.corrects {
                graph.events[original]?.correctedBy.append(id)
            } else if let from = e.fromResource {
                graph.events[id]!.previousEvent = graph.lastEventByResource.updateValue(id, forKey: from)
            }
        }

        let listed = [("process", "SELECT \(GraphSchema.itemID("process.n")) FROM process"),
                      ("resourceSpecification", "SELECT id FROM resourceSpecification")]
        for (table, sql) in listed {
            for id in try GraphReader.ids(db, sql, bind: { _ in }) {
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

        for id in try GraphReader.ids(db, "SELECT id FROM planned", bind: { _ in }) {
            guard case let (record, .planned(payload)) = try decode(id, table: "planned") else {
                throw GraphStoreError("planned \(id): its payload is not a planning type; run vf graph rebuild")
            }
            graph.planned[id] = GraphPlanned(id: id, author: record.author, payload: payload)
        }

        for (id, row) in try agentRows(db, where: "1", bind: { _ in }) {
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
    /// with any ORDER BY and LIMIT, its parameters bound by `bind`), in the order it gives. The
    /// clause names the resource's number `resource.n` (an id's, ``GraphSchema/itemNumber(_:)``:
    /// `itemKey.id` alone is indexed only with `settled`, v19).
    static func resources(_ db: Database, where clause: String? = nil, bind: (RawStatement) -> Void = { _ in }) throws -> [EconomicResource] {
        let s = try RawStatement(db, """
            SELECT itemKey.id, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                   primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy
            FROM resource JOIN itemKey ON itemKey.n = resource.n
            """ + (clause.map { " WHERE " + $0 } ?? ""))
        bind(s)
        var result = [EconomicResource]()
        while try s.next() {
            guard let id = try s.hash(0, table: "resource"), let createdBy = try s.hash(14, table: "resource") else {
                throw GraphStoreError("resource: row without id or createdBy; run vf graph rebuild")
            }
            var r = EconomicResource(id: ResourceID(hash: id), createdBy: EntryID(hash: createdBy))
            r.name = s.text(1)
            r.trackingIdentifier = s.text(2)
            r.note = s.text(3)
            r.conformsTo = try s.hash(4, table: "resource").map(EntryID.init)
            let image = try ResourceImage(s, from: 5, table: "resource \(r.id)")
            result.append(image.applied(to: r))
        }
        return result
    }

    /// The history rows matching `clause` (a WHERE condition with any ORDER BY and LIMIT, which
    /// compares `resource` with a number: ``GraphSchema/itemNumber(_:)``), in the order it gives.
    static func history(_ db: Database, where clause: String, bind: (RawStatement) -> Void) throws -> [HistoryRow] {
        let s = try RawStatement(db, """
            SELECT \(GraphSchema.itemID("history.resource")), ord, event, applied, unit, accountingQuantity, onhandQuantity,
                   primaryAccountable, holder, currentLocation, containedIn, stage, state FROM history WHERE
            """ + " " + clause)
        bind(s)
        var rows: [HistoryRow] = []
        // A resource's rows mostly name the same long texts: each is read once per call.
        var texts: [Hash32: String] = [:]
        func text(_ column: Int32) throws -> String? {
            guard s.isBlob(column) else { return s.text(column) }
            guard let hash = s.hash32(column) else { throw GraphStoreError("history: a text column holds a blob that is no hash; run vf graph rebuild") }
            if let known = texts[hash] { return known }
            let found = try historyText(db, hash)
            texts[hash] = found
            return found
        }
        while try s.next() {
            guard let resource = try s.hash(0, table: "history"), let bytes = s.bytes(1), let order = EventOrder(bytes: bytes),
                  let event = try s.hash(2, table: "history") else {
                throw GraphStoreError("history: malformed row; run vf graph rebuild")
            }
            let image = s.int64(3) == 1 ? try ResourceImage(s, from: 4, table: "history", text: text) : nil
            rows.append(HistoryRow(resource: ResourceID(hash: resource), order: order, event: EntryID(hash: event), image: image))
        }
        return rows
    }

    /// The text `historyText` keeps for `hash`, which a history row holds in a text's place (migration v13).
    private static func historyText(_ db: Database, _ hash: Hash32) throws -> String {
        let lookup = try RawStatement(db, "SELECT text FROM historyText WHERE hash = ?")
        lookup.bind(1, hash)
        guard try lookup.next(), let text = lookup.text(0) else { throw GraphStoreError("history: text \(hash) is not kept; run vf graph rebuild") }
        return text
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

    /// The agent rows matching `clause` (a WHERE condition with any ORDER BY and LIMIT), in the order it gives.
    static func agentRows(_ db: Database, where clause: String, bind: (RawStatement) -> Void) throws -> [(AgentID, AgentRow)] {
        let s = try RawStatement(db, "SELECT id, answeredBy, describedBy, uses FROM agent WHERE " + clause)
        bind(s)
        var rows: [(AgentID, AgentRow)] = []
        while try s.next() {
            guard let text = s.text(0), let answeredBy = try s.hash(1, table: "agent"), let uses = s.int64(3), uses >= 0 else {
                throw GraphStoreError("agent: malformed row; run vf graph rebuild")
            }
            rows.append((try agentID(text), AgentRow(answeredBy: FeedID(key: answeredBy), describedBy: try s.hash(2, table: "agent").map(EntryID.init),
                                                     uses: Int(uses))))
        }
        return rows
    }

    /// An event row read with ``eventColumns``.
    static func eventRow(_ s: RawStatement) throws -> (EntryID, EventRow) {
        guard let hash = try s.hash(0, table: "event") else { throw GraphStoreError("event: row without id; run vf graph rebuild") }
        let id = EntryID(hash: hash)
        guard let code = s.int64(1), let status = EventStatus(code: code, reason: s.text(2)) else {
            throw GraphStoreError("event \(id): unknown status; run vf graph rebuild")
        }
        var order: EventOrder?
        if let bytes = s.bytes(5) {
            guard let parsed = EventOrder(bytes: bytes) else { throw GraphStoreError("event \(id): malformed order; run vf graph rebuild") }
            order = parsed
        }
        let lookups = EventLookups(fromResource: try s.hash(7, table: "event").map(ResourceID.init), toResource: try s.hash(8, table: "event").map(ResourceID.init),
                                   inputOf: try s.hash(9, table: "event").map(EntryID.init), outputOf: try s.hash(10, table: "event").map(EntryID.init),
                                   corrects: try s.hash(11, table: "event").map(EntryID.init), creates: try s.hash(12, table: "event").map(ResourceID.init))
        var corrected: ExactDecimal?
        if let text = s.text(13) {
            do { corrected = try ExactDecimal(parsing: text) } catch { throw GraphStoreError("event \(id): corrected: \(error); run vf graph rebuild") }
        }
        return (id, EventRow(status: status, root: s.text(3), waitsFor: try s.hash(4, table: "event"), order: order,
                             container: try s.hash(6, table: "event").map(ResourceID.init), lookups: lookups, corrected: corrected))
    }

    /// The number `itemKey` gives the resource or process `id` (v16); nil when it has none.
    static func itemNumber(_ db: Database, _ id: Hash32) throws -> Int64? {
        let s = try RawStatement(db, "SELECT \(GraphSchema.itemNumber("?1"))")
        s.bind(1, id)
        defer { s.reset() }
        return try s.next() ? s.int64(0) : nil
    }

    static func agentID(_ text: String) throws -> AgentID {
        // Most are feeds, read from their bytes; anything else takes the parsing initialisers.
        if let feed = text.utf8.withContiguousStorageIfAvailable(IdentifierBytes.feedID) ?? nil { return .feed(feed) }
        if let feed = try? FeedID(parsing: text) { return .feed(feed) }
        if let entry = try? EntryID(parsing: text) { return .described(entry) }
        throw GraphStoreError("not an agent id: \(text); run vf graph rebuild")
    }
}

extension ResourceImage {
    /// The nine image columns starting at `first`: unit, accountingQuantity, onhandQuantity,
    /// primaryAccountable, holder, currentLocation, containedIn, stage, state.
    /// `text`, when given, reads the unit, location, stage and state columns (a history row
    /// may hold a long one by its hash); else they are read as they are.
    init(_ s: RawStatement, from first: Int32, table: @autoclosure () -> String, text: ((Int32) throws -> String?)? = nil) throws {
        func decimal(_ column: Int32) throws -> ExactDecimal {
            do { return try ExactDecimal(parsing: s.text(column) ?? "") } catch { throw GraphStoreError("\(table()): \(error); run vf graph rebuild") }
        }
        func free(_ column: Int32) throws -> String? { try text.map { try $0(column) } ?? s.text(column) }
        self.init(unit: try free(first), accountingQuantity: try decimal(first + 1), onhandQuantity: try decimal(first + 2),
                  primaryAccountable: try s.text(first + 3).map(GraphTableReader.agentID), holder: try s.text(first + 4).map(GraphTableReader.agentID),
                  currentLocation: try free(first + 5), containedIn: try s.hash(first + 6, table: table()).map(ResourceID.init),
                  stage: try free(first + 7), state: try free(first + 8))
    }
}

/// A row names an entry whose payload the log no longer holds (``LogStore/dropPayload(of:)``):
/// the tables describe a graph the log can no longer give.
struct PayloadNotHeld: Error {
    let entry: EntryID
}
