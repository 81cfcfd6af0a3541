import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFPeer
import VFShapes

/// Turns what happens in the node into server-sent events: an `entry` for each entry that
/// becomes held, a `graph` naming what those entries changed, a `sync` when the sync status
/// moves (at most every 250 ms), and a comment every 15 s to keep idle connections open.
///
/// The node's observer only queues the heads that moved; reading the log and the graph happens
/// on this feed's own task and the API's threads, so neither the node's event loop nor Swift's
/// cooperative threads wait for SQLite.
final class EventFeed: Sendable {
    private let context: APIContext
    private let hub: EventHub
    private let blocking: BlockingPool
    private let pending = PendingHeads()
    /// Says "heads moved"; holds at most one unread signal, so a burst wakes the feed once.
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation
    /// More new entries than this in one batch are announced as one `graph` event only.
    static let maximumEntryEvents = 1000
    static let syncInterval: Duration = .milliseconds(250)
    static let keepAliveInterval: Duration = .seconds(15)

    init(context: APIContext, hub: EventHub, blocking: BlockingPool) {
        self.context = context
        self.hub = hub
        self.blocking = blocking
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Watches the node until the task running this is cancelled.
    func run() async {
        let pending = self.pending, signal = self.signal
        await context.node.onHeadsAdvanced { moved in
            pending.merge(moved)
            signal.yield()
        }
        let log = context.log
        let heads = (try? await blocking.run { try log.feeds() }) ?? []
        let start = Dictionary(uniqueKeysWithValues: heads.map { ($0.author, $0.sequence) })
        // Both loops end when this task is cancelled: the sleep throws, and the stream ends.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.tick() }
            group.addTask {
                var known = start
                // Heads that moved while the last batch was announced come as one batch.
                for await _ in self.signals { await self.announce(self.pending.take(), since: &known) }
            }
        }
    }

    private func announce(_ moved: [FeedID: UInt64], since known: inout [FeedID: UInt64]) async {
        var ranges: [(FeedID, ClosedRange<UInt64>)] = []
        for (feed, head) in moved.sorted(by: { $0.key < $1.key }) {
            let from = (known[feed] ?? 0) + 1
            known[feed] = max(known[feed] ?? 0, head)
            if hub.hasSubscribers, from <= head { ranges.append((feed, from...head)) }
        }
        guard !ranges.isEmpty else { return }
        let events: [ServerSentEvent]
        do {
            let reader = try await context.graph.reader()
            let log = context.log
            events = try await blocking.run { [ranges] in
                let (fresh, truncated) = Self.entries(ranges, from: log)
                return try Self.events(announcing: fresh, truncated: truncated, reader: reader)
            }
        } catch {
            hub.broadcast(ServerSentEvent(name: "graph", data: "{}"))
            return
        }
        guard hub.hasSubscribers else { return }
        for event in events { hub.broadcast(event) }
    }

    /// The entries in `ranges`, feed after feed, at most ``maximumEntryEvents``; `truncated`
    /// when some were left out (or could not be read).
    private static func entries(_ ranges: [(FeedID, ClosedRange<UInt64>)], from log: LogStore) -> (fresh: [SignedEntry], truncated: Bool) {
        var fresh: [SignedEntry] = []
        var truncated = false
        for (feed, range) in ranges {
            let room = maximumEntryEvents - fresh.count
            guard room > 0, let page = try? log.entries(author: feed, in: range, limit: room) else {
                truncated = true
                continue
            }
            if page.count < range.count { truncated = true }
            fresh += page
        }
        return (fresh, truncated)
    }

    /// An `entry` event for each of `fresh`, then a `graph` event naming the events among them
    /// and the resources those name — or `{}` ("reload") when a process, specification or agent
    /// came too, or `truncated` says entries were left out. Each looked up by index.
    private static func events(announcing fresh: [SignedEntry], truncated: Bool, reader: GraphReader) throws -> [ServerSentEvent] {
        guard !fresh.isEmpty || truncated else { return [] }
        let named = try reader.resourcesNamed(byEvents: fresh.map(\.entry.id))
        var events: [ServerSentEvent] = []
        var changedEvents: [EntryID] = []
        var changedResources = Set<ResourceID>()
        var otherObjects = truncated
        for signed in fresh {
            var writer = JSONWriter()
            try ReadEndpoints.entry(signed, reader: reader, to: &writer)
            events.append(ServerSentEvent(name: "entry", data: String(decoding: writer.bytes, as: UTF8.self)))
            if let resources = named[signed.entry.id] {
                changedEvents.append(signed.entry.id)
                changedResources.formUnion(resources)
            } else if try reader.status(of: signed.entry.id, at: signed.entry.place) != nil {
                otherObjects = true
            }
        }
        if otherObjects {
            events.append(ServerSentEvent(name: "graph", data: "{}"))
        } else if !changedEvents.isEmpty {
            let change = JSONWriter.bytes { w in
                w.beginObject()
                w.key("events"); w.array(changedEvents) { id, w in w.id(id) }
                w.key("resources"); w.array(changedResources.sorted()) { id, w in w.id(id) }
                w.endObject()
            }
            events.append(ServerSentEvent(name: "graph", data: String(decoding: change, as: UTF8.self)))
        }
        return events
    }

    /// The `sync` events and the keep-alive comments.
    private func tick() async {
        var last: SyncStatus?
        var sinceKeepAlive: Duration = .zero
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.syncInterval)
            sinceKeepAlive += Self.syncInterval
            guard hub.hasSubscribers else { last = nil; continue }
            let status = await SyncStatus.current(of: context.node)
            if status != last {
                hub.broadcast(ServerSentEvent(name: "sync", data: JSONText.string(status.json)))
                last = status
            }
            if sinceKeepAlive >= Self.keepAliveInterval {
                hub.broadcast(.comment("keep-alive"))
                sinceKeepAlive = .zero
            }
        }
    }
}

/// Heads moved and not yet announced, merged: the highest sequence seen for each feed.
private final class PendingHeads: @unchecked Sendable {
    private let lock = NSLock()
    private var heads: [FeedID: UInt64] = [:]

    func merge(_ moved: [FeedID: UInt64]) {
        lock.withLock { heads.merge(moved, uniquingKeysWith: max) }
    }

    func take() -> [FeedID: UInt64] {
        lock.withLock {
            defer { heads = [:] }
            return heads
        }
    }
}
