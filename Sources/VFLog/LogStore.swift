import Foundation
import GRDB

/// The durable log of every feed this node holds: entries, their payloads, feed heads and
/// fork proofs, in one SQLite database in WAL mode.
///
/// Every write is one `BEGIN IMMEDIATE` transaction, so several processes on one home (a
/// running node and `vf publish`) serialise cleanly, and `synchronous = FULL` makes every
/// returned write survive a crash of the process or the machine.
public final class LogStore: Sendable {
    let pool: DatabasePool
    /// The threads inside ``readingInOneTransaction(_:)``.
    let heldReads = HeldReads()
    public let path: String
    /// Checks appends to the home's own feed against the feed mark; nil: none is checked.
    public let ownFeed: OwnFeedGuard?

    /// Opens (creating if needed) the store at `path` and brings its schema up to date. With
    /// `ownFeed`, appends to that feed pass its lock and move its mark (``NodeHome/openStore()``).
    public init(path: String, ownFeed: OwnFeedGuard? = nil) throws(StoreError) {
        self.path = path
        self.ownFeed = ownFeed
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Checkpoint every 64 MB of WAL instead of every 4 MB: bulk writes checkpoint (and
            // fsync the database file) far less often.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
        }
        do {
            pool = try DatabasePool.openShared(path: path, configuration: config)
            try StoreSchema.migrator.migrateShared(pool)
        } catch {
            throw StoreError(operation: "open \(path)", underlying: error)
        }
    }

    /// Runs `body` in one immediate write transaction. Database failures become a
    /// ``StoreError``; errors `body` throws itself pass through unchanged.
    func writeImmediate<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: operation, underlying: error)
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            // Inside readingInOneTransaction: GRDB hands back the reader that holds the
            // transaction when this runs on its queue (a fresh one, without it, otherwise).
            if heldReads.isHeld(on: pthread_self()) { return try pool.unsafeReentrantRead(body) }
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(operation: operation, underlying: error)
        }
    }

    static var nowMilliseconds: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A store operation failed: the database could not be opened, read or written (a full
/// disk, a locked or corrupt file), or an entry read back does not decode.
public struct StoreError: Error, CustomStringConvertible {
    public let operation: String
    public let message: String

    init(operation: String, underlying: any Error) {
        self.operation = operation
        if let db = underlying as? DatabaseError {
            self.message = db.message ?? "\(db.resultCode)"
        } else {
            self.message = "\(underlying)"
        }
    }

    init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "store: cannot \(operation): \(message)" }
}
