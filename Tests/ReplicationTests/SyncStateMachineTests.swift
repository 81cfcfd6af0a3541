import VFLog
@testable import VFPeer
import VFTestSupport
import XCTest

/// The sync protocol with no sockets and no store: two machines exchange frames through
/// their encodings, with in-memory feeds standing in for the log.
final class SyncStateMachineTests: XCTestCase {
    /// One side: a machine and the feeds it holds.
    struct Side {
        var machine: SyncStateMachine
        var feeds: [FeedID: [SignedEntry]]
        var inbox: [SyncFrame] = []
        var finished = false
        var closed: SyncProtocolError?
        var remembered: (peer: FeedClock?, acknowledged: FeedClock?) = (nil, nil)
        var framesSent = 0

        init(feeds: [FeedID: [SignedEntry]], wants: Set<FeedID>, remembered: (peer: FeedClock?, acknowledged: FeedClock?) = (nil, nil), oneShot: Bool = true) {
            self.feeds = feeds
            var clock = FeedClock()
            for feed in wants { clock[feed] = UInt64(feeds[feed]?.count ?? 0) }
            machine = SyncStateMachine(wants: clock, localHeads: feeds.mapValues { UInt64($0.count) },
                                       acknowledgedBase: remembered.acknowledged, rememberedPeerClock: remembered.peer, oneShot: oneShot)
        }

        /// Performs actions; returns frames for the other side.
        mutating func perform(_ actions: [SyncStateMachine.Action]) -> [SyncFrame] {
            var out: [SyncFrame] = []
            var pending = actions
            while !pending.isEmpty {
                let action = pending.removeFirst()
                switch action {
                case .send(let frame): out.append(frame)
                case let .sendEntries(feed, after, through):
                    for signed in feeds[feed]![Int(after)..<Int(through)] {
                        out.append(.entry(encoded: signed.entry.encoded, payload: signed.payload))
                    }
                case .ingest(let signed):
                    var feed = feeds[signed.entry.author] ?? []
                    var rejection: VerificationError?
                    if signed.entry.sequence == UInt64(feed.count + 1) { feed.append(signed) } else {
                        rejection = VerificationError(feed: signed.entry.author, sequence: signed.entry.sequence, reason: .sequenceGap(expected: UInt64(feed.count + 1)))
                    }
                    feeds[signed.entry.author] = feed
                    pending += machine.ingested(count: 1, rejections: rejection.map { [$0] } ?? [])
                    pending += machine.localHeadsChanged([signed.entry.author: UInt64(feed.count)])
                case .rememberPeerClock(let clock): remembered.peer = clock
                case .rememberAcknowledgedClock(let clock): remembered.acknowledged = clock
                case .redeemInvite: break  // no invites in these tests (InviteTests covers them)
                case .finished: finished = true
                case .close(let error): closed = error
                }
            }
            framesSent += out.count
            return out
        }
    }

    /// Runs both machines until neither has anything to say; frames pass through encode/decode.
    private func run(_ a: inout Side, _ b: inout Side) throws {
        var toB = a.perform(a.machine.start())
        var toA = b.perform(b.machine.start())
        var rounds = 0
        while !(toA.isEmpty && toB.isEmpty) {
            rounds += 1
            XCTAssertLessThan(rounds, 10_000)
            if let frame = toB.first {
                toB.removeFirst()
                toA += b.perform(b.machine.receive(try SyncFrame.decode(frame.encode())))
            }
            if let frame = toA.first {
                toA.removeFirst()
                toB += a.perform(a.machine.receive(try SyncFrame.decode(frame.encode())))
            }
        }
    }

    private func feed(_ count: Int) -> (FeedID, [SignedEntry]) {
        var builder = FeedBuilder()
        for _ in 0..<count { builder.append() }
        return (builder.key.feed, builder.entries)
    }

    func testTwoSidesExchangeExactlyWhatTheOtherLacksAndFinish() throws {
        let (x, xs) = feed(30), (y, ys) = feed(12), (z, zs) = feed(5)
        var a = Side(feeds: [x: xs, z: Array(zs[0..<2])], wants: [x, y, z])
        var b = Side(feeds: [y: ys, x: Array(xs[0..<10]), z: zs], wants: [x, y])
        try run(&a, &b)
        XCTAssertNil(a.closed); XCTAssertNil(b.closed)
        XCTAssertTrue(a.finished && b.finished)
        XCTAssertEqual(a.feeds[y]?.count, 12)
        XCTAssertEqual(a.feeds[z]?.count, 5)
        XCTAssertEqual(b.feeds[x]?.count, 30)
        XCTAssertEqual(a.machine.expectedEntries, 15)
        XCTAssertEqual(a.machine.receivedEntries, 15)
        XCTAssertNotNil(a.remembered.acknowledged)
    }

    func testAReconnectWithNothingNewSendsAnEmptyDelta() throws {
        let (x, xs) = feed(100)
        var wants: Set<FeedID> = [x]
        var manyFeeds: [FeedID: [SignedEntry]] = [x: xs]
        for _ in 0..<200 { let (f, e) = feed(1); manyFeeds[f] = e; wants.insert(f) }
        var a = Side(feeds: manyFeeds, wants: wants), b = Side(feeds: manyFeeds, wants: wants)
        try run(&a, &b)
        let firstBytes = a.framesSent
        XCTAssertGreaterThan(firstBytes, 0)
        var a2 = Side(feeds: manyFeeds, wants: wants, remembered: a.remembered)
        var b2 = Side(feeds: manyFeeds, wants: wants, remembered: b.remembered)
        var probe = a2
        let start = probe.perform(probe.machine.start())
        guard case let .clock(full, _, _, changes) = start[1] else { return XCTFail("\(start)") }
        XCTAssertFalse(full)
        XCTAssertEqual(changes, [], "an idle reconnect announces no feed")
        let bytes = start.reduce(0) { $0 + 4 + $1.encode().count }
        XCTAssertLessThan(bytes, 100)
        try run(&a2, &b2)
        XCTAssertTrue(a2.finished && b2.finished)
        XCTAssertNil(a2.closed)
    }

    func testADeltaAgainstAnUnknownBaseFallsBackToAFullClock() throws {
        let (x, xs) = feed(20)
        var a = Side(feeds: [x: xs], wants: [x]), b = Side(feeds: [:], wants: [x])
        try run(&a, &b)
        // b forgot everything (a new database), a still thinks b knows its clock.
        var a2 = Side(feeds: [x: xs], wants: [x], remembered: a.remembered)
        var b2 = Side(feeds: [:], wants: [x])
        try run(&a2, &b2)
        XCTAssertNil(a2.closed); XCTAssertNil(b2.closed)
        XCTAssertEqual(b2.feeds[x]?.count, 20)
        XCTAssertTrue(a2.finished && b2.finished)
    }

    func testLiveModePushesNewEntriesAndNeverFinishes() throws {
        var builder = FeedBuilder()
        for _ in 0..<3 { builder.append() }
        let x = builder.key.feed
        var a = Side(feeds: [x: builder.entries], wants: [x], oneShot: false)
        var b = Side(feeds: [:], wants: [x], oneShot: false)
        try run(&a, &b)
        XCTAssertFalse(a.finished || b.finished)
        XCTAssertEqual(b.feeds[x]?.count, 3)
        builder.append()
        a.feeds[x] = builder.entries
        let push = a.perform(a.machine.localHeadsChanged([x: 4]))
        XCTAssertEqual(push.count, 1)
        for frame in push { _ = b.perform(b.machine.receive(frame)) }
        XCTAssertEqual(b.feeds[x]?.count, 4)
        // Received entries are not echoed back.
        XCTAssertEqual(b.perform(b.machine.localHeadsChanged([x: 4])), [])
    }

    func testProtocolViolationsClose() {
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: [:], acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: true)
        _ = machine.start()
        XCTAssertEqual(machine.receive(.idle(clocksSent: 0)), [.close(.unexpected("first frame is not hello"))])
        var other = SyncStateMachine(wants: FeedClock(), localHeads: [:], acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: true)
        _ = other.start()
        XCTAssertEqual(other.receive(.hello(version: 9)), [.close(.unexpected("unsupported protocol version 9"))])
        XCTAssertThrowsError(try SyncFrame.decode([0xEE])) { XCTAssertTrue("\($0)".contains("unknown frame type")) }
        XCTAssertThrowsError(try SyncFrame.decode(SyncFrame.idle(clocksSent: 1).encode() + [0]))
        var decoder = FrameDecoder()
        decoder.append([0x7F, 0, 0, 0])
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? SyncProtocolError, .oversizedFrame(0x7F00_0000)) }
    }

    func testAPeerClockGrowingPastTheBoundOverDeltasCloses() {
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: [:], acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: false)
        machine.maximumPeerClockFeeds = 10
        _ = machine.start()
        _ = machine.receive(.hello(version: 1))
        func changes(_ n: Int) -> [ClockChange] { (0..<n).map { _ in ClockChange(feed: SigningKey().feed, sequence: 0) } }
        var clock = FeedClock()
        let first = changes(8)
        let actions = machine.receive(.clock(full: true, final: true, base: .zero, changes: first))
        XCTAssertFalse(actions.contains { if case .close = $0 { true } else { false } })
        clock.apply(first)
        // Each delta alone is small; together they pass the bound.
        XCTAssertEqual(machine.receive(.clock(full: false, final: true, base: clock.hash, changes: changes(3))),
                       [.close(.unexpected("clock of over 10 feeds"))])
    }

    func testARefusedEntryClosesButAForkedFeedIsNoOffence() throws {
        let (x, xs) = feed(3)
        func receiving() -> SyncStateMachine {
            var machine = SyncStateMachine(wants: FeedClock([x: 0]), localHeads: [:], acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: false)
            _ = machine.start()
            _ = machine.receive(.hello(version: 1))
            _ = machine.receive(.entry(encoded: xs[0].entry.encoded, payload: xs[0].payload))
            return machine
        }
        var forked = receiving()
        let refusedForFork = VerificationError(feed: x, sequence: 1, reason: .feedForked)
        XCTAssertFalse(forked.ingested(count: 1, rejections: [refusedForFork]).contains { if case .close = $0 { true } else { false } })
        XCTAssertFalse(forked.isClosed)
        var forged = receiving()
        let badSignature = VerificationError(feed: x, sequence: 1, reason: .badSignature)
        XCTAssertEqual(forged.ingested(count: 1, rejections: [refusedForFork, badSignature]), [.close(.badEntry(badSignature))])
    }

    func testFrameEncodingsRoundTrip() throws {
        let (x, xs) = feed(1)
        let frames: [SyncFrame] = [
            .hello(version: 1),
            .clock(full: true, final: false, base: .zero, changes: [ClockChange(feed: x, sequence: 7), ClockChange(feed: x, sequence: nil)]),
            .entry(encoded: xs[0].entry.encoded, payload: xs[0].payload),
            .entry(encoded: xs[0].entry.encoded, payload: nil),
            .caughtUp(clock: 3, hash: Sodium.blake2b256([1, 2, 3])),
            .needFull(clock: 2), .idle(clocksSent: 5), .plan(feeds: 2, entries: 99),
        ]
        for frame in frames { XCTAssertEqual(try SyncFrame.decode(frame.encode()), frame) }
    }
}
