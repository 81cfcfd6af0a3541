import VFLog

/// Keeps a derived graph up to date as entries arrive, in any order.
///
/// The graph always equals ``Derivation/derive(_:)`` of every entry inserted so far. When the
/// new entries only add events after everything already folded — the usual case, a feed
/// growing at its head — they are folded onto the current graph; otherwise (an earlier event
/// arrives late, a reference resolves, a process or agent appears) the graph is re-folded
/// from the start. Both give the same graph because the fold is a function of the causal
/// order, and in the first case the new events come last in it.
public struct GraphBuilder: Sendable {
    private var derivation = Derivation()
    private var statuses: [EntryID: EventStatus] = [:]
    /// The greatest order among the folded events: an event with a smaller one cannot be
    /// folded onto the graph, it belongs before something already folded.
    private var lastOrder: EventOrder?
    public private(set) var graph = EconomicGraph()
    /// How many inserts re-folded from the start, and how many folded onto the current graph.
    public private(set) var rebuilds = 0
    public private(set) var appends = 0

    public init() {}

    /// Every entry inserted so far.
    public var entries: [EntryID: GraphEntry] { derivation.entries }

    /// Adds entries (already known ones are ignored) and brings the graph up to date.
    public mutating func insert(_ newEntries: some Sequence<GraphEntry>) {
        settle(derivation.catalogue(Array(newEntries)))
    }

    /// Brings the graph up to date after `fresh` entries were catalogued.
    private mutating func settle(_ fresh: [GraphEntry]) {
        guard !fresh.isEmpty else { return }
        let resolution = derivation.resolve()
        let newStatuses = resolution.statuses
        if let appended = appendable(fresh, newStatuses: newStatuses, resolution: resolution) {
            // The events that are not folded; the fold makes the others as it takes them.
            for entry in fresh {
                if let index = derivation.eventIndex(entry.id), let status = newStatuses[entry.id] {
                    graph.events[entry.id] = derivation.makeEvent(index, container: derivation.container(index, resolution.containers),
                                                                   status: status)
                }
                if let rejected = derivation.catalogue.rejected[entry.id] { graph.rejected[entry.id] = rejected }
            }
            derivation.fold(appended, containers: resolution.containers, into: &graph)
            if let newLast = appended.last?.order { lastOrder = newLast }
            appends += 1
        } else {
            refold(resolution)
        }
        statuses = newStatuses
    }

    private mutating func refold(_ resolution: Derivation.Resolution) {
        let outcome = derivation.resolveAndFold(resolution)
        graph = outcome.graph
        lastOrder = outcome.lastOrder
        rebuilds += 1
    }

    /// The newly ready events (their places in the derivation's event list, with their orders,
    /// in causal order) if folding them onto the current graph is the same as re-folding
    /// everything: each comes after every event folded already. Nil otherwise.
    private func appendable(_ fresh: [GraphEntry], newStatuses: [EntryID: EventStatus],
                            resolution: Derivation.Resolution) -> [(event: Int, order: EventOrder)]? {
        for entry in fresh {
            switch derivation.kind(of: entry.id) {
            case .object(.economicEvent)?:
                // A new output can change the container, and so the order, of an earlier combine.
                if let process = derivation.eventPayload(entry.id)?.outputOf,
                   derivation.processesWithImplicitContainers.contains(process) { return nil }
            case .object?:
                return nil  // processes, specifications, agents can resolve or change earlier events
            default:
                break
            }
        }
        // No earlier event may change status before the fold.
        for (id, _) in graph.events where newStatuses[id] != statuses[id] { return nil }
        var keys: [(key: CausalKey, event: Int)] = []
        for id in Set(fresh.map(\.id)) where newStatuses[id] == nil {
            guard let index = derivation.eventIndex(id) else { continue }
            keys.append((CausalKey(event: derivation.eventList[index].payload, entry: derivation.eventList[index].entry), index))
        }
        // An event folded earlier has its order in the graph, whether it applied or not.
        let appended = CausalOrder.sort(keys: keys, dependencies: resolution.dependencies, shared: resolution.shared) { place in
            graph.events[derivation.eventList[place].entry.id]?.order
        }
        if let lastOrder, let first = appended.first, first.order < lastOrder { return nil }
        return appended
    }
}
