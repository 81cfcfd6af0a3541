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

    /// ``trace(from:)`` (`backwards`) or ``track(from:)``, walked only as far as `limit` steps
    /// and `reads` events of the tables (by default ``flowReads(forSteps:)``). The walk stops
    /// at the first step over, and a neighbour listing asks for no more rows than the reads
    /// left, so the events it reads (their rows and payloads) are bounded by its limits, however
    /// much of the graph the item reaches and however many events name one of the items it
    /// passes. The neighbours are read by index in causal order among the applied events only
    /// (v14), so events of others that did not apply are not passed over; SQLite still seeks
    /// the row of each applied event it passes to test its columns (a correction, an input when
    /// a step back looks for what made a resource, an output when a step forward looks for what
    /// a resource went into), and that work grows with the item's applied history, not with the
    /// limits.
    /// A walk over both limits may be reported as either.
    public func flow(from start: FlowItem, backwards: Bool, atMost limit: Int) throws -> BoundedFlow {
        try flow(from: start, backwards: backwards, atMost: limit, reading: Self.flowReads(forSteps: max(1, limit)))
    }

    /// ``flow(from:backwards:atMost:)`` reading at most `reads` events (tests set it small).
    func flow(from start: FlowItem, backwards: Bool, atMost limit: Int, reading reads: Int) throws -> BoundedFlow {
        let limit = max(1, limit)
        let reads = max(1, reads)
        do {
            let walk = try walk(from: start, backwards: backwards, maximumSteps: limit, reads: reads)
            return walk.exceeded ? .moreSteps : .steps(walk.flows)
        } catch is TableFlowSource.ReadLimitReached {
            return .moreReads(reads)
        }
    }

    /// The events a walk of at most `steps` steps may read: 4 per step, and at least 1,024. An
    /// event is read when it is a neighbour of an item the walk passes, whether or not the walk
    /// then takes it (the pairing rules, or a visit before, may pass it by), and an item's
    /// neighbours are read in its causal order.
    public static func flowReads(forSteps steps: Int) -> Int {
        max(1024, steps > Int.max / 4 ? Int.max : 4 * steps)
    }

    private func walk(from start: FlowItem, backwards: Bool, maximumSteps: Int, reads: Int = .max) throws -> FlowWalk<TableFlowSource> {
        var walk = FlowWalk(source: TableFlowSource(self, reads: reads), backwards: backwards)
        walk.maximumSteps = maximumSteps
        try walk.begin(start)
        return walk
    }
}

/// How a walk with limits ended (``GraphReader/flow(from:backwards:atMost:)``).
public enum BoundedFlow: Equatable, Sendable {
    /// The whole walk, within both limits.
    case steps([FlowStep])
    /// The walk has more steps than its limit.
    case moreSteps
    /// Taking its steps would read more than this many events: an item it passes is named by
    /// more events than the limit allows to read.
    case moreReads(Int)
}

/// The tables of the graph store as a ``FlowSource``: each step of a walk is a few indexed
/// queries, and every event read is kept for the rest of the walk, so a track or trace costs
/// what it visits, not the size of the graph. The same steps as ``FlowIndex`` over a graph in memory.
final class TableFlowSource: FlowSource {
    private let reader: GraphReader
    private var events: [EntryID: GraphEvent?] = [:]
    /// The most events this source reads from the tables; one more throws ``ReadLimitReached``.
    private let readLimit: Int
    /// The events read so far: each row a listing returned, and each event read alone.
    private var read = 0

    /// The walk would read more events than its source's limit.
    struct ReadLimitReached: Error {}

    init(_ reader: GraphReader, reads: Int = .max) {
        self.reader = reader
        readLimit = max(0, reads)
    }

    func event(_ id: EntryID) throws -> GraphEvent? {
        if let known = events[id] { return known }
        try count(1)
        let event = try reader.event(id)
        events[id] = event
        return event
    }

    func previous(_ item: FlowItem) throws -> [FlowItem] {
        switch item {
        case let .resource(id):
            // Into a resource: what an output or a raise/lower names as its resource, and
            // whatever names it as the resource something goes to.
            // (A raise or lower cannot be an input, so events that are inputs are not read at all:
            // a resource many processes use is not read whole to find what made it.)
            let named = try listed { try reader.flowEvents(naming: id, asFrom: true, only: .outputsAndNonInputs, limit: $0) }.filter {
                $0.payload.outputOf != nil || $0.payload.action == .raise || $0.payload.action == .lower
            }
            let into = try listed { try reader.flowEvents(naming: id, asFrom: false, limit: $0) }
            var seen = Set<EntryID>()
            return (named + into).filter { seen.insert($0.id).inserted }.map { .event($0.id) }
        case let .process(id):
            return try listed { try reader.events(of: id, outputs: false, limit: $0) }.filter { $0.payload.corrects == nil }.map { .event($0.id) }
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
            return try listed { try reader.flowEvents(naming: id, asFrom: true, only: .nonOutputs, limit: $0) }.map { .event($0.id) }
        case let .process(id):
            return try listed { try reader.events(of: id, outputs: true, limit: $0) }.filter { $0.payload.corrects == nil }.map { .event($0.id) }
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

    /// The events `list` finds when asked for at most one more than the reads left, each kept
    /// for the rest of the walk; throws ``ReadLimitReached`` when that one more is there.
    private func listed(_ list: (Int) throws -> [GraphEvent]) throws -> [GraphEvent] {
        let left = readLimit - read
        let found = try list(left == .max ? left : left + 1)
        try count(found.count)
        for event in found { events[event.id] = event }
        return found
    }

    private func count(_ events: Int) throws {
        guard events <= readLimit - read else { throw ReadLimitReached() }
        read += events
    }
}
