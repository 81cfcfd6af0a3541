import VFLog

/// Something a track or trace passes through.
public enum FlowItem: Hashable, Sendable, CustomStringConvertible {
    case event(EntryID)
    case process(EntryID)
    case resource(ResourceID)

    public var description: String {
        switch self {
        case let .event(id): "event \(id)"
        case let .process(id): "process \(id)"
        case let .resource(id): "resource \(id)"
        }
    }
}

/// One step of a track or trace, with the step it was reached from.
public struct FlowStep: Equatable, Sendable {
    public let item: FlowItem
    /// The item this one was reached from; nil for the starting item.
    public let parent: FlowItem?
    /// For an event: the event, with its author, sequence, entry id and signature flag.
    public let event: GraphEvent?
}

/// `previous`, `next`, `trace` and `track` from algorithms_track.md, over applied events.
/// Corrections adjust quantities, not flows, so they are left out. Where the pseudocode
/// orders items "by id or approximate time", events are ordered by their causal position.
extension EconomicGraph {
    private var flowEvents: [GraphEvent] {
        appliedOrder.compactMap { events[$0] }.filter { $0.payload.corrects == nil }
    }

    /// One flow step backwards.
    public func previous(_ item: FlowItem) -> [FlowItem] {
        switch item {
        case let .resource(id):
            return flowEvents.filter { e in
                (e.payload.outputOf != nil && e.fromResource == id) || e.toResource == id
                    || ([.raise, .lower].contains(e.payload.action) && e.fromResource == id)
            }.map { .event($0.id) }
        case let .process(id):
            return flowEvents.filter { $0.payload.inputOf == id }.map { .event($0.id) }
        case let .event(id):
            guard let e = events[id], e.status == .applied else { return [] }
            if let process = e.payload.outputOf { return [.process(process)] }
            if [.raise, .lower].contains(e.payload.action), e.previousEvent == nil { return [] }
            if let from = e.fromResource { return [.resource(from)] }
            return []
        }
    }

    /// One flow step forwards.
    public func next(_ item: FlowItem) -> [FlowItem] {
        switch item {
        case let .resource(id):
            // An output event names the resource it made, not one it came from.
            return flowEvents.filter { $0.fromResource == id && $0.payload.outputOf == nil }.map { .event($0.id) }
        case let .process(id):
            return flowEvents.filter { $0.payload.outputOf == id }.map { .event($0.id) }
        case let .event(id):
            guard let e = events[id], e.status == .applied else { return [] }
            if let process = e.payload.inputOf { return [.process(process)] }
            if e.payload.outputOf != nil { return e.fromResource.map { [.resource($0)] } ?? [] }
            if let to = e.toResource { return [.resource(to)] }
            return []
        }
    }

    /// Everything a resource or event came from, depth first, backwards.
    public func trace(from start: FlowItem) -> [FlowStep] {
        var walk = FlowWalk(graph: self, backwards: true)
        walk.begin(start)
        return walk.flows
    }

    /// Everything a resource or event went into, depth first, forwards.
    public func track(from start: FlowItem) -> [FlowStep] {
        var walk = FlowWalk(graph: self, backwards: false)
        walk.begin(start)
        return walk.flows
    }
}

/// The depth-first search shared by track and trace, with the pairing rules: going backwards
/// a `pickup` is followed only for a resource some `dropoff` delivered, an `accept` only for
/// one a `modify` output, a `combine` only for one a `separate` took out (and the mirror
/// image going forwards). A visited set stops cycles.
private struct FlowWalk {
    let graph: EconomicGraph
    let backwards: Bool
    var flows: [FlowStep] = []
    var visited: Set<FlowItem> = []
    /// Resources awaiting their pair: keyed by the action that would consume the expectation.
    var expected: [Action: [ResourceID]] = [:]
    let nextByPrevious: [EntryID: EntryID]

    init(graph: EconomicGraph, backwards: Bool) {
        self.graph = graph
        self.backwards = backwards
        var map = [EntryID: EntryID]()
        for id in graph.appliedOrder { if let previous = graph.events[id]?.previousEvent { map[previous] = id } }
        nextByPrevious = map
    }

    /// For an event seen in this direction: the action whose appearance it licenses.
    private func opens(_ action: Action) -> Action? {
        backwards
            ? [Action.separate: .combine, .modify: .accept, .dropoff: .pickup][action]
            : [Action.combine: .separate, .accept: .modify, .pickup: .dropoff][action]
    }

    private func event(_ item: FlowItem) -> GraphEvent? {
        if case let .event(id) = item { return graph.events[id] } else { return nil }
    }

    mutating func begin(_ start: FlowItem) {
        visited.insert(start)
        flows.append(FlowStep(item: start, parent: nil, event: event(start)))
        if let e = event(start), let licensed = opens(e.payload.action), let r = e.fromResource {
            expected[licensed, default: []].append(r)
        }
        search(from: start, saved: nil)
    }

    private mutating func search(from current: FlowItem, saved: EntryID?) {
        var saved = saved
        if let e = event(current) {
            saved = backwards ? e.previousEvent : nextByPrevious[e.id]
        }
        var items = backwards ? graph.previous(current) : graph.next(current)
        items.sort { a, b in
            let pa = event(a)?.position ?? 0, pb = event(b)?.position ?? 0
            if pa != pb { return backwards ? pa > pb : pa < pb }
            return a.description < b.description
        }
        if let saved, let index = items.firstIndex(of: .event(saved)) {
            items.insert(items.remove(at: index), at: 0)
        }
        for item in items where !visited.contains(item) {
            if let e = event(item), let r = e.fromResource {
                let action = e.payload.action
                if var waiting = expected[action] {
                    // This action closes a pair: follow it only if its resource was expected.
                    guard let index = waiting.firstIndex(of: r) else { continue }
                    waiting.remove(at: index)
                    expected[action] = waiting
                } else if [Action.pickup, .accept, .combine, .dropoff, .modify, .separate].contains(action),
                          closes(action) {
                    continue  // a closing action with nothing expected is someone else's flow
                } else if let licensed = opens(action) {
                    expected[licensed, default: []].append(r)
                }
            }
            visited.insert(item)
            flows.append(FlowStep(item: item, parent: current, event: event(item)))
            search(from: item, saved: saved)
        }
    }

    /// Whether meeting `action` in this direction must match an earlier expectation.
    private func closes(_ action: Action) -> Bool {
        backwards ? [.pickup, .accept, .combine].contains(action) : [.dropoff, .modify, .separate].contains(action)
    }
}
