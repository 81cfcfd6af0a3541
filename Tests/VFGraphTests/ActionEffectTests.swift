import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// One test per action against the effect table (actions-1.0.0.csv): both quantities and
/// every other effect the row names.
final class ActionEffectTests: XCTestCase {
    let net = Fixture()
    lazy var alice = net.agent("alice")
    lazy var bob = net.agent("bob")

    func testProduceCreatesAndIncrementsWithLocationAccountableStageState() {
        let bake = net.process(alice, name: "baking", basedOn: "https://example.org/spec/baking")
        let made = net.event("produce", provider: alice, ["resourceQuantity": qty("10", "kg"), "outputOf": ref(bake),
            "toLocation": "oven", "state": "fresh", "newInventoriedResource": ["name": "bread", "trackingIdentifier": "lot-1"]])
        let r = ResourceID(createdBy: made)
        let more = net.event("produce", provider: alice, ["resourceQuantity": qty("2.5", "kg"), "outputOf": ref(bake), "resourceInventoriedAs": ref(r)])
        let g = net.graph
        g.assertApplied(made, more)
        let res = g.resource(r)
        XCTAssertEqual(res.accountingQuantity, dec("12.5"))
        XCTAssertEqual(res.onhandQuantity, dec("12.5"))
        XCTAssertEqual(res.unit, "kg")
        XCTAssertEqual(res.name, "bread")
        XCTAssertEqual(res.trackingIdentifier, "lot-1")
        XCTAssertEqual(res.primaryAccountable, .feed(alice.feed))
        XCTAssertEqual(res.holder, .feed(alice.feed))
        XCTAssertEqual(res.currentLocation, "oven")
        XCTAssertEqual(res.stage, "https://example.org/spec/baking")
        XCTAssertEqual(res.state, "fresh")
        XCTAssertEqual(res.createdBy, made)
    }

    func testRaiseIncrementsBoth() {
        let r = net.raise(alice, "5", "each")
        let up = net.event("raise", provider: alice, ["resourceQuantity": qty("2", "each"), "resourceInventoriedAs": ref(r), "state": "counted"])
        let g = net.graph
        g.assertApplied(up)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("7"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("7"))
        XCTAssertEqual(g.resource(r).primaryAccountable, .feed(alice.feed))
        XCTAssertEqual(g.resource(r).state, "counted")
    }

    func testLowerDecrementsBothAndMayCreate() {
        let r = net.raise(alice, "10", "each")
        let down = net.event("lower", provider: alice, ["resourceQuantity": qty("3", "each"), "resourceInventoriedAs": ref(r), "state": "recounted"])
        let opening = net.event("lower", provider: alice, ["resourceQuantity": qty("2", "each"), "newInventoriedResource": ["name": "overdraft"]])
        let g = net.graph
        g.assertApplied(down, opening)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("7"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("7"))
        XCTAssertEqual(g.resource(r).state, "recounted")
        let created = g.resource(ResourceID(createdBy: opening))
        XCTAssertEqual(created.accountingQuantity, dec("-2"))
        XCTAssertEqual(created.primaryAccountable, .feed(alice.feed))
    }

    func testConsumeDecrementsBothAndUpdatesState() {
        let r = net.raise(alice, "10", "kg")
        let p = net.process(alice, name: "mill")
        let used = net.event("consume", provider: alice, ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(p), "state": "opened"])
        let g = net.graph
        g.assertApplied(used)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("6"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("6"))
        XCTAssertEqual(g.resource(r).state, "opened")
        XCTAssertEqual(g.resource(r).primaryAccountable, .feed(alice.feed), "no implied transfer when provider = receiver")
    }

    func testUseTakesBothQuantitiesAndChangesOnlyState() {
        let tool = net.raise(alice, "1", "each")
        let p = net.process(alice, name: "cutting")
        let used = net.event("use", provider: alice, ["resourceQuantity": qty("1", "each"), "effortQuantity": qty("2", "hour"),
                                                      "resourceInventoriedAs": ref(tool), "inputOf": ref(p), "state": "dull"])
        let g = net.graph
        g.assertApplied(used)
        XCTAssertEqual(g.resource(tool).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(tool).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(tool).state, "dull")
    }

    func testCiteChangesOnlyStateAndRefusesEffort() {
        let design = net.raise(alice, "1", "each")
        let p = net.process(alice, name: "build")
        let cited = net.event("cite", provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(design), "inputOf": ref(p), "state": "cited"])
        let withEffort = net.event("cite", provider: alice, ["effortQuantity": qty("1", "hour"), "resourceInventoriedAs": ref(design)])
        let g = net.graph
        g.assertApplied(cited)
        XCTAssertEqual(g.resource(design).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(design).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(design).state, "cited")
        XCTAssertEqual(g.status(of: withEffort), .invalid("cite takes resourceQuantity only, not effortQuantity"))
    }

    func testWorkTakesEffortOnlyAndAffectsNoResource() {
        let p = net.process(alice, name: "mill")
        let worked = net.event("work", provider: alice, ["effortQuantity": qty("3", "hour"), "inputOf": ref(p)])
        let bad = net.event("work", provider: alice, ["resourceQuantity": qty("3", "hour"), "inputOf": ref(p)])
        let output = net.event("work", provider: alice, ["effortQuantity": qty("3", "hour"), "outputOf": ref(p)])
        let g = net.graph
        g.assertApplied(worked)
        XCTAssertEqual(g.status(of: bad), .invalid("work takes effortQuantity only, not resourceQuantity"))
        XCTAssertEqual(g.status(of: output), .invalid("work cannot be outputOf a process (its inputOutput is input)"))
        XCTAssertTrue(g.resources.isEmpty)
    }

    func testDeliverServiceIsOutputAndInputAndChangesNoQuantity() {
        let p = net.process(alice, name: "haircut")
        let q = net.process(bob, name: "event")
        let delivered = net.event("deliverService", provider: alice, receiver: bob,
                                  ["resourceQuantity": qty("1", "each"), "outputOf": ref(p), "inputOf": ref(q)])
        let g = net.graph
        g.assertApplied(delivered)
        XCTAssertTrue(g.resources.isEmpty)
    }

    func testPickupDecrementsOnhandOnlyAndMovesLocation() {
        let r = net.raise(alice, "10", "kg", fields: ["toLocation": "farm"])
        let trip = net.process(alice, name: "transport")
        let picked = net.event("pickup", provider: alice, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r),
                                                          "inputOf": ref(trip), "toLocation": "truck", "state": "loaded"])
        let g = net.graph
        g.assertApplied(picked)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("10"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(r).currentLocation, "truck")
        XCTAssertEqual(g.resource(r).state, "loaded")
    }

    func testDropoffIncrementsOnhandOnlyMovesAndStages() {
        let r = net.raise(alice, "10", "kg")
        let trip = net.process(alice, name: "transport", basedOn: "spec:transport")
        net.event("pickup", provider: alice, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r), "inputOf": ref(trip)])
        let dropped = net.event("dropoff", provider: alice, ["resourceQuantity": qty("10", "kg"), "resourceInventoriedAs": ref(r),
                                                            "outputOf": ref(trip), "toLocation": "market", "state": "delivered"])
        let g = net.graph
        g.assertApplied(dropped)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("10"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("10"))
        XCTAssertEqual(g.resource(r).currentLocation, "market")
        XCTAssertEqual(g.resource(r).stage, "spec:transport")
        XCTAssertEqual(g.resource(r).state, "delivered")
    }

    func testAcceptDecrementsOnhandOnly() {
        let r = net.raise(alice, "1", "each")
        let repair = net.process(alice, name: "repair")
        let accepted = net.event("accept", provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(r),
                                                            "inputOf": ref(repair), "toLocation": "workshop", "state": "broken"])
        let g = net.graph
        g.assertApplied(accepted)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(r).currentLocation, "workshop")
        XCTAssertEqual(g.resource(r).state, "broken")
    }

    func testModifyIncrementsOnhandAndStages() {
        let r = net.raise(alice, "1", "each")
        let repair = net.process(alice, name: "repair", basedOn: "spec:repair")
        net.event("accept", provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(r), "inputOf": ref(repair)])
        let modified = net.event("modify", provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(r),
                                                            "outputOf": ref(repair), "toLocation": "shelf", "state": "repaired"])
        let g = net.graph
        g.assertApplied(modified)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).stage, "spec:repair")
        XCTAssertEqual(g.resource(r).state, "repaired")
        XCTAssertEqual(g.resource(r).currentLocation, "shelf")
    }

    func testCombineDecrementsOnhandAndSetsContainer() {
        let item = net.raise(alice, "3", "each")
        let other = net.raise(alice, "1", "each")
        let crate = net.raise(alice, "1", "each", name: "crate")
        let pack = net.process(alice, name: "packing")
        // Container from the process's output (no toResourceInventoriedAs)...
        let combined = net.event("combine", provider: alice, ["resourceQuantity": qty("3", "each"), "resourceInventoriedAs": ref(item),
                                                             "inputOf": ref(pack), "state": "packed"])
        let box = net.event("produce", provider: alice, ["resourceQuantity": qty("1", "each"), "outputOf": ref(pack),
                                                        "newInventoriedResource": ["name": "box"]])
        // ...or named explicitly.
        let explicit = net.event("combine", provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(other),
                                                             "toResourceInventoriedAs": ref(crate)])
        let g = net.graph
        g.assertApplied(combined, box, explicit)
        XCTAssertEqual(g.resource(item).containedIn, ResourceID(createdBy: box))
        XCTAssertEqual(g.resource(item).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(item).accountingQuantity, dec("3"))
        XCTAssertEqual(g.resource(item).state, "packed")
        XCTAssertEqual(g.resource(other).containedIn, crate)
        XCTAssertEqual(g.resource(crate).onhandQuantity, dec("1"), "the container's quantities are not touched")
    }

    func testSeparateIncrementsOnhandAndClearsContainer() {
        let item = net.raise(alice, "3", "each")
        let crate = net.raise(alice, "1", "each", name: "crate")
        net.event("combine", provider: alice, ["resourceQuantity": qty("3", "each"), "resourceInventoriedAs": ref(item), "toResourceInventoriedAs": ref(crate)])
        let unpack = net.process(alice, name: "unpacking", basedOn: "spec:unpack")
        let separated = net.event("separate", provider: alice, ["resourceQuantity": qty("3", "each"), "resourceInventoriedAs": ref(item),
                                                               "outputOf": ref(unpack), "state": "loose"])
        let g = net.graph
        g.assertApplied(separated)
        XCTAssertNil(g.resource(item).containedIn)
        XCTAssertEqual(g.resource(item).onhandQuantity, dec("3"))
        XCTAssertEqual(g.resource(item).accountingQuantity, dec("3"))
        XCTAssertEqual(g.resource(item).stage, "spec:unpack")
        XCTAssertEqual(g.resource(item).state, "loose")
    }

    func testTransferMovesRightsAndCustody() {
        let r = net.raise(alice, "10", "kg")
        let sent = net.event("transfer", provider: alice, receiver: bob, ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(r),
            "toLocation": "bob's barn", "state": "sold", "newInventoriedResource": ["name": "wheat"]])
        let t = ResourceID(createdBy: sent)
        let g = net.graph
        g.assertApplied(sent)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("6"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("6"))
        XCTAssertEqual(g.resource(t).accountingQuantity, dec("4"))
        XCTAssertEqual(g.resource(t).onhandQuantity, dec("4"))
        XCTAssertEqual(g.resource(t).primaryAccountable, .feed(bob.feed))
        XCTAssertEqual(g.resource(t).holder, .feed(bob.feed))
        XCTAssertEqual(g.resource(t).currentLocation, "bob's barn")
        XCTAssertEqual(g.resource(t).state, "sold")
        XCTAssertNil(g.resource(r).state, "state changes on the to-resource only")
    }

    func testTransferOfWholeResourceUnderOneID() {
        let r = net.raise(alice, "1", "each")
        let sent = net.event("transfer", provider: alice, receiver: bob, ["resourceQuantity": qty("1", "each"),
                                                                         "resourceInventoriedAs": ref(r), "toResourceInventoriedAs": ref(r)])
        let g = net.graph
        g.assertApplied(sent)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(r).primaryAccountable, .feed(bob.feed))
        XCTAssertEqual(g.resource(r).holder, .feed(bob.feed))
    }

    func testTransferAllRightsMovesAccountingOnly() {
        let r = net.raise(alice, "10", "kg")
        let sent = net.event("transferAllRights", provider: alice, receiver: bob, ["resourceQuantity": qty("4", "kg"),
            "resourceInventoriedAs": ref(r), "state": "owned", "newInventoriedResource": ["name": "share"]])
        let t = ResourceID(createdBy: sent)
        let g = net.graph
        g.assertApplied(sent)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("6"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("10"))
        XCTAssertEqual(g.resource(t).accountingQuantity, dec("4"))
        XCTAssertEqual(g.resource(t).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(t).primaryAccountable, .feed(bob.feed))
        XCTAssertEqual(g.resource(t).holder, .feed(alice.feed), "custody did not move")
        XCTAssertEqual(g.resource(t).state, "owned")
    }

    func testTransferCustodyMovesOnhandOnlyAndKeepsProviderAccountable() {
        let r = net.raise(alice, "10", "kg")
        let lent = net.event("transferCustody", provider: alice, receiver: bob, ["resourceQuantity": qty("4", "kg"),
            "resourceInventoriedAs": ref(r), "toLocation": "bob's shed", "state": "on loan", "newInventoriedResource": ["name": "loan"]])
        let t = ResourceID(createdBy: lent)
        let g = net.graph
        g.assertApplied(lent)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("10"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("6"))
        XCTAssertEqual(g.resource(t).accountingQuantity, dec("0"))
        XCTAssertEqual(g.resource(t).onhandQuantity, dec("4"))
        XCTAssertEqual(g.resource(t).primaryAccountable, .feed(alice.feed))
        XCTAssertEqual(g.resource(t).holder, .feed(bob.feed))
        XCTAssertEqual(g.resource(t).currentLocation, "bob's shed")
        XCTAssertEqual(g.resource(t).state, "on loan")
    }

    func testMoveKeepsRightsAndCustody() {
        let r = net.raise(alice, "10", "kg")
        let moved = net.event("move", provider: alice, ["resourceQuantity": qty("3", "kg"), "resourceInventoriedAs": ref(r),
            "toLocation": "shed", "state": "stored", "newInventoriedResource": ["name": "in the shed"]])
        let t = ResourceID(createdBy: moved)
        let g = net.graph
        g.assertApplied(moved)
        XCTAssertEqual(g.resource(r).accountingQuantity, dec("7"))
        XCTAssertEqual(g.resource(r).onhandQuantity, dec("7"))
        XCTAssertEqual(g.resource(t).accountingQuantity, dec("3"))
        XCTAssertEqual(g.resource(t).onhandQuantity, dec("3"))
        XCTAssertEqual(g.resource(t).currentLocation, "shed")
        XCTAssertEqual(g.resource(t).state, "stored")
        XCTAssertEqual(g.resource(t).primaryAccountable, .feed(alice.feed))
    }

    func testCopyCreatesForReceiverAndLeavesOriginal() {
        let doc = net.raise(alice, "1", "each")
        let copied = net.event("copy", provider: alice, receiver: bob, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(doc),
            "toLocation": "bob's drive", "state": "copy", "newInventoriedResource": ["name": "document copy"]])
        let t = ResourceID(createdBy: copied)
        let g = net.graph
        g.assertApplied(copied)
        XCTAssertEqual(g.resource(doc).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(doc).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(t).accountingQuantity, dec("1"))
        XCTAssertEqual(g.resource(t).onhandQuantity, dec("1"))
        XCTAssertEqual(g.resource(t).primaryAccountable, .feed(bob.feed))
        XCTAssertEqual(g.resource(t).currentLocation, "bob's drive")
        XCTAssertEqual(g.resource(t).state, "copy")
    }

    func testEveryActionHasARow() {
        XCTAssertEqual(Action.allCases.count, 19)
        for action in Action.allCases { XCTAssertNotNil(Action.table[action], "\(action)") }
        XCTAssertEqual(Action.work.behavior.eventQuantity, .effort)
        for action in [Action.pickup, .dropoff, .accept, .modify] { XCTAssertEqual(action.behavior.createResource, .notApplicable) }
    }
}
