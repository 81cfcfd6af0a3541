import VFLog

/// The identity of an economic resource created by an event.
///
/// Rule: the 32 bytes are `BLAKE2b-256(UTF-8 "vf-resource" ‖ the 32 bytes of the creating
/// event's entry id)`, no key, and the text form is `%` + standard base64 of those bytes
/// (with padding) + `.vf1res`. Every node derives the same id from the same event, and the
/// prefix keeps a resource id from ever equalling an entry id.
public struct ResourceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hash: Hash32

    public init(hash: Hash32) { self.hash = hash }

    /// The id of the resource created by the event with entry id `event`.
    public init(createdBy event: EntryID) {
        self.hash = Sodium.blake2b256(Array("vf-resource".utf8) + event.bytes)
    }

    /// Parses `%<base64 of 32 bytes>.vf1res` strictly.
    public init(parsing text: String) throws(ReasonError) {
        let suffix = ".vf1res"
        guard text.hasSuffix(suffix),
              let entry = try? EntryID(parsing: String(text.dropLast(suffix.count)) + ".vf1")
        else { throw ReasonError("not a resource id, %<base64 of 32 bytes>.vf1res: \"\(text)\"") }
        self.hash = entry.hash
    }

    public var description: String {
        String(EntryID(hash: hash).description.dropLast(".vf1".count)) + ".vf1res"
    }

    public static func < (a: ResourceID, b: ResourceID) -> Bool { a.hash < b.hash }

    /// ``Hash32``'s table hash, not the default one through `hash(into:)`.
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}

extension ResourceID {
    /// `ids` for a reason: the first ten, then how many more (a process may name any number).
    package static func listed(_ ids: [ResourceID]) -> String {
        let shown = ids.prefix(10).map(\.description).joined(separator: ", ")
        return ids.count > 10 ? shown + " and \(ids.count - 10) more" : shown
    }
}
