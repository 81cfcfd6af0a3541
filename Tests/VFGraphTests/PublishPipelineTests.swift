import Foundation
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Batches published in a pipeline (``GraphStore/publishBatches(key:log:allowNegative:next:inputReady:stored:)``):
/// each checked by folding it in while the log stores the one before, in graph transactions of
/// a few batches. The log and the tables must be what publishing the batches one after another
/// leaves: every batch stored in order, and tables equal to a rebuild of the log.
final class PublishPipelineTests: XCTestCase {
    private var directory: String!
    /// Two batches of three a transaction, and a slow log: each batch is checked before the log
    /// holds the one before it, and the transactions end in the middle of the batches.
    private let slow = PublishPipeline.Options(mostEntriesPerTransaction: 6, beforeStoring: { _ in usleep(30_000) })

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-pipeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func richNode() throws -> (net: SignedNetwork, log: LogStore, store: GraphStore, wheat: ResourceID) {
        let (net, log, store) = try VFGraphTests.richNode(in: directory)
        let wheat = try XCTUnwrap(try store.graph(from: log).resources.values.first { $0.name == "wheat" }).id
        return (net, log, store, wheat)
    }

    private func rebuiltTables(_ log: LogStore) throws -> [String: [[String]]] {
        try VFGraphTests.rebuiltTables(of: log, in: directory)
    }

    private func event(_ action: String, _ provider: String, _ fields: String) -> [UInt8] {
        Array(#"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(provider)","receiver":"\#(provider)",\#(fields)}"#.utf8)
    }

    /// Each batch consumes wheat back-dated before the batch before it: its check folds again
    /// events of that batch, which the log does not hold yet.
    private func batches(_ farm: String, wheat: ResourceID, count: Int) -> [[[UInt8]]] {
        (0..<count).map { batch in
            let day = String(format: "%02d", 28 - 2 * batch)
            return [event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)","hasPointInTime":"2024-01-\#(day)T00:00:00Z""#),
                    event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"2","hasUnit":"kg"},"hasPointInTime":"2024-01-\#(day)T12:00:00Z","newInventoriedResource":{"name":"lot \#(batch)"}"#),
                    Array(#"{"@type":"Process","name":"sorting \#(batch)"}"#.utf8)]
        }
    }

    func testBatchesInAPipelineAreStoredInOrderAndFoldedAsARebuildWould() throws {
        let (net, log, store, wheat) = try richNode()
        let key = net.key("farm")
        let headBefore = try XCTUnwrap(try log.head(of: key.feed)?.sequence)
        var given = batches(net.id("farm"), wheat: wheat, count: 5)[...]
        var stored: [[SignedEntry]] = []
        let end = try store.publishBatches(key: key, log: log, options: slow, next: { given.popFirst() }, stored: { stored.append($0) })
        guard case .finished = end else { return XCTFail("\(end)") }
        XCTAssertEqual(stored.map(\.count), [3, 3, 3, 3, 3])
        let held = try log.records(author: key.feed, in: (headBefore + 1)...UInt64(Int64.max))
        XCTAssertEqual(held.map(\.id), stored.flatMap { $0.map(\.entry.id) }, "every batch stored, in order")
        assertSameTables(try store.tableContents(), try rebuiltTables(log), "as a rebuild of the log")
        XCTAssertEqual(try store.update(from: log), GraphChanges(), "nothing left to fold")
        XCTAssertEqual(try log.verifyAll().isValid, true)
    }

    func testARefusedBatchLeavesTheBatchesBeforeItStoredAndNothingOfItself() throws {
        let (net, log, store, wheat) = try richNode()
        let key = net.key("farm"), farm = net.id("farm")
        let headBefore = try XCTUnwrap(try log.head(of: key.feed)?.sequence)
        var all = batches(farm, wheat: wheat, count: 5)
        // The fourth batch's second payload takes more wheat than there is.
        all[3][1] = event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"100000","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#)
        var given = all[...]
        var stored: [[SignedEntry]] = []
        let end = try store.publishBatches(key: key, log: log, options: slow, next: { given.popFirst() }, stored: { stored.append($0) })
        guard case let .refused(prepared, index, reason) = end else { return XCTFail("\(end)") }
        XCTAssertEqual(index, 1)
        XCTAssertTrue(reason.contains("below zero"), reason)
        XCTAssertEqual(prepared.entries.map(\.payload), all[3].map { $0 })
        XCTAssertEqual(stored.count, 3)
        XCTAssertEqual(prepared.previous?.id, stored.last?.last?.entry.id)
        XCTAssertEqual(try log.head(of: key.feed)?.sequence, headBefore + 9, "three batches stored, nothing of the fourth")
        assertSameTables(try store.tableContents(), try rebuiltTables(log), "as a rebuild of the log")
        // The refused batch's accepted prefix may be stored as signed.
        try log.commit(prepared, count: index)
        try store.update(from: log)
        assertSameTables(try store.tableContents(), try rebuiltTables(log), "after storing the prefix")
    }

    func testInputThatWouldWaitIsReadOnlyOnceWhatWasReadIsStored() throws {
        let (net, log, store, wheat) = try richNode()
        var given = batches(net.id("farm"), wheat: wheat, count: 4)[...]
        var happened: [String] = []
        let end = try store.publishBatches(key: net.key("farm"), log: log, options: slow, next: {
            happened.append("read")
            return given.popFirst()
        }, inputReady: { false }, stored: { _ in happened.append("stored") })
        guard case .finished = end else { return XCTFail("\(end)") }
        XCTAssertEqual(happened, ["read", "stored", "read", "stored", "read", "stored", "read", "stored", "read"])
        assertSameTables(try store.tableContents(), try rebuiltTables(log), "as a rebuild of the log")
    }

    /// The same batches published in the pipeline on one node, and batch after batch with
    /// ``GraphStore/signAndPublish(_:key:log:allowNegative:)`` on a copy of it, get the same
    /// verdicts: here a refusal that only the batches before it, not yet stored, bring about.
    func testVerdictsAreThoseOfPublishingTheBatchesOneAfterAnother() throws {
        let (net, log, store, wheat) = try richNode()
        let copy = try LogStore(path: directory + "/copy-log.sqlite")
        _ = try copy.ingest(try net.feeds().flatMap { $0 })
        let copyStore = try GraphStore(path: directory + "/copy-graph.sqlite")
        try copyStore.update(from: copy)
        let key = net.key("farm"), farm = net.id("farm")
        let onhand = try XCTUnwrap(Int(try XCTUnwrap(try store.graph(from: log).resources[wheat]).onhandQuantity.description))
        XCTAssertGreaterThan(onhand, 4)
        // Each batch consumes 1 kg; the fourth also takes what is left, so the fifth's kilogram is refused.
        var all = batches(farm, wheat: wheat, count: 6)
        all[3][1] = event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"\#(onhand - 4)","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#)

        var given = all[...]
        let piped = try store.publishBatches(key: key, log: log, options: slow, next: { given.popFirst() }, stored: { _ in })
        guard case let .refused(_, pipedIndex, pipedReason) = piped else { return XCTFail("\(piped)") }

        var one: (batch: Int, index: Int, reason: String)?
        for (number, batch) in all.enumerated() {
            let (outcome, _) = try copyStore.signAndPublish(batch, key: key, log: copy)
            if case let .refused(index, reason) = outcome {
                one = (number, index, reason)
                break
            }
            XCTAssertEqual(outcome, .published, "batch \(number)")
        }
        let alone = try XCTUnwrap(one)
        XCTAssertEqual(alone.batch, 4)
        XCTAssertEqual(pipedIndex, alone.index)
        XCTAssertEqual(pipedReason, alone.reason)
        XCTAssertTrue(pipedReason.contains("below zero"), pipedReason)
        XCTAssertEqual(try log.head(of: key.feed)?.sequence, try copy.head(of: key.feed)?.sequence, "as many entries stored")
        XCTAssertEqual(try store.graph(from: log).resources[wheat]?.onhandQuantity, try copyStore.graph(from: copy).resources[wheat]?.onhandQuantity)
    }

    /// Storing a batch fails (a full disk): the run stops with that error, the batches stored
    /// before it stay and were reported, and the tables, rolled back to where the transaction
    /// began, catch up with the log at the next update. In the first case the failing batch is
    /// the first of its transaction; in the second, the batch before it is in the log but its
    /// fold was rolled back with the transaction.
    func testAFailedStoreStopsTheRunAndLosesNothingStored() throws {
        struct DiskFull: Error {}
        for failing in [3, 2] {
            try FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let (net, log, store, wheat) = try richNode()
            let key = net.key("farm")
            let headBefore = try XCTUnwrap(try log.head(of: key.feed)?.sequence)
            let failingSequence = headBefore + UInt64(3 * (failing - 1)) + 1
            var options = slow
            options.beforeStoring = { sequence in
                usleep(30_000)
                if sequence == failingSequence { throw DiskFull() }
            }
            var given = batches(net.id("farm"), wheat: wheat, count: 5)[...]
            var stored: [[SignedEntry]] = []
            XCTAssertThrowsError(try store.publishBatches(key: key, log: log, options: options, next: { given.popFirst() }, stored: { stored.append($0) })) { error in
                XCTAssertTrue(error is DiskFull, "batch \(failing): \(error)")
            }
            XCTAssertEqual(stored.count, failing - 1, "batch \(failing)")
            XCTAssertEqual(try log.head(of: key.feed)?.sequence, failingSequence - 1, "batch \(failing): what was reported is stored")
            XCTAssertEqual(try log.head(of: key.feed)?.id, stored.last?.last?.entry.id, "batch \(failing)")
            let folded = try store.tableContents()
            try store.update(from: log)
            assertSameTables(try store.tableContents(), try rebuiltTables(log), "batch \(failing): after the next update")
            if failing == 2 { XCTAssertNotEqual(folded, try store.tableContents(), "the stored batch was folded by the update") }
        }
    }

    /// Another writer (a `vf serve`) appends to the feed when `next` is called for the
    /// `appendingAt` batches: the batches not yet stored are signed again after its entry.
    private func assertSignedAgain(batches count: Int, appendingAt calls: Set<Int>, file: StaticString = #filePath, line: UInt = #line) throws {
        let (net, log, store, wheat) = try richNode()
        let key = net.key("farm")
        var given = batches(net.id("farm"), wheat: wheat, count: count)[...]
        var stored: [[SignedEntry]] = []
        var call = 0
        let end = try store.publishBatches(key: key, log: log, options: slow, next: {
            call += 1
            if calls.contains(call) { try log.append(Array(#"{"note":"from the server \#(call)"}"#.utf8), key: key) }
            return given.popFirst()
        }, stored: { stored.append($0) })
        guard case .finished = end else { return XCTFail("\(end)", file: file, line: line) }
        XCTAssertEqual(stored.map(\.count), Array(repeating: 3, count: count), file: file, line: line)
        let report = try log.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems.prefix(3))", file: file, line: line)
        for batch in stored {
            for signed in batch { XCTAssertNotNil(try log.entry(id: signed.entry.id), "stored as told", file: file, line: line) }
        }
        XCTAssertEqual(try log.head(of: key.feed)?.id, stored.last?.last?.entry.id, file: file, line: line)
        assertSameTables(try store.tableContents(), try rebuiltTables(log), "as a rebuild of the log", file: file, line: line)
    }

    func testAnotherWriterMovingTheHeadMeanwhileHasTheRestSignedAgain() throws {
        // While the first batch is checked.
        try assertSignedAgain(batches: 4, appendingAt: [2])
    }

    func testAnotherWriterMovingTheHeadInEachTransactionHasTheRestSignedAgainEachTime() throws {
        // In the first transaction, and again in a later one.
        try assertSignedAgain(batches: 6, appendingAt: [2, 6])
    }
}
