import VFGraph
import GRDB
import VFLog

/// Answers questions about the economic graph from the tables of `graph.sqlite`, each by
/// indexed queries: the cost of an answer grows with what it returns, not with the graph.
///
/// The tables hold what the derivation decided (statuses, positions, quantities); what an
/// entry says (its author, sequence and payload) comes from the log by id. A reader sees the
/// tables as they were last written: callers bring them up to date first
/// (``GraphStore/update(from:)``). Safe to use from any thread: each call reads in its own
/// transaction of the store's connection pool, unless it is asked within
/// ``consistently(_:)``.
public struct GraphReader: Sendable {
    let tables: TableAccess
    let log: LogStore

    init(pool: DatabasePool, log: LogStore) {
        self.init(tables: .pool(pool), log: log)
    }

    private init(tables: TableAccess, log: LogStore) {
        self.tables = tables
        self.log = log
    }

    /// Runs `body` with a reader whose every answer comes from one read transaction, so an
    /// item and a page of its events, read one after the other, describe the same state of the
    /// tables however many updates commit in between. The reader given to `body` is valid only
    /// while `body` runs, on its thread; it must not be kept or passed to another thread (a
    /// question asked of it there stops the process with a message).
    /// Within `body`, `consistently` again uses the same transaction.
    public func consistently<T>(_ body: (GraphReader) throws -> T) throws -> T {
        switch tables {
        case .transaction: try body(self)
        case let .pool(pool):
            try pool.read { db in
                let scope = TransactionScope()
                defer { scope.close() }
                return try body(GraphReader(tables: .transaction(db, scope), log: log))
            }
        }
    }

    /// The most rows one page of a listing holds.
    public static let maximumPage = 1000

    // MARK: resources

    public func resource(_ id: ResourceID) throws -> EconomicResource? {
        try tables.read { db in try GraphTableReader.resources(db, where: "resource.n = \(GraphSchema.itemNumber("?1"))", bind: { $0.bind(1, id) }).first }
    }

    /// Resources in the order this node numbered them (``GraphSchema`` v16: roughly as it first
    /// held an event naming them, or as a rebuild found those in the log), the first after
    /// `after` (from the start when nil), at most `limit`. So paging never repeats a resource
    /// nor skips one that existed when it started, and what arrives later mostly comes after
    /// the pages read before. An `after` with no number here (never named, or its number
    /// dropped by a rebuild since) is ``UnknownCursor``, not an empty page a client would take
    /// for the end.
    public func resources(after: ResourceID?, limit: Int) throws -> [EconomicResource] {
        try tables.read { db in
            let start = try Self.number(db, after: after?.hash, "resource")
            return try GraphTableReader.resources(db, where: "resource.n > ?1 ORDER BY resource.n LIMIT ?2") { s in
                s.bind(1, start)
                s.bind(2, Int64(max(0, limit)))
            }
        }
    }

    /// A listing in number order was asked to go on after a resource or process this node has no number for.
    public struct UnknownCursor: Error, CustomStringConvertible {
        public let description: String
    }

    /// The number a listing in number order starts after: 0 for none, else `after`'s number.
    private static func number(_ db: Database, after: Hash32?, _ kind: String) throws -> Int64 {
        guard let after else { return 0 }
        guard let n = try GraphTableReader.itemNumber(db, after) else {
            throw UnknownCursor(description: "after names no \(kind) this node has numbered (a rebuild may have dropped it); start from the first page")
        }
        return n
    }

    /// The applied events that name `resource` — as `resourceInventoriedAs`,
    /// `toResourceInventoriedAs` or the container of a `combine` — in causal order.
    /// At most `limit` of them after the event whose order is `after`: a page, for a resource
    /// with more events than one answer should hold. A page reads what it returns, however
    /// many events name the resource, applied or not.
    public func events(touching resource: ResourceID, after: EventOrder? = nil, limit: Int = .max) throws -> [GraphEvent] {
        let rows = try tables.read { db in
            try Self.eventPage(db, naming: resource.hash, in: ["fromResource", "toResource", "container"], after: after, limit: limit).rows
        }
        return try events(rows)
    }

    /// The applied inputs and outputs of `process`, together in causal order: at most `limit`
    /// after the event whose order is `after`. A page reads what it returns, as for a resource.
    public func events(of process: EntryID, after: EventOrder?, limit: Int) throws -> [GraphEvent] {
        let rows = try tables.read { db in
            try Self.eventPage(db, naming: process.hash, in: ["inputOf", "outputOf"], after: after, limit: limit).rows
        }
        return try events(rows)
    }

    /// The applied events whose value in any of `columns` is `id`, in causal order, the first
    /// `limit` after `after`, and the SQLite virtual machine steps reading them took (for
    /// tests of what a page costs). Each column's index, `(column, status, ord)`, is read in
    /// order for at most `limit` applied events, and the rows found (each once) sorted: so the
    /// work is that of the page, not of every event naming `id`, nor of those that did not apply.
    /// The columns hold numbers of resources or processes (v16), and `id` is one's. The arms
    /// give the rows' own numbers (v17), which each index holds, and the rows are then read by
    /// number: found by id, each would be looked up twice.
    static func eventPage(_ db: Database, naming id: Hash32, in columns: [String], after: EventOrder?,
                          limit: Int) throws -> (rows: [EventRowRead], steps: Int) {
        let value = GraphSchema.itemNumber("?1")
        let arms = columns.map {
            "SELECT n FROM (SELECT event.n FROM event WHERE \($0) = \(value) AND status = 0 AND ord > ?2 ORDER BY ord LIMIT ?3)"
        }
        return try EventRowRead.counting(db, where: "event.n IN (\(arms.joined(separator: " UNION ALL "))) ORDER BY ord LIMIT ?3") {
            $0.bind(1, id)
            $0.bind(2, blob: after?.bytes ?? [])
            $0.bind(3, Int64(clamping: max(0, limit)))
        }
    }

    // MARK: events

    /// Any event the graph holds, whatever its status; nil for an entry that is not one.
    public func event(_ id: EntryID) throws -> GraphEvent? {
        guard let place = try place(id) else { return nil }
        let rows = try tables.read { db in try EventRowRead.all(db, where: GraphSchema.eventAt(1)) { try $0.bindEvent(place, id, from: 1) } }
        return try events(rows).first
    }

    /// Where the log holds entry `id` in its feed: what its event row is found by (v18); nil
    /// when the log does not hold it.
    func place(_ id: EntryID) throws -> FeedPlace? {
        try log.places(ids: [id]).first ?? nil
    }

    /// The applied events that are inputs (`inputOf`) or outputs (`outputOf`) of `process`,
    /// in causal order; the first `limit` of them.
    public func events(of process: EntryID, outputs: Bool, limit: Int = .max) throws -> [GraphEvent] {
        let column = outputs ? "outputOf" : "inputOf"
        let rows = try tables.read { db in
            try EventRowRead.all(db, where: "\(column) = \(GraphSchema.itemNumber("?1")) AND status = 0 ORDER BY ord LIMIT ?2") {
                $0.bind(1, process)
                $0.bind(2, Int64(clamping: max(0, limit)))
            }
        }
        return try events(rows)
    }

    /// The applied events whose `resourceInventoriedAs` (`from`) or `toResourceInventoriedAs`
    /// is `resource`, corrections left out, in causal order: the candidates for a step of a
    /// flow; with `only`, those of one kind; at most `limit`.
    func flowEvents(naming resource: ResourceID, asFrom: Bool, only kind: FlowCandidates = .all, limit: Int = .max) throws -> [GraphEvent] {
        let column = asFrom ? "fromResource" : "toResource"
        let rows = try tables.read { db in
            try EventRowRead.all(db, where: "\(column) = \(GraphSchema.itemNumber("?1")) AND status = 0 AND corrects IS NULL\(kind.condition) ORDER BY ord LIMIT ?2") {
                $0.bind(1, resource)
                $0.bind(2, Int64(clamping: max(0, limit)))
            }
        }
        return try events(rows)
    }

    /// Which of a resource's events a step of a flow reads (``flowEvents(naming:asFrom:only:limit:)``).
    enum FlowCandidates {
        case all
        /// Outputs of a process, and events that are not inputs of one.
        case outputsAndNonInputs
        /// Events that are not outputs of a process.
        case nonOutputs

        var condition: String {
            switch self {
            case .all: ""
            case .outputsAndNonInputs: " AND (outputOf IS NOT NULL OR inputOf IS NULL)"
            case .nonOutputs: " AND outputOf IS NULL"
            }
        }
    }

    /// The breadcrumb of an applied event that is not a correction: the last applied event
    /// before it, in causal order, that is not a correction and names the same
    /// `resourceInventoriedAs` (docs/protocol.md §16). `later` gives the first one after it instead.
    func neighbour(of event: EntryID, resource: ResourceID, order: EventOrder, later: Bool) throws -> EntryID? {
        try tables.read { db in
            let s = try RawStatement(db, """
                SELECT id FROM event WHERE fromResource = \(GraphSchema.itemNumber("?1")) AND ord \(later ? ">" : "<") ?2 AND status = 0 AND corrects IS NULL
                ORDER BY ord \(later ? "ASC" : "DESC") LIMIT 1
                """)
            s.bind(1, resource)
            s.bind(2, blob: order.bytes)
            guard try s.next() else { return nil }
            defer { s.reset() }
            return try s.hash(0, table: "event").map(EntryID.init)
        }
    }

    /// The events of `rows`, with what their entries say read from the log.
    func events(_ rows: [EventRowRead]) throws -> [GraphEvent] {
        let records = try log.records(ids: rows.map(\.id))
        var result: [GraphEvent] = []
        result.reserveCapacity(rows.count)
        for (row, record) in zip(rows, records) {
            let payload = try Self.eventPayload(row.id, record)
            var event = GraphEvent(provenance: EntryProvenance(author: record!.author, sequence: record!.sequence, entryID: row.id,
                                                               signatureVerified: true),
                                   payload: payload, status: row.status,
                                   fromResource: payload.fromResource(createdBy: row.id), toResource: payload.toResource(createdBy: row.id))
            event.order = row.order
            event.container = row.container
            event.correctedBy = row.correctedBy
            event.correctedQuantity = row.row.corrected
            if row.status == .applied, payload.corrects == nil, let from = event.fromResource, let order = row.order {
                event.previousEvent = try neighbour(of: row.id, resource: from, order: order, later: false)
            }
            result.append(event)
        }
        return result
    }

    private static func eventPayload(_ id: EntryID, _ record: EntryRecord?) throws -> EconomicEventPayload {
        guard case let .event(payload) = try object(id, record, table: "event") else {
            throw GraphStoreError("event \(id): its payload is not an EconomicEvent; run vf graph rebuild")
        }
        return payload
    }

    /// The graph object an entry's payload holds, decoded as the derivation did.
    private static func object(_ id: EntryID, _ record: EntryRecord?, table: String) throws -> VFObject {
        guard let record, let payload = record.payload else {
            throw GraphStoreError("\(table) \(id): the log no longer holds its payload; run vf graph rebuild")
        }
        do { return try VFObject.decode(payload, author: record.author) } catch {
            throw GraphStoreError("\(table) \(id): payload does not decode (\(error)); run vf graph rebuild")
        }
    }

    // MARK: processes, specifications, agents

    public func process(_ id: EntryID) throws -> GraphProcess? {
        try processes(ids: try tables.read { db in
            try Self.ids(db, "SELECT id FROM itemKey WHERE n = \(GraphSchema.itemNumber("?1")) AND EXISTS (SELECT 1 FROM process WHERE n = itemKey.n)") { $0.bind(1, id) }
        }).first
    }

    /// Processes in the order this node numbered them (as for resources: ``resources(after:limit:)``),
    /// the first after `after`, at most `limit`; an `after` with no number is ``UnknownCursor``.
    public func processes(after: EntryID?, limit: Int) throws -> [GraphProcess] {
        try processes(ids: try tables.read { db in
            let start = try Self.number(db, after: after?.hash, "process")
            return try Self.ids(db, "SELECT \(GraphSchema.itemID("process.n")) FROM process WHERE n > ?1 ORDER BY n LIMIT ?2") {
                $0.bind(1, start)
                $0.bind(2, Int64(max(0, limit)))
            }
        })
    }

    private func processes(ids: [EntryID]) throws -> [GraphProcess] {
        try objects(ids, table: "process") { id, author, object in
            guard case let .process(payload) = object else { return nil }
            return GraphProcess(id: id, author: author, payload: payload)
        }
    }

    public func specification(_ id: EntryID) throws -> GraphResourceSpecification? {
        try specifications(ids: try tables.read { db in
            try Self.ids(db, "SELECT id FROM resourceSpecification WHERE id = ?1") { $0.bind(1, id) }
        }).first
    }

    /// Resource specifications in id order, the first after `after`, at most `limit`.
    public func specifications(after: EntryID?, limit: Int) throws -> [GraphResourceSpecification] {
        try specifications(ids: try tables.read { db in try Self.page(db, table: "resourceSpecification", after: after, limit: limit) })
    }

    private func specifications(ids: [EntryID]) throws -> [GraphResourceSpecification] {
        try objects(ids, table: "resourceSpecification") { id, author, object in
            guard case let .resourceSpecification(payload) = object else { return nil }
            return GraphResourceSpecification(id: id, author: author, payload: payload)
        }
    }

    /// The entries `ids` of a catalogue table, their payloads read from the log and made into
    /// `make`'s objects; a payload of another type means the tables are damaged.
    func objects<T>(_ ids: [EntryID], table: String, _ make: (EntryID, FeedID, VFObject) -> T?) throws -> [T] {
        try zip(ids, try log.records(ids: ids)).map { id, record in
            let object = try Self.object(id, record, table: table)
            guard let record, let made = make(id, record.author, object) else {
                throw GraphStoreError("\(table) \(id): its payload is of another type; run vf graph rebuild")
            }
            return made
        }
    }

    public func agent(_ id: AgentID) throws -> GraphAgent? {
        try agents(try tables.read { db in try GraphTableReader.agentRows(db, where: "id = ?1") { $0.bind(1, id.description) } }).first
    }

    /// Agents in the order of their text ids, the first after `after`, at most `limit`.
    public func agents(after: AgentID?, limit: Int) throws -> [GraphAgent] {
        try agents(try tables.read { db in
            try GraphTableReader.agentRows(db, where: "id > ?1 ORDER BY id LIMIT ?2") {
                $0.bind(1, after?.description ?? "")
                $0.bind(2, Int64(max(0, limit)))
            }
        })
    }

    private func agents(_ rows: [(AgentID, AgentRow)]) throws -> [GraphAgent] {
        let described = rows.compactMap(\.1.describedBy)
        var records = [EntryID: EntryRecord]()
        for record in try log.records(ids: described) { if let record { records[record.id] = record } }
        return try rows.map { id, row in
            var agent = GraphAgent(id: id, answeredBy: row.answeredBy, describedBy: row.describedBy)
            if let entry = row.describedBy {
                guard case let .agent(profile) = try Self.object(entry, records[entry], table: "agent") else {
                    throw GraphStoreError("agent \(id): its payload is not a Person or Organization; run vf graph rebuild")
                }
                agent.profile = profile
            }
            return agent
        }
    }

    // MARK: statuses and counts

    /// The status of any graph entry, as ``EconomicGraph/status(of:)`` gives it: an event's
    /// status, `.invalid`/`.unauthorized` for a rejected entry, `.applied` for a process,
    /// specification or agent; nil if the graph does not hold it.
    /// `place`: the entry's place in its feed when the caller holds the entry (else the log is
    /// asked for it: an event's row is found by place, v18).
    public func status(of entry: EntryID, at place: FeedPlace? = nil) throws -> EventStatus? {
        let place = try place ?? self.place(entry)
        return try tables.read { db in
            // An event's row is found by its place (v18); a rejected entry's by its id.
            let event = try RawStatement(db, place == nil ? "SELECT status, reason FROM rejected WHERE id = ?3"
                : "SELECT status, reason FROM event WHERE \(GraphSchema.eventAt(1)) UNION ALL SELECT status, reason FROM rejected WHERE id = ?3")
            if let place { try event.bindEvent(place, entry, from: 1) } else { event.bind(3, entry) }
            if try event.next() {
                defer { event.reset() }
                guard let code = event.int64(0), let status = EventStatus(code: code, reason: event.text(1)) else {
                    throw GraphStoreError("event \(entry): unknown status; run vf graph rebuild")
                }
                return status
            }
            let other = try RawStatement(db, """
                SELECT EXISTS (SELECT 1 FROM process WHERE n = \(GraphSchema.itemNumber("?1"))) OR EXISTS (SELECT 1 FROM resourceSpecification WHERE id = ?1)
                    OR EXISTS (SELECT 1 FROM planned WHERE id = ?1)
                    OR EXISTS (SELECT 1 FROM agent WHERE id = ?2 OR describedBy = ?1)
                """)
            other.bind(1, entry)
            other.bind(2, AgentID.described(entry).description)
            return try other.count() != 0 ? .applied : nil
        }
    }

    /// How many rows each table holds.
    public func counts() throws -> GraphCounts {
        try tables.read { db in
            func count(_ sql: String) throws -> Int { try RawStatement(db, sql).count() }
            return GraphCounts(events: try count("SELECT count(*) FROM event"),
                               applied: try count("SELECT count(*) FROM event WHERE status = 0"),
                               resources: try count("SELECT count(*) FROM resource"),
                               processes: try count("SELECT count(*) FROM process"),
                               specifications: try count("SELECT count(*) FROM resourceSpecification"),
                               agents: try count("SELECT count(*) FROM agent"),
                               rejected: try count("SELECT count(*) FROM rejected"))
        }
    }

    // MARK: private

    static func ids(_ db: Database, _ sql: String, bind: (RawStatement) -> Void) throws -> [EntryID] {
        let s = try RawStatement(db, sql)
        bind(s)
        var ids: [EntryID] = []
        while try s.next() {
            guard let id = try s.hash(0, table: "id") else { throw GraphStoreError("row without id; run vf graph rebuild") }
            ids.append(EntryID(hash: id))
        }
        return ids
    }

    /// Binds parameter 1 to the id a page starts after: the empty blob, before every id, for the first page.
    static func bindAfter(_ s: RawStatement, _ after: Hash32?) {
        if let after { s.bind(1, after) } else { s.bind(1, blob: []) }
    }

    private static func page(_ db: Database, table: String, after: EntryID?, limit: Int) throws -> [EntryID] {
        try ids(db, "SELECT id FROM \(table) WHERE id > ?1 ORDER BY id LIMIT ?2") {
            bindAfter($0, after?.hash)
            $0.bind(2, Int64(max(0, limit)))
        }
    }
}

/// How many rows each table of the graph store holds.
public struct GraphCounts: Equatable, Sendable {
    public let events: Int
    public let applied: Int
    public let resources: Int
    public let processes: Int
    public let specifications: Int
    public let agents: Int
    public let rejected: Int
}

/// One `event` row as a reader reads it, with the applied corrections of the event.
struct EventRowRead {
    let id: EntryID
    let row: EventRow
    var status: EventStatus { row.status }
    var order: EventOrder? { row.order }
    var container: ResourceID? { row.container }
    var correctedBy: [EntryID] = []

    /// The rows of `event` matching `clause` (a WHERE condition, with any ORDER BY), in the
    /// order it gives.
    static func all(_ db: Database, where clause: String, bind: (RawStatement) throws -> Void) throws -> [EventRowRead] {
        try counting(db, where: clause, bind: bind).rows
    }

    /// ``all(_:where:bind:)``, and the virtual machine steps the query of the rows took.
    static func counting(_ db: Database, where clause: String, bind: (RawStatement) throws -> Void) throws -> (rows: [EventRowRead], steps: Int) {
        let s = try RawStatement(db, "SELECT \(GraphTableReader.eventColumns) FROM event WHERE \(clause)")
        try bind(s)
        var rows: [EventRowRead] = []
        while try s.next() {
            let (id, row) = try GraphTableReader.eventRow(s)
            rows.append(EventRowRead(id: id, row: row))
        }
        let steps = s.virtualMachineSteps
        let corrections = try RawStatement(db, "SELECT id FROM event WHERE corrects = ? AND status = 0 ORDER BY ord")
        for index in rows.indices {
            corrections.bind(1, rows[index].id)
            while try corrections.next() {
                guard let id = try corrections.hash(0, table: "event") else { continue }
                rows[index].correctedBy.append(EntryID(hash: id))
            }
        }
        return (rows, steps)
    }
}
