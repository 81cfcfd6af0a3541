import Foundation
import GRDB

extension LogStore {
    /// Runs `body` with one read transaction of the log held on this thread: each read
    /// `body` makes of this store on this thread (``records(ids:)`` and the rest) runs in it,
    /// on one snapshot, instead of opening a transaction of its own. A publish check or a
    /// step of a graph update reads payloads by id one at a time, as each event it folds asks;
    /// a transaction each costs more than the read.
    ///
    /// Writes are not affected, but they are not seen either: `body` must not write the log
    /// and then read back what it wrote. While the transaction is held, a checkpoint cannot
    /// reset the log's write-ahead log, so it may grow until `body` returns. Reads from other
    /// threads go on as before. Nested scopes use the outer one.
    public func readingInOneTransaction<T>(_ body: () throws -> T) throws -> T {
        let thread = pthread_self()
        if heldReads.isHeld(on: thread) { return try body() }
        let result: Result<T, Error>
        do {
            result = try pool.read { _ in
                heldReads.hold(on: thread)
                defer { heldReads.release(on: thread) }
                return Result { try body() }
            }
        } catch {
            throw StoreError(operation: "read the log in one transaction", underlying: error)
        }
        return try result.get()
    }
}

/// The threads that hold a read transaction of the log (``LogStore/readingInOneTransaction(_:)``),
/// each with what it read once for the whole transaction.
final class HeldReads: @unchecked Sendable {
    private let lock = NSLock()
    private var threads: [pthread_t: HeldRead] = [:]

    func isHeld(on thread: pthread_t) -> Bool {
        lock.withLock { threads[thread] != nil }
    }

    /// The read `thread` holds, if any: only that thread uses it.
    func held(on thread: pthread_t) -> HeldRead? {
        lock.withLock { threads[thread] }
    }

    func hold(on thread: pthread_t) {
        lock.withLock { threads[thread] = HeldRead() }
    }

    func release(on thread: pthread_t) {
        lock.withLock { _ = threads.removeValue(forKey: thread) }
    }
}

/// What one held read transaction has read that stays the same while it is held (one snapshot).
final class HeldRead {
    /// Whether the log has forgotten any payload, and what ``LogStore/isForgotten(_:)`` answered
    /// for each id asked (a check asks about every entry it names, often the same ones): so
    /// the cost is one read, or one per id asked, never one of every forgotten entry.
    var anyForgotten: Bool?
    var forgotten: [EntryID: Bool] = [:]
}
