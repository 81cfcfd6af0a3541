import Dispatch
import GRDB

/// A write transaction begun on another thread before everything it writes is known: `body`
/// writes what is ready at once and waits for the rest through ``Handoff``s.
///
/// A rebuild writes the graph this way, on the second core, while this one derives it: the
/// tables the catalogue decides first, then every event's row as the fold plans it while the
/// fold runs, then what the fold decided. Dropping the write without ``finish()`` gives up the
/// handoffs it was made with, so the transaction rolls back instead of waiting for ever.
final class OverlappedWrite {
    /// How the transaction ended: committed (true), rolled back by `body` (false), or the error.
    private let ended = Handoff<Result<Bool, any Error>>()
    private let giveUp: () -> Void
    private var finished = false

    /// Begins a `BEGIN IMMEDIATE` transaction on another thread and runs `body` in it: the
    /// transaction commits when `body` returns true and rolls back when it returns false or
    /// throws. `giveUp` must make every handoff `body` waits for return nil.
    init(_ pool: DatabasePool, giveUp: @escaping () -> Void, _ body: @escaping @Sendable (Database) throws -> Bool) {
        self.giveUp = giveUp
        let ended = ended
        DispatchQueue.global(qos: .userInitiated).async {
            ended.send(Result {
                var committed = false
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        committed = try body(db)
                        return committed ? .commit : .rollback
                    }
                }
                return committed
            })
        }
    }

    /// Waits until the transaction has ended, and throws what `body` or the commit threw, or
    /// ``Declined`` when `body` rolled back. Call once, after sending everything `body` waits for.
    func finish() throws {
        precondition(!finished, "an overlapped write finishes once")
        finished = true
        guard try ended.receive()!.get() else { throw Declined() }
    }

    /// The write rolled back because its body returned false: nothing was written.
    struct Declined: Error, CustomStringConvertible {
        var description: String { "the write was given up and rolled back" }
    }

    deinit {
        // Never finished (the caller threw): give up, and wait for the rollback so the writer
        // is free when the caller goes on.
        if !finished {
            giveUp()
            _ = ended.receive()
        }
    }
}
