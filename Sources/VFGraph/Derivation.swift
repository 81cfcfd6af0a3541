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
    /// Every entry given, by id.
    public private(set) var entries: [EntryID: GraphEntry] = [:]
    var kinds: [EntryID: KnownKind] = [:]
    var creators: [ResourceID: EntryID] = [:]
    var eventPayloads: [EntryID: EconomicEventPayload] = [:]
    /// The same events in the order catalogued, with their entries: steps 2 and 3 walk this
    /// instead of looking each entry up again.
    var eventList: [(entry: GraphEntry, payload: EconomicEventPayload)] = []
    var catalogue = EconomicGraph()
    /// Processes with a `combine` that finds its container among the process's outputs.
    var processesWithImplicitContainers: Set<EntryID> = []

    public init() {}

    /// The graph of `entries`, from scratch.
    public static func derive(_ entries: some Sequence<GraphEntry>) -> EconomicGraph {
        var derivation = Derivation()
        derivation.catalogue(Array(entries))
        return derivation.resolveAndFold(derivation.resolve()).graph
    }

    /// Step 1 for many entries: the payloads of the unknown ones are decoded on every core
    /// (decoding is a pure function of an entry), then catalogued one by one in the order
    /// given. Returns the entries that were not known yet.
    @discardableResult
    mutating func catalogue(_ batch: [GraphEntry]) -> [GraphEntry] {
        // A fresh derivation (a rebuild) knows nothing yet: no need to look.
        let unknown = entries.isEmpty ? batch : batch.filter { entries[$0.id] == nil }
        let decoded = unknown.concurrentMap(minimumChunk: 128) { Derivation.decode($0) }
        entries.reserveCapacity(entries.count + unknown.count)
        kinds.reserveCapacity(kinds.count + unknown.count)
        eventPayloads.reserveCapacity(eventPayloads.count + unknown.count)
        eventList.reserveCapacity(eventList.count + unknown.count)
        var fresh = [GraphEntry]()
        fresh.reserveCapacity(unknown.count)
        // By index: the decoded objects are borrowed from the array, not copied out of it.
        for i in unknown.indices where catalogue(unknown[i], decoded: decoded[i]) { fresh.append(unknown[i]) }
        return fresh
    }

    /// Step 1 for one entry. Returns false if the entry was already known.
    @discardableResult
    mutating func catalogue(_ entry: GraphEntry) -> Bool {
        guard entries[entry.id] == nil else { return false }
        return catalogue(entry, decoded: Self.decode(entry))
    }

    /// An entry's payload read as a graph object; nil when the payload is not held.
    private static func decode(_ entry: GraphEntry) -> Result<VFObject, ReasonError>? {
        guard let payload = entry.payload else { return nil }
        do { return .success(try VFObject.decode(payload, author: entry.author)) } catch { return .failure(error) }
    }

    private mutating func catalogue(_ entry: GraphEntry, decoded: Result<VFObject, ReasonError>?) -> Bool {
        // One lookup to insert; the first of two entries with one id is the one kept.
        if let earlier = entries.updateValue(entry, forKey: entry.id) {
            entries[entry.id] = earlier
            return false
        }
        switch decoded {
        case nil:
            return true
        case let .failure(error)?:
            catalogue.rejected[entry.id] = .invalid(error.reason)
            kinds[entry.id] = .notAGraphObject("an entry that was rejected (\(error.reason))")
            return true
        case let .success(object)?:
            catalogue(entry, object)
            return true
        }
    }

    private mutating func catalogue(_ entry: GraphEntry, _ object: VFObject) {
        guard let kind = object.kind else {
            kinds[entry.id] = .notAGraphObject("not a ValueFlows object")
            return
        }
        guard entry.signatureVerified else {
            catalogue.rejected[entry.id] = .unauthorized("signature not verified")
            kinds[entry.id] = .notAGraphObject("an entry whose signature is not verified")
            return
        }
        kinds[entry.id] = .object(kind)
        switch object {
        case let .event(event):
            eventPayloads[entry.id] = event
            eventList.append((entry, event))
            if event.newInventoriedResource != nil { creators[ResourceID(createdBy: entry.id)] = entry.id }
            if event.action == .combine, event.toResourceInventoriedAs == nil, let process = event.inputOf {
                processesWithImplicitContainers.insert(process)
            }
        case let .process(process):
            catalogue.processes[entry.id] = GraphProcess(id: entry.id, author: entry.author, payload: process)
        case let .resourceSpecification(spec):
            catalogue.specifications[entry.id] = GraphResourceSpecification(id: entry.id, author: entry.author, payload: spec)
        case let .agent(agent) where agent.isProfile:
            // A feed's latest profile describes it.
            let id = AgentID.feed(entry.author)
            let current = catalogue.agents[id]?.describedBy.flatMap { entries[$0]?.sequence } ?? 0
            if entry.sequence > current {
                catalogue.agents[id] = GraphAgent(id: id, answeredBy: entry.author, describedBy: entry.id, profile: agent)
            }
        case let .agent(agent):
            let id = AgentID.described(entry.id)
            catalogue.agents[id] = GraphAgent(id: id, answeredBy: entry.author, describedBy: entry.id, profile: agent)
        case .foreign:
            break
        }
        return
    }

    /// The outcome of steps 2 and 3.
    struct Outcome {
        var graph: EconomicGraph
        /// The greatest causal key among the events that were ready, i.e. folded.
        var lastKey: CausalKey?
        var dependencies: [EntryID: [EntryID]]
    }

    /// Steps 2 and 3 over everything catalogued; `resolution` is ``resolve()``'s.
    func resolveAndFold(_ resolution: Resolution) -> Outcome {
        var graph = catalogue
        let (statuses, dependencies, containers) = (resolution.statuses, resolution.dependencies, resolution.containers)
        var keys = [CausalKey]()
        keys.reserveCapacity(eventPayloads.count)
        graph.events.reserveCapacity(eventPayloads.count)
        for (entry, payload) in eventList {
            let id = entry.id
            // Most graphs have no unready event and no implicit container: skip those lookups.
            let status = statuses.isEmpty ? nil : statuses[id]
            let container = containers.isEmpty ? nil : containers[id]
            graph.events[id] = makeEvent(entry, payload: payload, container: container, status: status ?? .applied)
            if status == nil { keys.append(CausalKey(event: payload, entry: entry)) }
        }
        let order = CausalOrder.sort(keys: keys, dependencies: dependencies)
        fold(order, into: &graph)
        return Outcome(graph: graph, lastKey: keys.max(), dependencies: dependencies)
    }

    func makeEvent(_ id: EntryID, payload: EconomicEventPayload, container: ResourceID?, status: EventStatus) -> GraphEvent {
        makeEvent(entries[id]!, payload: payload, container: container, status: status)
    }

    private func makeEvent(_ entry: GraphEntry, payload: EconomicEventPayload, container: ResourceID?, status: EventStatus) -> GraphEvent {
        let id = entry.id
        var event = GraphEvent(provenance: entry.provenance, payload: payload, status: status,
                               fromResource: payload.fromResource(createdBy: id), toResource: payload.toResource(createdBy: id))
        event.container = payload.toResourceInventoriedAs.flatMap { payload.action == .combine ? $0 : nil } ?? container
        return event
    }

    /// Step 3: applies `order` (ready events, dependencies first) to `graph`.
    func fold(_ order: [EntryID], into graph: inout EconomicGraph) {
        graph.appliedOrder.reserveCapacity(graph.appliedOrder.count + order.count)
        // Consecutive events are mostly between the same agents: those are registered already.
        var registered: (AgentID, AgentID)?
        for id in order {
            var slot = graph.events.index(forKey: id)!
            let event = graph.events.values[slot]
            let status = EffectApplier.apply(event, to: &graph)
            var position: Int?, previousEvent: EntryID?
            if status == .applied {
                position = graph.appliedOrder.count
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
                    previousEvent = graph.lastEventByResource.updateValue(id, forKey: from)
                }
            }
            // Only a correction changes graph.events (its original's correctedBy) before the
            // write back; find the slot again then.
            if event.payload.corrects != nil { slot = graph.events.index(forKey: id)! }
            graph.events.values[slot].status = status
            graph.events.values[slot].position = position
            graph.events.values[slot].previousEvent = previousEvent
        }
    }

    /// What step 2 found; see ``resolve()``.
    struct Resolution {
        /// The status of every event that cannot be folded; absent: ready.
        var statuses: [EntryID: EventStatus]
        /// The dependencies of the ready events.
        var dependencies: [EntryID: [EntryID]]
        /// The containers implicit combines found.
        var containers: [EntryID: ResourceID]
    }

    /// Step 2: the status of every event that cannot be folded (absent: ready), the
    /// dependencies of the ready ones, and the containers implicit combines found.
    func resolve() -> Resolution {
        let known = CatalogueKnowledge(kinds: kinds, creators: creators)
        var own = [EntryID: EventStatus]()
        var dependencies = [EntryID: [EntryID]](minimumCapacity: eventPayloads.count)
        var containers = [EntryID: ResourceID]()
        for (entry, event) in eventList {
            let id = entry.id
            switch EventValidator.checkReferences(event, known: known, origin: .remote) {
            case let .pending(reason)?: own[id] = .pending(reason); continue
            case let .invalid(reason)?: own[id] = .invalid(reason); continue
            default: break
            }
            var deps: [EntryID] = []
            if let resource = event.resourceInventoriedAs, let creator = creators[resource] { deps.append(creator) }
            if let resource = event.toResourceInventoriedAs, let creator = creators[resource] { deps.append(creator) }
            if let original = event.corrects { deps.append(original) }
            if event.action == .combine, event.toResourceInventoriedAs == nil {
                switch implicitContainer(of: event) {
                case let .failure(failure): own[id] = failure.status; continue
                case let .success((container, outputs)): containers[id] = container; deps += outputs
                }
            }
            dependencies[id] = deps
        }
        // An event waits for, or fails with, what it depends on. `settled` holds every event
        // looked at so far, with nil for ready.
        var settled = [EntryID: EventStatus?](minimumCapacity: eventPayloads.count)
        // Every call leaves `visiting` as it found it, so one set serves every walk.
        var visiting = Set<EntryID>()
        var foundCycle = false
        func settle(_ id: EntryID) -> EventStatus? {
            if let status = settled[id] { return status }
            if !own.isEmpty, let status = own[id] { settled[id] = .some(status); return status }
            let deps = dependencies[id] ?? []
            var result: EventStatus?
            if !deps.isEmpty {
                guard visiting.insert(id).inserted else {
                    foundCycle = true
                    return .invalid("circular dependency through \(id)")
                }
                for dep in deps where dep != id {
                    switch settle(dep) {
                    case let .pending(reason)?: result = .pending("waits for \(dep): \(reason)")
                    case let .invalid(reason)?: result = .invalid("depends on \(dep), which is invalid: \(reason)")
                    case let .unauthorized(reason)?: result = .invalid("depends on \(dep), which is unauthorized: \(reason)")
                    default: continue
                    }
                    break
                }
                visiting.remove(id)
            }
            settled[id] = .some(result)
            return result
        }
        // Without a cycle, what each event settles to does not depend on where the walks start,
        // so catalogue order will do; a cycle's reason names where its walk entered it, so
        // then every walk starts over in id order, as the result must not depend on arrival.
        for (entry, _) in eventList { _ = settle(entry.id) }
        if foundCycle {
            settled.removeAll(keepingCapacity: true)
            for id in eventList.map(\.entry.id).sorted() { _ = settle(id) }
        }
        var statuses = [EntryID: EventStatus]()
        for (id, status) in settled {
            guard let status else { continue }
            statuses[id] = status
            dependencies[id] = nil
        }
        return Resolution(statuses: statuses, dependencies: dependencies, containers: containers)
    }

    /// A `combine` without `toResourceInventoriedAs` goes into the resource output by the same
    /// process (shared README): the one resource named by its `produce` or `modify` outputs.
    func implicitContainer(of event: EconomicEventPayload) -> Result<(ResourceID, [EntryID]), StatusFailure> {
        guard let process = event.inputOf else {
            return .failure(StatusFailure(.invalid("combine needs a container: give toResourceInventoriedAs, or make it inputOf a process that outputs one")))
        }
        var found = [ResourceID: [EntryID]]()
        for (id, other) in eventPayloads where other.outputOf == process && [.produce, .modify].contains(other.action) && other.corrects == nil {
            if let resource = other.fromResource(createdBy: id) { found[resource, default: []].append(id) }
        }
        switch found.count {
        case 0: return .failure(StatusFailure(.pending("combine waits for its container: process \(process) has no produce or modify output with a resource yet")))
        case 1: return .success((found.first!.key, found.first!.value.sorted()))
        default:
            return .failure(StatusFailure(.invalid("combine's container is ambiguous: process \(process) outputs \(found.keys.sorted().map(\.description).joined(separator: ", ")); give toResourceInventoriedAs")))
        }
    }
}

struct StatusFailure: Error {
    let status: EventStatus
    init(_ status: EventStatus) { self.status = status }
}

/// What the catalogue knows, for reference checks before the fold: any entry read, and any
/// resource some catalogued event creates (whether that event applies is the fold's business).
struct CatalogueKnowledge: KnownObjects {
    let kinds: [EntryID: KnownKind]
    let creators: [ResourceID: EntryID]

    func objectKind(of entry: EntryID) -> KnownKind? { kinds[entry] }

    func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge {
        creators[resource] == nil ? .unknown : .known(unit: nil)
    }
}
