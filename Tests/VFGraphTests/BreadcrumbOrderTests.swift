import VFJSON
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The second half of the pseudocode's ordering clause (algorithms_track.md): when the saved
/// breadcrumb is not among an item's neighbours and the first neighbour is a resource already
/// visited, the breadcrumb is walked first. Both graphs revisit one tool through a cycle.
final class BreadcrumbOrderTests: XCTestCase {
    let net = Fixture()
    lazy var alice = net.agent("alice")
    lazy var making = net.process(alice, name: "making")
    lazy var inspection = net.process(alice, name: "inspection")
    lazy var refurbishing = net.process(alice, name: "refurbishing")
    /// The event that makes the tool; the first event of each test.
    lazy var made = net.event("produce", provider: alice, ["resourceQuantity": qty("1", "each"), "outputOf": ref(making),
                                                          "newInventoriedResource": ["name": "tool"]])
    var tool: ResourceID { ResourceID(createdBy: made) }

    /// One tool going into `process`, or coming out of it.
    private func step(_ action: String, _ process: EntryID) -> EntryID {
        let side = action == "produce" ? "outputOf" : "inputOf"
        return net.event(action, provider: alice, ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(tool), JSONName(side): ref(process)])
    }

    func testTraceGoesOnAlongTheBreadcrumbFromAVisitedResource() {
        let made = made  // posted first
        // A use is not among the tool's `previous`: only the breadcrumb leads a trace to it.
        let used = step("use", inspection)
        let taken = step("consume", refurbishing)
        let remade = step("produce", refurbishing)
        let g = net.graph
        g.assertApplied(made, used, taken, remade)
        XCTAssertEqual(g.events[taken]?.previousEvent, used)
        XCTAssertEqual(g.events[used]?.previousEvent, made)

        let flows = g.trace(from: .resource(tool))
        // The consume leads back to the tool, visited already: its breadcrumb (the use) is taken
        // instead, and the use's breadcrumb (the making) after it. Without the clause the use is
        // never reached and the making is reached from the tool.
        XCTAssertEqual(flows.map(\.item), [.resource(tool), .event(remade), .process(refurbishing), .event(taken),
                                           .event(used), .event(made), .process(making)])
        let parent = { (id: EntryID) in flows.first { $0.item == .event(id) }?.parent }
        XCTAssertEqual(parent(used), .event(taken))
        XCTAssertEqual(parent(made), .event(used))
    }

    func testTrackGoesOnAlongTheBreadcrumbFromAVisitedResource() {
        let made = made  // posted first
        let taken = step("consume", refurbishing)
        let remade = step("produce", refurbishing)
        let used = step("use", inspection)
        // Refurbishing also writes a report, after the tool was used again.
        let reported = net.event("produce", provider: alice, ["resourceQuantity": qty("1", "each"), "outputOf": ref(refurbishing),
                                                              "newInventoriedResource": ["name": "report"]])
        let report = ResourceID(createdBy: reported)
        let g = net.graph
        g.assertApplied(made, taken, remade, used, reported)
        XCTAssertEqual(g.events[used]?.previousEvent, remade)

        let flows = g.track(from: .resource(tool))
        // The refurbished tool is visited already: the walk goes on to its next use before the
        // refurbishing's other output. Without the clause the use comes last, reached from the tool.
        XCTAssertEqual(flows.map(\.item), [.resource(tool), .event(taken), .process(refurbishing), .event(remade),
                                           .event(used), .process(inspection), .event(reported), .resource(report)])
        XCTAssertEqual(flows.first { $0.item == .event(used) }?.parent, .event(remade))
    }
}
