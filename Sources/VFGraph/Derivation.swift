import VFLog

/// Derives the economic graph from a set of entries, in three steps:
/// 1. catalogue: read every payload; index processes, specifications, agents and events;
/// 2. resolve: an event whose references are not all known is pending, and so is every event
///    that depends on it (see ``CausalKey`` for dependencies);
/// 3. fold: apply the ready events one by one in causal order (``EffectApplier``).
///
/// The result is a function of the set of entries. ``GraphBuilder`` keeps one up to date
/// as entries arrive.
public struct Derivation: Sendable {
    /// Every entry given, in the order catalogued.
    private(set) var entryList: [GraphEntry] = []
    /// What the catalogue knows of each entry id: one table, so cataloguing an entry costs one
    /// lookup (an earlier version kept the entry, its kind and its event place in three).
    private(set) var slots: [EntryID: CatalogueSlot] = [:]
    /// The event creating each resource, as its place in ``eventList``.
    package var creators: [ResourceID: Int] = [:]
    /// Every event in the order catalogued, with its entry. Steps 2 and 3 name events by their
    /// place in this list, so their bookkeeping is arrays, not tables keyed by 32-byte ids.
    package var eventList: [(entry: GraphEntry, payload: EconomicEventPayload)] = []
    package var catalogue = EconomicGraph()
    /// Processes with a `combine` that finds its container among the process's outputs.
    package var processesWithImplicitContainers: Set<EntryID> = []
    /// What names each planning object (and each described agent a commitment names), for the
    /// consent rules: the sources of the links catalogued planning objects and events make.
    private var planningLinks: [EntryID: [(relation: PlanningRelation, source: EntryID, author: FeedID)]] = [:]
    /// The entries whose payload this node forgot: unknown, as any entry without its payload,
    /// but a reference to one says so.
    public var forgotten = ForgottenPayloads()

    public init() {}

    /// Every entry given, by id.
    public var entries: [EntryID: GraphEntry] {
        Dictionary(entryList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The kind of a catalogued entry; nil when it is unknown or its payload is not held.
    package func kind(of id: EntryID) -> KnownKind? { slots[id]?.kind }

    /// A catalogued event's place in ``eventList``.
    package func eventIndex(_ id: EntryID) -> Int? {
        guard let event = slots[id]?.event, event >= 0 else { return nil }
        return Int(event)
    }

    /// The payload of a catalogued event.
    package func eventPayload(_ id: EntryID) -> EconomicEventPayload? {
        eventIndex(id).map { eventList[$0].payload }
    }

    /// The graph of `entries`, from scratch.
    public static func derive(_ entries: some Sequence<GraphEntry>) -> EconomicGraph {
        var derivation = Derivation()
        derivation.catalogue(Array(entries))
        return derivation.resolveAndFold(derivation.resolve()).graph
    }

    /// An entry with its payload already read as a graph object (nil when the payload is not
    /// held): decoding is a pure function of the entry, so it can happen anywhere, any time
    /// before the entry is catalogued.
    package struct PreparedEntry: Sendable {
        let entry: GraphEntry
        let decoded: Decoded

        init(_ entry: GraphEntry) {
            self.entry = entry
            decoded = Derivation.decode(entry)
        }
    }

    /// Step 1 for many entries: the payloads of the unknown ones are decoded on every core,
    /// then catalogued one by one in the order given. Returns the entries that were not known yet.
    @discardableResult
    package mutating func catalogue(_ batch: [GraphEntry]) -> [GraphEntry] {
        // A fresh derivation (a rebuild) knows nothing yet: no need to look.
        let unknown = slots.isEmpty ? batch : batch.filter { slots[$0.id] == nil }
        return catalogue(prepared: unknown.concurrentMap(minimumChunk: 128) { PreparedEntry($0) })
    }

    /// Makes room for `entries` entries in the catalogue's tables, and as many events.
    package mutating func reserveCapacity(entries: Int) {
        guard entries > entryList.count else { return }
        slots.reserveCapacity(entries)
        entryList.reserveCapacity(entries)
        eventList.reserveCapacity(entries)
    }

    /// Step 1 for entries decoded already, catalogued one by one in the order given. Returns
    /// the entries that were not known yet.
    @discardableResult
    package mutating func catalogue(prepared: [PreparedEntry]) -> [GraphEntry] {
        // Grown geometrically: a reader catalogues the log a page at a time, and reserving
        // exactly what each page needs would copy the tables once per page.
        let needed = entryList.count + prepared.count
        if needed > slots.capacity { slots.reserveCapacity(max(needed, 2 * slots.capacity)) }
        if needed > entryList.capacity { entryList.reserveCapacity(max(needed, 2 * entryList.capacity)) }
        if eventList.count + prepared.count > eventList.capacity {
            eventList.reserveCapacity(max(eventList.count + prepared.count, 2 * eventList.capacity))
        }
        var fresh = [GraphEntry]()
        fresh.reserveCapacity(prepared.count)
        // By index: the decoded objects are borrowed from the array, not copied out of it.
        for i in prepared.indices where catalogue(prepared[i].entry, decoded: prepared[i].decoded) { fresh.append(prepared[i].entry) }
        return fresh
    }

    /// Step 1 for one entry. Returns false if the entry was already known.
    @discardableResult
    package mutating func catalogue(_ entry: GraphEntry) -> Bool {
        guard slots[entry.id] == nil else { return false }
        return catalogue(entry, decoded: Self.decode(entry))
    }

    /// What reading an entry's payload as a graph object gave. (A concrete enum: a
    /// `Result<VFObject, ReasonError>?` was copied through generic value witnesses, which cost
    /// the catalogue, a stage of the rebuild that runs on one core, hundreds of instructions an entry.)
    package enum Decoded: Sendable {
        case notHeld
        case rejected(ReasonError)
        case object(VFObject)
    }

    /// An entry's payload read as a graph object.
    package static func decodeEntry(_ entry: GraphEntry) -> Decoded { decode(entry) }

    /// What references may take an entry for, once decoded; nil when its payload is not held
    /// (it is then as unknown to references as an entry never seen).
    package static func kind(_ decoded: Decoded, verified: Bool) -> KnownKind? {
        switch decoded {
        case .notHeld: nil
        case let .rejected(error): .notAGraphObject("an entry that was rejected (\(error.reason))")
        case let .object(object):
            if let objectKind = object.kind {
                verified ? .object(objectKind) : .notAGraphObject("an entry whose signature is not verified")
            } else {
                .notAGraphObject("not a ValueFlows object")
            }
        }
    }

    /// An entry's payload read as a graph object.
    fileprivate static func decode(_ entry: GraphEntry) -> Decoded {
        guard let payload = entry.payload else { return .notHeld }
        do { return .object(try VFObject.decode(payload, author: entry.author)) } catch { return .rejected(error) }
    }

    private mutating func catalogue(_ entry: GraphEntry, decoded: Decoded) -> Bool {
        let place = Int32(entryList.count)
        // What references may take the entry for, why it is rejected if it is, and the graph
        // object it adds if it does.
        let kind = Self.kind(decoded, verified: entry.signatureVerified)
        var rejected: EventStatus?, accepted: VFObject?
        switch decoded {
        case .notHeld:
            break
        case let .rejected(error):
            rejected = .invalid(error.reason)
        case let .object(object):
            if object.kind != nil {
                if entry.signatureVerified { accepted = object } else { rejected = .unauthorized("signature not verified") }
            }
        }
        let event: Int32 = if case .event? = accepted { Int32(eventList.count) } else { -1 }
        // Through `default:` the slot is inserted when absent, in the same lookup; it holds
        // this entry's new place only if it was. The first of two entries with one id is kept.
        func holds(_ place: Int32, _ found: inout CatalogueSlot) -> Bool { found.entry == place }
        guard holds(place, &slots[entry.id, default: CatalogueSlot(kind: kind, entry: place, event: event)]) else { return false }
        entryList.append(entry)
        if let rejected { catalogue.rejected[entry.id] = rejected }
        if let accepted { catalogue(entry, accepted) }
        return true
    }

    private mutating func catalogue(_ entry: GraphEntry, _ object: VFObject) {
        switch object {
        case let .event(event):
            if event.newInventoriedResource != nil { creators[ResourceID(createdBy: entry.id)] = eventList.count }
            eventList.append((entry, event))
            if !event.fulfills.isEmpty { addLinks(PlanningLink.made(by: entry.id, author: entry.author, .event(event))) }
            if event.isImplicitCombine, let process = event.inputOf {
                processesWithImplicitContainers.insert(process)
            }
        case let .process(process):
            catalogue.processes[entry.id] = GraphProcess(id: entry.id, author: entry.author, payload: process)
        case let .resourceSpecification(spec):
            catalogue.specifications[entry.id] = GraphResourceSpecification(id: entry.id, author: entry.author, payload: spec)
        case let .agent(agent) where agent.isProfile:
            // A feed's latest profile describes it.
            let id = AgentID.feed(entry.author)
            let current = catalogue.agents[id]?.describedBy.flatMap { slots[$0].map { entryList[Int($0.entry)].sequence } } ?? 0
            if entry.sequence > current {
                catalogue.agents[id] = GraphAgent(id: id, answeredBy: entry.author, describedBy: entry.id, profile: agent)
            }
        case let .agent(agent):
            let id = AgentID.described(entry.id)
            catalogue.agents[id] = GraphAgent(id: id, answeredBy: entry.author, describedBy: entry.id, profile: agent)
        case let .planned(planned):
            catalogue.planned[entry.id] = GraphPlanned(id: entry.id, author: entry.author, payload: planned)
            addLinks(PlanningLink.made(by: entry.id, author: entry.author, .planned(planned)))
        case .foreign:
            break
        }
        return
    }

    private mutating func addLinks(_ links: [PlanningLink]) {
        for link in links { planningLinks[link.target, default: []].append((link.relation, link.source, link.author)) }
    }

    /// The outcome of steps 2 and 3.
    package struct Outcome: Sendable {
        package var graph: EconomicGraph
        /// The greatest order among the events that were ready, i.e. folded.
        package var lastOrder: EventOrder?
        /// Every folded event's history rows, when asked for.
        package var history: [HistoryRow] = []
    }

    /// Steps 2 and 3 over everything catalogued; `resolution` is ``resolve()``'s. With
    /// `recordHistory`, the outcome has every folded event's ``HistoryRow``s.
    package func resolveAndFold(_ resolution: Resolution, recordHistory: Bool = false) -> Outcome {
        var keys = [(key: CausalKey, event: Int)]()
        keys.reserveCapacity(eventList.count)
        for (index, (entry, payload)) in eventList.enumerated() where resolution.settled[index] == nil {
            keys.append((CausalKey(event: payload, entry: entry), index))
        }
        let order = CausalOrder.sort(keys: keys, dependencies: resolution.dependencies, shared: resolution.shared)
        let containers = resolution.containers
        var graph = catalogue
        graph.events.reserveCapacity(eventList.count)
        graph.resources.reserveCapacity(graph.resources.count + creators.count)
        // The events that are not folded; the fold makes the others as it takes them.
        for (index, status) in resolution.settled.enumerated() {
            guard let status else { continue }
            graph.events[eventList[index].entry.id] = makeEvent(index, container: container(index, containers), status: status)
        }
        var history: [HistoryRow]? = recordHistory ? [] : nil
        // At least a row per folded event, and a few more (an event may touch up to five
        // resources): room for two each at once, not by doubling copies. Room never written
        // costs address space, not memory; a log just over one row per event, as most are,
        // would otherwise copy every row to a buffer twice as large at the very end.
        history?.reserveCapacity(2 * order.count)
        fold(order, containers: containers, into: &graph, history: &history)
        return Outcome(graph: graph, lastOrder: order.last?.order, history: history ?? [])
    }

    /// The container event `index` puts its resource into: a combine's
    /// `toResourceInventoriedAs`, else the one step 2 found for it (in `implicit`).
    package func container(_ index: Int, _ implicit: [EntryID: ResourceID]) -> ResourceID? {
        Self.container(eventList[index], implicit)
    }

    package static func container(_ event: (entry: GraphEntry, payload: EconomicEventPayload), _ implicit: [EntryID: ResourceID]) -> ResourceID? {
        if event.payload.action == .combine, let explicit = event.payload.toResourceInventoriedAs { return explicit }
        // Most graphs have no implicit container: skip that lookup.
        return implicit.isEmpty ? nil : implicit[event.entry.id]
    }

    /// Event `index` as the graph holds it, with its container (``container(_:_:)``) and status.
    package func makeEvent(_ index: Int, container: ResourceID?, status: EventStatus) -> GraphEvent {
        let (entry, payload) = eventList[index]
        var event = GraphEvent(provenance: entry.provenance, payload: payload, status: status,
                               fromResource: payload.fromResource(createdBy: entry.id), toResource: payload.toResource(createdBy: entry.id))
        event.container = container
        return event
    }

    /// Step 3: makes the ready events `order` (places in ``eventList`` with their orders, in
    /// causal order) and applies each to `graph` in turn, adding it to `graph.events` with what
    /// the fold decided and its order, whether it applied or not; `containers` are those step 2 found.
    package func fold(_ order: [(event: Int, order: EventOrder)], containers: [EntryID: ResourceID], into graph: inout EconomicGraph) {
        var history: [HistoryRow]? = nil
        fold(order, containers: containers, into: &graph, history: &history)
    }

    /// ``fold(_:containers:into:)``, appending each folded event's ``HistoryRow``s to
    /// `history` when it is not nil.
    package func fold(_ order: [(event: Int, order: EventOrder)], containers: [EntryID: ResourceID], into graph: inout EconomicGraph,
              history: inout [HistoryRow]?) {
        graph.appliedOrder.reserveCapacity(graph.appliedOrder.count + order.count)
        // Consecutive events are mostly between the same agents: those are registered already.
        var registered: (AgentID, AgentID)?
        // Consent reads the orders of fulfilments: those folded before (in the graph), and this fold's.
        var fulfilmentOrders: [EntryID: EventOrder] = [:]
        for (index, place) in order where !eventList[index].payload.fulfills.isEmpty { fulfilmentOrders[eventList[index].entry.id] = place }
        var judge = ConsentJudge(facts: self)
        for (index, place) in order {
            var event = makeEvent(index, container: container(index, containers), status: .applied)
            let id = event.id
            var consent: [ConsentGrant] = []
            if !event.payload.fulfills.isEmpty {
                consent = judge.grants(for: id, event.payload, signer: event.provenance.author, order: place) { [self] other in
                    guard let i = eventIndex(other), let o = fulfilmentOrders[other] ?? graph.events[other]?.order else { return nil }
                    return (eventList[i].entry.author, eventList[i].payload, o)
                }
            }
            let status = EffectApplier.apply(event, to: &graph, consent: consent)
            event.order = place
            if status == .applied {
                graph.appliedOrder.append(id)
                let (provider, receiver) = (event.payload.provider, event.payload.receiver)
                if registered?.0 != provider || registered?.1 != receiver {
                    if case let .feed(feed) = provider, graph.agents[provider] == nil {
                        graph.agents[provider] = GraphAgent(id: provider, answeredBy: feed)
                    }
                    if case let .feed(feed) = receiver, graph.agents[receiver] == nil {
                        graph.agents[receiver] = GraphAgent(id: receiver, answeredBy: feed)
                    }
                    registered = (provider, receiver)
                }
                if event.payload.corrects == nil, let from = event.fromResource {
                    event.previousEvent = graph.lastEventByResource.updateValue(id, forKey: from)
                }
            }
            event.status = status
            if history != nil {
                let original = event.payload.corrects.flatMap { graph.events[$0] }.map { EventLookups($0.payload, id: $0.id) }
                for resource in touchedResources(EventLookups(event.payload, id: id), container: event.container, original: original) {
                    let image = status == .applied ? graph.resources[resource].map(ResourceImage.init) : nil
                    history!.append(HistoryRow(resource: resource, order: place, event: id, image: image))
                }
            }
            graph.events[id] = event
        }
    }

    /// What step 2 found; see ``resolve()``. Events are named by their place in ``eventList``.
    package struct Resolution: Sendable {
        /// The status of every event that cannot be folded; absent: ready.
        package var statuses: [EntryID: EventStatus]
        /// The same, by place: nil for a ready event.
        package var settled: [EventStatus?]
        /// What step 2 decided of each event, by place: its status, root reason and what it waits for.
        package var outcomes: [PreFoldOutcome]
        /// The dependencies of each ready event (empty for the others), by place; then those of
        /// each shared place (``PreFoldNeed/shared(dependencies:)``), at the places `shared`.
        package var dependencies: [[Int32]]
        /// The places after the events': each process's container outputs, which its implicit
        /// combines depend on (once, not once per combine).
        package var shared: Range<Int>
        /// The containers implicit combines found.
        package var containers: [EntryID: ResourceID]
    }

    /// Step 2: the status of every event that cannot be folded (absent: ready), the
    /// dependencies of the ready ones, and the containers implicit combines found.
    package func resolve() -> Resolution {
        let known = CatalogueKnowledge(slots: slots, creators: creators, forgotten: forgotten)
        // The outputs of each process, read once for all combines without a container (rather
        // than the whole event list once per combine).
        let outputs = eventList.contains { $0.payload.isImplicitCombine } ? containerOutputs() : [:]
        // One shared place per process whose implicit combines find a container: its outputs
        // naming it, in id order. A thousand combines on a process with a thousand outputs
        // hold a thousand dependencies each on that place, not a million in all.
        var sharedPlaces: [EntryID: Int32] = [:]
        var shared: [PreFoldNeed] = []
        var sharedIDs: [EntryID] = []
        for (_, event) in eventList where event.isImplicitCombine {
            guard let process = event.inputOf, sharedPlaces[process] == nil, let found = outputs[process], found.count == 1 else { continue }
            sharedPlaces[process] = Int32(eventList.count + shared.count)
            shared.append(.shared(dependencies: found.first!.value.sorted().compactMap { eventIndex($0).map(Int32.init) }))
            sharedIDs.append(process)
        }
        // What each event refers to is a pure function of the catalogue: found on every core.
        let needs = eventList.indices.map { $0 }.concurrentMap(minimumChunk: 512) { [self, sharedPlaces] index -> PreFoldNeed in
            let event = eventList[index].payload
            return Self.need(of: event, known: known, creator: { creators[$0].map { eventList[$0].entry.id } },
                             implicitContainer: { Self.implicitContainer(of: event, outputs: outputs).map { ($0, event.inputOf.flatMap { sharedPlaces[$0] }) } },
                             place: { eventIndex($0).map(Int32.init) })
        } + shared
        var dependencies = [[Int32]](repeating: [], count: needs.count)
        var containers = [EntryID: ResourceID]()
        for (index, need) in needs.enumerated() {
            switch need {
            case let .ready(deps, container):
                dependencies[index] = deps
                if let container { containers[eventList[index].entry.id] = container }
            case let .shared(deps):
                dependencies[index] = deps
            case .failed:
                break
            }
        }
        let outcomes = PreFoldSettling(needs: needs, ids: eventList.map(\.entry.id) + sharedIDs,
                                       given: Array(repeating: nil, count: needs.count)).settle().prefix(eventList.count)
        var statuses = [EntryID: EventStatus]()
        for (index, outcome) in outcomes.enumerated() {
            guard let status = outcome.status else { continue }
            statuses[eventList[index].entry.id] = status
            dependencies[index] = []
        }
        return Resolution(statuses: statuses, settled: outcomes.map(\.status), outcomes: Array(outcomes), dependencies: dependencies,
                          shared: eventList.count ..< needs.count, containers: containers)
    }

    /// What one event needs (``PreFoldNeed``), from what is known: `creator` gives the event
    /// creating a resource, `implicitContainer` the container of a combine that names none
    /// with the caller's shared place of the process's outputs naming it (nil: none), and
    /// `place` turns an event id into the caller's numbering (nil: not an event it numbers).
    package static func need(of event: EconomicEventPayload, known: some KnownObjects, creator: (ResourceID) -> EntryID?,
                     implicitContainer: () -> Result<(container: ResourceID, outputs: Int32?), StatusFailure>,
                     place: (EntryID) -> Int32?) -> PreFoldNeed {
        switch EventValidator.checkReferences(event, known: known, origin: .remote) {
        case let .pending(reason)?: return .failed(.pending(reason), waitsFor: EventValidator.firstUnknownReference(event, known: known))
        case let .invalid(reason)?: return .failed(.invalid(reason), waitsFor: nil)
        default: break
        }
        var deps: [Int32] = []
        if let resource = event.resourceInventoriedAs, let creator = creator(resource), let p = place(creator) { deps.append(p) }
        if let resource = event.toResourceInventoriedAs, let creator = creator(resource), let p = place(creator) { deps.append(p) }
        if let original = event.corrects, let p = place(original) { deps.append(p) }
        var container: ResourceID?
        if event.isImplicitCombine {
            switch implicitContainer() {
            case let .failure(failure): return .failed(failure.status, waitsFor: event.inputOf?.hash)
            case let .success((found, outputs)):
                container = found
                if let outputs { deps.append(outputs) }
            }
        }
        return .ready(dependencies: deps, container: container)
    }

    /// The resources the `produce` and `modify` outputs (not corrections) of each process
    /// name, each with those outputs in event-list order.
    private func containerOutputs() -> [EntryID: [ResourceID: [EntryID]]] {
        var outputs: [EntryID: [ResourceID: [EntryID]]] = [:]
        for (entry, other) in eventList {
            if let process = other.outputOf, let resource = Self.container(madeBy: other, entry.id) {
                outputs[process, default: [:]][resource, default: []].append(entry.id)
            }
        }
        return outputs
    }

    /// The resource event `id` offers as a container to its process's combines: a `produce`
    /// or `modify` output's resource, not a correction's.
    package static func container(madeBy event: EconomicEventPayload, _ id: EntryID) -> ResourceID? {
        guard [.produce, .modify].contains(event.action), event.corrects == nil else { return nil }
        return event.fromResource(createdBy: id)
    }

    /// A `combine` without `toResourceInventoriedAs` goes into the resource output by the same
    /// process (shared README): the one resource named by its `produce` or `modify` outputs
    /// (`outputs`: ``containerOutputs()``). The combine depends on those outputs.
    package static func implicitContainer(of event: EconomicEventPayload,
                                          outputs: [EntryID: [ResourceID: [EntryID]]]) -> Result<ResourceID, StatusFailure> {
        guard let process = event.inputOf else {
            return .failure(StatusFailure(.invalid("combine needs a container: give toResourceInventoriedAs, or make it inputOf a process that outputs one")))
        }
        let found = outputs[process] ?? [:]
        switch found.count {
        case 0: return .failure(StatusFailure(.pending("combine waits for its container: process \(process) has no produce or modify output with a resource yet")))
        case 1: return .success(found.first!.key)
        default:
            return .failure(StatusFailure(.invalid("combine's container is ambiguous: process \(process) outputs \(ResourceID.listed(found.keys.sorted())); give toResourceInventoriedAs")))
        }
    }
}

extension Derivation: ConsentFacts {
    package typealias Failure = Never

    package func plannedEntry(_ id: EntryID) -> (planned: GraphPlanned, timestamp: Int64)? {
        guard let planned = catalogue.planned[id], let slot = slots[id] else { return nil }
        return (planned, entryList[Int(slot.entry)].timestamp)
    }

    package func sources(naming target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]?) -> [EntryID] {
        (planningLinks[target] ?? []).filter { $0.relation == relation && authors?.contains($0.author) ?? true }.map(\.source).sorted()
    }

    package func sources(naming target: EntryID, by relation: PlanningRelation, publishedOrAcceptedBy party: FeedID) -> [EntryID] {
        let signed = (planningLinks[target] ?? []).filter { link in
            link.relation == relation
                && (link.author == party || (planningLinks[link.source] ?? []).contains { $0.relation == .accepts && $0.author == party })
        }
        return Array(Set(signed.map(\.source))).sorted()
    }

    package func answeredBy(_ agent: AgentID) -> FeedID? {
        switch agent {
        case let .feed(feed): feed
        case .described: catalogue.agents[agent]?.answeredBy
        }
    }
}

package struct StatusFailure: Error {
    package let status: EventStatus
    package init(_ status: EventStatus) { self.status = status }
}

/// What the catalogue knows, for reference checks before the fold: any entry read, and any
/// resource some catalogued event creates (whether that event applies is the fold's business).
package struct CatalogueKnowledge: KnownObjects {
    package let slots: [EntryID: CatalogueSlot]
    package let creators: [ResourceID: Int]
    package let forgotten: ForgottenPayloads

    package func objectKind(of entry: EntryID) -> KnownKind? { slots[entry]?.kind }

    package func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge {
        creators[resource] == nil ? .unknown : .known(unit: nil)
    }
}

/// What the catalogue holds for one entry id.
package struct CatalogueSlot: Sendable {
    /// The kind of object the entry holds; nil when its payload is not held (it is then as
    /// unknown to references as an entry never seen).
    package var kind: KnownKind?
    /// The entry's place in ``Derivation/entryList``.
    package var entry: Int32
    /// The event's place in ``Derivation/eventList``; -1 for an entry that is not an event.
    package var event: Int32
}
