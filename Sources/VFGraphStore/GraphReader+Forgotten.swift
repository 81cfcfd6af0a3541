import VFGraph
import GRDB
import VFLog

extension GraphReader {
    /// Whether this node forgot the payload of `entry` (`vf forget`): asked of the log.
    public func isPayloadForgotten(_ entry: EntryID) throws -> Bool {
        try log.isForgotten(entry)
    }

    /// The pending events that wait for `entry` — for it, for the resource it would create, or
    /// for another event that waits for it, and so on — by index on `waitsFor`: what became
    /// pending when its payload was forgotten. At most `limit` of them.
    public func pendingEvents(waitingFor entry: EntryID, limit: Int = 100_000) throws -> [EntryID] {
        try tables.read { db in
            let s = try RawStatement(db, "SELECT id FROM event WHERE waitsFor = ?1 AND status = 1")
            var found: [EntryID] = []
            var seen: Set<EntryID> = []
            var frontier: [Hash32] = [entry.hash, ResourceID(createdBy: entry).hash]
            while let next = frontier.popLast(), found.count < limit {
                s.bind(1, next)
                while found.count < limit, try s.next() {
                    guard let id = try s.hash(0, table: "event") else { continue }
                    let event = EntryID(hash: id)
                    if event != entry, seen.insert(event).inserted {
                        found.append(event)
                        frontier.append(id)
                    }
                }
                s.reset()
            }
            return Array(found.prefix(limit))
        }
    }
}
