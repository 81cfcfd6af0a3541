import VFPeer

/// `GET /api/sync` and the stream's `sync` event: how syncing with connected peers stands.
public struct SyncStatus: Sendable, Equatable {
    public var connectedPeers: Int
    public var syncing: Bool
    /// Feeds announced by peers still syncing (zero once all are caught up).
    public var feedsToFetch: UInt64
    public var entriesToFetch: UInt64
    public var entriesFetched: UInt64

    /// Reads a node's progress; the entries still to fetch are those announced and not yet received.
    public init(_ progress: SyncProgress) {
        connectedPeers = progress.connectedPeers
        syncing = !progress.caughtUp
        entriesFetched = progress.receivedEntries
        entriesToFetch = progress.expectedEntries > progress.receivedEntries ? progress.expectedEntries - progress.receivedEntries : 0
        feedsToFetch = syncing ? progress.expectedFeeds : 0
    }

    /// The node's status now.
    public static func current(of node: Node) async -> SyncStatus {
        SyncStatus(await node.syncProgress())
    }

    /// The shape of `GET /api/sync` and of the `sync` event.
    public var json: [String: Any] {
        ["connectedPeers": connectedPeers, "syncing": syncing, "feedsToFetch": feedsToFetch,
         "entriesToFetch": entriesToFetch, "entriesFetched": entriesFetched]
    }
}
