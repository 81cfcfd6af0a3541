import GRDB

/// What every append to this node's own feed passes through: the lock (``OwnFeedLock``)
/// checked before an entry is signed, and the mark beside the secret key (``FeedMark``): before
/// the append commits it names the entries as `pending`, after it the mark moves to them. A
/// crash between the two leaves a pending mark, which the next reader settles by what the log
/// holds: so a crash neither leaves the mark behind the log nor locks the node. ``NodeHome/openStore()`` installs it; a ``LogStore`` opened without one
/// (tests, benchmarks, tools) signs freely.
public final class OwnFeedGuard: Sendable {
    public let feed: FeedID
    public let file: FeedMarkFile

    public init(feed: FeedID, file: FeedMarkFile) {
        self.feed = feed
        self.file = file
    }

    /// The mark; a home made before marks existed gets one from the log's head.
    func mark(in db: Database) throws -> FeedMark {
        if var mark = try file.read() {
            guard mark.feed == feed else {
                throw HomeError.malformedMarkFile(file.path, "of feed \(mark.feed), not this node's \(feed)")
            }
            if let pending = mark.pending {
                // An append was cut short: it committed if the log holds its last entry.
                if try LogStore.entryID(of: feed, sequence: pending.sequence, in: db) == pending.id {
                    mark = FeedMark(feed: feed, sequence: pending.sequence, id: pending.id, restored: mark.restored)
                } else {
                    mark.pending = nil
                }
                try file.write(mark)
            }
            return mark
        }
        let head = try LogStore.head(of: feed, in: db)
        let mark = FeedMark(feed: feed, sequence: head?.sequence ?? 0, id: head?.id)
        try file.write(mark)
        return mark
    }

    /// The lock as the mark and the log `db` holds decide it.
    func lock(in db: Database) throws -> (OwnFeedLock, FeedMark, FeedHead?) {
        let mark = try mark(in: db)
        let head = try LogStore.head(of: feed, in: db)
        let idAtMark = mark.sequence == 0 ? nil : try LogStore.entryID(of: feed, sequence: mark.sequence, in: db)
        return (OwnFeedLock.decide(mark: mark, heldSequence: head?.sequence ?? 0, idAtMark: idAtMark), mark, head)
    }

    /// Throws ``AppendError/locked(_:_:)`` unless entries of `author` may be signed after the
    /// log's head; returns the mark to move after, nil for another feed than this node's.
    func checkBeforeSigning(_ author: FeedID, in db: Database) throws -> FeedMark? {
        guard author == feed else { return nil }
        let (lock, mark, _) = try lock(in: db)
        if case let .locked(reason) = lock { throw AppendError.locked(feed, reason) }
        return mark
    }

    /// Names `last`, the newest entry an append of this feed is about to commit, as pending.
    func appending(_ last: Entry, after mark: FeedMark) throws {
        var pending = mark
        pending.pending = (last.sequence, last.id)
        try file.write(pending)
    }

    /// Moves the mark to `last`, the newest entry an append of this feed committed.
    func appended(_ last: Entry, after mark: FeedMark) throws {
        try file.write(FeedMark(feed: feed, sequence: last.sequence, id: last.id, restored: mark.restored))
    }

    /// Entries of this feed received from peers took the log's head past the mark: raise it,
    /// keeping `restored`, unless the log's entry at the mark is another one.
    func received(head: (sequence: UInt64, id: EntryID), in db: Database) throws {
        let mark = try mark(in: db)
        guard head.sequence > mark.sequence else { return }
        if mark.sequence > 0, try LogStore.entryID(of: feed, sequence: mark.sequence, in: db) != mark.id { return }
        try file.write(FeedMark(feed: feed, sequence: head.sequence, id: head.id, restored: mark.restored))
    }
}
