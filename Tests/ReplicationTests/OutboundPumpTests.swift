import Dispatch
import VFLog
import VFTestSupport
import XCTest
@testable import VFPeer

/// The pump on its own: what it asks to read and send, in what order.
final class OutboundPumpTests: XCTestCase {
    private func feed(_ n: UInt8) -> FeedID { FeedID(bytes: [UInt8](repeating: n, count: 32))! }

    /// Runs the pump to the end, answering each read from `feeds`; returns what it did, in order.
    private func drain(_ pump: inout OutboundPump, _ feeds: [FeedID: FeedBuilder]) -> [String] {
        var steps: [String] = []
        while let step = pump.next() {
            switch step {
            case .send(let frame): steps.append("send \(frame)")
            case .sendEntry(let signed): steps.append("entry \(signed.entry.author.bytes[0]).\(signed.entry.sequence)")
            case let .readEntries(feed, after, through, limit):
                let entries = feeds[feed]!.entries
                let from = Int(after), to = min(Int(through), from + limit)
                pump.entriesRead(Array(entries[from..<to]))
            case .readForkEvidence(let feed):
                steps.append("proof \(feed.bytes[0])")
                pump.forkEvidenceRead([])
            case .goodbye: steps.append("goodbye")
            }
        }
        return steps
    }

    func testRangesAreSentInOrderEachFollowedByItsFeedsForkProof() {
        var a = FeedBuilder(), b = FeedBuilder()
        for _ in 0..<3 { a.append(); b.append() }
        let x = a.key.feed, y = b.key.feed
        var pump = OutboundPump(forked: [y])
        pump.sendEntries([EntryRange(feed: x, after: 1, through: 3), EntryRange(feed: y, after: 0, through: 2)])
        pump.send(.idle(clocksSent: 1))
        pump.sendGoodbye()
        let steps = drain(&pump, [x: a, y: b])
        XCTAssertEqual(steps, ["entry \(x.bytes[0]).2", "entry \(x.bytes[0]).3",
                               "entry \(y.bytes[0]).1", "entry \(y.bytes[0]).2", "proof \(y.bytes[0])",
                               "send \(SyncFrame.idle(clocksSent: 1))", "goodbye"])
        XCTAssertTrue(pump.isEmpty)
    }

    /// A feed found forked after its range was queued still has its proof sent after it.
    func testAForkLearntWhileRangesWaitIsProvedToo() {
        var a = FeedBuilder()
        a.append()
        var pump = OutboundPump(forked: [])
        pump.sendEntries([EntryRange(feed: a.key.feed, after: 0, through: 1)])
        pump.forked([a.key.feed])
        XCTAssertEqual(drain(&pump, [a.key.feed: a]), ["entry \(a.key.feed.bytes[0]).1", "proof \(a.key.feed.bytes[0])"])
    }

    /// Queuing the answer to a million-feed clock is one job, not a million: it runs on the
    /// event loop, which every connection shares.
    func testQueuingAMillionRangesIsImmediate() {
        let ranges = (0..<1_000_000).map { i -> EntryRange in
            var bytes = [UInt8](repeating: 0, count: 32)
            withUnsafeBytes(of: UInt64(i).bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            return EntryRange(feed: FeedID(bytes: bytes)!, after: 0, through: 1)
        }
        var pump = OutboundPump(forked: [feed(9)])
        let start = DispatchTime.now().uptimeNanoseconds
        pump.sendEntries(ranges)
        let first = pump.next()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard case let .readEntries(feed, after, through, _)? = first else { return XCTFail("\(String(describing: first))") }
        XCTAssertEqual(EntryRange(feed: feed, after: after, through: through), ranges[0])
        // Generous for a debug build on a loaded machine; the work is O(1).
        XCTAssertLessThan(seconds, 0.05, "queuing a million ranges took \(seconds) s")
    }

    /// What answers the peer's clock messages weighs on the answer load until it is sent: a
    /// plan, caughtUp or needFull frame 1, an answer's ranges 1 more per full 65,536 ranges;
    /// what the node sends of its own accord (its clock, idle, pushed entries), nothing.
    func testTheAnswerLoadCountsOnlyAnswersUntilTheyAreSent() {
        var pump = OutboundPump(forked: [])
        pump.send(.idle(clocksSent: 1))
        pump.send(.clock(full: true, final: true, base: .zero, changes: []))
        pump.sendEntries([EntryRange(feed: feed(1), after: 0, through: 1)])
        XCTAssertEqual(pump.answerLoad, 0, "our own frames and pushes")
        pump.send(.plan(feeds: 2, entries: 2))
        pump.sendEntries((0..<65_537).map { EntryRange(feed: feed(UInt8($0 % 200)), after: 0, through: 1) }, answer: true)
        pump.send(.caughtUp(clock: 1, hash: .zero))
        XCTAssertEqual(pump.answerLoad, 1 + 2 + 1)
        XCTAssertEqual(pump.next(), .send(.idle(clocksSent: 1)))
        XCTAssertEqual(pump.next(), .send(.clock(full: true, final: true, base: .zero, changes: [])))
        XCTAssertEqual(pump.answerLoad, 4)
        guard case .readEntries? = pump.next() else { return XCTFail("the push's range is read") }
        pump.entriesRead([])
        XCTAssertEqual(pump.next(), .send(.plan(feeds: 2, entries: 2)))
        XCTAssertEqual(pump.answerLoad, 3, "the plan is sent")
        for _ in 0..<65_536 {
            guard case .readEntries? = pump.next() else { return XCTFail("a range of the answer is read") }
            pump.entriesRead([])
        }
        XCTAssertEqual(pump.answerLoad, 3, "the ranges weigh until the last is opened")
        guard case .readEntries? = pump.next() else { return XCTFail("the last range is read") }
        XCTAssertEqual(pump.answerLoad, 1, "opened, the ranges weigh no more")
        pump.entriesRead([])
        XCTAssertEqual(pump.next(), .send(.caughtUp(clock: 1, hash: .zero)))
        XCTAssertEqual(pump.answerLoad, 0)
    }
}
