import VFLog
import VFTestSupport
import XCTest
@testable import VFPeer

/// Once a connection answered a message, an empty delta is answered without looking at any
/// feed: the answer is the one a FULL clock of the same feeds would get, less the clock to
/// remember again.
final class PeerClockMessagesTests: XCTestCase {
    private let feeds = (0..<10).map { n in FeedID(bytes: [UInt8](repeating: UInt8(n + 1), count: 32))! }

    func testAnEmptyDeltaIsAnsweredAsTheSameClockSentWholeWould() throws {
        var rng = SplitMix64(seed: 5)
        func randomClock() -> FeedClock {
            var clock = FeedClock()
            for feed in feeds where Bool.random(using: &rng) { clock[feed] = UInt64.random(in: 0...6, using: &rng) }
            return clock
        }
        func withoutRemembering(_ actions: [SyncStateMachine.Action]) -> [SyncStateMachine.Action] {
            actions.filter { if case .rememberPeerClock = $0 { false } else { true } }
        }
        var shortcuts = 0
        for round in 0..<300 {
            var theirs = randomClock()
            let start = Bool.random(using: &rng) ? theirs : nil
            var peer = PeerClockMessages(remembered: start, maximumFeeds: 100)
            var local: [FeedID: UInt64] = [:]
            for feed in feeds { local[feed] = UInt64.random(in: 0...8, using: &rng) }
            var answered = false
            for step in 0..<40 {
                let context = "round \(round), step \(step)"
                switch !answered ? (start == nil ? 0 : 2) : Int.random(in: 0..<6, using: &rng) {
                case 0:
                    theirs = randomClock()
                    _ = try peer.answer(ClockMessage(full: true, base: .zero, changes: theirs.delta(from: FeedClock())), localHeads: local)
                    answered = true
                case 1:
                    var changes: [ClockChange] = []
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let feed = feeds.randomElement(using: &rng)!
                        changes.append(ClockChange(feed: feed, sequence: Bool.random(using: &rng) ? UInt64.random(in: 0...9, using: &rng) : nil))
                    }
                    _ = try peer.answer(ClockMessage(full: false, base: theirs.hash, changes: changes), localHeads: local)
                    theirs.apply(changes)
                case 2:
                    var whole = peer
                    let empty = try peer.answer(ClockMessage(full: false, base: theirs.hash, changes: []), localHeads: local)
                    let same = try whole.answer(ClockMessage(full: true, base: .zero, changes: theirs.delta(from: FeedClock())), localHeads: local)
                    XCTAssertEqual(withoutRemembering(empty), withoutRemembering(same), context)
                    XCTAssertEqual(empty.count < same.count, answered, "remembered again only on the first answer: \(context)")
                    if answered { shortcuts += 1 }
                    answered = true
                case 3:
                    // We come to hold more: the node pushes it.
                    let feed = feeds.randomElement(using: &rng)!
                    local[feed]! += UInt64.random(in: 1...3, using: &rng)
                    _ = peer.push(feed, upTo: local[feed]!)
                default:
                    // The peer sent us entries: we hold them, and never send them back.
                    let feed = feeds.randomElement(using: &rng)!
                    let upTo = UInt64.random(in: 0...10, using: &rng)
                    peer.sent(feed, upTo: upTo)
                    local[feed] = max(local[feed]!, upTo)
                    _ = peer.push(feed, upTo: local[feed]!)
                }
            }
        }
        XCTAssertGreaterThan(shortcuts, 1000)
    }
}
