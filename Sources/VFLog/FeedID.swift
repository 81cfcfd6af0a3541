/// A feed's identity: its author's Ed25519 public key.
///
/// Text form: `@` + base64 of the 32 key bytes + `.ed25519`, e.g.
/// `@A6ZAIE0ydQnkm9wbvQyeE6r6ZGVh9ydb3qFgGa7bK4I=.ed25519`.
public struct FeedID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let key: Hash32

    public init(key: Hash32) { self.key = key }

    public init?(bytes: [UInt8]) {
        guard let key = Hash32(bytes: bytes) else { return nil }
        self.key = key
    }

    /// Parses the text form strictly; see ``FeedID``.
    public init(parsing text: String) throws(IdentifierError) {
        let prefix = "@", suffix = ".ed25519"
        guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.utf8.count == 1 + 44 + suffix.utf8.count else {
            throw IdentifierError(text: text, expected: "a feed id, @<base64 of 32 bytes>.ed25519")
        }
        let body = text.dropFirst(1).dropLast(suffix.count)
        guard let bytes = StrictBase64.decode(body, expectedCount: 32), let key = Hash32(bytes: bytes) else {
            throw IdentifierError(text: text, expected: "a feed id with canonical base64 of exactly 32 bytes")
        }
        self.key = key
    }

    public var bytes: [UInt8] { key.bytes }

    public var description: String { "@" + StrictBase64.encode(key.bytes) + ".ed25519" }

    public static func < (a: FeedID, b: FeedID) -> Bool { a.key < b.key }

    /// ``Hash32``'s table hash, not the default one through `hash(into:)`.
    public func _rawHashValue(seed: Int) -> Int { key._rawHashValue(seed: seed) }
}

/// An identifier's text did not parse.
public struct IdentifierError: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let expected: String
    public var description: String { "not \(expected): \"\(text)\"" }
}
