import GRDB
import VFLog

/// Reading resources back from the tables, so listing them needs no derivation at all.
extension GraphStore {
    /// Every resource in the tables, ordered by id; the same values as the graph's `resources`.
    public func resources() throws -> [EconomicResource] {
        try read(GraphTableReader.resources).sorted { $0.id < $1.id }
    }
}
