import Foundation
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// A running node's graph: advances coalesce into one update on the graph's own queue, which
/// writes the changed rows and tells subscribers what changed.
final class LiveGraphTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-livegraph-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testABurstOfAdvancesBecomesOneUpdateThatSubscribersHear() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let wheat = try net.raise("farm", "100", "kg", name: "wheat")
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })

        let live = try LiveGraph(store: try GraphStore(path: directory + "/graph.sqlite"), log: log, delay: .milliseconds(100))
        XCTAssertEqual(try live.reader.resources(after: nil, limit: 10).map(\.id), [wheat], "brought up to date at start")
        let heard = Heard()
        live.subscribe { heard.append($0) }

        // A peer replicates the mill's feed; the node reports a burst of advances.
        let flour = try net.raise("mill", "30", "kg", name: "flour")
        let consume = try net.event("consume", provider: "farm", ["resourceQuantity": qty("4", "kg"), "resourceInventoriedAs": ref(wheat)])
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        for _ in 0..<50 { live.headsAdvanced() }

        let deadline = Date().addingTimeInterval(5)
        while heard.all.isEmpty && Date() < deadline { usleep(10_000) }
        usleep(300_000)  // room for a second, wrong, update to show up
        XCTAssertEqual(heard.all.count, 1, "fifty advances, one update")
        let changes = try XCTUnwrap(heard.all.first)
        XCTAssertEqual(changes.resources, [wheat, flour])
        XCTAssertTrue(changes.events.contains(consume))
        XCTAssertEqual(try live.reader.resource(wheat)?.onhandQuantity, dec("96"))
        let whole = try GraphStore(path: directory + "/graph.sqlite").graph(from: log)
        XCTAssertEqual(whole, Derivation.derive(try net.feeds().flatMap { $0 }.map { GraphEntry($0, verified: true) }))

        // The tables were written too: another reader sees the flour without deriving.
        let reader = try GraphStore(path: directory + "/graph.sqlite")
        XCTAssertTrue(try reader.isCurrent(with: log))
        XCTAssertEqual(try reader.resources().map(\.id).sorted(), [wheat, flour].sorted())

        // Nothing new: no update is reported.
        XCTAssertTrue(try live.updateNow().isEmpty)
        XCTAssertEqual(heard.all.count, 1)
    }
}

private final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var changes: [GraphChanges] = []
    func append(_ change: GraphChanges) { lock.withLock { changes.append(change) } }
    var all: [GraphChanges] { lock.withLock { changes } }
}

/// Found in review: a publish check that folded what another process had already written
/// left the live graph behind for good, since the next update found nothing to write.
final class LiveGraphStaleSnapshotTests: XCTestCase {
    func testAPublishCheckAfterAnotherProcessWroteDoesNotLeaveTheGraphBehind() async throws {
        let directory = NSTemporaryDirectory() + "vf-live-stale-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let wheat = try net.raise("farm", "100", "kg", name: "wheat")
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        let live = try LiveGraph(store: try GraphStore(path: directory + "/graph.sqlite"), log: log, delay: .seconds(60))
        XCTAssertEqual(try live.reader.resources(after: nil, limit: 10).map(\.id), [wheat])

        // Another process (vf publish) appends and brings graph.sqlite up to date.
        let flour = try net.raise("mill", "30", "kg", name: "flour")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        try GraphStore(path: directory + "/graph.sqlite").update(from: log)

        // The API checks a payload first (refused: nothing appended).
        let verdict = try await live.check(Array(#"{"@type":"EconomicEvent","action":"teleport"}"#.utf8), author: net.key("farm").feed, timestamp: 0)
        guard case .refused = verdict else { return XCTFail("\(verdict)") }
        let reader = try await live.upToDateReader()
        XCTAssertNotNil(try reader.resource(flour))
    }
}
