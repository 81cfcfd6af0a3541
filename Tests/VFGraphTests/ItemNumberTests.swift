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
        try writeOldGraphFile(path, upTo: "v15: the links to an entry by relation in source order, and a feed's links by relation") { db in
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

    /// The numbers of ids are found through a small index of the recent ones and a large one of
    /// the settled (v19): each lookup asks both by index, never scanning.
    func testAnIdsNumberIsLookedUpByBothIndexesOfIds() throws {
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT \(GraphSchema.itemNumber("?1"))", arguments: [Data(repeating: 1, count: 32)])
                .map { $0["detail"] as String }.joined(separator: "; ")
        }
        XCTAssertTrue(plan.contains("USING COVERING INDEX itemKeyRecent"), plan)
        XCTAssertTrue(plan.contains("USING COVERING INDEX itemKeySettled"), plan)
        XCTAssertFalse(plan.contains("SCAN itemKey"), plan)
    }

    /// Recent ids are settled once there are more than the most allowed, by an update or a
    /// rebuild, all at once (or by making both indexes again, when they are many): every
    /// number stays, and every id is found.
    func testRecentIdsAreSettledWithoutChangingAnyNumber() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        func numbers() throws -> [Int64: Data] {
            try store.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT n, id FROM itemKey").map { ($0[0] as Int64, $0[1] as Data) })
            }
        }
        func recent() throws -> Int { try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = 0")! } }
        func everyIdFound() throws {
            for (n, id) in try numbers() {
                XCTAssertEqual(try store.read { db in try GraphTableReader.itemNumber(db, Hash32(bytes: [UInt8](id))!) }, n)
            }
        }
        // Updates, a few entries each, with at most three recent ids.
        store.recentNumbersMost = 3
        var rng = SplitMix64(seed: 7)
        var settlings = 0
        for batch in shuffledBatches(try net.feeds(), maximum: 3, using: &rng) {
            _ = try log.ingest(batch)
            let before = try numbers()
            let recentBefore = try recent()
            try store.update(from: log)
            let after = try numbers()
            XCTAssertTrue(before.allSatisfy { after[$0.key] == $0.value }, "no number changes")
            XCTAssertLessThanOrEqual(try recent(), 3)
            if try recent() < recentBefore + after.count - before.count { settlings += 1 }
            try everyIdFound()
        }
        XCTAssertGreaterThan(settlings, 1, "this test needs updates that settle")
        try assertMatchesRebuild(store, log, "after settling")

        // A rebuild of a fresh file numbers everything at once: more recent ids than settled
        // ones, so both indexes are made again.
        let fresh = try GraphStore(path: directory + "/fresh.sqlite")
        fresh.recentNumbersMost = 3
        _ = try fresh.rebuild(from: log, mode: .inMemory)
        XCTAssertEqual(try fresh.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = 0") }, 0)
        XCTAssertEqual(try fresh.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'itemKey%' AND type = 'index' ORDER BY name") },
                       ["itemKeyRecent", "itemKeySettled"])
        for (n, id) in try numbers() where try fresh.read({ db in try GraphTableReader.itemNumber(db, Hash32(bytes: [UInt8](id))!) }) == nil {
            XCTFail("id numbered \(n) in the first store not found in the fresh one")
        }
        try assertMatchesRebuild(fresh, log, "a fresh rebuild settled")
    }

    /// A graph file of v18, with numbers, is migrated to v19: the numbers stay, settled, and
    /// nothing is derived again.
    func testV19KeepsTheNumbersAndDerivesNothingAgain() throws {
        let path = directory + "/graph.sqlite"
        try writeOldGraphFile(path, upTo: "v18: events keyed by their place in their feeds, found by id through the log, and re-derive") { db in
            for n in 1 ... 5 { try db.execute(sql: "INSERT INTO itemKey (n, id) VALUES (?, ?)", arguments: [n * 10, Data(repeating: UInt8(n), count: 32)]) }
            try db.execute(sql: "INSERT INTO cursor (feed, sequence) VALUES (?, 1)", arguments: [Data(repeating: 4, count: 32)])
        }
        let store = try GraphStore(path: path)
        XCTAssertEqual(try store.cursors().count, 1, "v19 derives nothing again")
        let rows = try store.read { db in try Row.fetchAll(db, sql: "SELECT n, id, settled FROM itemKey ORDER BY n").map { [$0[0] as Int64, Int64(($0[1] as Data)[0]), $0[2] as Int64] } }
        XCTAssertEqual(rows, (1 ... 5).map { [Int64($0 * 10), Int64($0), 1] })
        for n in 1 ... 5 {
            XCTAssertEqual(try store.read { db in try GraphTableReader.itemNumber(db, Hash32(bytes: [UInt8](repeating: UInt8(n), count: 32))!) }, Int64(n * 10))
        }
    }

    /// Settling in place takes the recent ids in id order from their index; with more recent
    /// ids than a quarter of the settled, both indexes are made again. Either way every number
    /// stays, no id is left recent, and each is found.
    func testSettlingInPlaceAndByRemakingTheIndexes() throws {
        let store = try GraphStore(path: directory + "/graph.sqlite")
        func id(_ i: Int) -> Hash32 { Hash32(bytes: (0 ..< 32).map { UInt8(truncatingIfNeeded: i &* 37 &+ $0 &* 11) })! }
        try store.writeAndRollBack { db in
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT n FROM itemKey WHERE settled = 0 ORDER BY id").map { $0["detail"] as String }
            XCTAssertEqual(plan, ["SCAN itemKey USING COVERING INDEX itemKeyRecent"], "in id order, from the recent index alone")
            let writer = GraphTableWriter(db)
            for i in 0 ..< 40 { _ = try writer.number(id(i)) }
            XCTAssertEqual(try writer.settleNumbers(most: 3), .remade, "40 recent, none settled")
            for i in 40 ..< 48 { _ = try writer.number(id(i)) }
            XCTAssertNil(try writer.settleNumbers(most: 8), "8 recent: not more than the most")
            _ = try writer.number(id(48))
            XCTAssertEqual(try writer.settleNumbers(most: 8), .inPlace, "9 recent beside 40 settled")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = 0"), 0)
            let numbers = try Row.fetchAll(db, sql: "SELECT n, id FROM itemKey ORDER BY n").map { ($0[0] as Int64, $0[1] as Data) }
            XCTAssertEqual(numbers.map(\.0), Array(1 ... 49))
            for (i, (n, stored)) in numbers.enumerated() {
                XCTAssertEqual(stored, Data(id(i).bytes))
                XCTAssertEqual(try GraphTableReader.itemNumber(db, id(i)), n)
            }
            // An id numbered twice (which the writer never does) is an error that says what to do.
            try db.execute(sql: "INSERT INTO itemKey (n, id) VALUES (100, ?)", arguments: [Data(id(3).bytes)])
            for i in 49 ..< 60 { _ = try writer.number(id(i)) }
            XCTAssertThrowsError(try writer.settleNumbers(most: 8)) { XCTAssertTrue("\($0)".contains("numbered twice"), "\($0)") }
        }
    }

    /// Numbering many more ids than are held (a first rebuild) writes them settled, with both
    /// indexes made after by a sort; numbering a few more writes them recent. Every id is
    /// found by its number either way.
    func testManyNewIdsAreNumberedSettledAndAFewRecent() throws {
        let store = try GraphStore(path: directory + "/graph.sqlite")
        func id(_ i: Int) -> Hash32 { Hash32(bytes: (0 ..< 32).map { UInt8(truncatingIfNeeded: i &* 131 &+ ($0 &* 7) &+ (i >> 8) &* $0) })! }
        try store.writeAndRollBack { db in
            func count(_ settled: Int) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = ?", arguments: [settled])! }
            try GraphTableWriter(db).number((0 ..< 3000).map(id))
            XCTAssertEqual(try count(1), 3000, "many: written settled")
            XCTAssertEqual(try count(0), 0)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'itemKey%' ORDER BY name"),
                           ["itemKeyRecent", "itemKeySettled"])
            try GraphTableWriter(db).number((2990 ..< 3100).map(id))
            XCTAssertEqual(try count(1), 3000)
            XCTAssertEqual(try count(0), 100, "a few: written recent")
            for i in [0, 1, 1500, 2999, 3000, 3099] {
                XCTAssertEqual(try GraphTableReader.itemNumber(db, id(i)), Int64(i + 1))
            }
        }
    }
}
