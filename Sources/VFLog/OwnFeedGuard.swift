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

    /// The mark, a pending one settled by what the log `db` holds (``FeedMark/settled(idAtPending:)``);
    /// a home made before marks existed gets one from the log's head. Written back only when
    /// `persist` says the caller holds the write lock: a reader computes it and writes
    /// nothing, so it can never put back a mark an append moved meanwhile.
    func mark(in db: Database, persist: Bool) throws -> FeedMark {
        if let stored = try file.read() {
            guard stored.feed == feed else {
                throw HomeError.malformedMarkFile(file.path, "of feed \(stored.feed), not this node's \(feed)")
            }
            guard let pending = stored.pending else { return stored }
            let settled = stored.settled(idAtPending: try LogStore.entryID(of: feed, sequence: pending.sequence, in: db))
            if persist { try file.write(settled) }
            return settled
        }
        let head = try LogStore.head(of: feed, in: db)
        let mark = FeedMark(feed: feed, sequence: head?.sequence ?? 0, id: head?.id)
        if persist { try file.write(mark) }
        return mark
    }

    /// The lock as the mark and the log `db` holds decide it, with the mark, the log's head and
    /// the id of the log's entry at the mark's sequence.
    func lock(in db: Database, persist: Bool) throws -> (lock: OwnFeedLock, mark: FeedMark, head: FeedHead?, idAtMark: EntryID?) {
        let mark = try mark(in: db, persist: persist)
        let head = try LogStore.head(of: feed, in: db)
        let idAtMark = mark.sequence == 0 ? nil : try LogStore.entryID(of: feed, sequence: mark.sequence, in: db)
        return (OwnFeedLock.decide(mark: mark, heldSequence: head?.sequence ?? 0, idAtMark: idAtMark), mark, head, idAtMark)
    }

    /// Throws ``AppendError/locked(_:_:)`` unless entries of `author` may be signed after the
    /// log's head; returns the mark to move after, nil for another feed than this node's.
    func checkBeforeSigning(_ author: FeedID, in db: Database, persist: Bool) throws -> FeedMark? {
        guard author == feed else { return nil }
        let (lock, mark, _, _) = try lock(in: db, persist: persist)
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
        let mark = try mark(in: db, persist: true)
        guard head.sequence > mark.sequence else { return }
        if mark.sequence > 0, try LogStore.entryID(of: feed, sequence: mark.sequence, in: db) != mark.id { return }
        try file.write(FeedMark(feed: feed, sequence: head.sequence, id: head.id, restored: mark.restored))
    }
}
