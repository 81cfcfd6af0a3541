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
        }
        state[index] = 2
        outcomes[index] = result
        return result.status
    }
}
