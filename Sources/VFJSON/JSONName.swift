/// An object member's name, compared by its UTF-8 bytes (code points), as the payload profile
/// compares names (docs/protocol.md §5): `"é"` (U+00E9) and `"e\u{301}"` are two names, though
/// Swift strings, which compare by canonical equivalence, would call them equal.
public struct JSONName: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public var description: String { text }

    public static func == (a: JSONName, b: JSONName) -> Bool {
        let x = a.text.utf8, y = b.text.utf8
        guard x.count == y.count else { return false }
        return x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in p.elementsEqual(q) }
        }.flatMap { $0 } ?? x.elementsEqual(y)
    }

    public func hash(into hasher: inout Hasher) {
        // Names are native strings (decoded, or literals): their bytes are contiguous.
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
        hasher.combine(text.utf8.count)
    }

    /// By UTF-8 bytes, the order of canonical serialisation.
    public static func < (a: JSONName, b: JSONName) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
}
