import VFTestSupport
import XCTest
@testable import VFLog

/// The bulk read agrees with the decoded entries, field by field, across pages and dropped payloads.
final class EntryRecordTests: XCTestCase {
    func testRecordsMatchTheDecodedEntries() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey(), other = SigningKey()
        try store.appendBatch((1...40).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key, timestamp: 1_700_000_000_123)
        try store.appendBatch((1...5).map { Array(#"{"m":\#($0)}"#.utf8) }, key: other)
        let dropped = try store.entry(author: key.feed, sequence: 7)!.entry.id
        XCTAssertTrue(try store.dropPayload(of: dropped))

        let entries = try store.entries(author: key.feed)
        let records = try store.records(author: key.feed)
        XCTAssertEqual(records.count, 40)
        for (record, signed) in zip(records, entries) {
            XCTAssertEqual(record.author, signed.entry.author)
            XCTAssertEqual(record.sequence, signed.entry.sequence)
            XCTAssertEqual(record.id, signed.entry.id)
            XCTAssertEqual(record.timestamp, signed.entry.timestamp)
            XCTAssertEqual(record.payload, signed.payload)
        }
        XCTAssertNil(records[6].payload, "a dropped payload reads as nil")
        XCTAssertEqual(records[7].payload, Array(#"{"n":8}"#.utf8))

        // A range and a limit, as a caller paging through a feed uses them; another feed's rows never leak in.
        XCTAssertEqual(try store.records(author: key.feed, in: 5...30, limit: 10).map(\.sequence), Array(5...14))
        XCTAssertEqual(try store.records(author: key.feed, in: 38...90).map(\.sequence), [38, 39, 40])
        XCTAssertEqual(try store.records(author: other.feed).map(\.payload), (1...5).map { Array(#"{"m":\#($0)}"#.utf8) })
        XCTAssertEqual(try store.records(author: SigningKey().feed), [])
        // The cached statement is reset between calls: the same query again gives the same rows.
        XCTAssertEqual(try store.records(author: key.feed, in: 5...30, limit: 10).map(\.sequence), Array(5...14))
    }

    /// Places by id: each entry's author and sequence, in the order asked, nil for an entry
    /// not held, and a dropped payload changes nothing.
    func testPlacesByIdAreTheEntriesAuthorsAndSequences() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey(), other = SigningKey()
        try store.appendBatch((1...6).map { Array(#"{"n":\#($0)}"#.utf8) }, key: key)
        try store.appendBatch((1...3).map { Array(#"{"m":\#($0)}"#.utf8) }, key: other)
        let mine = try store.entries(author: key.feed), theirs = try store.entries(author: other.feed)
        XCTAssertTrue(try store.dropPayload(of: mine[2].entry.id))
        let unheld = EntryID(hash: Hash32(bytes: [UInt8](repeating: 3, count: 32))!)
        let asked = [theirs[1], mine[5], mine[2], theirs[0]].map(\.entry.id) + [unheld] + [mine[0].entry.id]
        XCTAssertEqual(try store.places(ids: asked), [theirs[1], mine[5], mine[2], theirs[0]].map { $0.entry.place } + [nil, mine[0].entry.place])
        XCTAssertEqual(try store.places(ids: [mine[3].entry.id]), [FeedPlace(author: key.feed, sequence: 4)])
        XCTAssertEqual(try store.places(ids: []), [])
    }
}
