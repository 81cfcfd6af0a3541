import NIOCore
import VFLog

extension PeerSession {
    /// Something the connection must do. Perform them in order; several inputs call for a
    /// report back, each named here.
    enum Action: Sendable, Equatable {
        /// Write these bytes to the peer; report with ``PeerSession/written(_:)`` once the
        /// socket has taken them (or the write failed).
        case write([UInt8])
        case flush
        /// The handshake proved the peer holds `remote`'s key: admit it (else
        /// ``PeerSession/drop(_:)``), then read the store and ``PeerSession/begin(_:)``.
        case established(remote: FeedID)
        /// Read entries `after+1 … through` of `feed`, at most `limit`, as they are sent:
        /// ``PeerSession/entriesRead(_:)``.
        case readEntries(feed: FeedID, after: UInt64, through: UInt64, limit: Int)
        /// Read the conflicting entries of `feed`'s fork proofs: ``PeerSession/forkEvidenceRead(_:)``.
        case readForkEvidence(FeedID)
        /// Verify and store these entries (the peer may have lied about any of them):
        /// ``PeerSession/ingested(stored:rejections:)``.
        case ingest([SignedEntry])
        /// Remember the peer's clock, or (`acknowledged`) ours as the peer confirmed it, so the
        /// next connection can send only what changed. In order; nothing reports back.
        case rememberClock(FeedClock, acknowledged: Bool)
        /// Answer the peer's clock message off the event loop (it names many feeds), with
        /// ``ClockAnswer/run()``: ``PeerSession/clockAnswered(_:)``. Nothing else is decoded meanwhile.
        case answerClock(ClockAnswer)
        /// Check and spend an invite; on success follow the peer: ``PeerSession/inviteChecked(refusal:)``.
        case redeemInvite(secret: [UInt8])
        /// Bytes were read: if the peer is a stranger, charge them to the node's allowance for
        /// strangers, and when it is spent, ``PeerSession/throttle(until:)``.
        case chargeAllowance(bytes: Int)
        /// Stop reading from the socket (TCP's flow control then slows the peer), or start again.
        case pauseReading
        case resumeReading
        /// Call ``PeerSession/tick(now:stranger:)`` at this time, instead of any time asked for
        /// before; nil: no call is needed.
        case wakeUp(at: NIODeadline?)
        /// Close the connection. Nothing follows but the storing of entries already received.
        case close(Closing)
    }

    /// How a connection ended.
    enum Closing: Sendable, Equatable {
        /// This side said goodbye: the sync is done, or the node closed the connection.
        case finished
        /// The peer said goodbye or closed; `error` is nil when that completes a sync.
        case ended(error: String?)
        /// This side cut the peer off: it broke the protocol or a deadline, or the node refused it.
        case dropped(reason: String)

        /// What the connection's summary reports as its error.
        var error: String? {
            switch self {
            case .finished: nil
            case .ended(let error): error
            case .dropped(let reason): reason
            }
        }
    }
}
