import VFLog

/// The text forms of feed, entry and resource ids read straight from UTF-8 bytes, without
/// building a string: the fast path of payload decoding.
///
/// Each accepts exactly the canonical spelling the parsing initialisers accept (`%`/`@`, 44
/// characters of standard base64 with padding and zero unused bits, the suffix) and returns
/// nil for anything else, so a caller falls back to those initialisers for their errors.
enum IdentifierBytes {
    static func entryID(_ b: UnsafeBufferPointer<UInt8>) -> EntryID? {
        guard b.count == 49, b[0] == UInt8(ascii: "%"), hasSuffix(b, ".vf1"), let hash = hash(b, from: 1) else { return nil }
        return EntryID(hash: hash)
    }

    static func feedID(_ b: UnsafeBufferPointer<UInt8>) -> FeedID? {
        guard b.count == 53, b[0] == UInt8(ascii: "@"), hasSuffix(b, ".ed25519"), let hash = hash(b, from: 1) else { return nil }
        return FeedID(key: hash)
    }

    static func resourceID(_ b: UnsafeBufferPointer<UInt8>) -> ResourceID? {
        guard b.count == 52, b[0] == UInt8(ascii: "%"), hasSuffix(b, ".vf1res"), let hash = hash(b, from: 1) else { return nil }
        return ResourceID(hash: hash)
    }

    private static func hasSuffix(_ b: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        for k in 0..<n where b[b.count - n + k] != suffix.utf8Start[k] { return false }
        return true
    }

    /// 255 marks a byte outside the standard alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, char) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(char)] = UInt8(value)
        }
        return table
    }()

    /// 32 bytes from the 44 base64 characters at `start`: 42 full characters, one whose two
    /// low bits are unused (and must be zero), then one `=`.
    private static func hash(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Hash32? {
        guard b[start + 43] == UInt8(ascii: "=") else { return nil }
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let ok = withUnsafeMutableBytes(of: &out) { raw -> Bool in
            values.withUnsafeBufferPointer { table in
                var o = 0
                var k = start
                // Ten groups of four characters make 30 bytes.
                for _ in 0..<10 {
                    let a = table[Int(b[k])], c = table[Int(b[k + 1])], d = table[Int(b[k + 2])], e = table[Int(b[k + 3])]
                    guard a | c | d | e < 64 else { return false }
                    let bits = UInt32(a) << 18 | UInt32(c) << 12 | UInt32(d) << 6 | UInt32(e)
                    raw[o] = UInt8(truncatingIfNeeded: bits >> 16)
                    raw[o + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                    raw[o + 2] = UInt8(truncatingIfNeeded: bits)
                    o += 3; k += 4
                }
                // Three characters make the last two bytes; the third's low two bits are padding.
                let a = table[Int(b[k])], c = table[Int(b[k + 1])], d = table[Int(b[k + 2])]
                guard a | c | d < 64, d & 3 == 0 else { return false }
                let bits = UInt32(a) << 12 | UInt32(c) << 6 | UInt32(d)
                raw[o] = UInt8(truncatingIfNeeded: bits >> 10)
                raw[o + 1] = UInt8(truncatingIfNeeded: bits >> 2)
                return true
            }
        }
        guard ok else { return nil }
        return withUnsafeBytes(of: out) { Hash32(unsafe: $0) }
    }
}
