import XCTest
@testable import VFPeer

/// When a connection asks a locked node to check whether it may unlock: once caught up with a
/// peer holding some of the feed, once per figure, and again when the peer says it holds more.
final class OwnFeedCatchUpTests: XCTestCase {
    func testAskedOnceCaughtUpWhileLockedForAPeerHoldingTheFeed() {
        var c = OwnFeedCatchUp()
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: true), "the peer's clock has not named the feed")
        c.peerClock(holds: 0)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: true), "a peer holding none of the feed proves nothing")
        c.peerClock(holds: 7)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: false), "not caught up yet")
        XCTAssertNil(c.ask(nodeLocked: false, caughtUp: true), "the node is not locked")
        XCTAssertEqual(c.ask(nodeLocked: true, caughtUp: true), 7)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: true), "asked about 7 already")
    }

    func testStillLockedItIsAskedAgainWhenThePeerSaysItHoldsMore() {
        var c = OwnFeedCatchUp()
        c.peerClock(holds: 7)
        XCTAssertEqual(c.ask(nodeLocked: true, caughtUp: true), 7)
        // The node stayed locked (say the peer's entries 5–7 were refused); the peer's next clock
        // says it holds more, and once caught up with that, the node is asked again.
        c.peerClock(holds: 9)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: false))
        XCTAssertEqual(c.ask(nodeLocked: true, caughtUp: true), 9)
        c.peerClock(holds: 8)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: true), "less than asked about before")
        c.peerClock(holds: nil)
        XCTAssertNil(c.ask(nodeLocked: true, caughtUp: true))
    }
}
