import VFLog

/// An economic resource as derived from the events that affect it.
public struct EconomicResource: Equatable, Sendable {
    public let id: ResourceID
    public var name: String?
    public var trackingIdentifier: String?
    public var note: String?
    public var conformsTo: EntryID?
    /// The unit both quantities are counted in; set by the creating event's quantity, else the
    /// specification's `defaultUnitOfResource`, else the first quantity applied to it.
    public var unit: String?
    public var accountingQuantity: ExactDecimal
    public var onhandQuantity: ExactDecimal
    public var primaryAccountable: AgentID?
    /// Who has custody: the agent the onhand quantity is with. VF 1.0 has no property for this.
    public var holder: AgentID?
    public var currentLocation: String?
    public var containedIn: ResourceID?
    /// The `basedOn` of the last process that output this resource.
    public var stage: String?
    public var state: String?
    /// The event whose `newInventoriedResource` created this resource.
    public let createdBy: EntryID

    public init(id: ResourceID, createdBy: EntryID) {
        self.id = id
        self.createdBy = createdBy
        accountingQuantity = .zero
        onhandQuantity = .zero
    }

    public var accountingMeasure: Measure? { unit.map { Measure(value: accountingQuantity, unit: $0) } }
    public var onhandMeasure: Measure? { unit.map { Measure(value: onhandQuantity, unit: $0) } }

    /// Whether either derived quantity is below zero (docs/protocol.md §16, "Effects"): more
    /// was taken out than was ever put in, whoever recorded it.
    public var isNegative: Bool { accountingQuantity.isNegative || onhandQuantity.isNegative }
}

/// An entry of the catalogue as it describes itself: a process, a resource specification, or
/// an intent, proposal, commitment, plan, agreement or claim. Only the payload's type differs.
public struct CataloguedObject<Payload: Equatable & Sendable>: Equatable, Sendable {
    public let id: EntryID
    public let author: FeedID
    public let payload: Payload

    package init(id: EntryID, author: FeedID, payload: Payload) {
        self.id = id
        self.author = author
        self.payload = payload
    }
}

/// A process, as its entry describes it.
public typealias GraphProcess = CataloguedObject<ProcessPayload>
/// A resource specification, as its entry describes it.
public typealias GraphResourceSpecification = CataloguedObject<ResourceSpecificationPayload>
/// An intent, proposal, commitment, plan, agreement or claim (or an acceptance), as its entry describes it.
public typealias GraphPlanned = CataloguedObject<PlannedPayload>

/// An economic agent: a feed, possibly with a profile, or an agent without a node.
public struct GraphAgent: Equatable, Sendable {
    public let id: AgentID
    /// The feed that signs for this agent: the feed itself, or the author of the describing entry.
    public let answeredBy: FeedID
    /// The profile or describing entry, if any (for a feed: its latest profile).
    public var describedBy: EntryID?
    public var profile: AgentPayload?

    package init(id: AgentID, answeredBy: FeedID, describedBy: EntryID? = nil, profile: AgentPayload? = nil) {
        self.id = id
        self.answeredBy = answeredBy
        self.describedBy = describedBy
        self.profile = profile
    }
}

/// What became of an event.
public enum EventStatus: Equatable, Sendable, CustomStringConvertible {
    /// Its effects are in the graph.
    case applied
    /// It refers to something not yet known; it will be re-examined when that arrives.
    case pending(String)
    /// It breaks a rule; it has no effect.
    case invalid(String)
    /// Its signer lacks the authority for what it does; it has no effect.
    case unauthorized(String)

    public var isApplied: Bool { self == .applied }

    public var description: String {
        switch self {
        case .applied: "applied"
        case let .pending(reason): "pending: \(reason)"
        case let .invalid(reason): "invalid: \(reason)"
        case let .unauthorized(reason): "unauthorized: \(reason)"
        }
    }
}

/// An economic event with what the derivation made of it.
public struct GraphEvent: Equatable, Sendable {
    public let provenance: EntryProvenance
    public let payload: EconomicEventPayload
    public var status: EventStatus
    /// The resource in `resourceInventoriedAs`, given or created.
    public let fromResource: ResourceID?
    /// The resource in `toResourceInventoriedAs`, given or created.
    public let toResource: ResourceID?
    /// The container a `combine` put its resource into.
    public var container: ResourceID?
    /// A folded event's place in the causal order (docs/protocol.md §16), whether the fold
    /// applied it or not; nil for an event that was not folded (pending, or invalid before the fold).
    public var order: EventOrder?
    /// The event before this one with the same `resourceInventoriedAs` (track/trace breadcrumb).
    public var previousEvent: EntryID?
    /// Applied corrections of this event.
    public var correctedBy: [EntryID] = []
    /// Once a correction of this event applied: its resourceQuantity (0 if it states none)
    /// with the deltas of its applied corrections added, in causal order (nil while none
    /// applied). What the next correction is checked against, without adding up every one
    /// before it again.
    public var correctedQuantity: ExactDecimal?

    public var id: EntryID { provenance.entryID }

    package init(provenance: EntryProvenance, payload: EconomicEventPayload, status: EventStatus, fromResource: ResourceID?, toResource: ResourceID?) {
        self.provenance = provenance
        self.payload = payload
        self.status = status
        self.fromResource = fromResource
        self.toResource = toResource
    }
}

/// The economic graph derived from a set of entries.
///
/// Everything in it is a function of the set of entries, never of the order they arrived in.
public struct EconomicGraph: Equatable, Sendable {
    public package(set) var resources: [ResourceID: EconomicResource] = [:]
    public package(set) var processes: [EntryID: GraphProcess] = [:]
    public package(set) var specifications: [EntryID: GraphResourceSpecification] = [:]
    public package(set) var agents: [AgentID: GraphAgent] = [:]
    /// Intents, proposals, commitments, plans, agreements and claims (docs/protocol.md §16).
    public package(set) var planned: [EntryID: GraphPlanned] = [:]
    /// Every readable EconomicEvent entry, whatever its status.
    public package(set) var events: [EntryID: GraphEvent] = [:]
    /// Applied events in causal order.
    public package(set) var appliedOrder: [EntryID] = []
    /// Entries of a graph type that could not be used, with the reason: `.invalid` when
    /// unreadable, `.unauthorized` when their signature is not verified. Events among them
    /// have no ``GraphEvent``.
    public package(set) var rejected: [EntryID: EventStatus] = [:]

    /// The last applied event naming each resource as `resourceInventoriedAs`: the breadcrumb
    /// the next such event records as its ``GraphEvent/previousEvent``.
    package var lastEventByResource: [ResourceID: EntryID] = [:]

    public init() {}

    /// The status of any graph entry: an event's status, `.invalid`/`.unauthorized` for a
    /// rejected entry, `.applied` for an accepted process, specification or agent; nil if unknown.
    public func status(of entry: EntryID) -> EventStatus? {
        if let event = events[entry] { return event.status }
        if let status = rejected[entry] { return status }
        if processes[entry] != nil || specifications[entry] != nil || agents[.described(entry)] != nil || planned[entry] != nil { return .applied }
        if agents.values.contains(where: { $0.describedBy == entry }) { return .applied }
        return nil
    }

    /// Applied events whose process input or output is `process`.
    public func events(inputOf process: EntryID) -> [GraphEvent] {
        appliedOrder.compactMap { events[$0] }.filter { $0.payload.inputOf == process }
    }

    public func events(outputOf process: EntryID) -> [GraphEvent] {
        appliedOrder.compactMap { events[$0] }.filter { $0.payload.outputOf == process }
    }
}
