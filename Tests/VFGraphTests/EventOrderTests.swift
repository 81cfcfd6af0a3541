import VFLog
import VFTestSupport
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

    /// Random graphs of events ordered together: some depend on others (dated before or
    /// after them), some on places several share (a process's container outputs), some on
    /// events ordered earlier or never folded. Each event gets the order it gets when every
    /// shared place is replaced by its dependencies.
    func testSharedPlacesOrderAsTheirDependenciesEachWould() {
        var rng = SplitMix64(seed: 5)
        for round in 0..<300 {
            let base = Int.random(in: 1...12, using: &rng), sharedCount = Int.random(in: 1...3, using: &rng), top = Int.random(in: 1...6, using: &rng)
            let count = base + sharedCount + top
            let places = (0..<count).shuffled(using: &rng)
            let basePlaces = Array(places[..<base]), sharedPlaces = Array(places[base..<base + sharedCount]).sorted()
            let topPlaces = Array(places[(base + sharedCount)...])
            // The shared places must be a range: move them to the end, renumbering the rest.
            var renumber = [Int](repeating: 0, count: count)
            for (n, place) in (basePlaces + topPlaces).enumerated() { renumber[place] = n }
            for (n, place) in sharedPlaces.enumerated() { renumber[place] = base + top + n }
            let shared = base + top ..< count
            let baseN = basePlaces.map { renumber[$0] }, topN = topPlaces.map { renumber[$0] }
            // Few distinct times, so anchors and levels tie.
            let keys = (0..<count).map { n in
                CausalKey(time: Int64.random(in: 0..<5, using: &rng), author: FeedID(key: Hash32(bytes: [UInt8](repeating: UInt8(n % 3), count: 32))!),
                          sequence: UInt64(n), entryID: EntryID(bytes: [UInt8](repeating: UInt8(n), count: 32))!)
            }
            var dependencies = [[Int32]](repeating: [], count: count)
            // Base events depend on earlier base events only: no cycle.
            for (i, place) in baseN.enumerated() where i > 0 {
                dependencies[place] = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int32(baseN[Int.random(in: 0..<i, using: &rng)]) }
            }
            for place in shared { dependencies[place] = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int32(baseN.randomElement(using: &rng)!) } }
            for place in topN {
                dependencies[place] = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int32(baseN.randomElement(using: &rng)!) }
                    + (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int32(shared.randomElement(using: &rng)!) }
            }
            // Some base events were ordered before (with an order of their own), some never folded.
            var placedOrders: [Int: EventOrder] = [:]
            var nodes: [(key: CausalKey, event: Int)] = topN.map { (keys[$0], $0) }
            for place in baseN {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: placedOrders[place] = EventOrder(key: keys[place], dependencies: [])
                case 1: break
                default: nodes.append((keys[place], place))
                }
            }
            nodes.shuffle(using: &rng)
            let sorted = CausalOrder.sort(keys: nodes, dependencies: dependencies, shared: shared) { placedOrders[$0] }
            var expanded = dependencies
            for place in topN { expanded[place] = dependencies[place].flatMap { shared.contains(Int($0)) ? dependencies[Int($0)] : [$0] } }
            for place in shared { expanded[place] = [] }
            let expected = CausalOrder.sort(keys: nodes, dependencies: expanded) { placedOrders[$0] }
            XCTAssertEqual(sorted.map(\.event), expected.map(\.event), "round \(round)")
            XCTAssertEqual(sorted.map(\.order), expected.map(\.order), "round \(round)")
        }
    }
}
