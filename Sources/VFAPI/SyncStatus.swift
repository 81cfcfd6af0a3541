import Foundation
import VFLog
import VFPeer

/// `GET /api/sync` and the stream's `sync` event: how syncing with connected peers stands.
public struct SyncStatus: Sendable, Equatable {
    public var connectedPeers: Int
    public var syncing: Bool
    /// Feeds announced by peers still syncing (zero once all are caught up).
    public var feedsToFetch: UInt64
    public var entriesToFetch: UInt64
    public var entriesFetched: UInt64
    /// Why this node refuses to sign its own feed, if it does (docs/protocol.md §2, "Feed mark file and the own-feed lock").
    public var ownFeedLock: String?

    /// Reads a node's progress; the entries still to fetch are those announced and not yet received.
    public init(_ progress: SyncProgress, ownFeedLock: String? = nil) {
        self.ownFeedLock = ownFeedLock
        connectedPeers = progress.connectedPeers
        syncing = !progress.caughtUp
        entriesFetched = progress.receivedEntries
        entriesToFetch = progress.expectedEntries > progress.receivedEntries ? progress.expectedEntries - progress.receivedEntries : 0
        feedsToFetch = syncing ? progress.expectedFeeds : 0
    }

    /// The node's status now.
    public static func current(of node: Node) async -> SyncStatus {
        let lock: String? = if case let .locked(reason)? = await node.ownFeedLock() { "\(reason)" } else { nil }
        return SyncStatus(await node.syncProgress(), ownFeedLock: lock)
    }

    /// The shape of `GET /api/sync` and of the `sync` event.
    public var json: [String: Any] {
        ["connectedPeers": connectedPeers, "syncing": syncing, "feedsToFetch": feedsToFetch,
         "entriesToFetch": entriesToFetch, "entriesFetched": entriesFetched, "ownFeedLock": ownFeedLock ?? NSNull()]
    }
}
