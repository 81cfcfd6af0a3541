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

/// The columns of an `event` row that readers and updates look it up by: the resources it
/// names, its process, the event it corrects and the resource it creates. What the entry
/// says, so they never change once the row is inserted.
struct EventLookups: Equatable, Sendable {
    var fromResource: ResourceID?
    var toResource: ResourceID?
    var inputOf: EntryID?
    var outputOf: EntryID?
    var corrects: EntryID?
    var creates: ResourceID?

    init(_ payload: EconomicEventPayload, id: EntryID) {
        fromResource = payload.fromResource(createdBy: id)
        toResource = payload.toResource(createdBy: id)
        inputOf = payload.inputOf
        outputOf = payload.outputOf
        corrects = payload.corrects
        creates = payload.newInventoriedResource == nil ? nil : ResourceID(createdBy: id)
    }

    init(fromResource: ResourceID?, toResource: ResourceID?, inputOf: EntryID?, outputOf: EntryID?, corrects: EntryID?, creates: ResourceID?) {
        self.fromResource = fromResource
        self.toResource = toResource
        self.inputOf = inputOf
        self.outputOf = outputOf
        self.corrects = corrects
        self.creates = creates
    }
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

/// One row of `history`: a folded event and one resource it names, with the resource as the
/// event left it when it applied. The state of a resource before any place in the causal
/// order is the image of its last applied row before that place, so a late event re-folds a
/// resource from where it lands, not from the start.
struct HistoryRow: Equatable, Sendable {
    var resource: ResourceID
    var order: EventOrder
    var event: EntryID
    /// Nil when the event was folded but not applied.
    var image: ResourceImage?
}

/// What can change in a resource after it was created: every field but its id, name,
/// tracking identifier, note, specification and creating event.
struct ResourceImage: Equatable, Sendable {
    var unit: String?
    var accountingQuantity: ExactDecimal
    var onhandQuantity: ExactDecimal
    var primaryAccountable: AgentID?
    var holder: AgentID?
    var currentLocation: String?
    var containedIn: ResourceID?
    var stage: String?
    var state: String?

    init(_ r: EconomicResource) {
        unit = r.unit
        accountingQuantity = r.accountingQuantity
        onhandQuantity = r.onhandQuantity
        primaryAccountable = r.primaryAccountable
        holder = r.holder
        currentLocation = r.currentLocation
        containedIn = r.containedIn
        stage = r.stage
        state = r.state
    }

    init(unit: String?, accountingQuantity: ExactDecimal, onhandQuantity: ExactDecimal, primaryAccountable: AgentID?, holder: AgentID?,
         currentLocation: String?, containedIn: ResourceID?, stage: String?, state: String?) {
        self.unit = unit
        self.accountingQuantity = accountingQuantity
        self.onhandQuantity = onhandQuantity
        self.primaryAccountable = primaryAccountable
        self.holder = holder
        self.currentLocation = currentLocation
        self.containedIn = containedIn
        self.stage = stage
        self.state = state
    }

    /// `resource` with this image's fields.
    func applied(to resource: EconomicResource) -> EconomicResource {
        var r = resource
        r.unit = unit
        r.accountingQuantity = accountingQuantity
        r.onhandQuantity = onhandQuantity
        r.primaryAccountable = primaryAccountable
        r.holder = holder
        r.currentLocation = currentLocation
        r.containedIn = containedIn
        r.stage = stage
        r.state = state
        return r
    }
}

/// The resources an event's outcome depends on and may change: those it names (given or
/// created, and a combine's container), and for a correction those of the event it corrects.
/// Its history rows are one per resource here, in this order.
func touchedResources(_ lookups: EventLookups, container: ResourceID?, original: EventLookups?) -> [ResourceID] {
    var result: [ResourceID] = []
    for candidate in [lookups.fromResource, lookups.toResource, container, original?.fromResource, original?.toResource] {
        if let candidate, !result.contains(candidate) { result.append(candidate) }
    }
    return result
}

/// Every row the tables hold for a graph derived in memory: what a rebuild writes, and what an
/// update must leave, row for row.
struct DerivedRows: Equatable {
    var resources: [ResourceID: EconomicResource] = [:]
    var processes: Set<EntryID> = []
    var specifications: Set<EntryID> = []
    var agents: [AgentID: AgentRow] = [:]
    var events: [EntryID: EventRow] = [:]
    var history: [HistoryRow] = []
    var rejected: [EntryID: EventStatus] = [:]

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
