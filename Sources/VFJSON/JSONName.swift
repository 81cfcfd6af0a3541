/// An object member's name, compared by its UTF-8 bytes (code points), as the payload profile
/// compares names (docs/protocol.md §5): `"é"` (U+00E9) and `"e\u{301}"` are two names, though
/// Swift strings, which compare by canonical equivalence, would call them equal.
public struct JSONName: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public var description: String { text }

    public static func == (a: JSONName, b: JSONName) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    public func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
        hasher.combine(0xFF as UInt8)  // never a UTF-8 byte: ends the name
    }

    /// By UTF-8 bytes, the order of canonical serialisation.
    public static func < (a: JSONName, b: JSONName) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
}
