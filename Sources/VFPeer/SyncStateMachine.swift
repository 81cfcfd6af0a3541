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
        /// Send entries `after+1 … through` of `feed`, in order, with payloads, then the feed's
        /// fork proofs if it is forked. Frames sent later are queued behind them.
        case sendEntries(feed: FeedID, after: UInt64, through: UInt64)
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
    }

    public let oneShot: Bool
    /// Our clock: the feeds we want and how far we hold each.
    private var wants: FeedClock
    /// Our clock as last sent, with the deltas applied; the base of our next delta.
    private var clockSent = FeedClock()
    private var acknowledgedBase: FeedClock?
    private var clocksSent: UInt32 = 0
    private var clocksAnswered: UInt32 = 0

    /// The peer's clock as reconstructed from its messages, and the message being received.
    private var peerClock: FeedClock
    private var incoming: (full: Bool, base: Hash32, changes: [ClockChange])?
    private var peerClocksReceived: UInt32 = 0
    /// For each feed the peer wants: the highest sequence it holds or we have sent it.
    private var sentUpTo: [FeedID: UInt64] = [:]
    private var localHeads: [FeedID: UInt64]

    private var helloReceived = false
    /// Entries handed over for ingest and not yet reported stored, oldest first.
    private var pendingIngest: [(feed: FeedID, sequence: UInt64)] = []
    /// For each feed: the highest sequence received from this peer and stored.
    private var receivedUpTo: [FeedID: UInt64] = [:]
    private var settledFor: (UInt32, UInt32)?
    private var idleSentFor: UInt32?
    private var peerIdle: UInt32?
    private var closed = false
    private var invite: InviteState
    /// Clock messages of an invitee, held until its invite is checked.
    private var heldClocks: [(full: Bool, base: Hash32, changes: [ClockChange])] = []

    private enum InviteState: Sendable {
        /// No invite on this connection, or it is settled: `redeem` is a violation.
        case none
        /// Invitee: `redeem` will be (or was) sent; waiting for `redeemed`.
        case awaitingAnswer(secret: [UInt8])
        /// Invitee: the pub accepted.
        case accepted
        /// Pub: a `redeem` may come as the next frame.
        case mayArrive
        /// Pub: the handler is checking the invite.
        case checking
    }

    /// Progress of what the peer announced it will send us.
    public private(set) var expectedEntries: UInt64 = 0
    public private(set) var expectedFeeds: UInt32 = 0
    public private(set) var receivedEntries: UInt64 = 0

    /// - Parameters:
    ///   - wants: our clock now.
    ///   - localHeads: the latest sequence we hold of every feed we hold.
    ///   - acknowledgedBase: our clock as the peer confirmed it last time, if any.
    ///   - rememberedPeerClock: the peer's clock as we stored it last time, if any.
    ///   - invite: whether this side redeems an invite, may accept one, or neither.
    public init(wants: FeedClock, localHeads: [FeedID: UInt64], acknowledgedBase: FeedClock?,
                rememberedPeerClock: FeedClock?, oneShot: Bool, invite: InviteRole = .none) {
        switch invite {
        case .none: self.invite = .none
        case .redeem(let secret):
            precondition(secret.count == SyncFrame.inviteSecretSize, "an invite secret is \(SyncFrame.inviteSecretSize) bytes")
            self.invite = .awaitingAnswer(secret: secret)
        case .accept: self.invite = .mayArrive
        }
        self.wants = wants
        self.localHeads = localHeads
        self.acknowledgedBase = acknowledgedBase
        self.peerClock = rememberedPeerClock ?? FeedClock()
        self.oneShot = oneShot
    }

    /// The most feeds a peer's clock may name, in one message or added up over deltas.
    var maximumPeerClockFeeds = 1_000_000

    public var isClosed: Bool { closed }

    /// Whether everything we asked for has arrived and been stored, and no invite is pending.
    public var isCaughtUp: Bool {
        helloReceived && clocksAnswered == clocksSent && pendingIngest.isEmpty && incoming == nil && !invitePending
    }

    /// An invitee still waits for `redeemed`, or a pub still checks an invite.
    private var invitePending: Bool {
        switch invite {
        case .awaitingAnswer, .checking: true
        case .none, .accepted, .mayArrive: false
        }
    }

    public mutating func start() -> [Action] {
        var actions: [Action] = [.send(.hello(version: SyncFrame.protocolVersion))]
        if case let .awaitingAnswer(secret) = invite { actions.append(.send(.redeem(secret: secret))) }
        if let base = acknowledgedBase {
            actions += sendClock(full: false, base: base)
        } else {
            actions += sendClock(full: true, base: FeedClock())
        }
        return actions
    }

    public mutating func receive(_ frame: SyncFrame) -> [Action] {
        guard !closed else { return [] }
        if !helloReceived {
            guard case let .hello(version) = frame else { return fail(.unexpected("first frame is not hello")) }
            guard version == SyncFrame.protocolVersion else { return fail(.unexpected("unsupported protocol version \(version)")) }
            helloReceived = true
            return []
        }
        if case .mayArrive = invite {
            // A redeem is welcome only as the frame right after hello.
            if case let .redeem(secret) = frame {
                invite = .checking
                return [.redeemInvite(secret: secret)]
            }
            invite = .none
        }
        switch frame {
        case .hello:
            return fail(.unexpected("second hello"))
        case let .clock(full, final, base, changes):
            if var partial = incoming {
                guard partial.full == full, partial.base == base else { return fail(.unexpected("clock frames of one message disagree")) }
                partial.changes += changes
                incoming = partial
            } else {
                incoming = (full, base, changes)
            }
            if (incoming?.changes.count ?? 0) > maximumPeerClockFeeds {
                return fail(.unexpected("clock of over \(maximumPeerClockFeeds) feeds"))
            }
            return final ? clockReceived() : []
        case let .entry(encoded, payload):
            let entry: Entry
            do { entry = try EntryCodec.decode(encoded) } catch {
                return fail(.badEntry(VerificationError(feed: nil, sequence: nil, reason: .malformed(error))))
            }
            receivedEntries += 1
            // The peer holds what it sends: never echo it back.
            if let sent = sentUpTo[entry.author], entry.sequence > sent { sentUpTo[entry.author] = entry.sequence }
            // Not wanted (any more): a race with our last clock, not an offence. Drop it.
            guard wants[entry.author] != nil else { return [] }
            pendingIngest.append((entry.author, entry.sequence))
            return [.ingest(SignedEntry(entry: entry, payload: payload))]
        case let .caughtUp(clock, hash):
            guard clock <= clocksSent, clock > clocksAnswered else { return fail(.unexpected("caught-up for clock \(clock) not awaited")) }
            clocksAnswered = clock
            var actions: [Action] = []
            if clock == clocksSent && hash == clockSent.hash {
                acknowledgedBase = clockSent
                actions.append(.rememberAcknowledgedClock(clockSent))
            }
            return actions + checkIdle()
        case let .needFull(clock):
            guard clock <= clocksSent, clock > clocksAnswered else { return fail(.unexpected("need-full for clock \(clock) not awaited")) }
            clocksAnswered = clock
            acknowledgedBase = nil
            return sendClock(full: true, base: FeedClock())
        case let .idle(count):
            guard count <= peerClocksReceived else { return fail(.unexpected("idle after \(count) clocks, only \(peerClocksReceived) received")) }
            peerIdle = count
            return settle() + checkFinished()
        case let .plan(feeds, entries):
            expectedFeeds &+= feeds
            expectedEntries &+= entries
            return []
        case .redeem:
            return fail(.unexpected("redeem not expected here"))
        case let .redeemed(ok, reason):
            guard case .awaitingAnswer = invite else { return fail(.unexpected("redeemed without a redeem")) }
            guard ok else { return fail(.inviteRefused(reason)) }
            invite = .accepted
            return checkIdle() + checkFinished()
        }
    }

    /// The handler checked the invite that ``Action/redeemInvite(secret:)`` handed over:
    /// `refusal` is nil if it was accepted (and the peer followed), else why not, for the peer.
    /// Call ``wantsChanged(_:)`` first if accepting changed what we want, so the peer hears
    /// our new clock before it hears that it may finish.
    public mutating func inviteChecked(refusal: String?) -> [Action] {
        guard !closed, case .checking = invite else { return [] }
        if let refusal {
            var reason = refusal
            while reason.utf8.count > SyncFrame.maximumReasonSize { reason.removeLast() }
            closed = true
            heldClocks = []
            invite = .none
            return [.send(.redeemed(ok: false, reason: reason)), .finished]
        }
        invite = .none
        var actions: [Action] = [.send(.redeemed(ok: true, reason: ""))]
        let held = heldClocks
        heldClocks = []
        for message in held { actions += answer(message) }
        return actions + checkIdle()
    }

    /// The handler stored (or refused) `count` entries handed over by ``Action/ingest(_:)``.
    /// A refused entry is an offence that closes the connection, except one refused because
    /// its feed is forked: the peer may not have learnt of the fork yet.
    public mutating func ingested(count: Int, rejections: [VerificationError] = []) -> [Action] {
        guard !closed else { return [] }
        if let offence = rejections.first(where: { $0.reason != .feedForked }) { return fail(.badEntry(offence)) }
        for (feed, sequence) in pendingIngest.prefix(count) { receivedUpTo[feed] = max(receivedUpTo[feed] ?? 0, sequence) }
        pendingIngest.removeFirst(min(count, pendingIngest.count))
        return checkIdle()
    }

    /// New entries are held locally (appended here, or received from any peer).
    public mutating func localHeadsChanged(_ heads: [FeedID: UInt64]) -> [Action] {
        guard !closed else { return [] }
        var actions: [Action] = []
        for (feed, head) in heads {
            localHeads[feed] = max(localHeads[feed] ?? 0, head)
            if wants[feed] != nil { wants[feed] = max(wants[feed] ?? 0, head) }
            if let sent = sentUpTo[feed], head > sent {
                actions.append(.sendEntries(feed: feed, after: sent, through: head))
                sentUpTo[feed] = head
            }
        }
        return actions
    }

    /// Our replication set changed: announce the difference.
    public mutating func wantsChanged(_ feeds: Set<FeedID>) -> [Action] {
        guard !closed else { return [] }
        var next = FeedClock()
        for feed in feeds { next[feed] = wants[feed] ?? localHeads[feed] ?? 0 }
        guard Set(next.sequences.keys) != Set(wants.sequences.keys) else { return [] }
        wants = next
        return sendClock(full: false, base: clockSent)
    }

    // MARK: internals

    private mutating func sendClock(full: Bool, base: FeedClock) -> [Action] {
        let changes = full ? wants.delta(from: FeedClock()) : wants.delta(from: base)
        clockSent = wants
        clocksSent += 1
        idleSentFor = nil
        var actions: [Action] = []
        var index = 0
        repeat {
            let chunk = Array(changes[index..<min(index + SyncFrame.maximumClockChanges, changes.count)])
            index += SyncFrame.maximumClockChanges
            actions.append(.send(.clock(full: full, final: index >= changes.count, base: full ? .zero : base.hash, changes: chunk)))
        } while index < changes.count
        return actions
    }

    private mutating func clockReceived() -> [Action] {
        guard let message = incoming else { return [] }
        incoming = nil
        if case .checking = invite {
            heldClocks.append(message)
            return []
        }
        return answer(message)
    }

    private mutating func answer(_ message: (full: Bool, base: Hash32, changes: [ClockChange])) -> [Action] {
        peerClocksReceived += 1
        peerIdle = nil
        let number = peerClocksReceived
        if message.full {
            peerClock = FeedClock()
        } else if message.base != peerClock.hash {
            return [.send(.needFull(clock: number))]
        }
        peerClock.apply(message.changes)
        // Deltas add up across messages: the same bound as one message, so a peer cannot grow it without end.
        if peerClock.sequences.count > maximumPeerClockFeeds {
            return fail(.unexpected("clock of over \(maximumPeerClockFeeds) feeds"))
        }
        for change in message.changes where change.sequence == nil { sentUpTo[change.feed] = nil }
        var actions: [Action] = [.rememberPeerClock(peerClock)]
        var sends: [Action] = []
        var entries: UInt64 = 0
        for (feed, theirs) in peerClock.sequences.sorted(by: { $0.key < $1.key }) {
            let sent = max(theirs, sentUpTo[feed] ?? 0)
            sentUpTo[feed] = sent
            if let head = localHeads[feed], head > sent {
                sends.append(.sendEntries(feed: feed, after: sent, through: head))
                // Heads of several feeds can add up past 64 bits; the plan only feeds a progress bar.
                let (sum, overflow) = entries.addingReportingOverflow(head - sent)
                entries = overflow ? .max : sum
                sentUpTo[feed] = head
            }
        }
        actions.append(.send(.plan(feeds: UInt32(sends.count), entries: entries)))
        actions += sends
        actions.append(.send(.caughtUp(clock: number, hash: peerClock.hash)))
        return actions
    }

    private mutating func checkIdle() -> [Action] {
        guard isCaughtUp, idleSentFor != clocksSent else { return [] }
        idleSentFor = clocksSent
        return [.send(.idle(clocksSent: clocksSent))] + settle() + checkFinished()
    }

    /// When both sides are idle, each holds what the other sent it. Both remember their
    /// clocks with those entries counted, identically, so the next connection's delta leaves
    /// out everything this one moved. If they disagree after all (the connection broke with
    /// entries in flight), the base hash mismatches and the peer asks for a full clock.
    private mutating func settle() -> [Action] {
        guard idleSentFor == clocksSent, isCaughtUp, peerIdle == peerClocksReceived,
              settledFor.map({ $0 != (clocksSent, peerClocksReceived) }) ?? true else { return [] }
        settledFor = (clocksSent, peerClocksReceived)
        var mine = clockSent
        for (feed, sequence) in receivedUpTo where (mine[feed] ?? .max) < sequence { mine[feed] = sequence }
        var theirs = peerClock
        for (feed, sequence) in sentUpTo where (theirs[feed] ?? .max) < sequence { theirs[feed] = sequence }
        return [.rememberAcknowledgedClock(mine), .rememberPeerClock(theirs)]
    }

    private mutating func checkFinished() -> [Action] {
        guard oneShot, !closed, idleSentFor == clocksSent, isCaughtUp, peerIdle == peerClocksReceived else { return [] }
        closed = true
        return [.finished]
    }

    private mutating func fail(_ error: SyncProtocolError) -> [Action] {
        closed = true
        return [.close(error)]
    }
}
