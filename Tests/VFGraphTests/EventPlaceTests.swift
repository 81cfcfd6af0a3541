import Foundation
import GRDB
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// An event row is found by its entry's place, author and sequence (graph schema v18): the
/// graph keeps no index of event ids, and a lookup by id asks the log for the place.
final class EventPlaceTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-event-place").path }

    private func derived() throws -> (log: LogStore, store: GraphStore, events: [EntryID]) {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        let events = try store.read { db in try Data.fetchAll(db, sql: "SELECT id FROM event").map { EntryID(hash: Hash32(bytes: [UInt8]($0))!) } }
        XCTAssertGreaterThan(events.count, 10)
        return (log, store, events)
    }

    func testAnEventIsFoundByItsPlaceAndTheGraphKeepsNoIndexOfEventIds() throws {
        let (log, store, events) = try derived()
        let indexes = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT name, (SELECT group_concat(name) FROM pragma_index_info(l.name)) AS columns FROM pragma_index_list('event') l")
                .map { ($0["name"] as String, $0["columns"] as String) }
        }
        XCTAssertFalse(indexes.contains { $0.1.hasPrefix("id") }, "no index of event ids: \(indexes)")
        XCTAssertTrue(indexes.contains { $0.1 == "author,sequence" }, "the index of places: \(indexes)")
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT status FROM event WHERE \(GraphSchema.eventAt(1))",
                             arguments: [Data(repeating: 1, count: 32), 1, Data(repeating: 2, count: 32)]).map { $0["detail"] as String }.joined(separator: "; ")
        }
        XCTAssertTrue(plan.contains("USING INDEX") && plan.contains("author=? AND sequence=?"), plan)

        // Every event, found by id, is the row at its entry's place.
        let reader = store.reader(log: log)
        let places = try log.places(ids: events)
        for (id, place) in zip(events, places) {
            let place = try XCTUnwrap(place)
            XCTAssertEqual(try reader.event(id)?.provenance.entryID, id)
            XCTAssertEqual(try reader.event(id)?.provenance.author, place.author)
            XCTAssertEqual(try reader.event(id)?.provenance.sequence, place.sequence)
            XCTAssertNotNil(try reader.status(of: id))
        }
        // An entry the log does not hold has no row.
        let unheld = EntryID(hash: Hash32(bytes: [UInt8](repeating: 9, count: 32))!)
        XCTAssertNil(try reader.event(unheld))
        XCTAssertNil(try reader.status(of: unheld))
    }

    /// The id is compared too: a row at a place answers only for the entry it was written for.
    func testARowAnswersOnlyForTheEntryItWasWrittenFor() throws {
        let (log, store, events) = try derived()
        let reader = store.reader(log: log)
        let id = events[0]
        XCTAssertNotNil(try reader.event(id))
        try store.writeTransaction { db in
            try db.execute(sql: "UPDATE event SET id = ? WHERE id = ?", arguments: [Data(repeating: 7, count: 32), Data(id.bytes)])
        }
        XCTAssertNil(try reader.status(of: id), "the row at its place now says it is another entry's")
        XCTAssertNil(try reader.event(id))
        _ = try store.rebuild(from: log)
        XCTAssertEqual(try reader.event(id)?.provenance.entryID, id)
        XCTAssertNotNil(try reader.status(of: id))

        // Nor is a row written over another entry's at the same place: that is an error.
        let place = try XCTUnwrap(try log.places(ids: [id]).first ?? nil)
        let other = EntryID(hash: Hash32(bytes: [UInt8](repeating: 8, count: 32))!)
        try store.writeAndRollBack { db in
            let row = try XCTUnwrap(try UpdateTables(db: db, log: log, heads: try GraphTableReader.cursors(db)).eventRow(id))
            let writer = GraphTableWriter(db)
            try writer.putEvent(place, id, row)
            XCTAssertThrowsError(try writer.putEvent(place, other, row)) { error in
                XCTAssertTrue("\(error)".contains("holds another entry's row"), "\(error)")
            }
        }
    }

    /// A graph file of v17, with rows, is migrated to v18: its event table is remade and
    /// everything derived again, as a rebuild would.
    func testAPopulatedV17StoreIsDerivedAgainByV18() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let path = directory + "/graph.sqlite"
        try writeOldGraphFile(path, upTo: "v17: events keyed by a local number, found by id through an index, and re-derive") { db in
            // v17's shapes: an event found by its id alone.
            try db.execute(sql: "INSERT INTO event (id, status) VALUES (?, 0)", arguments: [Data(repeating: 1, count: 32)])
            try db.execute(sql: "INSERT INTO cursor (feed, sequence) VALUES (?, 1)", arguments: [Data(repeating: 4, count: 32)])
        }
        let store = try GraphStore(path: path)
        XCTAssertEqual(try store.cursors(), [:], "v18 derives everything again")
        XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event") }, 0)
        try store.update(from: net.source)
        try assertMatchesRebuild(store, net.source, "migrated")
    }

    /// A rebuild writes the rows, and so numbers them, in the order of their places, so the
    /// index of places grows at its right edge.
    func testARebuildWritesEventsInTheOrderOfTheirPlaces() throws {
        let (log, store, _) = try derived()
        _ = try store.rebuild(from: log, mode: .inMemory)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT author, sequence FROM event ORDER BY n").map { ([UInt8]($0[0] as Data), $0[1] as Int64) }
        }
        XCTAssertGreaterThan(Set(rows.map(\.0)).count, 1, "this test needs more than one feed's events")
        for (a, b) in zip(rows, rows.dropFirst()) {
            XCTAssertTrue(a.0.lexicographicallyPrecedes(b.0) || (a.0 == b.0 && a.1 < b.1), "\(a) then \(b)")
        }
    }
}
