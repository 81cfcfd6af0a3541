import Logging
import NIOCore
import NIOPosix
import VFLog

/// Adapts one TCP connection to the protocol machines: the Secret Handshake, then box
/// streams carrying sync frames. It owns no protocol logic; it feeds bytes to the machines and
/// performs the actions they return: writing, streaming entries from the store, ingesting.
///
/// Everything here runs on the node's event loop; store work goes to the thread pool.
final class PeerConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Role {
        /// Dials `expected`; with an `invite` secret, redeems it.
        case client(expected: FeedID, invite: [UInt8]?)
        /// Accepted a connection, counted against `admittedFrom` until the handshake ends; the
        /// peer may redeem an invite this node issued.
        case server(admittedFrom: String)
    }

    private enum Phase {
        case handshaking(HandshakeStateMachine)
        case syncing
        case closed
    }

    private enum Outbound {
        case frame(SyncFrame)
        /// Entries `after+1 … through` of a feed; `page` holds those read from the store and
        /// not yet written, so a stalled peer costs at most one page of memory.
        case entries(feed: FeedID, after: UInt64, through: UInt64, page: ArraySlice<SignedEntry>)
        case forkEvidence(FeedID)
        case goodbye
    }

    /// Roughly how many bytes of entries to read from the store at once.
    private static let pageBytes = 1 << 20

    private let hub: Node
    private let role: Role
    var isDialer: Bool { if case .client = role { true } else { false } }
    private let oneShot: Bool
    private var logger: Logger
    private var phase: Phase
    private var context: ChannelHandlerContext?

    private(set) var remote: FeedID?
    /// Whether the node keeps this peer in its table (every known peer; strangers at a bounded
    /// rate): only then are its connection, failures and clocks written.
    var recorded = false
    /// The peer's IP address, for the caps per address.
    private(set) var remoteIP: String?
    /// Held while this inbound connection counts against the node's handshake caps.
    private var admission: String?
    /// Set when the handshake completes.
    private var deadlines: ConnectionDeadlines?
    private let opened = NIODeadline.now()
    /// When bytes last moved either way: an idle stranger is closed, and the idlest gives way
    /// to a known peer.
    var lastActivity: NIODeadline { deadlines?.lastActivity ?? opened }
    private var reader: BoxStreamReader?
    private var writer: BoxStreamWriter?
    private var frames = FrameDecoder()
    private(set) var machine: SyncStateMachine?

    /// A ring, not an array: a clock naming a million feeds queues a job per feed to send, and
    /// the pump takes them from the front.
    private var outbound = CircularBuffer<Outbound>()
    private var fetchInFlight = false
    private var pumping = false
    private var persistence: EventLoopFuture<Void>?
    private var pumpAgain = false
    private var lastEntryBytes = 512
    private var plaintext: [UInt8] = []
    private var forkEvidenceSent: Set<FeedID> = []
    private var ingestQueue: [SignedEntry] = []
    private var ingestInFlight = false
    /// Why reading from the socket waits, if it does; TCP's flow control then slows the peer.
    private enum ReadPause: Hashable {
        /// Too many received entries wait to be stored.
        case ingest
        /// The peer sent frames before this side could answer them.
        case early
        /// A stranger used up the node's shared allowance for strangers' bytes.
        case throttle
    }
    private var readPauses: Set<ReadPause> = []

    private func pauseReading(_ reason: ReadPause) {
        guard readPauses.insert(reason).inserted, readPauses.count == 1, let context else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    private func resumeReading(_ reason: ReadPause) {
        guard readPauses.remove(reason) != nil, readPauses.isEmpty, let context else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        context.read()
    }
    let result: EventLoopPromise<SyncSummary>
    private(set) var stored = 0
    private(set) var sent = 0
    /// Bytes on the wire, handshake included.
    private(set) var bytesIn = 0
    private(set) var bytesOut = 0

    init(hub: Node, role: Role, oneShot: Bool, eventLoop: EventLoop) {
        self.hub = hub
        self.role = role
        self.oneShot = oneShot
        self.logger = hub.logger
        self.result = eventLoop.makePromise()
        let identity = hub.identity
        switch role {
        case .client(let expected, _):
            phase = .handshaking(.client(networkKey: hub.networkKey.bytes, identity: identity, serverPublicKey: expected.bytes))
        case .server(let admittedFrom):
            admission = admittedFrom
            phase = .handshaking(.server(networkKey: hub.networkKey.bytes, identity: identity))
        }
    }

    private var handshakeTimeout: Scheduled<Void>?

    /// Gives back this connection's place among the handshakes, once.
    private func endAdmission() {
        handshakeTimeout?.cancel()
        handshakeTimeout = nil
        guard let admission else { return }
        self.admission = nil
        hub.handshakeEnded(admittedFrom: admission)
    }

    /// Why this connection should close now, if it should: the setup, a started frame or (for
    /// a stranger) idleness took longer than the node allows.
    func expiredDeadline(at now: NIODeadline, stranger: Bool, configuration: Node.Configuration) -> String? {
        guard case .syncing = phase, let deadlines else { return nil }
        return deadlines.expired(at: now, stranger: stranger, limits: .init(
            setup: configuration.setupTimeout, partialFrame: configuration.partialFrameTimeout,
            strangerIdle: configuration.strangerIdleTimeout))
    }

    /// Charges a stranger's bytes to the node's shared allowance; when it is spent, reading
    /// waits until it has refilled. Strangers' clocks and frames then cost the node a bounded
    /// share of its time, however fast they can send.
    private func throttleIfStranger(_ count: Int, context: ChannelHandlerContext) {
        guard hub.isStranger(self) else { return }
        let wait = hub.chargeStranger(bytes: count)
        guard wait > .zero else { return }
        // Reads already under way go on for a moment after reading pauses; each one pushes the
        // resumption later.
        let until = NIODeadline.now() + wait
        throttledUntil = max(throttledUntil ?? until, until)
        pauseReading(.throttle)
        scheduleResumption(context.eventLoop)
    }

    private var throttledUntil: NIODeadline?
    private var resumptionScheduled = false

    private func scheduleResumption(_ eventLoop: EventLoop) {
        guard !resumptionScheduled, let until = throttledUntil else { return }
        resumptionScheduled = true
        eventLoop.scheduleTask(deadline: until) { [self] in
            resumptionScheduled = false
            guard let until = throttledUntil else { return }
            guard NIODeadline.now() >= until else { return scheduleResumption(eventLoop) }
            throttledUntil = nil
            // Time spent not reading is not the peer's slowness.
            deadlines?.resumedReading(at: .now())
            resumeReading(.throttle)
        }
    }

    /// Closes the connection for `reason`, logged as a drop.
    func drop(_ reason: String) { fail(reason) }

    // MARK: channel events

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        remoteIP = context.remoteAddress?.ipAddress
        logger[metadataKey: "peer"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        // Cancelled when the handshake ends: a flood of connections must not leave a timer each.
        handshakeTimeout = context.eventLoop.scheduleTask(in: .seconds(10)) { [self] in
            if case .handshaking = phase { fail("handshake did not complete within 10 s") }
        }
        if case .handshaking(var machine) = phase, case .client = role {
            let actions = machine.start()
            phase = .handshaking(machine)
            performHandshake(actions)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        bytesIn += bytes.count
        switch phase {
        case .handshaking(var machine):
            let actions = machine.receive(bytes)
            phase = .handshaking(machine)
            performHandshake(actions)
        case .syncing:
            throttleIfStranger(bytes.count, context: context)
            receiveBoxed(bytes)
            let complete = !(reader?.holdsPartialPacket ?? false) && frames.bufferedCount == 0
            deadlines?.received(at: .now(), complete: complete)
        case .closed:
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch phase {
        case .handshaking(var machine):
            let actions = machine.peerClosed()
            performHandshake(actions)
            if case .closed = phase {} else { finish(error: "connection closed during the handshake") }
        case .syncing:
            if machine?.isClosed == true, outbound.isEmpty { finish(error: nil) } else { finish(error: "connection closed by the peer") }
        case .closed:
            break
        }
        self.context = nil
    }

    /// A channel that closes before it was ever active (a refused dial) still answers its promise.
    func handlerRemoved(context: ChannelHandlerContext) {
        finish(error: "connection closed")
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail("connection error: \(error)")
    }

    // MARK: handshake

    private func performHandshake(_ actions: [HandshakeStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let bytes):
                write(bytes)
                context?.flush()
            case .failed(let error):
                fail("\(error)")
                return
            case .completed(let result):
                guard let feed = FeedID(bytes: result.remotePublicKey) else { return fail("peer key is not 32 bytes") }
                remote = feed
                logger[metadataKey: "peer"] = "\(feed)"
                reader = BoxStreamReader(result.receiving)
                writer = BoxStreamWriter(result.sending)
                phase = .syncing
                deadlines = ConnectionDeadlines(established: .now())
                endAdmission()
                if let refusal = hub.register(self, remote: feed) { return fail(refusal) }
                startSync(feed)
            case .boxStreamBytes(let bytes):
                receiveBoxed(bytes)
            }
        }
    }

    private func startSync(_ feed: FeedID) {
        let replicator = hub.replicator
        hub.threadPool.runIfActive(eventLoop: context!.eventLoop) {
            let wanted = try replicator.wantedFeeds()
            let heads = try replicator.heads()
            let clocks = try replicator.peers.clocks(for: feed)
            return (wanted, heads, clocks.peer, clocks.acknowledged)
        }.whenComplete { [self] outcome in
            switch outcome {
            case .failure(let error):
                fail("cannot read the store: \(error)")
            case .success(let (wanted, heads, peerClock, acknowledged)):
                guard case .syncing = phase else { return }
                let invite: SyncStateMachine.InviteRole
                switch role {
                case .client(_, let secret?): invite = .redeem(secret: secret)
                case .client(_, nil): invite = .none
                case .server: invite = .accept
                }
                var machine = SyncStateMachine(wants: hub.replicator.clock(wanted: wanted, heads: heads), localHeads: heads,
                                               acknowledgedBase: acknowledged, rememberedPeerClock: peerClock, oneShot: oneShot,
                                               invite: invite)
                // A stranger's clock is answered in one step on the node's loop: keep it small.
                if hub.isStranger(self) { machine.maximumPeerClockFeeds = hub.configuration.maximumStrangerClockFeeds }
                let actions = machine.start()
                self.machine = machine
                perform(actions)
                processFrames()
                resumeReading(.early)
            }
        }
    }

    // MARK: sync

    private func receiveBoxed(_ bytes: [UInt8]) {
        guard var reader else { return }
        let events = reader.receive(bytes)
        self.reader = reader
        for event in events {
            switch event {
            case .message(let body):
                frames.append(body)
            case .goodbye:
                processFrames()
                if oneShot, machine?.isClosed == true { finish(error: nil) } else { finish(error: machine?.isCaughtUp == true ? nil : "peer said goodbye") }
                context?.close(promise: nil)
                return
            case .failed(let error):
                return fail("box stream: \(error)")
            }
        }
        processFrames()
    }

    /// Frames a peer may send before this side has read the store and can answer them; past
    /// this, reading waits.
    private static let maximumEarlyBytes = 256 * 1024

    private func processFrames() {
        guard machine != nil else {
            if frames.bufferedCount > Self.maximumEarlyBytes { pauseReading(.early) }
            return
        }
        do {
            while case .syncing = phase, let body = try frames.next() {
                let frame = try SyncFrame.decode(body)
                deadlines?.frameDecoded()
                guard var machine = self.machine else { return }
                let actions = machine.receive(frame)
                self.machine = machine
                perform(actions)
            }
        } catch {
            fail("\(error)")
        }
        if ingestQueue.count > 4096 { pauseReading(.ingest) }
    }

    func perform(_ actions: [SyncStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let frame):
                outbound.append(.frame(frame))
            case let .sendEntries(feed, after, through):
                outbound.append(.entries(feed: feed, after: after, through: through, page: []))
                if hub.isForked(feed), !forkEvidenceSent.contains(feed) { outbound.append(.forkEvidence(feed)) }
            case .ingest(let entry):
                ingestQueue.append(entry)
            case .rememberPeerClock(let clock):
                remember(clock, acknowledged: false)
            case .rememberAcknowledgedClock(let clock):
                remember(clock, acknowledged: true)
            case .redeemInvite(let secret):
                redeemInvite(secret)
            case .finished:
                outbound.append(.goodbye)
            case .close(let error):
                fail("\(error)")
                return
            }
        }
        scheduleIngest()
        pump()
    }

    /// Clocks are written in order, and the connection's result waits for them, so a one-shot
    /// sync that returns has remembered what the next connection's delta is based on.
    private func remember(_ clock: FeedClock, acknowledged: Bool) {
        guard let remote, let context, recorded else { return }
        let known = !hub.isStranger(self)
        let peers = hub.replicator.peers
        let threadPool = hub.threadPool
        let eventLoop = context.eventLoop
        let previous = persistence ?? eventLoop.makeSucceededVoidFuture()
        persistence = previous.flatMap {
            threadPool.runIfActive(eventLoop: eventLoop) {
                try peers.rememberClock(clock, peer: remote, acknowledged: acknowledged, known: known)
                // Both sides are caught up and idle: that is a sync, even on a connection that stays open.
                if acknowledged { try peers.recordSync(remote) }
            }
        }.recover { [logger] error in logger.warning("cannot remember the clock: \(error)") }
    }

    /// Checks and spends an invite on the thread pool. On success the node first learns of its
    /// new contact entry and wants (so this connection sends its clock delta), then the machine
    /// answers `redeemed` and the clocks it held.
    private func redeemInvite(_ secret: [UInt8]) {
        guard let remote, let context else { return }
        let replicator = hub.replicator
        let key = hub.key
        hub.threadPool.runIfActive(eventLoop: context.eventLoop) {
            try replicator.redeemInvite(secret: secret, by: remote, key: key)
        }.whenComplete { [self] outcome in
            guard case .syncing = phase else { return }
            let refusal: String?
            switch outcome {
            case .failure(let error):
                logger.warning("cannot check an invite: \(error)")
                refusal = "the pub cannot check invites now"
            case .success(.refused(let reason)):
                logger.notice("refused an invite: \(reason)")
                refusal = reason
            case .success(.accepted(let head, let wanted)):
                logger.info("invite redeemed; now following \(remote)")
                hub.ownFeedAppended(head: head, wanted: wanted)
                refusal = nil
            }
            guard var machine else { return }
            let actions = machine.inviteChecked(refusal: refusal)
            self.machine = machine
            perform(actions)
        }
    }

    /// Writes queued frames and entries while the channel accepts them, in order.
    private func pump() {
        // A write or flush can call back into pump() (writability changed). Such a call must not
        // be lost: it may be the only wake-up after the socket drained.
        if pumping { pumpAgain = true; return }
        pumping = true
        defer { pumping = false }
        repeat {
            pumpAgain = false
            pumpOnce()
        } while pumpAgain
    }

    private func pumpOnce() {
        guard let context, case .syncing = phase else { return }
        while !fetchInFlight, context.channel.isWritable, let job = outbound.first {
            switch job {
            case .frame(let frame):
                outbound.removeFirst()
                writeFrame(frame)
            case .goodbye:
                outbound.removeFirst()
                flushFrames(flushSocket: false)
                if var writer { let bye = writer.goodbye(); self.writer = writer; write(bye) }
                context.flush()
                finish(error: nil)
                context.close(promise: nil)
                return
            case let .entries(feed, after, through, page) where !page.isEmpty:
                // Write from the page while the socket takes it; keep the rest for later.
                var rest = page, last = after
                while let signed = rest.first, context.channel.isWritable {
                    rest.removeFirst()
                    last = signed.entry.sequence
                    writeFrame(.entry(encoded: signed.entry.encoded, payload: signed.payload))
                    sent += 1
                }
                if rest.isEmpty && last >= through {
                    outbound.removeFirst()
                } else {
                    outbound[outbound.startIndex] = .entries(feed: feed, after: last, through: through, page: rest)
                }
            case let .entries(feed, after, through, _):
                guard after < through else { outbound.removeFirst(); continue }
                fetchInFlight = true
                let replicator = hub.replicator
                let limit = max(8, min(256, Self.pageBytes / max(1, lastEntryBytes)))
                hub.threadPool.runIfActive(eventLoop: context.eventLoop) {
                    try replicator.entries(of: feed, after: after, through: through, limit: limit)
                }.whenComplete { [self] outcome in
                    fetchInFlight = false
                    switch outcome {
                    case .failure(let error):
                        fail("cannot read entries: \(error)")
                    case .success(let page):
                        if page.isEmpty {
                            outbound.removeFirst()  // the store holds less than announced: nothing more to send
                        } else {
                            lastEntryBytes = page.reduce(0) { $0 + $1.entry.encoded.count + ($1.payload?.count ?? 0) } / page.count
                            outbound[outbound.startIndex] = .entries(feed: feed, after: after, through: through, page: page[...])
                        }
                        pump()
                    }
                }
            case let .forkEvidence(feed):
                fetchInFlight = true
                let replicator = hub.replicator
                hub.threadPool.runIfActive(eventLoop: context.eventLoop) {
                    try replicator.forkEvidence(of: feed)
                }.whenComplete { [self] outcome in
                    fetchInFlight = false
                    outbound.removeFirst()
                    if case .success(let evidence) = outcome, !evidence.isEmpty {
                        forkEvidenceSent.insert(feed)
                        for entry in evidence { writeFrame(.entry(encoded: entry.encoded, payload: nil)) }
                    }
                    pump()
                }
            }
        }
        flushFrames()
    }

    private func scheduleIngest() {
        // Not tied to the channel: entries received before the connection closed are still
        // verified and stored.
        guard !ingestInFlight, !ingestQueue.isEmpty else { return }
        let batch = ingestQueue
        ingestQueue = []
        ingestInFlight = true
        // The machine already dropped entries of feeds we do not want.
        let log = hub.replicator.log
        hub.threadPool.runIfActive(eventLoop: hub.loop) {
            try log.ingest(batch)
        }.whenComplete { [self] outcome in
            ingestInFlight = false
            switch outcome {
            case .failure(let error):
                fail("cannot store entries: \(error)")
            case .success(let report):
                stored += report.stored.count
                for fork in report.forks { logger.warning("fork detected: \(fork.author) #\(fork.sequence)") }
                // A forked feed refusing more entries is not the sender's fault: it may not know yet.
                guard var machine else { return }
                let actions = machine.ingested(count: batch.count, rejections: report.rejected)
                self.machine = machine
                if !report.stored.isEmpty || !report.forks.isEmpty { hub.entriesStored(report) }
                perform(actions)
                if ingestQueue.count < 1024 { resumeReading(.ingest) }
                scheduleIngest()
            }
        }
    }

    /// New local entries: pass them on if the peer wants them.
    func localHeadsChanged(_ heads: [FeedID: UInt64]) {
        guard var machine else { return }
        let actions = machine.localHeadsChanged(heads)
        self.machine = machine
        perform(actions)
    }

    func wantsChanged(_ wanted: Set<FeedID>) {
        guard var machine else { return }
        let actions = machine.wantsChanged(wanted)
        self.machine = machine
        perform(actions)
    }

    // MARK: writing and closing

    /// Queues a frame; ``flushFrames()`` seals everything queued into as few box-stream
    /// packets as fit, so small frames do not each pay the 34-byte packet header.
    private func writeFrame(_ frame: SyncFrame) {
        plaintext += FrameDecoder.frame(frame.encode())
        if plaintext.count >= 64 * 1024 { flushFrames(flushSocket: false) }
    }

    private func flushFrames(flushSocket: Bool = true) {
        if !plaintext.isEmpty, var writer {
            // Update all state before writing: a write may re-enter this handler.
            let sealed = writer.seal(plaintext)
            self.writer = writer
            plaintext.removeAll(keepingCapacity: true)
            write(sealed)
        }
        if flushSocket { context?.flush() }
    }

    private func write(_ bytes: [UInt8]) {
        guard let context else { return }
        bytesOut += bytes.count
        deadlines?.sent(at: .now())
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func close() {
        guard let context, case .syncing = phase else { context?.close(promise: nil); return }
        flushFrames(flushSocket: false)
        if var writer { let bye = writer.goodbye(); self.writer = writer; write(bye) }
        context.flush()
        finish(error: nil)
        context.close(promise: nil)
    }

    private func fail(_ reason: String) {
        if case .closed = phase { return }
        // A stranger, or a connection that never said who it is: counted, not logged one by one.
        if !isDialer && (remote == nil || hub.isStranger(self)) {
            logger.debug("dropping connection: \(reason)")
            hub.noteStrangerDropped(reason)
        } else {
            logger.warning("dropping connection: \(reason)")
        }
        finish(error: reason)
        context?.close(promise: nil)
    }

    private func finish(error: String?) {
        endAdmission()
        if case .closed = phase { return }
        phase = .closed
        hub.unregister(self, error: error)
        let summary = SyncSummary(peer: remote, stored: stored, sent: sent, caughtUp: machine?.isCaughtUp ?? false, error: error,
                                  bytesIn: bytesIn, bytesOut: bytesOut)
        if let persistence {
            persistence.whenComplete { [result] _ in result.succeed(summary) }
        } else {
            result.succeed(summary)
        }
    }
}

/// What one connection achieved.
public struct SyncSummary: Sendable {
    public let peer: FeedID?
    public let stored: Int
    public let sent: Int
    public let caughtUp: Bool
    public let error: String?
    public let bytesIn: Int
    public let bytesOut: Int
}
