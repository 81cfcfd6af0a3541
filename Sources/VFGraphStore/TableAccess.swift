import GRDB

/// Where a ``GraphReader``'s questions go: each into a read transaction of its own on the
/// store's connection pool, or all into the one read transaction a caller holds
/// (``GraphReader/consistently(_:)``), so that answers read together describe one state of
/// the tables.
enum TableAccess: @unchecked Sendable {
    case pool(DatabasePool)
    /// A connection inside a read transaction, valid only while the closure that received it
    /// runs, and only on its thread. `@unchecked Sendable` because a reader holding it is
    /// handed only to that closure, which must not keep it.
    case transaction(Database)

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        switch self {
        case let .pool(pool): try pool.read(body)
        case let .transaction(db): try body(db)
        }
    }
}
