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
        /// Every frame this side sent, in order.
        var sent: [SyncFrame] = []

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
                case let .sendEntries(ranges, _):
                    for range in ranges {
                        for signed in feeds[range.feed]![Int(range.after)..<Int(range.through)] {
                            out.append(.entry(encoded: signed.entry.encoded, payload: signed.payload))
                        }
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
                case .answerClock(let work): pending += machine.clockAnswered(work.run())
                }
            }
            framesSent += out.count
            sent += out
            return out
        }
    }

    /// Runs both machines until neither has anything to say; frames pass through encode/decode.
    /// Two live sides, after `b` took the three entries `a` holds of one feed both want.
    private func liveSidesAfterThreeEntries() throws -> (FeedBuilder, Side, Side) {
        var builder = FeedBuilder()
        for _ in 0..<3 { builder.append() }
        let x = builder.key.feed
        var a = Side(feeds: [x: builder.entries], wants: [x], oneShot: false)
        var b = Side(feeds: [:], wants: [x], oneShot: false)
        try run(&a, &b)
        return (builder, a, b)
    }

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
        var (builder, a, b) = try liveSidesAfterThreeEntries()
        let x = builder.key.feed
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

    // MARK: the rules of docs/protocol.md §11

    private func machine(wants: FeedClock = FeedClock(), heads: [FeedID: UInt64] = [:], oneShot: Bool = false) -> SyncStateMachine {
        SyncStateMachine(wants: wants, localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: oneShot)
    }

    private func clocks(_ frames: [SyncFrame]) -> [(full: Bool, changes: [ClockChange])] {
        frames.compactMap { if case let .clock(full, _, _, changes) = $0 { (full, changes) } else { nil } }
    }

    /// The confirmed clock is the clock as sent, and the peer remembers exactly the clock it
    /// confirmed: neither is raised by the entries that moved. So an implementation that follows
    /// the text never meets `needFull` after a normal transfer: the next delta names the feeds
    /// that moved, and the one after is empty.
    func testTheNextDeltaIsAgainstTheClockCaughtUpConfirmedNotRaisedByWhatMoved() throws {
        let (x, xs) = feed(30), (y, ys) = feed(4)
        var a = Side(feeds: [x: xs], wants: [x, y])
        var b = Side(feeds: [y: ys], wants: [x, y])
        try run(&a, &b)
        XCTAssertTrue(a.finished && b.finished)
        XCTAssertEqual(b.feeds[x]?.count, 30)
        XCTAssertEqual(a.remembered.acknowledged, FeedClock([x: 30, y: 0]), "a's clock as it sent it")
        XCTAssertEqual(b.remembered.acknowledged, FeedClock([x: 0, y: 4]), "b's clock as it sent it, not raised to x = 30")
        XCTAssertEqual(a.remembered.peer, b.remembered.acknowledged, "a remembers b's clock exactly as b remembers it")
        XCTAssertEqual(b.remembered.peer, a.remembered.acknowledged)

        var connection = 2
        var (a2, b2) = (a, b)
        for expected in [[ClockChange(feed: y, sequence: 4)], []] {
            var next = (Side(feeds: a2.feeds, wants: [x, y], remembered: a2.remembered),
                        Side(feeds: b2.feeds, wants: [x, y], remembered: b2.remembered))
            try run(&next.0, &next.1)
            XCTAssertTrue(next.0.finished && next.1.finished, "connection \(connection)")
            for side in [next.0, next.1] {
                XCTAssertFalse(side.sent.contains { if case .needFull = $0 { true } else { false } }, "connection \(connection)")
                XCTAssertEqual(clocks(side.sent).count, 1)
                XCTAssertEqual(clocks(side.sent).first?.full, false)
            }
            XCTAssertEqual(clocks(next.0.sent).first?.changes, expected, "connection \(connection): a names the feed it received")
            XCTAssertEqual(clocks(next.1.sent).first?.changes, expected.isEmpty ? [] : [ClockChange(feed: x, sequence: 30)])
            (a2, b2) = next
            connection += 1
        }
    }

    func testTheLargestFrameIs65752Bytes() throws {
        XCTAssertEqual(SyncFrame.maximumSize, 65_752)
        var builder = FeedBuilder()
        for _ in 0..<3 { builder.append() }
        let big = builder.append(#"{"x":""# + String(repeating: "a", count: Payload.maximumSize - 8) + #""}"#)
        XCTAssertEqual(big.entry.encoded.count, EntryCodec.maximumSize)
        XCTAssertEqual(big.payload?.count, Payload.maximumSize)
        let body = SyncFrame.entry(encoded: big.entry.encoded, payload: big.payload).encode()
        XCTAssertEqual(body.count, 65_752)
        var decoder = FrameDecoder()
        decoder.append(FrameDecoder.frame(body))
        XCTAssertEqual(try decoder.next(), body)
        var over = FrameDecoder()
        over.append([0, 1, 0x00, 0xD9])  // 65,753: refused before a byte of the body
        XCTAssertThrowsError(try over.next()) { XCTAssertEqual($0 as? SyncProtocolError, .oversizedFrame(65_753)) }
    }

    func testAFullClocksBaseIsZeroWhenSentAndIgnoredWhenReceived() throws {
        let (x, _) = feed(1)
        var sender = machine(wants: FeedClock([x: 0]))
        guard case let .send(.clock(full: true, _, base, _)) = sender.start().last else { return XCTFail("no FULL clock") }
        XCTAssertEqual(base, .zero)
        var receiver = machine(heads: [x: 1])
        _ = receiver.start()
        _ = receiver.receive(.hello(version: 1))
        let someHash = Sodium.blake2b256([1])
        XCTAssertEqual(receiver.receive(.clock(full: true, final: false, base: someHash, changes: [])), [])
        let answer = receiver.receive(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: 0)]))
        XCTAssertEqual(answer.entryRanges, [EntryRange(feed: x, after: 0, through: 1)], "\(answer)")
        XCTAssertTrue(answer.contains(.send(.caughtUp(clock: 1, hash: FeedClock([x: 0]).hash))))
    }

    func testAHelloWithAnotherVersionClosesAtOnce() {
        for version: UInt16 in [0, 2, .max] {
            var side = machine()
            _ = side.start()
            XCTAssertEqual(side.receive(.hello(version: version)), [.close(.unexpected("unsupported protocol version \(version)"))])
            XCTAssertTrue(side.isClosed)
            XCTAssertEqual(side.receive(.hello(version: 1)), [], "nothing more after a violation")
        }
        var twice = machine()
        _ = twice.start()
        XCTAssertEqual(twice.receive(.hello(version: 1)), [])
        XCTAssertEqual(twice.receive(.hello(version: 1)), [.close(.unexpected("second hello"))])
    }

    /// `idle(k)` goes out once per k: live entries after it do not repeat it; a new clock does.
    func testIdleIsSaidOncePerClockMessageAndNotAgainAfterLiveEntries() throws {
        var (builder, a, b) = try liveSidesAfterThreeEntries()
        let x = builder.key.feed
        func idles(_ side: Side) -> [SyncFrame] { side.sent.filter { if case .idle = $0 { true } else { false } } }
        XCTAssertEqual(idles(b), [.idle(clocksSent: 1)])
        builder.append()
        a.feeds[x] = builder.entries
        for frame in a.perform(a.machine.localHeadsChanged([x: 4])) { _ = b.perform(b.machine.receive(frame)) }
        XCTAssertEqual(b.feeds[x]?.count, 4)
        XCTAssertEqual(idles(b), [.idle(clocksSent: 1)], "no idle after a live entry")
        let (y, _) = feed(1)
        var toA = b.perform(b.machine.wantsChanged([x, y]))
        while !toA.isEmpty {
            let toB = toA.flatMap { a.perform(a.machine.receive($0)) }
            toA = toB.flatMap { b.perform(b.machine.receive($0)) }
        }
        XCTAssertEqual(idles(b), [.idle(clocksSent: 1), .idle(clocksSent: 2)])
    }

    /// `plan` counts the feeds it will send entries of and the entries between the peer's
    /// sequence and our head; fork proofs are the handler's, and not counted.
    func testPlanCountsFeedsAndTheEntriesBetweenThePeersSequenceAndOurHead() {
        let x = SigningKey().feed, y = SigningKey().feed, z = SigningKey().feed, w = SigningKey().feed
        var side = machine(heads: [x: 5, y: 2, z: 9, w: 3])
        _ = side.start()
        _ = side.receive(.hello(version: 1))
        let answer = side.receive(.clock(full: true, final: true, base: .zero, changes: [
            ClockChange(feed: x, sequence: 1), ClockChange(feed: y, sequence: 0), ClockChange(feed: w, sequence: 7),
        ]))
        XCTAssertTrue(answer.contains(.send(.plan(feeds: 2, entries: 6))), "\(answer)")
        XCTAssertEqual(Set(answer.entryRanges), [EntryRange(feed: x, after: 1, through: 5), EntryRange(feed: y, after: 0, through: 2)])
    }

    /// Frames may arrive before `start()`, and our wants may change before it: the opening
    /// still begins with hello and carries the new wants in clock message 1.
    func testWantsChangedBeforeStartGoInTheFirstClock() {
        let x = SigningKey().feed, y = SigningKey().feed
        var side = machine(wants: FeedClock([x: 0]))
        XCTAssertEqual(side.wantsChanged([x, y]), [])
        XCTAssertEqual(side.receive(.hello(version: 1)), [])
        XCTAssertEqual(side.wantsChanged([x, y]), [])
        let opening = side.start()
        XCTAssertEqual(opening.first, .send(.hello(version: 1)))
        XCTAssertEqual(opening.dropFirst().map { if case let .send(.clock(full, _, _, changes)) = $0 { "\(full) \(changes.count)" } else { "\($0)" } },
                       ["true 2"])
        XCTAssertEqual(side.start(), [], "once")
    }

    // MARK: numbers a peer chooses

    private func exchanging(wants: FeedClock = FeedClock(), heads: [FeedID: UInt64] = [:]) -> SyncStateMachine {
        var side = machine(wants: wants, heads: heads)
        _ = side.start()
        _ = side.receive(.hello(version: 1))
        return side
    }

    func testCaughtUpAndNeedFullForMessagesNotAwaitedClose() {
        for number: UInt32 in [0, 2, .max] {
            var side = exchanging()
            XCTAssertEqual(side.receive(.caughtUp(clock: number, hash: .zero)), [.close(.unexpected("caught-up for clock \(number) not awaited"))])
            var other = exchanging()
            XCTAssertEqual(other.receive(.needFull(clock: number)), [.close(.unexpected("need-full for clock \(number) not awaited"))])
        }
        var twice = exchanging()
        XCTAssertEqual(twice.receive(.caughtUp(clock: 1, hash: .zero)).filter { if case .close = $0 { true } else { false } }, [])
        XCTAssertEqual(twice.receive(.caughtUp(clock: 1, hash: .zero)), [.close(.unexpected("caught-up for clock 1 not awaited"))])
    }

    /// Only a delta can fail to apply: a `needFull` naming a FULL message closes, so a peer
    /// cannot make us send our whole clock again for every 9 bytes it sends. A delta's
    /// `needFull` is answered with one FULL message, whose own `needFull` closes.
    func testNeedFullForAFullClockCloses() {
        let x = SigningKey().feed
        var side = exchanging(wants: FeedClock([x: 3]))
        XCTAssertEqual(side.receive(.needFull(clock: 1)), [.close(.unexpected("need-full for clock 1, which is FULL"))])

        let remembered = SyncStateMachine(wants: FeedClock([x: 3]), localHeads: [:], acknowledgedBase: FeedClock([x: 1]),
                                          rememberedPeerClock: nil, oneShot: false)
        var delta = remembered
        func sent(_ actions: [SyncStateMachine.Action]) -> [Bool] {
            clocks(actions.compactMap { if case let .send(frame) = $0 { frame } else { nil } }).map { $0.full }
        }
        XCTAssertEqual(sent(delta.start() + delta.receive(.hello(version: 1))), [false], "message 1 is a delta against the confirmed clock")
        let again = delta.receive(.needFull(clock: 1))
        XCTAssertEqual(sent(again), [true], "\(again)")
        XCTAssertEqual(delta.receive(.needFull(clock: 2)), [.close(.unexpected("need-full for clock 2, which is FULL"))])
    }

    func testIdleCountingMoreClocksThanReceivedCloses() {
        var side = exchanging()
        XCTAssertEqual(side.receive(.idle(clocksSent: .max)), [.close(.unexpected("idle after 4294967295 clocks, only 0 received"))])
    }

    func testPlanSumsSaturate() {
        var side = exchanging()
        for _ in 0..<3 { XCTAssertEqual(side.receive(.plan(feeds: .max, entries: .max)), []) }
        XCTAssertEqual(side.expectedFeeds, .max)
        XCTAssertEqual(side.expectedEntries, .max)
        XCTAssertEqual(UInt64.max.saturatingAdd(1), .max, "receivedEntries counts the same way")
    }

    func testClockSequencesOverTheLargestAreMalformedAndTheLargestSendsNothing() throws {
        let x = SigningKey().feed
        func body(_ sequence: UInt64) -> [UInt8] {
            var bytes: [UInt8] = [2, 3] + Array(repeating: 0, count: 32) + [0, 1] + x.bytes
            bytes.appendBigEndian(sequence)
            return bytes
        }
        for sequence in [Entry.maximumSequence + 1, UInt64.max - 1] {
            XCTAssertThrowsError(try SyncFrame.decode(body(sequence))) { XCTAssertTrue("\($0)".contains("over 2^63 − 1"), "\($0)") }
        }
        XCTAssertEqual(try SyncFrame.decode(body(UInt64.max)), .clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: nil)]))
        XCTAssertEqual(try SyncFrame.decode(body(Entry.maximumSequence)),
                       .clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: Entry.maximumSequence)]))
        // The peer claims the largest sequence: nothing to send, whatever we hold.
        var side = exchanging(heads: [x: Entry.maximumSequence])
        let answer = side.receive(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: Entry.maximumSequence)]))
        XCTAssertTrue(answer.contains(.send(.plan(feeds: 0, entries: 0))), "\(answer)")
        // We hold the largest, the peer nothing: one range, `after` below `through`, so `after + 1` cannot overflow.
        var holder = exchanging(heads: [x: Entry.maximumSequence])
        let all = holder.receive(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: 0)]))
        XCTAssertEqual(all.entryRanges, [EntryRange(feed: x, after: 0, through: Entry.maximumSequence)])
        XCTAssertTrue(all.contains(.send(.plan(feeds: 1, entries: Entry.maximumSequence))))
        // A feed no longer wanted, named in a FULL clock, is simply absent.
        var dropper = exchanging(heads: [x: 3])
        let none = dropper.receive(.clock(full: true, final: true, base: .zero, changes: [ClockChange(feed: x, sequence: nil)]))
        XCTAssertEqual(none.last, .send(.caughtUp(clock: 1, hash: FeedClock().hash)))
    }

    func testPlanEntriesSaturateOverManyFeedsHeldAtTheLargestSequence() {
        var heads: [FeedID: UInt64] = [:]
        var changes: [ClockChange] = []
        for _ in 0..<3 {
            let feed = SigningKey().feed
            heads[feed] = Entry.maximumSequence
            changes.append(ClockChange(feed: feed, sequence: 0))
        }
        var side = exchanging(heads: heads)
        let answer = side.receive(.clock(full: true, final: true, base: .zero, changes: changes))
        XCTAssertTrue(answer.contains(.send(.plan(feeds: 3, entries: .max))), "\(answer)")
    }

    /// A peer makes us send one more clock message for each `needFull`; at the last number the
    /// connection closes instead of wrapping. Likewise for the messages it sends us.
    func testClockMessageCountsStopAtTheirLimit() throws {
        var own = OwnClockMessages(wants: FeedClock(), confirmed: nil, sent: UInt32.max - 1)
        XCTAssertEqual(try own.message(against: FeedClock()).count, 1, "a delta, which the peer may fail to apply")
        XCTAssertEqual(own.sent, .max)
        XCTAssertThrowsError(try own.needFull(.max)) { XCTAssertEqual($0 as? SyncProtocolError, .unexpected("no clock message number left after 4294967295")) }
        var peer = PeerClockMessages(remembered: nil, maximumFeeds: 10, received: UInt32.max)
        XCTAssertThrowsError(try peer.answer(ClockMessage(full: true, base: .zero, changes: []), localHeads: [:])) {
            XCTAssertEqual($0 as? SyncProtocolError, .unexpected("over 4294967295 clock messages"))
        }
    }

    func testIngestedCountsOutOfRangeDoNotTrap() throws {
        let (x, xs) = feed(2)
        var side = exchanging(wants: FeedClock([x: 0]))
        _ = side.receive(.entry(encoded: xs[0].entry.encoded, payload: xs[0].payload))
        XCTAssertEqual(side.ingested(count: -1), [])
        XCTAssertFalse(side.isClosed)
        XCTAssertEqual(side.ingested(count: .max), [])
        XCTAssertEqual(side.ingested(count: .max), [])
        XCTAssertFalse(side.isClosed)
    }
}
