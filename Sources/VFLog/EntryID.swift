/// An entry's identity: the BLAKE2b-256 hash of its complete signed encoding.
///
/// Text form: `%` + base64 of the 32 hash bytes + `.vf1`.
public struct EntryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let hash: Hash32

    public init(hash: Hash32) { self.hash = hash }

    public init?(bytes: [UInt8]) {
        guard let hash = Hash32(bytes: bytes) else { return nil }
        self.hash = hash
    }

    public init(parsing text: String) throws(IdentifierError) {
        let suffix = ".vf1"
        guard text.hasPrefix("%"), text.hasSuffix(suffix), text.utf8.count == 1 + 44 + suffix.utf8.count,
              let bytes = StrictBase64.decode(text.dropFirst(1).dropLast(suffix.count), expectedCount: 32),
              let hash = Hash32(bytes: bytes)
        else { throw IdentifierError(text: text, expected: "an entry id, %<base64 of 32 bytes>.vf1") }
        self.hash = hash
    }

    public var bytes: [UInt8] { hash.bytes }

    public var description: String { "%" + StrictBase64.encode(hash.bytes) + ".vf1" }

    public static func < (a: EntryID, b: EntryID) -> Bool { a.hash < b.hash }

    /// ``Hash32``'s table hash, not the default one through `hash(into:)`.
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}
