import Dispatch
import GRDB

/// A write transaction begun on another thread before everything it writes is known: it
/// writes what is ready at once, then waits for the rest (``finish(_:)``) and commits.
///
/// A rebuild writes the tables the catalogue decides (processes, specifications) this way, on
/// the second core, while this one resolves and folds the events; it was otherwise idle then.
final class OverlappedWrite<Rest: Sendable>: @unchecked Sendable {
    // `rest` is written before `handOver` is signalled and read after waiting for it;
    // `failure` is written before `done` is signalled and read after waiting for it.
    private var rest: Rest?
    private var failure: (any Error)?
    private let handOver = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var finished = false

    /// Begins a `BEGIN IMMEDIATE` transaction on another thread and runs `first` in it; the
    /// transaction then waits for ``finish(_:)`` to run `then` with the rest, and commits.
    init(_ pool: DatabasePool, first: @escaping @Sendable (Database) throws -> Void,
         then: @escaping @Sendable (Database, Rest) throws -> Void) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try first(db)
                        handOver.wait()
                        guard let rest else { return .rollback }
                        try then(db, rest)
                        return .commit
                    }
                }
            } catch {
                failure = error
            }
            done.signal()
        }
    }

    /// Hands over the rest (nil: roll back instead), waits until the transaction has ended, and
    /// throws what it threw, whether in `first` or in `then`. Call once.
    func finish(_ rest: Rest?) throws {
        precondition(!finished, "an overlapped write finishes once")
        finished = true
        self.rest = rest
        handOver.signal()
        done.wait()
        if let failure { throw failure }
    }

    deinit {
        // Never finished (the caller threw): let the transaction roll back instead of waiting.
        if !finished { handOver.signal() }
    }
}
