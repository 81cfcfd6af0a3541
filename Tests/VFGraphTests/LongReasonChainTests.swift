import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Found in review: a status whose reason quoted the whole reason of the event it depends on
/// grew along a chain, so one feed posting a long chain made the reasons' total size grow with
/// the square of its length (20,000 corrections ran a node out of memory). Reasons now name
/// the event depended on and the root cause only, so each stays short.
final class LongReasonChainTests: XCTestCase {
    let net = Fixture()
    lazy var alice = net.agent("alice")
    let length = 1_500

    func testAChainWaitingOnOneMissingProcessHasShortReasons() {
        let unknownProcess = EntryID(hash: Hash32(bytes: [UInt8](repeating: 9, count: 32))!)
        var previous = ResourceID(createdBy: net.event("produce", provider: alice, ["resourceQuantity": qty("1", "kg"),
            "outputOf": ref(unknownProcess), "newInventoriedResource": ["name": "first"]]))
        for step in 1...length {
            previous = ResourceID(createdBy: net.event("transfer", provider: alice, ["resourceQuantity": qty("1", "kg"),
                "resourceInventoriedAs": ref(previous), "newInventoriedResource": .object(["name": .string("step \(step)")])]))
        }
        let statuses = net.graph.events.values.map(\.status)
        XCTAssertEqual(statuses.count, length + 1)
        XCTAssertTrue(statuses.allSatisfy { if case .pending = $0 { true } else { false } })
        let last = net.graph.events[net.entries.last!.id]!.status.reason ?? ""
        XCTAssertTrue(last.contains("outputOf refers to \(unknownProcess)"), "the root cause is named: \(last)")
        XCTAssertLessThan(statuses.map { $0.reason?.count ?? 0 }.max()!, 400)
    }

    func testAChainOfCorrectionsOfAnInvalidEventHasShortReasons() {
        let stock = net.raise(alice, "10", "kg")
        var previous = net.event("consume", provider: alice, ["resourceQuantity": qty("1", "g"), "resourceInventoriedAs": ref(stock)])
        for _ in 1...length {
            previous = net.event("consume", provider: alice, ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(stock),
                                                              "corrects": ref(previous)])
        }
        let graph = net.graph
        XCTAssertEqual(graph.resource(stock).onhandQuantity, dec("10"), "nothing applied")
        let reasons = graph.events.values.compactMap(\.status.reason)
        XCTAssertEqual(reasons.count, length + 1)
        XCTAssertTrue(graph.events[previous]!.status.reason!.contains("which was not applied (invalid)"))
        XCTAssertLessThan(reasons.map(\.count).max()!, 400)
    }
}
