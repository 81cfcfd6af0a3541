import Foundation
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON
import VFTestSupport

/// A payload forgotten on this node (`vf forget`): to the graph its entry is unknown, the
/// events that depend on it are pending with a reason that says the payload was forgotten, and
/// the tables — rebuilt after the forget, updated as entries arrive after it — equal a rebuild.
final class ForgottenPayloadGraphTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-forgotten-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testDependentsOfAForgottenPayloadArePendingWithTheForgottenReasonAndTablesEqualRebuild() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let growing = try net.post("farm", ["@type": "Process", "name": "growing"])
        let produce = try net.event("produce", provider: "farm", ["resourceQuantity": qty("1000", "kg"), "outputOf": ref(growing),
                                                                  "newInventoriedResource": ["name": "wheat"]])
        let wheat = ResourceID(createdBy: produce)
        let sell = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("400", "kg"),
                                                                                  "resourceInventoriedAs": ref(wheat), "newInventoriedResource": ["name": "mill wheat"]])
        let millWheat = ResourceID(createdBy: sell)
        let work = try net.event("work", provider: "farm", ["effortQuantity": qty("3", "hour"), "inputOf": ref(growing)])
        let consume = try net.event("consume", provider: "mill", ["resourceQuantity": qty("100", "kg"), "resourceInventoriedAs": ref(millWheat)])
        let later = try net.event("consume", provider: "mill", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(millWheat)])
        let direct = try net.event("use", provider: "mill", receiver: "farm", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(wheat)])
        let farm = try net.source.entries(author: net.key("farm").feed)
        let mill = try net.source.entries(author: net.key("mill").feed)

        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        _ = try log.ingest(farm + [mill[0]])
        try store.update(from: log)
        let reader = store.reader(log: log)
        XCTAssertEqual(try reader.status(of: sell), .applied)
        XCTAssertEqual(try reader.status(of: consume), .applied)

        // Forget the event that created the wheat: the store is rebuilt, as `vf forget` does.
        XCTAssertEqual(try log.forget(produce)?.payloadDeleted, true)
        try store.rebuild(from: log)
        XCTAssertNil(try reader.status(of: produce), "an entry whose payload is forgotten is not in the graph")
        XCTAssertNil(try reader.resource(wheat))
        let forgotWheat = "resourceInventoriedAs refers to resource \(wheat), created by \(produce), whose payload this node forgot (vf forget)"
        XCTAssertEqual(try reader.status(of: sell), .pending(forgotWheat))
        XCTAssertEqual(try reader.status(of: consume), .pending("waits for \(sell): \(forgotWheat)"))
        XCTAssertEqual(try reader.status(of: work), .applied)
        XCTAssertEqual(Set(try reader.pendingEvents(waitingFor: produce)), [sell, consume])
        try assertMatchesRebuild(store, log, "after forgetting the produce")

        // Forget the process: the work that is input of it waits for it, saying why.
        _ = try log.forget(growing)
        try store.rebuild(from: log)
        XCTAssertEqual(try reader.status(of: work), .pending("inputOf refers to \(growing), whose payload this node forgot (vf forget)"))
        XCTAssertEqual(try reader.pendingEvents(waitingFor: growing), [work])

        // An event arriving after the forget is settled by an incremental update, which reads
        // the same forgotten set as a rebuild.
        _ = try log.ingest([mill[1], mill[2]])
        try store.update(from: log)
        XCTAssertNotNil(store.lastUpdateWork, "an incremental update, not a rebuild")
        XCTAssertEqual(try reader.status(of: later), .pending("waits for \(sell): \(forgotWheat)"))
        XCTAssertEqual(try reader.status(of: direct), .pending(forgotWheat))
        XCTAssertEqual(Set(try reader.pendingEvents(waitingFor: produce)), [sell, consume, later, direct])
        try assertMatchesRebuild(store, log, "after an event that depends on a forgotten payload arrived")

        // The peer offers the forgotten payloads again: they stay forgotten, and nothing changes.
        XCTAssertEqual(try log.ingest(farm + mill).payloadsForgotten, 2)
        XCTAssertTrue(try store.isCurrent(with: log))
        XCTAssertEqual(try reader.status(of: sell), .pending(forgotWheat))
        try assertMatchesRebuild(store, log, "after the payloads were offered again")
        XCTAssertTrue(try log.verifyAll().isValid)
    }

    /// Any entry forgotten, in the rich network, then the rest of the feeds arriving in pieces:
    /// every incremental update equals a rebuild.
    func testForgettingAnyEntryOfTheRichNetworkKeepsUpdatesEqualToRebuild() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let feeds = try net.feeds()
        let all = feeds.flatMap { $0 }
        var random = SplitMix64(seed: 14)
        for round in 0..<6 {
            let log = try LogStore(path: directory + "/log-\(round).sqlite")
            let store = try GraphStore(path: directory + "/graph-\(round).sqlite")
            // The first half of each feed, then a forget of one held entry, then the rest.
            _ = try log.ingest(feeds.flatMap { $0.prefix(($0.count + 1) / 2) })
            try store.update(from: log)
            let held = try log.feeds().flatMap { try log.entries(author: $0.author) }
            let forgotten = held[Int(random.next() % UInt64(held.count))].entry.id
            _ = try log.forget(forgotten)
            try store.rebuild(from: log)
            try assertMatchesRebuild(store, log, "round \(round), after the forget")
            for feed in feeds {
                _ = try log.ingest(Array(feed.suffix(feed.count / 2)))
                try store.update(from: log)
                try assertMatchesRebuild(store, log, "round \(round), forgot \(forgotten)")
            }
            XCTAssertNil(try log.entry(id: forgotten)?.payload)
            XCTAssertEqual(try log.ingest(all).payloadsForgotten, 1)
        }
    }
}
