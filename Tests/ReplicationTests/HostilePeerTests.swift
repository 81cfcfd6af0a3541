import Foundation
import VFLog
@testable import VFPeer
import VFTestSupport
import XCTest

/// A node faced with peers that lie or break the protocol: it cuts them off, keeps every good
/// entry they sent before, and goes on serving others.
final class HostilePeerTests: XCTestCase {
    private var node: TestNode!
    private var mallory: FeedBuilder!

    override func setUp() async throws {
        node = try TestNode(self, name: "node")
        mallory = FeedBuilder()
        try node.log.append(ContactPayload(contact: mallory.key.feed, following: true, blocking: false).json, key: node.key)
        for _ in 0..<6 { mallory.append() }
        try await node.start()
    }

    override func tearDown() async throws {
        await node.stop()
    }

    private func connect(handshake: Bool = true) throws -> ScriptedPeer {
        try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: mallory.key, handshake: handshake)
    }

    private func send(_ signed: SignedEntry, to peer: ScriptedPeer) {
        peer.send(.entry(encoded: signed.entry.encoded, payload: signed.payload))
    }

    private func held() throws -> UInt64 { try node.log.head(of: mallory.key.feed)?.sequence ?? 0 }

    func testAForgedSignatureIsCutOffAndTheGoodEntriesBeforeItStay() throws {
        let peer = try connect()
        peer.greet()
        for signed in mallory.entries[0..<4] { send(signed, to: peer) }
        var forged = mallory.entries[4].entry.encoded
        forged[forged.count - 1] ^= 1
        peer.send(.entry(encoded: forged, payload: mallory.entries[4].payload))
        XCTAssertTrue(peer.isClosedByPeer(), "the node cut off the forger")
        XCTAssertEqual(try held(), 4)
        XCTAssertTrue(try node.log.verifyAll().isValid)
    }

    /// A payload the JSON profile refuses (protocol.md §5), here a duplicate name that only
    /// differs by an escape: refused on arrival like any payload that breaks §5.
    func testAPayloadOutsideTheJSONProfileIsCutOffAndTheGoodEntriesBeforeItStay() throws {
        let peer = try connect()
        peer.greet()
        for signed in mallory.entries[0..<3] { send(signed, to: peer) }
        let payload = Array(#"{"x":1,"\u0078":2}"#.utf8)
        let entry = EntryCodec.sign(key: mallory.key, sequence: 4, timestamp: 0, payloadSize: UInt32(payload.count),
                                    payloadHash: Payload.hash(payload), backlink: mallory.entry(3).id, lipmaaLink: mallory.entry(1).id)
        peer.send(.entry(encoded: entry.encoded, payload: payload))
        XCTAssertTrue(peer.isClosedByPeer(), "the node cut off the peer")
        XCTAssertEqual(try held(), 3)
        XCTAssertTrue(try node.log.verifyAll().payloadsOutsideProfile.isEmpty, "nothing of it was stored")
    }

    func testAWrongBacklinkIsCutOff() throws {
        let peer = try connect()
        peer.greet()
        for signed in mallory.entries[0..<3] { send(signed, to: peer) }
        let payload = Array("{\"x\":1}".utf8)
        let wrong = EntryCodec.sign(key: mallory.key, sequence: 4, timestamp: 0, payloadSize: UInt32(payload.count),
                                    payloadHash: Payload.hash(payload), backlink: mallory.entry(2).id, lipmaaLink: mallory.entry(1).id)
        peer.send(.entry(encoded: wrong.encoded, payload: payload))
        XCTAssertTrue(peer.isClosedByPeer())
        XCTAssertEqual(try held(), 3)
    }

    func testAForkIsKeptAsProofAndTheGoodEntriesStay() async throws {
        let peer = try connect()
        peer.greet()
        for signed in mallory.entries[0..<5] { send(signed, to: peer) }
        try await eventually { try self.held() == 5 }
        var fork = FeedBuilder(key: mallory.key)
        fork.append(); fork.append(); fork.append(#"{"double":"spend"}"#)
        send(fork.entries[2], to: peer)
        try await eventually(5, "fork recorded") { try self.node.log.head(of: self.mallory.key.feed)?.forked == true }
        XCTAssertEqual(try node.log.forkProofs(author: mallory.key.feed).first?.conflicting, fork.entry(3))
        XCTAssertEqual(try held(), 5)
        // A forked feed is not extended, whoever sends the next entry.
        send(mallory.entries[5], to: peer)
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(try held(), 5)
    }

    func testGarbageAndUnknownFramesAreCutOff() throws {
        let garbage = try connect()
        garbage.greet()
        garbage.sendFrameBody([0xEE, 1, 2, 3])
        XCTAssertTrue(garbage.isClosedByPeer())

        let noHello = try connect()
        noHello.send(.clock(full: true, final: true, base: .zero, changes: []))
        XCTAssertTrue(noHello.isClosedByPeer())

        let badBox = try connect()
        badBox.sendRaw(Array(repeating: 0x42, count: 200))
        XCTAssertTrue(badBox.isClosedByPeer(), "bytes that are not a valid box stream")
    }

    /// Two plans of 2^63 entries each once made the sum in the node's progress trap on the next
    /// page view (`GET /api/sync`).
    func testHugePlansFromTwoPeersSaturateTheProgress() async throws {
        var peers: [ScriptedPeer] = []
        for _ in 0..<2 {
            let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: SigningKey())
            peer.greet()
            peer.send(.plan(feeds: UInt32.max, entries: 1 << 63))
            peers.append(peer)
        }
        var progress = SyncProgress()
        for _ in 0..<250 {
            progress = await node.node.syncProgress()
            if progress.connectedPeers == 2 && progress.expectedFeeds == 2 * UInt64(UInt32.max) { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        XCTAssertEqual(progress.expectedEntries, UInt64.max)
        XCTAssertEqual(progress.expectedFeeds, 2 * UInt64(UInt32.max))
        let (expected, _, feeds) = try await node.node.progress()
        XCTAssertEqual(expected, UInt64.max)
        XCTAssertEqual(feeds, UInt32.max)
        _ = peers
    }

    /// One `entry` frame with a sequence whose lipmaa link overflowed 64 bits once killed any
    /// node on the network key, and again at every start while the peer was in its table.
    func testAnEntryWithAHugeSequenceIsRefusedAndTheNodeServesOn() async throws {
        for sequence: UInt64 in [6_078_832_729_528_464_401, UInt64(Int64.max), UInt64.max] {
            var encoded: [UInt8] = [1] + mallory.key.feed.bytes
            withUnsafeBytes(of: sequence.bigEndian) { encoded += $0 }
            encoded += [UInt8](repeating: 0, count: 8) + [0, 0, 0, 2] + [UInt8](repeating: 0, count: 32 + 32 + 64)
            let peer = try connect()
            peer.greet()
            peer.send(.entry(encoded: encoded, payload: []))
            XCTAssertTrue(peer.isClosedByPeer(), "sequence \(sequence)")
        }
        let after = try connect()
        after.greet()
        for signed in mallory.entries[0..<2] { send(signed, to: after) }
        try await eventually(5, "the node stores a good peer's entries") { try self.held() == 2 }
    }

    func testAnOversizedFrameIsRefusedBeforeItIsRead() throws {
        let peer = try connect()
        peer.greet()
        // Announce a 16 MiB frame and send only its first bytes.
        peer.sendBoxed([0x01, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 100))
        XCTAssertTrue(peer.isClosedByPeer())
    }

    func testAPeerWithoutTheNetworkKeyLearnsNothing() throws {
        let stranger = try connect(handshake: false)
        // A client hello computed with another network key.
        var machine = HandshakeStateMachine.client(networkKey: Array(repeating: 9, count: 32),
                                                   identity: SigningKeyPair(seed: mallory.key.seed), serverPublicKey: node.feed.bytes)
        for case .send(let bytes) in machine.start() { stranger.sendRaw(bytes) }
        XCTAssertEqual(stranger.bytesUntilClose(), 0, "the node sent not a single byte")
    }

    // MARK: what docs/protocol.md §11 says a node does

    /// A forked feed travels with its fork proof's conflicting entry, which `plan` does not count.
    func testPlanCountsAFeedsEntriesAndNotItsForkProof() async throws {
        _ = try node.log.ingest(Array(mallory.entries[0..<5]))
        var fork = FeedBuilder(key: mallory.key)
        fork.append(); fork.append(); fork.append(#"{"double":"spend"}"#)
        _ = try node.log.ingest([fork.entries[2]])
        XCTAssertEqual(try node.log.head(of: mallory.key.feed)?.forked, true)
        // Stored as by another process: the node learns of the fork at its next poll (50 ms here).
        try await Task.sleep(nanoseconds: 300_000_000)
        let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: SigningKey())
        peer.send(.hello(version: SyncFrame.protocolVersion))
        peer.send(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: mallory.key.feed, sequence: 0)]))
        let received = try peer.frames { if case .caughtUp(clock: 1, _) = $0 { true } else { false } }
        XCTAssertEqual(received.frames.filter { if case .plan = $0 { true } else { false } }, [.plan(feeds: 1, entries: 5)])
        XCTAssertEqual(received.frames.filter { if case .entry = $0 { true } else { false } }.count, 6, "five entries and the conflicting one")
    }

    /// A goodbye ends the connection: the node sends nothing more, not even its own goodbye, and
    /// closes. A peer that had answered the node's clock has synced; one that had not, failed.
    func testAGoodbyeClosesAndCountsAsASyncOnlyWhenTheNodeWasCaughtUp() async throws {
        let port = try XCTUnwrap(node.address?.port)
        let hasty = SigningKey()
        let first = try ScriptedPeer(port: port, server: node.feed, identity: hasty)
        first.greet()
        _ = try first.frames { if case .caughtUp = $0 { true } else { false } }
        first.sendGoodbye()
        let end = try first.frames()
        XCTAssertTrue(end.closed)
        XCTAssertFalse(end.goodbye, "no goodbye back")
        XCTAssertEqual(end.frames, [])
        try await eventually { try self.node.peers.peers().first { $0.feed == hasty.feed }?.lastError == "peer said goodbye" }
        XCTAssertEqual(try node.peers.peers().first { $0.feed == hasty.feed }?.failures, 1)

        let polite = SigningKey()
        let second = try ScriptedPeer(port: port, server: node.feed, identity: polite)
        second.greet()
        var nodeClock = FeedClock()
        _ = try second.frames { frame in
            guard case let .clock(_, final, _, changes) = frame else { return false }
            nodeClock.apply(changes)
            return final
        }
        // We hold none of what the node wants: nothing to send, and caught up.
        second.send(.plan(feeds: 0, entries: 0))
        second.send(.caughtUp(clock: 1, hash: nodeClock.hash))
        _ = try second.frames { $0 == .idle(clocksSent: 1) }
        second.sendGoodbye()
        let politeEnd = try second.frames()
        XCTAssertTrue(politeEnd.closed)
        XCTAssertFalse(politeEnd.goodbye)
        try await eventually { try self.node.peers.peers().first { $0.feed == polite.feed }?.lastSync != nil }
        let record = try XCTUnwrap(try node.peers.peers().first { $0.feed == polite.feed })
        XCTAssertEqual(record.failures, 0)
        XCTAssertNil(record.lastError)
    }

    func testTheNodeKeepsServingOthersAfterAHostilePeer() async throws {
        let peer = try connect()
        peer.greet()
        peer.sendFrameBody([0xEE])
        XCTAssertTrue(peer.isClosedByPeer())
        let honest = try TestNode(self, name: "honest")
        try honest.follow(node)
        try node.publish(5)
        try await honest.start(listen: false)
        let summary = try await honest.sync(with: node)
        XCTAssertNil(summary.error)
        XCTAssertEqual(try honest.sequence(of: node), 6, "its contact entry and five events")
        await honest.stop()
    }
}


/// A peer that asks for everything and then stops reading must not make the node buffer
/// what it cannot send: entries are read from the store a page at a time, only while the
/// socket is writable.
final class StalledPeerTests: XCTestCase {
    private func residentBytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
        return (Int(statm.split(separator: " ")[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testAStalledPeerCostsBoundedMemory() async throws {
        let node = try TestNode(self, name: "node")
        try await node.start()
        // 1,500 entries of 60 KB: 90 MB the stalled peer asks for and never reads.
        let big = "{\"blob\":\"" + String(repeating: "x", count: 60_000) + "\"}"
        for _ in 0..<15 { try node.log.appendBatch(Array(repeating: Array(big.utf8), count: 100), key: node.key) }
        let before = residentBytes()
        let stalled = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: SigningKey())
        stalled.send(.hello(version: SyncFrame.protocolVersion))
        stalled.send(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: node.feed, sequence: 0)]))
        // Whatever the first pages cost, it must stop growing while the peer stays stalled.
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let early = residentBytes() - before
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let late = residentBytes() - before
        print("stalled peer: resident memory grew by \(early / 1_000_000) MB after 2 s, \(late / 1_000_000) MB after 5 s, while 90 MB were wanted")
        XCTAssertLessThan(late, 60_000_000, "memory grew by \(late / 1_000_000) MB for a peer that reads nothing")
        XCTAssertLessThan(late - early, 8_000_000, "memory keeps growing while the peer is stalled")
        // Meanwhile the node serves an honest peer.
        let honest = try TestNode(self, name: "honest")
        try honest.follow(node)
        try await honest.start(listen: false)
        try honest.log.append(Array("{\"hello\":1}".utf8), key: honest.key)
        let summary = try await honest.sync(with: node, timeout: 60)
        XCTAssertNil(summary.error)
        XCTAssertEqual(try honest.sequence(of: node), 1500)
        await honest.stop()
        await node.stop()
        _ = stalled
    }
}
