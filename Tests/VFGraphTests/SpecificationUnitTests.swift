import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// A quantity of a specification with a `defaultUnitOfResource` is in that unit: the
/// specification of a resource the event creates, or the event's `resourceConformsTo` when it
/// names no inventoried resource. Refused at publish, invalid in the derivation.
final class SpecificationUnitTests: XCTestCase {
    let net = Fixture()
    lazy var farm = net.agent("farm")
    lazy var mill = net.agent("mill")

    private func mismatch(_ unit: String, _ spec: EntryID, _ property: String, _ expected: String) -> String {
        "resourceQuantity is in \(unit) but specification \(spec) (\(property)) counts in \(expected)"
    }

    private func payload(_ action: String, by agent: Fixture.Agent, _ fields: [JSONName: JSONValue]) -> [UInt8] {
        var json: [JSONName: JSONValue] = ["@type": "EconomicEvent", "action": .string(action),
                                         "provider": .string(agent.id), "receiver": .string(agent.id)]
        json.merge(fields) { _, new in new }
        return JSONValue.object(json).serialized
    }

    func testPublishRefusesAQuantityInAnotherUnitThanItsSpecification() {
        let wheat = net.spec(farm, name: "wheat", unit: "kg")
        let seeds = net.spec(farm, name: "seeds")  // no default unit
        let labour = net.spec(farm, name: "labour", unit: "kg")
        let sacks = net.raise(farm, "3", "each", name: "sacks")
        var builder = GraphBuilder()
        builder.insert(net.entries)
        func check(_ action: String, _ fields: [JSONName: JSONValue]) -> PublishVerdict {
            var check = PublishCheck(builder: builder, author: farm.feed, headSequence: 4, timestamp: 1_800_000_000_000)
            return check.check(payload(action, by: farm, fields))
        }
        XCTAssertEqual(check("produce", ["resourceQuantity": qty("500", "g"), "newInventoriedResource": ["name": "wheat", "conformsTo": ref(wheat)]]),
                       .refused(mismatch("g", wheat, "newInventoriedResource.conformsTo", "kg")))
        // The validator says so itself, before the derivation is asked.
        XCTAssertEqual(EventValidator.validate(payload("transfer", by: farm, ["resourceQuantity": qty("500", "g"), "resourceConformsTo": ref(wheat)]),
                                               known: builder.graph, origin: .local),
                       .invalid(mismatch("g", wheat, "resourceConformsTo", "kg")))
        XCTAssertEqual(check("produce", ["resourceQuantity": qty("500", "g"), "resourceConformsTo": ref(wheat), "newInventoriedResource": ["name": "wheat"]]),
                       .refused(mismatch("g", wheat, "resourceConformsTo", "kg")))
        XCTAssertEqual(check("transfer", ["resourceQuantity": qty("500", "g"), "resourceConformsTo": ref(wheat)]),
                       .refused(mismatch("g", wheat, "resourceConformsTo", "kg")))
        // The same quantities in the specification's unit pass.
        XCTAssertEqual(check("produce", ["resourceQuantity": qty("0.5", "kg"), "newInventoriedResource": ["name": "wheat", "conformsTo": ref(wheat)]]), .accepted)
        XCTAssertEqual(check("transfer", ["resourceQuantity": qty("0.5", "kg"), "resourceConformsTo": ref(wheat)]), .accepted)
        // A specification without a default unit imposes none; effort is not a quantity of it;
        // an event on an existing resource answers to that resource's unit.
        XCTAssertEqual(check("produce", ["resourceQuantity": qty("500", "g"), "newInventoriedResource": ["name": "seeds", "conformsTo": ref(seeds)]]), .accepted)
        XCTAssertEqual(check("work", ["effortQuantity": qty("2", "hour"), "resourceConformsTo": ref(labour)]), .accepted)
        XCTAssertEqual(check("consume", ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(sacks), "resourceConformsTo": ref(wheat)]), .accepted)
    }

    func testRemoteEventInAnotherUnitIsInvalidAndLeftOut() {
        let wheat = net.spec(farm, name: "wheat", unit: "kg")
        let seeds = net.spec(farm, name: "seeds")
        let grams = net.event("produce", provider: mill, ["resourceQuantity": qty("500", "g"), "newInventoriedResource": ["name": "flour", "conformsTo": ref(wheat)]])
        let loose = net.event("transfer", provider: mill, receiver: farm, ["resourceQuantity": qty("500", "g"), "resourceConformsTo": ref(wheat)])
        let eaten = net.event("consume", provider: mill, ["resourceQuantity": qty("1", "g"), "resourceInventoriedAs": ref(ResourceID(createdBy: grams))])
        let kilos = net.event("produce", provider: mill, ["resourceQuantity": qty("2", "kg"), "newInventoriedResource": ["name": "wheat", "conformsTo": ref(wheat)]])
        let unitless = net.event("produce", provider: mill, ["resourceQuantity": qty("7", "each"), "newInventoriedResource": ["name": "seeds", "conformsTo": ref(seeds)]])
        let g = net.graph
        XCTAssertEqual(g.status(of: grams), .invalid(mismatch("g", wheat, "newInventoriedResource.conformsTo", "kg")))
        XCTAssertEqual(g.status(of: loose), .invalid(mismatch("g", wheat, "resourceConformsTo", "kg")))
        XCTAssertNil(g.resources[ResourceID(createdBy: grams)], "an invalid event creates nothing")
        guard case .invalid? = g.status(of: eaten) else { return XCTFail("\(String(describing: g.status(of: eaten)))") }
        g.assertApplied(kilos, unitless)
        XCTAssertEqual(g.resource(ResourceID(createdBy: kilos)).unit, "kg")
        XCTAssertEqual(g.resource(ResourceID(createdBy: unitless)).unit, "each")
    }

    /// Until the specification arrives the event waits; once it is there the verdict is the same
    /// whatever the order the entries came in.
    func testPendingUntilTheSpecificationArrivesThenInvalidInAnyOrder() {
        let wheat = net.spec(farm, name: "wheat", unit: "kg")
        let grams = net.event("produce", provider: mill, ["resourceQuantity": qty("500", "g"), "newInventoriedResource": ["name": "flour", "conformsTo": ref(wheat)]])
        let loose = net.event("transfer", provider: mill, receiver: farm, ["resourceQuantity": qty("500", "g"), "resourceConformsTo": ref(wheat)])
        var builder = GraphBuilder()
        builder.insert(net.entries.filter { $0.id != wheat })
        XCTAssertEqual(builder.graph.status(of: grams), .pending("newInventoriedResource.conformsTo refers to \(wheat), which is not known"))
        XCTAssertEqual(builder.graph.status(of: loose), .pending("resourceConformsTo refers to \(wheat), which is not known"))
        builder.insert(net.entries)
        XCTAssertEqual(builder.graph.status(of: grams), .invalid(mismatch("g", wheat, "newInventoriedResource.conformsTo", "kg")))
        XCTAssertEqual(builder.graph.status(of: loose), .invalid(mismatch("g", wheat, "resourceConformsTo", "kg")))
        let reference = Derivation.derive(net.entries)
        assertSame(builder.graph, reference, "incremental")
        var rng = SplitMix64(seed: 3)
        for round in 0..<10 { assertSame(Derivation.derive(net.entries.shuffled(using: &rng)), reference, "permutation \(round)") }
    }
}
