import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The event creating a resource, as an update looks it up: an applied one by the resource's
/// row, one that did not apply by the partial index `eventByCreates` (graph schema v10).
final class CreatingEventTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-creating").path }

    func testAPendingCreatorIsFoundAcrossUpdatesAndAnAppliedOneByItsResource() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        // The farm's process arrives last, so the bakery's produce, an output of it, waits.
        let process = try net.post("farm", ["@type": "Process", "name": "milling"])
        let produce = try net.event("produce", provider: "bakery", ["resourceQuantity": qty("10", "kg"), "outputOf": ref(process),
                                                                   "newInventoriedResource": ["name": "flour"]])
        let flour = ResourceID(createdBy: produce)
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let bakery = try net.source.entries(author: net.key("bakery").feed)
        _ = try log.ingest(bakery)
        try store.update(from: log)
        XCTAssertEqual(try store.reader(log: log).status(of: produce)?.name, "pending")

        // In an update of its own, a use of the flour finds its creator, pending, in the tables:
        // it waits for that event, not for an unknown resource.
        let consume = try net.event("consume", provider: "bakery", ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(flour)])
        _ = try log.ingest(try net.source.entries(author: net.key("bakery").feed).suffix(1))
        try store.update(from: log)
        let waiting = try XCTUnwrap(try store.reader(log: log).status(of: consume))
        XCTAssertEqual(waiting.name, "pending")
        XCTAssertTrue(waiting.reason?.contains("waits for \(produce)") == true, waiting.reason ?? "")
        try assertMatchesRebuild(store, log, "with the creator pending")

        // The process arrives: the produce applies, and so does the use; a raise of the flour,
        // in a later update, finds its creator by the resource's row.
        _ = try log.ingest(try net.source.entries(author: net.key("farm").feed))
        try store.update(from: log)
        let raise = try net.event("raise", provider: "bakery", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(flour)])
        _ = try log.ingest(try net.source.entries(author: net.key("bakery").feed).suffix(1))
        try store.update(from: log)
        let reader = store.reader(log: log)
        for id in [produce, consume, raise] { XCTAssertEqual(try reader.status(of: id)?.name, "applied") }
        XCTAssertEqual(try reader.resource(flour)?.accountingQuantity, dec("7"))
        try assertMatchesRebuild(store, log, "with the creator applied")
    }
}
