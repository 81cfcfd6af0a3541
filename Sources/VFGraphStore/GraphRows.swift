import VFGraph
import VFLog

/// The columns of an `event` row (docs/protocol.md §16): what the derivation decided, and
/// the ids the event is looked up by.
struct EventRow: Equatable, Sendable {
    var status: EventStatus
    /// For an event that is not folded: the reason its chain of failures started with.
    var root: String?
    /// For a pending event: the id whose arrival or change may change its status.
    var waitsFor: Hash32?
    /// For a folded event, applied or not: its place in the causal order.
    var order: EventOrder?
    var container: ResourceID?
    /// What the entry says; never changes once the row is inserted.
    var lookups: EventLookups
    /// For an event with an applied correction: its resourceQuantity (0 if none) with its
    /// applied corrections' deltas (``GraphEvent/correctedQuantity``).
    var corrected: ExactDecimal? = nil
}

/// The columns of an `agent` row.
struct AgentRow: Equatable, Sendable {
    var answeredBy: FeedID
    /// The profile or describing entry, if any.
    var describedBy: EntryID?
    /// How many applied events name this agent, a feed, as provider or receiver (each event
    /// once): the row of a feed without a profile lasts while this is above zero.
    var uses: Int
}

/// Every row the tables hold for a graph derived in memory: what a rebuild writes (an update
/// must leave the same rows, which the tests compare through the tables themselves).
///
/// Made one row at a time, each table's rows in its key order (``ByteOrder``), from the
/// derivation itself: a rebuild at a million events would otherwise hold a second copy of the
/// graph, as rows, while it writes them (about 750 MB).
struct DerivedRows: Sendable {
    private let derivation: Derivation
    private let resolution: Derivation.Resolution
    private let outcome: Derivation.Outcome

    /// The rows of `outcome`, a derivation's whole fold with its history recorded.
    init(_ derivation: Derivation, _ resolution: Derivation.Resolution, _ outcome: Derivation.Outcome) {
        self.derivation = derivation
        self.resolution = resolution
        self.outcome = outcome
    }

    private var graph: EconomicGraph { outcome.graph }

    /// Each event row with its entry's place, in the order of places (so the table's index of
    /// places grows at its right edge, v18).
    func forEachEvent(_ body: (FeedPlace, EntryID, EventRow) throws -> Void) rethrows {
        let list = derivation.eventList
        for index in ByteOrder.sortedIndices(list, byPlace: \.entry.place) {
            let (entry, payload) = list[index]
            guard let e = graph.events[entry.id] else { continue }
            let prefold = resolution.outcomes[index]
            try body(entry.place, entry.id, EventRow(status: e.status, root: prefold.status == nil ? nil : prefold.root, waitsFor: prefold.waitsFor,
                                        order: e.order, container: e.container, lookups: EventLookups(payload, id: entry.id),
                                        corrected: e.correctedQuantity))
        }
    }

    /// Every resource and process id the rows name, each once, in the order to number them
    /// (``GraphSchema`` v16): as the events naming them come in the log, as an update numbers
    /// them on arrival; then processes no event names, in id order.
    var numberedIDs: [Hash32] {
        var seen = Set<Hash32>()
        var ids: [Hash32] = []
        func add(_ id: Hash32?) { if let id, seen.insert(id).inserted { ids.append(id) } }
        for (entry, payload) in derivation.eventList {
            guard let e = graph.events[entry.id] else { continue }
            let lookups = EventLookups(payload, id: entry.id)
            add(lookups.fromResource?.hash)
            add(lookups.toResource?.hash)
            add(e.container?.hash)
            add(lookups.creates?.hash)
            add(lookups.inputOf?.hash)
            add(lookups.outputOf?.hash)
        }
        // Every resource is created by an event, so named above; processes no event names, in id order.
        for id in processes { add(id.hash) }
        return ids
    }

    /// Each history row, in (resource number, order) order; `number` gives a resource's number.
    func forEachHistory(numbered number: (ResourceID) -> Int64, _ body: (HistoryRow) throws -> Void) rethrows {
        let history = outcome.history
        // Places as Int: an event may write five history rows, so a log within the bound on
        // entries (2^30) may hold more rows than Int32 counts. (The pair is 16 bytes either way.)
        var keyed = [(Int64, Int)]()
        keyed.reserveCapacity(history.count)
        for (index, row) in history.enumerated() { keyed.append((number(row.resource), index)) }
        keyed.sort { a, b in a.0 != b.0 ? a.0 < b.0 : history[a.1].order < history[b.1].order }
        for (_, index) in keyed { try body(history[index]) }
    }

    /// Each resource row, in number order; `number` gives a resource's number.
    func forEachResource(numbered number: (ResourceID) -> Int64, _ body: (EconomicResource) throws -> Void) rethrows {
        let resources = graph.resources
        var keyed = resources.values.indices.map { (number(resources.keys[$0]), $0) }
        keyed.sort { $0.0 < $1.0 }
        for (_, index) in keyed { try body(resources.values[index]) }
    }

    /// The agent rows, with how many applied events name each feed.
    var agents: [AgentID: AgentRow] {
        var uses: [AgentID: Int] = [:]
        for id in graph.appliedOrder {
            guard let e = graph.events[id] else { continue }
            for agent in Self.feedAgents(e.payload) { uses[agent, default: 0] += 1 }
        }
        var rows: [AgentID: AgentRow] = [:]
        for (id, a) in graph.agents { rows[id] = AgentRow(answeredBy: a.answeredBy, describedBy: a.describedBy, uses: uses[id] ?? 0) }
        return rows
    }

    var processes: [EntryID] { ByteOrder.sorted(Array(graph.processes.keys), by: \.hash) }
    var specifications: [EntryID] { ByteOrder.sorted(Array(graph.specifications.keys), by: \.hash) }

    /// The planning objects' kinds, in id order.
    var planned: [(EntryID, PlannedKind)] {
        ByteOrder.sorted(Array(graph.planned.keys), by: \.hash).map { ($0, graph.planned[$0]!.payload.kind) }
    }

    /// Every link planning objects, planned processes and events make, in key order.
    var links: [PlanningLink] {
        var links = Set<PlanningLink>()
        for (id, p) in graph.planned { links.formUnion(PlanningLink.made(by: id, author: p.author, .planned(p.payload))) }
        for (id, process) in graph.processes where process.payload.plannedWithin != nil {
            links.formUnion(PlanningLink.made(by: id, author: process.author, .process(process.payload)))
        }
        for (entry, payload) in derivation.eventList where !(payload.fulfills.isEmpty && payload.satisfies.isEmpty && payload.settles.isEmpty) {
            links.formUnion(PlanningLink.made(by: entry.id, author: entry.author, .event(payload)))
        }
        return links.sorted {
            ($0.target.hash, $0.relation.rawValue, $0.author.key, $0.source.hash) < ($1.target.hash, $1.relation.rawValue, $1.author.key, $1.source.hash)
        }
    }

    /// The rejected entries, in id order.
    var rejected: [(EntryID, EventStatus)] {
        let rejected = graph.rejected
        return ByteOrder.sortedIndices(rejected, by: \.hash).map { (rejected[$0].key, rejected[$0].value) }
    }

    /// The feeds an applied event registers as agents: its provider and receiver, each once.
    static func feedAgents(_ payload: EconomicEventPayload) -> [AgentID] {
        var result: [AgentID] = []
        if case .feed = payload.provider { result.append(payload.provider) }
        if case .feed = payload.receiver, payload.receiver != payload.provider { result.append(payload.receiver) }
        return result
    }
}

/// One row a rebuild writes, of any table: made on one thread, written on another (``RowQueue``).
enum DerivedRow: Sendable {
    case event(FeedPlace, EntryID, EventRow)
    case history(HistoryRow)
    case resource(EconomicResource)
    case agent(AgentID, AgentRow)
    case process(EntryID)
    case specification(EntryID)
    case planned(EntryID, PlannedKind)
    case link(PlanningLink)
    case rejected(EntryID, EventStatus)
}

extension DerivedRows {
    /// Every row, table after table, each table's rows in its key order; `number` gives a
    /// resource's or process's number (``GraphTableWriter/number(_:slack:)`` gave them all).
    func forEachRow(numbered number: (Hash32) -> Int64, _ body: (DerivedRow) throws -> Void) rethrows {
        try forEachEvent { try body(.event($0, $1, $2)) }
        try forEachHistory(numbered: { number($0.hash) }) { try body(.history($0)) }
        try forEachResource(numbered: { number($0.hash) }) { try body(.resource($0)) }
        for (id, row) in agents { try body(.agent(id, row)) }
        for id in processes.sorted(by: { number($0.hash) < number($1.hash) }) { try body(.process(id)) }
        for id in specifications { try body(.specification(id)) }
        for (id, kind) in planned { try body(.planned(id, kind)) }
        for link in links { try body(.link(link)) }
        for (id, status) in rejected { try body(.rejected(id, status)) }
    }
}
