import NIOCore
import NIOPosix
import VFLog
@testable import VFPeer
import XCTest

/// LAN discovery over real UDP sockets on loopback. Interface broadcast is
/// turned off throughout so these tests never send to the machine's real
/// networks; broadcast itself is exercised in the network-namespace lab.
final class LANDiscoveryTests: XCTestCase {
    private let networkKey = [UInt8](repeating: 0x42, count: 32)
    private var group: MultiThreadedEventLoopGroup!
    private var running: [LANDiscovery] = []

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    override func tearDown() async throws {
        for discovery in running { await discovery.stop() }
        running = []
        try await group.shutdownGracefully()
    }

    func testTwoNodesOnLoopbackDiscoverEachOther() async throws {
        let (portA, portB) = (try await freeUDPPort(), try await freeUDPPort())
        let a = Node(tcpPort: 7001), b = Node(tcpPort: 7002)
        let discoveryA = try await start(a, udpPort: portA, targets: [portB])
        let discoveryB = try await start(b, udpPort: portB, targets: [portA])

        try await waitUntil("each node discovers the other") {
            let seenByA = await a.found.all, seenByB = await b.found.all
            return !seenByA.isEmpty && !seenByB.isEmpty
        }
        let seenByA = await a.found.all, seenByB = await b.found.all
        XCTAssertEqual(seenByA.first, try MultiserverAddress(host: "127.0.0.1", port: 7002, feed: b.feed))
        XCTAssertEqual(seenByB.first, try MultiserverAddress(host: "127.0.0.1", port: 7001, feed: a.feed))
        let statistics = await discoveryA.statistics
        XCTAssertGreaterThanOrEqual(statistics.announcementsSent, 1)
        XCTAssertEqual(statistics.invalidDatagrams, 0)
        _ = discoveryB
    }

    func testANodeIgnoresItsOwnAnnouncement() async throws {
        let port = try await freeUDPPort()
        let a = Node(tcpPort: 7001)
        let discovery = try await start(a, udpPort: port, targets: [port])
        try await waitUntil("own announcements arrive and are dropped") {
            await discovery.statistics.ownAnnouncementsIgnored >= 2
        }
        let found = await a.found.all
        XCTAssertEqual(found, [])
        let discoveries = await discovery.statistics.discoveries
        XCTAssertEqual(discoveries, 0)
    }

    func testAnnouncementsOfOtherNetworksAndNoiseAreCountedNotReported() async throws {
        let (portA, portB) = (try await freeUDPPort(), try await freeUDPPort())
        let a = Node(tcpPort: 7001), stranger = Node(tcpPort: 7002)
        let discovery = try await start(a, udpPort: portA, targets: [])
        _ = try await start(
            stranger, udpPort: portB, targets: [portA], networkKey: [UInt8](repeating: 0x43, count: 32)
        )
        try await sendRaw(Array("not an announcement".utf8), to: portA)
        try await waitUntil("the foreign announcement and the noise are refused") {
            await discovery.statistics.invalidDatagrams >= 2
        }
        let found = await a.found.all
        XCTAssertEqual(found, [])
    }

    func testTwoNodesCanShareTheDiscoveryPort() async throws {
        let port = try await freeUDPPort()
        _ = try await start(Node(tcpPort: 7001), udpPort: port, targets: [])
        _ = try await start(Node(tcpPort: 7002), udpPort: port, targets: [])
    }

    func testStartAndStopAreIdempotent() async throws {
        let port = try await freeUDPPort()
        let node = Node(tcpPort: 7001)
        var configuration = LANDiscovery.Configuration(networkKey: networkKey, identity: node.feed, tcpPort: 7001)
        configuration.port = port
        configuration.broadcastsOnInterfaces = false
        let discovery = try LANDiscovery(configuration: configuration, group: group, onDiscover: { _ in })
        await discovery.stop()
        do {
            try await discovery.start()
            XCTFail("a stopped discovery started")
        } catch is LANDiscovery.StoppedError {}

        let second = try LANDiscovery(configuration: configuration, group: group, onDiscover: { _ in })
        try await second.start()
        try await second.start()
        let bound = await second.localPort
        XCTAssertEqual(bound, port)
        await second.stop()
        await second.stop()
        let afterStop = await second.localPort
        XCTAssertNil(afterStop)
    }

    func testConfigurationThatCannotBeAnnouncedIsRefused() {
        let feed = Node(tcpPort: 1).feed
        var configuration = LANDiscovery.Configuration(networkKey: networkKey, identity: feed, tcpPort: 0)
        XCTAssertThrowsError(try LANDiscovery(configuration: configuration, group: group, onDiscover: { _ in }))
        configuration.tcpPort = 8008
        configuration.announcedHost = "not a host"
        XCTAssertThrowsError(try LANDiscovery(configuration: configuration, group: group, onDiscover: { _ in }))
    }

    func testRepeatsAreReportedOncePerInterval() throws {
        var sightings = LANSightings(interval: .seconds(2))
        let address = try MultiserverAddress(host: "10.213.0.2", port: 8008, feed: Node(tcpPort: 1).feed)
        let other = try MultiserverAddress(host: "10.213.1.2", port: 8008, feed: address.feed)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        XCTAssertTrue(sightings.shouldReport(address, at: start))
        XCTAssertFalse(sightings.shouldReport(address, at: start + .milliseconds(1999)))
        XCTAssertTrue(sightings.shouldReport(other, at: start + .milliseconds(1999)), "each address counts alone")
        XCTAssertTrue(sightings.shouldReport(address, at: start + .seconds(2)))
        sightings.forgetExpired(at: start + .seconds(10))
        XCTAssertTrue(sightings.shouldReport(other, at: start + .seconds(10)))
    }

    // MARK: Across hosts, by broadcast

    /// Runs this test bundle once per lab host, each copy a discovery node
    /// broadcasting on its own interface, and checks who found whom.
    func testNodesOnSeparateHostsDiscoverEachOtherByBroadcast() throws {
        let lab = try NetworkNamespaceLab(count: 4, subnet: 3)
        addTeardownBlock { lab.tearDown() }
        let bundle = ProcessInfo.processInfo.arguments[0]
        // Hosts 0–2 share the network key; host 3 belongs to another network.
        let keys: [UInt8] = [0x42, 0x42, 0x42, 0x43]
        let children = try keys.indices.map { index in
            try lab.start(in: index, [
                "/usr/bin/env", "VF_LAN_CHILD_TCP_PORT=\(7000 + index)", "VF_LAN_CHILD_KEY_BYTE=\(keys[index])",
                bundle, "ReplicationTests.LANDiscoveryTests/testNamespaceChild",
            ])
        }
        let outputs = children.map { $0.wait(timeout: 15).standardOutput }
        func found(by index: Int) -> Set<String> {
            Set(outputs[index].split(whereSeparator: \.isNewline).compactMap { line in
                line.hasPrefix("DISCOVERED ") ? String(line.dropFirst("DISCOVERED ".count)) : nil
            })
        }
        // Each announcement names the sender's own interface address and TCP port.
        for index in 0...2 {
            let expected = Set((0...2).filter { $0 != index }.map { "10.213.3.\($0 + 1):\(7000 + $0)" })
            XCTAssertEqual(found(by: index), expected, "host \(index) output:\n\(outputs[index])")
        }
        XCTAssertEqual(found(by: 3), [], "the host of another network found peers:\n\(outputs[3])")
        XCTAssertTrue(outputs[3].contains("INVALID "), outputs[3])
        XCTAssertFalse(outputs[3].contains("INVALID 0\n"), "host 3 should have refused the others' announcements")
    }

    /// The node half of the test above; skipped unless started by it.
    func testNamespaceChild() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let tcpPort = environment["VF_LAN_CHILD_TCP_PORT"].flatMap(Int.init),
              let keyByte = environment["VF_LAN_CHILD_KEY_BYTE"].flatMap(UInt8.init)
        else {
            throw XCTSkip("runs only inside a lab host, started by testNodesOnSeparateHostsDiscoverEachOtherByBroadcast")
        }
        var configuration = LANDiscovery.Configuration(
            networkKey: [UInt8](repeating: keyByte, count: 32),
            identity: FeedID(bytes: SigningKeyPair.generate().publicKey)!,
            tcpPort: tcpPort
        )
        configuration.interval = .milliseconds(300)
        let discovery = try LANDiscovery(configuration: configuration, group: group) { address in
            print("DISCOVERED \(address.host):\(address.port)")
        }
        running.append(discovery)
        try await discovery.start()
        try await Task.sleep(for: .seconds(3))
        await discovery.stop()
        let statistics = await discovery.statistics
        print("INVALID \(statistics.invalidDatagrams)")
        print("OWN \(statistics.ownAnnouncementsIgnored)")
    }

    // MARK: Helpers

    /// A node's identity and what its discovery reported.
    private struct Node {
        let feed = FeedID(bytes: SigningKeyPair.generate().publicKey)!
        let tcpPort: Int
        let found = Found()
    }

    private actor Found {
        private(set) var all: [MultiserverAddress] = []
        func add(_ address: MultiserverAddress) { all.append(address) }
    }

    private func start(
        _ node: Node, udpPort: Int, targets: [Int], networkKey: [UInt8]? = nil
    ) async throws -> LANDiscovery {
        var configuration = LANDiscovery.Configuration(
            networkKey: networkKey ?? self.networkKey, identity: node.feed, tcpPort: node.tcpPort
        )
        configuration.port = udpPort
        configuration.interval = .milliseconds(300)
        configuration.broadcastsOnInterfaces = false
        configuration.unicastTargets = try targets.map { try SocketAddress(ipAddress: "127.0.0.1", port: $0) }
        let found = node.found
        let discovery = try LANDiscovery(configuration: configuration, group: group) { await found.add($0) }
        running.append(discovery)
        try await discovery.start()
        return discovery
    }

    /// A UDP port nobody was using a moment ago.
    private func freeUDPPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    private func sendRaw(_ bytes: [UInt8], to port: Int) async throws {
        let channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let envelope = AddressedEnvelope(
            remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: port),
            data: channel.allocator.buffer(bytes: bytes)
        )
        try await channel.writeAndFlush(envelope)
        try await channel.close()
    }

    private func waitUntil(
        _ what: String, timeout: Duration = .seconds(5), _ condition: () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("timed out after \(timeout): \(what)")
    }
}
