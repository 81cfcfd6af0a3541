import VFLog

/// Who flows into and out of what, indexed once per walk so each step of track and trace is a
/// lookup instead of a scan of every event: a trace grows with its length, not with the graph.
package struct FlowIndex {
    private let events: [EntryID: GraphEvent]
    private var intoResource: [ResourceID: [EntryID]] = [:]
    private var outOfResource: [ResourceID: [EntryID]] = [:]
    private var inputsOf: [EntryID: [EntryID]] = [:]
    private var outputsOf: [EntryID: [EntryID]] = [:]

    package init(_ graph: EconomicGraph) {
        events = graph.events
        // Sized once: growing four tables step by step rehashed every entry several times.
        let count = graph.appliedOrder.count
        intoResource.reserveCapacity(graph.resources.count)
        outOfResource.reserveCapacity(graph.resources.count)
        inputsOf.reserveCapacity(min(count, graph.processes.count))
        outputsOf.reserveCapacity(min(count, graph.processes.count))
        // Corrections adjust quantities; they are not steps of a flow.
        for id in graph.appliedOrder {
            guard let e = graph.events[id], e.payload.corrects == nil else { continue }
            let action = e.payload.action
            // The resources this event flows into, each once.
            let from = e.fromResource.flatMap { e.payload.outputOf != nil || action == .raise || action == .lower ? $0 : nil }
            if let from { intoResource[from, default: []].append(id) }
            if let to = e.toResource, to != from { intoResource[to, default: []].append(id) }
            if let from = e.fromResource, e.payload.outputOf == nil { outOfResource[from, default: []].append(id) }
            if let process = e.payload.inputOf { inputsOf[process, default: []].append(id) }
            if let process = e.payload.outputOf { outputsOf[process, default: []].append(id) }
        }
    }

    /// One flow step backwards.
    package func previous(_ item: FlowItem) -> [FlowItem] {
        switch item {
        case let .resource(id):
            return (intoResource[id] ?? []).map { .event($0) }
        case let .process(id):
            return (inputsOf[id] ?? []).map { .event($0) }
        case let .event(id):
            guard let e = events[id], e.status == .applied else { return [] }
            if let process = e.payload.outputOf { return [.process(process)] }
            if e.payload.action == .raise || e.payload.action == .lower, e.previousEvent == nil { return [] }
            if let from = e.fromResource { return [.resource(from)] }
            return []
        }
    }

    /// One flow step forwards.
    package func next(_ item: FlowItem) -> [FlowItem] {
        switch item {
        case let .resource(id):
            // An output event names the resource it made, not one it came from.
            return (outOfResource[id] ?? []).map { .event($0) }
        case let .process(id):
            return (outputsOf[id] ?? []).map { .event($0) }
        case let .event(id):
            guard let e = events[id], e.status == .applied else { return [] }
            if let process = e.payload.inputOf { return [.process(process)] }
            if e.payload.outputOf != nil { return e.fromResource.map { [.resource($0)] } ?? [] }
            if let to = e.toResource { return [.resource(to)] }
            return []
        }
    }
}
