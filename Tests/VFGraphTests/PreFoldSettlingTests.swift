import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph

/// Step 2 of the derivation settles dependencies on an explicit stack: a chain of dependencies
/// as long as its authors make it does not overflow the thread's stack, and every outcome is
/// what the recursive walk of the definition gives.
final class PreFoldSettlingTests: XCTestCase {
    private func ids(_ count: Int) -> [EntryID] {
        (0..<count).map { n in
            var bytes = [UInt8](repeating: 0, count: 32)
            withUnsafeBytes(of: UInt64(n).bigEndian) { bytes.replaceSubrange(24..<32, with: $0) }
            return EntryID(hash: Hash32(bytes: bytes)!)
        }
    }

    /// A chain in which each event depends on the next, walked from its first: 300,000 deep,
    /// far past what a recursive walk survives on an 8 MB stack.
    func testAChainHundredsOfThousandsDeepSettles() {
        let count = 300_000
        var needs = (0..<count - 1).map { PreFoldNeed.ready(dependencies: [Int32($0 + 1)], container: nil) }
        needs.append(.failed(.pending("waits for %x"), waitsFor: nil))
        let ids = ids(count)
        let outcomes = PreFoldSettling(needs: needs, ids: ids, given: Array(repeating: nil, count: count)).settle()
        XCTAssertEqual(outcomes[count - 2].status, .pending("waits for \(ids[count - 1]): waits for %x"))
        XCTAssertEqual(outcomes[0].status, .pending("waits for \(ids[1]): waits for %x"))
        XCTAssertEqual(outcomes[0].root, "waits for %x")
        XCTAssertEqual(outcomes[0].waitsFor, ids[1].hash)
    }

    /// Random dependency graphs, with failures, self-references, cycles and outcomes given:
    /// the same outcomes as the recursive definition below.
    func testTheOutcomesAreThoseOfTheRecursiveWalk() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<400 {
            let count = Int.random(in: 1...14, using: &rng)
            let ids = ids(count).shuffled(using: &rng)
            let needs: [PreFoldNeed] = (0..<count).map { _ in
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: return .failed(.pending("p"), waitsFor: ids[0].hash)
                case 1: return .failed(.invalid("i"), waitsFor: nil)
                case 2: return .failed(.unauthorized("u"), waitsFor: nil)
                default:
                    let deps = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int32.random(in: 0..<Int32(count), using: &rng) }
                    return .ready(dependencies: deps, container: nil)
                }
            }
            let given: [PreFoldOutcome?] = (0..<count).map { _ in
                Int.random(in: 0..<6, using: &rng) == 0 ? PreFoldOutcome(status: .invalid("given"), root: "given") : nil
            }
            let settling = PreFoldSettling(needs: needs, ids: ids, given: given)
            var reference = RecursiveReference(settling: settling)
            XCTAssertEqual(settling.settle(), reference.settle(), "round \(round)")
        }
    }
}

extension PreFoldSettlingTests {
    /// Random graphs shaped as the derivation makes them: events that depend on one another
    /// (with failures, cycles and outcomes given), places shared among events (a process's
    /// container outputs, which never reach back to the combines depending on them), and
    /// events depending on shared places and events, and corrections of those. Every event
    /// settles as it does when each shared place is replaced by its dependencies, in order.
    func testSharedPlacesSettleAsTheirDependenciesEachWould() {
        var rng = SplitMix64(seed: 11)
        for round in 0..<400 {
            let base = Int.random(in: 1...10, using: &rng), sharedCount = Int.random(in: 1...3, using: &rng)
            let top = Int.random(in: 1...6, using: &rng), corrections = Int.random(in: 0...3, using: &rng)
            let count = base + sharedCount + top + corrections
            // Where each kind lands among the places: anywhere, as in a derivation's event list.
            let places = (0..<count).shuffled(using: &rng).map(Int32.init)
            let basePlaces = Array(places[..<base]), sharedPlaces = Array(places[base..<base + sharedCount])
            let topPlaces = Array(places[base + sharedCount..<base + sharedCount + top]), correctionPlaces = Array(places[(count - corrections)...])
            func failedOrReady(_ deps: [Int32]) -> PreFoldNeed {
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: .failed(.pending("p"), waitsFor: nil)
                case 1: .failed(.invalid("i"), waitsFor: nil)
                case 2: .failed(.unauthorized("u"), waitsFor: nil)
                default: .ready(dependencies: deps, container: nil)
                }
            }
            var needs = [PreFoldNeed](repeating: .ready(dependencies: [], container: nil), count: count)
            var expanded = needs
            var members: [Int32: [Int32]] = [:]
            for place in basePlaces {
                needs[Int(place)] = failedOrReady((0..<Int.random(in: 0...3, using: &rng)).map { _ in basePlaces.randomElement(using: &rng)! })
                expanded[Int(place)] = needs[Int(place)]
            }
            for place in sharedPlaces {
                members[place] = (0..<Int.random(in: 0...4, using: &rng)).map { _ in basePlaces.randomElement(using: &rng)! }
                needs[Int(place)] = .shared(dependencies: members[place]!)
                expanded[Int(place)] = .ready(dependencies: [], container: nil)
            }
            for place in topPlaces {
                var deps = (0..<Int.random(in: 0...2, using: &rng)).map { _ in basePlaces.randomElement(using: &rng)! }
                if Bool.random(using: &rng) { deps.append(sharedPlaces.randomElement(using: &rng)!) }
                needs[Int(place)] = failedOrReady(deps)
                expanded[Int(place)] = needs[Int(place)]
                if case .ready = needs[Int(place)] { expanded[Int(place)] = .ready(dependencies: deps.flatMap { members[$0] ?? [$0] }, container: nil) }
            }
            for place in correctionPlaces {
                needs[Int(place)] = failedOrReady([topPlaces.randomElement(using: &rng)!])
                expanded[Int(place)] = needs[Int(place)]
            }
            let ids = ids(count).shuffled(using: &rng)
            let given: [PreFoldOutcome?] = (0..<count).map { place in
                sharedPlaces.contains(Int32(place)) || Int.random(in: 0..<6, using: &rng) != 0 ? nil : PreFoldOutcome(status: .invalid("given"), root: "given")
            }
            let outcomes = PreFoldSettling(needs: needs, ids: ids, given: given).settle()
            var reference = RecursiveReference(settling: PreFoldSettling(needs: expanded, ids: ids, given: given))
            let expected = reference.settle()
            for place in 0..<count where !sharedPlaces.contains(Int32(place)) {
                XCTAssertEqual(outcomes[place], expected[place], "round \(round), place \(place)")
            }
        }
    }

    /// The events a process's implicit combines depend on are held once: c combines on a
    /// process with k outputs hold about c + k dependencies, not c × k.
    func testImplicitCombinesHoldTheSumOfTheirDependenciesNotTheProduct() {
        let net = Fixture()
        let mill = net.agent("mill")
        let packing = net.process(mill, name: "packing")
        let box = ResourceID(createdBy: net.event("produce", provider: mill, ["outputOf": ref(packing), "resourceQuantity": qty("1", "each"),
                                                                          "newInventoriedResource": ["name": "box"]]))
        for _ in 1..<40 { net.event("produce", provider: mill, ["outputOf": ref(packing), "resourceInventoriedAs": ref(box), "resourceQuantity": qty("1", "each")]) }
        for n in 0..<50 {
            let part = net.raise(mill, "1", "each", name: "part \(n)")
            net.event("combine", provider: mill, ["inputOf": ref(packing), "resourceInventoriedAs": ref(part), "resourceQuantity": qty("1", "each")])
        }
        var derivation = Derivation()
        _ = derivation.catalogue(net.entries)
        let resolution = derivation.resolve()
        XCTAssertEqual(resolution.containers.count, 50, "every combine found the box")
        XCTAssertTrue(resolution.containers.values.allSatisfy { $0 == box })
        let held = resolution.dependencies.reduce(0) { $0 + $1.count }
        // Each combine: its part's raise and the shared place; each produce into the box: the
        // box's creator; the shared place: the 40 outputs.
        XCTAssertEqual(held, 50 * 2 + 39 + 40)
        XCTAssertEqual(resolution.shared.count, 1)
        XCTAssertTrue(Derivation.derive(net.entries).events.values.allSatisfy { $0.status == .applied })
    }
}

/// The recursive walk as it was first written, which the explicit stack must agree with.
private struct RecursiveReference {
    let settling: PreFoldSettling
    var state: [UInt8]
    var outcomes: [PreFoldOutcome]
    var foundCycle = false

    init(settling: PreFoldSettling) {
        self.settling = settling
        state = settling.given.map { $0 == nil ? 0 : 2 }
        outcomes = settling.given.map { $0 ?? PreFoldOutcome() }
    }

    mutating func settle() -> [PreFoldOutcome] {
        for index in settling.ids.indices { _ = walk(index) }
        if foundCycle {
            self = RecursiveReference(settling: settling)
            for index in settling.ids.indices.sorted(by: { settling.ids[$0] < settling.ids[$1] }) { _ = walk(index) }
        }
        return outcomes
    }

    mutating func walk(_ index: Int) -> EventStatus? {
        if state[index] == 2 { return outcomes[index].status }
        var result = PreFoldOutcome()
        switch settling.needs[index] {
        case let .failed(status, waitsFor):
            result = PreFoldOutcome(status: status, root: status.reason, waitsFor: status.isPending ? waitsFor : nil)
        case let .ready(dependencies, _) where !dependencies.isEmpty:
            guard state[index] == 0 else {
                foundCycle = true
                return .invalid("circular dependency through \(settling.ids[index])")
            }
            state[index] = 1
            for dep in dependencies where Int(dep) != index {
                let depID = settling.ids[Int(dep)]
                let status = walk(Int(dep))
                let root = (state[Int(dep)] == 2 ? outcomes[Int(dep)].root : nil) ?? status?.reason ?? ""
                switch status {
                case .pending?: result = PreFoldOutcome(status: .pending("waits for \(depID): \(root)"), root: root, waitsFor: depID.hash)
                case .invalid?: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is invalid: \(root)"), root: root)
                case .unauthorized?: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is unauthorized: \(root)"), root: root)
                case .applied?, nil: continue
                }
                break
            }
        case .ready:
            break
        case .shared:
            preconditionFailure("the reference is the walk before shared places: give it each shared place's dependencies")
        }
        state[index] = 2
        outcomes[index] = result
        return result.status
    }
}
