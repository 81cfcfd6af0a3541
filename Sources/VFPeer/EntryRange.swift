import VFLog

/// Entries `after+1 … through` of one feed, to send to a peer in order. Always
/// `after < through ≤ 2^63 − 1`, so `after + 1` cannot overflow.
public struct EntryRange: Sendable, Equatable, Hashable {
    public let feed: FeedID
    public let after: UInt64
    public let through: UInt64

    public init(feed: FeedID, after: UInt64, through: UInt64) {
        self.feed = feed
        self.after = after
        self.through = through
    }
}
