import Foundation

/// Hands every server-sent event to every open stream. Each stream has its own buffer; a
/// client too slow to keep up loses the oldest events, never blocks the others.
final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [UUID: AsyncStream<ServerSentEvent>.Continuation] = [:]
    private var closed = false
    /// Events kept for a subscriber that does not read.
    static let bufferSize = 1000
    /// Open streams at most, so stalled clients cannot hold unbounded buffers.
    static let maximumSubscribers = 32

    init() {}

    /// A new stream of events, until ``unsubscribe(_:)`` or ``close()``; nil when
    /// ``maximumSubscribers`` streams are open already.
    func subscribe() -> (id: UUID, events: AsyncStream<ServerSentEvent>)? {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerSentEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferSize))
        let id = UUID()
        let accepted = lock.withLock { () -> Bool? in
            guard !closed else { return false }
            guard subscribers.count < Self.maximumSubscribers else { return nil }
            subscribers[id] = continuation
            return true
        }
        guard let accepted else { return nil }
        if !accepted { continuation.finish() }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        lock.withLock { subscribers.removeValue(forKey: id) }?.finish()
    }

    var hasSubscribers: Bool { lock.withLock { !subscribers.isEmpty } }

    func broadcast(_ event: ServerSentEvent) {
        for continuation in lock.withLock({ Array(subscribers.values) }) { continuation.yield(event) }
    }

    /// Ends every stream, and refuses new ones: the server is stopping.
    func close() {
        let all = lock.withLock { () -> [AsyncStream<ServerSentEvent>.Continuation] in
            closed = true
            defer { subscribers = [:] }
            return Array(subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
