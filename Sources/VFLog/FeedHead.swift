/// The latest entry the store holds of one feed.
public struct FeedHead: Sendable, Equatable {
    public let author: FeedID
    public let sequence: UInt64
    public let id: EntryID
    /// The store holds a proof that the author signed two entries with one sequence number.
    public let forked: Bool
}

/// Two validly signed entries by one author with the same sequence number and different ids.
public struct ForkProof: Sendable, Equatable {
    public let stored: Entry
    public let conflicting: Entry
    public var author: FeedID { stored.author }
    public var sequence: UInt64 { stored.sequence }
}
