import VFLog

/// The tables of the graph store reduced to what the derivation can change, keyed as the
/// tables are: enough to tell which rows differ between two graphs without comparing payloads.
///
/// An entry id fixes its bytes, so its author, sequence and payload never change (the tables
/// do not hold them); only the columns kept here do. Built from a graph in memory (``init(_:cursors:)``) or read back
/// from the tables (``GraphTableReader/rows(_:)``), the two compare equal exactly when the
/// tables hold that graph.
struct GraphRows: Equatable, Sendable {
    var cursors: [FeedID: UInt64] = [:]
    var resources: [ResourceID: EconomicResource] = [:]
    var events: [EntryID: EventRow] = [:]
    var processes: Set<EntryID> = []
    var specifications: Set<EntryID> = []
    var agents: [AgentID: AgentRow] = [:]
    var rejected: [EntryID: EventStatus] = [:]

    init() {}

    init(_ graph: EconomicGraph, cursors: [FeedID: UInt64]) {
        self.cursors = cursors
        resources = graph.resources
        events.reserveCapacity(graph.events.count)
        for (id, e) in graph.events { events[id] = EventRow(e) }
        processes = Set(graph.processes.keys)
        specifications = Set(graph.specifications.keys)
        for (id, a) in graph.agents { agents[id] = AgentRow(answeredBy: a.answeredBy, describedBy: a.describedBy) }
        rejected = graph.rejected
    }
}

extension GraphRows {
    /// The events of `after` whose breadcrumb (``GraphEvent/previousEvent``) differs from
    /// `before`'s. A breadcrumb follows from the orders, but a late event can change it
    /// without changing any order: an event before it on the same resource may stop
    /// applying while another before it starts.
    static func movedBreadcrumbs(from before: EconomicGraph, to after: EconomicGraph) -> [EntryID] {
        after.events.compactMap { id, event in
            before.events[id].map { $0.previousEvent != event.previousEvent } ?? false ? id : nil
        }
    }
}

/// The columns of an `event` row the derivation decides. The breadcrumb
/// (``GraphEvent/previousEvent``) is not among them: it follows from the orders.
struct EventRow: Equatable, Sendable {
    var status: EventStatus
    var order: EventOrder?
    var container: ResourceID?
    var correctedBy: [EntryID]

    init(status: EventStatus, order: EventOrder?, container: ResourceID?, correctedBy: [EntryID]) {
        self.status = status
        self.order = order
        self.container = container
        self.correctedBy = correctedBy
    }

    init(_ event: GraphEvent) {
        self.init(status: event.status, order: event.order, container: event.container, correctedBy: event.correctedBy)
    }
}

/// The columns of an `event` row that readers look it up by: the resources it names and its
/// process. What the entry says, so they never change once the row is inserted.
struct EventLookups: Equatable, Sendable {
    var fromResource: ResourceID?
    var toResource: ResourceID?
    var inputOf: EntryID?
    var outputOf: EntryID?
    var corrects: EntryID?

    init(_ payload: EconomicEventPayload, id: EntryID) {
        fromResource = payload.fromResource(createdBy: id)
        toResource = payload.toResource(createdBy: id)
        inputOf = payload.inputOf
        outputOf = payload.outputOf
        corrects = payload.corrects
    }

    init(_ event: GraphEvent) { self.init(event.payload, id: event.id) }
}

/// The columns of an `agent` row the derivation decides; the payload follows `describedBy`.
struct AgentRow: Equatable, Sendable {
    var answeredBy: FeedID
    var describedBy: EntryID?
}

/// Which keys of one table to insert, update and delete to go from one state to another.
struct TableDiff<Key: Hashable> {
    var inserts: [Key] = []
    var updates: [Key] = []
    var deletes: [Key] = []

    init<Value: Equatable>(from old: [Key: Value], to new: [Key: Value]) {
        for (key, value) in new {
            if let previous = old[key] {
                if previous != value { updates.append(key) }
            } else {
                inserts.append(key)
            }
        }
        // Every key of `new` is an insert or a key of `old`, so old.count + inserts.count - new.count
        // keys of `old` are gone: the scan for them is skipped when that is zero, as it usually is.
        if old.count + inserts.count > new.count {
            for key in old.keys where new[key] == nil { deletes.append(key) }
        }
    }

    /// For a table whose rows are their keys alone: inserts and deletes, never an update.
    init(from old: Set<Key>, to new: Set<Key>) {
        inserts = Array(new.subtracting(old))
        deletes = Array(old.subtracting(new))
    }

    var isEmpty: Bool { inserts.isEmpty && updates.isEmpty && deletes.isEmpty }

    /// Every key touched.
    var all: [Key] { inserts + updates + deletes }
}

/// The row changes between two states of the tables.
struct GraphRowsDiff {
    var cursors: TableDiff<FeedID>
    var resources: TableDiff<ResourceID>
    var events: TableDiff<EntryID>
    var processes: TableDiff<EntryID>
    var specifications: TableDiff<EntryID>
    var agents: TableDiff<AgentID>
    var rejected: TableDiff<EntryID>

    init(from old: GraphRows, to new: GraphRows) {
        cursors = TableDiff(from: old.cursors, to: new.cursors)
        resources = TableDiff(from: old.resources, to: new.resources)
        events = TableDiff(from: old.events, to: new.events)
        processes = TableDiff(from: old.processes, to: new.processes)
        specifications = TableDiff(from: old.specifications, to: new.specifications)
        agents = TableDiff(from: old.agents, to: new.agents)
        rejected = TableDiff(from: old.rejected, to: new.rejected)
    }

    /// The ids the diff touches, as the public change set.
    func changes(cursors newCursors: [FeedID: UInt64]) -> GraphChanges {
        var changes = GraphChanges()
        changes.resources = Set(resources.all)
        changes.events = Set(events.all)
        changes.processes = Set(processes.all)
        changes.specifications = Set(specifications.all)
        changes.agents = Set(agents.all)
        changes.rejected = Set(rejected.all)
        for feed in cursors.inserts + cursors.updates { changes.cursors[feed] = newCursors[feed] }
        return changes
    }
}
