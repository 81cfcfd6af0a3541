import VFJSON
import VFLog

/// A follow, unfollow or block, recorded as an entry in the author's own feed so the follow
/// graph replicates with everything else:
/// `{"@type":"vf:Contact","contact":"@….ed25519","following":true,"blocking":false}`.
public struct ContactPayload: Sendable, Equatable {
    public static let type = "vf:Contact"

    public let contact: FeedID
    public let following: Bool
    public let blocking: Bool

    public init(contact: FeedID, following: Bool, blocking: Bool) {
        self.contact = contact
        self.following = following
        self.blocking = blocking
    }

    public var json: [UInt8] {
        Array(#"{"@type":"\#(Self.type)","contact":"\#(contact)","following":\#(following),"blocking":\#(blocking)}"#.utf8)
    }

    /// The contact a payload records, or nil if it is not a well-formed contact payload (read
    /// under the payload JSON profile, so every node finds the same contacts in a feed).
    public static func parse(_ payload: [UInt8]) -> ContactPayload? {
        guard payload.count < 1024,
              let object = (try? JSONParser.parse(payload))?.objectValue,
              object["@type"] == .string(type),
              let text = object["contact"]?.stringValue, let contact = try? FeedID(parsing: text)
        else { return nil }
        let blocking = object["blocking"] == .bool(true)
        return ContactPayload(contact: contact, following: !blocking && object["following"] == .bool(true), blocking: blocking)
    }
}
