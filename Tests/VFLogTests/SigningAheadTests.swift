import XCTest
@testable import VFLog

/// `vf publish --lines` signs its next batch while the graph checks and stores this one:
/// entries signed after entries not yet stored are the ones signing after them once stored.
final class SigningAheadTests: XCTestCase {
    private func payloads(_ range: ClosedRange<Int>) -> [[UInt8]] {
        range.map { Array(#"{"n":\#($0)}"#.utf8) }
    }

    func testSigningAfterEntriesNotYetStoredSignsWhatSigningAfterThemStoredWould() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey()
        try store.appendBatch(payloads(1...15), key: key)
        let earlier = try store.prepareAppend(payloads(16...35), key: key, timestamp: 1_900_000_000_000)
        let ahead = try store.prepareAppend(payloads(36...80), key: key, after: earlier, timestamp: 1_900_000_000_001)
        // Its lipmaa links reach both the entries stored and the ones only signed.
        let targets = ChainSigner.lipmaaTargets(after: 35, count: 45)
        XCTAssertTrue(targets.contains { $0 <= 15 } && targets.contains { (16...35).contains($0) }, "\(targets.sorted())")
        XCTAssertEqual(ahead.previous?.sequence, 35)
        XCTAssertEqual(ahead.previous?.id, earlier.entries.last?.entry.id)

        // Stored before what it follows, it is refused and nothing is stored.
        XCTAssertThrowsError(try store.commit(ahead)) { error in
            guard case .headMoved? = error as? AppendError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 15)

        try store.commit(earlier)
        let signedAfterStoring = try store.prepareAppend(payloads(36...80), key: key, timestamp: 1_900_000_000_001)
        XCTAssertEqual(ahead.entries.map(\.entry), signedAfterStoring.entries.map(\.entry))
        try store.commit(ahead)
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 80)
        let report = try store.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems.prefix(3))")
        XCTAssertEqual(report.entries, 80)
    }

    func testSigningAfterAnotherFeedsEntriesSignsFromTheStoredHead() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey()
        try store.appendBatch(payloads(1...3), key: key)
        let other = try store.prepareAppend(payloads(1...2), key: SigningKey())
        let ahead = try store.prepareAppend(payloads(4...5), key: key, after: other)
        XCTAssertEqual(ahead.previous?.sequence, 3)
        try store.commit(ahead)
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 5)
    }
}
