/// Checks one feed's entries as they come, in sequence order from the first, as the store
/// would (§6): each entry's own checks (signature, payload), then its links to the entries
/// before it. Pure; holds the id of every entry checked, for the Lipmaa links of later ones.
/// (`vf restore` checks a backup's feed with it before it writes anything.)
public struct FeedChainCheck: Sendable {
    private var previous: (sequence: UInt64, id: EntryID)?
    private var ids: [UInt64: EntryID] = [:]

    public init() {}

    /// Checks `signed`, the entry after the last one checked.
    public mutating func check(_ signed: SignedEntry) throws(VerificationError) {
        let entry = signed.entry
        try EntryVerifier.verifyIntrinsic(entry, payload: signed.payload)
        let target = Lipmaa.hasDistinctLink(entry.sequence) ? ids[Lipmaa.link(entry.sequence)] : nil
        try EntryVerifier.verifyLinks(entry, previous: previous, lipmaaTarget: target)
        previous = (entry.sequence, entry.id)
        ids[entry.sequence] = entry.id
    }
}
