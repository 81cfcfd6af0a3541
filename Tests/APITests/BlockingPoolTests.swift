import Foundation
import XCTest
@testable import VFAPI

/// The API's reads run on threads of their own, never on Swift's cooperative ones.
final class BlockingPoolTests: XCTestCase {
    func testWorkRunsOnThePoolsThreadsAndItsErrorsComeBack() async throws {
        let pool = BlockingPool(threads: 2)
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0 ..< 8 { group.addTask { try await pool.run { Thread.current.name ?? "" } } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertFalse(names.isEmpty)
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("TP-#") }, "ran on \(names)")
        do {
            _ = try await pool.run { throw APIError.notFound("nothing here") }
            XCTFail("the error was lost")
        } catch let error as APIError {
            XCTAssertEqual(error, .notFound("nothing here"))
        }
        await pool.shutdown()
        do {
            _ = try await pool.run { 1 }
            XCTFail("a stopped pool ran work")
        } catch {}
    }
}
