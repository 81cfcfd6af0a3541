import Foundation
import GRDB
import GRDBSQLite

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
    /// after verification) and it reads the rows straight off the SQLite statement: at tens of
    /// thousands of entries, building a GRDB row per entry cost more than SQLite's own work.
    public func records(author: FeedID, in range: ClosedRange<UInt64> = 1...UInt64(Int64.max),
                        limit: Int = Int.max) throws(StoreError) -> [EntryRecord] {
        try read("read feed records") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT e.sequence, e.id, e.timestamp, p.data FROM entry e LEFT JOIN payload p ON p.entry = e.rowid
                WHERE e.author = ? AND e.sequence BETWEEN ? AND ? ORDER BY e.sequence LIMIT ?
                """)
            let s = statement.sqliteStatement
            sqlite3_reset(s)
            defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
            author.key.withUnsafeBytes { key in
                // SQLITE_TRANSIENT: SQLite copies the key before the buffer goes away.
                _ = sqlite3_bind_blob(s, 1, key.baseAddress, Int32(key.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            sqlite3_bind_int64(s, 2, Int64(clamping: range.lowerBound))
            sqlite3_bind_int64(s, 3, Int64(clamping: range.upperBound))
            sqlite3_bind_int64(s, 4, Int64(clamping: limit))
            var records: [EntryRecord] = []
            while true {
                let code = sqlite3_step(s)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let sequence = sqlite3_column_int64(s, 0)
                guard sequence >= 1, sqlite3_column_bytes(s, 1) == 32, let idBytes = sqlite3_column_blob(s, 1) else {
                    throw StoreError(operation: "read feed records", message: "malformed entry row at sequence \(sequence) of \(author)")
                }
                let id = EntryID(hash: Hash32(unsafe: UnsafeRawBufferPointer(start: idBytes, count: 32)))
                var payload: [UInt8]?
                if sqlite3_column_type(s, 3) != SQLITE_NULL {
                    let count = Int(sqlite3_column_bytes(s, 3))
                    if count == 0 {
                        payload = []
                    } else {
                        let base = sqlite3_column_blob(s, 3)!
                        payload = [UInt8](UnsafeRawBufferPointer(start: base, count: count))
                    }
                }
                records.append(EntryRecord(author: author, sequence: UInt64(sequence), id: id,
                                           timestamp: sqlite3_column_int64(s, 2), payload: payload))
            }
            return records
        }
    }
}
