import Foundation
import GRDB

/// What ``LogStore/purge(_:)`` deleted of one feed.
public struct PurgeReport: Sendable, Equatable {
    public internal(set) var entries = 0
    public internal(set) var payloads = 0
    public internal(set) var forkProofs = 0

    public init(entries: Int = 0, payloads: Int = 0, forkProofs: Int = 0) {
        self.entries = entries
        self.payloads = payloads
        self.forkProofs = forkProofs
    }
}

extension LogStore {
    /// Deletes everything this store holds of `feed`: its entries, their payloads, its fork
    /// proofs, its forgotten-payload records and its head, in one transaction. For a blocked
    /// feed (`vf block --purge`); this node's own feed is refused.
    ///
    /// Readers of the log remember its last entry row (``lastEntryRow()``) and read what
    /// came after it: so that no later entry is given a row at or below one already handed
    /// out, the newest surviving row is moved up to the newest row deleted.
    public func purge(_ feed: FeedID) throws -> PurgeReport {
        if let ownFeed, ownFeed.feed == feed {
            throw StoreError(operation: "purge \(feed)", message: "it is this node's own feed")
        }
        return try writeImmediate("purge \(feed)") { db in
            let author = Data(feed.bytes)
            var report = PurgeReport()
            let lastRow = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM entry") ?? 0
            try db.execute(sql: "DELETE FROM forgotten WHERE entry IN (SELECT id FROM entry WHERE author = ?)", arguments: [author])
            try db.execute(sql: "DELETE FROM payload WHERE entry IN (SELECT rowid FROM entry WHERE author = ?)", arguments: [author])
            report.payloads = db.changesCount
            try db.execute(sql: "DELETE FROM entry WHERE author = ?", arguments: [author])
            report.entries = db.changesCount
            try db.execute(sql: "DELETE FROM forkProof WHERE author = ?", arguments: [author])
            report.forkProofs = db.changesCount
            try db.execute(sql: "DELETE FROM feed WHERE author = ?", arguments: [author])
            if let newest = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM entry"), newest < lastRow {
                let payload = try Data.fetchOne(db, sql: "SELECT data FROM payload WHERE entry = ?", arguments: [newest])
                try db.execute(sql: "DELETE FROM payload WHERE entry = ?", arguments: [newest])
                try db.execute(sql: "UPDATE entry SET rowid = ? WHERE rowid = ?", arguments: [lastRow, newest])
                if let payload { try db.execute(sql: "INSERT INTO payload (entry, data) VALUES (?, ?)", arguments: [lastRow, payload]) }
            }
            return report
        }
    }
}
