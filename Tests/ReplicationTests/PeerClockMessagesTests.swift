import VFLog
import VFTestSupport
import XCTest
@testable import VFPeer

/// Once a connection answered a message, a delta is answered by looking only at the feeds it
/// names, and an empty one costs nothing: the answers are those of looking at every feed.
final class PeerClockMessagesTests: XCTestCase {
    private let feeds = (0..<10).map { n in FeedID(bytes: [UInt8](repeating: UInt8(n + 1), count: 32))! }

    func testADeltaLooksOnlyAtTheFeedsItNamesAndAnswersAsLookingAtAll() throws {
        var rng = SplitMix64(seed: 5)
        func randomClock() -> FeedClock {
            var clock = FeedClock()
            for feed in feeds where Bool.random(using: &rng) { clock[feed] = UInt64.random(in: 0...6, using: &rng) }
            return clock
        }
        var remembered = 0, skipped = 0
        for round in 0..<300 {
            var theirs = randomClock()
            let start = Bool.random(using: &rng) ? theirs : nil
            var named = PeerClockMessages(remembered: start, maximumFeeds: 100)
            var every = named
            every.walksOnlyNamedFeeds = false
            var local: [FeedID: UInt64] = [:]
            for feed in feeds { local[feed] = UInt64.random(in: 0...8, using: &rng) }
            var first = true
            for step in 0..<40 {
                let context = "round \(round), step \(step)"
                var message: ClockMessage?
                switch first ? (start == nil ? 0 : 2) : Int.random(in: 0..<6, using: &rng) {
                case 0:
                    theirs = randomClock()
                    message = ClockMessage(full: true, base: .zero, changes: theirs.delta(from: FeedClock()))
                case 1:
                    var changes: [ClockChange] = []
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let feed = feeds.randomElement(using: &rng)!
                        changes.append(ClockChange(feed: feed, sequence: Bool.random(using: &rng) ? UInt64.random(in: 0...9, using: &rng) : nil))
                    }
                    message = ClockMessage(full: false, base: theirs.hash, changes: changes)
                    theirs.apply(changes)
                case 2:
                    message = ClockMessage(full: false, base: theirs.hash, changes: [])
                case 3:
                    // We come to hold more: the node pushes it.
                    let feed = feeds.randomElement(using: &rng)!
                    local[feed]! += UInt64.random(in: 1...3, using: &rng)
                    XCTAssertEqual(named.push(feed, upTo: local[feed]!), every.push(feed, upTo: local[feed]!), context)
                default:
                    // The peer sent us entries: we hold them, and never send them back.
                    let feed = feeds.randomElement(using: &rng)!
                    let upTo = UInt64.random(in: 0...10, using: &rng)
                    named.sent(feed, upTo: upTo)
                    every.sent(feed, upTo: upTo)
                    local[feed] = max(local[feed]!, upTo)
                    XCTAssertEqual(named.push(feed, upTo: local[feed]!), every.push(feed, upTo: local[feed]!), context)
                }
                guard let message else { continue }
                let fast = try named.answer(message, localHeads: local)
                let slow = try every.answer(message, localHeads: local)
                func withoutRemembering(_ actions: [SyncStateMachine.Action]) -> [SyncStateMachine.Action] {
                    actions.filter { if case .rememberPeerClock = $0 { false } else { true } }
                }
                XCTAssertEqual(withoutRemembering(fast), withoutRemembering(slow), context)
                let remembers = fast.contains { if case .rememberPeerClock = $0 { true } else { false } }
                XCTAssertEqual(remembers, first || message.full || !message.changes.isEmpty, context)
                if remembers { remembered += 1 } else { skipped += 1 }
                first = false
            }
        }
        XCTAssertGreaterThan(skipped, 100, "empty deltas were answered without remembering the clock again")
        XCTAssertGreaterThan(remembered, 100)
    }
}
