import CSodium
@testable import VFPeer
import VFTestSupport
import XCTest

/// Box stream against the known answers of box-stream-c, and against a wire
/// that fragments, tampers and lies about lengths.
final class BoxStreamTests: XCTestCase {
    private struct KnownAnswer {
        let parameters: BoxStreamParameters
        let plain1, plain2: [UInt8]
        let packet1, packet2, goodbye: [UInt8]
    }

    private func knownAnswer() throws -> KnownAnswer {
        let json = try XCTUnwrap(loadFixture("box-stream-kat") as? [String: Any])
        func bytes(_ key: String) throws -> [UInt8] {
            [UInt8](fixtureHex: try XCTUnwrap(json[key] as? String, "box-stream-kat.json has no \(key)"))
        }
        return KnownAnswer(
            parameters: BoxStreamParameters(key: try bytes("encryption_key"), nonce: try bytes("encryption_nonce")),
            plain1: try bytes("plain1"),
            plain2: try bytes("plain2"),
            packet1: try bytes("expected_header1") + bytes("expected_packet1"),
            packet2: try bytes("expected_header2") + bytes("expected_packet2"),
            goodbye: try bytes("expected_final_header")
        )
    }

    func testWriterReproducesKnownAnswers() throws {
        let kat = try knownAnswer()
        var writer = BoxStreamWriter(kat.parameters)
        XCTAssertEqual(writer.seal(kat.plain1).hex, kat.packet1.hex, "packet 1")
        XCTAssertEqual(writer.seal(kat.plain2).hex, kat.packet2.hex, "packet 2")
        XCTAssertEqual(writer.goodbye().hex, kat.goodbye.hex, "goodbye")
    }

    func testReaderOpensKnownAnswersInAnyChunking() throws {
        let kat = try knownAnswer()
        let wire = kat.packet1 + kat.packet2 + kat.goodbye
        let expected: [BoxStreamReader.Event] = [.message(kat.plain1), .message(kat.plain2), .goodbye]
        var generator = SplitMix64(seed: 42)
        let chunkings: [(String, () -> Int)] = [
            ("whole", { wire.count }),
            ("1-byte", { 1 }),
            ("random", { Int.random(in: 1...40, using: &generator) }),
        ]
        for (label, size) in chunkings {
            var reader = BoxStreamReader(kat.parameters)
            var events: [BoxStreamReader.Event] = []
            for chunk in chunks(of: wire, sizes: size) { events += reader.receive(chunk) }
            XCTAssertEqual(events, expected, label)
            XCTAssertTrue(reader.isFinished, label)
        }
    }

    func testLongMessagesAreSplitIntoPacketsOfAtMost4096Bytes() throws {
        let kat = try knownAnswer()
        var writer = BoxStreamWriter(kat.parameters)
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let wire = writer.seal(message)
        XCTAssertEqual(wire.count, 10_000 + 3 * BoxStream.headerLength)
        XCTAssertEqual(writer.seal([UInt8]()), [], "an empty message makes no packet")
        var reader = BoxStreamReader(kat.parameters)
        let events = reader.receive(wire)
        XCTAssertEqual(events.map(bodyLength), [4096, 4096, 1808])
        XCTAssertEqual(events.compactMap(body).joined().map { $0 }, message)
    }

    func testEveryTamperedByteIsDetected() throws {
        let kat = try knownAnswer()
        let wire = kat.packet1 + kat.packet2 + kat.goodbye
        let packetLength = kat.packet1.count
        for position in wire.indices {
            var tampered = wire
            tampered[position] ^= 0x80
            var reader = BoxStreamReader(kat.parameters)
            let events = reader.receive(tampered)
            let offset = position % packetLength
            let expected: BoxStreamError = offset < BoxStream.headerLength ? .headerMACInvalid : .bodyMACInvalid
            XCTAssertEqual(events.last, .failed(expected), "byte \(position)")
            let delivered = events.compactMap(body)
            XCTAssertEqual(delivered.count, position / packetLength, "byte \(position): tampered body delivered")
            XCTAssertEqual(reader.receive([0]), [], "byte \(position): failed reader must stay silent")
        }
    }

    func testOversizeBodyLengthIsRejectedBeforeReadingTheBody() throws {
        let kat = try knownAnswer()
        for length in [4097, 0xFFFF] {
            var reader = BoxStreamReader(kat.parameters)
            let header = sealHeader(length: length, parameters: kat.parameters)
            XCTAssertEqual(reader.receive(header), [.failed(.invalidBodyLength(length))], "length \(length)")
        }
    }

    func testZeroLengthHeaderThatIsNotAGoodbyeIsRejected() throws {
        let kat = try knownAnswer()
        var reader = BoxStreamReader(kat.parameters)
        let header = sealHeader(length: 0, tag: [UInt8](repeating: 1, count: 16), parameters: kat.parameters)
        XCTAssertEqual(reader.receive(header), [.failed(.invalidBodyLength(0))])
    }

    func testDataAfterGoodbyeAndTruncationAreErrors() throws {
        let kat = try knownAnswer()
        var reader = BoxStreamReader(kat.parameters)
        XCTAssertEqual(reader.receive(kat.packet1 + kat.packet2 + kat.goodbye + [1]).last,
                       .failed(.dataAfterGoodbye))

        var cut = BoxStreamReader(kat.parameters)
        XCTAssertEqual(cut.receive(kat.packet1.prefix(40)), [])
        XCTAssertEqual(cut.peerClosed().first.flatMap(errorKind), .truncated)

        var unfinished = BoxStreamReader(kat.parameters)
        XCTAssertEqual(unfinished.receive(kat.packet1), [.message(kat.plain1)])
        XCTAssertEqual(unfinished.peerClosed().first.flatMap(errorKind), .truncated)

        var finished = BoxStreamReader(kat.parameters)
        _ = finished.receive(kat.packet1 + kat.packet2 + kat.goodbye)
        XCTAssertEqual(finished.peerClosed(), [])
    }

    func testNonceCountsAsOneBigEndianNumber() {
        var nonce = [UInt8](repeating: 0, count: 24)
        nonce[22] = 0x01
        nonce[23] = 0xFF
        BoxStream.increment(&nonce)
        XCTAssertEqual(Array(nonce.suffix(2)), [0x02, 0x00])
        var top = [UInt8](repeating: 0xFF, count: 24)
        BoxStream.increment(&top)
        XCTAssertEqual(top, [UInt8](repeating: 0, count: 24), "the counter wraps like the reference")
    }

    // MARK: Helpers

    /// A correctly boxed header announcing `length`, as a lying peer holding the key could send.
    private func sealHeader(
        length: Int, tag: [UInt8] = [UInt8](repeating: 0xAB, count: 16), parameters: BoxStreamParameters
    ) -> [UInt8] {
        let plain = [UInt8(length >> 8), UInt8(length & 0xFF)] + tag
        var box = [UInt8](repeating: 0, count: plain.count + 16)
        crypto_secretbox_easy(&box, plain, UInt64(plain.count), parameters.nonce, parameters.key)
        return box
    }
}

private func body(_ event: BoxStreamReader.Event) -> [UInt8]? {
    if case .message(let bytes) = event { return bytes } else { return nil }
}

private func bodyLength(_ event: BoxStreamReader.Event) -> Int {
    body(event)?.count ?? -1
}

private func errorKind(_ event: BoxStreamReader.Event) -> BoxStreamError.Kind? {
    if case .failed(let error) = event { return error.kind } else { return nil }
}
