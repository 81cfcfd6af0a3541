import VFGraph
import VFLog

/// What one update of the graph store changed: the ids of every object that appeared, changed
/// or disappeared. A late entry that re-folds the graph can change objects far from itself (an
/// earlier event's status, a resource's quantity), and they are all listed.
public struct GraphChanges: Equatable, Sendable {
    public var resources: Set<ResourceID> = []
    /// Economic events whose status, causal position, container or corrections changed, or
    /// that are new; and those whose breadcrumb changed, when the store knew the graph before
    /// the update (a long-lived store: the tables hold no breadcrumbs to compare).
    public var events: Set<EntryID> = []
    public var processes: Set<EntryID> = []
    public var specifications: Set<EntryID> = []
    public var agents: Set<AgentID> = []
    /// Graph-typed entries that cannot be used (``EconomicGraph/rejected``).
    public var rejected: Set<EntryID> = []
    /// The feeds whose cursor moved, with the last sequence now folded in. Entries that are not
    /// ValueFlows objects move a cursor without changing anything else.
    public var cursors: [FeedID: UInt64] = [:]

    public init() {}

    /// True when no object of the graph changed (cursors may still have moved).
    public var isEmpty: Bool {
        resources.isEmpty && events.isEmpty && processes.isEmpty && specifications.isEmpty && agents.isEmpty && rejected.isEmpty
    }

    /// Adds `other`'s changes to these, for coalesced updates; the later cursor wins. In place,
    /// at the cost of `other` alone: a rebuild in steps gathers a million changed events a step at a time.
    public mutating func formUnion(_ other: GraphChanges) {
        resources.formUnion(other.resources)
        events.formUnion(other.events)
        processes.formUnion(other.processes)
        specifications.formUnion(other.specifications)
        agents.formUnion(other.agents)
        rejected.formUnion(other.rejected)
        cursors.merge(other.cursors) { _, later in later }
    }
}

extension GraphChanges {
    /// Every object of `graph` and every cursor, as changed: what a rebuild reports.
    init(everythingIn graph: EconomicGraph, cursors: [FeedID: UInt64]) {
        resources = Set(graph.resources.keys)
        events = Set(graph.events.keys)
        processes = Set(graph.processes.keys)
        specifications = Set(graph.specifications.keys)
        agents = Set(graph.agents.keys)
        rejected = Set(graph.rejected.keys)
        self.cursors = cursors
    }
}
