/// When a connection tells the node it has caught up with a peer that holds the node's own
/// feed, so that a locked node may check whether it can unlock (docs/protocol.md §2, "Feed mark
/// file and the own-feed lock"). Pure: the connection gives it what the peer's clocks say and
/// asks it each time it has performed a batch of actions.
///
/// The node is asked once per figure the peer gives: when the answer is "still locked" (the
/// log holds less than the peer said, as when its entries were refused), asking again at the
/// same figure changes nothing, but a later clock that says the peer holds more is asked about
/// once the connection has caught up with it.
struct OwnFeedCatchUp: Equatable {
    /// How far the peer's latest clock says it holds this node's own feed; nil when it names it not.
    private(set) var peerHolds: UInt64?
    /// The figure the node was last asked about.
    private(set) var asked: UInt64?

    /// The peer's latest clock names this node's feed up to `holds` (nil: it does not name it).
    mutating func peerClock(holds: UInt64?) {
        peerHolds = holds
    }

    /// The figure to ask the node about now, if any, recording that it was asked: only while
    /// the node is locked, once the connection is caught up, for a peer that holds some of the
    /// feed, and above the figure asked about before.
    mutating func ask(nodeLocked: Bool, caughtUp: Bool) -> UInt64? {
        guard nodeLocked, caughtUp, let holds = peerHolds, holds > 0, holds > asked ?? 0 else { return nil }
        asked = holds
        return holds
    }
}
