import Foundation
import GRDB
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Resources and processes are keyed by this node's numbers (graph schema v16, `itemKey`):
/// a rebuild keeps the numbers, so the listings keep their order, and drops those nothing names.
final class ItemNumberTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-numbers").path }

    private func listings(_ store: GraphStore, _ log: LogStore) throws -> (resources: [ResourceID], processes: [EntryID]) {
        let reader = store.reader(log: log)
        return (try reader.resources(after: nil, limit: 10_000).map(\.id), try reader.processes(after: nil, limit: 10_000).map(\.id))
    }

    private func numbered(_ store: GraphStore) throws -> Set<Hash32> {
        try store.read { db in Set(try Data.fetchAll(db, sql: "SELECT id FROM itemKey").map { Hash32(bytes: [UInt8]($0))! }) }
    }

    func testARebuildKeepsTheOrderOfTheListingsAndDropsTheNumbersNothingNames() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let stranger = try net.raise("stranger", "3", "each", name: "stranger's crates")
        try net.event("consume", provider: "stranger", ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(stranger)])
        // Events the farm keeps that name what no one holds (pending): their numbers, in each
        // numbered column, stay however often the tables are rebuilt.
        func missing(_ byte: UInt8) -> EntryID { EntryID(hash: Hash32(bytes: [UInt8](repeating: byte, count: 32))!) }
        try net.event("move", provider: "farm", ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(ResourceID(createdBy: missing(1))),
                                                 "toResourceInventoriedAs": ref(ResourceID(createdBy: missing(2)))])
        try net.event("consume", provider: "farm", ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(ResourceID(createdBy: missing(3))),
                                                    "inputOf": ref(missing(4))])
        try net.event("produce", provider: "farm", ["resourceQuantity": qty("1", "each"), "outputOf": ref(missing(5)),
                                                    "newInventoriedResource": ["name": "from nowhere"]])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        // Entries arrive in random batches, so the numbers follow arrival, not ids.
        var rng = SplitMix64(seed: 5)
        for batch in shuffledBatches(try net.feeds(), maximum: 5, using: &rng) {
            _ = try log.ingest(batch)
            try store.update(from: log)
        }
        let arrived = try listings(store, log)
        XCTAssertGreaterThan(arrived.resources.count, 5)
        XCTAssertGreaterThan(arrived.processes.count, 1)
        let fresh = try GraphStore(path: directory + "/fresh.sqlite")
        _ = try fresh.rebuild(from: log)
        XCTAssertNotEqual(try listings(fresh, log).resources, arrived.resources, "this test needs an order other than a fresh rebuild's")

        // A rebuild, in memory or in steps, lists them in the same order.
        _ = try store.rebuild(from: log, mode: .inMemory)
        XCTAssertEqual(try listings(store, log).resources, arrived.resources)
        XCTAssertEqual(try listings(store, log).processes, arrived.processes)
        _ = try store.rebuild(from: log, mode: .inSteps)
        XCTAssertEqual(try listings(store, log).resources, arrived.resources)
        XCTAssertEqual(try listings(store, log).processes, arrived.processes)
        try assertMatchesRebuild(store, log, "after rebuilding twice")

        // The same store rebuilt from a log without the stranger's feed (as after `vf block
        // --purge`): the stranger's resource loses its number; the rest keep their order.
        let before = try numbered(store)
        XCTAssertTrue(before.contains(stranger.hash))
        let kept = try LogStore(path: directory + "/kept.sqlite")
        let strangerFeed = net.key("stranger").feed
        _ = try kept.ingest(try net.feeds().filter { $0.first?.entry.author != strangerFeed }.flatMap { $0 })
        // In memory, the numbers given before are read whole, or looked up one by one when
        // there are many more of them than the log names (here, with no slack, always).
        for (mode, slack) in [(GraphStore.RebuildMode.inMemory, Int64(1024)), (.inMemory, -1_000_000), (.inSteps, 1024)] {
            // The stranger's feed back first, so that each rebuild has a number to drop.
            store.numbersSlack = 1024
            _ = try store.rebuild(from: log, mode: .inMemory)
            XCTAssertTrue(try numbered(store).contains(stranger.hash))
            store.numbersSlack = slack
            _ = try store.rebuild(from: kept, mode: mode)
            let after = try numbered(store)
            XCTAssertFalse(after.contains(stranger.hash), "\(mode)")
            XCTAssertEqual(after, before.subtracting([stranger.hash]), "\(mode): only what nothing names any more is dropped")
            XCTAssertEqual(try listings(store, kept).resources, arrived.resources.filter { $0 != stranger }, "\(mode)")
            XCTAssertEqual(try listings(store, kept).processes, arrived.processes, "\(mode)")
            try assertMatchesRebuild(store, kept, "\(mode)")
        }
        // After the purge, the stranger's feed once more: its resource is new here, numbered
        // after all the others, whichever way the numbers given before are read.
        for slack in [Int64(1024), -1_000_000] {
            _ = try store.rebuild(from: kept)
            store.numbersSlack = slack
            _ = try store.rebuild(from: log, mode: .inMemory)
            XCTAssertEqual(try listings(store, log).resources, arrived.resources.filter { $0 != stranger } + [stranger], "slack \(slack)")
        }
    }

    /// Events are numbered as they are first written (graph schema v17), and an event whose row
    /// is written again (pending until another feed's entry arrives, then applied) is updated
    /// where it stands: it keeps its number, and no row is deleted and written again under a
    /// new one.
    func testAnEventKeepsItsNumberWhenItsRowIsWrittenAgain() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let made = try net.event("produce", provider: "mill", ["resourceQuantity": qty("5", "kg"),
                                                               "newInventoriedResource": ["name": "flour", "conformsTo": ref(spec)]])
        try net.event("produce", provider: "mill", ["resourceQuantity": qty("1", "kg"), "newInventoriedResource": ["name": "bran"]])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        func arrive(_ name: String) throws {
            _ = try log.ingest(try net.source.entries(author: net.key(name).feed))
            try store.update(from: log)
        }
        func row(_ id: EntryID) throws -> (n: Int64, status: Int64)? {
            try store.read { db in
                try Row.fetchOne(db, sql: "SELECT n, status FROM event WHERE id = ?", arguments: [Data(id.bytes)]).map { ($0[0], $0[1]) }
            }
        }
        try arrive("mill")
        let before = try XCTUnwrap(try row(made))
        XCTAssertEqual(before.status, 1, "pending: its specification has not arrived")
        try arrive("farm")
        let after = try XCTUnwrap(try row(made))
        XCTAssertEqual(after.status, 0, "applied once the specification arrived")
        XCTAssertEqual(after.n, before.n)
        let numbers = try store.read { db in try Row.fetchOne(db, sql: "SELECT count(*), max(n) FROM event")! }
        XCTAssertEqual(numbers[0] as Int, 2)
        XCTAssertEqual(numbers[1] as Int, 2, "each event numbered once")
        try assertMatchesRebuild(store, log, "after the specification arrived")
    }

    /// A graph file of v15, with rows, is migrated to v16: its tables are remade and derived
    /// again, as a rebuild would.
    func testAPopulatedV15StoreIsDerivedAgainByV16() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let path = directory + "/graph.sqlite"
        let queue = try DatabaseQueue(path: path)
        try GraphSchema.migrator.migrate(queue, upTo: "v15: the links to an entry by relation in source order, and a feed's links by relation")
        try queue.write { db in
            // v15's shapes: ids where v16 has numbers.
            try db.execute(sql: "INSERT INTO resource (id, accountingQuantity, onhandQuantity, createdBy) VALUES (?, '1', '1', ?)",
                           arguments: [Data(repeating: 1, count: 32), Data(repeating: 2, count: 32)])
            try db.execute(sql: "INSERT INTO process (id) VALUES (?)", arguments: [Data(repeating: 3, count: 32)])
            try db.execute(sql: "INSERT INTO cursor (feed, sequence) VALUES (?, 1)", arguments: [Data(repeating: 4, count: 32)])
        }
        let store = try GraphStore(path: path)
        XCTAssertEqual(try store.cursors(), [:], "v16 derives everything again")
        try store.update(from: net.source)
        try assertMatchesRebuild(store, net.source, "migrated")
    }
}
