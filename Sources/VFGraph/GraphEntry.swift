import VFLog

/// One feed entry as the derivation sees it. The engine never checks signatures itself: the
/// log store does, and says so in ``signatureVerified``.
public struct GraphEntry: Sendable, Equatable {
    public let author: FeedID
    /// 1-based position in the author's feed.
    public let sequence: UInt64
    public let id: EntryID
    /// The author's claimed creation time, milliseconds since the Unix epoch.
    public let timestamp: Int64
    public let signatureVerified: Bool
    /// The JSON payload; nil when the payload is not held.
    public let payload: [UInt8]?

    public init(author: FeedID, sequence: UInt64, id: EntryID, timestamp: Int64, signatureVerified: Bool, payload: [UInt8]?) {
        self.author = author
        self.sequence = sequence
        self.id = id
        self.timestamp = timestamp
        self.signatureVerified = signatureVerified
        self.payload = payload
    }

    /// Takes a stored entry; `verified` is whether its signature was checked and held.
    public init(_ signed: SignedEntry, verified: Bool) {
        self.init(author: signed.entry.author, sequence: signed.entry.sequence, id: signed.entry.id,
                  timestamp: signed.entry.timestamp, signatureVerified: verified, payload: signed.payload)
    }

    /// Takes a record of the log's bulk read; `verified` is whether its signature was checked and held.
    public init(_ record: EntryRecord, verified: Bool) {
        self.init(author: record.author, sequence: record.sequence, id: record.id,
                  timestamp: record.timestamp, signatureVerified: verified, payload: record.payload)
    }

    /// Where an event sits in a track or trace result: enough to find and check it.
    public var provenance: EntryProvenance {
        EntryProvenance(author: author, sequence: sequence, entryID: id, signatureVerified: signatureVerified)
    }
}

/// Who signed an entry, where in their feed, and whether the signature was verified.
public struct EntryProvenance: Hashable, Sendable {
    public let author: FeedID
    public let sequence: UInt64
    public let entryID: EntryID
    public let signatureVerified: Bool

    package init(author: FeedID, sequence: UInt64, entryID: EntryID, signatureVerified: Bool) {
        self.author = author
        self.sequence = sequence
        self.entryID = entryID
        self.signatureVerified = signatureVerified
    }
}

extension GraphEntry {
    /// The entry's place in its author's feed.
    public var place: FeedPlace { FeedPlace(author: author, sequence: sequence) }
}
