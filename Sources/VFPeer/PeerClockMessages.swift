import VFLog

/// A complete clock message from the peer: FULL, or changes to the clock whose hash is `base`.
struct ClockMessage: Sendable, Equatable {
    var full: Bool
    var base: Hash32
    var changes: [ClockChange]
}

/// The peer's side of the clock exchange on one connection: its clock as reconstructed from its
/// messages, and how far it holds or has been sent each feed it wants (docs/protocol.md §11).
struct PeerClockMessages: Sendable {
    /// The peer's clock as of its latest message answered.
    private(set) var clock: FeedClock
    /// The message whose frames are arriving, its changes gathered in place.
    private var partial: ClockMessage?
    /// Complete messages answered. A peer drives this count, so it is checked, never wrapped.
    private(set) var received: UInt32
    /// The `k` of the peer's latest `idle(k)`, until its next clock message.
    private var idleAfter: UInt32?
    /// For each feed the peer wants: the highest sequence it holds or we have sent it.
    private var sentUpTo: [FeedID: UInt64] = [:]
    /// The most feeds a clock may name, in one message or added up over deltas.
    let maximumFeeds: Int

    init(remembered: FeedClock?, maximumFeeds: Int, received: UInt32 = 0) {
        self.clock = remembered ?? FeedClock()
        self.maximumFeeds = maximumFeeds
        self.received = received
    }

    var isReceivingMessage: Bool { partial != nil }

    /// The peer said `idle(k)` for all the messages it sent, and has sent no other since.
    var isIdle: Bool { idleAfter == received }

    /// One frame of a clock message; the message when this frame ends it.
    mutating func receive(full: Bool, final: Bool, base: Hash32, changes: [ClockChange]) throws(SyncProtocolError) -> ClockMessage? {
        if partial == nil {
            partial = ClockMessage(full: full, base: base, changes: [])
        } else {
            // A FULL message's base means nothing, so only a delta's frames must agree on it.
            guard partial!.full == full, full || partial!.base == base else { throw .unexpected("clock frames of one message disagree") }
        }
        partial!.changes.append(contentsOf: changes)
        guard partial!.changes.count <= maximumFeeds else { throw .unexpected("clock of over \(maximumFeeds) feeds") }
        guard final else { return nil }
        defer { partial = nil }
        return partial
    }

    /// Answers a complete message: `needFull` if it is a delta against a clock we do not hold,
    /// else the clock to remember, the plan, every missing range of entries, and `caughtUp`.
    mutating func answer(_ message: ClockMessage, localHeads: [FeedID: UInt64]) throws(SyncProtocolError) -> [SyncStateMachine.Action] {
        guard received < UInt32.max else { throw .unexpected("over \(UInt32.max) clock messages") }
        received += 1
        idleAfter = nil
        if message.full {
            clock = FeedClock()
            clock.apply(message.changes)
            // What was sent of a feed the peer no longer names would be pushed again otherwise.
            sentUpTo = sentUpTo.filter { clock[$0.key] != nil }
        } else {
            guard message.base == clock.hash else { return [.send(.needFull(clock: received))] }
            clock.apply(message.changes)
            for change in message.changes where change.sequence == nil { sentUpTo[change.feed] = nil }
        }
        guard clock.count <= maximumFeeds else { throw .unexpected("clock of over \(maximumFeeds) feeds") }
        var sends: [SyncStateMachine.Action] = []
        var entries: UInt64 = 0
        sentUpTo.reserveCapacity(clock.count)
        for feed in clock.sortedFeeds {
            let held = max(clock[feed]!, sentUpTo[feed] ?? 0)
            // `head > held` makes `after + 1` safe for whoever reads the range.
            if let head = localHeads[feed], head > held {
                sends.append(.sendEntries(feed: feed, after: held, through: head))
                entries = entries.addingSaturating(head - held)
                sentUpTo[feed] = head
            } else {
                sentUpTo[feed] = held
            }
        }
        return [.rememberPeerClock(clock), .send(.plan(feeds: UInt32(clamping: sends.count), entries: entries))]
            + sends + [.send(.caughtUp(clock: received, hash: clock.hash))]
    }

    /// The peer said `idle(k)`: `k` counts its clock messages, which we have all answered (an
    /// invitee is never idle while its clocks wait for the invite check).
    mutating func idle(_ k: UInt32) throws(SyncProtocolError) {
        guard k <= received else { throw .unexpected("idle after \(k) clocks, only \(received) received") }
        idleAfter = k
    }

    /// The peer sent this entry, so it holds it: never send it back.
    mutating func sent(_ feed: FeedID, upTo sequence: UInt64) {
        if let held = sentUpTo[feed], sequence > held { sentUpTo[feed] = sequence }
    }

    /// We now hold `feed` up to `head`: the range to push if the peer wants it and lacks it.
    mutating func push(_ feed: FeedID, upTo head: UInt64) -> SyncStateMachine.Action? {
        guard let held = sentUpTo[feed], head > held else { return nil }
        sentUpTo[feed] = head
        return .sendEntries(feed: feed, after: held, through: head)
    }
}

extension UInt64 {
    func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}

extension UInt32 {
    func addingSaturating(_ other: UInt32) -> UInt32 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
