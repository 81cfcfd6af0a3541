import VFLog

/// Builds a feed in memory, entry by entry, the way its author would: for tests that need
/// real signed entries without a store.
public struct FeedBuilder {
    public let key: SigningKey
    public private(set) var entries: [SignedEntry] = []

    public init(key: SigningKey = SigningKey()) { self.key = key }

    @discardableResult
    public mutating func append(_ json: String? = nil, timestamp: Int64 = 1_767_225_600_000) -> SignedEntry {
        let sequence = UInt64(entries.count + 1)
        let payload = Array((json ?? #"{"n":\#(sequence)}"#).utf8)
        let entry = EntryCodec.sign(
            key: key, sequence: sequence, timestamp: timestamp,
            payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
            backlink: entries.last?.entry.id,
            lipmaaLink: Lipmaa.hasDistinctLink(sequence) ? entries[Int(Lipmaa.link(sequence)) - 1].entry.id : nil)
        let signed = SignedEntry(entry: entry, payload: payload)
        entries.append(signed)
        return signed
    }

    public func entry(_ sequence: UInt64) -> Entry { entries[Int(sequence) - 1].entry }
}
