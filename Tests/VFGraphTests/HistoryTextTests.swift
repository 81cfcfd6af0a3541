import Foundation
import GRDB
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A history row holds a long unit, location, stage or state by its hash, the text kept once
/// (graph schema v13): a resource with a 20 KB location costs each event on it a row, not 20 KB.
final class HistoryTextTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-history-text").path }

    func testALongLocationIsKeptOnceHoweverManyEventsTouchItsResource() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let stock = try net.raise("farm", "1", "kg", name: "stock", at: "2030-01-01T00:00:00Z")
        let far = String(repeating: "a long way off, ", count: 1_250)  // 20,000 bytes
        try net.event("move", provider: "farm", ["resourceInventoriedAs": ref(stock), "toResourceInventoriedAs": ref(stock),
                                                "resourceQuantity": qty("1", "kg"), "toLocation": .string(far), "hasPointInTime": "2030-01-02T00:00:00Z"])
        for day in 10..<60 {
            try net.event("produce", provider: "farm", ["resourceInventoriedAs": ref(stock), "resourceQuantity": qty("1", "kg"),
                                                       "hasPointInTime": .string("2030-03-\(String(format: "%02d", day % 28 + 1))T\(String(format: "%02d", day % 24)):00:00Z")])
        }
        let feeds = try net.feeds()
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(feeds.flatMap { $0 })
        try store.update(from: log)
        // Dated before all the produces: they are folded again from the state the move left,
        // read back from the history, long location and all.
        try net.event("produce", provider: "farm", ["resourceInventoriedAs": ref(stock), "resourceQuantity": qty("1", "kg"),
                                                   "hasPointInTime": "2030-02-01T00:00:00Z"])
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(store.lastUpdateWork).folded, 51)
        try store.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM history"), 53)
            XCTAssertLessThan(try Int.fetchOne(db, sql: "SELECT sum(length(currentLocation)) FROM history") ?? 0, 53 * 32 + 1)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT text FROM historyText"), [far])
        }
        XCTAssertEqual(try store.reader(log: log).resource(stock)?.currentLocation, far)
        XCTAssertEqual(try store.reader(log: log).resource(stock)?.accountingQuantity, dec("52"))
        try assertMatchesRebuild(store, log)
    }
}
