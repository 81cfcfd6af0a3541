import Foundation
import GRDB
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

    /// A page of a plan's members reads what it returns: the links to the plan are read by
    /// relation in source order (`linkByTargetInSourceOrder`, v15), not all of them, by every author, sorted.
    func testAPageOfAPlansMembersReadsWhatItReturnsNotEveryLinkToThePlan() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let farm = net.id("farm"), bakery = net.id("bakery")
        let plan = try net.post("farm", ["@type": "Plan", "name": "harvest"])
        // 900 members by two authors, some by both relations, and 300 processes planned within it.
        for n in 0 ..< 900 {
            let author = n % 2 == 0 ? "farm" : "bakery"
            var commitment: [JSONName: JSONValue] = ["@type": "Commitment", "action": "work", "provider": .string(n % 2 == 0 ? farm : bakery),
                                          "receiver": .string(n % 2 == 0 ? bakery : farm), "effortQuantity": qty("1", "hour"),
                                          "plannedWithin": ref(plan)]
            if n % 3 == 0 { commitment["independentDemandOf"] = ref(plan) }
            try net.post(author, .object(commitment))
            if n % 3 == 1 { try net.post(author, ["@type": "Process", "name": .string("step \(n)"), "plannedWithin": ref(plan)]) }
        }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        var members: [EntryID] = []
        while true {
            let page = try reader.members(ofPlan: plan, after: members.last, limit: 50).map(\.planned.id)
            members += page
            if page.count < 50 { break }
        }
        XCTAssertEqual(members.count, 900, "each member once, though 300 name the plan twice")
        XCTAssertEqual(members, members.sorted())
        XCTAssertEqual(Set(members).count, 900)
        let middle = members[450]
        try DatabaseQueue(path: directory + "/graph.sqlite").inTransaction { db in
            let page = try GraphReader.linkedCounting(db, to: plan, by: [.plannedWithin, .independentDemandOf], flows: true, after: middle, limit: 10)
            XCTAssertEqual(page.ids, Array(members[451 ..< 461]))
            // A page reads some 13 links (processes lie among the members) for about 500
            // virtual-machine steps; without the index all 1,500 links to the plan by these
            // relations (1,200 by one, 300 by the other) are read and sorted, about 8,700.
            XCTAssertLessThan(page.steps, 1000, "a page of 10, and the processes among them (about 500 steps)")
            try db.execute(sql: "DROP INDEX linkByTargetInSourceOrder")
            let unindexed = try GraphReader.linkedCounting(db, to: plan, by: [.plannedWithin, .independentDemandOf], flows: true, after: middle, limit: 10)
            XCTAssertEqual(unindexed.ids, page.ids)
            XCTAssertGreaterThan(unindexed.steps, 5000, "the measure sees every link to the plan read and sorted without the index")
            return .rollback
        }
    }

    /// Schema v15 adds `linkByTargetInSourceOrder` and `linkByAuthor` to a store of v14 and derives nothing again.
    func testSchemaV15AddsTheLinkIndexesWithoutDerivingAgain() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let plan = try net.post("farm", ["@type": "Plan", "name": "harvest"])
        for n in 0 ..< 3 { try net.post("farm", ["@type": "Process", "name": .string("step \(n)"), "plannedWithin": ref(plan)]) }
        let path = directory + "/graph.sqlite"
        var store: GraphStore? = try GraphStore(path: path)
        try store!.update(from: net.source)
        let before = try store!.reader(log: net.source).processes(ofPlan: plan, after: nil, limit: 10)
        XCTAssertEqual(before.count, 3)
        store = nil
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP INDEX linkByTargetInSourceOrder; DROP INDEX linkByAuthor; DELETE FROM grdb_migrations WHERE identifier LIKE 'v15%'")
        }
        try queue.close()
        store = try GraphStore(path: path)
        let indexed = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('linkByTargetInSourceOrder', 'linkByAuthor') ORDER BY name")
        }
        XCTAssertEqual(indexed, ["CREATE INDEX linkByAuthor ON link (author, relation, target)",
                                 "CREATE INDEX linkByTargetInSourceOrder ON link (target, relation, source)"])
        XCTAssertTrue(try store!.isCurrent(with: net.source), "nothing derived again: the cursors stayed")
        XCTAssertEqual(try store!.reader(log: net.source).processes(ofPlan: plan, after: nil, limit: 10), before)
    }
}
