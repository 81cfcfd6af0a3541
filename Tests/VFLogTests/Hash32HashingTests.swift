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

    /// Dictionaries and sets use `_rawHashValue(seed:)`, Hash32's own keyed hash: ids that
    /// differ in one word, or only in their last byte, must still spread over the buckets
    /// (the low bits), and the seed must change the value.
    func testTableHashSpreadsIdsThatDifferInOneWord() {
        for word in 0..<4 {
            var buckets = [Int](repeating: 0, count: 1024)
            for i in 0..<8192 {
                var bytes = [UInt8](repeating: 0x5A, count: 32)
                bytes[word * 8 + 7] = UInt8(i & 0xFF)
                bytes[word * 8 + 6] = UInt8(i >> 8)
                buckets[Hash32(bytes: bytes)!._rawHashValue(seed: 12345) & 1023] += 1
            }
            // 8 per bucket on average; a hash that ignored the word would put all 8,192 in one.
            XCTAssertLessThan(buckets.max()!, 30, "word \(word)")
            XCTAssertGreaterThan(buckets.filter { $0 > 0 }.count, 1000, "word \(word)")
        }
        let id = Hash32(bytes: [UInt8](repeating: 7, count: 32))!
        XCTAssertEqual(Set((0..<100).map { id._rawHashValue(seed: $0) }).count, 100, "the seed keys the hash")
        XCTAssertEqual(id._rawHashValue(seed: 99), Hash32(bytes: [UInt8](repeating: 7, count: 32))!._rawHashValue(seed: 99))
        XCTAssertEqual(EntryID(hash: id)._rawHashValue(seed: 5), id._rawHashValue(seed: 5))
        XCTAssertEqual(FeedID(key: id)._rawHashValue(seed: 5), id._rawHashValue(seed: 5))
    }

    /// Found in review: the first version keyed only one side of each multiplication, so ids
    /// whose other words zeroed the other side all hashed alike, whatever the table's seed.
    /// No choice of two of the four words may pin the hash.
    func testNoTwoWordsPinTheTableHash() {
        var generator = SystemRandomNumberGenerator()
        for (fixedA, fixedB) in [(1, 3), (0, 2), (0, 1), (2, 3), (0, 3), (1, 2)] {
            let pinned = (generator.next() as UInt64, generator.next() as UInt64)
            let hashes = Set((0..<1000).map { _ -> Int in
                var words = [generator.next() as UInt64, generator.next(), generator.next(), generator.next()]
                words[fixedA] = pinned.0
                words[fixedB] = pinned.1
                let bytes = words.flatMap { word in withUnsafeBytes(of: word) { Array($0) } }
                return Hash32(bytes: bytes)!._rawHashValue(seed: 42)
            })
            XCTAssertGreaterThan(hashes.count, 990, "words \(fixedA) and \(fixedB) fixed")
        }
        // The exact ids of the review's attack on the first version.
        let attack = Set((0..<1000).map { i -> Int in
            let words: [UInt64] = [UInt64(i), 0xe703_7ed1_a0b4_28db, UInt64(i) &* 7, 0x5899_65cc_7537_4cc3]
            return Hash32(bytes: words.flatMap { word in withUnsafeBytes(of: word) { Array($0) } })!._rawHashValue(seed: 42)
        })
        XCTAssertGreaterThan(attack.count, 990)
    }
}
