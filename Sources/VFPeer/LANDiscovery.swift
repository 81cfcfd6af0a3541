import Foundation
import Logging
import NIOCore
import NIOPosix
import VFLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds peers of the same network on the local networks by UDP broadcast, and
/// tells them where this node listens.
///
/// Every ``Configuration/interval`` (with ±20% jitter, so nodes started together
/// drift apart instead of broadcasting in lockstep) the node sends one
/// ``LANAnnouncement`` to the broadcast address of each IPv4 interface that has
/// one, naming that interface's own address, plus one to each configured unicast
/// target. Announcements from others that verify under the network key are
/// passed to `onDiscover`, at most once per address per interval; the node's own
/// announcements, which broadcast loops back to it, are dropped.
///
/// Discovery only suggests addresses. The caller dials them, and the Secret
/// Handshake decides whether the peer is who the announcement claims.
public actor LANDiscovery {
    /// The UDP port nodes announce on and listen to unless told otherwise.
    ///
    /// Scuttlebutt's own LAN discovery uses 8008 (the same number as its TCP
    /// port). This project uses the port next to it so that its announcements,
    /// which Scuttlebutt clients cannot read, do not land in their sockets, and
    /// so a node can run beside a Scuttlebutt client on one machine.
    public static let defaultPort = 8009

    /// What to announce, and where.
    public struct Configuration: Sendable {
        /// The 32-byte key of the network; announcements of other networks are ignored.
        public var networkKey: [UInt8]
        /// This node's identity, announced so peers know whom to expect in the handshake.
        public var identity: FeedID
        /// The TCP port this node accepts Secret Handshake connections on.
        public var tcpPort: Int
        /// The UDP port to listen on and to send broadcasts to.
        public var port: Int = LANDiscovery.defaultPort
        /// The local address to bind. Broadcasts are only received on the
        /// wildcard address, so change this only for tests.
        public var bindHost: String = "0.0.0.0"
        /// The mean time between announcements.
        public var interval: TimeAmount = .seconds(2)
        /// Whether to broadcast on every IPv4 interface. Tests that must not
        /// reach the real network turn this off and use ``unicastTargets``.
        public var broadcastsOnInterfaces: Bool = true
        /// Further destinations that receive every announcement, such as peers
        /// on a network that filters broadcast, or other nodes on loopback in tests.
        public var unicastTargets: [SocketAddress] = []
        /// A host to announce instead of each interface's own address, for a
        /// node reachable under a name or a forwarded address.
        public var announcedHost: String?
        /// Where refused datagrams (debug) and send failures are reported.
        public var logger: Logger = Logger(label: "vf.lan-discovery")

        public init(networkKey: [UInt8], identity: FeedID, tcpPort: Int) {
            self.networkKey = networkKey
            self.identity = identity
            self.tcpPort = tcpPort
        }
    }

    /// Counts since ``start()``, for tests and diagnostics.
    public struct Statistics: Sendable, Hashable {
        /// Announcements handed to the network, one per destination.
        public var announcementsSent = 0
        /// Datagrams that were not valid announcements of this network.
        public var invalidDatagrams = 0
        /// Valid announcements carrying this node's own identity.
        public var ownAnnouncementsIgnored = 0
        /// Valid announcements of others dropped as repeats within one interval.
        public var repeatsSuppressed = 0
        /// Addresses passed to `onDiscover`.
        public var discoveries = 0
        /// Valid announcements dropped because too many were being recorded at once (as in
        /// a flood on a public key).
        public var discoveriesDropped = 0
    }

    /// ``start()`` was called after ``stop()``.
    public struct StoppedError: Error, CustomStringConvertible {
        public var description: String { "LAN discovery was stopped; create a new one to start again" }
    }

    private enum State {
        case idle
        case starting
        case running(Channel)
        case stopped
    }

    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let onDiscover: @Sendable (MultiserverAddress) async -> Void
    private let counters = LANDiscoveryCounters()
    private var state = State.idle

    /// Prepares discovery; nothing touches the network until ``start()``.
    ///
    /// - Throws: ``MultiserverAddressError`` when the TCP port or the announced
    ///   host cannot form a multiserver address.
    public init(
        configuration: Configuration,
        group: any EventLoopGroup,
        onDiscover: @escaping @Sendable (MultiserverAddress) async -> Void
    ) throws(MultiserverAddressError) {
        precondition(
            configuration.networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes"
        )
        precondition(configuration.interval > .zero, "the announcement interval must be positive")
        // Checked here so that a bad configuration fails at once rather than on every tick.
        _ = try MultiserverAddress(
            host: configuration.announcedHost ?? "127.0.0.1",
            port: configuration.tcpPort,
            feed: configuration.identity
        )
        self.configuration = configuration
        self.group = group
        self.onDiscover = onDiscover
    }

    /// Binds the UDP port and begins announcing and listening. Calling it
    /// while running does nothing.
    ///
    /// - Throws: the bind error (port in use without address reuse, no
    ///   permission), or ``StoppedError`` after ``stop()``.
    public func start() async throws {
        switch state {
        case .idle: break
        case .starting, .running: return
        case .stopped: throw StoppedError()
        }
        state = .starting
        let configuration = self.configuration
        let onDiscover = self.onDiscover
        let counters = self.counters
        let channel: Channel
        do {
            channel = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                // Lets two nodes on one host share the port on systems where
                // SO_REUSEADDR alone does not (BSD, macOS); broadcasts reach both.
                .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
                .channelOption(.socketOption(.so_broadcast), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            LANDiscoveryHandler(configuration: configuration, counters: counters, onDiscover: onDiscover)
                        )
                    }
                }
                .bind(host: configuration.bindHost, port: configuration.port)
                .get()
        } catch {
            if case .starting = state { state = .idle }
            throw error
        }
        guard case .starting = state else {
            // stop() ran while we were binding.
            try? await channel.close()
            return
        }
        state = .running(channel)
    }

    /// Stops announcing and closes the socket. Safe to call more than once,
    /// and before ``start()``.
    public func stop() async {
        let previous = state
        state = .stopped
        if case .running(let channel) = previous {
            try? await channel.close()
        }
    }

    /// The UDP port actually bound, which differs from the configured one when that is 0.
    public var localPort: Int? {
        guard case .running(let channel) = state else { return nil }
        return channel.localAddress?.port
    }

    /// Counts since ``start()``.
    public var statistics: Statistics { counters.value }
}

/// The counters shared between the event loop that updates them and callers
/// that read them from any thread. Every field is read and written under `lock`,
/// which is what its `@unchecked Sendable` rests on.
final class LANDiscoveryCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = LANDiscovery.Statistics()
    private var inFlight = 0

    var value: LANDiscovery.Statistics { lock.withLock { _value } }

    /// Takes one of `limit` places for a discovery being recorded; false when all are taken.
    func beginDiscovery(limit: Int) -> Bool {
        lock.withLock {
            guard inFlight < limit else { return false }
            inFlight += 1
            return true
        }
    }

    func endDiscovery() {
        lock.withLock { inFlight -= 1 }
    }

    func update(_ change: (inout LANDiscovery.Statistics) -> Void) {
        lock.withLock { change(&_value) }
    }
}

/// Remembers when each address was last reported, so that a peer announcing on
/// several interfaces, or a little faster than us because of jitter, is
/// reported once per interval rather than on every datagram.
struct LANSightings {
    let interval: TimeAmount
    /// Distinct addresses remembered at once: announcements are free to make on a public key.
    let capacity: Int
    private var lastReported: [MultiserverAddress: NIODeadline] = [:]
    /// When expired entries were last dropped: at most once a quarter of the interval, so a
    /// flood of new addresses at capacity costs a lookup each, not a pass over all of them.
    private(set) var lastSweep: NIODeadline?

    init(interval: TimeAmount, capacity: Int = 1_024) {
        self.interval = interval
        self.capacity = capacity
    }

    /// Whether `address`, seen `now`, should be reported; records it if so. A new address
    /// while ``capacity`` others were seen within the interval is not reported.
    mutating func shouldReport(_ address: MultiserverAddress, at now: NIODeadline) -> Bool {
        if let last = lastReported[address], now - last < interval {
            return false
        }
        if lastReported[address] == nil, lastReported.count >= capacity {
            if lastSweep.map({ now - $0 >= .nanoseconds(interval.nanoseconds / 4) }) ?? true { forgetExpired(at: now) }
            guard lastReported.count < capacity else { return false }
        }
        lastReported[address] = now
        return true
    }

    /// Drops entries old enough that they no longer suppress anything, so
    /// peers that came and went do not accumulate.
    mutating func forgetExpired(at now: NIODeadline) {
        lastSweep = now
        lastReported = lastReported.filter { now - $0.value < interval }
    }
}

/// The channel handler: announces on a timer and turns datagrams into discoveries.
/// Lives on one event loop; all its state is confined there.
final class LANDiscoveryHandler: ChannelInboundHandler {
    static let maximumDiscoveriesInFlight = 16
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let configuration: LANDiscovery.Configuration
    private let counters: LANDiscoveryCounters
    private let onDiscover: @Sendable (MultiserverAddress) async -> Void
    private var sightings: LANSightings
    private var nextAnnouncement: Scheduled<Void>?
    private var logger: Logger { configuration.logger }

    init(
        configuration: LANDiscovery.Configuration,
        counters: LANDiscoveryCounters,
        onDiscover: @escaping @Sendable (MultiserverAddress) async -> Void
    ) {
        self.configuration = configuration
        self.counters = counters
        self.onDiscover = onDiscover
        self.sightings = LANSightings(interval: configuration.interval)
    }

    func channelActive(context: ChannelHandlerContext) {
        announce(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        nextAnnouncement?.cancel()
        nextAnnouncement = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        nextAnnouncement?.cancel()
        nextAnnouncement = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let datagram = Array(envelope.data.readableBytesView)
        let address: MultiserverAddress
        do {
            address = try LANAnnouncement(decoding: datagram, networkKey: configuration.networkKey).address
        } catch {
            counters.update { $0.invalidDatagrams += 1 }
            logger.debug(
                "ignored datagram on the discovery port",
                metadata: ["from": "\(envelope.remoteAddress)", "reason": "\(error.reason)"]
            )
            return
        }
        guard address.feed != configuration.identity else {
            counters.update { $0.ownAnnouncementsIgnored += 1 }
            return
        }
        guard sightings.shouldReport(address, at: .now()) else {
            counters.update { $0.repeatsSuppressed += 1 }
            return
        }
        // Each discovery is recorded off the loop; a flood must not start unbounded work.
        guard counters.beginDiscovery(limit: Self.maximumDiscoveriesInFlight) else {
            counters.update { $0.discoveriesDropped += 1 }
            return
        }
        counters.update { $0.discoveries += 1 }
        logger.debug("discovered peer", metadata: ["address": "\(address)", "from": "\(envelope.remoteAddress)"])
        let onDiscover = self.onDiscover
        let counters = self.counters
        Task {
            await onDiscover(address)
            counters.endDiscovery()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A UDP socket can report errors for single datagrams (an unreachable
        // destination, say); none of them makes the socket unusable, so keep going.
        logger.debug("discovery socket error", metadata: ["error": "\(error)"])
    }

    private func announce(context: ChannelHandlerContext) {
        sightings.forgetExpired(at: .now())
        for (destination, host) in destinations() {
            let address: MultiserverAddress
            do {
                address = try MultiserverAddress(host: host, port: configuration.tcpPort, feed: configuration.identity)
            } catch {
                logger.warning("cannot announce", metadata: ["reason": "\(error)"])
                continue
            }
            let datagram = LANAnnouncement(address: address).encoded(networkKey: configuration.networkKey)
            let envelope = AddressedEnvelope(
                remoteAddress: destination, data: context.channel.allocator.buffer(bytes: datagram)
            )
            let promise = context.eventLoop.makePromise(of: Void.self)
            let logger = self.logger
            promise.futureResult.whenFailure { error in
                logger.debug(
                    "announcement not sent", metadata: ["to": "\(destination)", "error": "\(error)"]
                )
            }
            context.write(wrapOutboundOut(envelope), promise: promise)
            counters.update { $0.announcementsSent += 1 }
        }
        context.flush()

        let jitter = Double.random(in: 0.8...1.2)
        let delay = TimeAmount.nanoseconds(Int64(Double(configuration.interval.nanoseconds) * jitter))
        nextAnnouncement = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            guard let self, context.channel.isActive else { return }
            self.announce(context: context)
        }
    }

    /// Each destination with the host to announce there: an interface's
    /// broadcast address gets that interface's own address, because that is
    /// the one its listeners can reach.
    private func destinations() -> [(destination: SocketAddress, host: String)] {
        let devices: [NIONetworkDevice]
        do {
            // Enumerated on every tick: interfaces come and go (Wi-Fi, DHCP, VPNs).
            devices = try System.enumerateDevices()
        } catch {
            logger.warning("cannot list network interfaces", metadata: ["error": "\(error)"])
            devices = []
        }
        let ipv4 = devices.filter { device in
            if case .v4 = device.address { return true } else { return false }
        }
        var result: [(destination: SocketAddress, host: String)] = []
        if configuration.broadcastsOnInterfaces {
            // Sending to 255.255.255.255 would leave only by the default route's
            // interface, so each interface gets its directed broadcast instead.
            for device in ipv4 {
                guard var destination = device.broadcastAddress, let own = device.address?.ipAddress else { continue }
                destination.port = configuration.port
                result.append((destination, configuration.announcedHost ?? own))
            }
        }
        for target in configuration.unicastTargets {
            let host = configuration.announcedHost
                ?? ipv4.first(where: { Self.device($0, reaches: target) })?.address?.ipAddress
                ?? result.first?.host
            guard let host else {
                logger.debug("no local IPv4 address to announce to unicast target", metadata: ["to": "\(target)"])
                continue
            }
            result.append((target, host))
        }
        return result
    }

    /// Whether `target` is on the subnet of `device`.
    private static func device(_ device: NIONetworkDevice, reaches target: SocketAddress) -> Bool {
        guard case .v4(let own) = device.address, case .v4(let mask) = device.netmask,
              case .v4(let other) = target
        else { return false }
        let m = mask.address.sin_addr.s_addr
        return own.address.sin_addr.s_addr & m == other.address.sin_addr.s_addr & m
    }
}
