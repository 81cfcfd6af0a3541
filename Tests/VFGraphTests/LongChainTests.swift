import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A production chain thousands of steps long: trace reaches its origin without exhausting
/// the stack, and every step is found through the index rather than a scan.
final class LongChainTests: XCTestCase {
    func testTraceThroughAChainOfTwoThousandProcesses() {
        let net = Fixture()
        let maker = net.agent("maker")
        var previous = ResourceID(createdBy: net.event("produce", provider: maker, ["resourceQuantity": qty("1", "each"),
            "newInventoriedResource": ["name": "step 0"]]))
        let origin = previous
        let steps = 2000
        for step in 1...steps {
            let process = net.process(maker, name: "step \(step)")
            net.event("consume", provider: maker, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(previous), "inputOf": ref(process)])
            previous = ResourceID(createdBy: net.event("produce", provider: maker, ["resourceQuantity": qty("1", "each"),
                "outputOf": ref(process), "newInventoriedResource": ["name": .string("step \(step)")]]))
        }
        let graph = net.graph
        let trace = graph.trace(from: .resource(previous))
        // resource ← produce ← process ← consume ← resource, four items per step, back to the first.
        XCTAssertEqual(trace.count, 4 * steps + 1)
        XCTAssertEqual(trace.last?.item, .resource(origin))
        // Forwards, the first resource also leads to the process-less event that made it.
        XCTAssertEqual(graph.track(from: .resource(origin)).count, 4 * steps + 2)
        XCTAssertEqual(graph.track(from: .resource(origin)).last?.item, .resource(previous))
    }
}

