import Dispatch
import GRDB

/// A write transaction begun on another thread before everything it writes is known: it
/// writes what is ready at once, then waits for the rest (``finish(_:)``) and commits.
///
/// A rebuild writes the tables the catalogue decides (processes, specifications) this way, on
/// the second core, while this one resolves and folds the events; it was otherwise idle then.
/// A write dropped without ``finish(_:)`` rolls back, so a caller that throws in between does
/// not leave the database's writer waiting.
final class OverlappedWrite<Rest: Sendable> {
    private let state = State()
    private var finished = false

    /// What the two threads share. The worker holds this, not the write itself, so dropping the
    /// write runs its `deinit` while the worker waits.
    private final class State: @unchecked Sendable {
        // `rest` is written before `handOver` is signalled and read after waiting for it;
        // `failure` is written before `done` is signalled and read after waiting for it.
        var rest: Rest?
        var failure: (any Error)?
        let handOver = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
    }

    /// Begins a `BEGIN IMMEDIATE` transaction on another thread and runs `first` in it; the
    /// transaction then waits for ``finish(_:)`` to run `then` with the rest, and commits.
    init(_ pool: DatabasePool, first: @escaping @Sendable (Database) throws -> Void,
         then: @escaping @Sendable (Database, Rest) throws -> Void) {
        let state = state
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try first(db)
                        state.handOver.wait()
                        guard let rest = state.rest else { return .rollback }
                        try then(db, rest)
                        return .commit
                    }
                }
            } catch {
                state.failure = error
            }
            state.done.signal()
        }
    }

    /// Hands over the rest (nil: roll back instead), waits until the transaction has ended, and
    /// throws what it threw, whether in `first` or in `then`. Call once.
    func finish(_ rest: Rest?) throws {
        precondition(!finished, "an overlapped write finishes once")
        finished = true
        state.rest = rest
        state.handOver.signal()
        state.done.wait()
        if let failure = state.failure { throw failure }
    }

    deinit {
        // Never finished (the caller threw): the transaction rolls back; wait for it to end, so
        // the writer is free when the caller goes on.
        if !finished {
            state.handOver.signal()
            state.done.wait()
        }
    }
}
