import XCTest
@testable import VFLog

/// `vf publish --lines` signs its next batch while the graph checks and stores this one:
/// entries signed after entries not yet stored are the ones signing after them once stored.
final class SigningAheadTests: XCTestCase {
    private func payloads(_ range: ClosedRange<Int>) -> [[UInt8]] {
        range.map { Array(#"{"n":\#($0)}"#.utf8) }
    }

    func testSigningAfterRunsNotYetStoredSignsWhatSigningAfterThemStoredWould() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey()
        try store.appendBatch(payloads(1...13), key: key)
        let first = try store.prepareAppend(payloads(14...30), key: key, timestamp: 1_900_000_000_000)
        let second = try store.prepareAppend(payloads(31...35), key: key, after: [first], timestamp: 1_900_000_000_001)
        let ahead = try store.prepareAppend(payloads(36...125), key: key, after: [first, second], timestamp: 1_900_000_000_002)
        // Its lipmaa links reach the entries stored and those of both runs only signed.
        let targets = ChainSigner.lipmaaTargets(after: 35, count: 90)
        XCTAssertTrue(targets.contains { $0 <= 13 } && targets.contains { (14...30).contains($0) } && targets.contains { (31...35).contains($0) },
                      "\(targets.sorted())")
        XCTAssertEqual(second.previous?.id, first.entries.last?.entry.id)
        XCTAssertEqual(ahead.previous?.sequence, 35)
        XCTAssertEqual(ahead.previous?.id, second.entries.last?.entry.id)

        // Stored before what it follows, it is refused and nothing is stored.
        XCTAssertThrowsError(try store.commit(ahead)) { error in
            guard case .headMoved? = error as? AppendError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 13)

        try store.commit(first)
        try store.commit(second)
        let signedAfterStoring = try store.prepareAppend(payloads(36...125), key: key, timestamp: 1_900_000_000_002)
        XCTAssertEqual(ahead.entries.map(\.entry), signedAfterStoring.entries.map(\.entry))
        try store.commit(ahead)
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 125)
        let report = try store.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems.prefix(3))")
        XCTAssertEqual(report.entries, 125)
    }

    /// A run signed after runs of which one is missing links to an entry neither the log nor the
    /// runs hold: refused as a moved head, so the caller signs again, rather than a trap.
    func testSigningAfterARunNotHandedInIsRefusedAsAMovedHead() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey()
        try store.appendBatch(payloads(1...13), key: key)
        let first = try store.prepareAppend(payloads(14...30), key: key)
        let second = try store.prepareAppend(payloads(31...35), key: key, after: [first])
        XCTAssertThrowsError(try store.prepareAppend(payloads(36...125), key: key, after: [second])) { error in
            guard case .headMoved? = error as? AppendError else { return XCTFail("\(error)") }
        }
    }

    func testSigningAfterAnotherFeedsEntriesSignsFromTheStoredHead() throws {
        let store = try LogStore(path: try temporaryDirectory(self) + "/log.sqlite")
        let key = SigningKey()
        try store.appendBatch(payloads(1...3), key: key)
        let other = try store.prepareAppend(payloads(1...2), key: SigningKey())
        let ahead = try store.prepareAppend(payloads(4...5), key: key, after: [other])
        XCTAssertEqual(ahead.previous?.sequence, 3)
        try store.commit(ahead)
        XCTAssertEqual(try store.head(of: key.feed)?.sequence, 5)
    }
}
