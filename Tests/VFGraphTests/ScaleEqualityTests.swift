import Foundation
import VFLog
import VFTestSupport
import VFWorkload
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// At scale: thousands of events in chains of processes across feeds, a tenth of them
/// back-dated, replicated in shuffled batches with one feed held back and delivered last. The
/// tables stay equal to a rebuild row for row, and an update costs what it touches.
final class ScaleEqualityTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-scale").path }

    func testBackDatedAndLateEntriesLeaveTheTablesEqualToARebuild() throws {
        var workload = ChainWorkload(feeds: 4, steps: 8, seed: 7)
        let feeds = workload.generate(events: 1_500)
        XCTAssertGreaterThan(workload.backDated, 100, "a tenth back-dated")
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        // The last feed is held back; the others arrive interleaved in batches.
        var rng = SplitMix64(seed: 3)
        var batches = shuffledBatches(Array(feeds.dropLast()), maximum: 150, using: &rng)
        batches.append(feeds.last!)
        for (index, batch) in batches.enumerated() {
            XCTAssertEqual(try log.ingest(batch).stored.count, batch.count)
            // Folded a few dozen entries per transaction, as a big burst is: any prefix of each
            // feed is a state the tables may hold.
            try store.update(from: log, entriesPerTransaction: 37)
            if index % 7 == 3 || index == batches.count - 1 {
                let rebuilt = try GraphStore(path: directory + "/rebuilt-\(index).sqlite")
                try rebuilt.rebuild(from: log)
                assertSameTables(try store.tableContents(), try rebuilt.tableContents(), "after batch \(index)")
            }
        }
        let graph = try store.graph(from: log)
        XCTAssertGreaterThan(graph.appliedOrder.count, 1_400)
        XCTAssertTrue(graph.events.values.allSatisfy { $0.status == .applied }, "every event of the workload applies")
        // Feeds consume what the one before delivered: a track crosses feeds.
        let firstOutput = workload.lastChain[1].first!.resource
        let authors = Set(graph.track(from: .resource(firstOutput)).compactMap { $0.event?.provenance.author })
        XCTAssertGreaterThan(authors.count, 1, "the track reaches the feed the chain delivered to")

        // One more event at the head of a feed folds that event alone.
        let more = workload.generate(events: 1)
        for entries in more where !entries.isEmpty {
            // The chain's first produce (after the unpacking of a delivery, if any).
            guard let produce = entries.firstIndex(where: { String(decoding: $0.payload ?? [], as: UTF8.self).contains(#""action":"produce""#) }) else { continue }
            _ = try log.ingest(Array(entries[..<produce]))
            try store.update(from: log)
            _ = try log.ingest([entries[produce]])
            try store.update(from: log)
            XCTAssertEqual(store.lastUpdateWork?.settled, 1, "a produce at the head touches itself")
            XCTAssertEqual(store.lastUpdateWork?.folded, 1)
        }
    }
}
