/// The checks of an entry that need nothing but the entry, its payload and the ids of the
/// entries it must link to. Pure: the store and the network call these.
public enum EntryVerifier {
    /// Checks what the entry says about itself: signature, claimed size limit and, when the
    /// payload is held, its size, hash and format. Safe to run in parallel across entries.
    public static func verifyIntrinsic(_ entry: Entry, payload: [UInt8]?) throws(VerificationError) {
        guard Int(entry.payloadSize) <= Payload.maximumSize else {
            throw VerificationError(entry, .claimedPayloadTooLarge(entry.payloadSize))
        }
        guard entry.hasValidSignature() else { throw VerificationError(entry, .badSignature) }
        if let payload { try verifyPayload(payload, of: entry) }
    }

    /// Checks that a payload belongs to the entry and obeys the payload rules.
    public static func verifyPayload(_ payload: [UInt8], of entry: Entry) throws(VerificationError) {
        try verifyPayloadBelongs(payload, to: entry)
        do { try Payload.validate(payload) } catch { throw VerificationError(entry, .payloadInvalid(error)) }
    }

    /// Checks that a payload is the one the entry signs: its size and hash. A stored payload
    /// that passes this but not §5 was accepted before the JSON profile; it is the author's
    /// own and is kept (docs/protocol.md §5, "Payloads stored before the profile").
    public static func verifyPayloadBelongs(_ payload: [UInt8], to entry: Entry) throws(VerificationError) {
        guard payload.count == Int(entry.payloadSize) else {
            throw VerificationError(entry, .payloadSizeMismatch(claimed: entry.payloadSize, actual: payload.count))
        }
        guard Payload.hash(payload) == entry.payloadHash else { throw VerificationError(entry, .payloadHashMismatch) }
    }

    /// Checks the entry continues a feed whose last entry is `previous` (nil for an empty
    /// feed), where `lipmaaTarget` is the id of entry `Lipmaa.link(entry.sequence)`.
    public static func verifyLinks(
        _ entry: Entry, previous: (sequence: UInt64, id: EntryID)?, lipmaaTarget: EntryID?
    ) throws(VerificationError) {
        let expectedSequence = (previous?.sequence ?? 0) + 1
        guard entry.sequence == expectedSequence else {
            throw VerificationError(entry, .sequenceGap(expected: expectedSequence))
        }
        guard let previous else { return }
        guard entry.backlink == previous.id else {
            throw VerificationError(entry, .wrongBacklink(expected: previous.id, found: entry.backlink))
        }
        if Lipmaa.hasDistinctLink(entry.sequence) {
            let target = Lipmaa.link(entry.sequence)
            guard let lipmaaTarget else { throw VerificationError(entry, .missingCertificate(sequence: target)) }
            guard entry.lipmaaLink == lipmaaTarget else {
                throw VerificationError(entry, .wrongLipmaaLink(target: target, expected: lipmaaTarget, found: entry.lipmaaLink))
            }
        }
    }
}
