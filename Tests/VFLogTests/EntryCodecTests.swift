import VFTestSupport
import XCTest
@testable import VFLog

final class EntryCodecTests: XCTestCase {
    func testDocumentedVectorsAreReproducedByteForByte() throws {
        let vectors = try JSONSerialization.jsonObject(with: fixture("entry-vectors.json")) as! [String: Any]
        let key = SigningKey(seed: try XCTUnwrap([UInt8](hex: vectors["seed"] as! String)))
        XCTAssertEqual(key.feed.bytes.hexString, vectors["publicKey"] as? String)
        XCTAssertEqual(key.feed.description, vectors["feedId"] as? String)
        var previous: Entry?
        var byId: [UInt64: EntryID] = [:]
        for vector in vectors["entries"] as! [[String: Any]] {
            let sequence = UInt64(vector["sequence"] as! Int)
            let payload = Array((vector["payload"] as! String).utf8)
            XCTAssertEqual(Payload.hash(payload).hex, vector["payloadHash"] as? String)
            let entry = EntryCodec.sign(key: key, sequence: sequence, timestamp: Int64(vector["timestamp"] as! Int),
                                        payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
                                        backlink: previous?.id,
                                        lipmaaLink: Lipmaa.hasDistinctLink(sequence) ? byId[Lipmaa.link(sequence)] : nil)
            XCTAssertEqual(entry.encoded.hexString, vector["encoded"] as? String, "entry \(sequence)")
            XCTAssertEqual(entry.id.hash.hex, vector["id"] as? String)
            XCTAssertEqual(entry.id.description, vector["idText"] as? String)
            let decoded = try EntryCodec.decode(try XCTUnwrap([UInt8](hex: vector["encoded"] as! String)))
            XCTAssertEqual(decoded, entry)
            XCTAssertTrue(decoded.hasValidSignature())
            XCTAssertNoThrow(try EntryVerifier.verifyPayload(payload, of: decoded))
            previous = entry
            byId[sequence] = entry.id
        }
        XCTAssertNotNil(previous?.lipmaaLink, "the vectors include an entry with a distinct lipmaa link")
    }

    func testRoundTripOfEveryShape() throws {
        var feed = FeedBuilder()
        for _ in 0..<50 { feed.append() }
        for signed in feed.entries {
            let entry = signed.entry
            XCTAssertEqual(entry.encoded.count, EntryCodec.encodedSize(sequence: entry.sequence))
            let decoded = try EntryCodec.decode(entry.encoded)
            XCTAssertEqual(decoded, entry)
            XCTAssertEqual(decoded.lipmaaTarget, entry.sequence > 1 ? feed.entry(Lipmaa.link(entry.sequence)).id : nil)
        }
    }

    func testFlippingAnySingleByteMakesVerificationFail() throws {
        var feed = FeedBuilder()
        for _ in 0..<4 { feed.append() }
        for sequence: UInt64 in [1, 2, 4] {
            let original = feed.entry(sequence)
            let previous = sequence > 1 ? (sequence - 1, feed.entry(sequence - 1).id) : nil
            let target = sequence > 1 ? feed.entry(Lipmaa.link(sequence)).id : nil
            XCTAssertNoThrow(try EntryVerifier.verifyLinks(original, previous: previous, lipmaaTarget: target))
            for index in original.encoded.indices {
                guard let tampered = original.flipping(byte: index) else { continue }  // no longer decodes: refused
                var refused = !tampered.hasValidSignature()
                if !refused {
                    do { try EntryVerifier.verifyLinks(tampered, previous: previous, lipmaaTarget: target) } catch { refused = true }
                }
                XCTAssertTrue(refused, "entry \(sequence), byte \(index) flipped but still verifies")
            }
        }
    }

    func testDecodingRefusesMalformedBytes() {
        var feed = FeedBuilder()
        feed.append(); feed.append()
        let bytes = feed.entry(2).encoded
        XCTAssertThrowsError(try EntryCodec.decode(Array(bytes.dropLast()))) {
            XCTAssertEqual($0 as? EntryDecodingError, .truncated(expected: bytes.count, got: bytes.count - 1))
        }
        XCTAssertThrowsError(try EntryCodec.decode(bytes + [0])) {
            XCTAssertEqual($0 as? EntryDecodingError, .trailingBytes(expected: bytes.count, got: bytes.count + 1))
        }
        var wrongTag = bytes; wrongTag[0] = 2
        XCTAssertThrowsError(try EntryCodec.decode(wrongTag)) { XCTAssertEqual($0 as? EntryDecodingError, .unknownTag(2)) }
        var zero = feed.entry(1).encoded
        for i in 33..<41 { zero[i] = 0 }
        XCTAssertThrowsError(try EntryCodec.decode(zero)) { XCTAssertEqual($0 as? EntryDecodingError, .zeroSequence) }
        XCTAssertThrowsError(try EntryCodec.decode([]))
    }

    func testFeedAndEntryIdsParseStrictly() throws {
        let key = SigningKey(seed: Array(0..<32))
        let text = key.feed.description
        XCTAssertEqual(try FeedID(parsing: text), key.feed)
        let body = String(text.dropFirst().dropLast(".ed25519".count))
        for bad in ["", text + " ", " " + text, text.replacingOccurrences(of: ".ed25519", with: ".ed25518"),
                    "@" + body.replacingOccurrences(of: "/", with: "_") + ".ed25519",  // URL-safe alphabet
                    "@" + body.dropLast() + ".ed25519",                               // missing padding
                    "@" + body.dropLast(2) + "9=.ed25519",                            // non-zero unused bits
                    "%" + body + ".ed25519"] {
            XCTAssertThrowsError(try FeedID(parsing: bad), "accepted \(bad)")
        }
        var feed = FeedBuilder(key: key)
        let id = feed.append().entry.id
        XCTAssertEqual(try EntryID(parsing: id.description), id)
        XCTAssertThrowsError(try EntryID(parsing: "@" + id.description.dropFirst()))
    }
}
