import FuzzSupport
import VFLog
import VFPeer

/// One sync frame of each type, with real entries.
enum FrameExamples {
    static func all(entries: [SignedEntry]) -> [SyncFrame] {
        let feeds = SyncFixture.feeds
        return [
            .hello(version: SyncFrame.protocolVersion),
            .clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: feeds[0], sequence: 3), ClockChange(feed: feeds[1], sequence: nil)]),
            .clock(full: false, final: false, base: SyncFixture.wants.hash, changes: [ClockChange(feed: feeds[2], sequence: 0)]),
            .entry(encoded: entries[0].entry.encoded, payload: entries[0].payload),
            .entry(encoded: entries[4].entry.encoded, payload: nil),
            .caughtUp(clock: 1, hash: SyncFixture.wants.hash),
            .needFull(clock: 1),
            .idle(clocksSent: 1),
            .plan(feeds: 1, entries: 4),
            .redeem(secret: SyncFixture.inviteSecret),
            .redeemed(ok: false, reason: "this invite was used up"),
            .redeemed(ok: true, reason: ""),
        ]
    }
}
