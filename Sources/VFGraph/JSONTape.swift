import Foundation

/// A payload's JSON read into one flat array of nodes that point into its bytes: no
/// dictionaries, no strings, one allocation. The fast path of payload decoding reads typed
/// fields from it (``PayloadTapeReader``).
///
/// It accepts a subset of what ``JSONParser`` accepts and nothing more: the same grammar,
/// depth limit, duplicate-member and UTF-8 rules, but it gives up (returns nil) on anything
/// unusual — a `\u` escape, an escape or non-ASCII byte in a member name, any error — and the
/// caller then takes the general path, which gives the exact value or the exact error. So a
/// payload reads the same whichever path it takes.
struct JSONTape {
    enum Kind: UInt8 { case object, array, string, number, literal }

    struct Node {
        var kind: Kind
        /// Strings: the bytes between the quotes (in ``JSONTape/unescaped`` when the string had
        /// escapes); numbers and literals: the literal.
        var start: Int32
        var end: Int32
        var escaped = false
        /// For a member of an object: its name's bytes between the quotes; otherwise -1.
        var keyStart: Int32
        var keyEnd: Int32
        /// The index of the first node after this one's subtree.
        var after: Int32
    }

    let bytes: [UInt8]
    private(set) var nodes: [Node] = []
    /// The contents of strings that had escapes (`\/` is common: Foundation writes it), decoded.
    private(set) var unescaped: [UInt8] = []

    /// Scans `bytes`; nil when the fast path does not apply (see ``JSONTape``).
    init?(scanning bytes: [UInt8]) {
        self.bytes = bytes
        guard bytes.count < Int(Int32.max) else { return nil }
        var scanned: [Node]?, unescaped: [UInt8] = []
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(p: buffer)
            scanner.nodes.reserveCapacity(24)
            scanner.skipWhitespace()
            guard scanner.value(depth: 0, keyStart: -1, keyEnd: -1) else { return }
            scanner.skipWhitespace()
            guard scanner.i == buffer.count else { return }
            scanned = scanner.nodes
            unescaped = scanner.unescaped
        }
        guard let scanned else { return nil }
        self.nodes = scanned
        self.unescaped = unescaped
    }

    /// The node of member `key` of the object at `object`; nil when absent.
    func member(_ object: Int, _ key: StaticString) -> Int? {
        let node = nodes[object]
        guard node.kind == .object else { return nil }
        let keyCount = key.utf8CodeUnitCount
        var child = object + 1
        let end = Int(node.after)
        return bytes.withUnsafeBufferPointer { b -> Int? in
            while child < end {
                let c = nodes[child]
                if Int(c.keyEnd - c.keyStart) == keyCount,
                   memcmp(b.baseAddress! + Int(c.keyStart), key.utf8Start, keyCount) == 0 {
                    return child
                }
                child = Int(c.after)
            }
            return nil
        }
    }

    /// Whether the string at `node` has exactly the bytes of `text`.
    func stringEquals(_ node: Int, _ text: StaticString) -> Bool {
        let n = nodes[node]
        guard n.kind == .string, Int(n.end - n.start) == text.utf8CodeUnitCount else { return false }
        return withBytes(node) { memcmp($0.baseAddress!, text.utf8Start, text.utf8CodeUnitCount) == 0 }
    }

    /// The text of a string or number node.
    func text(_ node: Int) -> String {
        withBytes(node) { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` over the bytes of a string (its content, unescaped) or number node.
    func withBytes<R>(_ node: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let n = nodes[node]
        return try (n.escaped ? unescaped : bytes).withUnsafeBufferPointer { b in
            try body(UnsafeBufferPointer(rebasing: b[Int(n.start)..<Int(n.end)]))
        }
    }

    private struct Scanner {
        let p: UnsafeBufferPointer<UInt8>
        var nodes: [Node] = []
        var unescaped: [UInt8] = []
        var i = 0

        mutating func skipWhitespace() {
            while i < p.count {
                let c = p[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func value(depth: Int, keyStart: Int32, keyEnd: Int32) -> Bool {
            guard depth < JSONParser.maximumDepth, i < p.count else { return false }
            let index = nodes.count
            nodes.append(Node(kind: .literal, start: Int32(i), end: Int32(i), keyStart: keyStart, keyEnd: keyEnd, after: 0))
            switch p[i] {
            case UInt8(ascii: "{"):
                nodes[index].kind = .object
                guard object(depth: depth) else { return false }
            case UInt8(ascii: "["):
                nodes[index].kind = .array
                guard array(depth: depth) else { return false }
            case UInt8(ascii: "\""):
                guard let (start, end, escaped) = string() else { return false }
                nodes[index].kind = .string
                nodes[index].start = start
                nodes[index].end = end
                nodes[index].escaped = escaped
            case UInt8(ascii: "t"): guard literal("true") else { return false }
            case UInt8(ascii: "f"): guard literal("false") else { return false }
            case UInt8(ascii: "n"): guard literal("null") else { return false }
            default:
                guard number() else { return false }
                nodes[index].kind = .number
                nodes[index].end = Int32(i)
            }
            nodes[index].after = Int32(nodes.count)
            return true
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard p.count - i >= count, memcmp(p.baseAddress! + i, text.utf8Start, count) == 0 else { return false }
            i += count
            return true
        }

        mutating func object(depth: Int) -> Bool {
            let first = nodes.count
            i += 1
            skipWhitespace()
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return true }
            while true {
                skipWhitespace()
                guard i < p.count, p[i] == UInt8(ascii: "\""), let (keyStart, keyEnd, escaped) = string(), !escaped else { return false }
                // Names compare as bytes here; the general path compares Swift strings, which
                // differ only beyond ASCII (canonical equivalence), so such names go there.
                for k in Int(keyStart)..<Int(keyEnd) where p[k] >= 0x80 { return false }
                skipWhitespace()
                guard i < p.count, p[i] == UInt8(ascii: ":") else { return false }
                i += 1
                skipWhitespace()
                guard value(depth: depth + 1, keyStart: keyStart, keyEnd: keyEnd) else { return false }
                skipWhitespace()
                guard i < p.count else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                guard p[i] == UInt8(ascii: "}") else { return false }
                i += 1
                return distinctNames(from: first)
            }
        }

        /// No two members of the object whose first member is `first` share a name.
        func distinctNames(from first: Int) -> Bool {
            var a = first
            let end = nodes.count
            while a < end {
                let x = nodes[a]
                let length = Int(x.keyEnd - x.keyStart)
                var b = Int(x.after)
                while b < end {
                    let y = nodes[b]
                    if Int(y.keyEnd - y.keyStart) == length,
                       memcmp(p.baseAddress! + Int(x.keyStart), p.baseAddress! + Int(y.keyStart), length) == 0 {
                        return false
                    }
                    b = Int(y.after)
                }
                a = Int(x.after)
            }
            return true
        }

        mutating func array(depth: Int) -> Bool {
            i += 1
            skipWhitespace()
            if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return true }
            while true {
                skipWhitespace()
                guard value(depth: depth + 1, keyStart: -1, keyEnd: -1) else { return false }
                skipWhitespace()
                guard i < p.count else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                guard p[i] == UInt8(ascii: "]") else { return false }
                i += 1
                return true
            }
        }

        /// The content range of the string whose opening quote is at `i`, and whether it is in
        /// `unescaped` (it had escapes); nil for a `\u` escape or anything the parser refuses.
        mutating func string() -> (Int32, Int32, Bool)? {
            i += 1
            let start = i
            var ascii = true
            while i < p.count {
                let c = p[i]
                if c == UInt8(ascii: "\"") {
                    let end = i
                    i += 1
                    if !ascii, String(validating: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self) == nil { return nil }
                    return (Int32(start), Int32(end), false)
                }
                if c == UInt8(ascii: "\\") { return escapedString(from: start, ascii: ascii) }
                if c < 0x20 { return nil }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            return nil
        }

        /// The rest of a string that has an escape at `i`, decoded into `unescaped`.
        mutating func escapedString(from start: Int, ascii: Bool) -> (Int32, Int32, Bool)? {
            var ascii = ascii
            let outStart = unescaped.count
            unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
            while i < p.count {
                let c = p[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    // Escapes decode to ASCII, so the decoded bytes are valid UTF-8 exactly when the written ones are.
                    if !ascii, String(validating: unescaped[outStart...], as: UTF8.self) == nil { return nil }
                    guard unescaped.count < Int(Int32.max) else { return nil }
                    return (Int32(outStart), Int32(unescaped.count), true)
                case UInt8(ascii: "\\"):
                    guard i < p.count else { return nil }
                    let e = p[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(e)
                    case UInt8(ascii: "b"): unescaped.append(8)
                    case UInt8(ascii: "f"): unescaped.append(12)
                    case UInt8(ascii: "n"): unescaped.append(10)
                    case UInt8(ascii: "r"): unescaped.append(13)
                    case UInt8(ascii: "t"): unescaped.append(9)
                    default: return nil  // \u, or an unknown escape
                    }
                case 0..<0x20:
                    return nil
                default:
                    if c >= 0x80 { ascii = false }
                    unescaped.append(c)
                }
            }
            return nil
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
