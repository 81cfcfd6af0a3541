import GRDB
import VFTestSupport
import XCTest
@testable import VFLog

final class LogStoreTests: XCTestCase {
    private func openStore() throws -> (LogStore, String) {
        let path = try temporaryDirectory(self) + "/log.sqlite"
        return (try LogStore(path: path), path)
    }

    func testAppendedEntriesSurviveReopenAndAreQueryable() throws {
        let (store, path) = try openStore()
        let key = SigningKey()
        let first = try store.append(Array(#"{"n":1}"#.utf8), key: key)
        let batch = try store.appendBatch((2...30).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        XCTAssertEqual(batch.map(\.entry.sequence), Array(2...30))
        let reopened = try LogStore(path: path)
        XCTAssertEqual(try reopened.head(of: key.feed)?.sequence, 30)
        XCTAssertEqual(try reopened.entry(id: first.entry.id), first)
        XCTAssertEqual(try reopened.entry(author: key.feed, sequence: 13), batch[11])
        XCTAssertEqual(try reopened.entries(author: key.feed, in: 5...9).map(\.entry.sequence), Array(5...9))
        XCTAssertEqual(try reopened.feeds().map(\.author), [key.feed])
        let report = try reopened.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems)")
        XCTAssertEqual(report.entries, 30)
        // What the store signed links correctly: another store ingests it all.
        let (other, _) = try openStore()
        let ingest = try other.ingest(try reopened.entries(author: key.feed))
        XCTAssertEqual(ingest.stored.count, 30)
        XCTAssertEqual(ingest.rejected, [])
    }

    func testAppendRefusesAnInvalidPayloadAndStoresNothingOfTheBatch() throws {
        let (store, _) = try openStore()
        let key = SigningKey()
        XCTAssertThrowsError(try store.appendBatch([Array(#"{"ok":1}"#.utf8), Array("not json".utf8)], key: key))
        XCTAssertNil(try store.head(of: key.feed))
        XCTAssertEqual(try store.appendBatch([], key: key), [], "an empty batch is a no-op")
    }

    func testIngestKeepsGoodEntriesAndRefusesTheFirstBadOneWithItsReason() throws {
        let (store, _) = try openStore()
        var feed = FeedBuilder()
        for _ in 0..<10 { feed.append() }
        var entries = feed.entries
        // Entry 6 arrives with someone else's payload.
        entries[5] = SignedEntry(entry: entries[5].entry, payload: Array(#"{"evil":1}"#.utf8))
        let report = try store.ingest(entries)
        XCTAssertEqual(report.stored.map(\.sequence), Array(1...5))
        XCTAssertEqual(report.rejected.first?.sequence, 6)
        XCTAssertEqual(report.rejected.first?.feed, feed.key.feed)
        XCTAssertEqual(report.rejected.first?.reason, .payloadSizeMismatch(claimed: 7, actual: 10))
        XCTAssertEqual(report.skipped, 4)
        XCTAssertEqual(try store.head(of: feed.key.feed)?.sequence, 5)
        // The rest arrives intact later and continues the feed.
        let rest = try store.ingest(Array(feed.entries[5...]))
        XCTAssertEqual(rest.stored.count, 5)
        XCTAssertTrue(try store.verifyAll().isValid)
    }

    func testIngestRefusesGapsWrongLinksAndForgedSignatures() throws {
        let (store, _) = try openStore()
        var feed = FeedBuilder()
        for _ in 0..<5 { feed.append() }
        XCTAssertEqual(try store.ingest([feed.entries[1]]).rejected.first?.reason, .sequenceGap(expected: 1))
        _ = try store.ingest(Array(feed.entries[0..<3]))
        // A validly signed entry 4 whose backlink points elsewhere.
        let wrong = EntryCodec.sign(key: feed.key, sequence: 4, timestamp: 0, payloadSize: 2, payloadHash: Payload.hash(Array("{}".utf8)),
                                    backlink: feed.entry(1).id, lipmaaLink: feed.entry(1).id)
        XCTAssertEqual(try store.ingest([SignedEntry(entry: wrong, payload: nil)]).rejected.first?.reason,
                       .wrongBacklink(expected: feed.entry(3).id, found: feed.entry(1).id))
        let badSignature = try XCTUnwrap(feed.entry(4).flipping(byte: feed.entry(4).encoded.count - 1))
        XCTAssertEqual(try store.ingest([SignedEntry(entry: badSignature, payload: nil)]).rejected.first?.reason, .badSignature)
        XCTAssertEqual(try store.head(of: feed.key.feed)?.sequence, 3)
        XCTAssertEqual(try store.ingest(Array(feed.entries[3...])).stored.count, 2)
    }

    func testDuplicatesAreIdempotentAndFillDroppedPayloads() throws {
        let (store, _) = try openStore()
        var feed = FeedBuilder()
        for _ in 0..<3 { feed.append() }
        _ = try store.ingest(feed.entries.map { SignedEntry(entry: $0.entry, payload: nil) })
        XCTAssertNil(try store.entry(author: feed.key.feed, sequence: 2)?.payload)
        XCTAssertTrue(try store.verifyAll().isValid, "entries without payloads still verify")
        let again = try store.ingest(feed.entries)
        XCTAssertEqual(again.duplicates, 3)
        XCTAssertEqual(again.payloadsFilled, 3)
        XCTAssertEqual(try store.entry(author: feed.key.feed, sequence: 2)?.payload, feed.entries[1].payload)
        XCTAssertTrue(try store.dropPayload(of: feed.entry(2).id))
        XCTAssertNil(try store.entry(author: feed.key.feed, sequence: 2)?.payload)
        XCTAssertTrue(try store.verifyAll().isValid)
    }

    func testForkIsDetectedProvedAndStopsTheFeed() throws {
        let (store, path) = try openStore()
        let key = SigningKey()
        var honest = FeedBuilder(key: key), fork = FeedBuilder(key: key)
        for _ in 0..<4 { honest.append() }
        fork.append(); fork.append(); fork.append(#"{"double":"spend"}"#)
        _ = try store.ingest(honest.entries)
        let report = try store.ingest([fork.entries[2]])
        XCTAssertEqual(report.forks.count, 1)
        XCTAssertEqual(report.forks.first?.stored, honest.entry(3))
        XCTAssertEqual(report.forks.first?.conflicting, fork.entry(3))
        let reopened = try LogStore(path: path)
        XCTAssertEqual(try reopened.head(of: key.feed)?.forked, true)
        XCTAssertEqual(try reopened.forkProofs().count, 1)
        var longer = honest
        longer.append()
        XCTAssertEqual(try reopened.ingest([longer.entries[4]]).rejected.first?.reason, .feedForked)
        XCTAssertThrowsError(try reopened.append(Array("{}".utf8), key: key)) {
            guard case AppendError.forked = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertTrue(try reopened.verifyAll().isValid, "a forked feed's stored entries and proof are still valid")
    }

    func testVerifyAllNamesEntriesEditedByHand() throws {
        let (store, path) = try openStore()
        let key = SigningKey()
        try store.appendBatch((1...10).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            // Change a payload, and a byte of another entry's timestamp.
            try db.execute(sql: "UPDATE payload SET data = CAST('{\"n\":9}' AS BLOB) WHERE entry = (SELECT rowid FROM entry WHERE sequence = 4)")
            let encoded = try Data.fetchOne(db, sql: "SELECT encoded FROM entry WHERE sequence = 7")!
            var bytes = [UInt8](encoded); bytes[48] ^= 1
            try db.execute(sql: "UPDATE entry SET encoded = ? WHERE sequence = 7", arguments: [Data(bytes)])
        }
        let report = try LogStore(path: path).verifyAll()
        XCTAssertFalse(report.isValid)
        XCTAssertEqual(report.problems.first?.sequence, 4)
        XCTAssertEqual(report.problems.first?.reason, .payloadHashMismatch)
        XCTAssertTrue(report.problems.contains { $0.sequence == 7 }, "\(report.problems)")
        // Entry 8 links to what entry 7 was, not to what the database now holds.
        XCTAssertTrue(report.problems.contains { $0.sequence == 8 }, "\(report.problems)")
    }

    func testBundleRoundTripAndDamage() throws {
        var feed = FeedBuilder()
        for _ in 0..<20 { feed.append() }
        var bytes = BundleCodec.header
        for signed in feed.entries { bytes += BundleCodec.encodeRecord(signed) }
        bytes += BundleCodec.encodeRecord(SignedEntry(entry: feed.entry(1), payload: nil))
        bytes += BundleCodec.encodeEnd(count: 21)
        // Fed a few bytes at a time, as from a pipe.
        var decoder = BundleDecoder()
        var read: [SignedEntry] = []
        for chunk in stride(from: 0, to: bytes.count, by: 7).map({ bytes[$0..<min($0 + 7, bytes.count)] }) {
            decoder.append(chunk)
            while let record = try decoder.next() { read.append(try record.get()) }
        }
        XCTAssertNoThrow(try decoder.finish())
        XCTAssertEqual(Array(read.prefix(20)), feed.entries)
        XCTAssertNil(read.last?.payload)

        var truncated = BundleDecoder()
        truncated.append(bytes.dropLast(30))
        var count = 0
        while let record = try truncated.next() { _ = try record.get(); count += 1 }
        XCTAssertThrowsError(try truncated.finish()) { XCTAssertEqual($0 as? BundleError, .truncated(afterRecords: UInt64(count))) }

        var notBundle = BundleDecoder()
        notBundle.append(Array("hello, world".utf8))
        XCTAssertThrowsError(try notBundle.next()) { XCTAssertEqual($0 as? BundleError, .notABundle) }
    }
}
