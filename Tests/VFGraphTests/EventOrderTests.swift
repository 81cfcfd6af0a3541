import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The causal order's byte form (docs/protocol.md §16, item 4): its test vector and its example.
final class EventOrderTests: XCTestCase {
    private func key(_ time: Int64, _ fill: UInt8 = 1) -> CausalKey {
        CausalKey(time: time, author: FeedID(key: Hash32(bytes: [UInt8](repeating: fill, count: 32))!), sequence: 7,
                  entryID: EntryID(bytes: [UInt8](repeating: 2, count: 32))!)
    }

    func testTheVectorOfTheSpecification() {
        let k = key(1_700_000_000_000)
        XCTAssertEqual(k.bytes.hexString, "8000018bcfe56800" + String(repeating: "01", count: 32) + "0000000000000007" + String(repeating: "02", count: 32))
        XCTAssertEqual(EventOrder(key: k, dependencies: []).description, k.bytes.hexString + "00000000")
    }

    func testKeyBytesCompareAsKeysDo() {
        let times: [Int64] = [.min, -1_000, -1, 0, 1, 999, 1_700_000_000_000, .max]
        for a in times { for b in times { XCTAssertEqual(key(a).bytes.lexicographicallyPrecedes(key(b).bytes), key(a) < key(b), "\(a) \(b)") } }
        XCTAssertTrue(key(5, 1).bytes.lexicographicallyPrecedes(key(5, 3).bytes), "then by author")
    }

    /// A at 100; B at 50 naming A's resource; C at 52 naming B's; D at 55 naming A's: A, B, D, C.
    func testTheExampleOfTheSpecification() {
        let a = EventOrder(key: key(100), dependencies: [])
        let b = EventOrder(key: key(50), dependencies: [a])
        let c = EventOrder(key: key(52), dependencies: [b])
        let d = EventOrder(key: key(55), dependencies: [a])
        XCTAssertEqual([c, d, b, a].sorted(), [a, b, d, c])
        XCTAssertEqual(b.level, 1)
        XCTAssertEqual(c.level, 2)
        XCTAssertEqual(Array(c.anchor), key(100).bytes)
        // An event dated after what it depends on is its own anchor, and comes after it.
        let e = EventOrder(key: key(200), dependencies: [c, d])
        XCTAssertEqual(e, EventOrder(key: key(200), dependencies: []))
        XCTAssertLessThan(c, e)
        // Unknown lengths are refused when read back.
        XCTAssertNil(EventOrder(bytes: Array(a.bytes.dropLast())))
        XCTAssertEqual(EventOrder(bytes: c.bytes), c)
    }

    /// The order the derivation folds in is the orders' order, and never puts an event before
    /// what it depends on, whatever the stated times.
    func testDependenciesComeFirstWhateverTheTimes() {
        let net = Fixture()
        let farm = net.agent("farm")
        // Each step names the resource of the one before, each dated earlier than the last.
        var resource = net.raise(farm, "1", "kg", fields: ["hasPointInTime": "2030-01-01T00:00:00Z"])
        var ids: [EntryID] = []
        for day in (1...9).reversed() {
            let id = net.event("transfer", provider: farm, ["resourceInventoriedAs": ref(resource), "resourceQuantity": qty("1", "kg"),
                "hasPointInTime": .string("2029-01-0\(day)T00:00:00Z"), "newInventoriedResource": ["name": "step"]])
            ids.append(id)
            resource = ResourceID(createdBy: id)
        }
        let graph = Derivation.derive(net.entries)
        let applied = graph.appliedOrder
        XCTAssertEqual(Array(applied.dropFirst()), ids, "each after the one it depends on")
        let orders = applied.map { graph.events[$0]!.order! }
        XCTAssertEqual(orders, orders.sorted())
    }
}
