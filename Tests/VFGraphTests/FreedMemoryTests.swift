import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import VFGraphStore

/// ``FreedMemory/handBack()``: memory freed in many small blocks, which glibc keeps (as a
/// rebuild in memory leaves it), goes back to the system.
final class FreedMemoryTests: XCTestCase {
    func testSmallBlocksFreedGoBackToTheSystem() throws {
        #if canImport(Glibc)
        let count = 2_000_000
        let blocks = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: count)
        defer { blocks.deallocate() }
        for i in 0..<count {
            let block = malloc(100)!
            memset(block, 1, 100)  // touched, so resident
            blocks[i] = block
        }
        // One block made after them and kept: the freed ones are not at the heap's top, which
        // glibc would hand back by itself.
        let pin = malloc(100)
        defer { free(pin) }
        for i in 0..<count { free(blocks[i]) }
        let before = RebuildTimings.residentMB()
        FreedMemory.handBack()
        let after = RebuildTimings.residentMB()
        XCTAssertGreaterThan(before - after, 100, "resident \(before) MB before, \(after) MB after")
        #else
        throw XCTSkip("glibc only")
        #endif
    }
}
