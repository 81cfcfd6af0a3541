/// A snapshot of a node's syncing, summed over its current connections (``Node/syncProgress()``).
public struct SyncProgress: Sendable, Equatable {
    public var connectedPeers = 0
    /// Feeds and entries the peers announced they would send (their sync plans).
    public var expectedFeeds: UInt64 = 0
    public var expectedEntries: UInt64 = 0
    /// Entries received and stored so far on these connections.
    public var receivedEntries: UInt64 = 0
    /// Every connection has received what it asked for (true with no connections).
    public var caughtUp = true

    public init() {}
}
