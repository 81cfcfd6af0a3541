import VFLog
import VFJSON

/// Typed reading of payload members, each failure naming the member and what was expected.
package struct PayloadFields {
    package let members: [JSONName: JSONValue]

    package func string(_ key: String) throws(ReasonError) -> String? {
        guard let value = members[JSONName(key)] else { return nil }
        guard let text = value.stringValue else { throw ReasonError("\(key) is not a string") }
        return text
    }

    package func entryID(_ key: String) throws(ReasonError) -> EntryID? {
        guard let text = try string(key) else { return nil }
        do { return try EntryID(parsing: text) } catch { throw ReasonError("\(key): \(error)") }
    }

    package func resourceID(_ key: String) throws(ReasonError) -> ResourceID? {
        guard let text = try string(key) else { return nil }
        do { return try ResourceID(parsing: text) } catch { throw ReasonError("\(key): \(error)") }
    }

    /// An agent reference: a feed id, or the entry id of a Person or Organization entry.
    package func agent(_ key: String) throws(ReasonError) -> AgentID? {
        guard let text = try string(key) else { return nil }
        switch Reference(parsing: text) {
        case let .feed(feed)?: return .feed(feed)
        case let .entry(entry)?: return .described(entry)
        default: throw ReasonError("\(key) \"\(text)\" is not an agent: expected a feed id or the entry id of a Person or Organization")
        }
    }

    package func measure(_ key: String) throws(ReasonError) -> Measure? {
        guard let value = members[JSONName(key)] else { return nil }
        return try Measure(json: value, property: key)
    }

    package func bool(_ key: String) throws(ReasonError) -> Bool? {
        guard let value = members[JSONName(key)] else { return nil }
        guard case let .bool(flag) = value else { throw ReasonError("\(key) is not true or false") }
        return flag
    }

    /// A list of entry ids: an array of them, or one alone.
    package func entryIDs(_ key: String) throws(ReasonError) -> [EntryID] {
        guard let value = members[JSONName(key)] else { return [] }
        let items: [JSONValue]
        if case let .array(list) = value { items = list } else { items = [value] }
        var ids: [EntryID] = []
        for item in items {
            guard let text = item.stringValue else { throw ReasonError("\(key) holds something that is not an entry id") }
            do { ids.append(try EntryID(parsing: text)) } catch { throw ReasonError("\(key): \(error)") }
        }
        return ids
    }

    package func time(_ key: String) throws(ReasonError) -> Int64? {
        guard let text = try string(key) else { return nil }
        do { return try DateTimeStamp.milliseconds(from: text) } catch { throw ReasonError("\(key): \(error)") }
    }
}
