import Foundation
import NIOCore
import VFLog
@testable import VFPeer
import VFTestSupport
import XCTest

/// Strangers cost a node bounded resources, whatever they send or withhold, and cannot crowd
/// out the peers it knows. The caps are set small here; the defaults are in `Node.Configuration`.
final class ResourceBoundsTests: XCTestCase {
    private func stranger(_ node: TestNode, greet: Bool = true) throws -> ScriptedPeer {
        let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: SigningKey())
        if greet { peer.greet() }
        return peer
    }

    /// A listening node that follows `honest`, a node that dials it; `connections` slots, two
    /// of them for strangers, and no cap per address (every test connection is from 127.0.0.1).
    private func nodeFollowingAnHonestPeer(connections: Int) async throws -> (node: TestNode, honest: TestNode) {
        let node = try TestNode(self, name: "node") { config in
            config.maximumConnections = connections
            config.maximumStrangers = 2
            config.maximumPerAddress = 64
        }
        let honest = try TestNode(self, name: "honest")
        try node.follow(honest)
        try honest.follow(node)
        try await node.start()
        try await honest.start(listen: false)
        return (node, honest)
    }

    /// 200 hostile identities once held all 32 slots and an honest `vf sync` failed 3 of 3.
    func testStrangersCannotLockOutAFollowedPeer() async throws {
        let (node, honest) = try await nodeFollowingAnHonestPeer(connections: 4)
        try node.publish(3)
        var crowd: [ScriptedPeer] = []
        for _ in 0..<12 { crowd.append(try stranger(node)) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let held = await node.node.connectedPeers().count
        XCTAssertEqual(held, 2, "strangers hold only their own slots")
        XCTAssertGreaterThanOrEqual(crowd.filter { $0.isClosedByPeer(within: 0.2) }.count, 10, "the rest were turned away")
        let summary = try await honest.sync(with: node)
        XCTAssertNil(summary.error)
        XCTAssertEqual(try honest.sequence(of: node), 4, "its contact entry and three events")
        await honest.stop()
        await node.stop()
    }

    func testAKnownPeerEvictsTheIdlestStrangerWhenEverySlotIsTaken() async throws {
        let (node, honest) = try await nodeFollowingAnHonestPeer(connections: 2)
        let first = try stranger(node)
        try await Task.sleep(nanoseconds: 100_000_000)
        let second = try stranger(node)
        try await Task.sleep(nanoseconds: 200_000_000)
        let summary = try await honest.sync(with: node)
        XCTAssertNil(summary.error)
        XCTAssertTrue(first.isClosedByPeer(within: 1), "the idlest stranger made room")
        XCTAssertFalse(second.isClosedByPeer(within: 0.3))
        await honest.stop()
        await node.stop()
    }

    func testDeadlinesCloseSilentSlowAndIdleStrangers() async throws {
        let node = try TestNode(self, name: "node") { config in
            config.setupTimeout = .milliseconds(400)
            config.partialFrameTimeout = .milliseconds(400)
            config.strangerIdleTimeout = .milliseconds(1500)
        }
        try await node.start()
        let silent = try stranger(node, greet: false)
        XCTAssertTrue(silent.isClosedByPeer(within: 1.2), "no hello and clock after the handshake")

        let slow = try stranger(node)
        // The first half of a frame, and never the rest.
        slow.sendBoxed(FrameDecoder.frame(SyncFrame.hello(version: 1).encode()).dropLast(1) + [])
        XCTAssertTrue(slow.isClosedByPeer(within: 1.2), "a frame begun and not finished")

        let idle = try stranger(node)
        let start = Date()
        XCTAssertTrue(idle.isClosedByPeer(within: 5), "an idle stranger")
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 1.2, "not before its idle time")
        await node.stop()
    }

    /// Twenty clocks of 1,000 feeds (800 kB) from a stranger, read at 200 kB/s, take seconds to
    /// be taken in; the same from a known peer are taken at once. (Reads under way when the
    /// allowance runs out go on for up to four reads of 64 kB, so after 1.5 s at most
    /// 50 + 256 + 300 kB can have been read.)
    func testStrangersBytesAreReadAtABoundedRate() async throws {
        let node = try TestNode(self, name: "node") { config in
            config.strangerBytesPerSecond = 200_000
            config.strangerBurstBytes = 50_000
        }
        let friend = SigningKey()
        try node.log.append(ContactPayload(contact: friend.feed, following: true, blocking: false).json, key: node.key)
        try await node.start()
        let clocks = (0..<20).map { _ in (0..<1000).map { _ in ClockChange(feed: SigningKey().feed, sequence: 0) } }
        var last = FeedClock()
        for change in clocks[19] { last[change.feed] = 0 }
        func sendClocks(as identity: SigningKey) throws -> ScriptedPeer {
            let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: identity)
            peer.send(.hello(version: SyncFrame.protocolVersion))
            for changes in clocks { peer.send(.clock(full: true, final: true, base: .zero, changes: changes)) }
            return peer
        }
        func holdsLast(_ peer: SigningKey) throws -> Bool { try node.peers.clocks(for: peer.feed).peer == last }
        let known = try sendClocks(as: friend)
        try await eventually(2, "a known peer's clocks are taken at once") { try holdsLast(friend) }
        let stranger = SigningKey()
        let slow = try sendClocks(as: stranger)
        try await Task.sleep(nanoseconds: 1_500_000_000)
        XCTAssertFalse(try holdsLast(stranger), "800 kB at 200 kB/s are not all read after 1.5 s")
        try await eventually(15, "the stranger's clocks are read in the end") { try holdsLast(stranger) }
        _ = (known, slow)
        await node.stop()
    }

    func testAStrangersClockIsHeldToASmallerLimit() async throws {
        let node = try TestNode(self, name: "node") { config in config.maximumStrangerClockFeeds = 100 }
        let friend = SigningKey()
        try node.log.append(ContactPayload(contact: friend.feed, following: true, blocking: false).json, key: node.key)
        try await node.start()
        let changes = (0..<101).map { _ in ClockChange(feed: SigningKey().feed, sequence: 0) }
        for (identity, closed) in [(SigningKey(), true), (friend, false)] {
            let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: identity)
            peer.send(.hello(version: SyncFrame.protocolVersion))
            peer.send(.clock(full: true, final: true, base: .zero, changes: changes))
            XCTAssertEqual(peer.isClosedByPeer(within: 1), closed, closed ? "a stranger over the limit" : "a known peer")
        }
        await node.stop()
    }

    /// Each stranger once cost two fsynced writes to peers.sqlite: a flood of identities was a
    /// flood of writes, and a table the poll then scanned.
    func testStrangersAreWrittenToThePeerTableAtABoundedRate() async throws {
        let node = try TestNode(self, name: "node") { config in
            config.maximumConnections = 200
            config.maximumStrangers = 200
            config.maximumPerAddress = 200
        }
        try await node.start()
        var crowd: [ScriptedPeer] = []
        for _ in 0..<90 { crowd.append(try stranger(node)) }
        try await Task.sleep(nanoseconds: 500_000_000)
        let rows = try node.peers.peers().filter { $0.source == "stranger" }.count
        XCTAssertGreaterThanOrEqual(rows, 55)
        XCTAssertLessThanOrEqual(rows, 75, "sixty at once, then one a second")
        _ = crowd
        await node.stop()
    }

    func testAFollowedPeerMayStayIdle() async throws {
        let node = try TestNode(self, name: "node") { config in
            config.strangerIdleTimeout = .milliseconds(300)
        }
        let friend = SigningKey()
        try node.log.append(ContactPayload(contact: friend.feed, following: true, blocking: false).json, key: node.key)
        try await node.start()
        let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: friend)
        peer.greet()
        XCTAssertFalse(peer.isClosedByPeer(within: 1.5))
        await node.stop()
    }

    func testHandshakesAreCappedPerAddress() async throws {
        let node = try TestNode(self, name: "node") { config in
            config.maximumPerAddress = 3
        }
        try await node.start()
        let port = try XCTUnwrap(node.address?.port)
        // Bare TCP connections that never start a handshake, all from 127.0.0.1.
        let bare = try (0..<3).map { _ in try ScriptedPeer(port: port, server: node.feed, identity: SigningKey(), handshake: false) }
        for socket in bare { XCTAssertFalse(socket.isClosedByPeer(within: 0.2), "within the cap") }
        let over = try ScriptedPeer(port: port, server: node.feed, identity: SigningKey(), handshake: false)
        XCTAssertTrue(over.isClosedByPeer(within: 1), "over the per-address cap, closed before the handshake")
        XCTAssertThrowsError(try ScriptedPeer(port: port, server: node.feed, identity: SigningKey()))
        await node.stop()
    }

    /// A 1,000,000-feed clock is 40 MB; four identities once added 300 MB to peers.sqlite.
    func testAStrangersLargeClockIsNotRemembered() throws {
        let dir = NSTemporaryDirectory() + "vf-bounds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let peers = try PeerStore(path: dir + "/peers.sqlite")
        var large = FeedClock()
        for _ in 0...PeerStore.maximumStrangerClockFeeds { large[SigningKey().feed] = 0 }
        let stranger = SigningKey().feed, friend = SigningKey().feed
        XCTAssertFalse(try peers.rememberClock(large, peer: stranger, acknowledged: false, known: false))
        XCTAssertNil(try peers.clocks(for: stranger).peer)
        XCTAssertTrue(try peers.rememberClock(large, peer: friend, acknowledged: false, known: true))
        XCTAssertEqual(try peers.clocks(for: friend).peer, large)
        var small = FeedClock()
        small[friend] = 3
        XCTAssertTrue(try peers.rememberClock(small, peer: stranger, acknowledged: true, known: false))
    }

    /// 1,000 anonymous handshakes once left 1,000 permanent rows.
    func testStrangerRowsExpireAndAreCapped() throws {
        let dir = NSTemporaryDirectory() + "vf-bounds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let peers = try PeerStore(path: dir + "/peers.sqlite")
        let friend = SigningKey().feed
        try peers.recordConnected(friend, false, known: true)
        for _ in 0..<(PeerStore.maximumStrangers + 40) { try peers.recordConnected(SigningKey().feed, false, known: false) }
        XCTAssertEqual(try peers.pruneStrangers(), 40)
        XCTAssertEqual(try peers.peers().count, PeerStore.maximumStrangers + 1)
        let later = Int64(Date().timeIntervalSince1970 * 1000) + PeerStore.strangerRetention + 1
        XCTAssertEqual(try peers.pruneStrangers(now: later), PeerStore.maximumStrangers)
        XCTAssertEqual(try peers.peers().map(\.feed), [friend], "a known peer's row stays")
    }

    func testALANAnnouncementNeverReplacesAnAddressTheUserGave() throws {
        let dir = NSTemporaryDirectory() + "vf-bounds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let peers = try PeerStore(path: dir + "/peers.sqlite")
        let feed = SigningKey().feed
        let given = try MultiserverAddress(host: "192.0.2.1", port: 8008, feed: feed)
        let forged = try MultiserverAddress(host: "198.51.100.7", port: 8008, feed: feed)
        try peers.addPeer(given, source: "manual")
        XCTAssertEqual(try peers.addLANPeer(forged), .unchanged)
        XCTAssertEqual(try peers.peers().first?.address, given)

        let roaming = SigningKey().feed
        XCTAssertEqual(try peers.addLANPeer(MultiserverAddress(host: "192.0.2.2", port: 8008, feed: roaming)), .added)
        XCTAssertEqual(try peers.addLANPeer(MultiserverAddress(host: "192.0.2.3", port: 8008, feed: roaming)), .updated)
        for i in 1..<PeerStore.maximumLANPeers {
            XCTAssertEqual(try peers.addLANPeer(MultiserverAddress(host: "10.0.\(i / 250).\(i % 250 + 1)", port: 8008, feed: SigningKey().feed)), .added)
        }
        XCTAssertEqual(try peers.addLANPeer(MultiserverAddress(host: "192.0.2.9", port: 8008, feed: SigningKey().feed)), .tableFull)
    }

    func testLANSightingsStayBounded() {
        var sightings = LANSightings(interval: .seconds(60), capacity: 4)
        let now = NIODeadline.now()
        let addresses = (0..<6).map { i in try! MultiserverAddress(host: "192.0.2.\(i + 1)", port: 8008, feed: SigningKey().feed) }
        XCTAssertEqual(addresses.map { sightings.shouldReport($0, at: now) }, [true, true, true, true, false, false])
        XCTAssertTrue(sightings.shouldReport(addresses[5], at: now + .seconds(61)), "room again once the old ones expire")
    }

    /// At capacity, a flood of new addresses sweeps the remembered ones at most once a quarter
    /// of the interval, not once per datagram.
    func testAFloodAtCapacitySweepsRarely() throws {
        var sightings = LANSightings(interval: .seconds(60), capacity: 4)
        let now = NIODeadline.now()
        for i in 0..<4 { XCTAssertTrue(sightings.shouldReport(try MultiserverAddress(host: "192.0.2.\(i + 1)", port: 8008, feed: SigningKey().feed), at: now)) }
        for i in 0..<1000 {
            XCTAssertFalse(sightings.shouldReport(try MultiserverAddress(host: "198.51.100.\(i % 250 + 1)", port: 8008, feed: SigningKey().feed),
                                                  at: now + .milliseconds(Int64(i))))
        }
        XCTAssertEqual(sightings.lastSweep, now, "one sweep in the first second, at the first new address")
        XCTAssertFalse(sightings.shouldReport(try MultiserverAddress(host: "198.51.100.1", port: 8008, feed: SigningKey().feed), at: now + .seconds(15)))
        XCTAssertEqual(sightings.lastSweep, now + .seconds(15), "another a quarter of the interval later")
    }
}

final class TokenBucketTests: XCTestCase {
    func testStrangersBytesAreReadAtTheAllowedRate() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var allowance = TokenBucket(perSecond: 1000, burst: 500, now: start)
        XCTAssertEqual(allowance.charge(500, now: start), .zero, "the burst")
        XCTAssertEqual(allowance.charge(250, now: start), .milliseconds(250), "overdrawn by 250 bytes at 1000 B/s")
        XCTAssertEqual(allowance.charge(0, now: start + .milliseconds(250)), .zero, "refilled")
        XCTAssertEqual(allowance.charge(100, now: start + .seconds(10)), .zero)
        XCTAssertEqual(allowance.charge(900, now: start + .seconds(10)), .milliseconds(500), "saved up no more than the burst")
    }
}

final class ConnectionDeadlinesTests: XCTestCase {
    private let start = NIODeadline.uptimeNanoseconds(5_000_000_000)
    private let limits = ConnectionDeadlines.Limits(setup: .seconds(10), partialFrame: .seconds(30), strangerIdle: .seconds(60))

    func testHelloAndClockAreDueAfterTheHandshake() {
        var deadlines = ConnectionDeadlines(established: start)
        XCTAssertNil(deadlines.expired(at: start + .seconds(10), stranger: false, limits: limits))
        XCTAssertEqual(deadlines.expired(at: start + .seconds(11), stranger: false, limits: limits),
                       "no hello and clock within 10 s of the handshake")
        deadlines.frameDecoded()
        deadlines.frameDecoded()
        XCTAssertNil(deadlines.expired(at: start + .seconds(11), stranger: false, limits: limits))
    }

    func testABegunFrameMustBeFinished() {
        var deadlines = ConnectionDeadlines(established: start)
        deadlines.frameDecoded(); deadlines.frameDecoded()
        deadlines.received(at: start + .seconds(1), complete: false)
        deadlines.received(at: start + .seconds(20), complete: false)
        XCTAssertNil(deadlines.expired(at: start + .seconds(31), stranger: false, limits: limits))
        XCTAssertNotNil(deadlines.expired(at: start + .seconds(32), stranger: false, limits: limits), "trickling does not extend it")
        deadlines.resumedReading(at: start + .seconds(32))
        XCTAssertNil(deadlines.expired(at: start + .seconds(40), stranger: false, limits: limits), "time not reading does not count")
        deadlines.received(at: start + .seconds(41), complete: true)
        XCTAssertNil(deadlines.expired(at: start + .seconds(80), stranger: false, limits: limits))
    }

    func testOnlyStrangersAreClosedForIdleness() {
        var deadlines = ConnectionDeadlines(established: start)
        deadlines.frameDecoded(); deadlines.frameDecoded()
        deadlines.sent(at: start + .seconds(30))
        XCTAssertNil(deadlines.expired(at: start + .seconds(90), stranger: true, limits: limits), "sending counts as activity")
        XCTAssertEqual(deadlines.expired(at: start + .seconds(91), stranger: true, limits: limits), "a stranger idle for 60 s")
        XCTAssertNil(deadlines.expired(at: start + .seconds(9_000), stranger: false, limits: limits))
    }
}
