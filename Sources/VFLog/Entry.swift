/// One signed entry of a feed: the header that is hashed and signed. The payload it
/// describes travels and is stored beside it, so it can be dropped without breaking the chain.
///
/// The byte layout is in docs/protocol.md, "Entry encoding"; ``EntryCodec`` reads and writes it.
public struct Entry: Sendable, Equatable {
    public let author: FeedID
    /// 1-based position in the author's feed.
    public let sequence: UInt64
    /// The largest sequence number, 2^63 − 1: stores keep sequences as signed 64-bit integers.
    public static let maximumSequence = UInt64(Int64.max)
    /// The author's claimed creation time, in milliseconds since the Unix epoch. Not verified.
    public let timestamp: Int64
    public let payloadSize: UInt32
    public let payloadHash: Hash32
    /// Id of entry `sequence − 1`; nil only for the first entry.
    public let backlink: EntryID?
    /// Id of entry `Lipmaa.link(sequence)`; nil when that is the backlink's target or there is none.
    public let lipmaaLink: EntryID?
    /// The exact encoding, signature included. Its hash is ``id``.
    public let encoded: [UInt8]
    public let id: EntryID

    /// The Ed25519 signature: the last 64 bytes of the encoding.
    public var signature: ArraySlice<UInt8> { encoded[(encoded.count - 64)...] }

    /// The id this entry names for the entry at `Lipmaa.link(sequence)`, whichever field holds it.
    public var lipmaaTarget: EntryID? { lipmaaLink ?? backlink }

    /// Checks the Ed25519 signature against the author key in the entry.
    public func hasValidSignature() -> Bool {
        encoded.withUnsafeBytes { raw in
            author.key.withUnsafeBytes { pk in
                Sodium.verify(signature: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 64)...]),
                              message: UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 64)]),
                              publicKey: pk)
            }
        }
    }
}

/// An entry together with its payload, when the payload is held.
public struct SignedEntry: Sendable, Equatable {
    public let entry: Entry
    public let payload: [UInt8]?

    public init(entry: Entry, payload: [UInt8]?) {
        self.entry = entry
        self.payload = payload
    }
}
