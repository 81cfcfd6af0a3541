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

/// Every row the tables hold for a graph derived in memory: what a rebuild writes, and what an
/// update must leave, row for row.
struct DerivedRows {
    var resources: [ResourceID: EconomicResource] = [:]
    var processes: Set<EntryID> = []
    var specifications: Set<EntryID> = []
    var agents: [AgentID: AgentRow] = [:]
    var events: [EntryID: EventRow] = [:]
    var history: [HistoryRow] = []
    var rejected: [EntryID: EventStatus] = [:]
    var planned: [EntryID: PlannedKind] = [:]
    var links: Set<PlanningLink> = []

    /// The rows of `outcome`, a derivation's whole fold with its history recorded.
    init(_ derivation: Derivation, _ resolution: Derivation.Resolution, _ outcome: Derivation.Outcome) {
        let graph = outcome.graph
        resources = graph.resources
        processes = Set(graph.processes.keys)
        specifications = Set(graph.specifications.keys)
        var uses: [AgentID: Int] = [:]
        for id in graph.appliedOrder {
            guard let e = graph.events[id] else { continue }
            for agent in Self.feedAgents(e.payload) { uses[agent, default: 0] += 1 }
        }
        for (id, a) in graph.agents { agents[id] = AgentRow(answeredBy: a.answeredBy, describedBy: a.describedBy, uses: uses[id] ?? 0) }
        events.reserveCapacity(graph.events.count)
        for (index, (entry, payload)) in derivation.eventList.enumerated() {
            guard let e = graph.events[entry.id] else { continue }
            let prefold = resolution.outcomes[index]
            events[entry.id] = EventRow(status: e.status, root: prefold.status == nil ? nil : prefold.root, waitsFor: prefold.waitsFor,
                                        order: e.order, container: e.container, lookups: EventLookups(payload, id: entry.id))
        }
        history = outcome.history
        rejected = graph.rejected
        for (id, p) in graph.planned {
            planned[id] = p.payload.kind
            links.formUnion(PlanningLink.made(by: id, .planned(p.payload)))
        }
        for (id, process) in graph.processes where process.payload.plannedWithin != nil {
            links.formUnion(PlanningLink.made(by: id, .process(process.payload)))
        }
        for (entry, payload) in derivation.eventList where !(payload.fulfills.isEmpty && payload.satisfies.isEmpty && payload.settles.isEmpty) {
            links.formUnion(PlanningLink.made(by: entry.id, .event(payload)))
        }
    }

    init() {}

    /// The feeds an applied event registers as agents: its provider and receiver, each once.
    static func feedAgents(_ payload: EconomicEventPayload) -> [AgentID] {
        var result: [AgentID] = []
        if case .feed = payload.provider { result.append(payload.provider) }
        if case .feed = payload.receiver, payload.receiver != payload.provider { result.append(payload.receiver) }
        return result
    }
}
