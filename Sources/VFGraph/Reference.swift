import VFLog

/// What a reference in a payload names: an agent's feed, an entry, or a created resource.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    case feed(FeedID)
    case entry(EntryID)
    case resource(ResourceID)

    /// Recognises the three text forms by their suffix; nil for anything else.
    public init?(parsing text: String) {
        if text.hasPrefix("@"), let feed = try? FeedID(parsing: text) { self = .feed(feed) }
        else if text.hasSuffix(".vf1res"), let resource = try? ResourceID(parsing: text) { self = .resource(resource) }
        else if let entry = try? EntryID(parsing: text) { self = .entry(entry) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case let .feed(id): id.description
        case let .entry(id): id.description
        case let .resource(id): id.description
        }
    }
}

/// An economic agent: a node's own feed, or an agent without a node, identified by the
/// entry that describes it (and answered for by that entry's author).
public enum AgentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    case feed(FeedID)
    case described(EntryID)

    public var description: String {
        switch self {
        case let .feed(id): id.description
        case let .described(id): id.description
        }
    }

    public static func < (a: AgentID, b: AgentID) -> Bool {
        switch (a, b) {
        case let (.feed(x), .feed(y)): x < y
        case let (.described(x), .described(y)): x < y
        case (.feed, .described): true
        case (.described, .feed): false
        }
    }

    /// ``Hash32``'s table hash of the id, with the seed varied by kind.
    public func _rawHashValue(seed: Int) -> Int {
        switch self {
        case let .feed(id): id._rawHashValue(seed: seed)
        case let .described(id): id._rawHashValue(seed: ~seed)
        }
    }
}
