import Foundation
import XCTest
@testable import VFLog

/// Builds feeds in memory, entry by entry, the way an author would.
struct FeedBuilder {
    let key: SigningKey
    private(set) var entries: [SignedEntry] = []

    init(key: SigningKey = SigningKey()) { self.key = key }

    @discardableResult
    mutating func append(_ json: String? = nil, timestamp: Int64 = 1_767_225_600_000) -> SignedEntry {
        let sequence = UInt64(entries.count + 1)
        let payload = Array((json ?? #"{"n":\#(sequence)}"#).utf8)
        let entry = EntryCodec.sign(
            key: key, sequence: sequence, timestamp: timestamp,
            payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
            backlink: entries.last?.entry.id,
            lipmaaLink: Lipmaa.hasDistinctLink(sequence) ? entries[Int(Lipmaa.link(sequence)) - 1].entry.id : nil)
        let signed = SignedEntry(entry: entry, payload: payload)
        entries.append(signed)
        return signed
    }

    func entry(_ sequence: UInt64) -> Entry { entries[Int(sequence) - 1].entry }
}

/// A fresh directory under the system's temporary directory, removed by the test's teardown.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "vf-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func fixture(_ name: String) throws -> Data {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

extension Entry {
    /// A copy with one byte of its encoding changed, or nil if that no longer decodes.
    func flipping(byte index: Int) -> Entry? {
        var bytes = encoded
        bytes[index] ^= 0x01
        return try? EntryCodec.decode(bytes)
    }
}
