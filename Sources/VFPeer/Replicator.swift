import Foundation
import VFLog

/// The store side of replication, shared by every connection of a node: what we want, what
/// we hold, ingesting what arrives, and noticing what changed. Its methods block on SQLite
/// and are called from a thread pool, never from an event loop.
public final class Replicator: Sendable {
    public let me: FeedID
    public let log: LogStore
    public let peers: PeerStore
    public let hops: Int

    public init(me: FeedID, log: LogStore, peers: PeerStore, hops: Int = ReplicationSet.defaultHops) {
        self.me = me
        self.log = log
        self.peers = peers
        self.hops = hops
    }

    /// The feeds to replicate, from the follow graph in the log.
    public func wantedFeeds() throws -> Set<FeedID> {
        try peers.indexContacts(from: log)
        let (follows, blocks) = try peers.contacts(me: me)
        return ReplicationSet.compute(me: me, follows: follows, blocks: blocks, hops: hops)
    }

    public func heads() throws -> [FeedID: UInt64] {
        var result: [FeedID: UInt64] = [:]
        for head in try log.feeds() { result[head.author] = head.sequence }
        return result
    }

    /// Our clock: every wanted feed with how far we hold it.
    public func clock(wanted: Set<FeedID>, heads: [FeedID: UInt64]) -> FeedClock {
        var clock = FeedClock()
        for feed in wanted { clock[feed] = heads[feed] ?? 0 }
        return clock
    }

    /// What the node holds and wants as it last knew it: `heads` as of entry row `row`, and
    /// `wanted` unless a refresh of it is under way.
    struct KnownState: Sendable {
        var wanted: Set<FeedID>?
        var heads: [FeedID: UInt64]
        var row: Int64
    }

    /// What a sync with `peer` starts from: our clock from the `known` heads brought up to date
    /// with the entries stored since (a read that grows with what moved, not with the feeds
    /// held) and the known wants if nothing was stored since, else from the store's, and the peer's clocks remembered from the last
    /// connection. The forks and the limit of the peer's clock are the caller's to add.
    func syncSetup(with peer: FeedID, known: KnownState? = nil) throws -> PeerSession.Setup {
        var heads: [FeedID: UInt64]
        var wanted = known?.wanted
        if let known {
            heads = known.heads
            if try log.lastEntryRow() != known.row {
                for (feed, head) in try log.headsAdvanced(afterRow: known.row).heads where head > heads[feed] ?? 0 { heads[feed] = head }
                // A contact entry among them changes what we want; other entries do not.
                if try peers.indexContacts(from: log) { wanted = nil }
            }
        } else {
            heads = try self.heads()
        }
        let clockWants = try wanted ?? wantedFeeds()
        let clocks = try peers.clocks(for: peer)
        return PeerSession.Setup(wants: clock(wanted: clockWants, heads: heads), localHeads: heads, acknowledgedBase: clocks.acknowledged,
                                 rememberedPeerClock: clocks.peer, forked: [])
    }

    /// Entries to send, each as ``SignedEntry/forSending`` makes it.
    public func entries(of feed: FeedID, after: UInt64, through: UInt64, limit: Int) throws -> [SignedEntry] {
        guard after < through else { return [] }
        return try log.entries(author: feed, in: (after + 1)...through, limit: limit).map(\.forSending)
    }

    /// The conflicting entries of a forked feed, so a fork travels like any entry.
    public func forkEvidence(of feed: FeedID) throws -> [Entry] {
        try log.forkProofs(author: feed).map(\.conflicting)
    }
}
