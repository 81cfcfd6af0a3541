import VFJSON

/// The rules every payload obeys (docs/protocol.md §5): at most ``maximumSize`` bytes of JSON
/// under the node's one strict profile (``JSONParser``), whose top-level value is an object.
public enum Payload {
    /// 64 KiB. Entries claiming a larger payload are refused whether or not the payload is held.
    public static let maximumSize = 65_536

    /// Checks size, then the JSON profile, then that the value is an object. Builds nothing:
    /// it runs for every entry published or received.
    public static func validate(_ bytes: [UInt8]) throws(PayloadError) {
        guard bytes.count <= maximumSize else { throw .tooLarge(size: bytes.count) }
        let kind: JSONKind
        do { kind = try JSONParser.validate(bytes) } catch { throw .notJSON(error) }
        guard kind == .object else { throw .notAnObject }
    }

    public static func hash(_ bytes: [UInt8]) -> Hash32 { Sodium.blake2b256(bytes) }
}
