import VFGraph
import GRDB
import VFLog

/// Entries a publish check folded into the tables in its transaction, which the log may not
/// hold yet: shared by the updates and lookups of one check, and by the checks of the batches
/// of one graph transaction (``GraphStore/publishBatches(key:log:allowNegative:next:inputReady:stored:)``).
final class ProvisionalRecords {
    private(set) var records: [EntryID: EntryRecord] = [:]
    /// The entries of `records` in the order they were folded in, so a rollback forgets the
    /// ones after a point at the cost of those alone.
    private var order: [EntryID] = []
    /// How many updates folded entries in, including those rolled back.
    var updates = 0

    /// How many entries were folded in, and not forgotten.
    var count: Int { order.count }

    func add(_ record: EntryRecord) {
        if records.updateValue(record, forKey: record.id) == nil { order.append(record.id) }
    }

    /// Forgets the entries folded in after the first `count`.
    func forget(after count: Int) {
        guard count < order.count else { return }
        for id in order[count...] { records[id] = nil }
        order.removeSubrange(count...)
    }
}

/// What ``GraphUpdate`` reads of the tables and the log, each by key or index, with what it
/// read kept for the rest of the update. Entries past the heads the update brings the tables
/// to are not held, as far as it is concerned: they belong to the next update.
final class UpdateTables {
    private let db: Database
    private let log: LogStore
    private let heads: [FeedID: UInt64]
    private var rows: [EntryID: EventRow?] = [:]
    private var records: [EntryID: EntryRecord?] = [:]
    private var objects: [EntryID: Derivation.Decoded] = [:]
    private var agents: [AgentID: AgentRow?] = [:]
    private let provisional: ProvisionalRecords?
    /// How many entries were read from the log by id (``UpdateWork/entriesRead``).
    private(set) var entriesRead = 0
    /// How many entries' places alone were read from the log by id (``UpdateWork/placesRead``).
    private(set) var placesRead = 0

    init(db: Database, log: LogStore, heads: [FeedID: UInt64], provisional: ProvisionalRecords? = nil) {
        self.db = db
        self.log = log
        self.heads = heads
        self.provisional = provisional
    }

    // MARK: entries

    /// The log's record of an entry, if it is held within the heads.
    func record(_ id: EntryID) throws -> EntryRecord? {
        if let known = records[id] { return known }
        if let folded = provisional?.records[id] { return folded }
        entriesRead += 1
        var record = try log.records(ids: [id]).first ?? nil
        if let found = record, found.sequence > heads[found.author] ?? 0 { record = nil }
        records[id] = record
        return record
    }

    /// Where an entry stands in its feed, if the log holds it or a check folded it: what its
    /// event row is found by (v18). The log's index of ids answers, without its payload.
    func place(_ id: EntryID) throws -> FeedPlace? {
        if let known = records[id] { return known?.place }
        if let folded = provisional?.records[id] { return folded.place }
        if let known = places[id] { return known }
        placesRead += 1
        var place = try log.places(ids: [id]).first ?? nil
        if let found = place, found.sequence > heads[found.author] ?? 0 { place = nil }
        places[id] = place
        return place
    }
    private var places: [EntryID: FeedPlace?] = [:]

    private func decoded(_ id: EntryID) throws -> Derivation.Decoded {
        if let known = objects[id] { return known }
        let decoded = try record(id).map { Derivation.decodeEntry(GraphEntry($0, verified: true)) } ?? .notHeld
        objects[id] = decoded
        return decoded
    }

    /// What references may take an entry for, as the catalogue would say. An entry the tables
    /// catalogue as a graph object is answered from its row, without reading and decoding its
    /// payload from the log (an event names a process or an agent on every line of a bulk
    /// entry); the rest — not held, rejected, not ValueFlows, a profile — from the log.
    func kind(_ id: EntryID) throws -> KnownKind? {
        if objects[id] == nil, let catalogued = try cataloguedKind(id) { return .object(catalogued) }
        return Derivation.kind(try decoded(id), verified: true)
    }

    /// The kind of graph object the tables hold a row of `id` for: a process, specification,
    /// event, planning object or described agent; nil for any other entry, and for one whose
    /// payload this node forgot (a `vf forget` cut short before its rebuild leaves its rows).
    /// The tables hold only entries within the heads (their cursors), or those a check folded
    /// in (``provisional``).
    private func cataloguedKind(_ id: EntryID) throws -> ObjectKind? {
        let s = try RawStatement(db, """
            SELECT -1 FROM process WHERE n = \(GraphSchema.itemNumber("?1"))
            UNION ALL SELECT -2 FROM resourceSpecification WHERE id = ?1
            UNION ALL SELECT -4 FROM agent WHERE id = ?2
            UNION ALL SELECT kind FROM planned WHERE id = ?1
            LIMIT 1
            """)
        s.bind(1, id)
        s.bind(2, AgentID.described(id).description)
        defer { s.reset() }
        // An event row is found by its entry's place (v18), which the log gives: asked only
        // when no other row answers, as an event is rarely what a reference names.
        let code: Int64
        if try s.next() { code = s.int64(0) ?? .min } else if try hasEventRow(id) { code = -3 } else { return nil }
        guard try !log.isForgotten(id) else { return nil }
        switch code {
        case -1: return .process
        case -2: return .resourceSpecification
        case -3: return .economicEvent
        case -4: return .agent
        case let code: return PlannedKind.allCases.first { $0.code == code }.map(ObjectKind.planned)
        }
    }

    /// The graph object an entry holds; nil when it holds none.
    func object(_ id: EntryID) throws -> VFObject? {
        if case let .object(object) = try decoded(id) { return object }
        return nil
    }

    // MARK: events

    /// Whether the tables hold an event row of `id`, read now (not kept, as ``eventRow(_:)`` is).
    private func hasEventRow(_ id: EntryID) throws -> Bool {
        try readEventRow(id) != nil
    }

    /// The event row of `id`, found by its entry's place (v18), read now.
    private func readEventRow(_ id: EntryID) throws -> EventRow? {
        guard let place = try place(id) else { return nil }
        let s = try RawStatement(db, "SELECT \(GraphTableReader.eventColumns) FROM event WHERE \(GraphSchema.eventAt(1))")
        try s.bindEvent(place, id, from: 1)
        defer { s.reset() }
        return try s.next() ? GraphTableReader.eventRow(s).1 : nil
    }

    /// The event row of `id`, kept for the rest of the update.
    func eventRow(_ id: EntryID) throws -> EventRow? {
        if let known = rows[id] { return known }
        let row = try readEventRow(id)
        rows[id] = row
        return row
    }

    /// A held event with its row and payload; nil when the tables hold no such event.
    func event(_ id: EntryID) throws -> UpdateEvent? {
        // The record first: it gives the place the row is found by, in the same read.
        let held = try record(id)
        guard let row = try eventRow(id) else { return nil }
        guard let record = held, case let .object(.event(payload)) = try decoded(id) else {
            throw GraphStoreError("event \(id): the log no longer holds its payload; run vf graph rebuild")
        }
        return UpdateEvent(entry: GraphEntry(record, verified: true), payload: payload, stored: row)
    }

    /// The event creating `resource`, if the tables hold it: an applied one made the resource's
    /// row; one that did not apply is found by the index of creating events that did not
    /// (`eventByCreates`, partial: the applied ones, nearly all, cost it nothing).
    func creator(of resource: ResourceID) throws -> EntryID? {
        try ids("SELECT createdBy FROM resource WHERE n = \(GraphSchema.itemNumber("?1"))", table: "resource") { $0.bind(1, resource) }.first
            ?? ids("SELECT id FROM event WHERE creates = \(GraphSchema.itemNumber("?1")) AND status <> 0") { $0.bind(1, resource) }.first
    }

    /// The pending events waiting for `id` (an entry, a resource or a process).
    func waiting(for id: Hash32) throws -> [EntryID] {
        guard try anyWaiting() else { return [] }
        return try ids("SELECT id FROM event WHERE waitsFor = ?") { $0.bind(1, id) }
    }

    /// Whether any held event waits for anything: mostly none does, and then no arrival needs
    /// looking up. (The rows an update writes come at its end, so the answer holds throughout.)
    private func anyWaiting() throws -> Bool {
        if let known = waitingKnown { return known }
        let known = try RawStatement(db, "SELECT EXISTS (SELECT 1 FROM event WHERE waitsFor IS NOT NULL)").count() != 0
        waitingKnown = known
        return known
    }
    private var waitingKnown: Bool?

    /// The events output by `process`: the candidates for an implicit combine's container.
    func outputs(of process: EntryID) throws -> [EntryID] {
        try ids("SELECT id FROM event WHERE outputOf = \(GraphSchema.itemNumber("?1"))") { $0.bind(1, process) }
    }

    /// The combines into `process` that name no container: they look for it among its outputs.
    func implicitCombines(of process: EntryID) throws -> [EntryID] {
        try ids("SELECT id FROM event WHERE inputOf = \(GraphSchema.itemNumber("?1"))") { $0.bind(1, process) }.filter { id in
            guard let e = try event(id) else { return false }
            return e.payload.isImplicitCombine
        }
    }

    /// The events that correct `id`.
    func corrections(of id: EntryID) throws -> [EntryID] {
        try ids("SELECT id FROM event WHERE corrects = ?") { $0.bind(1, id) }
    }

    /// The events that correct `id`, were folded after `order`, and applied or were found
    /// invalid, with their orders, by the index on (`corrects`, `status`). Not the unauthorized
    /// ones: a correction signed by anyone but the author of the event it corrects (held, if
    /// it was folded) is unauthorized wherever it falls, and anyone may make any number.
    func foldedCorrections(of id: EntryID, after order: EventOrder) throws -> [(id: EntryID, order: EventOrder)] {
        try placed("SELECT ord, id FROM event WHERE corrects = ?1 AND status IN (0, 2) AND ord > ?2", table: "event") {
            $0.bind(1, id)
            $0.bind(2, blob: order.bytes)
        }.map { ($0.event, $0.order) }
    }

    /// Whether an event that corrects `id` and applied is not among `others`, by the index on
    /// (`corrects`, `status`): reads at most one row more than `others` holds.
    func hasAppliedCorrection(of id: EntryID, other others: Set<EntryID>) throws -> Bool {
        let s = try RawStatement(db, "SELECT id FROM event WHERE corrects = ? AND status = 0")
        s.bind(1, id)
        while try s.next() {
            guard let hash = try s.hash(0, table: "event") else { throw GraphStoreError("event: row without id; run vf graph rebuild") }
            if !others.contains(EntryID(hash: hash)) { return true }
        }
        return false
    }

    /// The events that depend on a folded event (``CausalKey``): those naming the resource it
    /// creates, its corrections, and for an output of a process the combines looking for
    /// their container among its outputs.
    func dependents(of id: EntryID, lookups: EventLookups, action: Action) throws -> [EntryID] {
        var result: [EntryID] = []
        if let created = lookups.creates {
            let number = GraphSchema.itemNumber("?1")
            result += try ids("SELECT id FROM event WHERE fromResource = \(number) UNION SELECT id FROM event WHERE toResource = \(number)") { $0.bind(1, created) }
        }
        result += try corrections(of: id)
        if let process = lookups.outputOf, [.produce, .modify].contains(action) { result += try implicitCombines(of: process) }
        return result.filter { $0 != id }
    }

    /// The folded events touching `resource` at `order` or after, in causal order.
    func folded(touching resource: ResourceID, from order: EventOrder) throws -> [(order: EventOrder, event: EntryID)] {
        try placed("SELECT ord, event FROM history WHERE resource = \(GraphSchema.itemNumber("?1")) AND ord >= ?2 ORDER BY ord", table: "history") {
            $0.bind(1, resource)
            $0.bind(2, blob: order.bytes)
        }
    }

    /// The rows of `sql`, which selects an order and an event id, in the order it gives.
    private func placed(_ sql: String, table: String, bind: (RawStatement) -> Void) throws -> [(order: EventOrder, event: EntryID)] {
        let s = try RawStatement(db, sql)
        bind(s)
        var result: [(EventOrder, EntryID)] = []
        while try s.next() {
            guard let bytes = s.bytes(0), let place = EventOrder(bytes: bytes), let event = try s.hash(1, table: table) else {
                throw GraphStoreError("\(table): malformed row; run vf graph rebuild")
            }
            result.append((place, EntryID(hash: event)))
        }
        return result
    }

    // MARK: resources and agents

    /// The resource's row as the tables hold it now.
    func resourceRow(_ id: ResourceID) throws -> EconomicResource? {
        try GraphTableReader.resources(db, where: "resource.n = \(GraphSchema.itemNumber("?1"))") { $0.bind(1, id) }.first
    }

    /// The resource as it stood just before `order`: the image its last applied history row
    /// before that place left, on `row`, its row now (``resourceRow(_:)``, read by the caller,
    /// who needs it too); nil when it did not exist then.
    func resource(_ id: ResourceID, before order: EventOrder, row: EconomicResource?) throws -> EconomicResource? {
        let images = try GraphTableReader.history(db, where: "resource = \(GraphSchema.itemNumber("?1")) AND ord < ?2 AND applied = 1 ORDER BY ord DESC LIMIT 1") {
            $0.bind(1, id)
            $0.bind(2, blob: order.bytes)
        }
        guard let image = images.first?.image else { return nil }
        guard let row else { throw GraphStoreError("resource \(id): history without a row; run vf graph rebuild") }
        return image.applied(to: row)
    }

    func agentRow(_ id: AgentID) throws -> AgentRow? {
        if let known = agents[id] { return known }
        let row = try GraphTableReader.agentRows(db, where: "id = ?") { $0.bind(1, id.description) }.first?.1
        agents[id] = row
        return row
    }

    /// Forgets what was read of an agent's row, after it was written.
    func forgetAgent(_ id: AgentID) { agents[id] = nil }

    private func ids(_ sql: String, table: String = "event", bind: (RawStatement) -> Void) throws -> [EntryID] {
        let s = try RawStatement(db, sql)
        bind(s)
        var result: [EntryID] = []
        while try s.next() {
            guard let id = try s.hash(0, table: table) else { throw GraphStoreError("\(table): row without id; run vf graph rebuild") }
            result.append(EntryID(hash: id))
        }
        return result
    }
}
