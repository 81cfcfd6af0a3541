import Foundation
import GRDB

extension LogStore {
    /// Runs `body` with one read transaction of the log held on this thread: each read
    /// `body` makes of this store on this thread (``records(ids:)`` and the rest) runs in it,
    /// on one snapshot, instead of opening a transaction of its own. A publish check or a
    /// graph update reads payloads by id one at a time, as each event it folds asks; a
    /// transaction each costs more than the read.
    ///
    /// Writes are not affected, but they are not seen either: `body` must not write the log
    /// and then read back what it wrote. Reads from other threads go on as before. Nested
    /// scopes use the outer one.
    public func readingInOneTransaction<T>(_ body: () throws -> T) throws -> T {
        if heldReads.database(on: pthread_self()) != nil { return try body() }
        let result: Result<T, Error> = try pool.read { db in
            heldReads.hold(db, on: pthread_self())
            defer { heldReads.release(on: pthread_self()) }
            return Result { try body() }
        }
        return try result.get()
    }
}

/// The log read transaction each thread holds (``LogStore/readingInOneTransaction(_:)``), if any.
final class HeldReads: @unchecked Sendable {
    private let lock = NSLock()
    private var byThread: [pthread_t: Database] = [:]

    func database(on thread: pthread_t) -> Database? {
        lock.withLock { byThread[thread] }
    }

    func hold(_ db: Database, on thread: pthread_t) {
        lock.withLock { byThread[thread] = db }
    }

    func release(on thread: pthread_t) {
        lock.withLock { _ = byThread.removeValue(forKey: thread) }
    }
}
