import Foundation
import Logging
import NIOCore
import NIOPosix
import VFLog

/// A running vf node: listens, dials known peers with backoff, keeps one connection per
/// peer, and passes new entries to every connected peer that wants them.
///
/// All mutable state lives on one event loop and is touched only there (which is what its
/// `@unchecked Sendable` rests on); SQLite work runs on a small thread pool.
public final class Node: @unchecked Sendable, PeerHub {
    public struct Configuration: Sendable {
        public var listenHost = "0.0.0.0"
        public var listenPort = 8008
        public var hops = ReplicationSet.defaultHops
        /// Connections past the handshake, to anyone.
        public var maximumConnections = 32
        /// Of those, how many may be with strangers: peers the node neither follows nor was
        /// told to dial. The rest are reserved for known peers, who also evict an idle stranger
        /// when every slot is taken, so identities made up by the hundred cannot lock them out.
        public var maximumStrangers = 16
        /// Inbound connections still in the handshake, in all and from one IP address; strangers
        /// past the handshake count against their address too.
        public var maximumHandshakes = 64
        public var maximumPerAddress = 8
        /// Outgoing dials in flight at once.
        public var maximumDials = 8
        /// A peer must send `hello` and its first clock frame this soon after the handshake.
        public var setupTimeout: TimeAmount = .seconds(10)
        /// A frame started must be finished this soon: a peer cannot hold a connection open by
        /// trickling one frame.
        public var partialFrameTimeout: TimeAmount = .seconds(30)
        /// A stranger's connection closes after this long with nothing read or written on it.
        /// Known peers may stay idle: they are who live replication is for.
        public var strangerIdleTimeout: TimeAmount = .seconds(60)
        /// The most feeds a stranger's clock may name (known peers: the protocol's 1,000,000).
        /// Answering a clock takes about a microsecond a feed of the node's thread pool, which
        /// store reads share; a stranger over this is closed.
        public var maximumStrangerClockFeeds = 100_000
        /// Bytes per second all strangers together may send, and the burst allowed: beyond, the
        /// node reads from them only as the allowance refills. 4 MiB/s is a 100,000-feed clock
        /// a second, far more than an honest stranger needs, and bounds what a flood of huge
        /// clocks costs the node.
        public var strangerBytesPerSecond = 4 << 20
        public var strangerBurstBytes = 4 << 20
        /// How often to look for entries written by other processes (`vf publish`) and new peers.
        public var pollInterval: TimeAmount = .milliseconds(200)
        /// Announce this node and dial the nodes announced on the local network.
        public var lanDiscovery = false
        public var lanPort = LANDiscovery.defaultPort
        public init() {}
    }

    public let key: SigningKey
    /// The same key in the form the Secret Handshake takes, derived once.
    let identity: SigningKeyPair
    public let networkKey: NetworkKey
    public let replicator: Replicator
    public let configuration: Configuration
    public let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let loop: EventLoop
    let threadPool: NIOThreadPool

    private var connections: [FeedID: PeerConnectionHandler] = [:]
    /// Inbound connections in the handshake, by remote IP address.
    private var handshaking: [String: Int] = [:]
    private var handshakingTotal = 0
    /// Peers the user told the node to dial (`vf connect`, invites): with the followed feeds,
    /// the peers that are not strangers.
    private var configured: Set<FeedID> = []
    private var lastEntryRow: Int64 = 0
    /// Feeds with a fork proof: only theirs are looked up to send the proofs along.
    private var forked: Set<FeedID> = []
    private var lastForkProofRow: Int64 = 0
    /// Connections from strangers (or not yet identified) dropped since the last summary: one
    /// log line a minute instead of one per connection, which a flood would turn into gigabytes.
    private var strangerDrops = 0
    private var lastStrangerDrop = ""
    private var nextDropSummary = NIODeadline.now()
    private var nextStrangerPrune = NIODeadline.uptimeNanoseconds(0)
    /// Strangers recorded in the peer table: one a second, sixty at once.
    private var strangerRecords = TokenBucket(perSecond: 1, burst: 60)
    private lazy var strangerAllowance = TokenBucket(perSecond: configuration.strangerBytesPerSecond,
                                                     burst: configuration.strangerBurstBytes)
    private var dialing: Set<FeedID> = []
    private var nextAttempt: [FeedID: NIODeadline] = [:]
    private var wanted: Set<FeedID> = []
    private var knownHeads: [FeedID: UInt64] = [:]
    /// `wanted`, `knownHeads` and `lastEntryRow` are read from the store.
    private var loaded = false
    private var server: Channel?
    private var lan: LANDiscovery?
    private var pollTask: RepeatedTask?
    private var stopped = false
    private var headsObservers: [@Sendable ([FeedID: UInt64]) -> Void] = []
    /// Read from the store at start; lifted by a sync that catches up with a peer (``ownFeedCaughtUp(with:peerHolds:)``).
    private var ownFeedIsLocked = false

    public init(key: SigningKey, networkKey: NetworkKey, log: LogStore, peers: PeerStore,
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "vf.node")) {
        self.key = key
        self.identity = SigningKeyPair(seed: key.seed)
        self.networkKey = networkKey
        self.configuration = configuration
        self.logger = logger
        self.replicator = Replicator(me: key.feed, log: log, peers: peers, hops: configuration.hops)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.loop = group.next()
        self.threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
    }

    /// Loads the replication state and, unless `listen` is false, binds the listener.
    /// Returns the bound address.
    public func start(listen: Bool = true) async throws -> SocketAddress? {
        let replicator = self.replicator
        let (wanted, lastRow, heads, configured, forked) = try await blocking {
            // The row first: what is read after it holds at least every entry up to it.
            let lastRow = try replicator.log.lastEntryRow()
            let wanted = try replicator.wantedFeeds()
            let heads = try replicator.heads()
            let configured = try Self.configuredPeers(replicator.peers.peers(dialableOnly: true))
            let forked = try replicator.log.forkedFeeds()
            try replicator.peers.resetConnectedFlags()
            return (wanted, lastRow, heads, configured, forked)
        }
        let lock: OwnFeedLock?
        do {
            lock = try await blocking { try replicator.log.ownFeedLock() }
        } catch {
            // The node still syncs; its own appends are refused with the same error.
            logger.warning("cannot read this node's feed mark: \(error)")
            lock = nil
        }
        if case let .locked(reason)? = lock {
            logger.warning("this node's own feed is locked; it will fetch it from its peers: \(reason)")
        }
        try await loop.submit {
            if case .locked? = lock { self.ownFeedIsLocked = true }
            self.wanted = wanted
            self.knownHeads = heads
            self.lastEntryRow = lastRow
            self.loaded = true
            self.configured = configured
            (self.forked, self.lastForkProofRow) = forked
        }.get()
        var bound: SocketAddress?
        if listen {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                // Where connections wait while every handshake slot is taken.
                .serverChannelOption(ChannelOptions.backlog, value: 512)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Refused before a byte is read: the handshake is the costly part for us.
                        guard let admitted = admitInbound(channel.remoteAddress) else {
                            channel.close(promise: nil)
                            return
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            PeerConnectionHandler(hub: self, role: .server, oneShot: false, admittedFrom: admitted, eventLoop: channel.eventLoop))
                    }
                }
                .bind(host: configuration.listenHost, port: configuration.listenPort).get()
            try await loop.submit { self.server = channel }.get()
            bound = channel.localAddress
            logger.info("listening on \(bound.map { "\($0)" } ?? "?") as \(key.feed)")
            if configuration.lanDiscovery, let port = bound?.port {
                try await startLANDiscovery(tcpPort: port)
            }
        }
        try await loop.submit {
            self.pollTask = self.loop.scheduleRepeatedTask(initialDelay: .zero, delay: self.configuration.pollInterval) { [self] _ in self.poll() }
        }.get()
        return bound
    }

    /// Connects once and replicates both ways until both sides are caught up. With an
    /// `invite` secret, redeems it first; a refusal ends the sync with the pub's reason.
    public func syncOnce(with address: MultiserverAddress, timeout: TimeAmount, invite: [UInt8]? = nil) async throws -> SyncSummary {
        let (channel, summary) = try await connect(to: address, oneShot: true, invite: invite)
        let deadline = loop.scheduleTask(in: timeout) { Self.close(channel) }
        defer { deadline.cancel() }
        return try await summary.get()
    }

    /// Appends to this node's own feed and passes the entry to connected peers at once.
    @discardableResult
    public func publish(_ payload: [UInt8]) async throws -> SignedEntry {
        let (log, key) = (replicator.log, self.key)
        let signed = try await blocking { try log.append(payload, key: key) }
        try await published(signed)
        return signed
    }

    /// Tells the node that `signed`, an entry of its own feed, was stored by someone else (the
    /// graph's one-fold publish): peers hear of it now, not at the next poll.
    public func published(_ signed: SignedEntry) async throws {
        // A follow or a block changes what to replicate; the poll would not notice, since the
        // head has already moved here.
        try await loop.submit { if self.advanceHeads([self.key.feed: signed.entry.sequence]) { self.refreshWanted() } }.get()
    }

    /// Runs SQLite work on the node's thread pool: never on its event loop, and never on
    /// Swift's cooperative pool, whose few threads a blocked call would hold.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(eventLoop: loop, body).get()
    }

    /// The same for a connection's store work, whose result it takes on the loop.
    func offLoop<T: Sendable>(_ work: @escaping @Sendable (Replicator) throws -> T) -> EventLoopFuture<T> {
        let replicator = self.replicator
        return threadPool.runIfActive(eventLoop: loop) { try work(replicator) }
    }

    /// What the current one-shot or live connections report: entries announced and received.
    public func progress() async throws -> (expected: UInt64, received: UInt64, feeds: UInt32) {
        try await loop.submit {
            // Peers choose what their plans announce: the sums saturate instead of trapping.
            self.connections.values.reduce((UInt64(0), UInt64(0), UInt32(0))) { total, handler in
                guard let m = handler.machine else { return total }
                return (total.0.saturatingAdd(m.expectedEntries), total.1.saturatingAdd(m.receivedEntries),
                        total.2.saturatingAdd(m.expectedFeeds))
            }
        }.get()
    }

    /// Whether this node may sign its own feed now, read from the store and the feed mark (nil:
    /// the store has no guard, or cannot be read).
    public func ownFeedLock() async -> OwnFeedLock? {
        let log = replicator.log
        return (try? await blocking { try log.ownFeedLock() }) ?? nil
    }

    /// The peers connected now.
    public func connectedPeers() async -> [FeedID] {
        (try? await loop.submit { Array(self.connections.keys) }.get()) ?? []
    }

    /// How the current connections' syncing stands: peers, what they announced and what arrived.
    public func syncProgress() async -> SyncProgress {
        (try? await loop.submit {
            var progress = SyncProgress()
            for handler in self.connections.values {
                progress.connectedPeers += 1
                guard let m = handler.machine else { progress.caughtUp = false; continue }
                // Peers choose what their plans announce: the sums saturate instead of trapping.
                progress.expectedFeeds = progress.expectedFeeds.saturatingAdd(UInt64(m.expectedFeeds))
                progress.expectedEntries = progress.expectedEntries.saturatingAdd(m.expectedEntries)
                progress.receivedEntries = progress.receivedEntries.saturatingAdd(m.receivedEntries)
                if !m.isCaughtUp { progress.caughtUp = false }
            }
            return progress
        }.get()) ?? SyncProgress()
    }

    /// Calls `observer` on the node's event loop with the heads that moved, each time entries
    /// become held: published here, written by another process, or received from a peer.
    /// The observer must not block; hand heavy work to another thread.
    public func onHeadsAdvanced(_ observer: @escaping @Sendable ([FeedID: UInt64]) -> Void) async {
        try? await loop.submit { self.headsObservers.append(observer) }.get()
    }

    /// Discovered nodes go into the peer table, and the next poll dials them.
    private func startLANDiscovery(tcpPort: Int) async throws {
        var config = LANDiscovery.Configuration(networkKey: networkKey.bytes, identity: key.feed, tcpPort: tcpPort)
        config.port = configuration.lanPort
        config.logger = logger
        let peers = replicator.peers
        let logger = self.logger
        let discovery = try LANDiscovery(configuration: config, group: group) { address in
            do {
                switch try await self.blocking({ try peers.addLANPeer(address) }) {
                case .added, .updated: logger.info("discovered \(address) on the local network")
                case .unchanged: break
                case .tableFull: logger.debug("ignored \(address): the table holds \(PeerStore.maximumLANPeers) peers found on the LAN")
                }
            } catch {
                logger.warning("cannot record a discovered peer: \(error)")
            }
        }
        try await discovery.start()
        try await loop.submit { self.lan = discovery }.get()
    }

    public func stop() async {
        let (lan, server) = (try? await loop.submit {
            self.stopped = true
            self.pollTask?.cancel()
            for handler in self.connections.values { handler.close() }
            return (self.lan, self.server)
        }.get()) ?? (nil, nil)
        await lan?.stop()
        try? await server?.close()
        try? await Task.sleep(nanoseconds: 100_000_000)
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    /// Joins a network through a pub: follows it, syncs once redeeming the invite (so that the
    /// pub follows back and hands on what it holds), and adds it to the peer table. A refused
    /// invite ends the sync with the pub's reason in the summary's error.
    ///
    /// The pub joins the peer table only after the sync: a running node dials the peers in its
    /// table, and a live connection made first would make the pub turn this one away.
    public func acceptInvite(_ code: InviteCode, timeout: TimeAmount) async throws -> SyncSummary {
        let pub = code.pub.feed
        guard pub != key.feed else { throw InviteCodeError(unusable: "the invite is for this node's own address") }
        let (replicator, key) = (self.replicator, self.key)
        let (head, wanted) = try await blocking {
            try replicator.peers.indexContacts(from: replicator.log)
            var head = try replicator.log.head(of: key.feed)?.sequence ?? 0
            if try replicator.peers.contacts(me: key.feed).follows[key.feed]?.contains(pub) != true {
                head = try replicator.log.append(ContactPayload(contact: pub, following: true, blocking: false).json, key: key).entry.sequence
            }
            return (head, try replicator.wantedFeeds())
        }
        try await loop.submit { [head] in self.ownFeedAppended(head: head, wanted: wanted) }.get()
        let summary: SyncSummary
        do {
            summary = try await syncOnce(with: code.pub, timeout: timeout, invite: code.secret)
        } catch {
            _ = try? await blocking { try replicator.peers.addPeer(code.pub, source: "invite") }
            throw error
        }
        try await blocking { try replicator.peers.addPeer(code.pub, source: "invite") }
        return summary
    }

    // MARK: connections (on the loop)

    /// Dials `address`; returns the channel, and the summary that answers when the connection ends.
    private func connect(to address: MultiserverAddress, oneShot: Bool, invite: [UInt8]? = nil) async throws
        -> (channel: Channel, summary: EventLoopFuture<SyncSummary>) {
        let summary = loop.makePromise(of: SyncSummary.self)
        do {
            let channel = try await ClientBootstrap(group: loop)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
                .channelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            PeerConnectionHandler(hub: self, role: .client(server: address.feed, invite: invite), oneShot: oneShot,
                                                  eventLoop: channel.eventLoop, result: summary))
                    }
                }
                .connect(host: address.host, port: address.port).get()
            return (channel, summary.futureResult)
        } catch {
            // Answered already if the handler was added and removed; a promise answers once.
            summary.fail(error)
            throw error
        }
    }

    /// Closes a connection this node dialled as it closes any: with a goodbye past the handshake.
    private static func close(_ channel: Channel) {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: PeerConnectionHandler.self) else {
            return channel.close(promise: nil)
        }
        handler.close()
    }

    /// What a sync with `remote` starts from: the node's own view of what it holds, brought up
    /// to date off the loop with the entries stored since its last poll, and of what it wants
    /// unless a refresh of that is under way.
    func syncSetup(with remote: FeedID) -> EventLoopFuture<PeerSession.Setup> {
        loop.preconditionInEventLoop()
        let known = loaded ? Replicator.KnownState(wanted: refreshing || refreshAgain ? nil : wanted, heads: knownHeads, row: lastEntryRow) : nil
        return offLoop { replicator in try replicator.syncSetup(with: remote, known: known) }
    }

    var forkedFeeds: Set<FeedID> {
        loop.preconditionInEventLoop()
        return forked
    }

    var ownFeedLocked: Bool {
        loop.preconditionInEventLoop()
        return ownFeedIsLocked
    }

    func ownFeedCaughtUp(with peer: FeedID, peerHolds: UInt64) -> EventLoopFuture<Void>? {
        loop.preconditionInEventLoop()
        let log = replicator.log
        return offLoop { _ in try log.confirmOwnFeed(peerHolds: peerHolds) }.map { [self] mark in
            guard let mark else { return }
            ownFeedIsLocked = false
            logger.notice("this node's own feed is unlocked: \(peer) holds it up to #\(peerHolds), and this node holds it up to #\(mark.sequence)")
        }.recover { [logger] error in logger.warning("cannot unlock this node's own feed: \(error)") }
    }

    /// Whether the node follows `feed` or was told to dial it; everyone else is a stranger.
    func isKnown(_ feed: FeedID) -> Bool {
        loop.preconditionInEventLoop()
        return wanted.contains(feed) || configured.contains(feed)
    }

    /// A connection this node accepted from a peer it does not know. One it dialled is never a
    /// stranger's: the node chose that peer from its table.
    func isStranger(_ handler: PeerConnectionHandler) -> Bool {
        guard let remote = handler.remote else { return true }
        return !handler.isDialer && !isKnown(remote)
    }

    /// Takes `bytes` from the strangers' shared allowance; returns how long to wait before
    /// reading from that stranger again (zero while the allowance lasts).
    func chargeStranger(bytes: Int) -> TimeAmount {
        loop.preconditionInEventLoop()
        return strangerAllowance.charge(bytes)
    }

    static func configuredPeers(_ peers: [PeerStore.Peer]) -> Set<FeedID> {
        Set(peers.lazy.filter { $0.source == "manual" || $0.source == "invite" }.map(\.feed))
    }

    /// Takes an inbound connection into the handshake if the caps allow; returns the address
    /// key it counts against, to give back with ``handshakeEnded(admittedFrom:)``.
    func admitInbound(_ address: SocketAddress?) -> String? {
        loop.preconditionInEventLoop()
        let ip = address?.ipAddress ?? "?"
        // Over the total only by the few connections accepted in one batch before accepting
        // paused: those are taken rather than turned away, which could be an honest peer's.
        guard !stopped, (handshaking[ip] ?? 0) + strangers(from: ip) < configuration.maximumPerAddress else {
            logger.debug("refused a connection from \(ip): too many from that address")
            return nil
        }
        handshaking[ip, default: 0] += 1
        handshakingTotal += 1
        // Every handshake slot taken: stop accepting, so newcomers wait their turn in the
        // kernel's queue instead of being turned away (and coming straight back).
        if handshakingTotal >= configuration.maximumHandshakes { setAccepting(false) }
        return ip
    }

    private var accepting = true

    private func setAccepting(_ on: Bool) {
        guard on != accepting, let server else { return }
        accepting = on
        server.setOption(ChannelOptions.autoRead, value: on).whenComplete { _ in }
        if on { server.read() }
    }

    func handshakeEnded(admittedFrom ip: String) {
        loop.preconditionInEventLoop()
        handshakingTotal -= 1
        if let count = handshaking[ip], count > 1 { handshaking[ip] = count - 1 } else { handshaking[ip] = nil }
        if handshakingTotal < configuration.maximumHandshakes { setAccepting(true) }
    }

    private func strangers(from ip: String? = nil) -> Int {
        connections.reduce(0) { count, item in
            count + (isStranger(item.value) && (ip == nil || item.value.remoteIP == ip) ? 1 : 0)
        }
    }

    /// Takes a connection whose handshake completed; returns why not, if it is refused.
    func register(_ handler: PeerConnectionHandler, remote: FeedID) -> String? {
        loop.preconditionInEventLoop()
        guard remote != key.feed else { return "the peer has this node's own identity" }
        if let existing = connections[remote] {
            if existing.isDialer == handler.isDialer {
                // The same side dialled again: the old connection is finishing or dead (a
                // network change), so the new one replaces it.
            } else {
                // Two nodes that dial each other at once: both keep the connection dialled by
                // the smaller key, so they agree on one without talking about it.
                let dialerOf = { (h: PeerConnectionHandler) in h.isDialer ? self.key.feed : remote }
                guard dialerOf(handler) < dialerOf(existing) else { return "already connected to this peer" }
            }
            connections[remote] = nil
            existing.close()
        }
        let known = !isStranger(handler)
        if known {
            if connections.count >= configuration.maximumConnections, let idlest = idlestStranger() {
                logger.info("closing a stranger's connection to make room for \(remote)")
                idlest.close()
                connections[idlest.remote!] = nil
            }
        } else {
            guard strangers() < configuration.maximumStrangers,
                  strangers(from: handler.remoteIP) < configuration.maximumPerAddress else {
                logger.debug("refused \(remote): no slot for another stranger")
                return "no slot for another stranger"
            }
        }
        guard connections.count < configuration.maximumConnections else { return "every connection slot is taken" }
        connections[remote] = handler
        if known { logger.info("connected to \(remote)") } else { logger.debug("connected to \(remote) (a stranger)") }
        // Strangers are written to the peer table at a bounded rate: a flood of made-up
        // identities would otherwise be a flood of fsynced writes.
        handler.recorded = known || strangerRecords.charge(1) == .zero
        guard handler.recorded else { return nil }
        let peers = replicator.peers
        threadPool.runIfActive(eventLoop: loop) { try peers.recordConnected(remote, true, known: known) }.whenComplete { _ in }
        return nil
    }

    private func idlestStranger() -> PeerConnectionHandler? {
        connections.filter { isStranger($0.value) }.min { $0.value.lastActivity < $1.value.lastActivity }?.value
    }

    func unregister(_ handler: PeerConnectionHandler, error: String?) {
        loop.preconditionInEventLoop()
        guard let remote = handler.remote, connections[remote] === handler else { return }
        connections[remote] = nil
        let level: Logger.Level = isStranger(handler) ? .debug : .info
        logger.log(level: level, "disconnected from \(remote)\(error.map { ": \($0)" } ?? "")")
        let peers = replicator.peers
        let caughtUp = handler.machine?.isCaughtUp ?? false
        let known = !isStranger(handler)
        guard handler.recorded else { return }
        threadPool.runIfActive(eventLoop: loop) {
            if let error { try peers.recordFailure(remote, error) } else { try peers.recordConnected(remote, false, known: known) }
            if caughtUp { try peers.recordSync(remote) }
        }.whenComplete { _ in }
    }

    /// A connection stored entries: tell every connection, and follow changes in the follow graph.
    func entriesStored(_ report: IngestReport) {
        var heads: [FeedID: UInt64] = [:]
        for entry in report.stored { heads[entry.author] = max(heads[entry.author] ?? 0, entry.sequence) }
        learnForks(Set(report.forks.map(\.author)))
        _ = advanceHeads(heads)
        refreshWanted()
    }

    /// Feeds now known to be forked: every connection sends their proofs along with their entries.
    private func learnForks(_ feeds: Set<FeedID>) {
        let new = feeds.subtracting(forked)
        guard !new.isEmpty else { return }
        forked.formUnion(new)
        for handler in connections.values { handler.feedsForked(new) }
    }

    /// Records newly held entries, however they arrived (appended here, by another process,
    /// or from a peer), and tells every connection about the heads that moved. Returns
    /// whether any did.
    private func advanceHeads(_ heads: [FeedID: UInt64]) -> Bool {
        loop.preconditionInEventLoop()
        var changed: [FeedID: UInt64] = [:]
        for (feed, head) in heads where head > knownHeads[feed] ?? 0 {
            knownHeads[feed] = head
            changed[feed] = head
        }
        guard !changed.isEmpty else { return false }
        for handler in connections.values { handler.localHeadsChanged(changed) }
        for observer in headsObservers { observer(changed) }
        return true
    }

    /// This node appended entry `head` to its own feed and now wants `wanted` (computed after
    /// the append): tell every connection at once, before anything else happens on the loop.
    func ownFeedAppended(head: UInt64, wanted: Set<FeedID>) {
        _ = advanceHeads([key.feed: head])
        setWanted(wanted)
    }

    private var refreshing = false
    private var refreshAgain = false
    /// Bumped whenever `wanted` is set, so a refresh computed before a newer set is discarded.
    private var wantedVersion = 0

    private func refreshWanted() {
        guard !refreshing else { refreshAgain = true; return }
        refreshing = true
        let version = wantedVersion
        let replicator = self.replicator
        threadPool.runIfActive(eventLoop: loop) { try replicator.wantedFeeds() }.whenComplete { [self] outcome in
            refreshing = false
            let stale = version != wantedVersion
            if case .success(let wanted) = outcome, !stale { setWanted(wanted) }
            if refreshAgain || stale {
                refreshAgain = false
                refreshWanted()
            }
        }
    }

    private func setWanted(_ wanted: Set<FeedID>) {
        wantedVersion += 1
        guard wanted != self.wanted else { return }
        self.wanted = wanted
        for handler in connections.values { handler.wantsChanged(wanted) }
    }

    private var polling = false

    /// Picks up entries other processes appended, and peers added with `vf connect`; closes
    /// connections past their deadlines. Reads only what changed: the heads moved since the
    /// last entry row seen, and the peers that can be dialled, without their clocks.
    private func poll() {
        guard !polling, !stopped else { return }
        enforceDeadlines()
        polling = true
        let replicator = self.replicator
        let after = lastEntryRow
        let proofsAfter = lastForkProofRow
        let now = NIODeadline.now()
        let prune = now >= nextStrangerPrune
        if prune { nextStrangerPrune = now + .minutes(1) }
        threadPool.runIfActive(eventLoop: loop) {
            let last = try replicator.log.lastEntryRow()
            let advanced = last == after ? (heads: [:], lastRow: after) : try replicator.log.headsAdvanced(afterRow: after)
            // Forks found by another process (`vf import`): rare, so the whole set is read again.
            let forked = try replicator.log.lastForkProofRow() == proofsAfter ? nil : try replicator.log.forkedFeeds()
            if prune { try replicator.peers.pruneStrangers() }
            return (advanced, forked, try replicator.peers.peers(dialableOnly: true))
        }.whenComplete { [self] outcome in
            polling = false
            guard case .success(let (advanced, forked, peers)) = outcome, !stopped else { return }
            lastEntryRow = max(lastEntryRow, advanced.lastRow)
            if let forked {
                learnForks(forked.feeds)
                lastForkProofRow = forked.lastProofRow
            }
            configured = Self.configuredPeers(peers)
            if advanceHeads(advanced.heads) { refreshWanted() }
            dialKnownPeers(peers)
        }
    }

    func noteStrangerDropped(_ reason: String) {
        loop.preconditionInEventLoop()
        strangerDrops += 1
        lastStrangerDrop = reason
    }

    private func summariseDrops(now: NIODeadline) {
        guard now >= nextDropSummary else { return }
        nextDropSummary = now + .minutes(1)
        guard strangerDrops > 0 else { return }
        logger.notice("dropped \(strangerDrops) connections of strangers or unidentified peers in the last minute (last: \(lastStrangerDrop))")
        strangerDrops = 0
    }

    private func enforceDeadlines() {
        let now = NIODeadline.now()
        summariseDrops(now: now)
        for handler in connections.values { handler.tick(now: now) }
    }

    private func dialKnownPeers(_ peers: [PeerStore.Peer]) {
        let now = NIODeadline.now()
        for peer in peers {
            guard let address = peer.address else { continue }
            let feed = peer.feed
            guard connections[feed] == nil, !dialing.contains(feed), connections.count < configuration.maximumConnections,
                  dialing.count < configuration.maximumDials,
                  now >= nextAttempt[feed] ?? .uptimeNanoseconds(0) else { continue }
            // Exponential backoff with jitter: 1 s, 2 s, 4 s … up to 60 s, ±50 %.
            let base = min(60.0, pow(2.0, Double(min(peer.failures, 6))))
            nextAttempt[feed] = now + .milliseconds(Int64(base * 1000 * Double.random(in: 0.5...1.5)))
            dialing.insert(feed)
            Task { [self] in
                do {
                    let (_, summary) = try await connect(to: address, oneShot: false)
                    _ = try? await summary.get()
                } catch {
                    logger.debug("cannot reach \(address): \(error)")
                    let peers = replicator.peers
                    _ = try? await blocking { try peers.recordFailure(address.feed, "\(error)") }
                }
                loop.execute { self.dialing.remove(address.feed) }
            }
        }
    }
}
