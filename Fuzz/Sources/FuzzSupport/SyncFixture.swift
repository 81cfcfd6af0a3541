import VFLog
import VFPeer

/// The side of a sync connection that `fuzz-sync-state-machine` plays, and the script format
/// it reads: sync frames in their wire framing (`u32be length ‖ body`), where a body whose
/// first byte is ``localEventTag`` or more is not a frame from the peer but an event on this
/// side (an ingest report, new local heads, a changed replication set, an invite verdict).
public enum SyncFixture {
    /// Real keys, so that `fuzz-seeds` can sign the entries of a transcript.
    public static let keys: [SigningKey] = (1...4).map { n in SigningKey(seed: [UInt8](repeating: UInt8(n), count: 32)) }
    public static let feeds: [FeedID] = keys.map(\.feed)

    /// We want feeds 0, 1 and 2, hold 0 up to 5 and 3 (unwanted) up to 3.
    public static let wants = FeedClock([feeds[0]: 5, feeds[1]: 0, feeds[2]: 2])
    public static let localHeads: [FeedID: UInt64] = [feeds[0]: 5, feeds[2]: 2, feeds[3]: 3]

    public static let inviteSecret = [UInt8](repeating: 0x77, count: SyncFrame.inviteSecretSize)

    public static let localEventTag: UInt8 = 0xF0
    public enum LocalEvent: UInt8 {
        case ingested = 0xF0, localHeadsChanged = 0xF1, wantsChanged = 0xF2, inviteChecked = 0xF3
    }

    /// The settings byte: bit 0 one-shot, bits 1–2 the invite role (1 redeem, 2 accept), bit 3
    /// an acknowledged base, bit 4 a remembered peer clock.
    public static func machine(settings: UInt8) -> SyncStateMachine {
        let invite: SyncStateMachine.InviteRole = switch (settings >> 1) & 3 {
        case 1: .redeem(secret: inviteSecret)
        case 2: .accept
        default: .none
        }
        return SyncStateMachine(
            wants: wants, localHeads: localHeads,
            acknowledgedBase: settings & 8 != 0 ? FeedClock([feeds[0]: 3, feeds[1]: 0]) : nil,
            rememberedPeerClock: settings & 16 != 0 ? FeedClock([feeds[0]: 1, feeds[3]: 0]) : nil,
            oneShot: settings & 1 != 0, invite: invite)
    }
}
