import Foundation
import VFJSON
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// VF 1.0's own examples (`shared/valueflows/spec/examples_ex-exchange.md`) that fit a log,
/// with the references turned to point back in time as a log's must (an agreement
/// `stipulates` its commitments instead of each commitment being a `clauseOf` it), and
/// Wikidata concepts as specifications. The figures are worked out by hand from the example.
final class ValueFlowsExamplesTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-examples-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func reader(_ net: SignedNetwork) throws -> GraphReader {
        let log = try LogStore(path: directory + "/log-\(UUID().uuidString).sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/graph-\(UUID().uuidString).sqlite")
        try store.update(from: log)
        return store.reader(log: log)
    }

    /// "Exchange agreement": Alice commits to give Bob 50 kg of apples for 10 litres of cider.
    func testExchangeAgreement() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let alice = net.id("alice"), bob = net.id("bob")
        let apples = try net.post("alice", ["@type": "ResourceSpecification", "name": "apples (Q89)", "defaultUnitOfResource": "kilogram"])
        let cider = try net.post("bob", ["@type": "ResourceSpecification", "name": "soft apple cider (Q5977438)", "defaultUnitOfResource": "litre"])
        let give = try net.post("alice", ["@type": "Commitment", "action": "transfer", "provider": .string(alice), "receiver": .string(bob),
                                          "resourceConformsTo": ref(apples), "resourceQuantity": qty("50", "kilogram")])
        let inReturn = try net.post("bob", ["@type": "Commitment", "action": "transfer", "provider": .string(bob), "receiver": .string(alice),
                                            "resourceConformsTo": ref(cider), "resourceQuantity": qty("10", "litre")])
        let agreement = try net.post("alice", ["@type": "Agreement",
                                               "note": "Alice commits to giving Bob 50 kg of apples in exchange for 10 liters of apple cider.",
                                               "stipulates": ref(give), "stipulatesReciprocal": ref(inReturn)])
        let before = try reader(net)
        var state = try before.state(of: XCTUnwrap(try before.planned(agreement)))
        XCTAssertEqual(state.commitments.map(\.id), [give, inReturn])
        XCTAssertEqual(state.parties, [net.key("alice").feed, net.key("bob").feed])
        XCTAssertFalse(state.inForce, "Bob has not signed")
        try net.post("bob", ["@type": "Acceptance", "accepts": ref(agreement)])
        let r = try reader(net)
        state = try r.state(of: XCTUnwrap(try r.planned(agreement)))
        XCTAssertTrue(state.inForce)
        XCTAssertEqual(try r.linking(to: inReturn, by: .stipulatesReciprocal), [agreement], "the reciprocal clause, derived")
    }

    /// "Claim for income": seven hours of Bob's work trigger a claim for 140 CAD; a transfer of
    /// 70 settles half of it.
    func testClaimForIncome() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let bob = net.id("bob"), mfg = net.id("mfg")
        let machining = try net.post("mfg", ["@type": "ResourceSpecification", "name": "machining (Q192047)"])
        let dollars = try net.post("mfg", ["@type": "ResourceSpecification", "name": "Canadian dollar (Q1104069)", "defaultUnitOfResource": "one"])
        let work = try net.event("work", provider: "bob", receiver: "mfg", ["resourceConformsTo": ref(machining), "effortQuantity": qty("7", "hour"),
                                                                            "hasBeginning": "2018-10-14T08:00:00Z", "hasEnd": "2018-10-14T15:00:00Z"])
        let claim = try net.post("mfg", ["@type": "Claim", "action": "transfer", "provider": .string(mfg), "receiver": .string(bob),
                                         "resourceConformsTo": ref(dollars), "resourceQuantity": qty("140", "one"), "triggeredBy": ref(work)])
        let account = try net.event("raise", provider: "mfg", ["resourceQuantity": qty("1000", "one"), "resourceConformsTo": ref(dollars),
                                                               "newInventoriedResource": ["name": "income account", "conformsTo": ref(dollars)]])
        try net.event("transfer", provider: "mfg", receiver: "bob", [
            "resourceConformsTo": ref(dollars), "resourceQuantity": qty("70", "one"), "hasPointInTime": "2018-10-25T09:30:00Z",
            "resourceInventoriedAs": ref(ResourceID(createdBy: account)), "newInventoriedResource": ["name": "Bob's share"],
            "settles": ref(claim)])
        let r = try reader(net)
        let progress = try r.progress(of: XCTUnwrap(try r.planned(claim)))
        XCTAssertEqual(progress.quantity, Measure(value: dec("140"), unit: "one"))
        XCTAssertEqual(progress.done, dec("70"), "partially settles the claim")
        XCTAssertFalse(progress.finished)
        XCTAssertEqual(try r.linking(to: work, by: .triggeredBy), [claim])
    }
}
