import VFLog

/// Our side of the clock exchange on one connection: the clock we want, the messages that told
/// the peer, and how many of them it has answered (docs/protocol.md §11, "Exchange").
struct OwnClockMessages: Sendable {
    /// Our clock now: the feeds we want and how far we hold each.
    var wants: FeedClock
    /// Our clock as last sent: what the peer reconstructs, so the base of a delta on this connection.
    private var lastSent = FeedClock()
    /// Clock messages sent, and answered with `caughtUp` or `needFull`. The peer can make us
    /// send one more for each `needFull`, so the count is checked, never wrapped.
    private(set) var sent: UInt32 = 0
    private(set) var answered: UInt32 = 0
    /// The numbers of the FULL messages sent and not yet answered. A receiver answers only a
    /// delta with `needFull`: one naming a FULL message is a violation, or a peer could make
    /// us send our whole clock again for every 9 bytes it sends.
    private var unansweredFull: [UInt32] = []
    /// `idle(sent)` has gone out. Said once per clock message number: live entries that
    /// arrive later do not repeat it.
    private(set) var idleSent = false

    /// Our clock as the peer confirmed it on an earlier connection: the base of message 1.
    private let confirmed: FeedClock?

    /// `sent` starts the count elsewhere than at zero, as if that many messages were sent and
    /// answered: for tests at the limit.
    init(wants: FeedClock, confirmed: FeedClock?, sent: UInt32 = 0) {
        self.wants = wants
        self.confirmed = confirmed
        self.sent = sent
        self.answered = sent
    }

    var hasStarted: Bool { sent > 0 }

    var allAnswered: Bool { answered == sent }

    /// Message 1: a delta against the clock the peer confirmed last time, or FULL; nothing if
    /// it is sent already.
    mutating func first() -> [SyncFrame] {
        guard !hasStarted else { return [] }
        return (try? message(against: confirmed)) ?? []
    }

    /// The frames of our next clock message: FULL when `base` is nil, else the changes since
    /// `base`, a clock the peer holds.
    mutating func message(against base: FeedClock?) throws(SyncProtocolError) -> [SyncFrame] {
        guard sent < UInt32.max else { throw .unexpected("no clock message number left after \(sent)") }
        let changes = wants.delta(from: base ?? FeedClock())
        let baseHash = base?.hash ?? .zero
        lastSent = wants
        sent += 1
        if base == nil { unansweredFull.append(sent) }
        idleSent = false
        var frames: [SyncFrame] = []
        var index = 0
        repeat {
            let end = min(index + SyncFrame.maximumClockChanges, changes.count)
            frames.append(.clock(full: base == nil, final: end == changes.count, base: baseHash, changes: Array(changes[index..<end])))
            index = end
        } while index < changes.count
        return frames
    }

    /// Our wants changed: a delta against our last clock, unless message 1 is still to go,
    /// which will carry them.
    mutating func changed() throws(SyncProtocolError) -> [SyncFrame] {
        guard hasStarted else { return [] }
        return try message(against: lastSent)
    }

    /// The peer answered message `number` with `caughtUp`; returns our clock as sent when this
    /// confirms it (our latest message, and the peer's hash of it is right).
    mutating func caughtUp(_ number: UInt32, hash: Hash32) throws(SyncProtocolError) -> FeedClock? {
        guard number <= sent, number > answered else { throw .unexpected("caught-up for clock \(number) not awaited") }
        answer(number)
        return number == sent && hash == lastSent.hash ? lastSent : nil
    }

    /// The peer could not apply message `number`, a delta: the frames of a FULL clock.
    mutating func needFull(_ number: UInt32) throws(SyncProtocolError) -> [SyncFrame] {
        guard number <= sent, number > answered else { throw .unexpected("need-full for clock \(number) not awaited") }
        guard !unansweredFull.contains(number) else { throw .unexpected("need-full for clock \(number), which is FULL") }
        answer(number)
        return try message(against: nil)
    }

    /// Messages up to `number` are answered.
    private mutating func answer(_ number: UInt32) {
        answered = number
        unansweredFull.removeAll { $0 <= number }
    }

    /// `idle(k)` if it is due: the caller knows we are caught up.
    mutating func idle() -> SyncFrame? {
        guard allAnswered, !idleSent else { return nil }
        idleSent = true
        return .idle(clocksSent: sent)
    }

    /// We now hold `feed` up to `head`: what we want of it starts after that.
    mutating func hold(_ feed: FeedID, upTo head: UInt64) {
        if let held = wants[feed], head > held { wants[feed] = head }
    }

    /// Our replication set is now `feeds`, each with what we hold of it.
    mutating func want(_ feeds: Set<FeedID>, heads: [FeedID: UInt64]) -> Bool {
        var next: [FeedID: UInt64] = [:]
        next.reserveCapacity(feeds.count)
        for feed in feeds { next[feed] = wants[feed] ?? heads[feed] ?? 0 }
        guard next.count != wants.count || next.keys.contains(where: { wants[$0] == nil }) else { return false }
        wants = FeedClock(next)
        return true
    }
}
