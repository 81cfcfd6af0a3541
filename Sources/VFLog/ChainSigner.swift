/// Extends one feed entry by entry: picks the sequence, the backlink and the lipmaa link,
/// and signs. Pure: the ids of older entries it may link to are handed in up front.
struct ChainSigner: Sendable {
    let key: SigningKey
    private(set) var previous: (sequence: UInt64, id: EntryID)?
    /// Ids by sequence of entries this signer may need as lipmaa targets.
    private var known: [UInt64: EntryID]

    /// `known` must hold the ids of every entry before `previous` that an entry to be signed
    /// links to; ``lipmaaTargets(after:count:)`` names them.
    init(key: SigningKey, previous: (sequence: UInt64, id: EntryID)?, known: [UInt64: EntryID]) {
        self.key = key
        self.previous = previous
        self.known = known
        if let previous { self.known[previous.sequence] = previous.id }
    }

    /// The older entries that `count` new entries after `head` link to.
    static func lipmaaTargets(after head: UInt64, count: Int) -> Set<UInt64> {
        var targets = Set<UInt64>()
        for sequence in (head + 1)..<(head + 1 + UInt64(count)) where Lipmaa.hasDistinctLink(sequence) {
            let target = Lipmaa.link(sequence)
            if target <= head { targets.insert(target) }
        }
        return targets
    }

    mutating func sign(payloadSize: UInt32, payloadHash: Hash32, timestamp: Int64) -> Entry {
        let sequence = (previous?.sequence ?? 0) + 1
        let lipmaaLink: EntryID? = Lipmaa.hasDistinctLink(sequence) ? known[Lipmaa.link(sequence)] : nil
        precondition(!Lipmaa.hasDistinctLink(sequence) || lipmaaLink != nil, "lipmaa target \(Lipmaa.link(sequence)) not supplied")
        let entry = EntryCodec.sign(key: key, sequence: sequence, timestamp: timestamp,
                                    payloadSize: payloadSize, payloadHash: payloadHash,
                                    backlink: previous?.id, lipmaaLink: lipmaaLink)
        known[sequence] = entry.id
        previous = (sequence, entry.id)
        return entry
    }
}
