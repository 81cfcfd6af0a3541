import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// What an event's references are taken for is answered from the tables' rows when they
/// catalogue the entry, and from the log otherwise: the same answers, and an event naming
/// held objects reads none of their payloads.
final class CataloguedKindTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-catalogued-kind").path }

    func testTheTablesNameTheSameKindAsTheLogForEveryKindOfEntry() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let (farm, mill) = (net.id("farm"), net.id("mill"))
        var entries: [String: EntryID] = [:]
        entries["process"] = try net.post("farm", ["@type": "Process", "name": "milling"])
        entries["specification"] = try net.post("farm", ["@type": "ResourceSpecification", "name": "flour"])
        entries["agent"] = try net.post("farm", ["@type": "Organization", "name": "farm coop"])
        entries["profile"] = try net.post("farm", ["@type": "Person", "name": "Ann", "@id": .string(farm)])
        entries["note"] = try net.post("farm", ["note": "not ValueFlows"])
        entries["rejected"] = try net.post("farm", ["@type": "Person", "@id": .string(mill)])  // describes another node
        entries["intent"] = try net.post("farm", ["@type": "Intent", "action": "transfer", "provider": .string(farm),
                                                  "resourceQuantity": qty("1", "kg")])
        entries["commitment"] = try net.post("mill", ["@type": "Commitment", "action": "transfer", "provider": .string(farm),
                                                      "receiver": .string(mill), "resourceQuantity": qty("1", "kg")])
        entries["agreement"] = try net.post("mill", ["@type": "Agreement", "name": "deal", "stipulates": .array([ref(entries["commitment"]!)])])
        entries["event"] = try net.event("raise", provider: "farm", ["resourceQuantity": qty("5", "kg"),
                                                                    "newInventoriedResource": ["name": "wheat"]])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        for feed in try net.feeds() { _ = try log.ingest(feed) }
        try store.update(from: log)
        let unknown = EntryID(hash: Hash32(bytes: [UInt8](repeating: 7, count: 32))!)

        func kindInTheLog(_ id: EntryID) throws -> KnownKind? {
            guard let record = try log.records(ids: [id]).first ?? nil else { return nil }
            return Derivation.kind(Derivation.decodeEntry(GraphEntry(record, verified: true)), verified: true)
        }
        // The graph objects with rows of their own are answered without reading a payload from
        // the log; the others are read from it. An event's row is found by its place (v18),
        // which the log's index of ids gives, asked only when no other row answers.
        let fromTheLog: Set<String> = ["profile", "note", "rejected", "unknown"]
        let placeFromTheLog = fromTheLog.union(["event"])
        try store.writeAndRollBack { db in
            let heads = try GraphTableReader.cursors(db)
            for (name, id) in entries.sorted(by: { $0.key < $1.key }) + [("unknown", unknown)] {
                let tables = UpdateTables(db: db, log: log, heads: heads)
                XCTAssertEqual(try tables.kind(id), try kindInTheLog(id), name)
                XCTAssertEqual(tables.entriesRead, fromTheLog.contains(name) ? 1 : 0, name)
                XCTAssertEqual(tables.placesRead, placeFromTheLog.contains(name) ? 1 : 0, name)
            }
        }
        // The kinds themselves.
        try store.writeAndRollBack { db in
            let tables = UpdateTables(db: db, log: log, heads: try GraphTableReader.cursors(db))
            XCTAssertEqual(try tables.kind(entries["process"]!), .object(.process))
            XCTAssertEqual(try tables.kind(entries["specification"]!), .object(.resourceSpecification))
            XCTAssertEqual(try tables.kind(entries["agent"]!), .object(.agent))
            XCTAssertEqual(try tables.kind(entries["profile"]!), .object(.profile))
            XCTAssertEqual(try tables.kind(entries["intent"]!), .object(.planned(.intent)))
            XCTAssertEqual(try tables.kind(entries["commitment"]!), .object(.planned(.commitment)))
            XCTAssertEqual(try tables.kind(entries["agreement"]!), .object(.planned(.agreement)))
            XCTAssertEqual(try tables.kind(entries["event"]!), .object(.economicEvent))
            XCTAssertEqual(try tables.kind(entries["note"]!), .notAGraphObject("not a ValueFlows object"))
            guard case .notAGraphObject? = try tables.kind(entries["rejected"]!) else {
                return XCTFail("a rejected entry is not a graph object: \(String(describing: try tables.kind(entries["rejected"]!)))")
            }
            XCTAssertNil(try tables.kind(unknown))
        }
        // A forget cut short before its rebuild leaves the rows of the entry: it is not held.
        let process = entries["process"]!
        XCTAssertNotNil(try log.forget(process))
        try store.writeAndRollBack { db in
            XCTAssertNil(try UpdateTables(db: db, log: log, heads: try GraphTableReader.cursors(db)).kind(process))
            XCTAssertNil(try kindInTheLog(process))
        }
    }

    /// Events that name a held process and a described agent, and consume a held resource (made
    /// of a specification), are folded without reading any of their payloads from the log.
    func testAnEventNamingHeldObjectsReadsNoneOfTheirPayloads() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let process = try net.post("farm", ["@type": "Process", "name": "milling"])
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "wheat"])
        let coop = try net.post("farm", ["@type": "Organization", "name": "farm coop"])
        let raise = try net.event("raise", provider: "farm", ["resourceQuantity": qty("5", "kg"), "resourceConformsTo": ref(spec),
                                                             "newInventoriedResource": ["name": "wheat"]])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        for feed in try net.feeds() { _ = try log.ingest(feed) }
        try store.update(from: log)

        let consume = try net.event("consume", provider: "farm", receiver: "farm", [
            "resourceQuantity": qty("2", "kg"), "resourceInventoriedAs": ref(ResourceID(createdBy: raise)), "inputOf": ref(process)])
        let work = try net.event("work", provider: "farm", receiver: "farm", [
            "effortQuantity": qty("1", "hour"), "inputOf": ref(process), "provider": ref(coop)])  // the coop's work
        _ = try log.ingest(try net.source.entries(author: net.key("farm").feed).suffix(2))
        try store.update(from: log)
        XCTAssertEqual(try XCTUnwrap(store.lastUpdateWork).entriesRead, 0, "the process, the agent and the stock are rows of the tables")
        let reader = store.reader(log: log)
        XCTAssertEqual(try reader.status(of: consume)?.name, "applied")
        XCTAssertEqual(try reader.status(of: work)?.name, "applied")
        try assertMatchesRebuild(store, log)
    }
}
