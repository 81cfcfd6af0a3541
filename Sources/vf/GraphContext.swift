import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
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

    /// A reader of the tables, once they are up to date with the log: each answer read by
    /// index, costing what it returns.
    func reader() throws -> GraphReader {
        try store.update(from: log)
        return store.reader(log: log)
    }

    /// The whole derived graph, up to date with the log: for `vf export --format jsonld`, which
    /// is the whole graph by nature.
    func graph() throws -> EconomicGraph { try store.graph(from: log) }
}

/// Reads the ID argument of `vf trace` and `vf track` and looks it up: a resource id
/// (`%….vf1res`), or the entry id of an applied event or a process.
func parseFlowItem(_ text: String, in reader: GraphReader) throws -> FlowItem {
    do { return try FlowStart.parse(text, in: reader) } catch let error as APIError { throw CLIError(error.reason) }
}

/// The ID argument of an item command (`vf resource`, `vf process`, `vf progress`, `vf plan`),
/// read by `parse` (``FlowStart/entryID(_:)`` or ``FlowStart/resourceID(_:)``).
func parseItemID<ID>(_ text: String, _ parse: (String) throws(APIError) -> ID) throws -> ID {
    do { return try parse(text) } catch { throw CLIError(error.reason) }
}

/// A listing's `--after`, read by `parse` (one of ``ListingCursor``'s).
func parseCursor<Cursor>(_ text: String?, _ parse: (String) throws(APIError) -> Cursor) throws -> Cursor? {
    guard let text else { return nil }
    do { return try parse(text) } catch { throw ValidationError("--\(error.reason)") }
}
