import Foundation
import GRDB
import XCTest
@testable import VFGraph

/// A write begun on another thread commits what it wrote before and after a handoff, rolls
/// back when the sender gives up, and reports an error from either part to `finish`.
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

    /// A write of 1, then of what `rest` hands over; it commits only if that is not zero.
    private func write(_ rest: Handoff<Int>, failing: String? = nil) -> OverlappedWrite {
        OverlappedWrite(pool, giveUp: { rest.send(nil) }) { db in
            if failing == "first" { throw Failure(part: "first") }
            try db.execute(sql: "INSERT INTO t VALUES (1)")
            guard let value = rest.receive() else { return false }
            if failing == "then" { throw Failure(part: "then") }
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [value])
            return value != 0
        }
    }

    func testBothPartsCommitTogether() throws {
        let rest = Handoff<Int>()
        let write = write(rest)
        // Until the rest is handed over, nothing is committed: readers see the table as it was.
        XCTAssertEqual(try values(), [])
        rest.send(2)
        rest.send(3)  // only the first value sent counts
        try write.finish()
        XCTAssertEqual(try values(), [1, 2])
    }

    func testGivingUpOrDecliningRollsBack() throws {
        let nothing = Handoff<Int>()
        let gaveUp = write(nothing)
        nothing.send(nil)
        XCTAssertThrowsError(try gaveUp.finish()) { XCTAssertTrue($0 is OverlappedWrite.Declined) }
        let zero = Handoff<Int>()
        let declined = write(zero)
        zero.send(0)
        XCTAssertThrowsError(try declined.finish()) { XCTAssertTrue($0 is OverlappedWrite.Declined) }
        XCTAssertEqual(try values(), [])
        // The writer is free again.
        try pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        XCTAssertEqual(try values(), [3])
    }

    func testAnErrorInEitherPartReachesFinishAndWritesNothing() throws {
        for part in ["first", "then"] {
            let rest = Handoff<Int>()
            let write = write(rest, failing: part)
            rest.send(1)
            XCTAssertThrowsError(try write.finish()) { XCTAssertEqual($0 as? Failure, Failure(part: part)) }
        }
        XCTAssertEqual(try values(), [])
    }

    func testAnAbandonedWriteRollsBack() throws {
        do {
            _ = write(Handoff<Int>())
        }
        // Dropped without `finish`: it gives up its handoff, so the transaction ends by itself
        // and the writer is free.
        try pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (3)") }
        XCTAssertEqual(try values(), [3])
    }
}
