import VFGraph
import VFLog

/// Ids as strings in their text forms (docs/protocol.md §2), written from their bytes.
extension JSONWriter {
    /// `%<base64>.vf1`.
    public mutating func id(_ entry: EntryID) {
        entry.hash.withUnsafeBytes { base64String(prefix: "%", $0, suffix: ".vf1") }
    }

    /// `@<base64>.ed25519`.
    public mutating func id(_ feed: FeedID) {
        feed.key.withUnsafeBytes { base64String(prefix: "@", $0, suffix: ".ed25519") }
    }

    /// `%<base64>.vf1res`.
    public mutating func id(_ resource: ResourceID) {
        resource.hash.withUnsafeBytes { base64String(prefix: "%", $0, suffix: ".vf1res") }
    }

    /// A feed's id, or that of the entry describing an agent without a node.
    public mutating func id(_ agent: AgentID) {
        switch agent {
        case let .feed(feed): id(feed)
        case let .described(entry): id(entry)
        }
    }

    /// The id, or `null`.
    public mutating func id(_ entry: EntryID?) { if let entry { id(entry) } else { null() } }
    public mutating func id(_ resource: ResourceID?) { if let resource { id(resource) } else { null() } }
    public mutating func id(_ agent: AgentID?) { if let agent { id(agent) } else { null() } }
    public mutating func id(_ feed: FeedID?) { if let feed { id(feed) } else { null() } }
}
