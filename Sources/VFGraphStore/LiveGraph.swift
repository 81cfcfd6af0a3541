import VFGraph
import Dispatch
import Foundation
import VFLog

/// Keeps a node's graph store current while the node runs.
///
/// The node says when feeds advanced (``headsAdvanced()``, cheap and non-blocking, safe to
/// call from an event loop); the update runs later on this object's own serial queue, so a
/// burst of advances — a peer replicating thousands of entries — becomes a few updates, each
/// writing the rows changed since the one before. Readers read the tables
/// (``upToDateReader()``, ``reader``) from any thread; subscribers hear what each update
/// changed. Nothing of the graph is kept in memory.
public final class LiveGraph: @unchecked Sendable {
    private let store: GraphStore
    private let log: LogStore
    private let queue = DispatchQueue(label: "vf.live-graph")
    private let delay: DispatchTimeInterval
    private let errors: @Sendable (any Error) -> Void

    // Guarded by `lock`.
    private let lock = NSLock()
    private var handlers: [Int: @Sendable (GraphChanges) -> Void] = [:]
    private var nextToken = 0
    private var requested = false

    /// Opens the graph of `log` and brings the store up to date once, on the caller's thread.
    ///
    /// - Parameters:
    ///   - delay: how long an update waits after the first advance of a burst, so the rest of
    ///     the burst joins it.
    ///   - errors: called, on the update queue, when an update fails; the next advance retries.
    public init(store: GraphStore, log: LogStore, delay: DispatchTimeInterval = .milliseconds(20),
                errors: @escaping @Sendable (any Error) -> Void = { _ in }) throws {
        self.store = store
        self.log = log
        self.delay = delay
        self.errors = errors
        try store.update(from: log)
    }

    /// Calls `handler` on the update queue after each update that changed the graph or moved a
    /// cursor, with what changed; ``current`` already includes it. Keep handlers short: the
    /// next update waits for them.
    /// - Returns: a token for ``unsubscribe(_:)``.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (GraphChanges) -> Void) -> Int {
        lock.withLock {
            nextToken += 1
            handlers[nextToken] = handler
            return nextToken
        }
    }

    /// Stops calling the handler `subscribe` returned `token` for.
    public func unsubscribe(_ token: Int) {
        _ = lock.withLock { handlers.removeValue(forKey: token) }
    }

    /// Schedules an update; returns at once. Advances that come before it starts join it.
    public func headsAdvanced() {
        let schedule = lock.withLock {
            defer { requested = true }
            return !requested
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in runUpdate() }
    }

    /// Updates now, on the update queue, and waits for it: for start-up and tests.
    @discardableResult
    public func updateNow() throws -> GraphChanges {
        try queue.sync { try update() }
    }

    /// A reader of the tables once they hold every entry the log holds now (``upToDate()``
    /// without building the whole graph in memory for the caller): for readers that answer by index.
    public func upToDateReader() async throws -> GraphReader {
        try await onQueue { [self] in
            try update()
            return reader
        }
    }

    /// A reader of the tables as they stand, from any thread.
    public var reader: GraphReader { store.reader(log: log) }

    /// The verdict on a payload `author` would publish at `timestamp`
    /// (``GraphStore/check(_:author:timestamp:log:)``), on the update queue.
    public func check(_ payload: [UInt8], author: FeedID, timestamp: Int64, allowNegative: Bool = false) async throws -> PublishVerdict {
        try await onQueue { [self] in
            try store.check([payload], author: author, timestamp: timestamp, log: log, allowNegative: allowNegative).first ?? .refused("not checked")
        }
    }

    /// What became of a ``publish(_:key:allowNegative:)``.
    public enum Published: Sendable {
        case published(SignedEntry)
        /// Refused, for this reason; nothing was stored.
        case refused(String)
    }

    /// Publishes one ValueFlows payload as `key`'s next entry with one fold, on the update
    /// queue: signs it, and checks it against the tables in the transaction that, if it is
    /// accepted, stores it in the log and applies it (``GraphStore/publish(_:log:allowNegative:)``).
    /// Returns the verdict, and the entry when it was published. Signed again once if another
    /// writer moved the feed's head meanwhile (``GraphStore/signAndPublish(_:key:log:allowNegative:)``).
    public func publish(_ payload: [UInt8], key: SigningKey, allowNegative: Bool = false) async throws -> Published {
        try await onQueue { [self] in
            let (outcome, prepared) = try store.signAndPublish([payload], key: key, log: log, allowNegative: allowNegative)
            switch outcome {
            case .published: break
            case let .refused(_, reason): return .refused(reason)
            case .notAllValueFlows: return .refused("not a ValueFlows payload")
            }
            // The tables moved without an update: subscribers hear of the cursor.
            var changes = GraphChanges()
            changes.cursors[key.feed] = prepared.entries[prepared.entries.count - 1].entry.sequence
            for listener in lock.withLock({ Array(handlers.values) }) { listener(changes) }
            return .published(prepared.entries[0])
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func runUpdate() {
        lock.withLock { requested = false }
        do { try update() } catch { errors(error) }
    }

    /// On `queue` only: the store is not thread-safe.
    @discardableResult
    private func update() throws -> GraphChanges {
        let changes = try store.update(from: log)
        guard !changes.isEmpty || !changes.cursors.isEmpty else { return changes }
        for listener in lock.withLock({ Array(handlers.values) }) { listener(changes) }
        return changes
    }
}
