import VFLog

/// The pub's side of redeeming an invite, in the store: spend a use, follow the redeemer.
public enum InviteRedemption: Sendable, Equatable {
    /// The pub now follows the redeemer with entry `head` of its own feed, and wants `wanted`.
    case accepted(head: UInt64, wanted: Set<FeedID>)
    /// Nothing changed; `reason` is for the redeemer.
    case refused(reason: String)

    public static let unknownOrUsed = "unknown or already used invite"
    public static let blocked = "this pub blocks you"
}

extension Replicator {
    /// Spends one use of the invite with `secret` and appends a contact entry following
    /// `redeemer` to this node's feed, signed with `key`. A feed this node blocks is refused
    /// without spending a use: an invite must not undo a block.
    public func redeemInvite(secret: [UInt8], by redeemer: FeedID, key: SigningKey) throws -> InviteRedemption {
        precondition(key.feed == me, "the contact entry goes into this node's own feed")
        try peers.indexContacts(from: log)
        guard try !peers.contacts(me: me).blocks.contains(redeemer) else { return .refused(reason: InviteRedemption.blocked) }
        guard try peers.redeemInvite(secret: secret) else { return .refused(reason: InviteRedemption.unknownOrUsed) }
        let entry: SignedEntry
        do {
            entry = try log.append(ContactPayload(contact: redeemer, following: true, blocking: false).json, key: key)
        } catch {
            try? peers.refundInvite(secret: secret)
            throw error
        }
        return .accepted(head: entry.entry.sequence, wanted: try wantedFeeds())
    }
}
