import Foundation
import VFLog
import VFPeer
import XCTest

/// `Node.publish`, which the HTTP API publishes through: a follow published while connected
/// changes what the node replicates at once.
final class NodePublishTests: XCTestCase {
    func testAFollowPublishedThroughTheNodeStartsReplicatingTheFollowedFeed() async throws {
        let a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try b.publish(3, tag: "b")
        let bAddress = try await b.start()
        try await a.start()
        addTeardownBlock { await a.stop(); await b.stop() }
        try a.peers.addPeer(XCTUnwrap(bAddress), source: "test")
        for _ in 0..<250 where !(await a.node.connectedPeers()).contains(b.feed) { try await Task.sleep(nanoseconds: 20_000_000) }
        let connected = await a.node.connectedPeers()
        XCTAssertEqual(connected, [b.feed])
        XCTAssertEqual(try a.sequence(of: b), 0, "a does not follow b yet")

        try await a.node.publish(ContactPayload(contact: b.feed, following: true, blocking: false).json)
        try await eventually(10, "a replicates b once it follows b") { try a.sequence(of: b) == 3 }
        let progress = await a.node.syncProgress()
        XCTAssertEqual(progress.connectedPeers, 1)
    }
}
