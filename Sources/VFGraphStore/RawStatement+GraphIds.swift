import VFGraph
import GRDB
import VFLog

/// What the graph store adds to VFLog's ``RawStatement``: its own id type, and id columns that
/// name the table when they hold anything but an id.
extension RawStatement {
    func bind(_ index: Int32, _ resource: ResourceID?) { bind(index, resource?.hash) }

    /// Binds an entry's place and id at `first` to `first + 2`, for ``GraphSchema/eventAt(_:)``.
    func bindEvent(_ place: FeedPlace, _ id: EntryID, from first: Int32) throws {
        bind(first, place.author)
        bind(first + 1, try place.storedSequence)
        bind(first + 2, id)
    }

    /// A 32-byte id column (nil when NULL); throws when the column holds anything else.
    func hash(_ column: Int32, table: @autoclosure () -> String) throws -> Hash32? {
        guard !isNull(column) else { return nil }
        guard let hash = hash32(column) else {
            throw GraphStoreError("\(table()): column \(column) is not a 32-byte id; run vf graph rebuild")
        }
        return hash
    }
}
