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

    /// The pairs sorted by feed key, `feed (32) ‖ u64be sequence` each, concatenated: the
    /// input of ``hash`` and the form in which clocks are remembered on disk.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sequences.count * 40)
        for (feed, sequence) in sequences.sorted(by: { $0.key < $1.key }) {
            bytes += feed.bytes
            bytes.appendBigEndian(sequence)
        }
        return bytes
    }

    /// BLAKE2b-256 of ``encoded``.
    public var hash: Hash32 { Sodium.blake2b256(encoded) }

    /// Reads ``encoded``; nil if the bytes are not whole pairs.
    public init?(encoded bytes: [UInt8]) {
        guard bytes.count % 40 == 0 else { return nil }
        var clock = FeedClock()
        var reader = ByteReader(bytes)
        while !reader.isAtEnd {
            guard let key = reader.bytes(32), let feed = FeedID(bytes: key), let sequence = reader.u64() else { return nil }
            clock[feed] = sequence
        }
        self = clock
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
