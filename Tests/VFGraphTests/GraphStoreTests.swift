import Foundation
import GRDB
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// The graph store's tables after entries arrive in batches, in any causal order, equal the
/// tables a rebuild computes from the log alone.
final class GraphStoreTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-graphstore-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Farm and mill feeds, written in a source log the way each author would.
    private func supplyChain() throws -> (farm: [SignedEntry], mill: [SignedEntry]) {
        let source = try LogStore(path: directory + "/source.sqlite")
        let farm = SigningKey(), mill = SigningKey()
        func post(_ key: SigningKey, _ json: JSONValue) throws -> EntryID { try source.append(json.serialized, key: key).entry.id }
        func event(_ key: SigningKey, _ action: String, receiver: SigningKey? = nil, _ fields: [JSONName: JSONValue]) throws -> EntryID {
            var json: [JSONName: JSONValue] = ["@type": "EconomicEvent", "action": .string(action), "provider": .string(key.feed.description),
                                             "receiver": .string((receiver ?? key).feed.description)]
            json.merge(fields) { _, new in new }
            return try post(key, .object(json))
        }
        let wheatSpec = try post(farm, ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let growing = try post(farm, ["@type": "Process", "name": "growing"])
        let produceWheat = try event(farm, "produce", ["resourceQuantity": qty("1000", "kg"), "outputOf": ref(growing),
                                                       "newInventoriedResource": ["name": "wheat", "conformsTo": ref(wheatSpec)]])
        let wheat = ResourceID(createdBy: produceWheat)
        let sell = try event(farm, "transfer", receiver: mill, ["resourceQuantity": qty("400", "kg"), "resourceInventoriedAs": ref(wheat),
                                                                "newInventoriedResource": ["name": "mill wheat"]])
        let millWheat = ResourceID(createdBy: sell)
        let milling = try post(mill, ["@type": "Process", "name": "milling"])
        try _ = event(mill, "consume", ["resourceQuantity": qty("400", "kg"), "resourceInventoriedAs": ref(millWheat), "inputOf": ref(milling)])
        try _ = event(mill, "work", ["effortQuantity": qty("6", "hour"), "inputOf": ref(milling)])
        try _ = event(mill, "produce", ["resourceQuantity": qty("300.5", "kg"), "outputOf": ref(milling), "newInventoriedResource": ["name": "flour"]])
        try _ = post(mill, ["@type": "vf:Contact", "name": "not the graph's business"])
        try _ = post(mill, ["@type": "EconomicEvent", "action": "teleport"])
        try _ = event(farm, "raise", ["resourceQuantity": qty("3", "each"), "newInventoriedResource": ["name": "crates"]])
        try _ = event(farm, "consume", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(wheat)])
        return (try source.entries(author: farm.feed), try source.entries(author: mill.feed))
    }

    /// A new store has exactly the indexes of the current schema (`GraphSchema.indexes`), and a
    /// rebuild, which drops and makes them, leaves the same: an index added to the list without
    /// a migration that makes it, or made by a migration and not listed, fails here.
    func testANewStoreHasExactlyTheIndexesOfTheCurrentSchema() throws {
        let path = directory + "/graph.sqlite"
        let store = try GraphStore(path: path)
        func made() throws -> [String: String] {
            let rows = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name NOT LIKE 'grdb%'")
            }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as String, $0["sql"] as String) })
        }
        let listed = Dictionary(uniqueKeysWithValues: (GraphSchema.indexes + GraphSchema.keptIndexes).map { ($0.name, $0.on) })
        XCTAssertEqual(listed.count, 14)
        let fresh = try made()
        try store.rebuild(from: LogStore(path: directory + "/log.sqlite"))
        for indexes in [fresh, try made()] {
            XCTAssertEqual(Set(indexes.keys), Set(listed.keys))
            for (name, sql) in indexes { XCTAssertTrue(sql.hasSuffix(" ON " + (listed[name] ?? "?")), "\(name): \(sql)") }
        }
    }

    func testIncrementalUpdatesEqualRebuild() throws {
        let (farm, mill) = try supplyChain()
        let log = try LogStore(path: directory + "/log.sqlite")
        let incremental = try GraphStore(path: directory + "/graph.sqlite")
        // The mill's events arrive before the farm's they depend on, then both feeds grow.
        let batches = [Array(mill[0..<2]), Array(farm[0..<1]), Array(mill[2...]), Array(farm[1..<4]), Array(farm[4...])]
        for (index, batch) in batches.enumerated() {
            XCTAssertEqual(try log.ingest(batch).stored.count, batch.count)
            let changes = try incremental.update(from: log)
            XCTAssertFalse(changes.isEmpty, "batch \(index)")
            XCTAssertFalse(changes.cursors.isEmpty, "batch \(index)")
            let derivations = incremental.derivations
            let again = try incremental.update(from: log)
            XCTAssertTrue(again.isEmpty && again.cursors.isEmpty, "nothing changed after batch \(index)")
            XCTAssertEqual(incremental.derivations, derivations, "nothing new, nothing derived")
            // A fresh process reading the same home (as each command line run does) agrees.
            let reopened = try GraphStore(path: directory + "/graph.sqlite")
            let nothing = try reopened.update(from: log)
            XCTAssertTrue(nothing.isEmpty && nothing.cursors.isEmpty)
            XCTAssertEqual(reopened.derivations, 0)
            let fromScratch = try GraphStore(path: directory + "/scratch-\(index).sqlite")
            try fromScratch.rebuild(from: log)
            assertSameTables(try incremental.tableContents(), try fromScratch.tableContents(), "after batch \(index)")
        }

        let tables = try incremental.tableContents()
        XCTAssertEqual(tables["resource"]?.count, 4)  // wheat, mill wheat, flour, crates
        XCTAssertEqual(tables["process"]?.count, 2)
        XCTAssertEqual(tables["rejected"]?.count, 1)  // the teleport
        XCTAssertEqual(tables["cursor"]?.map { $0[1] }.sorted(), ["6", "6"])
        let graph = try incremental.graph(from: log)
        XCTAssertTrue(graph.events.values.allSatisfy { $0.status == .applied }, "\(graph.events.values.map(\.status))")
        XCTAssertTrue(graph.resources.values.contains { $0.name == "flour" && $0.onhandQuantity.description == "300.5" })
        XCTAssertTrue(tables["resource"]!.contains { $0.contains("flour") && $0.contains("300.5") })
        XCTAssertEqual(try GraphStore(path: directory + "/graph.sqlite").graph(from: log), graph, "read back from the tables")
        XCTAssertEqual(try incremental.resources(), graph.resources.keys.sorted().map { graph.resources[$0]! })
    }

    /// The tables keep no copy of payloads: a fresh store reads them from the log. When the log
    /// has dropped one, the tables describe a graph the log cannot give any more, so the store
    /// derives from what the log holds and rewrites the rows, as a rebuild would.
    func testDroppedPayloadMakesTheStoreDeriveAgain() throws {
        let (farm, mill) = try supplyChain()
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(farm + mill)
        try GraphStore(path: directory + "/graph.sqlite").update(from: log)
        let before = try GraphStore(path: directory + "/graph.sqlite")
        XCTAssertFalse(try before.graph(from: log).events.isEmpty)
        XCTAssertEqual(before.derivations, 0, "current tables are read, not derived")

        let consume = farm.last!.entry.id
        XCTAssertNotNil(try before.graph(from: log).events[consume])
        XCTAssertTrue(try log.dropPayload(of: consume))
        let after = try GraphStore(path: directory + "/graph.sqlite")
        let graph = try after.graph(from: log)
        XCTAssertEqual(after.derivations, 1)
        XCTAssertNil(graph.events[consume], "an event whose payload is gone is not in the graph")
        let rebuilt = try GraphStore(path: directory + "/rebuilt.sqlite")
        try rebuilt.rebuild(from: log)
        XCTAssertEqual(graph, try rebuilt.graph(from: log))
        assertSameTables(try after.tableContents(), try rebuilt.tableContents(), "")
    }

    func testEventWaitingForAnotherFeedIsPendingUntilItArrives() throws {
        let (farm, mill) = try supplyChain()
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(mill)
        try store.update(from: log)
        // Read back by another store, from the tables alone.
        let pending = try GraphStore(path: directory + "/graph.sqlite").graph(from: log).events.values
            .filter { if case .pending = $0.status { true } else { false } }
        XCTAssertEqual(pending.count, 1, "the consume waits for the farm's transfer")
        _ = try log.ingest(farm)
        let waiting = try XCTUnwrap(pending.first)
        let changes = try store.update(from: log)
        XCTAssertTrue(changes.events.contains(waiting.id), "the waiting event is reported as changed")
        let reread = try GraphStore(path: directory + "/graph.sqlite")
        XCTAssertTrue(try reread.graph(from: log).events.values.allSatisfy { $0.status == .applied })
        XCTAssertEqual(reread.derivations, 0)
    }
}
