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
/// orders items "by id or approximate time", events are ordered by their causal order.
extension EconomicGraph {
    /// One flow step backwards. Each call indexes the graph; walks build one index and reuse it.
    public func previous(_ item: FlowItem) -> [FlowItem] { FlowIndex(self).previous(item) }

    /// One flow step forwards.
    public func next(_ item: FlowItem) -> [FlowItem] { FlowIndex(self).next(item) }

    /// Everything a resource or event came from, depth first, backwards.
    public func trace(from start: FlowItem) -> [FlowStep] {
        var walk = FlowWalk(source: MemoryFlowSource(self), backwards: true)
        walk.begin(start)
        return walk.flows
    }

    /// Everything a resource or event went into, depth first, forwards.
    public func track(from start: FlowItem) -> [FlowStep] {
        var walk = FlowWalk(source: MemoryFlowSource(self), backwards: false)
        walk.begin(start)
        return walk.flows
    }
}

/// What a walk reads of the graph: events with their breadcrumbs, and one step of a flow.
package protocol FlowSource {
    associatedtype Failure: Error
    /// An event with its status, order and breadcrumb (``GraphEvent/previousEvent``).
    func event(_ id: EntryID) throws(Failure) -> GraphEvent?
    func previous(_ item: FlowItem) throws(Failure) -> [FlowItem]
    func next(_ item: FlowItem) throws(Failure) -> [FlowItem]
    /// The applied event whose breadcrumb is `event`, if any.
    func eventAfter(_ event: GraphEvent) throws(Failure) -> EntryID?
}

/// A graph in memory as a ``FlowSource``, indexed once per walk.
package struct MemoryFlowSource: FlowSource {
    package let graph: EconomicGraph
    package let index: FlowIndex
    package let nextByPrevious: [EntryID: EntryID]

    package init(_ graph: EconomicGraph) {
        self.graph = graph
        index = FlowIndex(graph)
        var map = [EntryID: EntryID](minimumCapacity: graph.appliedOrder.count)
        for id in graph.appliedOrder { if let previous = graph.events[id]?.previousEvent { map[previous] = id } }
        nextByPrevious = map
    }

    package func event(_ id: EntryID) -> GraphEvent? { graph.events[id] }
    package func previous(_ item: FlowItem) -> [FlowItem] { index.previous(item) }
    package func next(_ item: FlowItem) -> [FlowItem] { index.next(item) }
    package func eventAfter(_ event: GraphEvent) -> EntryID? { nextByPrevious[event.id] }
}

/// The depth-first search shared by track and trace, with the pairing rules: going backwards
/// a `pickup` is followed only for a resource some `dropoff` delivered, an `accept` only for
/// one a `modify` output, a `combine` only for one a `separate` took out (and the mirror
/// image going forwards). A visited set stops cycles.
package struct FlowWalk<Source: FlowSource> {
    package let source: Source
    package let backwards: Bool
    package var flows: [FlowStep] = []
    package var visited: Set<FlowItem> = []
    /// Resources awaiting their pair: keyed by the action that would consume the expectation.
    package var expected: [Action: [ResourceID]] = [:]
    /// The most steps the walk takes: one more would have set ``exceeded`` and stopped it.
    package var maximumSteps = Int.max
    /// Whether the walk stopped because a step beyond ``maximumSteps`` was there to take.
    package private(set) var exceeded = false

    /// One level of the depth-first search, kept on an explicit stack: chains of tens of
    /// thousands of steps must not overflow the thread's stack.
    private struct Frame {
        let item: FlowItem
        let children: [FlowItem]
        var nextChild = 0
        let saved: EntryID?
    }

    package init(source: Source, backwards: Bool) {
        self.source = source
        self.backwards = backwards
    }

    /// For an event seen in this direction: the action whose appearance it licenses.
    private func opens(_ action: Action) -> Action? {
        switch (backwards, action) {
        case (true, .separate): .combine
        case (true, .modify): .accept
        case (true, .dropoff): .pickup
        case (false, .combine): .separate
        case (false, .accept): .modify
        case (false, .pickup): .dropoff
        default: nil
        }
    }

    private func event(_ item: FlowItem) throws(Source.Failure) -> GraphEvent? {
        if case let .event(id) = item { return try source.event(id) } else { return nil }
    }

    package mutating func begin(_ start: FlowItem) throws(Source.Failure) {
        visited.insert(start)
        let first = try event(start)
        flows.append(FlowStep(item: start, parent: nil, event: first))
        if let e = first, let licensed = opens(e.payload.action), let r = e.fromResource {
            expected[licensed, default: []].append(r)
        }
        var stack = [try frame(for: start, saved: nil)]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].nextChild < stack[top].children.count else {
                stack.removeLast()
                continue
            }
            let item = stack[top].children[stack[top].nextChild]
            stack[top].nextChild += 1
            guard !visited.contains(item) else { continue }
            let entered = try event(item)
            guard admits(entered) else { continue }
            guard flows.count < maximumSteps else {
                exceeded = true
                return
            }
            visited.insert(item)
            flows.append(FlowStep(item: item, parent: stack[top].item, event: entered))
            stack.append(try frame(for: item, saved: stack[top].saved))
        }
    }

    /// The neighbours of `current` in walking order: by causal order, and the event this walk
    /// came along (the saved breadcrumb) first. When the breadcrumb is not a neighbour but the
    /// first neighbour is a resource already visited, the breadcrumb is put first anyway: the
    /// walk would stop at that resource, and the breadcrumb is how it goes on along the
    /// resource's history, which holds events that are not the resource's neighbours (a `use`
    /// or `consume` of it is not among its `previous`, a `produce` into it not among its `next`).
    private func frame(for current: FlowItem, saved inherited: EntryID?) throws(Source.Failure) -> Frame {
        var saved = inherited
        if let e = try event(current) {
            saved = backwards ? e.previousEvent : try source.eventAfter(e)
        }
        var items = backwards ? try source.previous(current) : try source.next(current)
        if items.count > 1 {
            // Positions looked up once per item, not once per comparison; the comparison then
            // captures no copy of the walk.
            var ordered: [(FlowItem, EventOrder?)] = []
            ordered.reserveCapacity(items.count)
            for item in items { ordered.append((item, try event(item)?.order)) }
            let backwards = backwards
            // Only events have an order; neighbours are all events, or one item that is not.
            func precedes(_ a: EventOrder?, _ b: EventOrder?) -> Bool {
                switch (a, b) {
                case let (a?, b?): a < b
                case (nil, _?): true
                default: false
                }
            }
            items = ordered.sorted { a, b in
                if a.1 != b.1 { return backwards ? precedes(b.1, a.1) : precedes(a.1, b.1) }
                return a.0.description < b.0.description
            }.map(\.0)
        }
        if let saved, let position = items.firstIndex(of: .event(saved)) {
            items.insert(items.remove(at: position), at: 0)
        } else if let saved, case .resource? = items.first, visited.contains(items[0]),
                  !visited.contains(.event(saved)), try source.event(saved)?.status == .applied {
            // "Visited" is read as the pseudocode reads it: it orders an item's neighbours on
            // entering the item and processes the first at once. A frame is built the moment
            // its item enters `visited`, and the loop in `begin` takes its first child next,
            // with nothing entered in between, so the set is the same at both moments.
            items.insert(.event(saved), at: 0)
        }
        return Frame(item: current, children: items, saved: saved)
    }

    /// The pairing rules: whether the walk may enter `item`, recording what it opens.
    private mutating func admits(_ entered: GraphEvent?) -> Bool {
        guard let e = entered, let r = e.fromResource else { return true }
        let action = e.payload.action
        if var waiting = expected[action] {
            // This action closes a pair: follow it only if its resource was expected.
            guard let position = waiting.firstIndex(of: r) else { return false }
            waiting.remove(at: position)
            expected[action] = waiting
        } else if closes(action) {
            return false  // a closing action with nothing expected is someone else's flow
        } else if let licensed = opens(action) {
            expected[licensed, default: []].append(r)
        }
        return true
    }

    /// Whether meeting `action` in this direction must match an earlier expectation.
    private func closes(_ action: Action) -> Bool {
        switch action {
        case .pickup, .accept, .combine: backwards
        case .dropoff, .modify, .separate: !backwards
        default: false
        }
    }
}
