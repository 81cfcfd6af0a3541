import VFLog
import XCTest

/// Found in review: hashing only the first eight bytes let anyone who picks ids (feed ids in
/// payloads and clocks) make every key of a table collide, and derivation quadratic.
final class Hash32HashingTests: XCTestCase {
    func testIdsThatShareAPrefixHashApart() {
        let prefix = [UInt8](repeating: 0xAB, count: 8)
        let hashes = Set((0..<1000).map { i -> Int in
            var bytes = prefix + [UInt8](repeating: 0, count: 24)
            bytes[31] = UInt8(i & 0xFF)
            bytes[20] = UInt8(i >> 8)
            return Hash32(bytes: bytes)!.hashValue
        })
        // With all 32 bytes hashed, 1,000 distinct ids give (all but surely) 1,000 hash values.
        XCTAssertGreaterThan(hashes.count, 990)
    }
}
