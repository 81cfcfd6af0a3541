import VFJSON
import VFTestSupport
import XCTest
@testable import VFLog

final class VerificationTests: XCTestCase {
    private func reason(_ body: () throws -> Void) -> VerificationError.Reason? {
        do { try body(); return nil } catch let error as VerificationError { return error.reason } catch { return nil }
    }

    func testWrongBacklinkIsRefused() {
        var feed = FeedBuilder(), other = FeedBuilder(key: feed.key)
        feed.append(); feed.append(); other.append(#"{"other":true}"#)
        let entry = feed.entry(2)
        XCTAssertEqual(reason { try EntryVerifier.verifyLinks(entry, previous: (1, other.entry(1).id), lipmaaTarget: nil) },
                       .wrongBacklink(expected: other.entry(1).id, found: feed.entry(1).id))
    }

    func testWrongLipmaaLinkIsRefused() {
        var feed = FeedBuilder()
        for _ in 0..<4 { feed.append() }
        let entry = feed.entry(4)
        XCTAssertEqual(Lipmaa.link(4), 1)
        let wrongTarget = feed.entry(2).id
        XCTAssertEqual(reason { try EntryVerifier.verifyLinks(entry, previous: (3, feed.entry(3).id), lipmaaTarget: wrongTarget) },
                       .wrongLipmaaLink(target: 1, expected: wrongTarget, found: feed.entry(1).id))
        XCTAssertNil(reason { try EntryVerifier.verifyLinks(entry, previous: (3, feed.entry(3).id), lipmaaTarget: feed.entry(1).id) })
    }

    func testSequenceGapIsRefused() {
        var feed = FeedBuilder()
        for _ in 0..<3 { feed.append() }
        XCTAssertEqual(reason { try EntryVerifier.verifyLinks(feed.entry(3), previous: (1, feed.entry(1).id), lipmaaTarget: nil) },
                       .sequenceGap(expected: 2))
        XCTAssertEqual(reason { try EntryVerifier.verifyLinks(feed.entry(2), previous: nil, lipmaaTarget: nil) },
                       .sequenceGap(expected: 1))
    }

    func testBadPayloadHashAndSizeAreRefused() {
        var feed = FeedBuilder()
        let signed = feed.append(#"{"a":1}"#)
        XCTAssertEqual(reason { try EntryVerifier.verifyIntrinsic(signed.entry, payload: Array(#"{"a":2}"#.utf8)) }, .payloadHashMismatch)
        XCTAssertEqual(reason { try EntryVerifier.verifyIntrinsic(signed.entry, payload: Array(#"{"a":12}"#.utf8)) },
                       .payloadSizeMismatch(claimed: 7, actual: 8))
        XCTAssertNil(reason { try EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload) })
        XCTAssertNil(reason { try EntryVerifier.verifyIntrinsic(signed.entry, payload: nil) }, "a dropped payload still verifies")
    }

    func testOversizedPayloadIsRefusedByAuthorAndVerifier() throws {
        let big = Array(("{\"x\":\"" + String(repeating: "a", count: Payload.maximumSize) + "\"}").utf8)
        XCTAssertThrowsError(try Payload.validate(big)) { XCTAssertEqual($0 as? PayloadError, .tooLarge(size: big.count)) }
        let exact = Array(("{\"x\":\"" + String(repeating: "a", count: Payload.maximumSize - 8) + "\"}").utf8)
        XCTAssertEqual(exact.count, Payload.maximumSize)
        XCTAssertNoThrow(try Payload.validate(exact))
        // A validly signed entry that claims an oversized payload is refused even without the payload.
        let key = SigningKey()
        let entry = EntryCodec.sign(key: key, sequence: 1, timestamp: 0, payloadSize: UInt32(big.count),
                                    payloadHash: Payload.hash(big), backlink: nil, lipmaaLink: nil)
        XCTAssertEqual(reason { try EntryVerifier.verifyIntrinsic(entry, payload: nil) }, .claimedPayloadTooLarge(UInt32(big.count)))
    }

    func testPayloadMustBeAUTF8JSONObject() {
        XCTAssertEqual(catchPayload([0x7B, 0xFF, 0x7D]), .notJSON(JSONParseError(offset: 1, reason: "invalid UTF-8")))
        XCTAssertEqual(catchPayload([0x7B, 0xFF, 0x7D])?.description,
                       "payload is not JSON under the profile of protocol.md §5: at byte 1, invalid UTF-8")
        XCTAssertEqual(catchPayload(Array("[1,2]".utf8)), .notAnObject)
        XCTAssertEqual(catchPayload(Array("\"text\"".utf8)), .notAnObject)
        if case .notJSON = catchPayload(Array("{\"a\":".utf8)) {} else { XCTFail("truncated JSON accepted") }
        XCTAssertNil(catchPayload(Array(#"{"name":"Hillside Farm","q":{"hasNumericalValue":"1.5"}}"#.utf8)))
    }

    func testAnEntryWhosePayloadBreaksTheProfileIsRefusedWithWhatAndWhere() {
        let cases: [(String, Int, String)] = [
            ("\u{FEFF}{\"a\":1}", 0, "byte order mark"),
            (#"{"a":1,"\u0061":2}"#, 7, #"duplicate member name "a""#),
            (#"{"s":"\ud800"}"#, 6, "lone high surrogate"),
            (#"{"s":"\udc00"}"#, 6, "lone low surrogate"),
        ]
        for (text, offset, what) in cases {
            var feed = FeedBuilder()
            let signed = feed.append(text)
            guard case let .payloadInvalid(.notJSON(error))? = reason({ try EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload) }) else {
                XCTFail("\(what) accepted"); continue
            }
            XCTAssertEqual(error.offset, offset, what)
            XCTAssertTrue(error.reason.contains(what), error.reason)
            XCTAssertNil(reason { try EntryVerifier.verifyIntrinsic(signed.entry, payload: nil) }, "without it, the entry verifies")
        }
    }

    private func catchPayload(_ bytes: [UInt8]) -> PayloadError? {
        do { try Payload.validate(bytes); return nil } catch { return error }
    }

    func testSignatureByAnotherKeyIsRefused() throws {
        var feed = FeedBuilder()
        feed.append()
        var bytes = feed.entry(1).encoded
        let impostor = SigningKey()
        let signature = bytes[..<(bytes.count - 64)].withUnsafeBytes { impostor.sign($0) }
        bytes.replaceSubrange((bytes.count - 64)..., with: signature)
        let forged = try EntryCodec.decode(bytes)
        XCTAssertEqual(reason { try EntryVerifier.verifyIntrinsic(forged, payload: nil) }, .badSignature)
    }
}

final class CertificatePoolTests: XCTestCase {
    /// One feed of 10,000 entries, built once: signing is the slow part.
    nonisolated(unsafe) private static var feed: FeedBuilder = {
        var feed = FeedBuilder()
        for _ in 0..<10_000 { feed.append() }
        return feed
    }()

    private func pool(for n: UInt64) -> [Entry] {
        Lipmaa.certificatePool(of: n).filter { $0 <= 10_000 && $0 != n }.map { Self.feed.entry($0) }
    }

    func testEntriesUpTo10000VerifyAgainstTheirCertificatePoolAlone() throws {
        var sample: Set<UInt64> = Set(1...200)
        sample.formUnion([364, 1093, 3280, 9841, 9842, 9999, 10_000])
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 { sample.insert(UInt64.random(in: 1...10_000, using: &rng)) }
        for n in sample.sorted() {
            let pool = pool(for: n)
            XCTAssertLessThanOrEqual(pool.count, 60, "pool of \(n) is logarithmic")
            XCTAssertNoThrow(try CertificateVerifier.verify(Self.feed.entry(n), pool: pool), "entry \(n)")
        }
    }

    func testAMissingOrForgedCertificateFails() throws {
        let n: UInt64 = 9_999
        let path = Lipmaa.pathToFirst(from: n)
        var pool = pool(for: n)
        let removed = path[2]
        pool.removeAll { $0.sequence == removed }
        XCTAssertThrowsError(try CertificateVerifier.verify(Self.feed.entry(n), pool: pool)) {
            XCTAssertEqual(($0 as? VerificationError)?.reason, .missingCertificate(sequence: removed))
        }
        // Same sequence, signed by the author, but not the entry the chain links to.
        var forked = FeedBuilder(key: Self.feed.key)
        for _ in 0..<Int(path[1]) { forked.append(#"{"fork":true}"#) }
        var withFork = self.pool(for: n).filter { $0.sequence != path[1] }
        withFork.append(forked.entry(path[1]))
        XCTAssertThrowsError(try CertificateVerifier.verify(Self.feed.entry(n), pool: withFork)) {
            guard case .wrongLipmaaLink = ($0 as? VerificationError)?.reason else { return XCTFail("\($0)") }
        }
        // An entry by another author in the pool is refused.
        var stranger = FeedBuilder()
        for _ in 0..<Int(path[1]) { stranger.append() }
        XCTAssertThrowsError(try CertificateVerifier.verify(Self.feed.entry(n), pool: [stranger.entry(path[1])]))
    }
}
