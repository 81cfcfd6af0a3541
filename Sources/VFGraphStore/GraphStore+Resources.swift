import VFGraph
import GRDB
import VFLog

/// Reading the tables back without deriving anything.
extension GraphStore {
    /// Every resource in the tables, ordered by id; the same values as the graph's `resources`.
    public func resources() throws -> [EconomicResource] {
        try read { try GraphTableReader.resources($0) }.sorted { $0.id < $1.id }
    }

    /// A reader of these tables, taking what entries say from `log`: answers by index, from
    /// any thread, as the tables stand (``update(from:)`` first to include the latest entries).
    public func reader(log: LogStore) -> GraphReader {
        GraphReader(pool: readPool, log: log)
    }
}
