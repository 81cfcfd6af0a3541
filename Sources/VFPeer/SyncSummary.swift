import VFLog

/// What one connection achieved.
public struct SyncSummary: Sendable {
    public let peer: FeedID?
    public let stored: Int
    public let sent: Int
    public let caughtUp: Bool
    public let error: String?
    public let bytesIn: Int
    public let bytesOut: Int
}
