import VFLog

/// What one side holds of the feeds it wants: feed → latest sequence held (0 = none yet).
///
/// Sent on connect so the other side sends only what is missing. Its hash lets a reconnect
/// announce "same as last time, except these" instead of repeating every feed.
public struct FeedClock: Sendable, Equatable {
    typealias Pair = (feed: FeedID, sequence: UInt64)

    public private(set) var sequences: [FeedID: UInt64] { didSet { cachedHash = nil } }
    /// The pairs of ``sequences`` in key order, when known. The hash and the disk form need that
    /// order; a clock that arrived in it (as clocks are sent), or was changed by a delta, is
    /// never sorted, and is hashed without a lookup per feed.
    private var ordered: [Pair]? { didSet { cachedHash = nil } }
    /// ``hash``, once computed, until the clock changes: a peer may send delta after empty
    /// delta, and each is checked against the hash of a clock of up to a million feeds.
    private var cachedHash: Hash32?

    public init(_ sequences: [FeedID: UInt64] = [:]) {
        self.sequences = sequences
        self.ordered = sequences.isEmpty ? [] : nil
    }

    public subscript(feed: FeedID) -> UInt64? {
        get { sequences[feed] }
        set {
            if let newValue {
                if let old = sequences.updateValue(newValue, forKey: feed) {
                    if old != newValue, ordered != nil, let index = Self.index(of: feed, in: ordered!) { ordered![index].sequence = newValue }
                } else {
                    ordered = nil
                }
            } else if sequences.removeValue(forKey: feed) != nil {
                ordered = nil
            }
        }
    }

    public var count: Int { sequences.count }

    public static func == (a: FeedClock, b: FeedClock) -> Bool { a.sequences == b.sequences }

    /// Every feed with its sequence, in key order.
    var pairsInKeyOrder: [Pair] {
        ordered ?? sequences.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The pairs sorted by feed key, `feed (32) ‖ u64be sequence` each, concatenated: the
    /// input of ``hash`` and the form in which clocks are remembered on disk.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sequences.count * 40)
        for (feed, sequence) in pairsInKeyOrder {
            feed.key.withUnsafeBytes { bytes.append(contentsOf: $0) }
            bytes.appendBigEndian(sequence)
        }
        return bytes
    }

    /// BLAKE2b-256 of ``encoded``.
    public var hash: Hash32 { cachedHash ?? Self.hash(of: pairsInKeyOrder) }

    /// ``hash``, kept until the clock changes, so asking again costs nothing.
    mutating func hashed() -> Hash32 {
        if let cachedHash { return cachedHash }
        let hash = Self.hash(of: pairsInKeyOrder)
        cachedHash = hash
        return hash
    }

    private static func hash(of pairs: [Pair]) -> Hash32 {
        NaCl.blake2b256 { update in
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 16)
            for (feed, sequence) in pairs {
                feed.key.withUnsafeBytes { chunk.append(contentsOf: $0) }
                chunk.appendBigEndian(sequence)
                if chunk.count >= 1 << 16 {
                    chunk.withUnsafeBytes(update)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            chunk.withUnsafeBytes(update)
        }
    }

    /// Reads ``encoded``; nil if the bytes are not whole pairs.
    public init?(encoded bytes: [UInt8]) {
        guard bytes.count % 40 == 0 else { return nil }
        var sequences: [FeedID: UInt64] = [:]
        sequences.reserveCapacity(bytes.count / 40)
        var pairs: [Pair] = []
        pairs.reserveCapacity(bytes.count / 40)
        var reader = ByteReader(bytes)
        while !reader.isAtEnd {
            guard let key = reader.bytes(32), let feed = FeedID(bytes: key), let sequence = reader.u64() else { return nil }
            sequences[feed] = sequence
            pairs.append((feed, sequence))
        }
        self.sequences = sequences
        self.ordered = pairs.lazy.map(\.feed).isStrictlyAscending ? pairs : nil
    }

    /// The changes that turn `base` into `self`: new or changed sequences, and removals,
    /// in key order.
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

    /// Applies `changes` in order (a later change of a feed wins). Keeps the key order when it
    /// is known: in one pass when the changes come in key order, as clocks are sent.
    public mutating func apply(_ changes: [ClockChange]) {
        guard !changes.isEmpty else { return }  // and the hash stays known
        sequences.reserveCapacity(sequences.count + changes.count)
        var reordered = false
        for change in changes {
            let old = change.sequence.map { sequences.updateValue($0, forKey: change.feed) } ?? sequences.removeValue(forKey: change.feed)
            if (old == nil) != (change.sequence == nil) { reordered = true }
        }
        guard var order = ordered else { return }
        ordered = nil
        if reordered {
            order = Self.merge(order, Self.inKeyOrder(changes))
        } else {
            for change in changes {
                if let sequence = change.sequence, let index = Self.index(of: change.feed, in: order) { order[index].sequence = sequence }
            }
        }
        ordered = order
    }

    private static func index(of feed: FeedID, in order: [Pair]) -> Int? {
        var low = 0, high = order.count
        while low < high {
            let middle = low + (high - low) / 2
            if order[middle].feed < feed { low = middle + 1 } else { high = middle }
        }
        return low < order.count && order[low].feed == feed ? low : nil
    }

    /// The changes sorted by feed, only the last of each feed kept.
    private static func inKeyOrder(_ changes: [ClockChange]) -> [ClockChange] {
        if changes.lazy.map(\.feed).isStrictlyAscending { return changes }
        let sorted = changes.enumerated().sorted { $0.element.feed != $1.element.feed ? $0.element.feed < $1.element.feed : $0.offset < $1.offset }
        var result: [ClockChange] = []
        result.reserveCapacity(sorted.count)
        for (_, change) in sorted {
            if result.last?.feed == change.feed { result[result.count - 1] = change } else { result.append(change) }
        }
        return result
    }

    /// `order` with `changes` (in key order, one per feed) applied.
    private static func merge(_ order: [Pair], _ changes: [ClockChange]) -> [Pair] {
        var merged: [Pair] = []
        merged.reserveCapacity(order.count + changes.count)
        var index = 0
        for change in changes {
            while index < order.count, order[index].feed < change.feed {
                merged.append(order[index])
                index += 1
            }
            if index < order.count, order[index].feed == change.feed { index += 1 }
            if let sequence = change.sequence { merged.append((change.feed, sequence)) }
        }
        merged.append(contentsOf: order[index...])
        return merged
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

extension Sequence where Element == FeedID {
    var isStrictlyAscending: Bool {
        var previous: FeedID?
        for feed in self {
            if let previous, !(previous < feed) { return false }
            previous = feed
        }
        return true
    }
}
