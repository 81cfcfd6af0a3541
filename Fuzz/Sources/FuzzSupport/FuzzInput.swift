/// The bytes libFuzzer hands a harness, with the few ways harnesses carve them up.
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    }

    /// The first byte, which many harnesses read as their settings, and the rest.
    public var settingsAndRest: (settings: UInt8, rest: ArraySlice<UInt8>) {
        (bytes.first ?? 0, bytes.dropFirst())
    }

    /// `rest` cut into chunks of 1…`largest` bytes whose sizes follow from `key`, so the fuzzer
    /// explores how a decoder copes with input arriving in pieces, as it does from a socket.
    public static func chunks(_ rest: ArraySlice<UInt8>, key: UInt8, largest: Int = 97) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var state = UInt32(key) &* 2_654_435_761 | 1
        var start = rest.startIndex
        while start < rest.endIndex {
            state = state &* 1_103_515_245 &+ 12_345
            let size = key == 0 ? rest.count : 1 + Int(state >> 16) % largest
            let end = min(start + size, rest.endIndex)
            chunks.append(rest[start..<end])
            start = end
        }
        return chunks
    }
}

/// A property the code under test must keep; breaking it is a finding, reported as a crash.
public func fuzzRequire(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                        file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz invariant broken: \(message())", file: file, line: line) }
}
