import GRDB
import VFJSON
import VFTestSupport
import XCTest
@testable import VFLog

/// The JSON profile at the log's edges: what an author's node refuses to sign, what a
/// receiving node refuses, and what becomes of payloads stored before the profile
/// (docs/protocol.md §5).
final class PayloadProfileTests: XCTestCase {
    /// Payloads older Foundation-based nodes accepted and the profile refuses, by what is wrong.
    static let refused: [(String, [UInt8])] = [
        ("byte order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8)),
        ("duplicate member name", Array(#"{"a":1,"\u0061":2}"#.utf8)),
        ("lone high surrogate", Array(#"{"s":"\ud800"}"#.utf8)),
        ("lone low surrogate", Array(#"{"s":"\udc00"}"#.utf8)),
        ("nested deeper than 64", Array(("{\"a\":" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}").utf8)),
    ]

    private func openStore() throws -> (LogStore, String) {
        let path = try temporaryDirectory(self) + "/log.sqlite"
        return (try LogStore(path: path), path)
    }

    func testAnAuthorsNodeRefusesToSignThem() throws {
        let (store, _) = try openStore()
        let key = SigningKey()
        for (what, payload) in Self.refused {
            XCTAssertThrowsError(try store.append(payload, key: key), what) { error in
                XCTAssertTrue("\(error)".contains(what), "\(error)")
            }
        }
        XCTAssertNil(try store.head(of: key.feed), "nothing was signed")
        // What the profile accepts and Foundation refused.
        let digits = String(repeating: "7", count: 400)
        XCTAssertNoThrow(try store.append(Array(#"{"big":1e400,"long":\#(digits)}"#.utf8), key: key))
    }

    func testAReceivingNodeRefusesEachAndStoresNothingOfIt() throws {
        let (store, _) = try openStore()
        for (what, payload) in Self.refused {
            var feed = FeedBuilder()
            feed.append()
            let entry = EntryCodec.sign(key: feed.key, sequence: 2, timestamp: 0, payloadSize: UInt32(payload.count),
                                        payloadHash: Payload.hash(payload), backlink: feed.entry(1).id, lipmaaLink: nil)
            let report = try store.ingest([feed.entries[0], SignedEntry(entry: entry, payload: payload)])
            XCTAssertEqual(report.stored.count, 1, what)
            XCTAssertEqual(report.rejected.first?.sequence, 2, what)
            guard case let .payloadInvalid(.notJSON(error))? = report.rejected.first?.reason else {
                XCTFail("\(what): \(report.rejected)"); continue
            }
            XCTAssertTrue(error.reason.contains(what), error.reason)
            XCTAssertEqual(try store.head(of: feed.key.feed)?.sequence, 1, what)
        }
    }

    /// A feed whose entry 2 an older node stored with a payload the profile refuses: the store
    /// holds entry 2 with that payload, as if ingested before the profile.
    private func storeWithAnOldPayload(_ payload: [UInt8]) throws -> (LogStore, String, FeedBuilder) {
        let (store, path) = try openStore()
        var feed = FeedBuilder()
        feed.append()
        feed.append(String(decoding: payload, as: UTF8.self))
        XCTAssertEqual(feed.entries[1].payload, payload)
        feed.append()
        let bare = feed.entries.enumerated().map { $0 == 1 ? SignedEntry(entry: $1.entry, payload: nil) : $1 }
        XCTAssertEqual(try store.ingest(bare).stored.count, 3)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO payload (entry, data) SELECT rowid, ? FROM entry WHERE sequence = 2",
                           arguments: [Data(payload)])
        }
        return (store, path, feed)
    }

    func testAStoredPayloadOutsideTheProfileIsKeptReportedAndSentWithoutIt() throws {
        for (what, payload) in Self.refused {
            let (store, _, feed) = try storeWithAnOldPayload(payload)
            // Kept: entry and payload as stored.
            XCTAssertEqual(try store.entry(author: feed.key.feed, sequence: 2)?.payload, payload, what)

            // Verified: the chain is intact; the payload is named, not counted as a problem.
            let report = try store.verifyAll()
            XCTAssertTrue(report.isValid, "\(what): \(report.problems)")
            XCTAssertEqual(report.entries, 3)
            XCTAssertEqual(report.payloadsOutsideProfile.map(\.sequence), [2], what)
            XCTAssertTrue("\(report.payloadsOutsideProfile[0])".contains(what), "\(report.payloadsOutsideProfile[0])")

            // Sent on without it, so a node that checks the profile takes the whole feed.
            let sent = try store.entries(author: feed.key.feed).map(\.forSending)
            XCTAssertEqual(sent.map { $0.payload == nil }, [false, true, false], what)
            let (receiver, _) = try openStore()
            let asStored = try receiver.ingest(store.entries(author: feed.key.feed))
            XCTAssertEqual(asStored.stored.count, 1, "\(what): with the payload, a receiver refuses entry 2 and so entry 3")
            XCTAssertEqual(asStored.rejected.first?.sequence, 2, what)
            let (other, _) = try openStore()
            let taken = try other.ingest(sent)
            XCTAssertEqual(taken.stored.count, 3, "\(what): \(taken.rejected)")
            XCTAssertNil(try other.entry(author: feed.key.feed, sequence: 2)?.payload)

            // In a bundle, likewise.
            var decoder = BundleDecoder()
            let records = try store.entries(author: feed.key.feed).flatMap(BundleCodec.encodeRecord)
            decoder.append(BundleCodec.header + records + BundleCodec.encodeEnd(count: 3))
            var read: [SignedEntry] = []
            while let record = try decoder.next() { read.append(try record.get()) }
            XCTAssertEqual(read, sent, what)
        }
    }

    func testAStoredPayloadWithTheWrongHashIsStillAProblem() throws {
        let (store, path, _) = try storeWithAnOldPayload(Self.refused[0].1)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE payload SET data = CAST('{\"a\":1234}' AS BLOB) WHERE entry = (SELECT rowid FROM entry WHERE sequence = 2)")
        }
        let report = try store.verifyAll()
        XCTAssertEqual(report.problems.map(\.reason), [.payloadHashMismatch])
        XCTAssertTrue(report.payloadsOutsideProfile.isEmpty)
    }
}
