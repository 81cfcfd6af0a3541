import NIOCore
import VFLog

/// One connection, from its first byte to its last, as a value: the Secret Handshake, then box
/// streams carrying the sync protocol, and what lies between those machines and a socket: what
/// to read from the store to send next and how much may wait unsent (``OutboundPump``), received
/// entries gathered into batches to store (``IngestQueue``), when to stop reading, and the
/// connection's deadlines.
///
/// It takes received bytes, the results of the store reads and writes it asked for, the time
/// and the channel's writability, and returns ``Action``s. It never touches a channel, the
/// store or a clock: ``PeerConnectionHandler`` performs its actions on a socket, tests on plain
/// bytes. After ``Action/close(_:)`` it asks only for entries already received to be stored.
struct PeerSession: Sendable {
    enum Role: Sendable, Equatable {
        /// Dialled `server`; with an `invite` secret, redeems it.
        case client(server: FeedID, invite: [UInt8]?)
        /// Accepted the connection; the peer may redeem an invite this node issued.
        case server
    }

    struct Limits: Sendable {
        /// The handshake must be over this soon after the connection opened.
        var handshake: TimeAmount = .seconds(10)
        var deadlines = ConnectionDeadlines.Limits(setup: .seconds(10), partialFrame: .seconds(30), strangerIdle: .seconds(60))
        /// No frame is queued to send while this many bytes are written and not yet taken by
        /// the socket: with the one page of entries the pump holds, what a stalled peer costs.
        var bytesInFlight = 256 * 1024
        /// Roughly how many bytes of entries one store read returns.
        var pageBytes = 1 << 20
        /// Decrypted bytes a peer may send before the sync has started and can answer them;
        /// past this, reading waits.
        var earlyBytes = 256 * 1024
        /// Reading waits while more received entries than this wait to be stored, or more
        /// bytes of them than `ingestPauseBytes` (entries of 64 KiB payloads: 4,096 would be 270 MB)...
        var ingestPause = 4096
        var ingestPauseBytes = 8 << 20
        /// ...until a batch is stored with fewer than this waiting, and fewer bytes.
        var ingestResume = 1024
        var ingestResumeBytes = 2 << 20
        /// Reading waits while answers to the peer's clock messages weighing more than this are
        /// queued (``OutboundPump/answerLoad``): a peer that asks and does not read what it asked for...
        var answerLoadPause = 1024
        /// ...until they weigh this much or less. What the node sends of its own accord does not
        /// count, so two nodes pushing each other many feeds never both wait for the other to read.
        var answerLoadResume = 256
        /// A peer's clock naming more feeds than this is answered off the event loop
        /// (``Action/answerClock(_:)``), so that the loop's other connections do not wait.
        var clockFeedsAnsweredInPlace = 20_000

        init() {}
    }

    /// What the store holds and the node knows when the sync starts (``begin(_:)``).
    struct Setup: Sendable {
        var wants: FeedClock
        var localHeads: [FeedID: UInt64]
        var acknowledgedBase: FeedClock?
        var rememberedPeerClock: FeedClock?
        /// Feeds with a fork proof; ``feedsForked(_:)`` adds those found later.
        var forked: Set<FeedID>
        /// The most feeds the peer's clock may name, if fewer than the protocol allows (a stranger's).
        var maximumPeerClockFeeds: Int? = nil
    }

    private enum State: Sendable {
        case handshaking(HandshakeStateMachine)
        /// The handshake is over; the node admits the peer and reads the store. Frames that
        /// arrive meanwhile wait, undecoded, in the stream.
        case admitting(Established)
        case syncing(Established, Sync)
        /// `machine` is kept for what it says of the sync.
        case closed(machine: SyncStateMachine?)
        /// Only while a state's value is being changed, so its buffers are not copied.
        case modifying
    }

    private struct Established: Sendable {
        var stream: FramedBoxStream
        var deadlines: ConnectionDeadlines
    }

    private struct Sync: Sendable {
        var machine: SyncStateMachine
        var pump: OutboundPump
    }

    /// Why reading from the socket waits, if it does.
    private enum ReadPause: Sendable, Hashable {
        /// Too many received entries wait to be stored.
        case ingest
        /// The peer sent frames before this side could answer them.
        case early
        /// A stranger used up the node's shared allowance for strangers' bytes.
        case throttle
        /// The peer's clock is being answered off the event loop; the frames after it wait.
        case answering
        /// Too many answers wait to be sent: the peer does not read what it asks for.
        case backlog
    }

    let role: Role
    let oneShot: Bool
    let limits: Limits
    private var state: State
    private var ingest = IngestQueue()
    private var readPauses: Set<ReadPause> = []
    private let opened: NIODeadline
    private var handshakeDeadline: NIODeadline?
    /// When reading may resume after the allowance for strangers ran out.
    private var throttledUntil: NIODeadline?
    /// The time of the last ``Action/wakeUp(at:)``.
    private var wakeUp: NIODeadline?
    /// The latest time an input told: sends are stamped with it.
    private var now: NIODeadline
    private var isWritable = true
    /// Bytes written and not yet reported taken by the socket.
    private(set) var bytesInFlight = 0
    /// Bytes on the wire, handshake included.
    private(set) var bytesIn = 0
    private(set) var bytesOut = 0
    /// Entries sent from the store (fork proofs aside), and received ones stored.
    private(set) var entriesSent = 0
    private(set) var entriesStored = 0

    init(role: Role, networkKey: [UInt8], identity: SigningKeyPair, oneShot: Bool, limits: Limits = Limits(), now: NIODeadline) {
        self.role = role
        self.oneShot = oneShot
        self.limits = limits
        self.opened = now
        self.now = now
        switch role {
        case .client(let server, _):
            state = .handshaking(.client(networkKey: networkKey, identity: identity, serverPublicKey: server.bytes))
        case .server:
            state = .handshaking(.server(networkKey: networkKey, identity: identity))
        }
    }

    var isDialer: Bool { if case .client = role { true } else { false } }

    var isClosed: Bool { if case .closed = state { true } else { false } }

    /// The sync, once it has started.
    var machine: SyncStateMachine? {
        switch state {
        case .syncing(_, let sync): sync.machine
        case .closed(let machine): machine
        case .handshaking, .admitting, .modifying: nil
        }
    }

    /// When bytes last moved either way (past the handshake).
    var lastActivity: NIODeadline {
        switch state {
        case .admitting(let established), .syncing(let established, _): established.deadlines.lastActivity
        case .handshaking, .closed, .modifying: opened
        }
    }

    // MARK: inputs

    /// The connection is open: the handshake's time starts, and a client says hello.
    mutating func activate(now: NIODeadline) -> [Action] {
        self.now = now
        guard case .handshaking(var handshake) = state, handshakeDeadline == nil else { return [] }
        handshakeDeadline = now + limits.handshake
        let steps = handshake.start()
        state = .handshaking(handshake)
        return handshook(steps)
    }

    /// Bytes read from the peer.
    mutating func receive(_ bytes: [UInt8], now: NIODeadline) -> [Action] {
        self.now = now
        bytesIn += bytes.count
        switch state {
        case .handshaking(var handshake):
            state = .modifying
            let steps = handshake.receive(bytes)
            state = .handshaking(handshake)
            return handshook(steps)
        case .admitting, .syncing:
            var (established, sync) = takeEstablished()
            var actions: [Action] = [.chargeAllowance(bytes: bytes.count)]
            let closing = receiveBoxed(bytes, &established, &sync, &actions)
            return settle(&established, &sync, closing, actions)
        case .closed, .modifying:
            return []
        }
    }

    /// The node admitted the peer and read the store: the sync starts, and frames that came
    /// early are answered.
    mutating func begin(_ setup: Setup) -> [Action] {
        guard case .admitting = state else { return [] }
        var (established, sync) = takeEstablished()
        let invite: SyncStateMachine.InviteRole
        switch role {
        case .client(_, let secret?): invite = .redeem(secret: secret)
        case .client(_, nil): invite = .none
        case .server: invite = .accept
        }
        var machine = SyncStateMachine(wants: setup.wants, localHeads: setup.localHeads, acknowledgedBase: setup.acknowledgedBase,
                                       rememberedPeerClock: setup.rememberedPeerClock, oneShot: oneShot, invite: invite)
        if let limit = setup.maximumPeerClockFeeds { machine.maximumPeerClockFeeds = limit }
        machine.maximumClockFeedsAnsweredInPlace = limits.clockFeedsAnsweredInPlace
        sync = Sync(machine: machine, pump: OutboundPump(forked: setup.forked, pageBytes: limits.pageBytes))
        var actions: [Action] = []
        let opening = sync!.machine.start()
        var closing = apply(opening, &sync!, &actions) ?? pump(&established, &sync!, &actions)
        if closing == nil { closing = decodeFrames(&established, &sync!, &actions) }
        if closing == nil { resume(.early, &actions) }
        return settle(&established, &sync, closing, actions)
    }

    /// The page asked for by ``Action/readEntries(feed:after:through:limit:)``.
    mutating func entriesRead(_ page: [SignedEntry]) -> [Action] {
        withSync { sync in sync.pump.entriesRead(page); return [] }
    }

    /// The entries asked for by ``Action/readForkEvidence(_:)``; empty if they could not be read.
    mutating func forkEvidenceRead(_ evidence: [Entry]) -> [Action] {
        withSync { sync in sync.pump.forkEvidenceRead(evidence); return [] }
    }

    /// The batch of ``Action/ingest(_:)`` is verified: `stored` entries were new, and
    /// `rejections` were refused (an offence, unless their feed is forked).
    mutating func ingested(stored: Int, rejections: [VerificationError]) -> [Action] {
        let count = ingest.batchStored()
        guard count > 0 else { return [] }
        entriesStored += stored
        guard case .syncing = state else {
            // Entries received before the connection closed are still stored.
            var actions: [Action] = []
            gatherIngest(&actions)
            return actions
        }
        var (established, sync) = takeEstablished()
        var actions: [Action] = []
        let steps = sync!.machine.ingested(count: count, rejections: rejections)
        let closing = apply(steps, &sync!, &actions)
        if closing == nil, ingest.waitingCount < limits.ingestResume, ingest.waitingBytes < limits.ingestResumeBytes {
            resume(.ingest, &actions)
        }
        return settle(&established, &sync, closing, actions)
    }

    /// The answer handed out by ``Action/answerClock(_:)`` is done: it goes out, and the frames
    /// that waited for it are read.
    mutating func clockAnswered(_ answered: ClockAnswer.Answered) -> [Action] {
        guard case .syncing = state else { return [] }
        var (established, sync) = takeEstablished()
        var actions: [Action] = []
        let steps = sync!.machine.clockAnswered(answered)
        var closing = apply(steps, &sync!, &actions) ?? pump(&established, &sync!, &actions)
        if closing == nil { closing = decodeFrames(&established, &sync!, &actions) }
        if closing == nil, !sync!.machine.isAnsweringClock, readPauses.contains(.answering) {
            // Time spent not reading is not the peer's slowness.
            established.deadlines.resumedReading(at: now)
            resume(.answering, &actions)
        }
        return settle(&established, &sync, closing, actions)
    }

    /// The invite of ``Action/redeemInvite(secret:)`` is checked: `refusal` is nil if it was
    /// accepted (call ``wantsChanged(_:)`` first if that changed what we want).
    mutating func inviteChecked(refusal: String?) -> [Action] {
        withSync { $0.machine.inviteChecked(refusal: refusal) }
    }

    /// New entries are held locally: pass them on if the peer wants them.
    mutating func localHeadsChanged(_ heads: [FeedID: UInt64]) -> [Action] {
        withSync { $0.machine.localHeadsChanged(heads) }
    }

    /// The node's replication set changed.
    mutating func wantsChanged(_ wanted: Set<FeedID>) -> [Action] {
        withSync { $0.machine.wantsChanged(wanted) }
    }

    /// The node learnt of forks in these feeds: their proofs follow their entries.
    mutating func feedsForked(_ feeds: Set<FeedID>) {
        guard case .syncing(let established, var sync) = state else { return }
        state = .modifying
        sync.pump.forked(feeds)
        state = .syncing(established, sync)
    }

    /// The channel accepts writes again, or no longer does.
    mutating func writabilityChanged(_ writable: Bool) -> [Action] {
        isWritable = writable
        return writable ? withSync { _ in [] } : []
    }

    /// The socket took `count` bytes of a ``Action/write(_:)``.
    mutating func written(_ count: Int) -> [Action] {
        bytesInFlight -= min(count, bytesInFlight)
        return withSync { _ in [] }
    }

    /// A stranger spent the node's allowance: reading waits until `until`.
    mutating func throttle(until: NIODeadline) -> [Action] {
        switch state {
        case .admitting, .syncing:
            // Reads already under way go on for a moment after reading pauses; each one
            // pushes the resumption later.
            throttledUntil = max(throttledUntil ?? until, until)
            var actions: [Action] = []
            pause(.throttle, &actions)
            updateWakeUp(&actions)
            return actions
        case .handshaking, .closed, .modifying:
            return []
        }
    }

    /// The time is `now`: the wake-up asked for, or the node's regular check of deadlines.
    /// `stranger` says whether the peer is one (strangers may not stay idle).
    mutating func tick(now: NIODeadline, stranger: Bool) -> [Action] {
        self.now = now
        switch state {
        case .handshaking:
            guard let handshakeDeadline, now >= handshakeDeadline else { return [] }
            return end(.dropped(reason: "handshake did not complete within \(ConnectionDeadlines.text(limits.handshake))"))
        case .admitting, .syncing:
            var (established, sync) = takeEstablished()
            var actions: [Action] = []
            if let throttledUntil, now >= throttledUntil {
                self.throttledUntil = nil
                // Time spent not reading is not the peer's slowness.
                established.deadlines.resumedReading(at: now)
                resume(.throttle, &actions)
            }
            // Nor is time spent not reading now (storing entries, answering a clock, a stranger
            // throttled): a frame under way keeps its full time from when reading resumes. But
            // waiting because the peer does not read our answers is the peer's doing: a frame
            // it left half-sent then still runs out, which ends a peer that never reads.
            if !readPauses.subtracting([.backlog]).isEmpty { established.deadlines.resumedReading(at: now) }
            let expired = established.deadlines.expired(at: now, stranger: stranger, limits: limits.deadlines)
            return settle(&established, &sync, expired.map { .dropped(reason: $0) }, actions)
        case .closed, .modifying:
            return []
        }
    }

    /// The node closes the connection: say goodbye after what is gathered, whatever else waits.
    mutating func close() -> [Action] {
        switch state {
        case .handshaking:
            return end(.ended(error: "connection closed during the handshake"))
        case .admitting, .syncing:
            var (established, sync) = takeEstablished()
            var actions: [Action] = []
            write(established.stream.goodbye(), &actions)
            actions.append(.flush)
            return settle(&established, &sync, .finished, actions)
        case .closed, .modifying:
            return []
        }
    }

    /// The node cuts the peer off for `reason`.
    mutating func drop(_ reason: String) -> [Action] {
        end(.dropped(reason: reason))
    }

    /// The peer closed the connection.
    mutating func peerClosed() -> [Action] {
        switch state {
        case .handshaking(var handshake):
            let failure = handshake.peerClosed().lazy.compactMap { step -> String? in
                if case .failed(let error) = step { "\(error)" } else { nil }
            }.first
            return end(failure.map { .dropped(reason: $0) } ?? .ended(error: "connection closed during the handshake"))
        case .syncing(_, let sync) where sync.machine.isClosed && sync.pump.isEmpty:
            return end(.ended(error: nil))
        case .admitting, .syncing:
            return end(.ended(error: "connection closed by the peer"))
        case .closed, .modifying:
            return []
        }
    }

    /// The connection is gone without a word (a dial that never connected).
    mutating func detached() -> [Action] {
        end(.ended(error: "connection closed"))
    }

    // MARK: transitions

    private mutating func handshook(_ steps: [HandshakeStateMachine.Action]) -> [Action] {
        var actions: [Action] = []
        for step in steps {
            switch step {
            case .send(let bytes):
                write(bytes, &actions)
                actions.append(.flush)
            case .failed(let error):
                return actions + end(.dropped(reason: "\(error)"))
            case .completed(let result):
                guard let remote = FeedID(bytes: result.remotePublicKey) else { return actions + end(.dropped(reason: "peer key is not 32 bytes")) }
                state = .admitting(Established(stream: FramedBoxStream(result), deadlines: ConnectionDeadlines(established: now)))
                actions.append(.established(remote: remote))
            case .boxStreamBytes(let bytes):
                var (established, sync) = takeEstablished()
                let closing = receiveBoxed(bytes, &established, &sync, &actions)
                actions = settle(&established, &sync, closing, actions)
            }
        }
        updateWakeUp(&actions)
        return actions
    }

    /// The established connection, taken out of `state` to be changed in place; ``settle`` puts
    /// it back.
    private mutating func takeEstablished() -> (Established, Sync?) {
        switch state {
        case .admitting(let established):
            state = .modifying
            return (established, nil)
        case .syncing(let established, let sync):
            state = .modifying
            return (established, sync)
        case .handshaking, .closed, .modifying:
            preconditionFailure("PeerSession has no established connection to change")
        }
    }

    /// Runs `body` on the sync, if it has started, and performs what the machine returns.
    private mutating func withSync(_ body: (inout Sync) -> [SyncStateMachine.Action]) -> [Action] {
        guard case .syncing = state else { return [] }
        var (established, sync) = takeEstablished()
        var actions: [Action] = []
        let steps = body(&sync!)
        let closing = apply(steps, &sync!, &actions)
        return settle(&established, &sync, closing, actions)
    }

    /// Puts the connection back in `state`, after sending what can be sent, or closes it;
    /// then hands over received entries to store.
    private mutating func settle(_ established: inout Established, _ sync: inout Sync?, _ closing: Closing?,
                                 _ actions: [Action]) -> [Action] {
        var actions = actions
        var closing = closing
        if closing == nil, sync != nil { closing = pump(&established, &sync!, &actions) }
        if closing == nil, let load = sync?.pump.answerLoad {
            if load > limits.answerLoadPause {
                pause(.backlog, &actions)
            } else if load <= limits.answerLoadResume {
                resume(.backlog, &actions)
            }
        }
        if let sync {
            state = .syncing(established, sync)
        } else {
            state = .admitting(established)
        }
        if let closing { actions += end(closing) }
        gatherIngest(&actions)
        updateWakeUp(&actions)
        return actions
    }

    private mutating func end(_ closing: Closing) -> [Action] {
        switch state {
        case .handshaking, .admitting: state = .closed(machine: nil)
        case .syncing(_, let sync): state = .closed(machine: sync.machine)
        case .closed, .modifying: return []
        }
        throttledUntil = nil
        var actions: [Action] = [.close(closing)]
        updateWakeUp(&actions)
        return actions
    }

    private mutating func receiveBoxed(_ bytes: [UInt8], _ established: inout Established, _ sync: inout Sync?,
                                       _ actions: inout [Action]) -> Closing? {
        let goodbye: Bool
        do {
            goodbye = try established.stream.receive(bytes)
        } catch {
            return .dropped(reason: "box stream: \(error)")
        }
        if sync == nil {
            if established.stream.bufferedCount > limits.earlyBytes { pause(.early, &actions) }
        } else if let closing = decodeFrames(&established, &sync!, &actions) {
            return closing
        }
        if goodbye {
            // The peer ended the stream: nothing more is sent, not even our goodbye.
            guard let machine = sync?.machine else { return .ended(error: "peer said goodbye") }
            return .ended(error: (oneShot && machine.isClosed) || machine.isCaughtUp ? nil : "peer said goodbye")
        }
        established.deadlines.received(at: now, complete: !established.stream.holdsPartialFrame)
        return nil
    }

    private mutating func decodeFrames(_ established: inout Established, _ sync: inout Sync, _ actions: inout [Action]) -> Closing? {
        do {
            // While a clock is answered elsewhere the machine would only gather frames: they wait here.
            while !sync.machine.isAnsweringClock, let frame = try established.stream.nextFrame() {
                established.deadlines.frameDecoded()
                let steps = sync.machine.receive(frame)
                // Each frame's answer goes out in packets of its own, as the specification counts them.
                if let closing = apply(steps, &sync, &actions) ?? pump(&established, &sync, &actions) { return closing }
            }
        } catch {
            return .dropped(reason: "\(error)")
        }
        return nil
    }

    /// Turns what the sync machine asks for into jobs for the pump and actions.
    private mutating func apply(_ steps: [SyncStateMachine.Action], _ sync: inout Sync, _ actions: inout [Action]) -> Closing? {
        for step in steps {
            switch step {
            case .send(let frame): sync.pump.send(frame)
            case let .sendEntries(ranges, answer): sync.pump.sendEntries(ranges, answer: answer)
            case .ingest(let entry): ingest.append(entry)
            case .rememberPeerClock(let clock): actions.append(.rememberClock(clock, acknowledged: false))
            case .rememberAcknowledgedClock(let clock): actions.append(.rememberClock(clock, acknowledged: true))
            case .redeemInvite(let secret): actions.append(.redeemInvite(secret: secret))
            case .finished: sync.pump.sendGoodbye()
            case .close(let error): return .dropped(reason: "\(error)")
            case .answerClock(let work):
                actions.append(.answerClock(work))
                pause(.answering, &actions)
            }
        }
        return nil
    }

    /// Sends what is queued while the channel is writable and the socket keeps up; returns
    /// `.finished` when the goodbye went out.
    private mutating func pump(_ established: inout Established, _ sync: inout Sync, _ actions: inout [Action]) -> Closing? {
        let before = bytesOut
        defer { if bytesOut > before { established.deadlines.sent(at: now) } }
        while isWritable, bytesInFlight + established.stream.gatheredCount < limits.bytesInFlight, let step = sync.pump.next() {
            switch step {
            case .send(let frame):
                if let sealed = established.stream.send(frame) { write(sealed, &actions) }
            case .sendEntry(let signed):
                entriesSent += 1
                if let sealed = established.stream.send(.entry(encoded: signed.entry.encoded, payload: signed.payload)) {
                    write(sealed, &actions)
                }
            case let .readEntries(feed, after, through, limit):
                actions.append(.readEntries(feed: feed, after: after, through: through, limit: limit))
            case .readForkEvidence(let feed):
                actions.append(.readForkEvidence(feed))
            case .goodbye:
                write(established.stream.goodbye(), &actions)
                actions.append(.flush)
                return .finished
            }
        }
        if let sealed = established.stream.seal() { write(sealed, &actions) }
        if bytesOut > before { actions.append(.flush) }
        return nil
    }

    private mutating func write(_ bytes: [UInt8], _ actions: inout [Action]) {
        bytesOut += bytes.count
        bytesInFlight += bytes.count
        actions.append(.write(bytes))
    }

    /// Hands over the entries gathered, if no batch is being stored; reading waits while too
    /// many wait.
    private mutating func gatherIngest(_ actions: inout [Action]) {
        if let batch = ingest.nextBatch() { actions.append(.ingest(batch)) }
        if !isClosed, ingest.waitingCount > limits.ingestPause || ingest.waitingBytes > limits.ingestPauseBytes { pause(.ingest, &actions) }
    }

    private mutating func pause(_ reason: ReadPause, _ actions: inout [Action]) {
        guard readPauses.insert(reason).inserted, readPauses.count == 1 else { return }
        actions.append(.pauseReading)
    }

    private mutating func resume(_ reason: ReadPause, _ actions: inout [Action]) {
        guard readPauses.remove(reason) != nil, readPauses.isEmpty else { return }
        actions.append(.resumeReading)
    }

    /// Asks for a wake-up at the next time something is due: the end of the handshake's time,
    /// or of a stranger's throttling. The node's poll checks the other deadlines.
    private mutating func updateWakeUp(_ actions: inout [Action]) {
        let due: NIODeadline?
        switch state {
        case .handshaking: due = handshakeDeadline
        case .admitting, .syncing: due = throttledUntil
        case .closed, .modifying: due = nil
        }
        guard due != wakeUp else { return }
        wakeUp = due
        actions.append(.wakeUp(at: due))
    }
}
