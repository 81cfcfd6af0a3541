import VFLog

/// One side of the sync protocol on one connection, as a value that takes frames and local
/// events and returns what to do. It never touches a socket or the store: the connection
/// handler performs its actions (docs/protocol.md, "Sync protocol").
///
/// Flow: both sides send `hello` and a clock (their wanted feeds with what they hold); each
/// answers a clock with a `plan`, the missing entries in sequence order, and `caughtUp`; then
/// both push new entries live. A side with nothing outstanding says `idle`; a one-shot sync
/// ends when both are idle.
///
/// Invites: an invitee sends `redeem` right after its `hello`. The pub holds back its answers
/// to the invitee's clocks until the invite is checked; then it answers `redeemed` and, if it
/// accepted, carries on as with any peer (having started to follow the invitee), or else
/// sends nothing more and closes.
///
/// Every number a peer sends is checked before it is used: counts are compared, not
/// subtracted; sums of what a peer announces saturate; a count the peer can push up is
/// refused at its limit. After ``Action/close(_:)`` or ``Action/finished`` the machine
/// returns no more actions.
public struct SyncStateMachine: Sendable {
    /// This side's part in redeeming an invite on this connection.
    public enum InviteRole: Sendable, Equatable {
        /// No invite: a `redeem` from the peer is a protocol violation.
        case none
        /// Redeem the invite with this secret, and treat a refusal as the end of the sync.
        case redeem(secret: [UInt8])
        /// Accept a `redeem` as the peer's first frame after `hello`.
        case accept
    }

    public enum Action: Sendable, Equatable {
        case send(SyncFrame)
        /// Send each range's entries, in order, with payloads, each followed by its feed's
        /// fork proofs if it is forked. Frames sent later are queued behind them. One action
        /// for the whole answer to a clock, however many feeds it names, so handing it to the
        /// sender costs the same for a million ranges as for one.
        /// `answer`: the ranges answer one of the peer's clock messages (else the node pushes them).
        case sendEntries([EntryRange], answer: Bool = false)
        /// Verify and store this entry; report back with ``ingested(count:rejections:)``.
        case ingest(SignedEntry)
        /// Remember the peer's clock, so its next connection can send only what changed.
        case rememberPeerClock(FeedClock)
        /// The peer confirmed it holds our clock as sent: the base for our next delta.
        case rememberAcknowledgedClock(FeedClock)
        /// Check and spend the invite with this secret; on success follow the peer; report
        /// back with ``inviteChecked(refusal:)``. Answers to the peer's clocks wait until then.
        case redeemInvite(secret: [UInt8])
        /// Say goodbye and close: in one-shot mode both sides have everything they asked for,
        /// or (either mode) the peer's invite was refused and it has been told why.
        case finished
        /// Close the connection: the peer broke the protocol.
        case close(SyncProtocolError)
        /// Run this answer to a large clock message away from the event loop and report back
        /// with ``clockAnswered(_:)``. Inputs that come meanwhile wait in the machine; frames
        /// had better wait undecoded.
        case answerClock(ClockAnswer)
    }

    private enum State: Sendable {
        /// The peer's hello has not come (ours goes out with ``start()``).
        case awaitingHello(AwaitingHello)
        /// Clocks and entries flow both ways.
        case exchanging(Exchange)
        /// As exchanging, while an invite is being redeemed on this connection: neither side
        /// is caught up until it is settled.
        case redeeming(Exchange, Redemption)
        /// Finished or cut off; `caughtUp` is what ``isCaughtUp`` said at the end.
        case closed(caughtUp: Bool)
        /// Only while a state's value is being changed, so its arrays are not copied.
        case modifying
    }

    private struct AwaitingHello: Sendable {
        var own: OwnClockMessages
        var localHeads: [FeedID: UInt64]
        var rememberedPeerClock: FeedClock?
        /// Where an invite stands once the peer's hello has come; nil: no invite.
        var redemption: Redemption?
    }

    /// Both directions of the exchange, once the peer's hello has come.
    private struct Exchange: Sendable {
        var own: OwnClockMessages
        var peer: PeerClockMessages
        /// The latest sequence we hold of every feed we hold.
        var localHeads: [FeedID: UInt64]
        /// Entries handed over for ingest and not yet reported stored or refused.
        var unstored = 0
        /// While a clock message is answered elsewhere (``Action/answerClock(_:)``), the inputs
        /// that came since, in order; `peer` is not read until the answer is back.
        var waiting: [Waiting]?

        /// Everything we asked for has arrived and been stored.
        var isCaughtUp: Bool { own.hasStarted && own.allAnswered && unstored == 0 && !peer.isReceivingMessage && waiting == nil }

        /// Answers in place a message whose clock names at most `limit` feeds; hands a larger
        /// one out, since answering costs time in proportion to the clock, not to the message.
        mutating func answer(_ message: ClockMessage, inPlaceUpTo limit: Int = .max) throws(SyncProtocolError) -> [Action] {
            guard peer.answerCost(message) > limit else { return try peer.answer(message, localHeads: localHeads) }
            waiting = []
            return [.answerClock(ClockAnswer(peer: peer, message: message, localHeads: localHeads))]
        }

        mutating func ingested(count: Int, rejections: [VerificationError]) throws(SyncProtocolError) {
            if let offence = rejections.first(where: { $0.reason != .feedForked }) { throw .badEntry(offence) }
            unstored -= min(max(count, 0), unstored)
        }

        mutating func want(_ feeds: Set<FeedID>) throws(SyncProtocolError) -> [Action] {
            guard own.want(feeds, heads: localHeads) else { return [] }
            return try own.changed().map(Action.send)
        }

        mutating func hold(_ heads: [FeedID: UInt64]) -> [Action] {
            var actions: [Action] = []
            for (feed, head) in heads {
                localHeads[feed] = max(localHeads[feed] ?? 0, head)
                own.hold(feed, upTo: head)
                if let push = peer.push(feed, upTo: head) { actions.append(push) }
            }
            return actions
        }
    }

    /// An input that came while a clock message was answered elsewhere.
    private enum Waiting: Sendable {
        case frame(SyncFrame)
        /// A complete clock message held back while an invite was checked.
        case clock(ClockMessage)
        case ingested(count: Int, rejections: [VerificationError])
        case localHeads([FeedID: UInt64])
        case wants(Set<FeedID>)
    }

    private enum Redemption: Sendable {
        /// Pub: the peer's next frame may be `redeem` (only the one right after hello).
        case offered
        /// Pub: the handler checks the invite; the peer's clock messages wait here, unanswered.
        case checking(held: [ClockMessage])
        /// Invitee: `redeem` (sent by ``start()``) has had no answer.
        case awaitingAnswer(secret: [UInt8])
    }

    /// What the peer announced and sent, for display; survives the end of the connection.
    private struct Progress: Sendable {
        var expectedEntries: UInt64 = 0
        var expectedFeeds: UInt32 = 0
        var receivedEntries: UInt64 = 0
    }

    public let oneShot: Bool
    private var state: State
    private var progress = Progress()

    /// Progress of what the peer announced it will send us. The sums saturate: a peer chooses them.
    public var expectedEntries: UInt64 { progress.expectedEntries }
    public var expectedFeeds: UInt32 { progress.expectedFeeds }
    public var receivedEntries: UInt64 { progress.receivedEntries }

    /// The most feeds a peer's clock may name, in one message or added up over deltas.
    var maximumPeerClockFeeds = 1_000_000
    /// A clock naming more feeds than this is answered off the event loop
    /// (``Action/answerClock(_:)``): answering it in place would hold up every other connection.
    var maximumClockFeedsAnsweredInPlace = 20_000

    /// - Parameters:
    ///   - wants: our clock now.
    ///   - localHeads: the latest sequence we hold of every feed we hold.
    ///   - acknowledgedBase: our clock as the peer confirmed it last time, if any.
    ///   - rememberedPeerClock: the peer's clock as we stored it last time, if any.
    ///   - invite: whether this side redeems an invite, may accept one, or neither.
    public init(wants: FeedClock, localHeads: [FeedID: UInt64], acknowledgedBase: FeedClock?,
                rememberedPeerClock: FeedClock?, oneShot: Bool, invite: InviteRole = .none) {
        if case let .redeem(secret) = invite {
            precondition(secret.count == SyncFrame.inviteSecretSize, "an invite secret is \(SyncFrame.inviteSecretSize) bytes")
        }
        self.oneShot = oneShot
        let redemption: Redemption?
        switch invite {
        case .none: redemption = nil
        case .redeem(let secret): redemption = .awaitingAnswer(secret: secret)
        case .accept: redemption = .offered
        }
        self.state = .awaitingHello(AwaitingHello(own: OwnClockMessages(wants: wants, confirmed: acknowledgedBase), localHeads: localHeads,
                                                  rememberedPeerClock: rememberedPeerClock, redemption: redemption))
    }

    public var isClosed: Bool {
        if case .closed = state { true } else { false }
    }

    /// Whether a clock message is being answered elsewhere: hand over no frame until
    /// ``clockAnswered(_:)``.
    public var isAnsweringClock: Bool {
        switch state {
        case .exchanging(let exchange), .redeeming(let exchange, _): exchange.waiting != nil
        case .awaitingHello, .closed, .modifying: false
        }
    }

    /// Whether everything we asked for has arrived and been stored, and no invite is pending.
    public var isCaughtUp: Bool {
        switch state {
        case .exchanging(let exchange): exchange.isCaughtUp
        case .closed(let caughtUp): caughtUp
        case .awaitingHello, .redeeming, .modifying: false
        }
    }

    /// Our hello, an invite's `redeem`, and our clock: a delta against the clock the peer
    /// confirmed last time, or FULL. Once; frames may be received before it.
    public mutating func start() -> [Action] {
        switch state {
        case .awaitingHello(var waiting):
            state = .modifying
            let actions = Self.opening(&waiting.own, redemption: waiting.redemption)
            state = .awaitingHello(waiting)
            return actions
        case .exchanging, .redeeming:
            return update { exchange, redemption, _ in Self.opening(&exchange.own, redemption: redemption) }
        case .closed, .modifying:
            return []
        }
    }

    public mutating func receive(_ frame: SyncFrame) -> [Action] {
        switch state {
        case .awaitingHello(let waiting):
            guard case let .hello(version) = frame else { return close(.unexpected("first frame is not hello")) }
            // Versions are not negotiated: a peer that speaks another is cut off at once.
            guard version == SyncFrame.protocolVersion else { return close(.unexpected("unsupported protocol version \(version)")) }
            let exchange = Exchange(own: waiting.own,
                                    peer: PeerClockMessages(remembered: waiting.rememberedPeerClock, maximumFeeds: maximumPeerClockFeeds),
                                    localHeads: waiting.localHeads)
            state = waiting.redemption.map { .redeeming(exchange, $0) } ?? .exchanging(exchange)
            return []
        case .exchanging, .redeeming:
            return update { [maximumClockFeedsAnsweredInPlace] exchange, redemption, progress throws(SyncProtocolError) in
                if exchange.waiting != nil {
                    exchange.waiting!.append(.frame(frame))
                    return []
                }
                return try Self.receive(frame, exchange: &exchange, redemption: &redemption, progress: &progress,
                                        answeredInPlace: maximumClockFeedsAnsweredInPlace)
            }
        case .closed:
            return []
        case .modifying:
            preconditionFailure("SyncStateMachine re-entered while changing state")
        }
    }

    /// The handler checked the invite that ``Action/redeemInvite(secret:)`` handed over:
    /// `refusal` is nil if it was accepted (and the peer followed), else why not, for the peer.
    /// Call ``wantsChanged(_:)`` first if accepting changed what we want, so the peer hears
    /// our new clock before it hears that it may finish.
    public mutating func inviteChecked(refusal: String?) -> [Action] {
        guard case .redeeming(_, .checking) = state else { return [] }
        if let refusal {
            var reason = refusal
            while reason.utf8.count > SyncFrame.maximumReasonSize { reason.removeLast() }
            state = .closed(caughtUp: false)
            return [.send(.redeemed(ok: false, reason: reason)), .finished]
        }
        return update { [maximumClockFeedsAnsweredInPlace] exchange, redemption, _ throws(SyncProtocolError) in
            guard case let .checking(held) = redemption else { return [] }
            redemption = nil
            var actions: [Action] = [.send(.redeemed(ok: true, reason: ""))]
            // As any clock: a large one is handed out, and the messages after it wait their turn.
            for message in held {
                if exchange.waiting != nil {
                    exchange.waiting!.append(.clock(message))
                } else {
                    actions += try exchange.answer(message, inPlaceUpTo: maximumClockFeedsAnsweredInPlace)
                }
            }
            return actions
        }
    }

    /// The answer handed out by ``Action/answerClock(_:)`` is done: its actions, then those of
    /// the inputs that waited for it.
    public mutating func clockAnswered(_ answered: ClockAnswer.Answered) -> [Action] {
        update { [maximumClockFeedsAnsweredInPlace] exchange, redemption, progress throws(SyncProtocolError) in
            guard var waiting = exchange.waiting?[...] else { return [] }
            exchange.waiting = nil
            exchange.peer = answered.peer
            var actions = try answered.outcome.get()
            // A waiting frame may complete another large clock: what follows it waits again.
            while exchange.waiting == nil, let input = waiting.popFirst() {
                switch input {
                case .frame(let frame):
                    actions += try Self.receive(frame, exchange: &exchange, redemption: &redemption, progress: &progress,
                                                answeredInPlace: maximumClockFeedsAnsweredInPlace)
                case .clock(let message):
                    actions += try exchange.answer(message, inPlaceUpTo: maximumClockFeedsAnsweredInPlace)
                case let .ingested(count, rejections):
                    try exchange.ingested(count: count, rejections: rejections)
                case .localHeads(let heads):
                    actions += exchange.hold(heads)
                case .wants(let feeds):
                    actions += try exchange.want(feeds)
                }
            }
            exchange.waiting?.append(contentsOf: waiting)
            return actions
        }
    }

    /// The handler stored (or refused) `count` entries handed over by ``Action/ingest(_:)``.
    /// A refused entry is an offence that closes the connection, except one refused because
    /// its feed is forked: the peer may not have learnt of the fork yet.
    public mutating func ingested(count: Int, rejections: [VerificationError] = []) -> [Action] {
        update { exchange, _, _ throws(SyncProtocolError) in
            if exchange.waiting != nil {
                exchange.waiting!.append(.ingested(count: count, rejections: rejections))
            } else {
                try exchange.ingested(count: count, rejections: rejections)
            }
            return []
        }
    }

    /// New entries are held locally (appended here, or received from any peer).
    public mutating func localHeadsChanged(_ heads: [FeedID: UInt64]) -> [Action] {
        switch state {
        case .awaitingHello(var waiting):
            state = .modifying
            for (feed, head) in heads {
                waiting.localHeads[feed] = max(waiting.localHeads[feed] ?? 0, head)
                waiting.own.hold(feed, upTo: head)
            }
            state = .awaitingHello(waiting)
            return []
        case .exchanging, .redeeming:
            return update { exchange, _, _ in
                guard exchange.waiting == nil else {
                    exchange.waiting!.append(.localHeads(heads))
                    return []
                }
                return exchange.hold(heads)
            }
        case .closed, .modifying:
            return []
        }
    }

    /// Our replication set changed: announce the difference, as a delta against our last clock.
    public mutating func wantsChanged(_ feeds: Set<FeedID>) -> [Action] {
        switch state {
        case .awaitingHello(var waiting):
            state = .modifying
            guard waiting.own.want(feeds, heads: waiting.localHeads) else {
                state = .awaitingHello(waiting)
                return []
            }
            do {
                let frames = try waiting.own.changed()
                state = .awaitingHello(waiting)
                return frames.map(Action.send)
            } catch {
                return close(error)
            }
        case .exchanging, .redeeming:
            return update { exchange, _, _ throws(SyncProtocolError) in
                guard exchange.waiting == nil else {
                    exchange.waiting!.append(.wants(feeds))
                    return []
                }
                return try exchange.want(feeds)
            }
        case .closed, .modifying:
            return []
        }
    }

    // MARK: transitions

    /// Runs `body` on the exchange; then, with no invite pending, says `idle` when it is due and
    /// finishes a one-shot sync when both sides are idle. A violation `body` throws closes.
    private mutating func update(
        _ body: (inout Exchange, inout Redemption?, inout Progress) throws(SyncProtocolError) -> [Action]
    ) -> [Action] {
        var exchange: Exchange
        var redemption: Redemption?
        switch state {
        case .exchanging(let current): exchange = current
        case .redeeming(let current, let pending): exchange = current; redemption = pending
        case .awaitingHello, .closed, .modifying: return []
        }
        state = .modifying
        var actions: [Action]
        do {
            actions = try body(&exchange, &redemption, &progress)
        } catch {
            state = .closed(caughtUp: redemption == nil && exchange.isCaughtUp)
            return [.close(error)]
        }
        if let redemption {
            state = .redeeming(exchange, redemption)
            return actions
        }
        if exchange.isCaughtUp, let idle = exchange.own.idle() { actions.append(.send(idle)) }
        if oneShot, exchange.isCaughtUp, exchange.own.idleSent, exchange.peer.isIdle {
            state = .closed(caughtUp: true)
            return actions + [.finished]
        }
        state = .exchanging(exchange)
        return actions
    }

    private static func opening(_ own: inout OwnClockMessages, redemption: Redemption?) -> [Action] {
        guard !own.hasStarted else { return [] }
        var actions: [Action] = [.send(.hello(version: SyncFrame.protocolVersion))]
        if case let .awaitingAnswer(secret) = redemption { actions.append(.send(.redeem(secret: secret))) }
        return actions + own.first().map(Action.send)
    }

    private mutating func close(_ error: SyncProtocolError) -> [Action] {
        state = .closed(caughtUp: false)
        return [.close(error)]
    }

    /// The most clock messages an invitee may send before its invite is answered.
    static let maximumClocksHeldForInvite = 16

    /// A frame from the peer after its hello.
    private static func receive(_ frame: SyncFrame, exchange: inout Exchange, redemption: inout Redemption?,
                                progress: inout Progress, answeredInPlace: Int) throws(SyncProtocolError) -> [Action] {
        if case .offered = redemption {
            if case let .redeem(secret) = frame {
                redemption = .checking(held: [])
                return [.redeemInvite(secret: secret)]
            }
            redemption = nil
        }
        switch frame {
        case .hello:
            throw .unexpected("second hello")
        case let .clock(full, final, base, changes):
            guard let message = try exchange.peer.receive(full: full, final: final, base: base, changes: changes) else { return [] }
            if case .checking(var held) = redemption {
                // An invitee sends its clock, and seldom more, before its invite is answered:
                // what waits is bounded, in messages and in the feeds they name. (Checked while
                // the invite is still being checked, so the close is not a caught-up sync's.)
                guard held.count < Self.maximumClocksHeldForInvite,
                      held.reduce(message.changes.count, { $0 + $1.changes.count }) <= exchange.peer.maximumFeeds else {
                    throw .unexpected("over \(Self.maximumClocksHeldForInvite) clock messages, or \(exchange.peer.maximumFeeds) feeds, "
                                      + "sent before the invite was answered")
                }
                redemption = nil
                held.append(message)
                redemption = .checking(held: held)
                return []
            }
            return try exchange.answer(message, inPlaceUpTo: answeredInPlace)
        case let .entry(encoded, payload):
            let entry: Entry
            do { entry = try EntryCodec.decode(encoded) } catch {
                throw .badEntry(VerificationError(feed: nil, sequence: nil, reason: .malformed(error)))
            }
            progress.receivedEntries = progress.receivedEntries.saturatingAdd(1)
            exchange.peer.sent(entry.author, upTo: entry.sequence)
            // Not wanted (any more): a race with our last clock, not an offence. Drop it.
            guard exchange.own.wants[entry.author] != nil else { return [] }
            exchange.unstored += 1
            return [.ingest(SignedEntry(entry: entry, payload: payload))]
        case let .caughtUp(number, hash):
            guard let confirmed = try exchange.own.caughtUp(number, hash: hash) else { return [] }
            return [.rememberAcknowledgedClock(confirmed)]
        case let .needFull(number):
            return try exchange.own.needFull(number).map(Action.send)
        case let .idle(count):
            try exchange.peer.idle(count)
            return []
        case let .plan(feeds, entries):
            progress.expectedFeeds = progress.expectedFeeds.saturatingAdd(feeds)
            progress.expectedEntries = progress.expectedEntries.saturatingAdd(entries)
            return []
        case .redeem:
            throw .unexpected("redeem not expected here")
        case let .redeemed(ok, reason):
            guard case .awaitingAnswer = redemption else { throw .unexpected("redeemed without a redeem") }
            guard ok else { throw .inviteRefused(reason) }
            redemption = nil
            return []
        }
    }
}
