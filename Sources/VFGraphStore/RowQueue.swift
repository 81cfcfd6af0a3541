import Dispatch
import Foundation

/// Rows made on one thread and written on another, in chunks, with at most `depth` chunks
/// waiting: a rebuild makes each row (sorting, looking up, converting) on a second core while
/// SQLite writes the rows made before. Memory holds at most `depth + 2` chunks, whatever the
/// number of rows. One producer, one consumer.
final class RowQueue<Row: Sendable>: @unchecked Sendable {
    private let chunkSize: Int
    private let lock = NSLock()
    // Guarded by `lock`.
    private var chunks: [[Row]] = []
    private var finished = false
    private var cancelled = false
    /// Counts chunks waiting, and the end; the consumer waits on it.
    private let waiting = DispatchSemaphore(value: 0)
    /// Counts the room for chunks; the producer waits on it.
    private let room: DispatchSemaphore

    init(chunkSize: Int = 4096, depth: Int = 4) {
        precondition(chunkSize > 0 && depth > 0)
        self.chunkSize = chunkSize
        // Made at 0 and raised: libdispatch traps on freeing a semaphore whose count is below
        // the one it was made with, which a queue stopped early leaves.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<depth { room.signal() }
    }

    /// Runs `make` on a thread of its own, which hands each row it makes to the queue, and
    /// calls `write` here with each row, in the order made. Returns or throws only once `make`
    /// has returned. If `write` throws, `emit` throws from the next full chunk on, so `make`
    /// stops there (it must pass on what `emit` throws), and `write`'s error is thrown. If
    /// `make` throws, the full chunks it handed over are written, then its error is thrown.
    ///
    /// A thread, not a worker of Dispatch's global pool: making the rows of a million events
    /// takes seconds, and that pool's few workers serve the rest of the process (`vf serve`).
    func run(make: @escaping @Sendable (_ emit: (Row) throws -> Void) throws -> Void,
             write: (Row) throws -> Void) throws {
        let made = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Void, any Error> = .success(())
        // Written by the thread before it signals `made`, read here after waiting for it.
        let producer = Thread { [self] in
            outcome = Result { try produce(make) }
            made.signal()
        }
        producer.name = "vf rows"
        producer.start()
        do {
            while let chunk = take() {
                for row in chunk { try write(row) }
            }
        } catch {
            cancel()
            made.wait()
            throw error
        }
        made.wait()
        try outcome.get()
    }

    /// The producer's side: fills chunks and hands each over when full, and the last one at the end.
    private func produce(_ make: (_ emit: (Row) throws -> Void) throws -> Void) throws {
        var chunk: [Row] = []
        chunk.reserveCapacity(chunkSize)
        defer { end() }
        try make { row in
            chunk.append(row)
            if chunk.count == chunkSize {
                // A new buffer, whether the full one is taken or not: a `make` that goes on
                // after `emit` threw does not grow one without bound.
                let full = chunk
                chunk = []
                chunk.reserveCapacity(chunkSize)
                try put(full)
            }
        }
        if !chunk.isEmpty { try put(chunk) }
    }

    /// Thrown to the producer once the consumer has stopped.
    struct Cancelled: Error {}

    private func put(_ chunk: [Row]) throws {
        // Once stopped, never wait: a `make` that went on after `emit` threw would wait for
        // room no consumer will make.
        try lock.withLock { if cancelled { throw Cancelled() } }
        room.wait()
        try lock.withLock {
            guard !cancelled else { throw Cancelled() }
            chunks.append(chunk)
        }
        waiting.signal()
    }

    private func end() {
        lock.withLock { finished = true }
        waiting.signal()
    }

    /// The next chunk, waiting for it; nil once the producer ended and every chunk was taken.
    private func take() -> [Row]? {
        while true {
            waiting.wait()
            let (chunk, done): ([Row]?, Bool) = lock.withLock {
                chunks.isEmpty ? (nil, finished) : (chunks.removeFirst(), false)
            }
            if let chunk {
                room.signal()
                return chunk
            }
            if done { return nil }
        }
    }

    /// The consumer stopped: the producer, waiting for room or not, stops at its next chunk.
    private func cancel() {
        lock.withLock {
            cancelled = true
            chunks.removeAll()
        }
        room.signal()
    }
}
