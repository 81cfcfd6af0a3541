/// Checks one feed's entries as they come, in sequence order from the first, as the store
/// does (§6): each entry's own checks (signature, payload), then its links to the entries
/// before it. Pure; holds the id of every entry checked, for the Lipmaa links of later ones.
/// `vf restore` checks a backup's feed with it before it writes anything, and `vf verify`
/// walks the stored feeds with its link half.
public struct FeedChainCheck: Sendable {
    /// The last entry held: its sequence and id.
    public private(set) var last: (sequence: UInt64, id: EntryID)?
    private var ids: [UInt64: EntryID] = [:]

    public init() {}

    /// Checks `signed`, the entry after the last one held, and holds it.
    public mutating func check(_ signed: SignedEntry) throws(VerificationError) {
        try EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload)
        try checkLinks(signed.entry)
        hold(signed.entry.sequence, signed.entry.id)
    }

    /// Checks that `entry` continues the entries held: its sequence, backlink and Lipmaa link.
    public func checkLinks(_ entry: Entry) throws(VerificationError) {
        let target = Lipmaa.hasDistinctLink(entry.sequence) ? ids[Lipmaa.link(entry.sequence)] : nil
        try EntryVerifier.verifyLinks(entry, previous: last, lipmaaTarget: target)
    }

    /// Holds entry `sequence` as `id`, whether or not it passed: what comes after is judged
    /// against what is there.
    public mutating func hold(_ sequence: UInt64, _ id: EntryID) {
        last = (sequence, id)
        ids[sequence] = id
    }
}
