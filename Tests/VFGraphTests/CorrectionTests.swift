import Foundation
import GRDB
import VFLog
import VFJSON
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// An event's quantity as its applied corrections leave it (`corrected`, docs/protocol.md §16)
/// is kept, so the next correction is checked against it without reading the ones before; a
/// back-dated entry that folds some of them again takes theirs off. Whatever the order the
/// feeds arrive in, the tables equal a rebuild.
final class CorrectionTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-corrections").path }

    func testCorrectionsArrivingInAnyOrderLeaveTheTablesEqualToARebuild() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let produce = try net.event("produce", provider: "farm", ["resourceQuantity": qty("100", "kg"), "hasPointInTime": "2030-01-01T00:00:00Z",
                                                                  "newInventoriedResource": ["name": "wheat"]])
        let wheat = ResourceID(createdBy: produce)
        func correct(_ delta: String, _ time: String, by author: String = "farm") throws -> EntryID {
            try net.event("produce", provider: author, ["resourceQuantity": qty(delta, "kg"), "resourceInventoriedAs": ref(wheat),
                                                        "corrects": ref(produce), "hasPointInTime": .string(time + "T00:00:00Z")])
        }
        let applied = [try correct("-10", "2030-02-01"), try correct("-20", "2030-03-01")]
        // Dated before both corrections: when it arrives after them, they are folded again.
        try net.event("consume", provider: "farm", ["resourceQuantity": qty("5", "kg"), "resourceInventoriedAs": ref(wheat),
                                                   "hasPointInTime": "2030-01-15T00:00:00Z"])
        let between = try correct("5", "2030-02-15")
        let belowZero = try correct("-200", "2030-04-01")
        let last = try correct("1", "2030-05-01")
        let stranger = try correct("-1", "2030-06-01", by: "mill")
        // A correction without a resourceQuantity, of an event with an effort only.
        let work = try net.event("work", provider: "farm", ["effortQuantity": qty("3", "hour"), "hasPointInTime": "2030-01-02T00:00:00Z"])
        let effort = try net.event("work", provider: "farm", ["effortQuantity": qty("-1", "hour"), "corrects": ref(work)])
        // Corrections of an event that changes no resource, the later-dated first in the feed:
        // the earlier-dated one applies, and takes what the other would.
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "straw"])
        let bales = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("10", "kg"), "resourceConformsTo": ref(spec),
                                                                                   "hasPointInTime": "2030-01-10T00:00:00Z"])
        func correctBales(_ time: String) throws -> EntryID {
            try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("-6", "kg"), "corrects": ref(bales),
                                                                         "hasPointInTime": .string(time + "T00:00:00Z")])
        }
        let lateDated = try correctBales("2030-03-01")
        _ = try net.raise("farm", "1", "kg", name: "spacer")
        _ = try net.raise("farm", "1", "kg", name: "spacer")
        let earlyDated = try correctBales("2030-02-01")
        try inShuffledBatches(try net.feeds(), rounds: 16, maximum: 3, seed: 29, in: directory) { store, reader, log, round in
            let graph = try store.graph(from: log)
            for id in applied + [between, last, effort] { XCTAssertEqual(graph.events[id]?.status, .applied, "round \(round)") }
            guard case let .invalid(reason)? = graph.events[belowZero]?.status else { return XCTFail("round \(round): not invalid") }
            XCTAssertTrue(reason.contains("below zero (-125 kg)"), reason)
            guard case .unauthorized? = graph.events[stranger]?.status else { return XCTFail("round \(round): the stranger's correction applied") }
            XCTAssertEqual(graph.events[produce]?.correctedQuantity, dec("76"), "100 − 10 + 5 − 20 + 1")
            XCTAssertEqual(graph.events[work]?.correctedQuantity, .zero, "an effort's correction applies; the event states no resourceQuantity")
            XCTAssertEqual(graph.events[earlyDated]?.status, .applied, "round \(round)")
            XCTAssertEqual(graph.events[lateDated]?.status.name, "invalid", "round \(round)")
            XCTAssertEqual(graph.events[bales]?.correctedQuantity, dec("4"))
            XCTAssertEqual(graph.resources[wheat]?.accountingQuantity, dec("71"))
            XCTAssertEqual(try reader.event(produce)?.correctedQuantity, dec("76"))
        }
    }

    /// An event that changes no resource, fulfilling a commitment, folded again where it stands
    /// when the agreement comes into force: its corrections are folded again after it, and the
    /// quantity they leave it is kept.
    func testAnEventFoldedAgainForConsentKeepsItsCorrections() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let commitment = try net.post("farm", ["@type": "Commitment", "action": "transfer", "provider": .string(net.id("farm")),
                                               "receiver": .string(net.id("mill")), "resourceQuantity": qty("10", "kg")])
        try net.post("farm", ["@type": "Agreement", "stipulates": ref(commitment)])
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "straw"])
        let delivery = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("5", "kg"), "resourceConformsTo": ref(spec),
                                                                                      "fulfills": ref(commitment)])
        try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("-3", "kg"), "corrects": ref(delivery)])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        XCTAssertEqual(try store.graph(from: log).events[delivery]?.correctedQuantity, dec("2"))
        let agreement = try XCTUnwrap(try store.reader(log: log).linking(to: commitment, by: .stipulates).first)
        try net.post("mill", ["@type": "Acceptance", "accepts": ref(agreement)])
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(store.lastUpdateWork).folded, 2, "the delivery and its correction")
        XCTAssertEqual(try store.graph(from: log).events[delivery]?.correctedQuantity, dec("2"))
        try assertMatchesRebuild(store, log)
    }

    /// A corrected combine whose container becomes ambiguous when its process gets a second
    /// one: it and its correction stop being folded, and the combine keeps no corrected quantity.
    func testACorrectionThatStopsBeingFoldedTakesItsDeltaWithIt() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let packing = try net.post("mill", ["@type": "Process", "name": "packing"])
        try net.event("produce", provider: "mill", ["outputOf": ref(packing), "resourceQuantity": qty("1", "each"), "newInventoriedResource": ["name": "box"]])
        let part = try net.raise("mill", "5", "each", name: "parts")
        let combine = try net.event("combine", provider: "mill", ["inputOf": ref(packing), "resourceInventoriedAs": ref(part), "resourceQuantity": qty("3", "each")])
        let correction = try net.event("combine", provider: "mill", ["inputOf": ref(packing), "resourceInventoriedAs": ref(part),
                                                                    "resourceQuantity": qty("-1", "each"), "corrects": ref(combine)])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        XCTAssertEqual(try store.reader(log: log).status(of: correction)?.name, "applied")
        XCTAssertEqual(try store.graph(from: log).events[combine]?.correctedQuantity, dec("2"))
        try assertMatchesRebuild(store, log, "corrected")
        try net.event("produce", provider: "mill", ["outputOf": ref(packing), "resourceQuantity": qty("1", "each"), "newInventoriedResource": ["name": "crate"]])
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        XCTAssertEqual(try store.reader(log: log).status(of: combine)?.name, "invalid")
        XCTAssertNotEqual(try store.reader(log: log).status(of: correction)?.name, "applied")
        XCTAssertNil(try store.graph(from: log).events[combine]?.correctedQuantity)
        try assertMatchesRebuild(store, log, "ambiguous")
    }

    /// One more correction of an event with hundreds applied reads a few entries, not them all.
    func testTheNextCorrectionReadsNoneOfTheOnesBefore() throws {
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let key = SigningKey()
        let me = JSONValue.string(key.feed.description)
        func event(_ fields: [JSONName: JSONValue]) -> [UInt8] {
            JSONValue.object(["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me].merging(fields) { $1 }).serialized
        }
        let produce = try log.append(event(["resourceQuantity": qty("1000", "each"), "newInventoriedResource": ["name": "stock"]]), key: key).entry.id
        let correction = event(["resourceQuantity": qty("-1", "each"), "resourceInventoriedAs": ref(ResourceID(createdBy: produce)), "corrects": ref(produce)])
        try log.appendBatch(Array(repeating: correction, count: 300), key: key)
        try store.update(from: log)
        try log.append(correction, key: key)
        try store.update(from: log)
        let work = try XCTUnwrap(store.lastUpdateWork)
        XCTAssertEqual(work.folded, 1)
        XCTAssertLessThanOrEqual(work.entriesRead, 3, "\(work)")
        XCTAssertEqual(try store.graph(from: log).events[produce]?.correctedQuantity, dec("699"))
        try assertMatchesRebuild(store, log)
    }

    /// Migration v12 adds `corrected`, and derives everything again only where a correction
    /// applied (the only rows the column is not NULL in).
    func testMigrationV12DerivesAgainOnlyWhereACorrectionApplied() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let produce = try net.event("produce", provider: "farm", ["resourceQuantity": qty("10", "kg"), "newInventoriedResource": ["name": "oats"]])
        let plain = try GraphStore(path: directory + "/plain.sqlite")
        try plain.update(from: net.source)
        try net.event("produce", provider: "farm", ["resourceQuantity": qty("-1", "kg"), "resourceInventoriedAs": ref(ResourceID(createdBy: produce)),
                                                    "corrects": ref(produce)])
        let corrected = try GraphStore(path: directory + "/corrected.sqlite")
        try corrected.update(from: net.source)
        func reopenAtV11(_ store: GraphStore) throws -> (before: [String: [[String]]], store: GraphStore) {
            let before = try store.tableContents()
            let queue = try DatabaseQueue(path: store.path)
            try queue.write { db in
                try db.execute(sql: "ALTER TABLE event DROP COLUMN corrected")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v12%'")
            }
            try queue.close()
            return (before, try GraphStore(path: store.path))
        }
        let (plainBefore, plainAgain) = try reopenAtV11(plain)
        XCTAssertFalse(try plainAgain.cursors().isEmpty, "no correction: nothing derived again")
        assertSameTables(try plainAgain.tableContents(), plainBefore)
        let (correctedBefore, correctedAgain) = try reopenAtV11(corrected)
        XCTAssertEqual(try correctedAgain.cursors(), [:], "an applied correction: the tables are emptied")
        try correctedAgain.update(from: net.source)
        assertSameTables(try correctedAgain.tableContents(), correctedBefore, "derived again")
        XCTAssertEqual(try correctedAgain.graph(from: net.source).events[produce]?.correctedQuantity, dec("9"))
    }
}
