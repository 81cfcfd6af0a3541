import VFGraph
import VFLog

/// A node's log and its graph store, opened together; every graph command starts here.
///
/// Commands answer from `HOME/graph.sqlite` when its cursors equal the feed heads (a running
/// node keeps it so, and so does `vf publish`); when the log has grown they first derive the
/// new entries and write the rows that changed.
struct GraphContext {
    let log: LogStore
    let store: GraphStore

    init(_ options: HomeOptions) throws {
        let home = options.resolved
        log = try home.openStore()
        do { store = try GraphStore(home: home) } catch { throw CLIError("\(error)") }
    }

    /// The derived graph, up to date with the log.
    func graph() throws -> EconomicGraph { try store.graph(from: log) }

    /// Every resource, ordered by id, straight from the tables once they are up to date.
    func resources() throws -> [EconomicResource] {
        try store.update(from: log)
        return try store.resources()
    }
}

/// Reads the ID argument of `vf resource`, `vf trace` and `vf track`: a resource id
/// (`%….vf1res`), or the entry id of an event or a process.
func parseFlowItem(_ text: String, in graph: EconomicGraph) throws -> FlowItem {
    if text.hasSuffix(".vf1res") {
        let id: ResourceID
        do { id = try ResourceID(parsing: text) } catch { throw CLIError("\(error)") }
        guard graph.resources[id] != nil else { throw CLIError("no resource \(id) in the graph") }
        return .resource(id)
    }
    let entry: EntryID
    do { entry = try EntryID(parsing: text) } catch {
        throw CLIError("not a resource id (%….vf1res) or an entry id (%….vf1): \"\(text)\"")
    }
    if let event = graph.events[entry] {
        guard event.status == .applied else { throw CLIError("event \(entry) is \(event.status); only applied events have flows") }
        return .event(entry)
    }
    if graph.processes[entry] != nil { return .process(entry) }
    throw CLIError("no event or process \(entry) in the graph")
}
