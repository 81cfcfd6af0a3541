import NIOCore
import VFLog
@testable import VFPeer
import VFTestSupport
import XCTest

/// One connection's protocol with plain bytes: no socket, no store, no clock. Sessions are
/// wired to each other or to a scripted client, and their store work is answered from memory.
final class PeerSessionTests: XCTestCase {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    private func feed(_ count: Int, key: SigningKey = SigningKey(), payload: String? = nil) -> [SignedEntry] {
        var builder = FeedBuilder(key: key)
        for _ in 0..<count { builder.append(payload) }
        return builder.entries
    }

    private func frame(_ signed: SignedEntry) -> SyncFrame { .entry(encoded: signed.entry.encoded, payload: signed.payload) }

    private let greeting: [SyncFrame] = [.hello(version: SyncFrame.protocolVersion), .clock(full: true, final: true, base: .zero, changes: [])]

    /// A server's session past the handshake with a scripted client, its sync begun.
    private func serving(wanted: Set<FeedID> = [], limits: PeerSession.Limits = PeerSession.Limits(),
                         client key: SigningKey = SigningKey()) throws -> (node: SessionPeer, peer: ScriptedClient) {
        var node = SessionPeer(.server, wanted: wanted, limits: limits, now: start)
        node.take(node.session.activate(now: start))
        let peer = try ScriptedClient(handshakingWith: &node, key: key, now: start)
        XCTAssertEqual(node.remote, key.feed)
        node.doStoreWork()
        return (node, peer)
    }

    // MARK: a whole sync

    func testTwoSessionsExchangeClocksAndEntriesAndBothEndCleanly() {
        let aliceKey = SigningKey(), bobKey = SigningKey()
        let aliceFeed = feed(5, key: aliceKey), bobFeed = feed(7, key: bobKey)
        let both: Set = [aliceKey.feed, bobKey.feed]
        var alice = SessionPeer(.client(server: bobKey.feed, invite: nil), key: aliceKey, feeds: [aliceKey.feed: aliceFeed], wanted: both,
                                oneShot: true, now: start)
        var bob = SessionPeer(.server, key: bobKey, feeds: [bobKey.feed: bobFeed], wanted: both, now: start)
        alice.take(alice.session.activate(now: start))
        bob.take(bob.session.activate(now: start))
        exchange(&alice, &bob, now: start)

        XCTAssertEqual(alice.remote, bob.feed)
        XCTAssertEqual(bob.remote, alice.feed)
        XCTAssertEqual(alice.feeds[bob.feed], bobFeed)
        XCTAssertEqual(bob.feeds[alice.feed], aliceFeed)
        XCTAssertEqual(alice.closing, .finished, "the one-shot side says goodbye once both sides hold what they asked for")
        XCTAssertEqual(bob.closing, .ended(error: nil), "and the other side counts that as a sync")
        XCTAssertEqual(alice.session.machine?.isCaughtUp, true)
        XCTAssertEqual(bob.session.machine?.isCaughtUp, true)
        XCTAssertEqual([alice.session.entriesSent, alice.session.entriesStored], [5, 7])
        XCTAssertEqual([bob.session.entriesSent, bob.session.entriesStored], [7, 5])
        XCTAssertEqual(alice.session.bytesOut, bob.session.bytesIn)
        XCTAssertEqual(bob.session.bytesOut, alice.session.bytesIn)
        XCTAssertEqual(alice.remembered.map(\.acknowledged), [false, true], "bob's clock, then ours as bob confirmed it")
        XCTAssertEqual(alice.remembered.last?.clock, FeedClock([alice.feed: 5, bob.feed: 0]), "our clock as sent")
        XCTAssertEqual(alice.session.bytesInFlight, 0)
    }

    func testALiveSessionPushesANewLocalEntry() {
        let aliceKey = SigningKey(), bobKey = SigningKey()
        var aliceFeed = FeedBuilder(key: aliceKey)
        aliceFeed.append()
        let both: Set = [aliceKey.feed, bobKey.feed]
        var alice = SessionPeer(.client(server: bobKey.feed, invite: nil), key: aliceKey, feeds: [aliceKey.feed: aliceFeed.entries],
                                wanted: both, now: start)
        var bob = SessionPeer(.server, key: bobKey, wanted: both, now: start)
        alice.take(alice.session.activate(now: start))
        exchange(&alice, &bob, now: start)
        XCTAssertEqual(bob.feeds[alice.feed]?.count, 1)
        XCTAssertNil(alice.closing, "a live connection stays open")

        let next = aliceFeed.append()
        alice.feeds[alice.feed]?.append(next)
        alice.take(alice.session.localHeadsChanged([alice.feed: 2]))
        exchange(&alice, &bob, now: start)
        XCTAssertEqual(bob.feeds[alice.feed]?.last, next)
        XCTAssertNil(bob.closing)
    }

    // MARK: backpressure

    func testReadingPausesWhileTooManyEntriesWaitToBeStoredAndResumesWhenABatchIsStored() throws {
        var limits = PeerSession.Limits()
        limits.ingestPause = 8
        limits.ingestResume = 4
        let mallory = SigningKey()
        let entries = feed(11, key: mallory)
        var (node, peer) = try serving(wanted: [mallory.feed], limits: limits, client: mallory)
        node.receive(peer.seal(greeting + [frame(entries[0])]), now: start)
        XCTAssertEqual(node.batches.map(\.count), [1], "the first entry is stored at once")
        XCTAssertFalse(node.paused)

        node.receive(peer.seal(entries[1...].map(frame)), now: start)
        XCTAssertTrue(node.paused, "ten entries wait behind the batch being stored")
        XCTAssertEqual(node.batches.map(\.count), [1], "one batch at a time")

        node.store(node.batches.removeFirst())
        XCTAssertEqual(node.batches.map(\.count), [10], "what waited is the next batch")
        XCTAssertTrue(node.paused, "still too many stored at once")

        node.store(node.batches.removeFirst())
        XCTAssertFalse(node.paused, "reading resumes once little waits")
        XCTAssertEqual(node.feeds[mallory.feed], entries)
        XCTAssertEqual(node.actions.filter { $0 == .pauseReading || $0 == .resumeReading }, [.pauseReading, .resumeReading])
        XCTAssertNil(node.closing)
    }

    /// Reading also waits on the bytes of what waits to be stored, not only on the count:
    /// entries with large payloads pause it sooner.
    func testReadingPausesOnTheBytesWaitingToBeStored() throws {
        var limits = PeerSession.Limits()
        limits.ingestPauseBytes = 2_000
        limits.ingestResumeBytes = 500
        let mallory = SigningKey()
        let entries = feed(6, key: mallory, payload: #"{"note":""# + String(repeating: "x", count: 500) + #""}"#)
        var (node, peer) = try serving(wanted: [mallory.feed], limits: limits, client: mallory)
        node.receive(peer.seal(greeting + [frame(entries[0])]), now: start)
        XCTAssertFalse(node.paused)
        let size = entries[1].entry.encoded.count + (entries[1].payload?.count ?? 0)
        let fit = 2_000 / size
        node.receive(peer.seal(entries[1...fit].map(frame)), now: start)
        XCTAssertFalse(node.paused, "\(fit) entries of \(size) bytes wait")
        node.receive(peer.seal([frame(entries[fit + 1])]), now: start)
        XCTAssertTrue(node.paused, "one more is over 2,000 bytes")
        node.store(node.batches.removeFirst())
        XCTAssertTrue(node.paused, "what waited is now the batch being stored: nothing waits, but one batch at a time")
        node.store(node.batches.removeFirst())
        XCTAssertFalse(node.paused)
        XCTAssertNil(node.closing)
    }

    /// A peer that sends clock after clock and reads none of the answers: reading waits once
    /// too many answers are queued, and resumes when the peer has read them.
    func testReadingPausesWhileThePeerDoesNotReadWhatItAskedFor() throws {
        var limits = PeerSession.Limits()
        limits.bytesInFlight = 256
        limits.answerLoadPause = 20
        limits.answerLoadResume = 5
        var (node, peer) = try serving(limits: limits)
        node.receive(peer.seal(greeting), now: start)
        let empty = SyncFrame.clock(full: true, final: true, base: .zero, changes: [])
        node.receive(peer.seal(Array(repeating: empty, count: 5)), now: start)
        XCTAssertFalse(node.paused)
        node.receive(peer.seal(Array(repeating: empty, count: 20)), now: start)
        XCTAssertTrue(node.paused, "two answers for each clock wait behind what the peer has not read")
        XCTAssertLessThanOrEqual(node.bytesInFlight, limits.bytesInFlight + 64)
        // Waiting for the peer to read is the peer's doing: a frame it left half-sent still runs out.
        var stalled = node
        stalled.receive(peer.seal(plaintext: Array(FrameDecoder.frame(SyncFrame.hello(version: 1).encode()).dropLast())), now: start)
        stalled.take(stalled.session.tick(now: start + .seconds(31), stranger: false))
        XCTAssertEqual(stalled.closing, .dropped(reason: "a frame took longer than 30 s to arrive"))
        // The peer reads: everything queued goes out, and reading resumes.
        while node.bytesInFlight > 0 {
            let taken = node.unconfirmed.removeFirst()
            node.take(node.session.written(taken))
        }
        XCTAssertFalse(node.paused)
        XCTAssertEqual(try peer.read(node.outbox).filter { if case .caughtUp = $0 { true } else { false } }.count, 26)
        XCTAssertNil(node.closing)
    }

    func testFramesThatComeBeforeTheSyncStartsPauseReadingUntilItDoes() throws {
        var limits = PeerSession.Limits()
        limits.earlyBytes = 100
        var node = SessionPeer(.server, limits: limits, now: start)
        node.take(node.session.activate(now: start))
        var peer = try ScriptedClient(handshakingWith: &node, now: start)
        node.receive(peer.seal(greeting + [.plan(feeds: 0, entries: 0), .plan(feeds: 0, entries: 0)]), now: start)
        XCTAssertFalse(node.paused, "a greeting is not too much")
        node.receive(peer.seal(Array(repeating: .plan(feeds: 0, entries: 0), count: 4)), now: start)
        XCTAssertTrue(node.paused)
        XCTAssertEqual(node.session.bytesOut, 144, "nothing but the handshake is sent before the store is read")

        node.doStoreWork()
        XCTAssertFalse(node.paused)
        let answer = try peer.read(node.outbox)
        XCTAssertEqual(answer.prefix(2), [.hello(version: SyncFrame.protocolVersion), .clock(full: true, final: true, base: .zero, changes: [])])
        XCTAssertTrue(answer.contains(.caughtUp(clock: 1, hash: FeedClock().hash)), "the early clock is answered")
    }

    // MARK: the outbound pump

    func testThePumpNeverHasMoreThanItsLimitInFlight() {
        var limits = PeerSession.Limits()
        limits.bytesInFlight = 16 * 1024
        let serverKey = SigningKey()
        let entries = feed(300, key: serverKey, payload: #"{"blob":""# + String(repeating: "x", count: 1000) + #""}"#)
        var server = SessionPeer(.server, key: serverKey, feeds: [serverKey.feed: entries], wanted: [serverKey.feed], limits: limits, now: start)
        var client = SessionPeer(.client(server: serverKey.feed, invite: nil), wanted: [serverKey.feed], now: start)
        client.take(client.session.activate(now: start))
        // A slow socket: it takes one of the server's writes at a time.
        for _ in 0..<100_000 {
            var progress = client.deliver(to: &server, now: start)
            progress = server.deliver(to: &client, now: start) || progress
            progress = server.confirmWrites(1) || progress
            progress = client.confirmWrites() || progress
            progress = server.doStoreWork() || progress
            progress = client.doStoreWork() || progress
            if !progress { break }
        }
        XCTAssertEqual(client.feeds[serverKey.feed], entries, "every entry arrived, in order")
        // One frame may start below the limit and end above it: an entry of 1 KB and its packet headers.
        let oneFrame = 2 * 1024
        XCTAssertLessThanOrEqual(server.mostInFlight, limits.bytesInFlight + oneFrame)
        XCTAssertGreaterThan(server.mostInFlight, limits.bytesInFlight / 2, "the limit was reached, so it was what held the pump")
        XCTAssertEqual(server.mostReads, 1, "one store read at a time")
        let pages = server.actions.compactMap { action -> Int? in
            if case let .readEntries(_, _, _, limit) = action { limit } else { nil }
        }
        XCTAssertGreaterThan(pages.count, 1, "read a page at a time")
        XCTAssertTrue(pages.allSatisfy { $0 <= OutboundPump.maximumPage })
        XCTAssertEqual(server.session.entriesSent, 300)
    }

    func testNothingIsWrittenWhileTheChannelIsNotWritable() throws {
        let serverKey = SigningKey()
        let entries = feed(3, key: serverKey)
        var node = SessionPeer(.server, key: serverKey, feeds: [serverKey.feed: entries], wanted: [serverKey.feed], now: start)
        node.take(node.session.activate(now: start))
        var peer = try ScriptedClient(handshakingWith: &node, now: start)
        node.doStoreWork()
        _ = try peer.read(node.outbox)
        node.outbox = []
        node.take(node.session.writabilityChanged(false))
        node.receive(peer.seal([.hello(version: SyncFrame.protocolVersion),
                                .clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: serverKey.feed, sequence: 0)])]), now: start)
        node.doStoreWork()
        XCTAssertEqual(node.outbox, [], "the answer waits")
        node.take(node.session.writabilityChanged(true))
        node.doStoreWork()
        let answer = try peer.read(node.outbox)
        XCTAssertEqual(answer.filter { if case .entry = $0 { true } else { false } }, entries.map(frame))
    }

    // MARK: closing

    func testAMalformedFrameClosesWithItsReason() throws {
        var (node, peer) = try serving()
        node.receive(peer.seal(plaintext: FrameDecoder.frame([0xEE, 1, 2, 3])), now: start)
        XCTAssertEqual(node.closing, .dropped(reason: "malformed frame: unknown frame type 238"))
        let sent = node.session.bytesOut
        node.receive(peer.seal(greeting), now: start)
        node.take(node.session.localHeadsChanged([SigningKey().feed: 1]))
        XCTAssertEqual(node.session.bytesOut, sent, "nothing more is sent")
        XCTAssertTrue(node.session.isClosed)
    }

    func testBytesOutsideTheBoxStreamAndOversizedFramesClose() throws {
        var (garbled, _) = try serving()
        garbled.receive(Array(repeating: 0x42, count: 200), now: start)
        XCTAssertEqual(garbled.closing, .dropped(reason: "box stream: \(BoxStreamError.headerMACInvalid)"))

        var (greedy, peer) = try serving()
        greedy.receive(peer.seal(plaintext: [0x01, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 100)), now: start)
        XCTAssertEqual(greedy.closing, .dropped(reason: SyncProtocolError.oversizedFrame(1 << 24).reason))
    }

    func testAGoodbyeEndsTheConnectionWithoutOneBack() throws {
        var (node, peer) = try serving()
        let sent = node.session.bytesOut
        node.receive(peer.goodbye(), now: start)
        XCTAssertEqual(node.closing, .ended(error: "peer said goodbye"), "the node had not been answered")
        XCTAssertEqual(node.session.bytesOut, sent)

        var (closing, other) = try serving()
        let actions = closing.session.close()
        XCTAssertEqual(actions.count, 3)
        XCTAssertEqual(actions.dropFirst(), [.flush, .close(.finished)], "our goodbye, then the close")
        closing.take(actions)
        XCTAssertEqual(try other.read(closing.outbox).prefix(1), [.hello(version: SyncFrame.protocolVersion)])
        XCTAssertTrue(other.heardGoodbye)
        XCTAssertEqual(closing.session.close(), [], "once")
    }

    // MARK: deadlines and throttling

    func testTheHandshakeMustEndInTime() {
        var node = SessionPeer(.server, now: start)
        node.take(node.session.activate(now: start))
        XCTAssertEqual(node.actions, [.wakeUp(at: start + .seconds(10))])
        node.take(node.session.tick(now: start + .seconds(9), stranger: true))
        XCTAssertNil(node.closing)
        node.take(node.session.tick(now: start + .seconds(10), stranger: true))
        XCTAssertEqual(node.closing, .dropped(reason: "handshake did not complete within 10 s"))
        XCTAssertEqual(node.actions.last, .wakeUp(at: nil))
    }

    func testDeadlinesCloseSilentSlowAndIdlePeers() throws {
        var (silent, _) = try serving()
        XCTAssertTrue(silent.actions.contains(.wakeUp(at: nil)), "the handshake's wake-up is called off")
        silent.take(silent.session.tick(now: start + .seconds(10), stranger: false))
        XCTAssertNil(silent.closing)
        silent.take(silent.session.tick(now: start + .seconds(10) + .milliseconds(1), stranger: false))
        XCTAssertEqual(silent.closing, .dropped(reason: "no hello and clock within 10 s of the handshake"))

        var (slow, slowPeer) = try serving()
        slow.receive(slowPeer.seal(greeting), now: start)
        slow.receive(slowPeer.seal(plaintext: Array(FrameDecoder.frame(SyncFrame.hello(version: 1).encode()).dropLast())), now: start)
        slow.take(slow.session.tick(now: start + .seconds(30), stranger: false))
        XCTAssertNil(slow.closing)
        slow.take(slow.session.tick(now: start + .seconds(31), stranger: false))
        XCTAssertEqual(slow.closing, .dropped(reason: "a frame took longer than 30 s to arrive"))

        var (idle, idlePeer) = try serving()
        idle.receive(idlePeer.seal(greeting), now: start)
        idle.take(idle.session.tick(now: start + .seconds(61), stranger: false))
        XCTAssertNil(idle.closing, "a known peer may stay idle")
        idle.take(idle.session.tick(now: start + .seconds(61), stranger: true))
        XCTAssertEqual(idle.closing, .dropped(reason: "a stranger idle for 60 s"))
    }

    /// Time the node spends not reading is not the peer's: a frame under way while reading
    /// waits (here, a throttle; storing entries and answering a clock pause alike) gets its full
    /// 30 s again from when reading resumes.
    func testAFrameIsNotLateWhileTheNodeIsNotReading() throws {
        var (node, peer) = try serving()
        node.receive(peer.seal(greeting), now: start)
        node.receive(peer.seal(plaintext: Array(FrameDecoder.frame(SyncFrame.hello(version: 1).encode()).dropLast())), now: start)
        node.take(node.session.throttle(until: start + .seconds(60)))
        node.take(node.session.tick(now: start + .seconds(45), stranger: false))
        XCTAssertNil(node.closing, "45 s into the frame, but the node was not reading")
        node.take(node.session.tick(now: start + .seconds(60), stranger: false))
        XCTAssertFalse(node.paused)
        node.take(node.session.tick(now: start + .seconds(90), stranger: false))
        XCTAssertNil(node.closing)
        node.take(node.session.tick(now: start + .seconds(91), stranger: false))
        XCTAssertEqual(node.closing, .dropped(reason: "a frame took longer than 30 s to arrive"))
    }

    func testAThrottledStrangerIsReadAgainWhenTheAllowanceRefills() throws {
        var (node, peer) = try serving()
        let bytes = peer.seal(greeting)
        node.receive(bytes, now: start)
        XCTAssertTrue(node.actions.contains(.chargeAllowance(bytes: bytes.count)))
        node.take(node.session.throttle(until: start + .seconds(1)))
        XCTAssertEqual(node.actions.suffix(2), [.pauseReading, .wakeUp(at: start + .seconds(1))])
        node.take(node.session.throttle(until: start + .milliseconds(500)))
        XCTAssertEqual(node.actions.suffix(2), [.pauseReading, .wakeUp(at: start + .seconds(1))], "an earlier time changes nothing")
        node.take(node.session.tick(now: start + .milliseconds(999), stranger: true))
        XCTAssertTrue(node.paused)
        node.take(node.session.tick(now: start + .seconds(1), stranger: true))
        XCTAssertFalse(node.paused)
        XCTAssertEqual(node.actions.suffix(2), [.resumeReading, .wakeUp(at: nil)])
        XCTAssertNil(node.closing)
    }
}
