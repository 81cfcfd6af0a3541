/// The latest entry of this node's own feed, as last signed or confirmed, kept in
/// `HOME/feed-mark` beside the secret key: a second place that survives losing `log.sqlite`,
/// so the node never signs at or below it (docs/protocol.md, "Feed mark file").
///
/// Text, `\n`-separated; `#` lines are comments; other lines are `name: value`:
/// `feed` (required), `sequence` (required, 0 before the first entry), `id` (required unless
/// `sequence` is 0), `restored: yes` (only while a restored identity waits for its feed).
public struct FeedMark: Sendable, Equatable {
    public var feed: FeedID
    /// 0: the feed has no entry yet.
    public var sequence: UInt64
    /// The entry at `sequence`; nil exactly when `sequence` is 0.
    public var id: EntryID?
    /// The identity was restored from a backup and its latest entries are not known yet.
    public var restored: Bool
    /// Entries up to this one are being appended: written before the append commits and
    /// cleared after, so a crash between the two is told apart from a log that lost entries.
    public var pending: (sequence: UInt64, id: EntryID)?

    /// The most bytes a mark file may hold; a longer one is refused unread.
    public static let maximumSize = 1024

    public init(feed: FeedID, sequence: UInt64 = 0, id: EntryID? = nil, restored: Bool = false,
                pending: (sequence: UInt64, id: EntryID)? = nil) {
        precondition((sequence == 0) == (id == nil), "a mark names an entry exactly when its sequence is over 0")
        self.feed = feed
        self.sequence = sequence
        self.id = id
        self.restored = restored
        self.pending = pending
    }

    public static func == (a: FeedMark, b: FeedMark) -> Bool {
        a.feed == b.feed && a.sequence == b.sequence && a.id == b.id && a.restored == b.restored
            && a.pending?.sequence == b.pending?.sequence && a.pending?.id == b.pending?.id
    }

    /// The mark once a pending append is settled: moved to the pending entry if the log holds
    /// it (`idAtPending` is the log's entry at that sequence), else left where it was. Pure.
    public func settled(idAtPending: EntryID?) -> FeedMark {
        guard let pending else { return self }
        if idAtPending == pending.id { return FeedMark(feed: feed, sequence: pending.sequence, id: pending.id, restored: restored) }
        var kept = self
        kept.pending = nil
        return kept
    }

    public var text: String {
        var text = """
            # vf feed mark: the latest entry of this node's own feed. vf never signs at or below it.
            feed: \(feed)
            sequence: \(sequence)

            """
        if let id { text += "id: \(id)\n" }
        if restored { text += "restored: yes\n" }
        if let pending { text += "pending: \(pending.sequence) \(pending.id)\n" }
        return text
    }

    /// A sequence in its one spelling: decimal digits without a leading zero, at most 2^63 − 1.
    private static func sequence(_ text: some StringProtocol) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              !(text.hasPrefix("0") && text != "0"), let value = UInt64(text), value <= UInt64(Int64.max) else { return nil }
        return value
    }

    public init(parsing bytes: [UInt8]) throws(FeedMarkError) {
        guard bytes.count <= Self.maximumSize else { throw .malformed("over \(Self.maximumSize) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("not UTF-8") }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("line without a colon") }
            let name = String(line[..<colon])
            guard ["feed", "sequence", "id", "restored", "pending"].contains(name) else { throw .malformed("unknown field \(name)") }
            guard fields[name] == nil else { throw .malformed("field \(name) given twice") }
            fields[name] = String(line[line.index(after: colon)...].drop { $0 == " " })
        }
        guard let feedText = fields["feed"], let feed = try? FeedID(parsing: feedText) else { throw .malformed("missing or invalid feed") }
        guard let sequence = fields["sequence"].flatMap(Self.sequence) else { throw .malformed("missing or invalid sequence") }
        var id: EntryID?
        if let idText = fields["id"] {
            guard let parsed = try? EntryID(parsing: idText) else { throw .malformed("invalid id") }
            id = parsed
        }
        guard (sequence == 0) == (id == nil) else {
            throw .malformed(sequence == 0 ? "an id with sequence 0" : "sequence \(sequence) without an id")
        }
        switch fields["restored"] {
        case nil: restored = false
        case "yes"?: restored = true
        case let other?: throw .malformed("restored is \(other), expected yes")
        }
        if let pendingText = fields["pending"] {
            let parts = pendingText.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let pendingSequence = Self.sequence(parts[0]), pendingSequence > sequence,
                  let pendingID = try? EntryID(parsing: String(parts[1]))
            else { throw .malformed("invalid pending") }
            pending = (pendingSequence, pendingID)
        } else {
            pending = nil
        }
        self.feed = feed
        self.sequence = sequence
        self.id = id
    }
}

public enum FeedMarkError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case let .malformed(why): "malformed: \(why)"
        }
    }
}
