import Foundation
import VFLog
import VFTestSupport
import XCTest

/// `vf forget` and `vf block --purge` at the store: a forgotten payload stays forgotten
/// whoever offers it again, and a purge deletes every row of a feed without handing out a
/// row number twice.
final class ForgetAndPurgeTests: XCTestCase {
    private func openStore() throws -> LogStore {
        try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
    }

    func testAForgottenPayloadIsNotStoredAgainAndTheChainStillVerifies() throws {
        let store = try openStore()
        var feed = FeedBuilder()
        for n in 1...4 { feed.append(#"{"n":\#(n)}"#) }
        _ = try store.ingest(feed.entries)
        let second = feed.entry(2).id

        let outcome = try XCTUnwrap(try store.forget(second))
        XCTAssertEqual(outcome, ForgetOutcome(author: feed.key.feed, sequence: 2, alreadyForgotten: false, payloadDeleted: true))
        XCTAssertNil(try store.entry(id: second)?.payload)
        XCTAssertTrue(try store.isForgotten(second))
        XCTAssertFalse(try store.isForgotten(feed.entry(3).id))
        XCTAssertEqual(try store.forgottenEntries(), [second])
        XCTAssertTrue(try store.verifyAll().isValid, "the entry stays, so the chain still verifies")

        // A peer (or a bundle) offers the whole feed again, payloads and all.
        let again = try store.ingest(feed.entries)
        XCTAssertEqual(again.duplicates, 4)
        XCTAssertEqual(again.payloadsFilled, 0)
        XCTAssertEqual(again.payloadsForgotten, 1)
        XCTAssertTrue(again.rejected.isEmpty, "offering a forgotten payload is no fault of the peer")
        XCTAssertNil(try store.entry(id: second)?.payload, "a forgotten payload stays forgotten")
        XCTAssertEqual(try store.entry(id: feed.entry(3).id)?.payload, feed.entries[2].payload)

        // Forgetting twice changes nothing; an entry not held is refused.
        XCTAssertEqual(try store.forget(second)?.alreadyForgotten, true)
        XCTAssertEqual(try store.forgottenEntries(), [second])
        var other = FeedBuilder()
        XCTAssertNil(try store.forget(other.append().entry.id))
    }

    func testForgettingAnEntryHeldWithoutItsPayloadKeepsThePayloadOut() throws {
        let store = try openStore()
        var feed = FeedBuilder()
        feed.append(#"{"n":1}"#)
        _ = try store.ingest([SignedEntry(entry: feed.entry(1), payload: nil)])
        let outcome = try XCTUnwrap(try store.forget(feed.entry(1).id))
        XCTAssertFalse(outcome.alreadyForgotten)
        XCTAssertFalse(outcome.payloadDeleted)
        XCTAssertEqual(try store.ingest(feed.entries).payloadsForgotten, 1)
        XCTAssertNil(try store.entry(id: feed.entry(1).id)?.payload)
    }

    func testPurgeDeletesAFeedsEntriesPayloadsForkProofsAndForgottenRecords() throws {
        let store = try openStore()
        let ownKey = SigningKey()
        try store.appendBatch((1...3).map { Array(#"{"own":\#($0)}"#.utf8) }, key: ownKey)
        let key = SigningKey()
        var honest = FeedBuilder(key: key), fork = FeedBuilder(key: key)
        for _ in 0..<5 { honest.append() }
        fork.append(); fork.append(#"{"double":"spend"}"#)
        _ = try store.ingest(honest.entries)
        XCTAssertEqual(try store.ingest([fork.entries[1]]).forks.count, 1)
        _ = try store.forget(honest.entry(3).id)
        let lastRow = try store.lastEntryRow()

        let report = try store.purge(key.feed)
        XCTAssertEqual(report, PurgeReport(entries: 5, payloads: 4, forkProofs: 1))
        XCTAssertNil(try store.head(of: key.feed))
        XCTAssertTrue(try store.entries(author: key.feed).isEmpty)
        XCTAssertTrue(try store.forkProofs().isEmpty)
        XCTAssertTrue(try store.forgottenEntries().isEmpty)
        XCTAssertEqual(try store.feeds().map(\.author), [ownKey.feed])
        XCTAssertEqual(try store.entries(author: ownKey.feed).map(\.payload), (1...3).map { Array(#"{"own":\#($0)}"#.utf8) },
                       "the other feed and its payloads are untouched")
        XCTAssertTrue(try store.verifyAll().isValid)

        // The purged rows were the newest: the next entry still gets a row after every row
        // handed out, so a reader that had read up to `lastRow` sees it.
        XCTAssertEqual(try store.lastEntryRow(), lastRow)
        try store.append(Array(#"{"own":4}"#.utf8), key: ownKey)
        XCTAssertEqual(try store.headsAdvanced(afterRow: lastRow).heads, [ownKey.feed: 4])
        XCTAssertTrue(try store.verifyAll().isValid)

        // Purging again finds nothing; the feed can come back from the start if it is wanted.
        XCTAssertEqual(try store.purge(key.feed), PurgeReport())
        XCTAssertEqual(try store.ingest(honest.entries).stored.count, 5)
        XCTAssertNotNil(try store.entry(id: honest.entry(3).id)?.payload, "a purge also drops the forgotten record")
    }
}
