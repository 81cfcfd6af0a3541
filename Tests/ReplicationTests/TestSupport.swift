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

/// A small deterministic generator so fragmentation tests fail reproducibly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
