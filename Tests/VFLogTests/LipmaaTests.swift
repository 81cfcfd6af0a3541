import XCTest
@testable import VFLog

final class LipmaaTests: XCTestCase {
    /// The spec's recursive formula f/g, written independently of the iterative version.
    private func specLink(_ n: UInt64) -> UInt64 {
        func allOnes(_ k: UInt64) -> UInt64 { (pow3(k) - 1) / 2 }
        func pow3(_ k: UInt64) -> UInt64 { (0..<k).reduce(1) { acc, _ in acc * 3 } }
        func onesIndex(_ n: UInt64) -> UInt64? {
            var k: UInt64 = 1
            while allOnes(k) < n { k += 1 }
            return allOnes(k) == n ? k : nil
        }
        func g(_ n: UInt64) -> UInt64 {
            if let k = onesIndex(n) { return k }
            var k: UInt64 = 1
            while !(allOnes(k - 1) < n && n < allOnes(k)) { k += 1 }
            return g(n - allOnes(k - 1))
        }
        if let k = onesIndex(n) { return n - pow3(k - 1) }
        return n - allOnes(g(n))
    }

    func testKnownValuesFromTheBambooDrawing() {
        // Read off the Bamboo spec's figure of a 40-entry log.
        let expected: [UInt64: UInt64] = [1: 0, 2: 1, 3: 2, 4: 1, 5: 4, 8: 4, 12: 8, 13: 4, 14: 13, 17: 13, 26: 13,
                                          39: 26, 40: 13, 121: 40, 364: 121]
        for (n, link) in expected { XCTAssertEqual(Lipmaa.link(n), link, "lipmaa(\(n))") }
    }

    func testAgreesWithTheSpecFormulaUpTo10000() {
        for n in UInt64(1)...10_000 { XCTAssertEqual(Lipmaa.link(n), specLink(n), "lipmaa(\(n))") }
    }

    func testAgreesWithTheIndependentPythonVectors() throws {
        let vectors = try JSONSerialization.jsonObject(with: fixture("entry-vectors.json")) as! [String: Any]
        let table = vectors["lipmaa"] as! [String: Int]
        XCTAssertGreaterThan(table.count, 40)
        for (n, link) in table { XCTAssertEqual(Lipmaa.link(UInt64(n)!), UInt64(link), "lipmaa(\(n))") }
    }

    func testPathToFirstIsLogarithmic() {
        for n in UInt64(1)...10_000 {
            let path = Lipmaa.pathToFirst(from: n)
            XCTAssertEqual(path.first, n)
            XCTAssertEqual(path.last, 1)
            // 3 links per ternary digit at most: 9 digits cover 10,000.
            XCTAssertLessThanOrEqual(path.count, 3 * 9 + 1, "path from \(n)")
        }
        XCTAssertLessThanOrEqual(Lipmaa.pathToFirst(from: 1_000_000_000).count, 3 * 19 + 1)
    }

    func testUnionOfTwoCertificatePoolsConnectsTheirEntries() {
        // Bamboo's guarantee: for x < y, pool(x) ∪ pool(y) holds a path of links from y to x.
        func linked(from y: UInt64, to x: UInt64, through nodes: Set<UInt64>) -> Bool {
            var frontier = [y], seen: Set<UInt64> = [y]
            while let m = frontier.popLast() {
                if m == x { return true }
                for next in [m - 1, Lipmaa.link(m)] where next >= x && nodes.contains(next) && !seen.contains(next) {
                    seen.insert(next); frontier.append(next)
                }
            }
            return false
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let a = UInt64.random(in: 1...3_000, using: &rng), b = UInt64.random(in: 1...3_000, using: &rng)
            let (x, y) = (min(a, b), max(a, b))
            let nodes = Set(Lipmaa.certificatePool(of: x) + Lipmaa.certificatePool(of: y))
            XCTAssertTrue(linked(from: y, to: x, through: nodes), "pools of \(x) and \(y)")
        }
    }
}
