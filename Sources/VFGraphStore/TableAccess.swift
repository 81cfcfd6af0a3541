import Foundation
import GRDB

/// Where a ``GraphReader``'s questions go: each into a read transaction of its own on the
/// store's connection pool, or all into the one read transaction a caller holds
/// (``GraphReader/consistently(_:)``), so that answers read together describe one state of
/// the tables.
enum TableAccess: @unchecked Sendable {
    case pool(DatabasePool)
    /// A connection inside a read transaction, valid only while the closure that received it
    /// runs, and only on its thread. `@unchecked Sendable` because a reader holding it is
    /// handed only to that closure; `scope` makes a use anywhere else stop the process with a
    /// message instead of reading a connection another transaction may own by then.
    case transaction(Database, TransactionScope)

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        switch self {
        case let .pool(pool): return try pool.read(body)
        case let .transaction(db, scope):
            scope.check()
            return try body(db)
        }
    }
}

/// The life of one ``GraphReader/consistently(_:)`` call: its thread, and whether it still runs.
final class TransactionScope: @unchecked Sendable {
    private let thread = pthread_self()
    /// Written and read on `thread` only (``check()`` stops any other).
    private var open = true

    func check() {
        precondition(pthread_equal(thread, pthread_self()) != 0, "a reader of one transaction (GraphReader.consistently) was used on another thread")
        precondition(open, "a reader of one transaction (GraphReader.consistently) was used after its closure returned")
    }

    func close() { open = false }
}
