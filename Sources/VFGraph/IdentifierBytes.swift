import Foundation
import VFLog

/// The text forms of feed, entry and resource ids read straight from UTF-8 bytes, without
/// building a string: the fast path of payload decoding.
///
/// Each accepts exactly the canonical spelling the parsing initialisers accept (`%`/`@`, 44
/// characters of standard base64 with padding and zero unused bits, the suffix) and returns
/// nil for anything else, so a caller falls back to those initialisers for their errors.
package enum IdentifierBytes {
    package static func entryID(_ b: UnsafeBufferPointer<UInt8>) -> EntryID? {
        guard b.count == 49, b[0] == UInt8(ascii: "%"), hasSuffix(b, ".vf1"), let hash = hash(b, from: 1) else { return nil }
        return EntryID(hash: hash)
    }

    package static func feedID(_ b: UnsafeBufferPointer<UInt8>) -> FeedID? {
        guard b.count == 53, b[0] == UInt8(ascii: "@"), hasSuffix(b, ".ed25519"), let hash = hash(b, from: 1) else { return nil }
        return FeedID(key: hash)
    }

    package static func resourceID(_ b: UnsafeBufferPointer<UInt8>) -> ResourceID? {
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

    /// `values` four times over, as UInt32 shifted to the place of the first, second, third and
    /// fourth character of a group of four (bits 23-18, …, 5-0), so a group is four loads
    /// OR-ed together. A byte outside the alphabet sets bit 31, which no valid group has.
    private static let placed: [UInt32] = (0..<4).flatMap { place in
        values.map { $0 == 255 ? 1 << 31 : UInt32($0) << (18 - 6 * place) }
    }

    /// 32 bytes from the 44 base64 characters at `start`: 40 characters eight at a time, then
    /// three whose last has two unused low bits (which must be zero), then one `=`.
    private static func hash(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Hash32? {
        guard b[start + 43] == UInt8(ascii: "=") else { return nil }
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let ok = withUnsafeMutableBytes(of: &out) { raw -> Bool in
            placed.withUnsafeBufferPointer { table -> Bool in
                let chars = b.baseAddress! + start
                func group(_ k: Int) -> UInt32 {
                    table[Int(chars[k])] | table[256 + Int(chars[k + 1])] | table[512 + Int(chars[k + 2])] | table[768 + Int(chars[k + 3])]
                }
                var seen: UInt32 = 0
                for k in stride(from: 0, to: 40, by: 8) {
                    // Eight characters are 48 bits, the first character's highest: written as the
                    // first six bytes of a big-endian word. The word's last two bytes are zero and
                    // the next group (or the last three characters) overwrites them.
                    let high = group(k), low = group(k + 4)
                    seen |= high | low
                    raw.storeBytes(of: (UInt64(high) << 40 | UInt64(low) << 16).bigEndian, toByteOffset: k / 8 * 6, as: UInt64.self)
                }
                // The last three characters, as the first three of a group: 18 bits, the last two unused.
                let last = table[Int(chars[40])] | table[256 + Int(chars[41])] | table[512 + Int(chars[42])]
                guard (seen | last) & 1 << 31 == 0, last & 0xC0 == 0 else { return false }
                raw[30] = UInt8(truncatingIfNeeded: last >> 16)
                raw[31] = UInt8(truncatingIfNeeded: last >> 8)
                return true
            }
        }
        guard ok else { return nil }
        return withUnsafeBytes(of: out) { Hash32(unsafe: $0) }
    }
}
