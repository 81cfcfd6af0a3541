import VFLog

/// A feed signed in memory, entry by entry, as its author would (VFTestSupport's FeedBuilder
/// is not a product this package can use).
struct FeedBuilder {
    let key: SigningKey
    private(set) var entries: [SignedEntry] = []

    init(key: SigningKey) { self.key = key }

    mutating func append(_ json: String? = nil) {
        let sequence = UInt64(entries.count + 1)
        let payload = Array((json ?? #"{"n":\#(sequence)}"#).utf8)
        let entry = EntryCodec.sign(
            key: key, sequence: sequence, timestamp: 1_767_225_600_000 + Int64(sequence),
            payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
            backlink: entries.last?.entry.id,
            lipmaaLink: Lipmaa.hasDistinctLink(sequence) ? entries[Int(Lipmaa.link(sequence)) - 1].entry.id : nil)
        entries.append(SignedEntry(entry: entry, payload: payload))
    }
}
