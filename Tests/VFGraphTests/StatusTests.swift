import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// Unauthorized, invalid and pending events, implied transfers and corrections.
final class StatusTests: XCTestCase {
    let net = Fixture()
    lazy var alice = net.agent("alice")
    lazy var bob = net.agent("bob")
    lazy var mallory = net.agent("mallory")

    func testSignerMustBeProviderOrReceiver() {
        let r = net.raise(alice, "10", "kg")
        let forged = net.event("consume", by: mallory, provider: alice, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r)])
        let g = net.graph
        guard case let .unauthorized(reason)? = g.events[forged]?.status else { return XCTFail("\(String(describing: g.events[forged]?.status))") }
        XCTAssertTrue(reason.contains("answers for neither the provider"), reason)
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("10"), "left out")
    }

    /// A payload the JSON profile refuses (an entry stored before it, protocol.md §5) is not
    /// read, however much it looks like an event.
    func testAnEventWhosePayloadTheProfileRefusesIsNotApplied() {
        let event = #"{"@type":"EconomicEvent","action":"raise","provider":"\#(alice.id)","receiver":"\#(alice.id)","resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"newInventoriedResource":{"name":"x"}}"#
        let withBOM = net.post(alice, bytes: [0xEF, 0xBB, 0xBF] + Array(event.utf8))
        let duplicated = net.post(alice, bytes: Array(event.dropLast().utf8) + Array(#","action":"raise"}"#.utf8))
        let plain = net.post(alice, bytes: Array(event.utf8))
        let g = net.graph
        for (id, what) in [(withBOM, "byte order mark"), (duplicated, "duplicate member name \"action\"")] {
            XCTAssertNil(g.events[id], what)
            XCTAssertNil(g.resources[ResourceID(createdBy: id)], what)
            guard case let .invalid(reason)? = g.status(of: id) else { XCTFail("\(what): \(String(describing: g.status(of: id)))"); continue }
            XCTAssertTrue(reason.contains(what), reason)
        }
        XCTAssertEqual(g.events[plain]?.status, .applied, "the same event, within the profile")
    }

    func testDecrementNeedsTheAccountableOrHoldingAgent() {
        let r = net.raise(alice, "10", "kg")
        // Mallory names herself receiver and signs: she may not take from Alice's resource.
        let grab = net.event("transfer", by: mallory, provider: alice, receiver: mallory, ["resourceQuantity": qty("10", "kg"),
            "resourceInventoriedAs": ref(r), "newInventoriedResource": ["name": "loot"]])
        let g = net.graph
        guard case let .unauthorized(reason)? = g.events[grab]?.status else { return XCTFail("\(String(describing: g.events[grab]?.status))") }
        XCTAssertTrue(reason.contains("decrements its accounting quantity"), reason)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("10"))
        XCTAssertNil(g.resources[ResourceID(createdBy: grab)], "an unauthorized event creates nothing")
    }

    func testHolderMayDecrementOnhand() {
        let r = net.raise(alice, "10", "kg")
        let trip = net.process(bob, name: "transport")
        net.event("pickup", provider: alice, receiver: bob, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(trip)])
        let drop = net.event("dropoff", provider: bob, receiver: alice, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r), "outputOf": ref(trip)])
        let second = net.event("pickup", provider: bob, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(trip)])
        let g = net.graph
        g.assertApplied(drop)
        guard case .unauthorized? = g.events[second]?.status else { return XCTFail("custody went back to alice") }
    }

    func testImpliedTransfers() {
        let r = net.raise(alice, "10", "kg")
        let p = net.process(bob, name: "kitchen")
        // consume with a different receiver: the 4 kg go into bob's process once; the rest of
        // the stock stays alice's (shared README, "Implied transfers"), so she may consume it.
        let eaten = net.event("consume", provider: alice, receiver: bob, ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(p)])
        let rest = net.event("consume", provider: alice, ["resourceQuantity": qty("5", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(p)])
        // produce for another agent: the new resource is the receiver's.
        let made = net.event("produce", provider: bob, receiver: alice, ["resourceQuantity": qty("2", "each"), "outputOf": ref(p),
                                                                         "newInventoriedResource": ["name": "pie"]])
        // accept with a different receiver: custody only.
        let vase = net.raise(alice, "1", "each")
        let repair = net.process(bob, name: "repair")
        let accepted = net.event("accept", provider: alice, receiver: bob, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(vase), "inputOf": ref(repair)])
        let g = net.graph
        g.assertApplied(eaten, rest, made, accepted)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).primaryAccountable, .feed(alice.feed))
        XCTAssertEqual(g.resource(r).holder, .feed(alice.feed))
        let pie = g.resource(ResourceID(createdBy: made))
        XCTAssertEqual(pie.primaryAccountable, .feed(alice.feed))
        XCTAssertEqual(pie.holder, .feed(alice.feed))
        XCTAssertEqual(pie.onhandQuantity, dec("2"))
        XCTAssertEqual(g.resource(vase).primaryAccountable, .feed(alice.feed), "custody only")
        XCTAssertEqual(g.resource(vase).holder, .feed(bob.feed))
        XCTAssertEqual(g.resource(vase).onhandQuantity, dec("0"))
    }

    /// Issue 13's report: the farm's consume of 30 kg of its 100 kg into the mill's process
    /// moved the whole stock to the mill, and the farm's next consume of its 70 kg was refused.
    func testConsumingPartOfAStockIntoAnotherAgentsProcessLeavesTheRestWithItsOwner() {
        let farm = alice, mill = bob
        let wheat = net.raise(farm, "100", "kg", name: "wheat")
        let milling = net.process(mill, name: "milling")
        let baking = net.process(farm, name: "baking")
        let toMill = net.event("consume", provider: farm, receiver: mill, ["resourceQuantity": qty("30", "kg"), "resourceInventoriedAs": ref(wheat), "inputOf": ref(milling)])
        let own = net.event("consume", provider: farm, ["resourceQuantity": qty("70", "kg"), "resourceInventoriedAs": ref(wheat), "inputOf": ref(baking)])
        // The mill has no say over the farm's wheat, then or now.
        let grab = net.event("consume", provider: mill, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(wheat), "inputOf": ref(milling)])
        let g = net.graph
        g.assertApplied(toMill, own)
        XCTAssertEqual(g.resource(wheat).accountingQuantity, dec("0"))
        XCTAssertEqual(g.resource(wheat).primaryAccountable, .feed(farm.feed))
        XCTAssertEqual(g.resource(wheat).holder, .feed(farm.feed))
        guard case .unauthorized? = g.events[grab]?.status else { return XCTFail("\(String(describing: g.events[grab]?.status))") }
    }

    func testCorrectionAppliesSignedDeltaByOriginalAuthorOnly() {
        let made = net.event("produce", provider: alice, ["resourceQuantity": qty("10", "kg"), "newInventoriedResource": ["name": "honey"]])
        let r = ResourceID(createdBy: made)
        let fix = net.event("produce", provider: alice, ["resourceQuantity": qty("-2.5", "kg"), "corrects": ref(made)])
        let bogus = net.event("produce", by: bob, provider: alice, receiver: bob, ["resourceQuantity": qty("-7", "kg"), "corrects": ref(made)])
        let negative = net.event("raise", provider: alice, ["resourceQuantity": qty("-1", "kg"), "resourceInventoriedAs": ref(r)])
        let g = net.graph
        g.assertApplied(made, fix)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("7.5"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("7.5"))
        XCTAssertEqual(g.events[made]?.correctedBy, [fix])
        guard case .unauthorized? = g.events[bogus]?.status else { return XCTFail("\(String(describing: g.events[bogus]?.status))") }
        XCTAssertEqual(g.status(of: negative), .invalid("resourceQuantity is negative (-1); negative quantities appear only in corrections"))
    }

    /// Issue 13's report: a correction could raise a consumed stock above what was ever
    /// produced. Corrections may not take the corrected event's quantity below zero.
    func testCorrectionsCannotTakeAnEventsQuantityBelowZero() {
        let made = net.event("produce", provider: alice, ["resourceQuantity": qty("10", "kg"), "newInventoriedResource": ["name": "flour"]])
        let r = ResourceID(createdBy: made)
        let p = net.process(alice, name: "baking")
        let used = net.event("consume", provider: alice, ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(p)])
        let fewer = net.event("consume", provider: alice, ["resourceQuantity": qty("-3", "kg"), "corrects": ref(used)])
        let tooMany = net.event("consume", provider: alice, ["resourceQuantity": qty("-2", "kg"), "corrects": ref(used)])
        let rest = net.event("consume", provider: alice, ["resourceQuantity": qty("-1", "kg"), "corrects": ref(used)])
        let g = net.graph
        g.assertApplied(made, used, fewer, rest)
        XCTAssertEqual(g.status(of: tooMany), .invalid("the corrections of \(used) would take its resourceQuantity below zero (-1 kg)"))
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("10"), "4 consumed, corrected by -3 and -1: nothing consumed")
    }

    func testCorrectionOfATransferAdjustsBothSides() {
        let r = net.raise(alice, "10", "kg")
        let sent = net.event("transfer", provider: alice, receiver: bob, ["resourceQuantity": qty("5", "kg"), "resourceInventoriedAs": ref(r),
                                                                         "newInventoriedResource": ["name": "bob's"]])
        let fix = net.event("transfer", provider: alice, receiver: bob, ["resourceQuantity": qty("-1", "kg"), "corrects": ref(sent)])
        let g = net.graph
        g.assertApplied(sent, fix)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("6"))
        XCTAssertEqual(g.resource(ResourceID(createdBy: sent)).accountingQuantity, dec("4"))
    }

    func testInvalidEvents() {
        let r = net.raise(alice, "10", "kg")
        let p = net.process(alice, name: "p")
        let cases: [(EntryID, String)] = [
            (net.event("juggle", provider: alice), "unknown action \"juggle\"; VF 1.0 defines " + Action.allCases.map(\.rawValue).sorted().joined(separator: ", ")),
            (net.post(alice, ["@type": "EconomicEvent", "action": "produce", "receiver": .string(alice.id)]), "produce event has no provider"),
            (net.post(alice, ["@type": "EconomicEvent", "action": "produce", "provider": .string(alice.id)]), "produce event has no receiver"),
            (net.event("consume", provider: alice, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r), "outputOf": ref(p)]),
             "consume cannot be outputOf a process (its inputOutput is input)"),
            (net.event("transfer", provider: alice, receiver: bob, ["resourceQuantity": qty("1", "kg"), "inputOf": ref(p)]),
             "transfer cannot be inputOf a process (its inputOutput is notApplicable)"),
            (net.event("consume", provider: alice, ["resourceQuantity": ["hasNumericalValue": .number("1"), "hasUnit": ""], "resourceInventoriedAs": ref(r)]),
             "resourceQuantity.hasUnit is not a non-empty unit label"),
            (net.event("consume", provider: alice, ["resourceQuantity": ["hasNumericalValue": "1.2.3", "hasUnit": "kg"], "resourceInventoriedAs": ref(r)]),
             "resourceQuantity.hasNumericalValue: \"1.2.3\" is not a finite decimal number"),
            (net.event("consume", provider: alice, ["resourceQuantity": ["hasNumericalValue": "NaN", "hasUnit": "kg"], "resourceInventoriedAs": ref(r)]),
             "resourceQuantity.hasNumericalValue: \"NaN\" is not a finite decimal number"),
            (net.event("consume", provider: alice, ["resourceQuantity": qty("1", "litre"), "resourceInventoriedAs": ref(r)]),
             "resourceQuantity is in litre but resourceInventoriedAs \(r) is counted in kg"),
            (net.event("consume", provider: alice, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(r.createdByEntry(in: net))]),
             "inputOf refers to \(r.createdByEntry(in: net)), which is an EconomicEvent, not a Process"),
            (net.event("pickup", provider: alice, ["resourceQuantity": qty("1", "kg"), "newInventoriedResource": ["name": "x"]]),
             "pickup cannot create a resource, so newInventoriedResource is not allowed"),
        ]
        let g = net.graph
        for (id, reason) in cases { XCTAssertEqual(g.status(of: id), .invalid(reason)) }
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("10"))
    }

    func testPendingUntilTheReferenceArrives() {
        let early = Fixture()
        let a = early.agent("alice")
        let made = early.event("produce", provider: a, ["resourceQuantity": qty("3", "kg"), "newInventoriedResource": ["name": "jam"]])
        let r = ResourceID(createdBy: made)
        let eaten = early.event("consume", provider: a, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r)])
        let eatenMore = early.event("consume", provider: a, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r),
                                                            "corrects": ref(eaten)])
        var builder = GraphBuilder()
        builder.insert(early.entries.filter { $0.id != made })
        guard case let .pending(reason)? = builder.graph.events[eaten]?.status else { return XCTFail("\(String(describing: builder.graph.events[eaten]?.status))") }
        XCTAssertEqual(reason, "resourceInventoriedAs refers to resource \(r), which is not known")
        guard case .pending? = builder.graph.events[eatenMore]?.status else { return XCTFail("a correction waits for what it corrects") }
        builder.insert(early.entries)
        builder.graph.assertApplied(made, eaten, eatenMore)
        XCTAssertEqual(builder.graph.resource(r).onhandQuantity, dec("1"))
    }

    func testLocalValidationTreatsUnknownAsInvalidAndRemoteAsPending() {
        let g = net.graph
        let unknown = ResourceID(createdBy: EntryID(hash: .zero))
        let payload: JSONValue = ["@type": "EconomicEvent", "action": "consume", "provider": .string(alice.id), "receiver": .string(alice.id),
                                  "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(unknown)]
        let reason = "resourceInventoriedAs refers to resource \(unknown), which is not known"
        XCTAssertEqual(EventValidator.validate(payload, known: g, origin: .local), .invalid(reason))
        XCTAssertEqual(EventValidator.validate(payload, known: g, origin: .remote), .pending(reason))
        let r = net.raise(alice, "2", "kg")
        let ok: JSONValue = ["@type": "EconomicEvent", "action": "consume", "provider": .string(alice.id), "receiver": .string(alice.id),
                             "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(r)]
        guard case .valid = EventValidator.validate(ok.serialized, known: net.graph, origin: .local) else { return XCTFail() }
        let wrongUnit: JSONValue = ["@type": "EconomicEvent", "action": "consume", "provider": .string(alice.id), "receiver": .string(alice.id),
                                    "resourceQuantity": qty("1", "g"), "resourceInventoriedAs": ref(r)]
        XCTAssertEqual(EventValidator.validate(wrongUnit, known: net.graph, origin: .local),
                       .invalid("resourceQuantity is in g but resourceInventoriedAs \(r) is counted in kg"))
    }

    func testUnverifiedEntriesAreNotApplied() {
        net.verified = false
        let made = net.event("produce", provider: alice, ["resourceQuantity": qty("3", "kg"), "newInventoriedResource": ["name": "x"]])
        let g = net.graph
        XCTAssertEqual(g.status(of: made), .unauthorized("signature not verified"))
        XCTAssertTrue(g.resources.isEmpty)
    }

    func testAgentsWithoutANodeAndProfiles() {
        let grandma = net.post(alice, ["@type": "Person", "name": "Grandma"])
        net.post(alice, ["@type": "Person", "@id": .string(alice.id), "name": "Alice"])
        let forged = net.post(alice, ["@type": "Person", "@id": .string(bob.id), "name": "Not Bob"])
        let gift = net.event("produce", provider: alice, ["resourceQuantity": qty("1", "each"), "newInventoriedResource": ["name": "scarf"]])
        // Alice answers for Grandma, who has no node.
        let given = net.post(alice, ["@type": "EconomicEvent", "action": "transfer", "provider": .string(alice.id), "receiver": ref(grandma),
            "resourceInventoriedAs": ref(ResourceID(createdBy: gift)), "toResourceInventoriedAs": ref(ResourceID(createdBy: gift)),
            "resourceQuantity": qty("1", "each")])
        let g = net.graph
        g.assertApplied(given)
        XCTAssertEqual(g.resource(ResourceID(createdBy: gift)).primaryAccountable, .described(grandma))
        XCTAssertEqual(g.agents[.described(grandma)]?.answeredBy, alice.feed)
        XCTAssertEqual(g.agents[.feed(alice.feed)]?.profile?.name, "Alice")
        guard case .invalid? = g.status(of: forged) else { return XCTFail("nobody describes another node's agent") }
    }
}

extension ResourceID {
    /// The entry id of the event that created this resource, found among the fixture's entries.
    func createdByEntry(in net: Fixture) -> EntryID {
        net.entries.first { ResourceID(createdBy: $0.id) == self }!.id
    }
}
