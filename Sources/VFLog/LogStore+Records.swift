import Foundation
import GRDB

/// What a reader of payloads needs of one stored entry: who wrote it, where, when, its id and
/// its payload. Read from the columns stored beside the signed encoding, so nothing is decoded
/// or hashed again.
public struct EntryRecord: Sendable, Equatable {
    public let author: FeedID
    /// 1-based position in the author's feed.
    public let sequence: UInt64
    public let id: EntryID
    /// The author's claimed creation time, milliseconds since the Unix epoch.
    public let timestamp: Int64
    /// The payload bytes; nil when the payload is not held.
    public let payload: [UInt8]?

    public init(author: FeedID, sequence: UInt64, id: EntryID, timestamp: Int64, payload: [UInt8]?) {
        self.author = author
        self.sequence = sequence
        self.id = id
        self.timestamp = timestamp
        self.payload = payload
    }
}

extension LogStore {
    /// Records of one feed with `range.lowerBound ≤ sequence ≤ range.upperBound`, in order:
    /// the bulk read behind deriving the economic graph.
    ///
    /// Unlike ``entries(author:in:limit:)`` it neither decodes nor re-hashes the signed
    /// encoding (the id and timestamp columns were written from it when the entry was stored,
    /// after verification) and it reads the rows straight off the SQLite statement (``RawStatement``): at tens of
    /// thousands of entries, building a GRDB row per entry cost more than SQLite's own work.
    public func records(author: FeedID, in range: ClosedRange<UInt64> = 1...UInt64(Int64.max),
                        limit: Int = Int.max) throws(StoreError) -> [EntryRecord] {
        try read("read feed records") { db in
            let s = try RawStatement(db, """
                SELECT e.sequence, e.id, e.timestamp, p.data FROM entry e LEFT JOIN payload p ON p.entry = e.rowid
                WHERE e.author = ? AND e.sequence BETWEEN ? AND ? ORDER BY e.sequence LIMIT ?
                """)
            s.bind(1, author)
            s.bind(2, Int64(clamping: range.lowerBound))
            s.bind(3, Int64(clamping: range.upperBound))
            s.bind(4, Int64(clamping: limit))
            var records: [EntryRecord] = []
            while try s.next() {
                let sequence = s.int64(0) ?? 0
                guard sequence >= 1, let id = s.hash32(1) else {
                    throw StoreError(operation: "read feed records", message: "malformed entry row at sequence \(sequence) of \(author)")
                }
                records.append(EntryRecord(author: author, sequence: UInt64(sequence), id: EntryID(hash: id),
                                           timestamp: s.int64(2) ?? 0, payload: s.bytes(3)))
            }
            return records
        }
    }
}

extension LogStore {
    /// The places of the entries `ids` in their feeds, in one read, each looked up by its id
    /// (the index of entry ids): nil for an entry not held. Reads neither the payload nor the
    /// signed encoding: what the economic graph's tables, keyed by place, need to find a row by
    /// id (graph schema v18, docs/protocol.md §16).
    public func places(ids: [EntryID]) throws(StoreError) -> [FeedPlace?] {
        try lookUp(ids, "read places by id", "SELECT author, sequence FROM entry WHERE id = ?") { _, place, _ in place }
    }

    /// The records of the entries `ids`, in one read, each looked up by its id: nil for an
    /// entry not held. What a reader of the economic graph's tables needs to show the rows it
    /// found by index, without reading the feeds they belong to.
    public func records(ids: [EntryID]) throws(StoreError) -> [EntryRecord?] {
        try lookUp(ids, "read records by id", """
            SELECT e.author, e.sequence, e.timestamp, p.data FROM entry e LEFT JOIN payload p ON p.entry = e.rowid
            WHERE e.id = ?
            """) { s, place, id in
            EntryRecord(author: place.author, sequence: place.sequence, id: id, timestamp: s.int64(2) ?? 0, payload: s.bytes(3))
        }
    }

    /// Each of `ids` looked up by `sql` (its id bound to `?`; its author and sequence the
    /// first two columns), in one read, and made into a `T` from its row and place: nil for an
    /// entry not held.
    private func lookUp<T>(_ ids: [EntryID], _ operation: String, _ sql: String,
                           _ make: (RawStatement, FeedPlace, EntryID) -> T) throws(StoreError) -> [T?] {
        guard !ids.isEmpty else { return [] }
        return try read(operation) { db in
            let s = try RawStatement(db, sql)
            var found: [T?] = []
            found.reserveCapacity(ids.count)
            for id in ids {
                s.bind(1, id)
                guard try s.next() else {
                    found.append(nil)
                    continue
                }
                let sequence = s.int64(1) ?? 0
                guard sequence >= 1, let author = s.hash32(0) else {
                    throw StoreError(operation: operation, message: "malformed entry row for \(id)")
                }
                found.append(make(s, FeedPlace(author: FeedID(key: author), sequence: UInt64(sequence)), id))
                s.reset()
            }
            return found
        }
    }
}
