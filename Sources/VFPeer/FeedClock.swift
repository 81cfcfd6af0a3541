import VFLog

/// What one side holds of the feeds it wants: feed → latest sequence held (0 = none yet).
///
/// Sent on connect so the other side sends only what is missing. Its hash lets a reconnect
/// announce "same as last time, except these" instead of repeating every feed.
public struct FeedClock: Sendable, Equatable {
    public private(set) var sequences: [FeedID: UInt64]

    public init(_ sequences: [FeedID: UInt64] = [:]) { self.sequences = sequences }

    public subscript(feed: FeedID) -> UInt64? {
        get { sequences[feed] }
        set { sequences[feed] = newValue }
    }

    public var count: Int { sequences.count }

    /// BLAKE2b-256 over the pairs sorted by feed key: `feed (32) ‖ u64be sequence`, concatenated.
    public var hash: Hash32 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sequences.count * 40)
        for (feed, sequence) in sequences.sorted(by: { $0.key < $1.key }) {
            bytes += feed.bytes
            withUnsafeBytes(of: sequence.bigEndian) { bytes += $0 }
        }
        return Sodium.blake2b256(bytes)
    }

    /// The changes that turn `base` into `self`: new or changed sequences, and removals.
    public func delta(from base: FeedClock) -> [ClockChange] {
        var changes: [ClockChange] = []
        for (feed, sequence) in sequences where base.sequences[feed] != sequence {
            changes.append(.init(feed: feed, sequence: sequence))
        }
        for feed in base.sequences.keys where sequences[feed] == nil {
            changes.append(.init(feed: feed, sequence: nil))
        }
        return changes.sorted { $0.feed < $1.feed }
    }

    public mutating func apply(_ changes: [ClockChange]) {
        for change in changes { sequences[change.feed] = change.sequence }
    }
}

/// One line of a clock message: the sender wants `feed` and holds it up to `sequence`;
/// `nil` means it no longer wants the feed.
public struct ClockChange: Sendable, Equatable {
    public let feed: FeedID
    public let sequence: UInt64?

    public init(feed: FeedID, sequence: UInt64?) {
        self.feed = feed
        self.sequence = sequence
    }
}
