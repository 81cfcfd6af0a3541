import VFLog

/// Answering one complete clock message of the peer, as a value that can run on any thread.
///
/// A clock may name a million feeds (docs/protocol.md §11); answering it (rebuilding the
/// peer's clock, hashing it, comparing every feed with what we hold) takes most of a second.
/// On the event loop that would stall every other connection, so ``SyncStateMachine`` hands
/// a large one out as ``SyncStateMachine/Action/answerClock(_:)``; whoever runs ``run()``
/// reports its result with ``SyncStateMachine/clockAnswered(_:)``. The machine reads nothing
/// of the peer's side meanwhile, so the answer is exactly the one it would have made in place.
public struct ClockAnswer: Sendable, Equatable {
    /// The peer's side of the exchange as it stood when the message completed.
    var peer: PeerClockMessages
    let message: ClockMessage
    /// The latest sequence we hold of every feed we hold, as it stood then.
    let localHeads: [FeedID: UInt64]

    /// What answering made of the exchange, to hand back to the machine.
    public struct Answered: Sendable {
        var peer: PeerClockMessages
        var outcome: Result<[SyncStateMachine.Action], SyncProtocolError>
    }

    /// Pure: the same answer on any thread, touching nothing but its own values.
    public func run() -> Answered {
        var peer = peer
        do {
            let actions = try peer.answer(message, localHeads: localHeads)
            return Answered(peer: peer, outcome: .success(actions))
        } catch {
            return Answered(peer: peer, outcome: .failure(error))
        }
    }
}
