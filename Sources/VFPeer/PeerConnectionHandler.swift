import Logging
import NIOCore
import VFLog

/// Adapts one TCP connection to its ``PeerSession``: turns the channel's events into the
/// session's inputs, and performs the actions it returns: writing to the channel, and store
/// work through the hub, off the event loop. It holds no protocol state of its own.
///
/// It lives on the event loop of its channel, which is the hub's: store results come back
/// there (`assumeIsolated` checks it), so the handler is not `Sendable`, and needs not be.
final class PeerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let hub: any PeerHub
    private let eventLoop: EventLoop
    private var session: PeerSession
    /// Answered once, when the connection ends and the clocks it remembered are written.
    let result: EventLoopPromise<SyncSummary>
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private(set) var remote: FeedID?
    /// Whether the node keeps this peer in its table (every known peer; strangers at a bounded
    /// rate): only then are its connection, failures and clocks written.
    var recorded = false
    /// The peer's IP address, for the caps per address.
    private(set) var remoteIP: String?
    /// Held while this inbound connection counts against the node's handshake caps.
    private var admission: String?
    private var wakeUp: Scheduled<Void>?
    /// Clocks are written in order, and the connection's result waits for them, so a one-shot
    /// sync that returns has remembered what the next connection's delta is based on.
    private var persistence: EventLoopFuture<Void>?
    /// Performing an action can cause an input (a write can change the channel's writability):
    /// the actions of that input wait here until those returned before are performed.
    private var pending = CircularBuffer<PeerSession.Action>()
    private var performing = false
    /// What the peer says it holds of this node's own feed, and what the node was asked about.
    private var ownFeedCatchUp = OwnFeedCatchUp()

    /// - Parameter admittedFrom: for an accepted connection, the address it counts against
    ///   among the node's handshakes.
    init(hub: any PeerHub, role: PeerSession.Role, oneShot: Bool, admittedFrom: String? = nil, eventLoop: EventLoop,
         result: EventLoopPromise<SyncSummary>? = nil) {
        self.hub = hub
        self.eventLoop = eventLoop
        self.admission = admittedFrom
        self.logger = hub.logger
        self.result = result ?? eventLoop.makePromise()
        var limits = PeerSession.Limits()
        limits.deadlines = .init(setup: hub.configuration.setupTimeout, partialFrame: hub.configuration.partialFrameTimeout,
                                 strangerIdle: hub.configuration.strangerIdleTimeout)
        session = PeerSession(role: role, networkKey: hub.networkKey.bytes, identity: hub.identity, oneShot: oneShot, limits: limits,
                              now: eventLoop.now)
    }

    var isDialer: Bool { session.isDialer }
    var machine: SyncStateMachine? { session.machine }
    /// When bytes last moved either way: an idle stranger is closed, and the idlest gives way
    /// to a known peer.
    var lastActivity: NIODeadline { session.lastActivity }

    // MARK: what the node tells

    /// The node's regular check of deadlines.
    func tick(now: NIODeadline) { perform(session.tick(now: now, stranger: hub.isStranger(self))) }

    /// Closes the connection with a goodbye.
    func close() { perform(session.close()) }

    /// New local entries: pass them on if the peer wants them.
    func localHeadsChanged(_ heads: [FeedID: UInt64]) { perform(session.localHeadsChanged(heads)) }

    func wantsChanged(_ wanted: Set<FeedID>) { perform(session.wantsChanged(wanted)) }

    func feedsForked(_ feeds: Set<FeedID>) { session.feedsForked(feeds) }

    // MARK: channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteIP = context.remoteAddress?.ipAddress
        logger[metadataKey: "peer"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        perform(session.activate(now: eventLoop.now))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        perform(session.receive(buffer.readBytes(length: buffer.readableBytes) ?? [], now: eventLoop.now))
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        perform(session.writabilityChanged(context.channel.isWritable))
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(session.peerClosed())
        self.context = nil
    }

    /// A channel that closes before it was ever active (a refused dial) still answers its promise.
    func handlerRemoved(context: ChannelHandlerContext) {
        perform(session.detached())
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        perform(session.drop("connection error: \(error)"))
    }

    // MARK: performing actions

    private func perform(_ actions: [PeerSession.Action]) {
        pending.append(contentsOf: actions)
        guard !performing else { return }
        performing = true
        defer { performing = false }
        while let action = pending.popFirst() { execute(action) }
        reportOwnFeedIfCaughtUp()
    }

    /// While the node's own feed is locked: once this connection is caught up (everything the
    /// peer had for our clock, our own feed included, is stored) with a peer whose clock names
    /// our feed, the node may unlock. A one-shot sync's result waits for that to be written.
    private func reportOwnFeedIfCaughtUp() {
        guard let remote, let holds = ownFeedCatchUp.ask(nodeLocked: hub.ownFeedLocked, caughtUp: session.machine?.isCaughtUp == true),
              let written = hub.ownFeedCaughtUp(with: remote, peerHolds: holds) else { return }
        persistence = (persistence ?? eventLoop.makeSucceededVoidFuture()).and(written).map { _ in }
    }

    private func execute(_ action: PeerSession.Action) {
        switch action {
        case .write(let bytes):
            guard let context else { return }
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            let written = eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenComplete { [self] _ in perform(session.written(bytes.count)) }
            context.write(wrapOutboundOut(buffer), promise: written)
        case .flush:
            context?.flush()
        case .established(let remote):
            admit(remote)
        case let .readEntries(feed, after, through, limit):
            hub.offLoop { try $0.entries(of: feed, after: after, through: through, limit: limit) }
                .assumeIsolated().whenComplete { [self] outcome in
                    switch outcome {
                    case .success(let page): perform(session.entriesRead(page))
                    case .failure(let error): perform(session.drop("cannot read entries: \(error)"))
                    }
                }
        case .readForkEvidence(let feed):
            hub.offLoop { try $0.forkEvidence(of: feed) }
                .assumeIsolated().whenComplete { [self] outcome in perform(session.forkEvidenceRead((try? outcome.get()) ?? [])) }
        case .answerClock(let work):
            // On the store's pool, as reads are: the loop's other connections go on meanwhile.
            hub.offLoop { _ in work.run() }.assumeIsolated().whenComplete { [self] outcome in
                switch outcome {
                case .success(let answered): perform(session.clockAnswered(answered))
                case .failure(let error): perform(session.drop("cannot answer the clock: \(error)"))
                }
            }
        case .ingest(let batch):
            ingest(batch)
        case let .rememberClock(clock, acknowledged):
            if !acknowledged { ownFeedCatchUp.peerClock(holds: clock[hub.key.feed]) }
            remember(clock, acknowledged: acknowledged)
        case .redeemInvite(let secret):
            redeemInvite(secret)
        case .chargeAllowance(let bytes):
            guard hub.isStranger(self) else { return }
            let wait = hub.chargeStranger(bytes: bytes)
            if wait > .zero { perform(session.throttle(until: eventLoop.now + wait)) }
        case .pauseReading:
            context?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        case .resumeReading:
            guard let context else { return }
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            context.read()
        case .wakeUp(let deadline):
            wakeUp?.cancel()
            wakeUp = deadline.map { eventLoop.assumeIsolated().scheduleTask(deadline: $0) { [self] in tick(now: eventLoop.now) } }
        case .close(let closing):
            finish(closing)
        }
    }

    /// The handshake is done: the node admits the peer, and the sync starts from the store.
    private func admit(_ remote: FeedID) {
        self.remote = remote
        logger[metadataKey: "peer"] = "\(remote)"
        endAdmission()
        if let refusal = hub.register(self, remote: remote) { return perform(session.drop(refusal)) }
        hub.syncSetup(with: remote).assumeIsolated().whenComplete { [self] outcome in
            switch outcome {
            case .failure(let error):
                perform(session.drop("cannot read the store: \(error)"))
            case .success(var setup):
                setup.forked = hub.forkedFeeds
                // A stranger's clock costs the node's pool time to answer: keep it small.
                if hub.isStranger(self) { setup.maximumPeerClockFeeds = hub.configuration.maximumStrangerClockFeeds }
                perform(session.begin(setup))
            }
        }
    }

    /// Gives back this connection's place among the handshakes, once.
    private func endAdmission() {
        guard let admission else { return }
        self.admission = nil
        hub.handshakeEnded(admittedFrom: admission)
    }

    private func ingest(_ batch: [SignedEntry]) {
        // Not tied to the channel: entries received before the connection closed are still stored.
        hub.offLoop { try $0.log.ingest(batch) }.assumeIsolated().whenComplete { [self] outcome in
            switch outcome {
            case .failure(let error):
                perform(session.drop("cannot store entries: \(error)"))
            case .success(let report):
                for fork in report.forks { logger.warning("fork detected: \(fork.author) #\(fork.sequence)") }
                // A forked feed refusing more entries is not the sender's fault: the session knows.
                perform(session.ingested(stored: report.stored.count, rejections: report.rejected))
                if !report.stored.isEmpty || !report.forks.isEmpty { hub.entriesStored(report) }
            }
        }
    }

    private func remember(_ clock: FeedClock, acknowledged: Bool) {
        guard let remote, recorded else { return }
        let known = !hub.isStranger(self)
        let previous = persistence ?? eventLoop.makeSucceededVoidFuture()
        persistence = previous.assumeIsolated().flatMap { [hub] in
            hub.offLoop { replicator in
                try replicator.peers.rememberClock(clock, peer: remote, acknowledged: acknowledged, known: known)
                // Both sides are caught up and idle: that is a sync, even on a connection that stays open.
                if acknowledged { try replicator.peers.recordSync(remote) }
            }
        }.nonisolated().recover { [logger] error in logger.warning("cannot remember the clock: \(error)") }
    }

    /// Checks and spends an invite. On success the node first learns of its new contact entry
    /// and wants (so this connection sends its clock delta), then the session answers.
    private func redeemInvite(_ secret: [UInt8]) {
        guard let remote else { return }
        let key = hub.key
        hub.offLoop { try $0.redeemInvite(secret: secret, by: remote, key: key) }.assumeIsolated().whenComplete { [self] outcome in
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
            perform(session.inviteChecked(refusal: refusal))
        }
    }

    private func finish(_ closing: PeerSession.Closing) {
        reportOwnFeedIfCaughtUp()
        if case .dropped(let reason) = closing {
            // A stranger, or a connection that never said who it is: counted, not logged one by one.
            if !isDialer && (remote == nil || hub.isStranger(self)) {
                logger.debug("dropping connection: \(reason)")
                hub.noteStrangerDropped(reason)
            } else {
                logger.warning("dropping connection: \(reason)")
            }
        }
        endAdmission()
        hub.unregister(self, error: closing.error)
        let summary = SyncSummary(peer: remote, stored: session.entriesStored, sent: session.entriesSent,
                                  caughtUp: session.machine?.isCaughtUp ?? false, error: closing.error,
                                  bytesIn: session.bytesIn, bytesOut: session.bytesOut)
        if let persistence {
            persistence.whenComplete { [result] _ in result.succeed(summary) }
        } else {
            result.succeed(summary)
        }
        context?.close(promise: nil)
    }
}
