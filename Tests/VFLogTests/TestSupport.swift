import Foundation
import XCTest
@testable import VFLog

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
