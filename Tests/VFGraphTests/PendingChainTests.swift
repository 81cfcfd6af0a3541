import Foundation
import GRDB
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A chain of pending events, each waiting for the one before, all waiting for one entry that
/// arrives last: the update that brings it settles the whole chain in a few passes, not one
/// pass (and one query per member) per link.
final class PendingChainTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-pending-chain").path }

    func testAChainWaitingForOneEntrySettlesInAFewPasses() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let milling = try net.post("mill", ["@type": "Process", "name": "milling"])
        var previous = try net.event("produce", provider: "farm", ["resourceQuantity": qty("10", "kg"), "outputOf": ref(milling),
                                                                     "newInventoriedResource": ["name": "flour"]])
        var chain = [previous]
        // Each moves the flour into a resource of its own, made from the one before: it depends
        // on the event before only, and waits for it.
        for step in 0..<300 {
            previous = try net.event("transfer", provider: "farm", receiver: "farm", [
                "resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(ResourceID(createdBy: previous)),
                "newInventoriedResource": ["name": .string("flour \(step)")]])
            chain.append(previous)
        }
        let feeds = try net.feeds()
        let mill = net.key("mill").feed
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(feeds.filter { $0.first?.entry.author != mill }.flatMap { $0 })
        try store.update(from: log)
        let reader = store.reader(log: log)
        XCTAssertEqual(try Set(chain.map { try reader.status(of: $0)?.name ?? "none" }), ["pending"])
        try store.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(DISTINCT waitsFor) FROM event"), chain.count, "each waits for the one before")
        }

        _ = try log.ingest(feeds.filter { $0.first?.entry.author == mill }.flatMap { $0 })
        try store.update(from: log)
        let work = try XCTUnwrap(store.lastUpdateWork)
        XCTAssertGreaterThanOrEqual(work.settled, chain.count)
        XCTAssertLessThanOrEqual(work.settlingPasses, 3, "\(work)")
        XCTAssertFalse(try chain.contains { try reader.status(of: $0)?.name == "pending" })
        try assertMatchesRebuild(store, log)
    }
}
