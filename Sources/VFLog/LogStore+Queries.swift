import Foundation
import GRDB

extension LogStore {
    /// Every feed held, ordered by author id.
    public func feeds() throws(StoreError) -> [FeedHead] {
        try read("list feeds") { db in
            try Row.fetchAll(db, sql: "SELECT author, headSequence, headId, forked FROM feed ORDER BY author").map(Self.feedHead)
        }
    }

    /// The newest entry row's rowid: rows are only ever added, so while it stays the same no
    /// head has moved. One index lookup, cheap enough to ask several times a second.
    public func lastEntryRow() throws(StoreError) -> Int64 {
        try read("read the last entry row") { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM entry") ?? 0 }
    }

    /// The highest sequence of each feed among the entry rows after `row`, and the last row
    /// read: what moved since a ``lastEntryRow()``, at a cost that grows with what moved.
    public func headsAdvanced(afterRow row: Int64) throws(StoreError) -> (heads: [FeedID: UInt64], lastRow: Int64) {
        try read("read advanced heads") { db in
            var heads: [FeedID: UInt64] = [:]
            var last = row
            for record in try Row.fetchAll(db, sql: "SELECT author, max(sequence), max(rowid) FROM entry WHERE rowid > ? GROUP BY author",
                                           arguments: [row]) {
                guard let feed = FeedID(bytes: [UInt8](record[0] as Data)) else { continue }
                let sequence: Int64 = record[1], rowid: Int64 = record[2]
                heads[feed] = UInt64(max(0, sequence))
                last = max(last, rowid)
            }
            return (heads, last)
        }
    }

    public func head(of author: FeedID) throws(StoreError) -> FeedHead? {
        try read("read feed head") { db in try Self.head(of: author, in: db) }
    }

    /// The entry with this id, and its payload if held.
    public func entry(id: EntryID) throws(StoreError) -> SignedEntry? {
        try read("read entry") { db in
            try Row.fetchOne(db, sql: "\(Self.selectEntry) WHERE e.id = ?", arguments: [Data(id.bytes)]).map(Self.signedEntry)
        }
    }

    public func entry(author: FeedID, sequence: UInt64) throws(StoreError) -> SignedEntry? {
        try read("read entry") { db in
            try Row.fetchOne(db, sql: "\(Self.selectEntry) WHERE e.author = ? AND e.sequence = ?",
                             arguments: [Data(author.bytes), Int64(sequence)]).map(Self.signedEntry)
        }
    }

    /// Entries of one feed with `range.lowerBound ≤ sequence ≤ range.upperBound`, in order.
    public func entries(author: FeedID, in range: ClosedRange<UInt64> = 1...UInt64(Int64.max),
                        limit: Int = Int.max) throws(StoreError) -> [SignedEntry] {
        try read("read feed range") { db in
            try Row.fetchAll(db, sql: "\(Self.selectEntry) WHERE e.author = ? AND e.sequence BETWEEN ? AND ? ORDER BY e.sequence LIMIT ?",
                             arguments: [Data(author.bytes), Int64(clamping: range.lowerBound), Int64(clamping: range.upperBound), Int64(clamping: limit)])
                .map(Self.signedEntry)
        }
    }

    /// Up to `limit` entries of one feed after sequence `after`, in order: the page to ask for
    /// next is the one after the last row returned. Paging goes by the stored rows, which
    /// ``signedEntry(_:)`` checks against their encodings, so a tampered row cannot make a
    /// reader loop.
    public func entries(author: FeedID, after: UInt64, limit: Int) throws(StoreError) -> [SignedEntry] {
        guard after < Entry.maximumSequence else { return [] }
        return try entries(author: author, in: (after + 1)...Entry.maximumSequence, limit: limit)
    }

    /// The feeds marked forked, and the newest fork proof's rowid: while that stays the same,
    /// no feed has become forked.
    public func forkedFeeds() throws(StoreError) -> (feeds: Set<FeedID>, lastProofRow: Int64) {
        try read("list forked feeds") { db in
            let feeds = try Data.fetchAll(db, sql: "SELECT author FROM feed WHERE forked = 1").compactMap { FeedID(bytes: [UInt8]($0)) }
            return (Set(feeds), try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM forkProof") ?? 0)
        }
    }

    /// The newest fork proof's rowid (see ``forkedFeeds()``).
    public func lastForkProofRow() throws(StoreError) -> Int64 {
        try read("read the last fork proof row") { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM forkProof") ?? 0 }
    }

    public func forkProofs(author: FeedID? = nil, limit: Int = .max) throws(StoreError) -> [ForkProof] {
        try read("read fork proofs") { db in
            let rows = if let author {
                try Row.fetchAll(db, sql: "SELECT storedEncoded, conflictingEncoded FROM forkProof WHERE author = ? ORDER BY sequence LIMIT ?",
                                 arguments: [Data(author.bytes), Int64(clamping: limit)])
            } else {
                try Row.fetchAll(db, sql: "SELECT storedEncoded, conflictingEncoded FROM forkProof ORDER BY author, sequence LIMIT ?",
                                 arguments: [Int64(clamping: limit)])
            }
            return try rows.map { row in
                ForkProof(stored: try Self.decodeStored(row["storedEncoded"]),
                          conflicting: try Self.decodeStored(row["conflictingEncoded"]))
            }
        }
    }

    /// The payloads of one feed after `sequence` whose bytes contain `text`, by sequence.
    /// A cheap filter run inside SQLite, for indexes that care about a few kinds of payload.
    public func payloads(author: FeedID, after sequence: UInt64, containing text: String) throws(StoreError) -> [(UInt64, [UInt8])] {
        try read("scan payloads") { db in
            try Row.fetchAll(db, sql: """
                SELECT e.sequence, p.data FROM entry e JOIN payload p ON p.entry = e.rowid
                WHERE e.author = ? AND e.sequence > ? AND instr(p.data, CAST(? AS BLOB)) > 0 ORDER BY e.sequence
                """, arguments: [Data(author.bytes), Int64(clamping: sequence), text]).map { row in
                (UInt64(row[0] as Int64), [UInt8](row[1] as Data))
            }
        }
    }

    /// Removes a payload while keeping its entry, which stays verifiable by its hash.
    @discardableResult
    public func dropPayload(of id: EntryID) throws -> Bool {
        try writeImmediate("drop payload") { db in
            try db.execute(sql: "DELETE FROM payload WHERE entry = (SELECT rowid FROM entry WHERE id = ?)", arguments: [Data(id.bytes)])
            return db.changesCount > 0
        }
    }

    // MARK: rows

    static let selectEntry = "SELECT e.encoded, p.data, e.author, e.sequence FROM entry e LEFT JOIN payload p ON p.entry = e.rowid"

    static func head(of author: FeedID, in db: Database) throws -> FeedHead? {
        try Row.fetchOne(db, sql: "SELECT author, headSequence, headId, forked FROM feed WHERE author = ?",
                         arguments: [Data(author.bytes)]).map(feedHead)
    }

    static func feedHead(_ row: Row) throws -> FeedHead {
        let author: Data = row["author"], headId: Data = row["headId"]
        guard let feed = FeedID(bytes: [UInt8](author)), let id = EntryID(bytes: [UInt8](headId)) else {
            throw StoreError(operation: "read feed head", message: "malformed feed row")
        }
        return FeedHead(author: feed, sequence: UInt64(row["headSequence"] as Int64), id: id, forked: row["forked"])
    }

    /// The entry of a ``selectEntry`` row. A row whose author or sequence columns disagree with
    /// its encoding (a database edited by hand) is an error, not an entry: readers page by
    /// those columns.
    static func signedEntry(_ row: Row) throws -> SignedEntry {
        let entry = try decodeStored(row[0])
        let author: Data = row[2], sequence: Int64 = row[3]
        guard entry.author.bytes.elementsEqual(author), sequence >= 1, entry.sequence == UInt64(sequence) else {
            throw StoreError(operation: "read a stored entry",
                             message: "the row for \(FeedID(bytes: [UInt8](author)).map(\.description) ?? "a malformed author") #\(sequence) holds the encoding of \(entry.author) #\(entry.sequence) (run `vf verify`)")
        }
        let payload: Data? = row[1]
        return SignedEntry(entry: entry, payload: payload.map { [UInt8]($0) })
    }

    static func decodeStored(_ data: Data) throws -> Entry {
        do {
            return try EntryCodec.decode([UInt8](data))
        } catch {
            throw StoreError(operation: "decode a stored entry", message: "\(error) (run `vf verify`)")
        }
    }
}
