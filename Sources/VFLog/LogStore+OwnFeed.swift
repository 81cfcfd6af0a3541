import GRDB

extension LogStore {
    /// Whether this node may sign its own feed now; nil for a store opened without an
    /// ``OwnFeedGuard``.
    public func ownFeedLock() throws -> OwnFeedLock? {
        guard let ownFeed else { return nil }
        return try read("read the feed mark") { db in try ownFeed.lock(in: db, persist: false).lock }
    }

    /// A sync ended caught up with a peer whose clock says it holds this node's own feed up to
    /// `peerHolds`: if the log holds at least that and the mark, the lock is lifted and the mark
    /// raised to the log's head. Returns the new mark then; nil if the node was not locked, or
    /// stays locked.
    public func confirmOwnFeed(peerHolds: UInt64) throws -> FeedMark? {
        guard let ownFeed else { return nil }
        return try writeImmediate("confirm the feed mark") { db in
            let (lock, mark, head, idAtMark) = try ownFeed.lock(in: db, persist: true)
            guard lock != .unlocked else { return nil }
            guard let confirmed = OwnFeedLock.confirmed(mark, peerHolds: peerHolds, held: head?.sequence ?? 0, heldID: head?.id,
                                                        idAtMark: idAtMark) else { return nil }
            try ownFeed.file.write(confirmed)
            return confirmed
        }
    }

    /// The user declares that no entry of this node's own feed newer than the log's head exists
    /// anywhere: the mark is set to the log's head (lowered, if the log holds less) and the lock
    /// lifted. Returns the mark before and after; throws for a store without an ``OwnFeedGuard``.
    public func unlockOwnFeed() throws -> (before: FeedMark, after: FeedMark) {
        guard let ownFeed else { throw StoreError(operation: "unlock the own feed", message: "the store was opened without its home's feed mark") }
        return try writeImmediate("unlock the own feed") { db in
            let before = try ownFeed.mark(in: db, persist: true)
            let head = try Self.head(of: ownFeed.feed, in: db)
            let after = FeedMark(feed: ownFeed.feed, sequence: head?.sequence ?? 0, id: head?.id)
            try ownFeed.file.write(after)
            return (before, after)
        }
    }

    /// Throws ``AppendError/locked(_:_:)`` if `author` is this node's own feed and it may not be
    /// signed now. (``commit(_:count:)`` checks again, in its transaction.)
    func checkOwnFeed(_ author: FeedID) throws {
        guard let ownFeed, author == ownFeed.feed else { return }
        do {
            _ = try pool.read { db in try ownFeed.checkBeforeSigning(author, in: db, persist: false) }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read the head of \(author)", underlying: error)
        }
    }

    /// Runs an append of `author`'s feed in one immediate transaction: the guard's check first,
    /// then `body`; the last entry `body` returns is named in the mark as pending before the
    /// commit, and the mark moved to it after. If the commit fails, the mark is put back.
    func writeAppend<T>(_ operation: String, author: FeedID, _ body: (Database) throws -> (T, Entry?)) throws -> T {
        var before: FeedMark?, committing: Entry?
        let result: T
        do {
            result = try writeImmediate(operation) { db in
                let mark = try ownFeed?.checkBeforeSigning(author, in: db, persist: true)
                let (result, last) = try body(db)
                if let mark, let last {
                    try ownFeed!.appending(last, after: mark)
                    (before, committing) = (mark, last)
                }
                return result
            }
        } catch {
            if let before { try? ownFeed?.file.write(before) }
            throw error
        }
        // If this write fails, the pending mark is settled by the next read of it.
        if let before, let committing { try? ownFeed?.appended(committing, after: before) }
        return result
    }
}
