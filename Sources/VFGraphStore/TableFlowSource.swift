import VFGraph
import VFLog

extension GraphReader {
    /// Everything a resource or event came from, depth first, backwards: each step read by
    /// index, so a walk costs what it visits.
    public func trace(from start: FlowItem) throws -> [FlowStep] {
        try walk(from: start, backwards: true, maximumSteps: .max).flows
    }

    /// Everything a resource or event went into, depth first, forwards.
    public func track(from start: FlowItem) throws -> [FlowStep] {
        try walk(from: start, backwards: false, maximumSteps: .max).flows
    }

    /// ``trace(from:)`` (`backwards`) or ``track(from:)``, walked only as far as `limit`
    /// steps: nil when it has more. The walk stops at the first step over, so it takes at most
    /// `limit` steps, however much of the graph the item reaches. (Each step still reads all
    /// of its item's neighbours: a resource named by many events is read whole.)
    public func flow(from start: FlowItem, backwards: Bool, atMost limit: Int) throws -> [FlowStep]? {
        let walk = try walk(from: start, backwards: backwards, maximumSteps: max(1, limit))
        return walk.exceeded ? nil : walk.flows
    }

    private func walk(from start: FlowItem, backwards: Bool, maximumSteps: Int) throws -> FlowWalk<TableFlowSource> {
        var walk = FlowWalk(source: TableFlowSource(self), backwards: backwards)
        walk.maximumSteps = maximumSteps
        try walk.begin(start)
        return walk
    }
}


/// The tables of the graph store as a ``FlowSource``: each step of a walk is a few indexed
/// queries, and every event read is kept for the rest of the walk, so a track or trace costs
/// what it visits, not the size of the graph. The same steps as ``FlowIndex`` over a graph in memory.
final class TableFlowSource: FlowSource {
    private let reader: GraphReader
    private var events: [EntryID: GraphEvent?] = [:]

    init(_ reader: GraphReader) { self.reader = reader }

    func event(_ id: EntryID) throws -> GraphEvent? {
        if let known = events[id] { return known }
        let event = try reader.event(id)
        events[id] = event
        return event
    }

    func previous(_ item: FlowItem) throws -> [FlowItem] {
        switch item {
        case let .resource(id):
            // Into a resource: what an output or a raise/lower names as its resource, and
            // whatever names it as the resource something goes to.
            let named = try remember(reader.flowEvents(naming: id, asFrom: true)).filter {
                $0.payload.outputOf != nil || $0.payload.action == .raise || $0.payload.action == .lower
            }
            let into = try remember(reader.flowEvents(naming: id, asFrom: false))
            var seen = Set<EntryID>()
            return (named + into).filter { seen.insert($0.id).inserted }.map { .event($0.id) }
        case let .process(id):
            return try remember(reader.events(of: id, outputs: false)).filter { $0.payload.corrects == nil }.map { .event($0.id) }
        case let .event(id):
            guard let e = try event(id), e.status == .applied else { return [] }
            if let process = e.payload.outputOf { return [.process(process)] }
            if e.payload.action == .raise || e.payload.action == .lower, e.previousEvent == nil { return [] }
            if let from = e.fromResource { return [.resource(from)] }
            return []
        }
    }

    func next(_ item: FlowItem) throws -> [FlowItem] {
        switch item {
        case let .resource(id):
            // An output event names the resource it made, not one it came from.
            return try remember(reader.flowEvents(naming: id, asFrom: true)).filter { $0.payload.outputOf == nil }.map { .event($0.id) }
        case let .process(id):
            return try remember(reader.events(of: id, outputs: true)).filter { $0.payload.corrects == nil }.map { .event($0.id) }
        case let .event(id):
            guard let e = try event(id), e.status == .applied else { return [] }
            if let process = e.payload.inputOf { return [.process(process)] }
            if e.payload.outputOf != nil { return e.fromResource.map { [.resource($0)] } ?? [] }
            if let to = e.toResource { return [.resource(to)] }
            return []
        }
    }

    func eventAfter(_ event: GraphEvent) throws -> EntryID? {
        guard event.status == .applied, event.payload.corrects == nil, let from = event.fromResource, let order = event.order else {
            return nil
        }
        return try reader.neighbour(of: event.id, resource: from, order: order, later: true)
    }

    /// Keeps `found` for the rest of the walk, and returns it.
    private func remember(_ found: [GraphEvent]) -> [GraphEvent] {
        for event in found { events[event.id] = event }
        return found
    }
}
