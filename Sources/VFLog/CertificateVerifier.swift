/// Partial verification (Bamboo): verifies entry n against the first entry of its feed using
/// only the O(log n) entries on its lipmaa path, without holding the rest of the feed.
public enum CertificateVerifier {
    /// Verifies `entry` given a certificate pool: any collection of entries of the same feed
    /// that includes every entry on `Lipmaa.pathToFirst(from: entry.sequence)`. Each entry
    /// on the path must be validly signed by the same author and linked by hash to the next.
    public static func verify(_ entry: Entry, pool: [Entry]) throws(VerificationError) {
        guard entry.hasValidSignature() else { throw VerificationError(entry, .badSignature) }
        var bySequence: [UInt64: [Entry]] = [:]
        for candidate in pool { bySequence[candidate.sequence, default: []].append(candidate) }
        var current = entry
        while current.sequence > 1 {
            let target = Lipmaa.link(current.sequence)
            guard let claimed = current.lipmaaTarget,
                  let next = bySequence[target]?.first(where: { $0.id == claimed })
            else {
                if let other = bySequence[target]?.first {
                    throw VerificationError(current, .wrongLipmaaLink(target: target, expected: other.id, found: current.lipmaaTarget))
                }
                throw VerificationError(current, .missingCertificate(sequence: target))
            }
            guard next.author == entry.author else { throw VerificationError(next, .wrongAuthor(expected: entry.author)) }
            guard next.hasValidSignature() else { throw VerificationError(next, .badSignature) }
            current = next
        }
    }
}
