import FuzzSupport
import VFLog
import VFPeer

/// What a real peer sends the machine `fuzz-sync-state-machine` plays, recorded by running
/// both sides against each other, with this side's ingest reports and invite verdicts as
/// local events in the script (see ``SyncFixture``).
enum SyncTranscript {
    static func all() -> [(String, [UInt8])] {
        [0, 1, 3, 5, 8, 17, 25].map { settings in ("transcript-\(settings)", [settings] + record(settings: settings)) }
    }

    static func record(settings: UInt8) -> [UInt8] {
        let feeds = SyncFixture.feeds
        var builders = SyncFixture.keys.map { FeedBuilder(key: $0) }
        for (index, count) in [6, 4, 6, 3].enumerated() { for _ in 0..<count { builders[index].append() } }
        let peerInvite: SyncStateMachine.InviteRole = switch (settings >> 1) & 3 {
        case 1: .accept
        case 2: .redeem(secret: SyncFixture.inviteSecret)
        default: .none
        }
        var me = SyncFixture.machine(settings: settings)
        var peer = SyncStateMachine(
            wants: FeedClock([feeds[0]: 2, feeds[1]: 4, feeds[2]: 6]), localHeads: [feeds[0]: 2, feeds[1]: 4, feeds[2]: 6],
            acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: settings & 1 != 0, invite: peerInvite)

        var script: [UInt8] = []
        var toMe: [SyncFrame] = [], toPeer: [SyncFrame] = []
        func entryFrames(_ feed: FeedID, _ after: UInt64, _ through: UInt64) -> [SyncFrame] {
            let entries = builders[feeds.firstIndex(of: feed)!].entries
            return (after + 1...through).map { .entry(encoded: entries[Int($0) - 1].entry.encoded, payload: entries[Int($0) - 1].payload) }
        }
        func fromMe(_ actions: [SyncStateMachine.Action]) {
            for action in actions {
                switch action {
                case let .send(frame): toPeer.append(frame)
                case .sendEntries(let ranges): for r in ranges { toPeer += entryFrames(r.feed, r.after, r.through) }
                case .ingest:
                    script += FrameDecoder.frame([SyncFixture.LocalEvent.ingested.rawValue, 1])
                    fromMe(me.ingested(count: 1))
                case .redeemInvite:
                    script += FrameDecoder.frame([SyncFixture.LocalEvent.inviteChecked.rawValue, 0])
                    fromMe(me.inviteChecked(refusal: nil))
                default: break
                }
            }
        }
        func fromPeer(_ actions: [SyncStateMachine.Action]) {
            for action in actions {
                switch action {
                case let .send(frame): toMe.append(frame)
                case .sendEntries(let ranges): for r in ranges { toMe += entryFrames(r.feed, r.after, r.through) }
                case .ingest: fromPeer(peer.ingested(count: 1))
                case .redeemInvite: fromPeer(peer.inviteChecked(refusal: nil))
                default: break
                }
            }
        }
        fromMe(me.start())
        fromPeer(peer.start())
        var steps = 0
        while (!toMe.isEmpty || !toPeer.isEmpty) && steps < 1000 {
            steps += 1
            if !toMe.isEmpty {
                let frame = toMe.removeFirst()
                script += FrameDecoder.frame(frame.encode())
                fromMe(me.receive(frame))
            }
            if !toPeer.isEmpty { fromPeer(peer.receive(toPeer.removeFirst())) }
        }
        return script
    }
}
