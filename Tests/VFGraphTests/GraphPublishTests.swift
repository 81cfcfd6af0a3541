import Foundation
import VFJSON
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Publishing signed entries with one fold (``GraphStore/publish(_:log:)``): the verdicts of the
/// check, the log and the tables as appending then updating would leave them, and nothing
/// stored or folded when a payload is refused or the feed moved on.
final class GraphPublishTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-graphpublish-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func richNode() throws -> (net: SignedNetwork, log: LogStore, store: GraphStore) {
        try VFGraphTests.richNode(in: directory)
    }

    private func rebuiltTables(_ log: LogStore) throws -> [String: [[String]]] {
        try VFGraphTests.rebuiltTables(of: log, in: directory)
    }

    func testPublishingFoldsOnceWhatCheckingThenUpdatingWouldFold() throws {
        let (net, log, store) = try richNode()
        let graph = try store.graph(from: log)
        let wheat = try XCTUnwrap(graph.resources.values.first { $0.name == "wheat" }).id
        let farm = net.id("farm"), mill = net.id("mill")
        func event(_ action: String, _ provider: String, _ fields: String) -> [UInt8] {
            Array(#"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(provider)","receiver":"\#(provider)",\#(fields)}"#.utf8)
        }
        let runs: [(author: String, payloads: [[UInt8]], refusedAt: Int?)] = [
            // Stand alone: folded together. Back-dated and not.
            ("farm", [event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"hasPointInTime":"2031-01-01T00:00:00Z","newInventoriedResource":{"name":"a"}"#),
                      event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"2","hasUnit":"kg"},"hasPointInTime":"2020-01-01T00:00:00Z","newInventoriedResource":{"name":"b"}"#),
                      Array(#"{"@type":"Process","name":"sorting"}"#.utf8)], nil),
            // Name a resource: folded one by one, each against the one before.
            ("farm", [event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#),
                      event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)","hasPointInTime":"2020-06-01T00:00:00Z""#)], nil),
            // The mill may not consume the farm's wheat: refused, the first stays unstored too.
            ("mill", [event("produce", mill, #""resourceQuantity":{"hasNumericalValue":"3","hasUnit":"kg"},"newInventoriedResource":{"name":"flour"}"#),
                      event("consume", mill, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#)], 1),
            ("mill", [event("produce", mill, #""resourceQuantity":{"hasNumericalValue":"3","hasUnit":"kg"},"newInventoriedResource":{"name":"bran"}"#)], nil),
        ]
        for (number, run) in runs.enumerated() {
            let key = net.key(run.author)
            let headBefore = try log.head(of: key.feed)?.sequence ?? 0
            let tablesBefore = try store.tableContents()
            let prepared = try log.prepareAppend(run.payloads, key: key, timestamp: 1_900_000_000_000 + Int64(number))
            let outcome = try store.publish(prepared, log: log)
            if let index = run.refusedAt {
                guard case .refused(index, _) = outcome else { return XCTFail("run \(number): \(outcome)") }
                XCTAssertEqual(try log.head(of: key.feed)?.sequence ?? 0, headBefore, "run \(number): nothing stored")
                assertSameTables(try store.tableContents(), tablesBefore, "run \(number): nothing folded")
            } else {
                XCTAssertEqual(outcome, .published, "run \(number)")
                XCTAssertEqual(try log.head(of: key.feed)?.sequence, headBefore + UInt64(run.payloads.count), "run \(number)")
                XCTAssertEqual(try log.head(of: key.feed)?.id, prepared.entries.last?.entry.id)
                assertSameTables(try store.tableContents(), try rebuiltTables(log), "run \(number): as a rebuild of the log")
                XCTAssertEqual(try store.update(from: log), GraphChanges(), "run \(number): nothing left to fold")
            }
        }
        XCTAssertEqual(try store.publish(try log.prepareAppend([Array(#"{"note":"hi"}"#.utf8)], key: net.key("farm")), log: log),
                       .notAllValueFlows)
    }

    func testEntriesSignedBeforeTheFeedMovedOnAreNotStored() throws {
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let key = SigningKey()
        try log.append(Array(#"{"@type":"Person","name":"Ada"}"#.utf8), key: key)
        try store.update(from: log)
        let prepared = try log.prepareAppend([Array(#"{"@type":"Process","name":"baking"}"#.utf8)], key: key)
        let other = try log.append(Array(#"{"@type":"Process","name":"milling"}"#.utf8), key: key)
        XCTAssertThrowsError(try store.publish(prepared, log: log)) { error in
            guard case AppendError.headMoved = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try log.head(of: key.feed)?.id, other.entry.id)
        XCTAssertThrowsError(try log.commit(prepared)) { error in
            guard case AppendError.headMoved = error else { return XCTFail("\(error)") }
        }
        assertSameTables(try store.tableContents(), try rebuiltTables(log))
    }

    /// A publish settles the numbers of ids (v19) before the log commits: a settling that
    /// fails stores nothing, so a retry does not publish the same events twice.
    func testAPublishWhoseSettlingFailsStoresNothing() throws {
        let (net, log, store) = try richNode()
        // A settled id numbered again as recent, which no writer does: the next settling fails.
        let settled = try XCTUnwrap(try store.read { db in try Data.fetchOne(db, sql: "SELECT id FROM itemKey LIMIT 1") })
        try store.readPool.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE itemKey SET settled = 1")
            try db.execute(sql: "INSERT INTO itemKey (n, id, settled) VALUES (1000000, ?, 0)", arguments: [settled])
        }
        store.recentNumbersMost = 0
        let key = net.key("farm")
        let headBefore = try log.head(of: key.feed)?.sequence ?? 0
        let payload = Array(#"{"@type":"EconomicEvent","action":"produce","provider":"\#(net.id("farm"))","receiver":"\#(net.id("farm"))","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"newInventoriedResource":{"name":"c"}}"#.utf8)
        XCTAssertThrowsError(try store.publish(try log.prepareAppend([payload], key: key), log: log)) { error in
            XCTAssertTrue("\(error)".contains("numbered twice"), "\(error)")
        }
        XCTAssertEqual(try log.head(of: key.feed)?.sequence ?? 0, headBefore, "nothing stored in the log")
    }
}
