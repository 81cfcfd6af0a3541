import Foundation
import XCTest

/// Hex conversion for fixtures and failure messages.
extension Array where Element == UInt8 {
    init(fixtureHex hex: String) {
        precondition(hex.count % 2 == 0, "odd-length hex string")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// Loads a JSON fixture from the test bundle's Fixtures folder.
func loadFixture(_ name: String) throws -> Any {
    let url = try XCTUnwrap(
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
        "fixture \(name).json missing from the test bundle"
    )
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}

/// Splits `bytes` into chunks whose sizes come from `nextSize`, to imitate a
/// network that fragments however it likes.
func chunks(of bytes: [UInt8], sizes nextSize: () -> Int) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + max(1, nextSize()))
        result.append(Array(bytes[start..<end]))
        start = end
    }
    return result
}

