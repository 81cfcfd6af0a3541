import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

final class TrackTraceTests: XCTestCase {
    func testChainQuantitiesAndHolders() {
        let chain = SupplyChain()
        let g = chain.net.graph
        for (name, id) in chain.ids { XCTAssertEqual(g.events[id]?.status, .applied, name) }
        XCTAssertEqual(g.resource(chain.resources["wheat"]!).accountingQuantity, dec("600"))
        XCTAssertEqual(g.resource(chain.resources["millWheat"]!).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(chain.resources["flour"]!).onhandQuantity, dec("0"))
        XCTAssertEqual(g.resource(chain.resources["flour"]!).primaryAccountable, .feed(chain.bakery.feed))
        let bread = g.resource(chain.resources["bread"]!)
        XCTAssertEqual(bread.onhandQuantity, dec("500"))
        XCTAssertEqual(bread.currentLocation, "market")
        XCTAssertEqual(bread.stage, "spec:transport")
        XCTAssertEqual(bread.primaryAccountable, .feed(chain.bakery.feed))
        XCTAssertEqual(bread.holder, .feed(chain.bakery.feed), "custody went to the carrier and came back")
    }

    func testTraceBreadBackToTheFarm() {
        let chain = SupplyChain()
        let g = chain.net.graph
        let flows = g.trace(from: .event(chain.ids["produceBread"]!))
        let events = Set(flows.compactMap(\.event?.id))
        for name in ["produceBread", "consumeFlour", "bakeWork", "sellFlour", "produceFlour", "consumeWheat", "millWork", "sellWheat", "produceWheat"] {
            XCTAssertTrue(events.contains(chain.ids[name]!), "trace reaches \(name)")
        }
        XCTAssertFalse(events.contains(chain.ids["pickup"]!), "the trace of how bread was made does not go forwards")
        XCTAssertTrue(flows.map(\.item).contains(.resource(chain.resources["millWheat"]!)))
        XCTAssertEqual(flows.first?.parent, nil)
        XCTAssertEqual(Set(flows.map(\.item)).count, flows.count, "each item once")
        // Every event carries its provenance.
        let bakeWork = flows.first { $0.event?.id == chain.ids["bakeWork"]! }!.event!
        XCTAssertEqual(bakeWork.provenance.author, chain.bakery.feed)
        XCTAssertEqual(bakeWork.provenance.entryID, chain.ids["bakeWork"]!)
        XCTAssertTrue(bakeWork.provenance.signatureVerified)
        XCTAssertEqual(bakeWork.provenance.sequence, chain.net.entry(chain.ids["bakeWork"]!).sequence)
        // Order: the flour is reached before the wheat.
        let position = { (name: String) in flows.firstIndex { $0.event?.id == chain.ids[name]! }! }
        XCTAssertLessThan(position("produceFlour"), position("produceWheat"))
    }

    func testTrackWheatForwardToBread() {
        let chain = SupplyChain()
        let g = chain.net.graph
        let flows = g.track(from: .resource(chain.resources["wheat"]!))
        let items = flows.map(\.item)
        XCTAssertTrue(items.contains(.resource(chain.resources["flour"]!)))
        XCTAssertTrue(items.contains(.resource(chain.resources["bread"]!)))
        XCTAssertTrue(items.contains(.event(chain.ids["dropoff"]!)), "tracking follows the bread to market")
        XCTAssertFalse(items.contains(.event(chain.ids["millWork"]!)), "work is an input, not something wheat went into")
    }

    func testTransportPairsPickupWithDropoff() {
        let chain = SupplyChain()
        let g = chain.net.graph
        // Backwards from the dropoff: only the pickup of the same resource is followed.
        let back = g.trace(from: .event(chain.ids["dropoff"]!)).map(\.item)
        XCTAssertTrue(back.contains(.event(chain.ids["pickup"]!)))
        XCTAssertFalse(back.contains(.event(chain.ids["pickupCrates"]!)), "the crates were not delivered by this dropoff")
        XCTAssertTrue(back.contains(.event(chain.ids["produceBread"]!)))
        // Forwards from the pickup: only the dropoff of the same resource.
        let forward = g.track(from: .event(chain.ids["pickup"]!)).map(\.item)
        XCTAssertTrue(forward.contains(.event(chain.ids["dropoff"]!)))
        let fromCrates = g.track(from: .event(chain.ids["pickupCrates"]!)).map(\.item)
        XCTAssertFalse(fromCrates.contains(.event(chain.ids["dropoff"]!)), "the bread's dropoff does not continue the crates' flow")
    }

    func testPreviousAndNext() {
        let chain = SupplyChain()
        let g = chain.net.graph
        let flour = chain.resources["flour"]!
        XCTAssertEqual(Set(g.previous(.resource(flour))), [.event(chain.ids["produceFlour"]!), .event(chain.ids["sellFlour"]!)])
        XCTAssertEqual(Set(g.next(.resource(flour))), [.event(chain.ids["sellFlour"]!), .event(chain.ids["consumeFlour"]!)])
        guard case let .process(milling)? = g.previous(.event(chain.ids["produceFlour"]!)).first else { return XCTFail("no process") }
        XCTAssertEqual(Set(g.previous(.process(milling))), [.event(chain.ids["consumeWheat"]!), .event(chain.ids["millWork"]!)])
        XCTAssertEqual(g.next(.event(chain.ids["sellWheat"]!)), [.resource(chain.resources["millWheat"]!)])
    }

    func testCyclesTerminate() {
        // Compost feeds the garden, whose output becomes compost again: the visited set stops the loop.
        let net = Fixture()
        let alice = net.agent("alice")
        let garden = net.process(alice, name: "garden")
        let compost = net.raise(alice, "10", "kg", name: "compost")
        net.event("consume", provider: alice, ["resourceQuantity": qty("5", "kg"), "resourceInventoriedAs": ref(compost), "inputOf": ref(garden)])
        net.event("produce", provider: alice, ["resourceQuantity": qty("3", "kg"), "resourceInventoriedAs": ref(compost), "outputOf": ref(garden)])
        let g = net.graph
        let traced = g.trace(from: .resource(compost))
        let tracked = g.track(from: .resource(compost))
        XCTAssertEqual(Set(traced.map(\.item)).count, traced.count)
        XCTAssertEqual(Set(tracked.map(\.item)).count, tracked.count)
        XCTAssertTrue(traced.map(\.item).contains(.process(garden)))
        XCTAssertTrue(tracked.map(\.item).contains(.process(garden)))
    }
}
