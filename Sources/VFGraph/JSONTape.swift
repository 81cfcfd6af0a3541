import Foundation
import VFJSON

/// A payload's JSON read into one flat array of nodes that point into its bytes: no
/// dictionaries, no strings, one allocation (two when the payload has escapes). The fast path
/// of payload decoding reads typed fields from it (``PayloadTapeReader``).
///
/// It accepts a subset of what ``JSONParser`` accepts and nothing more: the same grammar,
/// depth limit, duplicate-member and UTF-8 rules, but it gives up (returns nil) on anything
/// unusual — a `\u` escape, an escape or non-ASCII byte in a member name, any error — and the
/// caller then takes the general path, which gives the exact value or the exact error. So a
/// payload reads the same whichever path it takes.
package struct JSONTape {
    package enum Kind: UInt8 { case object, array, string, number, literal }

    package struct Node {
        var kind: Kind
        var escaped: Bool
        /// For a member of an object: ``JSONTape/nameHash(_:_:)`` of its name; otherwise 0.
        var nameHash: UInt8
        /// Strings: the bytes between the quotes (in ``JSONTape/unescaped`` when the string had
        /// escapes); numbers and literals: the literal.
        var start: Int32
        var end: Int32
        /// For a member of an object: its name's bytes between the quotes; otherwise -1.
        var keyStart: Int32
        var keyEnd: Int32
        /// The index of the first node after this one's subtree.
        var after: Int32
        /// For an object: bit `nameHash` set for each member's name. Most lookups are of members
        /// a payload does not have (an event has a dozen optional ones), and this answers most
        /// of them without visiting a member.
        var memberHashes: UInt64 = 0
    }

    package let bytes: [UInt8]
    private(set) var nodes: [Node] = []
    /// The contents of strings that had escapes (`\/` is common: Foundation writes it), decoded.
    private(set) var unescaped: [UInt8] = []

    /// Scans `bytes`; nil when the fast path does not apply (see ``JSONTape``).
    package init?(scanning bytes: [UInt8]) {
        self.bytes = bytes
        guard bytes.count < Int(Int32.max) else { return nil }
        let hasEscapes = bytes.withUnsafeBufferPointer { b in
            b.count > 0 && memchr(b.baseAddress!, Int32(UInt8(ascii: "\\")), b.count) != nil
        }
        // Decoding never lengthens, so every decoded string fits in as many bytes as the
        // payload has; the scanner writes them through a pointer, with no per-byte checks.
        // The payload's bytes are only filler: growing an empty array is specialised here,
        // while `init(repeating:count:)` takes a generic path that looks up type metadata.
        var unescaped: [UInt8] = []
        let scanned: [Node]?
        if hasEscapes {
            unescaped.append(contentsOf: bytes)
            scanned = unescaped.withUnsafeMutableBufferPointer { out in
                bytes.withUnsafeBufferPointer { Scanner.scan($0, decodingInto: out.baseAddress) }
            }
        } else {
            // (Not through the empty `unescaped`: making it mutable would allocate.)
            scanned = bytes.withUnsafeBufferPointer { Scanner.scan($0, decodingInto: nil) }
        }
        guard let scanned else { return nil }
        self.nodes = scanned
        self.unescaped = unescaped
    }

    /// Six bits from a member name's length and first, middle and last bytes: cheap for a name
    /// that is a literal in the code and for one on the tape alike. Any odd multiplier is
    /// correct; this one gives each name the payload readers ask for its own bit (a test
    /// checks), so a lookup never compares the bytes of another of them.
    @inline(__always)
    package static func nameHash(_ name: UnsafePointer<UInt8>, _ count: Int) -> UInt8 {
        guard count > 0 else { return 0 }
        let mixed = UInt32(truncatingIfNeeded: count) | UInt32(name[0]) << 8 | UInt32(name[count / 2]) << 16 | UInt32(name[count - 1]) << 24
        return UInt8(truncatingIfNeeded: (mixed &* 0x6940_776D) >> 26)
    }

    /// The node of member `key` of the object at `object`; nil when absent.
    @inline(__always)
    package func member(_ object: Int, _ key: StaticString) -> Int? {
        let node = nodes[object]
        guard node.kind == .object else { return nil }
        // Inlined where `key` is a literal, the hash folds to a constant and the lookup of an
        // absent member (most lookups) is a bit test.
        let hash = Self.nameHash(key.utf8Start, key.utf8CodeUnitCount)
        guard node.memberHashes & 1 &<< hash != 0 else { return nil }
        return member(of: object, key, hash: hash)
    }

    /// The walk over the members of `object` for ``member(_:_:)``.
    private func member(of object: Int, _ key: StaticString, hash: UInt8) -> Int? {
        let keyCount = key.utf8CodeUnitCount
        return nodes.withUnsafeBufferPointer { n in
            bytes.withUnsafeBufferPointer { b -> Int? in
                var child = object + 1
                let end = Int(n[object].after)
                while child < end {
                    let c = n[child]
                    if c.nameHash == hash, Int(c.keyEnd - c.keyStart) == keyCount,
                       memcmp(b.baseAddress! + Int(c.keyStart), key.utf8Start, keyCount) == 0 {
                        return child
                    }
                    child = Int(c.after)
                }
                return nil
            }
        }
    }

    /// The name of each member of the object at `object` (its bytes: a name on the tape has no
    /// escapes), in the order written.
    package func memberNames(_ object: Int) -> [JSONName] {
        guard nodes[object].kind == .object else { return [] }
        var names: [JSONName] = []
        var child = object + 1
        let end = Int(nodes[object].after)
        while child < end {
            let c = nodes[child]
            names.append(JSONName(String(decoding: bytes[Int(c.keyStart) ..< Int(c.keyEnd)], as: UTF8.self)))
            child = Int(c.after)
        }
        return names
    }

    /// Whether the string at `node` has exactly the bytes of `text`.
    package func stringEquals(_ node: Int, _ text: StaticString) -> Bool {
        let n = nodes[node]
        guard n.kind == .string, Int(n.end - n.start) == text.utf8CodeUnitCount else { return false }
        return withBytes(node) { memcmp($0.baseAddress!, text.utf8Start, text.utf8CodeUnitCount) == 0 }
    }

    /// The text of a string or number node.
    package func text(_ node: Int) -> String {
        withBytes(node) { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` over the bytes of a string (its content, unescaped) or number node.
    package func withBytes<R>(_ node: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let n = nodes[node]
        return try (n.escaped ? unescaped : bytes).withUnsafeBufferPointer { b in
            try body(UnsafeBufferPointer(rebasing: b[Int(n.start)..<Int(n.end)]))
        }
    }

    /// The high bit of each byte of `word` (in memory order from the low end) that is `"`,
    /// `\` or below 0x20, plus possibly bytes above the lowest such one: the lowest flag is
    /// exact, and zero means none.
    ///
    /// XOR with a word of quotes makes the quotes zero bytes (likewise backslashes), and
    /// `(x - 0x01…01) & ~x & 0x80…80` flags the zero bytes of x: a byte's high bit turns on
    /// when it wraps below zero, `~x` drops bytes whose high bit was on already (≥ 0x80).
    /// A wrapping byte borrows from the next one up, which may then be flagged too, but
    /// borrows start only at a true hit, so nothing below the lowest hit is flagged.
    /// Subtracting 0x20 instead of 0x01 flags bytes below 0x20 the same way.
    package static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)  // `"`, `\`
        let isQuote = (quotes &- ones) & ~quotes
        let isBackslash = (backslashes &- ones) & ~backslashes
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl) & 0x8080_8080_8080_8080
    }

    /// A member's name as the scanner found it, or `.none` for an array element or the root.
    private struct Name {
        var start: Int32, end: Int32, hash: UInt8
        static let none = Name(start: -1, end: -1, hash: 0)
    }

    /// The content range of a scanned string, whether it is in `unescaped`, and whether it
    /// is all ASCII.
    private struct ScannedString {
        var start: Int32, end: Int32, escaped: Bool, ascii: Bool
    }

    private struct Scanner {
        let p: UnsafeBufferPointer<UInt8>
        /// Where strings with escapes are decoded (``JSONTape/unescaped``); nil when the
        /// payload has no backslash.
        let out: UnsafeMutablePointer<UInt8>?
        var nodes: [Node] = []
        /// The bytes of `out` in use.
        var decoded = 0
        var i = 0

        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

        /// An offset into the payload or `out` as a node keeps it: both are shorter than
        /// `Int32.max` (``JSONTape/init(scanning:)`` checks), so it fits.
        func offset(_ k: Int) -> Int32 { Int32(truncatingIfNeeded: k) }

        /// The nodes of the one value in `p`; nil when the fast path does not apply.
        static func scan(_ p: UnsafeBufferPointer<UInt8>, decodingInto out: UnsafeMutablePointer<UInt8>?) -> [Node]? {
            var scanner = Scanner(p: p, out: out)
            // Enough for an event as Foundation writes it, so the array rarely grows.
            scanner.nodes.reserveCapacity(16)
            scanner.skipWhitespace()
            guard scanner.value(depth: 0, name: .none) else { return nil }
            scanner.skipWhitespace()
            guard scanner.i == p.count else { return nil }
            return scanner.nodes
        }

        mutating func skipWhitespace() {
            while i < p.count {
                let c = p[i]
                // Payloads as Foundation writes them have none, so this first test usually decides.
                guard c <= 0x20, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func value(depth: Int, name: Name) -> Bool {
            guard depth < JSONParser.maximumDepth, i < p.count else { return false }
            let index = nodes.count
            let start = Int32(i)
            // Leaves are appended whole; containers once, then given their end.
            func append(_ kind: Kind, _ start: Int32, _ end: Int32, escaped: Bool = false) {
                nodes.append(Node(kind: kind, escaped: escaped, nameHash: name.hash, start: start, end: end,
                                  keyStart: name.start, keyEnd: name.end, after: Int32(index + 1)))
            }
            switch p[i] {
            case UInt8(ascii: "{"):
                append(.object, start, start)
                guard let memberHashes = object(depth: depth) else { return false }
                nodes[index].close(after: nodes.count, memberHashes: memberHashes)
            case UInt8(ascii: "["):
                append(.array, start, start)
                guard array(depth: depth) else { return false }
                nodes[index].close(after: nodes.count, memberHashes: 0)
            case Self.quote:
                guard let s = string() else { return false }
                append(.string, s.start, s.end, escaped: s.escaped)
            case UInt8(ascii: "t"): guard literal("true") else { return false }; append(.literal, start, Int32(i))
            case UInt8(ascii: "f"): guard literal("false") else { return false }; append(.literal, start, Int32(i))
            case UInt8(ascii: "n"): guard literal("null") else { return false }; append(.literal, start, Int32(i))
            default: guard number() else { return false }; append(.number, start, Int32(i))
            }
            return true
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard p.count - i >= count, memcmp(p.baseAddress! + i, text.utf8Start, count) == 0 else { return false }
            i += count
            return true
        }

        /// Scans the object whose `{` is at `i`; returns its members' ``Node/memberHashes``.
        mutating func object(depth: Int) -> UInt64? {
            let first = nodes.count
            var hashes: UInt64 = 0
            var members = 0
            i += 1
            skipWhitespace()
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return 0 }
            while true {
                // Checking a name against every earlier one is quadratic once the 64 hash bits
                // are taken: an object of more members than a payload needs goes to the
                // general path, which checks names with a set.
                members += 1
                guard members <= Self.maximumMembers else { return nil }
                skipWhitespace()
                // Names compare as bytes, as the profile says; the general path also refuses
                // two names that are canonically equivalent (its tree is keyed by Swift
                // strings), so non-ASCII names go there and both paths read a payload alike.
                guard i < p.count, p[i] == Self.quote, let key = string(), !key.escaped, key.ascii else { return nil }
                let name = Name(start: key.start, end: key.end,
                                hash: JSONTape.nameHash(p.baseAddress! + Int(key.start), Int(key.end - key.start)))
                // Only a name whose hash bit is taken can repeat one.
                if hashes & 1 &<< name.hash != 0, repeats(name, from: first) { return nil }
                hashes |= 1 &<< name.hash
                skipWhitespace()
                guard i < p.count, p[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                skipWhitespace()
                guard value(depth: depth + 1, name: name) else { return nil }
                skipWhitespace()
                guard i < p.count else { return nil }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                guard p[i] == UInt8(ascii: "}") else { return nil }
                i += 1
                return hashes
            }
        }

        /// The most members an object read here may have.
        static let maximumMembers = 64

        /// Whether a member of the object whose first member is node `first` has `name`.
        func repeats(_ name: Name, from first: Int) -> Bool {
            let length = Int(name.end - name.start)
            var a = first
            while a < nodes.count {
                let x = nodes[a]
                if x.nameHash == name.hash, Int(x.keyEnd - x.keyStart) == length,
                   memcmp(p.baseAddress! + Int(x.keyStart), p.baseAddress! + Int(name.start), length) == 0 {
                    return true
                }
                a = Int(x.after)
            }
            return false
        }

        mutating func array(depth: Int) -> Bool {
            i += 1
            skipWhitespace()
            if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return true }
            while true {
                skipWhitespace()
                guard value(depth: depth + 1, name: .none) else { return false }
                skipWhitespace()
                guard i < p.count else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                guard p[i] == UInt8(ascii: "]") else { return false }
                i += 1
                return true
            }
        }

        /// The string whose opening quote is at `i`; nil for a `\u` escape or anything the
        /// parser refuses. (Inlined: it runs for every name and most values.)
        @inline(__always)
        mutating func string() -> ScannedString? {
            i += 1
            let start = i
            var ascii = true
            _ = skipPlainBytes(ascii: &ascii, copyingTo: nil)
            guard i < p.count else { return nil }
            if p[i] == Self.backslash { return escapedString(from: start, ascii: ascii) }
            guard p[i] == Self.quote else { return nil }  // a control byte
            let end = i
            i += 1
            if !ascii, String(validating: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self) == nil { return nil }
            return ScannedString(start: offset(start), end: offset(end), escaped: false, ascii: ascii)
        }

        /// The rest of a string that has an escape at `i`, decoded into `out`.
        mutating func escapedString(from start: Int, ascii: Bool) -> ScannedString? {
            guard let out else { return nil }  // not reached: `out` is there when the payload has a backslash
            var ascii = ascii
            let outStart = decoded
            // The bytes before the first escape, which `string()` only looked at.
            (out + decoded).update(from: p.baseAddress! + start, count: i - start)
            decoded += i - start
            while i < p.count, p[i] == Self.backslash {
                guard i + 1 < p.count, let byte = Self.unescape(p[i + 1]) else { return nil }
                out[decoded] = byte
                decoded += 1
                i += 2
                decoded += skipPlainBytes(ascii: &ascii, copyingTo: out + decoded)
            }
            guard i < p.count, p[i] == Self.quote else { return nil }  // the end, or a control byte
            i += 1
            // Escapes decode to ASCII, so the decoded bytes are valid UTF-8 exactly when the written ones are.
            if !ascii, String(validating: UnsafeBufferPointer(start: out + outStart, count: decoded - outStart), as: UTF8.self) == nil {
                return nil
            }
            return ScannedString(start: offset(outStart), end: offset(decoded), escaped: true, ascii: ascii)
        }

        /// The byte that `\` then `e` stands for; nil for `\u` (the general path decodes it)
        /// and for escapes JSON does not have.
        static func unescape(_ e: UInt8) -> UInt8? {
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): e
            case UInt8(ascii: "b"): 8
            case UInt8(ascii: "f"): 12
            case UInt8(ascii: "n"): 10
            case UInt8(ascii: "r"): 13
            case UInt8(ascii: "t"): 9
            default: nil
            }
        }

        /// Moves `i` to the first `"`, `\` or control byte at or after it (the end when none),
        /// clearing `ascii` when a byte ≥ 0x80 comes before it, and returns how far it moved.
        /// Strings are most of a payload's bytes, so this looks at eight at a time
        /// (``JSONTape/specialBytes(_:)``), and byte by byte only where fewer than eight are left.
        ///
        /// With `copy`, it also copies the bytes it passes there, a word at a time: a word
        /// copied whole may write up to seven bytes past them, which stays inside `out`, since
        /// the word lies inside the payload and a byte is never decoded to a later offset than
        /// it was read from.
        @inline(__always)
        mutating func skipPlainBytes(ascii: inout Bool, copyingTo copy: UnsafeMutablePointer<UInt8>?) -> Int {
            let start = i
            var k = i, highBits: UInt64 = 0
            defer {
                i = k
                if highBits & 0x8080_8080_8080_8080 != 0 { ascii = false }
            }
            let raw = UnsafeRawPointer(p.baseAddress!)
            while p.count &- k >= 8 {
                let loaded = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                copy.map { UnsafeMutableRawPointer($0).storeBytes(of: loaded, toByteOffset: k &- start, as: UInt64.self) }
                let word = UInt64(littleEndian: loaded)
                let special = JSONTape.specialBytes(word)
                if special != 0 {
                    // The bits below the lowest flag: the bytes before the special one.
                    highBits |= word & ((special & (0 &- special)) &- 1)
                    k &+= special.trailingZeroBitCount &>> 3
                    return k &- start
                }
                highBits |= word
                k &+= 8
            }
            while k < p.count {
                let c = p[k]
                if c == Self.quote || c == Self.backslash || c < 0x20 { break }
                copy?[k &- start] = c
                highBits |= UInt64(c)
                k &+= 1
            }
            return k &- start
        }

        mutating func number() -> Bool {
            func isDigit(_ k: Int) -> Bool { k < p.count && p[k] >= 48 && p[k] <= 57 }
            if i < p.count, p[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return false }
            if p[i] == 48 { i += 1 } else { while isDigit(i) { i += 1 } }
            if i < p.count, p[i] == UInt8(ascii: ".") {
                i += 1
                guard isDigit(i) else { return false }
                while isDigit(i) { i += 1 }
            }
            if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
                i += 1
                if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
                guard isDigit(i) else { return false }
                while isDigit(i) { i += 1 }
            }
            return true
        }
    }
}

extension JSONTape.Node {
    /// Ends a container once its contents are scanned.
    fileprivate mutating func close(after: Int, memberHashes: UInt64) {
        self.after = Int32(after)
        self.memberHashes = memberHashes
    }
}
