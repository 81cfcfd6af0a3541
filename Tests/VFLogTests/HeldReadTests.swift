import Foundation
import VFTestSupport
import XCTest
@testable import VFLog

/// `readingInOneTransaction`: the reads made inside it run in one transaction, on one
/// snapshot of the log; outside it, and on other threads, each read sees the latest.
final class HeldReadTests: XCTestCase {
    func testReadsInsideTheScopeShareOneSnapshot() throws {
        let path = try temporaryDirectory(self) + "/log.sqlite"
        let store = try LogStore(path: path)
        let writer = try LogStore(path: path)  // another connection, as another process would be
        let key = SigningKey()
        let first = try store.append(Array(#"{"n":1}"#.utf8), key: key).entry.id
        var second: EntryID?
        try store.readingInOneTransaction {
            XCTAssertEqual(try store.records(ids: [first]).first??.payload, Array(#"{"n":1}"#.utf8))
            second = try writer.append(Array(#"{"n":2}"#.utf8), key: key).entry.id
            // Written after the snapshot was taken: not seen by reads in the scope, nested or not.
            XCTAssertNil(try store.records(ids: [second!]).first ?? nil)
            try store.readingInOneTransaction { XCTAssertNil(try store.records(ids: [second!]).first ?? nil) }
            XCTAssertEqual(try store.head(of: key.feed)?.sequence, 1)
            // Another thread reads on its own.
            let seenElsewhere = expectation(description: "read on another thread")
            DispatchQueue.global().async {
                XCTAssertEqual(try? store.head(of: key.feed)?.sequence, 2)
                seenElsewhere.fulfill()
            }
            wait(for: [seenElsewhere], timeout: 10)
        }
        XCTAssertEqual(try store.records(ids: [second!]).first??.sequence, 2, "after the scope, reads see the latest again")
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 2)
    }

    /// Inside the scope, whether a payload was forgotten is answered from the set read once:
    /// right for the entries forgotten before, and, like every read there, blind to a forget
    /// written meanwhile, which the next scope sees.
    func testForgottenEntriesAreReadOnceForTheScope() throws {
        let path = try temporaryDirectory(self) + "/log.sqlite"
        let store = try LogStore(path: path)
        let writer = try LogStore(path: path)
        let key = SigningKey()
        let ids = try (1...3).map { try store.append(Array(#"{"n":\#($0)}"#.utf8), key: key).entry.id }
        try store.forget(ids[0])
        try store.readingInOneTransaction {
            XCTAssertTrue(try store.isForgotten(ids[0]))
            XCTAssertFalse(try store.isForgotten(ids[1]))
            try writer.forget(ids[1])
            XCTAssertFalse(try store.isForgotten(ids[1]), "a forget after the snapshot is not seen in the scope")
            XCTAssertFalse(try store.isForgotten(ids[2]))
        }
        XCTAssertTrue(try store.isForgotten(ids[1]))
        try store.readingInOneTransaction {
            XCTAssertEqual(try ids.map { try store.isForgotten($0) }, [true, true, false])
        }
    }

    func testWhatTheBodyThrowsPassesThroughAndEndsTheScope() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        struct Stop: Error {}
        XCTAssertThrowsError(try store.readingInOneTransaction { throw Stop() }) { XCTAssertTrue($0 is Stop) }
        let key = SigningKey()
        try store.append(Array(#"{"n":1}"#.utf8), key: key)
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 1, "no snapshot is left held")
    }
}
