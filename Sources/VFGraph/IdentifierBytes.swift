import Foundation
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
        return memcmp(b.baseAddress! + b.count - n, suffix.utf8Start, n) == 0
    }

    /// 255 marks a byte outside the standard alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, char) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(char)] = UInt8(value)
        }
        return table
    }()

    /// 32 bytes from the 44 base64 characters at `start`: 40 characters eight at a time, then
    /// three whose last has two unused low bits (which must be zero), then one `=`.
    private static func hash(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Hash32? {
        guard b[start + 43] == UInt8(ascii: "=") else { return nil }
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let ok = withUnsafeMutableBytes(of: &out) { raw -> Bool in
            values.withUnsafeBufferPointer { table -> Bool in
                let chars = b.baseAddress! + start
                // Any character outside the alphabet reads as 255, so one test at the end finds it.
                var seen: UInt8 = 0
                for group in 0..<5 {
                    // Eight characters are 48 bits, the first character's highest: written as the
                    // first six bytes of a big-endian word. The word's last two bytes are zero and
                    // the next group (or the last three characters) overwrites them.
                    var bits: UInt64 = 0
                    for k in 0..<8 {
                        let value = table[Int(chars[group * 8 + k])]
                        seen |= value
                        bits = bits << 6 | UInt64(value)
                    }
                    raw.storeBytes(of: (bits << 16).bigEndian, toByteOffset: group * 6, as: UInt64.self)
                }
                let a = table[Int(chars[40])], c = table[Int(chars[41])], d = table[Int(chars[42])]
                guard seen | a | c | d < 64, d & 3 == 0 else { return false }
                let bits = UInt32(a) << 12 | UInt32(c) << 6 | UInt32(d)
                raw[30] = UInt8(truncatingIfNeeded: bits >> 10)
                raw[31] = UInt8(truncatingIfNeeded: bits >> 2)
                return true
            }
        }
        guard ok else { return nil }
        return withUnsafeBytes(of: out) { Hash32(unsafe: $0) }
    }
}
