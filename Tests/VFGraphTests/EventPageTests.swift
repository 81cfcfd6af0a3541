import Foundation
import GRDB
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A page of a resource's or a process's events reads what it returns, by index in causal
/// order, however many events name it (graph schema v14); and a process in a listing carries
/// its first 100 inputs and outputs, saying whether more follow, since anyone may record
/// events into a process.
final class EventPageTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-event-pages").path }

    /// A stock raised 1,200 times, and a process with 1,200 inputs (most of them a stranger's
    /// work) and exactly 100 outputs.
    private func busyNetwork() throws -> (net: SignedNetwork, stock: ResourceID, process: EntryID) {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let stock = try net.raise("farm", "1", "kg", name: "stock")
        let process = try net.post("farm", ["@type": "Process", "name": "threshing"])
        for n in 0..<1200 {
            try net.event("raise", provider: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(stock)])
            try net.event("work", provider: n % 4 == 0 ? "farm" : "bakery", ["effortQuantity": qty("1", "hour"), "inputOf": ref(process)])
            if n < 100 {
                try net.event("produce", provider: "farm", ["resourceQuantity": qty("1", "kg"), "outputOf": ref(process),
                                                           "newInventoriedResource": ["name": .string("sack \(n)")]])
            }
        }
        return (net, stock, process)
    }

    func testPagesOfAResourceAndOfAProcessGoThroughEveryEventOnceInCausalOrder() throws {
        let (net, stock, process) = try busyNetwork()
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        let graph = try store.graph(from: net.source)

        let ofStock = graph.appliedOrder.compactMap { graph.events[$0] }.filter { $0.fromResource == stock || $0.toResource == stock }
        XCTAssertEqual(ofStock.count, 1201)
        let ofProcess = graph.appliedOrder.compactMap { graph.events[$0] }.filter { $0.payload.inputOf == process || $0.payload.outputOf == process }
        XCTAssertEqual(ofProcess.count, 1300)
        for limit in [1, 7, 100, 1000] {
            XCTAssertEqual(try eventsInPages { try reader.events(touching: stock, after: $0, limit: limit) }, ofStock,
                           "the stock's events in pages of \(limit)")
            XCTAssertEqual(try eventsInPages { try reader.events(of: process, after: $0, limit: limit) }, ofProcess,
                           "the process's inputs and outputs in pages of \(limit)")
        }

        // The listing's process: the first hundred of each, and whether more follow.
        let flows = try XCTUnwrap(try reader.processFlows(process))
        XCTAssertEqual(flows.inputs, Array(graph.events(inputOf: process).map(\.id).prefix(100)))
        XCTAssertEqual(flows.outputs, graph.events(outputOf: process).map(\.id), "exactly 100 outputs: all of them")
        XCTAssertTrue(flows.moreInputs)
        XCTAssertFalse(flows.moreOutputs, "100 outputs are not more than 100")
        XCTAssertEqual(try reader.processFlows(after: nil, limit: 10), [flows])
        XCTAssertNil(try reader.processFlows(EntryID(hash: .zero)))
    }

    func testAPageReadsWhatItReturnsNotEveryEventNamingTheItem() throws {
        let (net, stock, process) = try busyNetwork()
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let middle = try XCTUnwrap(try store.reader(log: net.source).events(touching: stock, limit: 600).last?.order)
        let middleOfProcess = try XCTUnwrap(try store.reader(log: net.source).events(of: process, after: nil, limit: 600).last?.order)
        try DatabaseQueue(path: directory + "/graph.sqlite").read { db in
            let page = try GraphReader.eventPage(db, naming: stock.hash, in: ["fromResource", "toResource", "container"], after: middle, limit: 10)
            XCTAssertEqual(page.rows.count, 10)
            let ofProcess = try GraphReader.eventPage(db, naming: process.hash, in: ["inputOf", "outputOf"], after: middleOfProcess, limit: 10)
            XCTAssertEqual(ofProcess.rows.count, 10)
            // The query of v13 and before: every event naming the stock, then sorted.
            let everything = try EventRowRead.counting(db, where: """
                status = 0 AND ord > ?2 AND id IN (SELECT id FROM event WHERE fromResource = ?1 UNION SELECT id FROM event WHERE toResource = ?1
                                                   UNION SELECT id FROM event WHERE container = ?1)
                ORDER BY ord LIMIT ?3
                """) {
                $0.bind(1, stock)
                $0.bind(2, blob: middle.bytes)
                $0.bind(3, Int64(10))
            }
            XCTAssertEqual(everything.rows.map(\.id), page.rows.map(\.id))
            // Reading an event costs the query some ten steps or more, and returning a row as many
            // as it has columns (about 25,700 and 600 here).
            XCTAssertGreaterThan(everything.steps, 10 * 1201, "the measure sees the old query read all 1,201 events")
            XCTAssertLessThan(page.steps, 1000, "a page of 10 of 1,201 events")
            XCTAssertLessThan(ofProcess.steps, 1000, "a page of 10 of 1,300 events")
        }
    }

    func testSchemaV14ReplacesTheIndexesWithoutDerivingAgain() throws {
        let (net, stock, _) = try busyNetwork()
        let path = directory + "/graph.sqlite"
        var store: GraphStore? = try GraphStore(path: path)
        try store!.update(from: net.source)
        let before = try store!.reader(log: net.source).events(touching: stock, limit: 5)
        store = nil
        // As a store of v13 left them: the three indexes on the id alone, and v14 not applied.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP INDEX eventByContainer; DROP INDEX eventByInputOf; DROP INDEX eventByOutputOf;
                CREATE INDEX eventByContainer ON event (container) WHERE container IS NOT NULL;
                CREATE INDEX eventByInputOf ON event (inputOf) WHERE inputOf IS NOT NULL;
                CREATE INDEX eventByOutputOf ON event (outputOf) WHERE outputOf IS NOT NULL;
                DELETE FROM grdb_migrations WHERE identifier LIKE 'v14%';
                """)
        }
        try queue.close()
        store = try GraphStore(path: path)
        let columns = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('eventByContainer', 'eventByInputOf', 'eventByOutputOf') ORDER BY name")
        }
        XCTAssertEqual(columns.count, 3)
        for sql in columns { XCTAssertTrue(sql.contains(", ord)"), sql) }
        XCTAssertEqual(try store!.reader(log: net.source).events(touching: stock, limit: 5), before)
        XCTAssertEqual(try store!.storedCursors()[net.key("farm").feed], try net.source.head(of: net.key("farm").feed)?.sequence,
                       "nothing derived again: the cursors stayed")
    }
}

/// Every page `read` gives from the start, each after the last event of the page before, until
/// one is empty.
func eventsInPages(_ read: (EventOrder?) throws -> [GraphEvent]) throws -> [GraphEvent] {
    var events: [GraphEvent] = [], after: EventOrder?
    while true {
        let page = try read(after)
        events += page
        guard let last = page.last?.order else { return events }
        after = last
    }
}
