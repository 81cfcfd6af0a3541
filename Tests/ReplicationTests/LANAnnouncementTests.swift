import VFLog
@testable import VFPeer
import XCTest

/// The multiserver address text form and the authenticated announcement
/// datagram that carries it: both pure, so every refusal is checked here.
final class LANAnnouncementTests: XCTestCase {
    private let networkKey = [UInt8](repeating: 0x42, count: 32)
    private let feed = FeedID(bytes: SigningKeyPair(seed: [UInt8](repeating: 7, count: 32)).publicKey)!
    private var key: String { String(feed.description.dropFirst().dropLast(".ed25519".count)) }

    // MARK: Multiserver addresses

    func testMultiserverAddressRoundTrips() throws {
        let texts = [
            "net:192.168.1.123:8008~shs:\(key)",
            "net:0.0.0.0:1~shs:\(key)",
            "net:255.255.255.255:65535~shs:\(key)",
            "net:[::1]:8008~shs:\(key)",
            "net:[fe80::1:2]:9~shs:\(key)",
            "net:[2001:db8:0:0:0:0:0:1]:443~shs:\(key)",
            "net:[::ffff:10.0.0.1]:8008~shs:\(key)",
            "net:[::]:8008~shs:\(key)",
            "net:one.butt.nz:8008~shs:\(key)",
            "net:localhost:8008~shs:\(key)",
            "net:node-7.example:8008~shs:\(key)",
        ]
        for text in texts {
            let address = try MultiserverAddress(parsing: text)
            XCTAssertEqual(address.description, text)
            XCTAssertEqual(address.feed, feed)
        }
        let v6 = try MultiserverAddress(parsing: "net:[::1]:8008~shs:\(key)")
        XCTAssertEqual(v6.host, "::1", "the host is kept without brackets so it can be dialled")
        XCTAssertEqual(v6.port, 8008)
        XCTAssertTrue(v6.isIPv6)
    }

    func testMultiserverAddressFromParts() throws {
        let address = try MultiserverAddress(host: "10.0.0.5", port: 8008, feed: feed)
        XCTAssertEqual(address.description, "net:10.0.0.5:8008~shs:\(key)")
        XCTAssertEqual(try MultiserverAddress(parsing: address.description), address)
        XCTAssertEqual(try MultiserverAddress(host: "[::1]", port: 1, feed: feed).host, "::1")
        XCTAssertEqual(try MultiserverAddress(host: "::1", port: 1, feed: feed).description, "net:[::1]:1~shs:\(key)")
        XCTAssertThrowsError(try MultiserverAddress(host: "10.0.0.5", port: 0, feed: feed))
        XCTAssertThrowsError(try MultiserverAddress(host: "10.0.0.5", port: 65536, feed: feed))
        XCTAssertThrowsError(try MultiserverAddress(host: "[example.com]", port: 1, feed: feed))
        XCTAssertThrowsError(try MultiserverAddress(host: "", port: 1, feed: feed))
    }

    func testMultiserverAddressRefusals() {
        let refusals: [(text: String, reasonMentions: String)] = [
            ("", "net:"),
            ("tcp:1.2.3.4:8008~shs:\(key)", "net:"),
            ("net:1.2.3.4:8008", "transform"),
            ("net:1.2.3.4:8008~noauth", "transform"),
            ("net:1.2.3.4:8008~shs:\(key)~shs:\(key)", "transform"),
            ("net:1.2.3.4:8008~shs:\(key);net:5.6.7.8:8008~shs:\(key)", "several"),
            ("net:1.2.3.4:8008:~shs:\(key)", "port"), // the protocol guide's stray colon
            ("net:1.2.3.4~shs:\(key)", "HOST:PORT"),
            ("net:1.2.3.4:0~shs:\(key)", "port"),
            ("net:1.2.3.4:65536~shs:\(key)", "port"),
            ("net:1.2.3.4:08008~shs:\(key)", "port"),
            ("net:1.2.3.4:+80~shs:\(key)", "port"),
            ("net:1.2.3.4:80a~shs:\(key)", "port"),
            ("net::8008~shs:\(key)", "empty"),
            ("net:256.1.1.1:8008~shs:\(key)", "IPv4"),
            ("net:1.2.3:8008~shs:\(key)", "IPv4"),
            ("net:01.2.3.4:8008~shs:\(key)", "IPv4"),
            ("net:1.2.3.4.5:8008~shs:\(key)", "IPv4"),
            ("net:::1:8008~shs:\(key)", "brackets"),
            ("net:[::1:8008~shs:\(key)", "']'"),
            ("net:[::1]8008~shs:\(key)", "PORT"),
            ("net:[1::2::3]:8008~shs:\(key)", "IPv6"),
            ("net:[12345::1]:8008~shs:\(key)", "IPv6"),
            ("net:[fe80::1%eth0]:8008~shs:\(key)", "IPv6"),
            ("net:[1:2:3:4:5:6:7:8:9]:8008~shs:\(key)", "IPv6"),
            ("net:[example.com]:8008~shs:\(key)", "IPv6"),
            ("net:exa_mple.com:8008~shs:\(key)", "DNS"),
            ("net:-bad.example:8008~shs:\(key)", "'-'"),
            ("net:a..b:8008~shs:\(key)", "empty label"),
            ("net:host.123:8008~shs:\(key)", "numeric"),
            ("net:\(String(repeating: "a", count: 64)).example:8008~shs:\(key)", "63"),
            ("net:1.2.3.4:8008~shs:", "base64"),
            ("net:1.2.3.4:8008~shs:@\(key).ed25519", "base64"),
            ("net:1.2.3.4:8008~shs:\(key.dropLast())", "base64"),
            ("net:1.2.3.4:8008~shs: \(key.dropFirst())", "base64"),
            ("net:1.2.3.4:8008~shs:\(key)AAAA", "base64"),
            ("net:1.2.3.4:8008~shs:\(String(repeating: "A", count: 42))B=", "base64"), // non-zero unused bits
        ]
        for (text, mention) in refusals {
            do {
                let address = try MultiserverAddress(parsing: text)
                XCTFail("accepted \"\(text)\" as \(address)")
            } catch {
                XCTAssertTrue(
                    error.reason.contains(mention),
                    "refusal of \"\(text)\" should mention \"\(mention)\", said: \(error.reason)"
                )
                XCTAssertTrue(text.isEmpty || error.description.contains(text), "the error quotes the text")
            }
        }
    }

    // MARK: Announcements

    func testAnnouncementRoundTrips() throws {
        for text in ["net:10.213.0.2:8008~shs:\(key)", "net:[fe80::1]:8008~shs:\(key)"] {
            let address = try MultiserverAddress(parsing: text)
            let datagram = LANAnnouncement(address: address).encoded(networkKey: networkKey)
            XCTAssertEqual(Array(datagram.prefix(7)), Array("vf-lan2".utf8))
            XCTAssertEqual(datagram.count, 7 + 24 + 16 + text.utf8.count)
            XCTAssertEqual(try LANAnnouncement(decoding: datagram, networkKey: networkKey).address, address)
        }
    }

    func testAnnouncementRevealsNothingWithoutTheKey() throws {
        let datagram = try announcement()
        let again = try announcement()
        XCTAssertNotEqual(datagram, again, "a fresh nonce each time: repeated announcements do not look alike")
        for secret in [Array("10.213.0.2".utf8), Array("8008".utf8), feed.bytes, Array(key.prefix(12).utf8)] {
            XCTAssertFalse(contains(datagram, secret), "the datagram carries \(secret) in the clear")
        }
    }

    func testLongestAddressFitsInADatagram() throws {
        let label = String(repeating: "a", count: 63)
        let host = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        XCTAssertEqual(host.count, 253)
        let address = try MultiserverAddress(host: host, port: 65535, feed: feed)
        let datagram = LANAnnouncement(address: address).encoded(networkKey: networkKey)
        XCTAssertLessThanOrEqual(datagram.count, LANAnnouncement.maxDatagramSize)
        XCTAssertEqual(try LANAnnouncement(decoding: datagram, networkKey: networkKey).address, address)
    }

    func testAnnouncementOfAnotherNetworkIsRefused() throws {
        let datagram = try announcement(networkKey: [UInt8](repeating: 0x43, count: 32))
        assertRefused(datagram, as: .wrongNetwork)
    }

    func testTamperedAnnouncementIsRefused() throws {
        let original = try announcement()
        // Every single-bit flip after the magic must be caught by the box's tag.
        for index in original.indices {
            var tampered = original
            tampered[index] ^= 0x01
            assertRefused(tampered, as: index < 7 ? .wrongMagic : .wrongNetwork, "bit flip at byte \(index)")
        }
    }

    func testMalformedDatagramsAreRefused() throws {
        let valid = try announcement()
        assertRefused([], as: .badLength)
        assertRefused(Array(valid.prefix(40)), as: .badLength)
        assertRefused(valid + [0], as: .wrongNetwork)
        assertRefused(Array(valid.dropLast()), as: .wrongNetwork)
        assertRefused(Array("hello, world, this is not an announcement of ours!".utf8), as: .wrongMagic)
        assertRefused([UInt8](repeating: 0, count: LANAnnouncement.maxDatagramSize + 1), as: .oversize)

        // Sealed by a holder of the key, but the address is nonsense.
        assertRefused(sealed(Array("net:nowhere~shs:x".utf8)), as: .malformedAddress)
        assertRefused(sealed([0xFF, 0xFE, 0x41]), as: .malformedAddress)
    }

    // MARK: Helpers

    private func announcement(networkKey: [UInt8]? = nil) throws -> [UInt8] {
        let address = try MultiserverAddress(host: "10.213.0.2", port: 8008, feed: feed)
        return LANAnnouncement(address: address).encoded(networkKey: networkKey ?? self.networkKey)
    }

    /// Seals arbitrary bytes as an announcement a holder of the key could have sent.
    private func sealed(_ body: [UInt8]) -> [UInt8] {
        let nonce = [UInt8](repeating: 7, count: 24)
        return Array("vf-lan2".utf8) + nonce + NaCl.seal(body, nonce: nonce, key: LANAnnouncement.boxKey(networkKey: networkKey))
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    private func assertRefused(
        _ datagram: [UInt8], as kind: LANAnnouncementError.Kind, _ context: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let announcement = try LANAnnouncement(decoding: datagram, networkKey: networkKey)
            XCTFail("accepted \(announcement.address) \(context)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, "\(context): \(error.reason)", file: file, line: line)
            XCTAssertFalse(error.reason.isEmpty, file: file, line: line)
        }
    }
}

