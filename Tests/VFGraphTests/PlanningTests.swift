import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Planning and exchange (issue 13): the mill needs wheat, the farm offers it, commits to
/// deliver 400 kg, and delivers in two transfers, one corrected; the mill is claimed for the
/// price and settles it. Each figure is worked out by hand, and comes out the same whatever
/// order the entries arrive in.
final class PlanningTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-planning-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private struct Scenario {
        let net: SignedNetwork
        let need: EntryID, offer: EntryID, proposal: EntryID, commitment: EntryID, agreement: EntryID, claim: EntryID
        let first: EntryID, second: EntryID, correction: EntryID, payment: EntryID
    }

    private func scenario() throws -> Scenario {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let farm = net.id("farm"), mill = net.id("mill")
        let spec = try net.post("farm", ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let wheat = try net.raise("farm", "1000", "kg", name: "wheat")
        let cash = try net.raise("mill", "100", "EUR", name: "cash")
        let need = try net.post("mill", ["@type": "Intent", "action": "transfer", "receiver": .string(mill), "resourceConformsTo": ref(spec),
                                         "resourceQuantity": qty("400", "kg"), "name": "wheat for milling"])
        let offer = try net.post("farm", ["@type": "vf:Intent", "action": "transfer", "provider": .string(farm), "resourceConformsTo": ref(spec),
                                          "resourceQuantity": qty("1000", "kg"), "availableQuantity": qty("1000", "kg")])
        let proposal = try net.post("farm", ["@type": "Proposal", "purpose": "offer", "publishes": .array([ref(offer)])])
        let commitment = try net.post("farm", ["@type": "Commitment", "action": "transfer", "provider": .string(farm), "receiver": .string(mill),
                                               "resourceConformsTo": ref(spec), "resourceQuantity": qty("400", "kg"),
                                               "satisfies": .array([ref(need), ref(offer)]), "due": "2030-01-01T00:00:00Z"])
        let agreement = try net.post("farm", ["@type": "Agreement", "name": "wheat for the mill", "stipulates": ref(commitment)])
        // A plan with a process, whose output the mill commits to.
        let plan = try net.post("mill", ["@type": "Plan", "name": "spring milling"])
        let milling = try net.post("mill", ["@type": "Process", "name": "milling", "plannedWithin": ref(plan)])
        try net.post("mill", ["@type": "Commitment", "action": "produce", "provider": .string(mill), "receiver": .string(mill),
                              "outputOf": ref(milling), "resourceQuantity": qty("300", "kg")])
        let first = try net.event("transfer", provider: "farm", receiver: "mill", [
            "resourceQuantity": qty("150", "kg"), "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "mill wheat"],
            "fulfills": ref(commitment), "satisfies": .array([ref(need)])])
        let second = try net.event("transfer", provider: "farm", receiver: "mill", [
            "resourceQuantity": qty("250", "kg"), "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "more mill wheat"],
            "fulfills": .array([ref(commitment)])])
        let correction = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("-50", "kg"), "corrects": ref(first)])
        // The bakery names the commitment and the need from an event of its own: it is neither's.
        try net.event("raise", provider: "bakery", ["resourceQuantity": qty("999", "kg"), "newInventoriedResource": ["name": "bakery wheat"],
                                                   "fulfills": ref(commitment), "satisfies": ref(need)])
        let claim = try net.post("farm", ["@type": "Claim", "action": "transfer", "provider": .string(mill), "receiver": .string(farm),
                                          "resourceQuantity": qty("35", "EUR"), "triggeredBy": ref(second)])
        let payment = try net.event("transfer", provider: "mill", receiver: "farm", [
            "resourceQuantity": qty("35", "EUR"), "resourceInventoriedAs": ref(cash), "newInventoriedResource": ["name": "payment"],
            "settles": ref(claim)])
        return Scenario(net: net, need: need, offer: offer, proposal: proposal, commitment: commitment, agreement: agreement, claim: claim,
                        first: first, second: second, correction: correction, payment: payment)
    }

    func testTheFiguresOfEachCommitmentIntentAndClaim() throws {
        let s = try scenario()
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try s.net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let reader = try { try store.update(from: log); return store.reader(log: log) }()

        let commitment = try reader.progress(of: XCTUnwrap(try reader.planned(s.commitment)))
        XCTAssertEqual(commitment.quantity, Measure(value: dec("400"), unit: "kg"))
        XCTAssertEqual(commitment.done, dec("350"), "150 − 50 + 250")
        XCTAssertEqual(Set(commitment.events), [s.first, s.second])
        XCTAssertFalse(commitment.finished)

        let need = try reader.progress(of: XCTUnwrap(try reader.planned(s.need)))
        XCTAssertEqual(need.done, dec("100"), "only the first transfer satisfies it, corrected")
        XCTAssertEqual(need.promised, dec("400"))
        XCTAssertEqual(need.commitments, [s.commitment])
        let offer = try reader.progress(of: XCTUnwrap(try reader.planned(s.offer)))
        XCTAssertEqual(offer.promised, dec("400"))
        XCTAssertEqual(offer.done, dec("0"))

        let claim = try reader.progress(of: XCTUnwrap(try reader.planned(s.claim)))
        XCTAssertEqual(claim.done, dec("35"))
        XCTAssertTrue(claim.finished)

        XCTAssertEqual(try reader.linking(to: s.offer, by: .publishes), [s.proposal])
        XCTAssertEqual(try reader.linking(to: s.commitment, by: .stipulates), [s.agreement])
        XCTAssertEqual(try reader.linking(to: s.second, by: .triggeredBy), [s.claim])
        XCTAssertEqual(try reader.planned(.intent, after: nil, limit: 10).map(\.id).sorted { $0.hash < $1.hash },
                       [s.need, s.offer].sorted { $0.hash < $1.hash })
        XCTAssertEqual(try reader.status(of: s.agreement), .applied)
    }

    /// Links are facts of the naming entries: whatever order the feeds come in, the tables
    /// end as a rebuild makes them, and the figures are the same.
    func testAnyArrivalOrderGivesTheTablesOfARebuild() throws {
        let s = try scenario()
        try inShuffledBatches(try s.net.feeds(), rounds: 4, maximum: 3, seed: 13, in: directory) { store, reader, log, round in
            XCTAssertEqual(try reader.progress(of: XCTUnwrap(try reader.planned(s.commitment))).done, dec("350"), "round \(round)")
            let rebuilt = try GraphStore(path: self.directory + "/rebuilt-\(round).sqlite")
            try rebuilt.rebuild(from: log)
            XCTAssertEqual(try store.graph(from: log), try rebuilt.graph(from: log), "round \(round)")
            XCTAssertEqual(try reader.plans(after: nil, limit: 10).first?.processes.first?.outputs.first?.quantity,
                           Measure(value: dec("300"), unit: "kg"), "round \(round)")
        }
    }

    func testPublishingChecksWhatAPlanningPayloadRefersTo() throws {
        let s = try scenario()
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try s.net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/graph.sqlite")
        let farm = s.net.key("farm")
        func verdict(_ json: String) throws -> PublishVerdict {
            try XCTUnwrap(try store.check([Array(json.utf8)], author: farm.feed, timestamp: 1_900_000_000_000, log: log).first)
        }
        let me = farm.feed.description
        let unknown = "%" + String(repeating: "A", count: 43) + "=.vf1"
        XCTAssertEqual(try verdict(#"{"@type":"Proposal","publishes":"\#(unknown)"}"#), .refused("publishes refers to \(unknown), which is not known"))
        XCTAssertEqual(try verdict(#"{"@type":"Proposal","publishes":["\#(s.commitment)"]}"#),
                       .refused("publishes refers to \(s.commitment), which is a Commitment, not an Intent"))
        XCTAssertEqual(try verdict(#"{"@type":"Agreement","stipulates":["\#(s.commitment)"],"signed":true}"#),
                       .refused("Agreement has no property \"signed\""))
        XCTAssertEqual(try verdict(#"{"@type":"Commitment","action":"transfer","provider":"\#(me)"}"#),
                       .refused("a Commitment names both its provider and its receiver"))
        XCTAssertEqual(try verdict(#"{"@type":"Intent","action":"transfer","provider":"\#(me)","resourceConformsTo":"\#(try specification(log))","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"t"}}"#),
                       .refused("resourceQuantity is in t but specification \(try specification(log)) counts in kg"))
        XCTAssertEqual(try verdict(#"{"@type":"EconomicEvent","action":"work","provider":"\#(me)","receiver":"\#(me)","effortQuantity":{"hasNumericalValue":"1","hasUnit":"hour"},"fulfills":"\#(s.need)"}"#),
                       .refused("fulfills refers to \(s.need), which is an Intent, not a Commitment"))
        XCTAssertEqual(try verdict(#"{"@type":"Intent","action":"work","provider":"\#(me)","effortQuantity":{"hasNumericalValue":"3","hasUnit":"hour"}}"#), .accepted)
        XCTAssertEqual(try verdict(#"{"@type":"EconomicEvent","action":"work","provider":"\#(me)","receiver":"\#(me)","effortQuantity":{"hasNumericalValue":"1","hasUnit":"hour"},"satisfies":["\#(s.need)"]}"#),
                       .accepted)
    }

    private func specification(_ log: LogStore) throws -> EntryID {
        let store = try GraphStore(path: directory + "/spec.sqlite")
        return try XCTUnwrap(try store.graph(from: log).specifications.keys.first)
    }

    /// An agreement is in force once every party has signed: the farm by publishing it, the
    /// mill by accepting it; an acceptance by someone else counts for nothing.
    func testAnAgreementIsInForceOnceEveryPartyHasSigned() throws {
        let s = try scenario()
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        func state() throws -> AgreementState {
            _ = try log.ingest(try s.net.feeds().flatMap { $0 })
            try store.update(from: log)
            let reader = store.reader(log: log)
            return try reader.state(of: XCTUnwrap(try reader.planned(s.agreement)))
        }
        let farm = s.net.key("farm").feed, mill = s.net.key("mill").feed
        var agreement = try state()
        XCTAssertEqual(agreement.parties, [farm, mill])
        XCTAssertEqual(agreement.signedBy, [farm])
        XCTAssertFalse(agreement.inForce)
        XCTAssertEqual(agreement.commitments.map(\.id), [s.commitment])

        try s.net.post("bakery", ["@type": "Acceptance", "accepts": ref(s.agreement)])
        agreement = try state()
        XCTAssertEqual(agreement.signedBy, [farm], "the bakery is not a party")
        XCTAssertFalse(agreement.inForce)

        try s.net.post("mill", ["@type": "vf:Acceptance", "accepts": ref(s.agreement), "note": "agreed"])
        agreement = try state()
        XCTAssertEqual(agreement.signedBy, [farm, mill])
        XCTAssertTrue(agreement.inForce)
    }

    func testTimesAreWrittenAsTheyAreRead() throws {
        for text in ["1970-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2024-02-29T12:34:56.789Z", "0001-01-01T00:00:00.000Z"] {
            let ms = try DateTimeStamp.milliseconds(from: text)
            XCTAssertEqual(DateTimeStamp.text(ms), text)
        }
        // Before year 0 the year has a sign (one day before 0000-01-01 is -0001-12-31).
        XCTAssertEqual(DateTimeStamp.text(try DateTimeStamp.milliseconds(from: "0000-01-01T00:00:00Z") - 86_400_000), "-0001-12-31T00:00:00.000Z")
        XCTAssertFalse(DateTimeStamp.text(.min).isEmpty, "no trap at the smallest value a peer can claim")
        XCTAssertFalse(DateTimeStamp.text(.max).isEmpty)
    }
}
