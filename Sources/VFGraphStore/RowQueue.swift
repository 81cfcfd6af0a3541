import Dispatch
import VFGraph
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

    /// Runs `make` on another thread, which hands each row it makes to the queue, and calls
    /// `write` here with each row, in the order made. If `write` throws, `make` is told to
    /// stop at its next row, is waited for, and the error is thrown; so is an error `make`
    /// throws, after the rows made before it are written.
    func run(make: @escaping @Sendable (_ emit: (Row) throws -> Void) throws -> Void,
             write: (Row) throws -> Void) throws {
        let made = BackgroundValue { Result { try self.produce(make) } }
        do {
            while let chunk = take() {
                for row in chunk { try write(row) }
            }
        } catch {
            cancel()
            _ = made.wait()
            throw error
        }
        try made.wait().get()
    }

    /// The producer's side: fills chunks and hands each over when full, and the last one at the end.
    private func produce(_ make: (_ emit: (Row) throws -> Void) throws -> Void) throws {
        var chunk: [Row] = []
        chunk.reserveCapacity(chunkSize)
        defer { end() }
        try make { row in
            chunk.append(row)
            if chunk.count == chunkSize {
                try put(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try put(chunk) }
    }

    /// Thrown to the producer once the consumer has stopped.
    struct Cancelled: Error {}

    private func put(_ chunk: [Row]) throws {
        room.wait()
        lock.lock()
        defer { lock.unlock() }
        guard !cancelled else { throw Cancelled() }
        chunks.append(chunk)
        waiting.signal()
    }

    private func end() {
        lock.lock()
        finished = true
        lock.unlock()
        waiting.signal()
    }

    /// The next chunk, waiting for it; nil once the producer ended and every chunk was taken.
    private func take() -> [Row]? {
        while true {
            waiting.wait()
            lock.lock()
            if !chunks.isEmpty {
                let chunk = chunks.removeFirst()
                lock.unlock()
                room.signal()
                return chunk
            }
            let done = finished
            lock.unlock()
            if done { return nil }
        }
    }

    /// The consumer stopped: the producer, waiting for room or not, stops at its next chunk.
    private func cancel() {
        lock.lock()
        cancelled = true
        chunks.removeAll()
        lock.unlock()
        room.signal()
    }
}
