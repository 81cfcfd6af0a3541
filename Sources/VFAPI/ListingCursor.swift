import VFGraph
import VFGraphStore
import VFLog

/// The `after` of a listing: the id of the last row of the page before, in its text form.
/// Each listing is in the order of one kind of id, and takes only that kind. Pure.
public enum ListingCursor {
    /// A resource id, `%….vf1res`.
    public static func resource(_ text: String) throws(APIError) -> ResourceID {
        do { return try ResourceID(parsing: text) } catch { throw refused(text, "a resource id (%….vf1res)") }
    }

    /// An entry id, `%….vf1`: processes and specifications are listed by theirs.
    public static func entry(_ text: String) throws(APIError) -> EntryID {
        do { return try EntryID(parsing: text) } catch { throw refused(text, "an entry id (%….vf1)") }
    }

    /// An agent id: a feed's (`@….ed25519`) or that of the entry describing an agent without a node (`%….vf1`).
    public static func agent(_ text: String) throws(APIError) -> AgentID {
        if let feed = try? FeedID(parsing: text) { return .feed(feed) }
        if let entry = try? EntryID(parsing: text) { return .described(entry) }
        throw refused(text, "an agent id (@….ed25519 or %….vf1)")
    }

    /// An event's `order`, in hex: the events of a resource are listed in causal order.
    public static func order(_ text: String) throws(APIError) -> EventOrder {
        // The longest order is two keys and a level: 164 bytes.
        guard text.utf8.count <= 2 * 164, let bytes = [UInt8](hex: text), let order = EventOrder(bytes: bytes) else {
            throw refused(text, "an event's order (hex)")
        }
        return order
    }

    /// A feed id, `@….ed25519`.
    public static func feed(_ text: String) throws(APIError) -> FeedID {
        do { return try FeedID(parsing: text) } catch { throw refused(text, "a feed id (@….ed25519)") }
    }

    private static func refused(_ text: String, _ expected: String) -> APIError {
        .badRequest("after must be \(expected), the id of the last item of the page before; got \"\(text)\"")
    }
}
