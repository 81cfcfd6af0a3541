import VFLog

/// A complete clock message from the peer: FULL, or changes to the clock whose hash is `base`.
struct ClockMessage: Sendable, Equatable {
    var full: Bool
    var base: Hash32
    var changes: [ClockChange]
}

/// The peer's side of the clock exchange on one connection: its clock as reconstructed from its
/// messages, and how far it holds or has been sent each feed it wants (docs/protocol.md §11).
struct PeerClockMessages: Sendable, Equatable {
    /// The peer's clock as of its latest message answered, or as remembered from an earlier
    /// connection until then.
    private(set) var clock: FeedClock
    /// Whether a message of this connection was answered. Until then nothing is pushed: the
    /// remembered clock may be out of date.
    private var isKnown = false
    /// The message whose frames are arriving, its changes gathered in place.
    private var partial: ClockMessage?
    /// Complete messages answered. A peer drives this count, so it is checked, never wrapped.
    private(set) var received: UInt32
    /// The `k` of the peer's latest `idle(k)`, until its next clock message.
    private var idleAfter: UInt32?
    /// Feeds the peer wants of which it holds more than its clock says: what we sent it, or
    /// it sent us. Only those, not every feed the clock names.
    private var raised: [FeedID: UInt64] = [:]
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
    ///
    /// An empty delta once a message of this connection was answered costs nothing: every feed
    /// was answered then, what we came to hold since was pushed (``push(_:upTo:)``), and the
    /// clock is as remembered, so the answer is an empty plan and `caughtUp` with the kept hash.
    mutating func answer(_ message: ClockMessage, localHeads: [FeedID: UInt64]) throws(SyncProtocolError) -> [SyncStateMachine.Action] {
        guard received < UInt32.max else { throw .unexpected("over \(UInt32.max) clock messages") }
        received += 1
        idleAfter = nil
        if message.full {
            clock = FeedClock()
            clock.apply(message.changes)
        } else {
            guard message.base == clock.hashed() else { return [.send(.needFull(clock: received))] }
            if isKnown, message.changes.isEmpty {
                return [.send(.plan(feeds: 0, entries: 0)), .send(.caughtUp(clock: received, hash: clock.hashed()))]
            }
            clock.apply(message.changes)
        }
        guard clock.count <= maximumFeeds else { throw .unexpected("clock of over \(maximumFeeds) feeds") }
        isKnown = true
        // Keep only what the clock does not say already: a feed the peer dropped and asks for
        // again starts from its new clock.
        let clock = clock
        if !raised.isEmpty { raised = raised.filter { entry in clock[entry.key].map { entry.value > $0 } ?? false } }
        var ranges: [EntryRange] = []
        var entries: UInt64 = 0
        for (feed, theirs) in clock.pairsInKeyOrder {
            let held = raised.isEmpty ? theirs : max(theirs, raised[feed] ?? 0)
            // `head > held` makes `after + 1` safe for whoever reads the range.
            if let head = localHeads[feed], head > held {
                ranges.append(EntryRange(feed: feed, after: held, through: head))
                entries = entries.saturatingAdd(head - held)
            }
        }
        raised.reserveCapacity(raised.count + ranges.count)
        for range in ranges { raised[range.feed] = range.through }
        var actions: [SyncStateMachine.Action] = [.rememberPeerClock(clock), .send(.plan(feeds: UInt32(clamping: ranges.count), entries: entries))]
        if !ranges.isEmpty { actions.append(.sendEntries(ranges, answer: true)) }
        actions.append(.send(.caughtUp(clock: received, hash: self.clock.hashed())))
        return actions
    }

    /// What answering `message` costs, in feeds looked at: nothing for an empty delta on a
    /// connection that answered a message, else up to the larger of the message and the clock.
    func answerCost(_ message: ClockMessage) -> Int {
        !message.full && message.changes.isEmpty && isKnown ? 0 : max(message.changes.count, clock.count)
    }

    /// The peer said `idle(k)`: `k` counts its clock messages, which we have all answered (an
    /// invitee is never idle while its clocks wait for the invite check).
    mutating func idle(_ k: UInt32) throws(SyncProtocolError) {
        guard k <= received else { throw .unexpected("idle after \(k) clocks, only \(received) received") }
        idleAfter = k
    }

    /// How far the peer holds `feed` or has been sent it; nil if it does not want it (or its
    /// clock is not known yet on this connection).
    private func held(_ feed: FeedID) -> UInt64? {
        guard isKnown, let theirs = clock[feed] else { return nil }
        return max(theirs, raised[feed] ?? 0)
    }

    /// The peer sent this entry, so it holds it: never send it back.
    mutating func sent(_ feed: FeedID, upTo sequence: UInt64) {
        if let held = held(feed), sequence > held { raised[feed] = sequence }
    }

    /// We now hold `feed` up to `head`: the range to push if the peer wants it and lacks it.
    mutating func push(_ feed: FeedID, upTo head: UInt64) -> SyncStateMachine.Action? {
        guard let held = held(feed), head > held else { return nil }
        raised[feed] = head
        return .sendEntries([EntryRange(feed: feed, after: held, through: head)])
    }
}
