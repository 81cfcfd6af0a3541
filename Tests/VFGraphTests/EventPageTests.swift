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

    /// A stock raised 1,200 times by its owner and, half-way, lowered 600 times by a stranger (which do not apply),
    /// and a process with 1,200 inputs (most of them a stranger's work) and exactly 100 outputs.
    private func busyNetwork() throws -> (net: SignedNetwork, stock: ResourceID, process: EntryID) {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let stock = try net.raise("farm", "1", "kg", name: "stock")
        let process = try net.post("farm", ["@type": "Process", "name": "threshing"])
        for n in 0..<1200 {
            try net.event("raise", provider: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(stock)])
            // Anyone may name the farm's stock; the bakery may not take from it (§16, "Authority").
            // 600 of those at once, in the middle of the stock's history.
            if n == 599 {
                for _ in 0..<600 { try net.event("lower", provider: "bakery", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(stock)]) }
            }
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
        XCTAssertEqual(graph.events.values.filter { $0.fromResource == stock && !$0.status.isApplied }.count, 600)
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
            let page = try GraphReader.eventPage(db, naming: stock.hash, in: ["fromResource", "toResource", "container"],
                                                 after: middle, limit: 10)
            XCTAssertEqual(page.rows.count, 10)
            let ofProcess = try GraphReader.eventPage(db, naming: process.hash, in: ["inputOf", "outputOf"], after: middleOfProcess, limit: 10)
            XCTAssertEqual(ofProcess.rows.count, 10)
            // The query of v13 and before: every event naming the stock, then sorted (with the
            // stock's number, v16, for its id, and the rows by number: v18 has no index of ids).
            let stockNumber = GraphSchema.itemNumber("?1")
            let everything = try EventRowRead.counting(db, where: """
                status = 0 AND ord > ?2 AND n IN (SELECT n FROM event WHERE fromResource = \(stockNumber) UNION SELECT n FROM event WHERE toResource = \(stockNumber)
                                                  UNION SELECT n FROM event WHERE container = \(stockNumber))
                ORDER BY ord LIMIT ?3
                """) {
                $0.bind(1, stock)
                $0.bind(2, blob: middle.bytes)
                $0.bind(3, Int64(10))
            }
            XCTAssertEqual(everything.rows.map(\.id), page.rows.map(\.id))
            // Reading an event costs the query some ten steps or more, and returning a row as many
            // as it has columns, and a look-up for each of its six numbered columns (v16) that
            // holds a number (about 25,700 and 1,040 here).
            XCTAssertGreaterThan(everything.steps, 10 * 1801, "the measure sees the old query read all 1,801 events naming the stock")
            XCTAssertLessThan(page.steps, 1500, "a page of 10 of 1,201 applied events, after the 600 that did not apply")
            XCTAssertLessThan(ofProcess.steps, 1500, "a page of 10 of 1,300 events")
        }
    }

    func testACombineNamingItsContainerTwiceIsListedOnceAndAnImplicitOneByItsContainer() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let crate = try net.raise("farm", "1", "each", name: "crate")
        let packing = try net.post("farm", ["@type": "Process", "name": "packing"])
        var parts: [ResourceID] = []
        for n in 0 ..< 5 { parts.append(try net.raise("farm", "2", "each", name: "part \(n)")) }
        // Explicit: the crate is both its toResourceInventoriedAs and its container.
        for part in parts.prefix(3) {
            try net.event("combine", provider: "farm", ["resourceQuantity": qty("2", "each"), "resourceInventoriedAs": ref(part),
                                                       "toResourceInventoriedAs": ref(crate)])
        }
        // Implicit: the box is the container the process's output gives, named by no column but that.
        for part in parts.suffix(2) {
            try net.event("combine", provider: "farm", ["resourceQuantity": qty("2", "each"), "resourceInventoriedAs": ref(part), "inputOf": ref(packing)])
        }
        let boxed = try net.event("produce", provider: "farm", ["resourceQuantity": qty("1", "each"), "outputOf": ref(packing),
                                                               "newInventoriedResource": ["name": "box"]])
        let box = ResourceID(createdBy: boxed)
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        let graph = try store.graph(from: net.source)
        for resource in [crate, box] {
            let naming = graph.appliedOrder.compactMap { graph.events[$0] }
                .filter { $0.fromResource == resource || $0.toResource == resource || $0.container == resource }
            for limit in [1, 2, 100] {
                XCTAssertEqual(try eventsInPages { try reader.events(touching: resource, after: $0, limit: limit) }, naming, "pages of \(limit)")
            }
        }
        XCTAssertEqual(try reader.events(touching: crate).count, 4, "the crate's raise and three combines, each once")
        XCTAssertEqual(Set(try reader.events(touching: box).map(\.payload.action)), [.combine, .produce])
        XCTAssertEqual(try reader.events(touching: box).count, 3, "the box's produce and the two combines into it")
    }

    func testSchemaV14ReplacesTheIndexesWithoutDerivingAgain() throws {
        let (net, stock, _) = try busyNetwork()
        let path = directory + "/graph.sqlite"
        var store: GraphStore? = try GraphStore(path: path)
        try store!.update(from: net.source)
        let before = try store!.reader(log: net.source).events(touching: stock, limit: 5)
        store = nil
        // As a store of v13 left them: two indexes by (…, ord), three by the id alone, and v14 not applied.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP INDEX eventByFromResource; DROP INDEX eventByToResource;
                DROP INDEX eventByContainer; DROP INDEX eventByInputOf; DROP INDEX eventByOutputOf;
                CREATE INDEX eventByFromResource ON event (fromResource, ord) WHERE fromResource IS NOT NULL;
                CREATE INDEX eventByToResource ON event (toResource, ord) WHERE toResource IS NOT NULL;
                CREATE INDEX eventByContainer ON event (container) WHERE container IS NOT NULL;
                CREATE INDEX eventByInputOf ON event (inputOf) WHERE inputOf IS NOT NULL;
                CREATE INDEX eventByOutputOf ON event (outputOf) WHERE outputOf IS NOT NULL;
                DELETE FROM grdb_migrations WHERE identifier LIKE 'v14%';
                """)
        }
        try queue.close()
        store = try GraphStore(path: path)
        let columns = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: """
                SELECT sql FROM sqlite_master WHERE name IN ('eventByFromResource', 'eventByToResource', 'eventByContainer', 'eventByInputOf',
                                                             'eventByOutputOf') ORDER BY name
                """)
        }
        XCTAssertEqual(columns.count, 5)
        for sql in columns { XCTAssertTrue(sql.contains(", status, ord)"), sql) }
        XCTAssertEqual(try store!.reader(log: net.source).events(touching: stock, limit: 5), before)
        XCTAssertEqual(try store!.storedCursors()[net.key("farm").feed], try net.source.head(of: net.key("farm").feed)?.sequence,
                       "nothing derived again: the cursors stayed")
    }

    /// An item and a page of its events read within `consistently` describe one state of the
    /// tables, though an update commits between the two reads; outside it, each read sees the
    /// latest.
    func testAnItemAndItsPageReadConsistentlyAgreeWhileAnUpdateCommits() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let stock = try net.raise("farm", "1", "kg", name: "stock")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        let (resource, page, nested) = try reader.consistently { reader in
            let resource = try XCTUnwrap(try reader.resource(stock))
            // Another writer (another process: its own store on the file) raises the stock, and
            // the tables take it, between the two reads.
            try net.event("raise", provider: "farm", ["resourceQuantity": qty("2", "kg"), "resourceInventoriedAs": ref(stock)])
            try GraphStore(path: directory + "/graph.sqlite").update(from: net.source)
            let page = try reader.events(touching: stock, limit: 100)
            let nested = try reader.consistently { try $0.resource(stock) }
            return (resource, page, nested)
        }
        XCTAssertEqual(resource.accountingQuantity.description, "1")
        XCTAssertEqual(page.count, 1, "the page as the tables stood when the item was read")
        XCTAssertEqual(nested, resource, "consistently within consistently keeps the same transaction")
        XCTAssertEqual(try reader.resource(stock)?.accountingQuantity.description, "3")
        XCTAssertEqual(try reader.events(touching: stock, limit: 100).count, 2)
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
