import NIOCore
import VFLog
@testable import VFPeer
import XCTest

/// A sync starts from the node's own view of what it wants and holds only while that view is
/// in step with the store: an entry written behind the node's back (`vf block`, `vf publish`)
/// just before a sync counts at once.
final class NodeSyncSetupTests: XCTestCase {
    func testASyncStartsFromWhatTheStoreHoldsEvenBeforeTheNodeHasSeenIt() async throws {
        let node = try TestNode(self, name: "node")
        let friend = SigningKey().feed
        try node.log.append(ContactPayload(contact: friend, following: true, blocking: false).json, key: node.key)
        try await node.start(listen: false)
        try await Task.sleep(nanoseconds: 300_000_000)  // a few polls: the node is in step
        func setup() async throws -> PeerSession.Setup {
            try await node.node.loop.submit { node.node.syncSetup(with: SigningKey().feed) }.flatMap { $0 }.get()
        }
        let before = try await setup()
        XCTAssertEqual(before.wants, FeedClock([node.feed: 1, friend: 0]))

        try node.log.append(ContactPayload(contact: friend, following: false, blocking: true).json, key: node.key)
        let blocked = try await setup()
        XCTAssertEqual(blocked.wants, FeedClock([node.feed: 2]), "the block counts before the node's poll sees it")
        XCTAssertEqual(blocked.localHeads, [node.feed: 2])

        try await Task.sleep(nanoseconds: 300_000_000)
        let later = try await setup()
        XCTAssertEqual(later.wants, blocked.wants, "and the node's own view, once in step, says the same")
        XCTAssertEqual(later.localHeads, blocked.localHeads)
        await node.stop()
    }
}
