/// Whether this node may sign the next entry of its own feed: a pure decision from the mark
/// beside the secret key (``FeedMark``) and what `log.sqlite` holds of the feed.
///
/// Signing an entry at a sequence some peer already holds another entry at forks the feed for
/// good. The node therefore refuses while it may not hold the feed's latest entry: after a
/// restore from a backup, until a peer has shown what it holds (or the user declares there is
/// nothing newer); and whenever the log holds less than the mark, or another entry at it.
public enum OwnFeedLock: Sendable, Equatable {
    case unlocked
    case locked(Reason)

    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// Restored from a backup; the log holds the feed up to `held`.
        case restored(held: UInt64)
        /// The log holds the feed up to `held`, below the mark's `mark`.
        case behindMark(held: UInt64, mark: UInt64)
        /// The log's entry at the mark's sequence is not the one the mark names.
        case otherEntryAtMark(sequence: UInt64, held: EntryID, mark: EntryID)

        public var description: String {
            switch self {
            case let .restored(held):
                "this identity was restored from a backup, and this node may not hold its latest entries (it holds "
                    + (held == 0 ? "none" : "up to #\(held)") + "): an entry signed now could take a sequence number a peer "
                    + "already holds, forking the feed for good. " + Self.remedy
            case let .behindMark(held, mark):
                "log.sqlite holds " + (held == 0 ? "no entry" : "entries up to #\(held)") + " of this node's own feed but the mark beside the secret key "
                    + "(feed-mark) says #\(mark): the store lost entries (a truncated, replaced or old copy of log.sqlite). "
                    + "Signing now would sign a second entry #\(held + 1) and fork the feed for good. " + Self.remedy
            case let .otherEntryAtMark(sequence, held, mark):
                "log.sqlite's entry #\(sequence) of this node's own feed is \(held) but the mark beside the secret key "
                    + "(feed-mark) names \(mark): log.sqlite was replaced by another copy. " + Self.remedy
            }
        }

        /// The lock of a restore, as opposed to a log that lost entries.
        public var isRestore: Bool { if case .restored = self { true } else { false } }

        static let remedy = "Fetch the feed's latest entries from a peer or pub that holds them (vf sync ADDRESS, or vf serve); "
            + "the node unlocks once it has caught up. If you are sure no newer entry of this feed exists anywhere, "
            + "run vf unlock --i-have-the-latest-entries."
    }

    /// - Parameters:
    ///   - heldSequence: the latest sequence of the feed the log holds; 0 for none.
    ///   - idAtMark: the id of the log's entry at `mark.sequence`, if it holds one.
    public static func decide(mark: FeedMark, heldSequence: UInt64, idAtMark: EntryID?) -> OwnFeedLock {
        if let markID = mark.id {
            guard let idAtMark else { return .locked(.behindMark(held: heldSequence, mark: mark.sequence)) }
            guard idAtMark == markID else {
                return .locked(.otherEntryAtMark(sequence: mark.sequence, held: idAtMark, mark: markID))
            }
        }
        return mark.restored ? .locked(.restored(held: heldSequence)) : .unlocked
    }

    /// The mark after a peer showed it holds the feed up to `peerHolds` and the log now holds it
    /// up to `held` (`heldID`): cleared of `restored` and raised to the log's head, or nil if
    /// the node must stay locked (the log holds less than the peer or the mark, or the peer
    /// holds nothing of the feed and so proves nothing).
    public static func confirmed(_ mark: FeedMark, peerHolds: UInt64, held: UInt64, heldID: EntryID?, idAtMark: EntryID?) -> FeedMark? {
        guard peerHolds > 0, held >= peerHolds, let heldID,
              decide(mark: FeedMark(feed: mark.feed, sequence: mark.sequence, id: mark.id), heldSequence: held, idAtMark: idAtMark) == .unlocked
        else { return nil }
        // Unlocked here means the log holds the mark's entry, so `held` is at least the mark.
        return FeedMark(feed: mark.feed, sequence: held, id: heldID)
    }
}
