import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The graph is a function of the set of entries: any arrival order, any batching, gives the same graph.
final class OrderIndependenceTests: XCTestCase {
    /// The supply chain plus events whose effects do not commute: late-dated transfers,
    /// an implicit combine, a correction, an unauthorized and a pending event.
    func richEntries() -> [GraphEntry] {
        let chain = SupplyChain()
        let net = chain.net
        let (farm, mill) = (chain.farm, chain.mill)
        let tractor = net.raise(farm, "1", "each", name: "tractor")
        // Stated times put these out of feed order: the loan back is dated before the loan out's
        // feed position would suggest, so only the causal order makes them agree everywhere.
        net.event("transferCustody", provider: farm, receiver: mill, ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2030-01-01T00:00:00Z", "toLocation": "mill yard"])
        net.event("transferCustody", provider: mill, receiver: farm, ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2030-02-01T00:00:00+01:00", "toLocation": "farm shed"])
        net.event("move", provider: farm, ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2029-06-01T12:00:00Z", "toLocation": "field"])
        let pack = net.process(mill, name: "bagging")
        let sacks = net.raise(mill, "10", "each", name: "sacks")
        net.event("combine", provider: mill, ["resourceInventoriedAs": ref(sacks), "resourceQuantity": qty("10", "each"), "inputOf": ref(pack)])
        net.event("produce", provider: mill, ["resourceQuantity": qty("1", "each"), "outputOf": ref(pack), "newInventoriedResource": ["name": "pallet"]])
        net.event("produce", by: farm, provider: chain.farm, ["resourceQuantity": qty("-50", "kg"), "resourceInventoriedAs": ref(chain.resources["wheat"]!),
            "corrects": ref(chain.ids["produceWheat"]!)])
        net.event("consume", by: mill, provider: farm, receiver: mill, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(chain.resources["wheat"]!)])
        net.event("consume", provider: farm, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(ResourceID(createdBy: EntryID(hash: .zero)))])
        return net.entries
    }

    func testFiftyShuffledOrdersGiveTheSameGraph() {
        let entries = richEntries()
        let reference = Derivation.derive(entries)
        XCTAssertGreaterThan(reference.appliedOrder.count, 15)
        XCTAssertTrue(reference.events.values.contains { if case .unauthorized = $0.status { true } else { false } })
        XCTAssertTrue(reference.events.values.contains { if case .pending = $0.status { true } else { false } })
        var rng = SplitMix64(seed: 42)
        for round in 0..<50 {
            let shuffled = entries.shuffled(using: &rng)
            assertSame(Derivation.derive(shuffled), reference, "permutation \(round)")
        }
    }

    func testIncrementalEqualsRebuildInAnyOrder() {
        let entries = richEntries()
        let reference = Derivation.derive(entries)
        var rng = SplitMix64(seed: 7)
        for round in 0..<20 {
            var builder = GraphBuilder()
            var remaining = entries.shuffled(using: &rng)
            while !remaining.isEmpty {
                let batch = Int.random(in: 1...3, using: &rng)
                builder.insert(remaining.prefix(batch))
                remaining.removeFirst(min(batch, remaining.count))
                assertSame(builder.graph, Derivation.derive(builder.entries.values), "round \(round), mid-way")
            }
            assertSame(builder.graph, reference, "round \(round)")
        }
    }

    func testFeedOrderArrivalFoldsOntoTheCurrentGraph() {
        let entries = SupplyChain().net.entries
        var builder = GraphBuilder()
        for entry in entries { builder.insert([entry]) }
        assertSame(builder.graph, Derivation.derive(entries))
        XCTAssertGreaterThan(builder.appends, 0, "events arriving in causal order are appended, not re-folded")
        builder.insert(entries)  // nothing new
        assertSame(builder.graph, Derivation.derive(entries))
    }

    func testLateEarlierEventRefoldsToTheSameGraph() {
        let net = Fixture()
        let alice = net.agent("alice"), bob = net.agent("bob")
        let r = net.raise(alice, "1", "each")
        let give = net.event("transfer", provider: alice, receiver: bob, ["resourceInventoriedAs": ref(r), "toResourceInventoriedAs": ref(r),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2020-01-02T00:00:00Z"])
        let relocate = net.event("move", provider: alice, ["resourceInventoriedAs": ref(r), "toResourceInventoriedAs": ref(r),
            "resourceQuantity": qty("1", "each"), "toLocation": "attic", "hasPointInTime": "2020-01-03T00:00:00Z"])
        var builder = GraphBuilder()
        builder.insert(net.entries.filter { $0.id != give })
        XCTAssertEqual(builder.graph.events[relocate]?.status, .applied, "alice still holds it")
        builder.insert(net.entries)
        assertSame(builder.graph, Derivation.derive(net.entries))
        guard case .unauthorized? = builder.graph.events[relocate]?.status else {
            return XCTFail("after the earlier transfer, alice no longer answers for the resource: \(String(describing: builder.graph.events[relocate]?.status))")
        }
        XCTAssertEqual(builder.graph.resource(r).primaryAccountable, .feed(bob.feed))
    }
}
