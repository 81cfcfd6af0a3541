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
    var catalogue = EconomicGraph()
    /// Processes with a `combine` that finds its container among the process's outputs.
    var processesWithImplicitContainers: Set<EntryID> = []

    public init() {}

    /// The graph of `entries`, from scratch.
    public static func derive(_ entries: some Sequence<GraphEntry>) -> EconomicGraph {
        var derivation = Derivation()
        for entry in entries { derivation.catalogue(entry) }
        return derivation.resolveAndFold().graph
    }

    /// Step 1 for one entry. Returns false if the entry was already known.
    @discardableResult
    mutating func catalogue(_ entry: GraphEntry) -> Bool {
        guard entries[entry.id] == nil else { return false }
        entries[entry.id] = entry
        guard let payload = entry.payload else { return true }
        let object: VFObject
        do { object = try VFObject.decode(payload, author: entry.author) } catch {
            catalogue.rejected[entry.id] = .invalid(error.reason)
            kinds[entry.id] = .notAGraphObject("an entry that was rejected (\(error.reason))")
            return true
        }
        guard let kind = object.kind else {
            kinds[entry.id] = .notAGraphObject("not a ValueFlows object")
            return true
        }
        guard entry.signatureVerified else {
            catalogue.rejected[entry.id] = .unauthorized("signature not verified")
            kinds[entry.id] = .notAGraphObject("an entry whose signature is not verified")
            return true
        }
        kinds[entry.id] = .object(kind)
        switch object {
        case let .event(event):
            eventPayloads[entry.id] = event
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
        return true
    }

    /// The outcome of steps 2 and 3.
    struct Outcome {
        var graph: EconomicGraph
        /// Causal keys of the events that were ready, i.e. folded.
        var readyKeys: [EntryID: CausalKey]
        var dependencies: [EntryID: [EntryID]]
    }

    /// Steps 2 and 3 over everything catalogued.
    func resolveAndFold() -> Outcome {
        var graph = catalogue
        let (statuses, dependencies, containers) = resolve()
        var keys = [EntryID: CausalKey]()
        for (id, payload) in eventPayloads {
            let entry = entries[id]!
            graph.events[id] = makeEvent(id, payload: payload, container: containers[id], status: statuses[id] ?? .applied)
            if statuses[id] == nil { keys[id] = CausalKey(event: payload, entry: entry) }
        }
        let order = CausalOrder.sort(keys: keys, dependencies: dependencies)
        fold(order, into: &graph)
        return Outcome(graph: graph, readyKeys: keys, dependencies: dependencies)
    }

    func makeEvent(_ id: EntryID, payload: EconomicEventPayload, container: ResourceID?, status: EventStatus) -> GraphEvent {
        let entry = entries[id]!
        var event = GraphEvent(provenance: entry.provenance, payload: payload, status: status,
                               fromResource: payload.fromResource(createdBy: id), toResource: payload.toResource(createdBy: id))
        event.container = payload.toResourceInventoriedAs.flatMap { payload.action == .combine ? $0 : nil } ?? container
        return event
    }

    /// Step 3: applies `order` (ready events, dependencies first) to `graph`.
    func fold(_ order: [EntryID], into graph: inout EconomicGraph) {
        for id in order {
            let entry = entries[id]!
            var event = graph.events[id]!
            event.status = EffectApplier.apply(event, entry: entry, to: &graph)
            if event.status == .applied {
                event.position = graph.appliedOrder.count
                graph.appliedOrder.append(id)
                for agent in [event.payload.provider, event.payload.receiver] {
                    if graph.agents[agent] == nil, case let .feed(feed) = agent {
                        graph.agents[agent] = GraphAgent(id: agent, answeredBy: feed)
                    }
                }
                if event.payload.corrects == nil, let from = event.fromResource {
                    event.previousEvent = graph.lastEventByResource[from]
                    graph.lastEventByResource[from] = id
                }
            }
            graph.events[id]!.status = event.status
            graph.events[id]!.position = event.position
            graph.events[id]!.previousEvent = event.previousEvent
        }
    }

    /// Step 2: the status of every event that cannot be folded (absent: ready), the
    /// dependencies of the ready ones, and the containers implicit combines found.
    func resolve() -> (statuses: [EntryID: EventStatus], dependencies: [EntryID: [EntryID]], containers: [EntryID: ResourceID]) {
        let known = CatalogueKnowledge(kinds: kinds, creators: creators)
        var own = [EntryID: EventStatus]()
        var dependencies = [EntryID: [EntryID]]()
        var containers = [EntryID: ResourceID]()
        for (id, event) in eventPayloads {
            switch EventValidator.checkReferences(event, known: known, origin: .remote) {
            case let .pending(reason)?: own[id] = .pending(reason); continue
            case let .invalid(reason)?: own[id] = .invalid(reason); continue
            default: break
            }
            var deps = [event.resourceInventoriedAs, event.toResourceInventoriedAs].compactMap { $0.flatMap { creators[$0] } }
            if let original = event.corrects { deps.append(original) }
            if event.action == .combine, event.toResourceInventoriedAs == nil {
                switch implicitContainer(of: event) {
                case let .failure(failure): own[id] = failure.status; continue
                case let .success((container, outputs)): containers[id] = container; deps += outputs
                }
            }
            dependencies[id] = deps
        }
        // An event waits for, or fails with, what it depends on.
        var statuses = [EntryID: EventStatus]()
        var resolved = Set<EntryID>()
        func settle(_ id: EntryID, visiting: inout Set<EntryID>) -> EventStatus? {
            if resolved.contains(id) { return statuses[id] }
            if let status = own[id] { statuses[id] = status; resolved.insert(id); return status }
            guard visiting.insert(id).inserted else { return .invalid("circular dependency through \(id)") }
            var result: EventStatus?
            for dep in dependencies[id] ?? [] where dep != id {
                switch settle(dep, visiting: &visiting) {
                case let .pending(reason)?: result = .pending("waits for \(dep): \(reason)")
                case let .invalid(reason)?: result = .invalid("depends on \(dep), which is invalid: \(reason)")
                case let .unauthorized(reason)?: result = .invalid("depends on \(dep), which is unauthorized: \(reason)")
                default: continue
                }
                break
            }
            visiting.remove(id)
            statuses[id] = result
            resolved.insert(id)
            return result
        }
        for id in eventPayloads.keys.sorted() {
            var visiting = Set<EntryID>()
            _ = settle(id, visiting: &visiting)
        }
        for id in statuses.keys where statuses[id] != nil { dependencies[id] = nil }
        return (statuses.compactMapValues { $0 }, dependencies, containers)
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
