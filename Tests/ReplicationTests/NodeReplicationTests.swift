import Foundation
import NIOCore
import VFLog
import VFPeer
import XCTest

/// Real nodes over real TCP on loopback, with the Secret Handshake and box stream.
final class NodeReplicationTests: XCTestCase {
    func testTwoNodesConvergeBothWays() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try a.follow(b); try b.follow(a)
        try a.publish(300); try b.publish(120)
        try await a.start()
        try await b.start(listen: false)
        let summary = try await b.sync(with: a)
        XCTAssertNil(summary.error)
        XCTAssertTrue(summary.caughtUp)
        XCTAssertEqual(summary.stored, 301)
        XCTAssertEqual(summary.sent, 121)
        XCTAssertEqual(try b.sequence(of: a), 301)
        try await eventually { try a.sequence(of: b) == 121 }
        XCTAssertTrue(try b.log.verifyAll().isValid)
        XCTAssertTrue(try a.log.verifyAll().isValid)
        // A second sync moves nothing and still finishes.
        let again = try await b.sync(with: a)
        XCTAssertEqual(again.stored, 0)
        XCTAssertEqual(again.sent, 0)
        XCTAssertTrue(again.caughtUp)
        await b.stop(); await a.stop()
    }

    func testChainConvergesThroughTheMiddleNodeLive() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b"), c = try TestNode(self, name: "c")
        try a.follow(c); try c.follow(a)
        try b.follow(a); try b.follow(c)
        try a.publish(20, tag: "a"); try c.publish(15, tag: "c")
        try await b.start()
        try await a.start(); try await c.start()
        try a.peers.addPeer(XCTUnwrap(b.address), source: "test")
        try c.peers.addPeer(XCTUnwrap(b.address), source: "test")
        try await eventually(15, "a and c converge through b") {
            try a.sequence(of: c) == 16 && c.sequence(of: a) == 21
        }
        // New entries keep flowing live, A → B → C, with no connection between A and C.
        try a.publish(5, tag: "live")
        try await eventually(5, "live entry crosses the chain") { try c.sequence(of: a) == 26 }
        XCTAssertFalse(try a.peers.peers().contains { $0.feed == c.feed })
        // Caught up on a connection that stays open counts as a sync (the page shows when).
        try await eventually(5, "a records its sync with b while still connected") {
            try a.peers.peers().first { $0.feed == b.feed }.map { $0.connected && $0.lastSync != nil } ?? false
        }
        await a.stop(); await b.stop(); await c.stop()
    }

    func testANodeOfflineWhileOthersWriteCatchesUpAndWritesDuringASyncAreKept() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try a.follow(b); try b.follow(a)
        try await a.start()
        try await b.start(listen: false)
        _ = try await b.sync(with: a)
        // B is offline; both write.
        try a.publish(2000, tag: "while b was away")
        try b.publish(50, tag: "offline")
        // A keeps writing while B syncs.
        let writer = Task {
            for i in 0..<40 {
                try a.publish(5, tag: "during sync \(i)")
                try await Task.sleep(nanoseconds: 5_000_000)
            }
        }
        let first = try await b.sync(with: a)
        try await writer.value
        XCTAssertNil(first.error)
        _ = try await b.sync(with: a)
        XCTAssertEqual(try b.sequence(of: a), 2201)
        XCTAssertEqual(try a.sequence(of: b), 51)
        XCTAssertTrue(try b.log.verifyAll().isValid)
        await b.stop(); await a.stop()
    }

    func testTheWrongNetworkKeyGetsNothing() async throws {
        let a = try TestNode(self, name: "a")
        let other = NetworkKey(bytes: Array(repeating: 7, count: 32))!
        let b = try TestNode(self, name: "b", networkKey: other)
        try a.follow(b); try b.follow(a)
        try a.publish(10)
        try await a.start()
        try await b.start(listen: false)
        let summary = try await b.sync(with: a, timeout: 5)
        XCTAssertNotNil(summary.error)
        XCTAssertTrue(summary.error?.contains("handshake") == true, summary.error ?? "")
        XCTAssertEqual(try b.sequence(of: a), 0)
        XCTAssertEqual(try a.sequence(of: b), 0)
        await b.stop(); await a.stop()
    }

    func testHopLimitAndBlockAreHonoured() async throws {
        let hub = try TestNode(self, name: "hub")
        let a = try TestNode(self, name: "a", hops: 2)
        let b = try TestNode(self, name: "b"), c = try TestNode(self, name: "c"), d = try TestNode(self, name: "d")
        // a → b → c → d: with two hops, a replicates b and c but not d.
        try a.follow(b); try b.follow(c); try c.follow(d)
        for node in [b, c, d] { try node.publish(3) }
        // The hub holds everything and hands it on.
        for node in [a, b, c, d] { try hub.follow(node) }
        try await hub.start()
        for node in [b, c, d] { try await node.start(listen: false); _ = try await node.sync(with: hub) }
        try await a.start(listen: false)
        for _ in 0..<3 { _ = try await a.sync(with: hub) }  // each round can reveal the next hop
        XCTAssertEqual(try a.sequence(of: b), 4)
        XCTAssertEqual(try a.sequence(of: c), 4)
        XCTAssertEqual(try a.sequence(of: d), 0, "d is three hops away")
        // Blocking c: a stops replicating it, even though b follows it.
        try a.block(c)
        try c.publish(5)
        _ = try await c.sync(with: hub)
        _ = try await a.sync(with: hub)
        XCTAssertEqual(try a.sequence(of: c), 4, "nothing new from a blocked feed")
        for node in [a, b, c, d, hub] { await node.stop() }
    }

    func testIdleReconnectSendsOnlyAnEmptyDelta() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try a.follow(b); try b.follow(a)
        try a.publish(10)
        try await a.start()
        try await b.start(listen: false)
        _ = try await b.sync(with: a)
        let (peerClock, acknowledged) = try b.peers.clocks(for: a.feed)
        XCTAssertNotNil(peerClock, "b remembers a's clock")
        XCTAssertNotNil(acknowledged, "b remembers its clock as a confirmed it")
        let again = try await b.sync(with: a)
        XCTAssertTrue(again.caughtUp)
        XCTAssertEqual(again.stored + again.sent, 0)
        await b.stop(); await a.stop()
    }

    /// docs/protocol.md §11: both sides remember the clocks `caughtUp` confirmed, as sent; the
    /// reconnect after a transfer names each feed that moved (40 bytes each way here), and an
    /// idle reconnect is 216 bytes each way after the handshake, plus the one-shot side's goodbye.
    func testReconnectsCostWhatTheSpecificationSays() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try a.follow(b); try b.follow(a)
        try a.publish(10)
        try await a.start()
        try await b.start(listen: false)
        /// Waits until `a` has stored the clocks of its latest connection with `b`.
        func aRemembers(peer: [FeedID: UInt64], acknowledged: [FeedID: UInt64]) async throws {
            try await eventually(10, "a stores the confirmed clocks") {
                let stored = try a.peers.clocks(for: b.feed)
                return stored.peer == FeedClock(peer) && stored.acknowledged == FeedClock(acknowledged)
            }
        }
        let transfer = try await b.sync(with: a)
        XCTAssertEqual(transfer.stored, 11)
        XCTAssertEqual(try b.peers.clocks(for: a.feed).acknowledged, FeedClock([a.feed: 0, b.feed: 1]), "b's clock as sent")
        XCTAssertEqual(try b.peers.clocks(for: a.feed).peer, FeedClock([a.feed: 11, b.feed: 0]), "a's clock as a sent it")
        try await aRemembers(peer: [a.feed: 0, b.feed: 1], acknowledged: [a.feed: 11, b.feed: 0])

        let afterTransfer = try await b.sync(with: a)
        XCTAssertNil(afterTransfer.error)
        XCTAssertEqual(afterTransfer.stored + afterTransfer.sent, 0)
        try await aRemembers(peer: [a.feed: 11, b.feed: 1], acknowledged: [a.feed: 11, b.feed: 1])

        let idle = try await b.sync(with: a)
        XCTAssertNil(idle.error)
        XCTAssertTrue(idle.caughtUp)
        XCTAssertEqual(idle.bytesOut, 176 + 216 + 34, "b: handshake, hello and clock, plan and caught-up, idle, goodbye")
        XCTAssertEqual(idle.bytesIn, 144 + 216, "a: handshake, the same three packets")
        XCTAssertEqual(afterTransfer.bytesOut, idle.bytesOut + 40, "b names a's feed, which moved")
        XCTAssertEqual(afterTransfer.bytesIn, idle.bytesIn + 40, "a names b's feed, which moved")
        await b.stop(); await a.stop()
    }
}
