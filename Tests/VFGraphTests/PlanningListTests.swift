import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Anyone may satisfy an open offer, plan a commitment within anyone's plan, or plan a flow of
/// anyone's process. A planning item lists the first 100 of each, says when there are more,
/// and its figures still count them all.
final class PlanningListTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-planning-lists").path }

    func testAPlanningItemListsItsFirstHundredOfEachAndCountsThemAll() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let farm = net.id("farm"), bakery = net.id("bakery")
        // An offer of work: 101 hours of it done, and 101 hours promised, the bakery's way.
        let offer = try net.post("farm", ["@type": "Intent", "action": "work", "provider": .string(farm), "effortQuantity": qty("1000", "hour")])
        let plan = try net.post("farm", ["@type": "Plan", "name": "harvest"])
        let yard = try net.post("farm", ["@type": "Plan", "name": "threshing yard"])
        let threshing = try net.post("farm", ["@type": "Process", "name": "threshing", "plannedWithin": ref(yard)])
        for n in 0 ..< 101 {
            try net.event("work", provider: "farm", receiver: "bakery", ["effortQuantity": qty("1", "hour"), "satisfies": ref(offer)])
            // The bakery's own work, and a commitment of its own, naming the farm's offer: they do not count.
            if n == 50 {
                try net.post("bakery", ["@type": "Commitment", "action": "work", "provider": .string(bakery), "receiver": .string(farm),
                                        "effortQuantity": qty("1", "hour"), "satisfies": ref(offer)])
            }
            if n % 20 == 0 { try net.event("work", provider: "bakery", ["effortQuantity": qty("5", "hour"), "satisfies": ref(offer)]) }
            try net.post("bakery", ["@type": "Commitment", "action": "work", "provider": .string(farm), "receiver": .string(bakery),
                                    "effortQuantity": qty("1", "hour"), "satisfies": ref(offer)])
            // The bakery plans within the farm's plan, and the farm's process.
            try net.post("bakery", ["@type": "Commitment", "action": "work", "provider": .string(bakery), "receiver": .string(farm),
                                    "effortQuantity": qty("1", "hour"), "plannedWithin": ref(plan), "note": .string("help \(n)")])
            try net.post("bakery", ["@type": "Process", "name": .string("step \(n)"), "plannedWithin": ref(plan)])
            try net.post("bakery", ["@type": "Commitment", "action": "work", "provider": .string(bakery), "receiver": .string(farm),
                                    "effortQuantity": qty("1", "hour"), "inputOf": ref(threshing)])
        }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)

        let progress = try reader.progress(of: XCTUnwrap(try reader.planned(offer)))
        XCTAssertEqual(progress.done, dec("101"), "every event counts")
        XCTAssertEqual(progress.promised, dec("101"), "every commitment counts")
        XCTAssertEqual(progress.events.count, 100)
        XCTAssertTrue(progress.moreEvents)
        XCTAssertEqual(progress.commitments.count, 100)
        XCTAssertTrue(progress.moreCommitments)
        XCTAssertEqual(progress.commitments, progress.commitments.sorted(), "in id order")
        var promising: [EntryID] = []
        for _ in 0 ..< 100 {
            let page = try reader.promisingCommitments(of: progress.planned, after: promising.last, limit: 7).map(\.planned.id)
            promising += page
            if page.count < 7 { break }
        }
        XCTAssertEqual(promising.count, 101, "the farm's commitments, not the bakery's own")
        XCTAssertEqual(Array(promising.prefix(100)), progress.commitments)
        let graph = try store.graph(from: net.source)
        let satisfying = graph.appliedOrder.filter { graph.events[$0]?.payload.action == .work && graph.events[$0]?.payload.provider == .feed(net.key("farm").feed) }
        XCTAssertEqual(progress.events, Array(satisfying.prefix(100)), "the first hundred, in causal order")
        // Every one, a page at a time.
        XCTAssertEqual(graph.appliedOrder.filter { graph.events[$0]?.provenance.author == net.key("bakery").feed }.count, 6,
                       "the bakery's own work applied: it names the offer, and does not count")
        let farmsWork = graph.appliedOrder.filter { graph.events[$0]?.payload.action == .work && graph.events[$0]?.provenance.author == net.key("farm").feed }
        XCTAssertEqual(farmsWork.count, 101)
        for limit in [1, 7, 100, 1000] {
            XCTAssertEqual(try eventsInPages { try reader.countingEvents(of: progress.planned, after: $0, limit: limit) }.map(\.id), farmsWork,
                           "pages of \(limit): the farm's work, not the bakery's")
        }

        let plans = try reader.plans(after: nil, limit: 10)
        XCTAssertEqual(plans.count, 2)
        let state = try XCTUnwrap(plans.first { $0.plan.id == plan })
        XCTAssertEqual(state.members.count, 100)
        XCTAssertTrue(state.moreMembers)
        XCTAssertEqual(state.members.map(\.planned.id), state.members.map(\.planned.id).sorted())
        XCTAssertEqual(state.processes.count, 100)
        XCTAssertTrue(state.moreProcesses)
        // All of them, a page at a time.
        var members: [EntryID] = [], processes: [EntryID] = []
        for _ in 0 ..< 100 {
            let page = try reader.members(ofPlan: plan, after: members.last, limit: 7).map(\.planned.id)
            members += page
            if page.count < 7 { break }
        }
        XCTAssertEqual(members.count, 101)
        XCTAssertEqual(members, members.sorted())
        XCTAssertEqual(Array(members.prefix(100)), state.members.map(\.planned.id))
        for _ in 0 ..< 100 {
            let page = try reader.processes(ofPlan: plan, after: processes.last, limit: 7).map(\.process.id)
            processes += page
            if page.count < 7 { break }
        }
        XCTAssertEqual(Set(processes).count, 101)
        XCTAssertEqual(Array(processes.prefix(100)), state.processes.map(\.process.id))
        XCTAssertEqual(try reader.plan(plan), state)
        XCTAssertNil(try reader.plan(threshing), "a process is not a plan")

        let other = try XCTUnwrap(plans.first { $0.plan.id == yard })
        XCTAssertEqual(other.processes.map(\.process.id), [threshing])
        XCTAssertFalse(other.moreProcesses || other.moreMembers)
        let listed = try XCTUnwrap(other.processes.first)
        XCTAssertEqual(listed.inputs.count, 100)
        XCTAssertTrue(listed.moreInputs)
        XCTAssertFalse(listed.moreOutputs)
        XCTAssertFalse(listed.finished, "more inputs are planned than listed")
        var inputs: [EntryID] = []
        for _ in 0 ..< 100 {
            let page = try reader.plannedFlows(of: threshing, outputs: false, after: inputs.last, limit: 7).map(\.planned.id)
            inputs += page
            if page.count < 7 { break }
        }
        XCTAssertEqual(inputs.count, 101)
        XCTAssertEqual(Array(inputs.prefix(100)), listed.inputs.map(\.planned.id))
        XCTAssertEqual(try reader.plannedFlows(of: threshing, outputs: true, after: nil, limit: 10), [])
    }
}
