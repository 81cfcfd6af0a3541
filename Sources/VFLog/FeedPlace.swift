/// Where an entry stands: its author's feed and its sequence there. A log holds at most one
/// entry at each place (a fork's second entry is kept apart, as proof: §6), so the place
/// names a held entry as its id does, and is known before the log stores it.
public struct FeedPlace: Sendable, Hashable {
    public let author: FeedID
    /// 1-based position in the author's feed.
    public let sequence: UInt64

    public init(author: FeedID, sequence: UInt64) {
        self.author = author
        self.sequence = sequence
    }
}

extension Entry {
    /// The entry's place in its author's feed.
    public var place: FeedPlace { FeedPlace(author: author, sequence: sequence) }
}

extension EntryRecord {
    /// The entry's place in its author's feed.
    public var place: FeedPlace { FeedPlace(author: author, sequence: sequence) }
}
