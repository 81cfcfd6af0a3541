import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Anyone may publish an entry that names anyone's event: a correction of it, say. Only its
/// author's corrections apply, and an update that folds one reads those, not the others'.
final class StrangersCostTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-strangers").path }

    func testAStrangersCorrectionsOfAnEventAreNotReadWhenItsAuthorCorrectsIt() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let raise = try net.event("raise", provider: "farm", ["resourceQuantity": qty("100", "kg"),
                                                             "newInventoriedResource": ["name": "wheat"]])
        let wheat = ResourceID(createdBy: raise)
        func correction(by signer: String, _ delta: String) throws -> EntryID {
            try net.event("raise", by: signer, provider: "farm", ["resourceQuantity": qty(delta, "kg"),
                                                                 "resourceInventoriedAs": ref(wheat), "corrects": ref(raise)])
        }
        let first = try correction(by: "farm", "-5")
        var strangers: [EntryID] = []
        for _ in 0..<150 { strangers.append(try correction(by: "bakery", "-1")) }
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let farm = net.key("farm").feed
        for feed in try net.feeds() { _ = try log.ingest(feed); try store.update(from: log) }

        let second = try correction(by: "farm", "-10")
        _ = try log.ingest(try net.source.entries(author: farm).suffix(1))
        try store.update(from: log)
        let work = try XCTUnwrap(store.lastUpdateWork)
        XCTAssertLessThan(work.entriesRead, 10, "the farm's entries, not the bakery's 150")

        let reader = store.reader(log: log)
        XCTAssertEqual(try reader.status(of: first)?.name, "applied")
        XCTAssertEqual(try reader.status(of: second)?.name, "applied")
        XCTAssertEqual(Set(try strangers.map { try reader.status(of: $0)?.name ?? "none" }), ["unauthorized"])
        XCTAssertEqual(try reader.resource(wheat)?.accountingQuantity, dec("85"))
        try assertMatchesRebuild(store, log)
    }

    /// The same for an event that changes no resource, whose corrections are found by the
    /// event rather than by a resource's history: a stranger's, dated after the author's, are
    /// not read when the author corrects it.
    func testAStrangersCorrectionsOfAnEventThatChangesNoResourceAreNotRead() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "straw"])
        let bales = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("10", "kg"), "resourceConformsTo": ref(spec),
                                                                                   "hasPointInTime": "2030-01-01T00:00:00Z"])
        for _ in 0..<150 {
            try net.event("transfer", by: "bakery", provider: "farm", receiver: "mill", ["resourceQuantity": qty("-1", "kg"), "corrects": ref(bales),
                                                                                       "hasPointInTime": "2999-01-01T00:00:00Z"])
        }
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        for feed in try net.feeds() { _ = try log.ingest(feed); try store.update(from: log) }
        let correction = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("-4", "kg"), "corrects": ref(bales),
                                                                                        "hasPointInTime": "2030-02-01T00:00:00Z"])
        _ = try log.ingest(try net.source.entries(author: net.key("farm").feed).suffix(1))
        try store.update(from: log)
        let work = try XCTUnwrap(store.lastUpdateWork)
        XCTAssertLessThan(work.entriesRead, 10, "the farm's entries, not the bakery's 150")
        XCTAssertEqual(try store.reader(log: log).status(of: correction)?.name, "applied")
        XCTAssertEqual(try store.graph(from: log).events[bales]?.correctedQuantity, dec("6"))
        try assertMatchesRebuild(store, log)
    }

    /// Anyone may name anyone's commitment from an event of their own, which applies. How far
    /// the commitment has come counts only events between its agents, so only the links its
    /// parties signed are read: the bakery's events, their payloads gone from the log, are
    /// never read (reading one would fail).
    func testProgressOfACommitmentReadsOnlyWhatItsPartiesSigned() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let wheat = try net.raise("farm", "100", "kg", name: "wheat")
        let commitment = try net.post("farm", ["@type": "Commitment", "action": "transfer", "provider": .string(net.id("farm")),
                                               "receiver": .string(net.id("mill")), "resourceQuantity": qty("10", "kg")])
        let delivery = try net.event("transfer", provider: "farm", receiver: "mill", [
            "resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "mill wheat"],
            "fulfills": ref(commitment)])
        var strangers: [EntryID] = []
        for n in 0..<20 {
            strangers.append(try net.event("raise", provider: "bakery", ["resourceQuantity": qty("1", "kg"),
                                                                        "newInventoriedResource": ["name": .string("loaf \(n)")], "fulfills": ref(commitment)]))
        }
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try store.update(from: log)
        let reader = store.reader(log: log)
        XCTAssertEqual(Set(try strangers.map { try reader.status(of: $0)?.name ?? "none" }), ["applied"])
        for id in strangers { XCTAssertTrue(try log.dropPayload(of: id)) }
        let progress = try reader.progress(of: try XCTUnwrap(try reader.planned(commitment)))
        XCTAssertEqual(progress.events, [delivery])
        XCTAssertEqual(progress.done, dec("4"))
    }
}
