import GRDB
import VFLog

/// Moving a cursor over entries that cannot change the graph, without deriving anything.
extension GraphStore {
    /// Advances the cursor of the feed `entries` were appended to, when that is exact without
    /// a derivation: the entries directly follow the cursor, none is a ValueFlows object
    /// (the derivation would ignore each one), and no event in the tables is pending — only a
    /// pending event can name an entry that did not exist, and change when it arrives.
    ///
    /// - Returns: whether the cursor moved; when not, the tables are left for the next update.
    @discardableResult
    public func advance(past entries: [SignedEntry]) throws -> Bool {
        guard let first = entries.first?.entry, let last = entries.last?.entry else { return false }
        for (offset, signed) in entries.enumerated() {
            guard signed.entry.author == first.author, signed.entry.sequence == first.sequence + UInt64(offset),
                  let payload = signed.payload, case .foreign? = try? VFObject.decode(payload, author: first.author)
            else { return false }
        }
        var moved = false
        try writeImmediately { db in
            let cursors = try GraphTableReader.cursors(db)
            guard (cursors[first.author] ?? 0) == first.sequence - 1 else { return }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM event WHERE status = 1)") == false else { return }
            let upsert = try RawStatement(db, "INSERT OR REPLACE INTO cursor (feed, sequence) VALUES (?, ?)")
            upsert.bind(1, first.author)
            upsert.bind(2, Int64(last.sequence))
            try upsert.run()
            moved = true
        }
        return moved
    }
}
