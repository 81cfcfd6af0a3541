import Foundation
import GRDB
import XCTest
@testable import VFGraph

/// A write begun on another thread commits both parts, rolls back when given nothing, and
/// reports an error from either part to the caller of `finish`.
final class OverlappedWriteTests: XCTestCase {
    private var directory = ""
    private var pool: DatabasePool!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-overlapped-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pool = try DatabasePool(path: directory + "/db.sqlite")
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
    }

    override func tearDownWithError() throws {
        pool = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func values() throws -> [Int] {
        try pool.read { db in try Int.fetchAll(db, sql: "SELECT x FROM t ORDER BY x") }
    }

    private struct Failure: Error, Equatable { let part: String }

    func testBothPartsCommitTogether() throws {
        let write = OverlappedWrite<Int>(pool, first: { db in
            try db.execute(sql: "INSERT INTO t VALUES (1)")
        }, then: { db, rest in
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [rest])
        })
        // Until the rest is handed over, nothing is committed: readers see the table as it was.
        XCTAssertEqual(try values(), [])
        try write.finish(2)
        XCTAssertEqual(try values(), [1, 2])
    }

    func testNoRestRollsTheFirstPartBack() throws {
        let write = OverlappedWrite<Int>(pool, first: { db in try db.execute(sql: "INSERT INTO t VALUES (1)") },
                                         then: { _, _ in XCTFail("the second part runs only with a rest") })
        try write.finish(nil)
        XCTAssertEqual(try values(), [])
        // The writer is free again.
        try pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        XCTAssertEqual(try values(), [3])
    }

    func testAnErrorInEitherPartReachesFinishAndWritesNothing() throws {
        let early = OverlappedWrite<Int>(pool, first: { _ in throw Failure(part: "first") }, then: { _, _ in })
        XCTAssertThrowsError(try early.finish(1)) { XCTAssertEqual($0 as? Failure, Failure(part: "first")) }
        let late = OverlappedWrite<Int>(pool, first: { db in try db.execute(sql: "INSERT INTO t VALUES (1)") },
                                        then: { _, _ in throw Failure(part: "then") })
        XCTAssertThrowsError(try late.finish(1)) { XCTAssertEqual($0 as? Failure, Failure(part: "then")) }
        XCTAssertEqual(try values(), [])
    }

    func testAnAbandonedWriteRollsBack() throws {
        do {
            _ = OverlappedWrite<Int>(pool, first: { db in try db.execute(sql: "INSERT INTO t VALUES (1)") }, then: { _, _ in })
        }
        // Dropped without `finish`: the transaction ends by itself and the writer is free.
        try pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        XCTAssertEqual(try values(), [3])
    }
}
