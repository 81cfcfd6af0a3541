import Logging
import NIOCore
import VFLog

/// The node as one of its connections sees it: who it is, what it knows, and its store.
/// ``Node`` is the hub of every real connection; a test can drive a ``PeerConnectionHandler``
/// with another. Everything here is called on the event loop of the connections.
protocol PeerHub: AnyObject {
    var key: SigningKey { get }
    var identity: SigningKeyPair { get }
    var networkKey: NetworkKey { get }
    var configuration: Node.Configuration { get }
    var logger: Logger { get }
    /// Feeds with a fork proof.
    var forkedFeeds: Set<FeedID> { get }

    /// Runs `work` on the store off the event loop, on a thread pool of the hub's own (never
    /// on Swift's cooperative pool, whose few threads a blocked call would hold); its result
    /// arrives on the loop.
    func offLoop<T: Sendable>(_ work: @escaping @Sendable (Replicator) throws -> T) -> EventLoopFuture<T>

    /// What a sync with `remote` starts from (its forks and clock limit aside), off the loop.
    func syncSetup(with remote: FeedID) -> EventLoopFuture<PeerSession.Setup>
    /// Takes a connection whose handshake completed; returns why not, if it is refused.
    func register(_ connection: PeerConnectionHandler, remote: FeedID) -> String?
    func unregister(_ connection: PeerConnectionHandler, error: String?)
    /// Gives back the place among the handshakes that an inbound connection from `ip` held.
    func handshakeEnded(admittedFrom ip: String)
    func isStranger(_ connection: PeerConnectionHandler) -> Bool
    /// Takes `bytes` from the strangers' shared allowance; returns how long to wait before
    /// reading from a stranger again (zero while the allowance lasts).
    func chargeStranger(bytes: Int) -> TimeAmount
    /// A stranger's connection was dropped: counted, not logged one by one.
    func noteStrangerDropped(_ reason: String)
    /// A connection stored entries.
    func entriesStored(_ report: IngestReport)
    /// This node appended entry `head` to its own feed (accepting an invite) and now wants `wanted`.
    func ownFeedAppended(head: UInt64, wanted: Set<FeedID>)
    /// Whether this node refuses to sign its own feed until a peer shows it its latest entries
    /// (``OwnFeedLock``): connections then report a sync that caught up with a peer holding it.
    var ownFeedLocked: Bool { get }
    /// A connection caught up with `peer`, whose clock says it holds this node's own feed up to
    /// `peerHolds`: lift the lock if the log now holds as much. Answers once that is written.
    func ownFeedCaughtUp(with peer: FeedID, peerHolds: UInt64) -> EventLoopFuture<Void>?
}

extension PeerHub {
    var ownFeedLocked: Bool { false }
    func ownFeedCaughtUp(with peer: FeedID, peerHolds: UInt64) -> EventLoopFuture<Void>? { nil }
}
