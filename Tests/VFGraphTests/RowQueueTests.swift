import XCTest
import Foundation
@testable import VFGraphStore

/// ``RowQueue``: rows made on one thread are written on another, all of them, in order, with
/// few waiting; an error on either side stops both and is the one thrown.
final class RowQueueTests: XCTestCase {
    struct Refused: Error, Equatable { let at: Int }

    /// Counts rows made but not yet written, and the most there ever were.
    final class InFlight: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var most = 0
        func made() { lock.withLock { now += 1; most = max(most, now) } }
        func written() { lock.withLock { now -= 1 } }
    }

    func testEveryRowIsWrittenInTheOrderMade() throws {
        var written: [Int] = []
        try RowQueue<Int>(chunkSize: 7, depth: 2).run(make: { emit in
            for i in 0..<10_000 { try emit(i) }
        }, write: { written.append($0) })
        XCTAssertEqual(written, Array(0..<10_000))
    }

    func testNoRowsWritesNothing() throws {
        var written = 0
        try RowQueue<Int>().run(make: { _ in }, write: { _ in written += 1 })
        XCTAssertEqual(written, 0)
    }

    /// A slow writer: the maker waits for room, so what is held stays within the chunks the
    /// queue holds (`depth` waiting, one being written, one being filled), however many rows.
    func testASlowWriterHoldsTheMakerBack() throws {
        let flight = InFlight()
        var count = 0
        try RowQueue<Int>(chunkSize: 10, depth: 2).run(make: { emit in
            for i in 0..<2_000 {
                flight.made()
                try emit(i)
            }
        }, write: { _ in
            if count % 100 == 0 { usleep(20_000) }
            count += 1
            flight.written()
        })
        XCTAssertEqual(count, 2_000)
        XCTAssertLessThanOrEqual(flight.most, 10 * (2 + 2))
        XCTAssertGreaterThan(flight.most, 10, "the maker ran ahead of the writer by at least a chunk")
    }

    /// The writer fails: the maker stops at its next chunk instead of making every row, has
    /// returned when `run` throws, and the writer's error is thrown, not the maker's.
    func testAWriterErrorStopsTheMaker() throws {
        let made = InFlight()
        let returned = InFlight()
        var written = 0
        XCTAssertThrowsError(try RowQueue<Int>(chunkSize: 10, depth: 2).run(make: { emit in
            defer { usleep(50_000); returned.made() }
            for i in 0..<1_000_000 {
                made.made()
                try emit(i)
            }
        }, write: { row in
            if row == 35 { throw Refused(at: row) }
            written += 1
        })) { error in
            XCTAssertEqual(error as? Refused, Refused(at: 35))
        }
        XCTAssertEqual(written, 35)
        XCTAssertLessThanOrEqual(made.most, 10 * 7, "the maker stopped within a few chunks of the failure")
        XCTAssertEqual(returned.most, 1, "the maker had returned")
    }

    /// A maker that goes on after `emit` threw is not left waiting for room no writer makes.
    func testAMakerThatIgnoresTheStopStillEnds() throws {
        var written = 0
        XCTAssertThrowsError(try RowQueue<Int>(chunkSize: 10, depth: 2).run(make: { emit in
            for i in 0..<100_000 { try? emit(i) }
        }, write: { row in
            // The maker fills the queue and waits for room before the writer fails.
            if row == 35 {
                usleep(50_000)
                throw Refused(at: row)
            }
            written += 1
        })) { error in
            XCTAssertEqual(error as? Refused, Refused(at: 35))
        }
        XCTAssertEqual(written, 35)
    }

    /// The maker fails: the rows of the chunks it handed over are written, then its error is thrown.
    func testAMakerErrorIsThrownAfterTheChunksBeforeIt() throws {
        var written: [Int] = []
        XCTAssertThrowsError(try RowQueue<Int>(chunkSize: 10, depth: 2).run(make: { emit in
            for i in 0..<25 { try emit(i) }
            throw Refused(at: 25)
        }, write: { written.append($0) })) { error in
            XCTAssertEqual(error as? Refused, Refused(at: 25))
        }
        XCTAssertEqual(written, Array(0..<20), "the two full chunks are written; the partial third is not")
    }
}
