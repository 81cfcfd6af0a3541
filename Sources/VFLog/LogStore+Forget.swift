import Foundation
import GRDB

/// What ``LogStore/forget(_:)`` did with one entry.
public struct ForgetOutcome: Sendable, Equatable {
    public let author: FeedID
    public let sequence: UInt64
    /// The entry was forgotten already: nothing changed.
    public let alreadyForgotten: Bool
    /// A payload was held and is now deleted (false when the entry was held without one).
    public let payloadDeleted: Bool

    public init(author: FeedID, sequence: UInt64, alreadyForgotten: Bool, payloadDeleted: Bool) {
        self.author = author
        self.sequence = sequence
        self.alreadyForgotten = alreadyForgotten
        self.payloadDeleted = payloadDeleted
    }
}

extension LogStore {
    /// Drops an entry's payload for good: the entry stays (its chain still verifies, §7) and
    /// its id is recorded in `forgotten`, so no peer or bundle brings the payload back
    /// (``ingest(_:)``). Nil when the entry is not held. Forgetting twice changes nothing.
    public func forget(_ id: EntryID) throws -> ForgetOutcome? {
        try writeImmediate("forget a payload") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT rowid, author, sequence FROM entry WHERE id = ?", arguments: [Data(id.bytes)]),
                  let author = FeedID(bytes: [UInt8](row[1] as Data)) else { return nil }
            let rowid: Int64 = row[0], sequence: Int64 = row[2]
            try db.execute(sql: "INSERT OR IGNORE INTO forgotten (entry, forgottenAt) VALUES (?, ?)",
                           arguments: [Data(id.bytes), Self.nowMilliseconds])
            let recorded = db.changesCount > 0
            try db.execute(sql: "DELETE FROM payload WHERE entry = ?", arguments: [rowid])
            let deleted = db.changesCount > 0
            return ForgetOutcome(author: author, sequence: UInt64(max(1, sequence)), alreadyForgotten: !recorded && !deleted,
                                 payloadDeleted: deleted)
        }
    }

    /// Whether this node forgot the payload of `id` (``forget(_:)``).
    public func isForgotten(_ id: EntryID) throws(StoreError) -> Bool {
        // Inside readingInOneTransaction, on one snapshot: whether anything was forgotten at
        // all is asked once (on most nodes nothing was), and each id at most once.
        guard let held = heldReads.held(on: pthread_self()) else { return try isForgottenRead(id) }
        if held.anyForgotten == nil {
            held.anyForgotten = try read("read forgotten payloads") { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM forgotten)") ?? false }
        }
        guard held.anyForgotten == true else { return false }
        if let known = held.forgotten[id] { return known }
        let answer = try isForgottenRead(id)
        held.forgotten[id] = answer
        return answer
    }

    private func isForgottenRead(_ id: EntryID) throws(StoreError) -> Bool {
        try read("read forgotten payloads") { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM forgotten WHERE entry = ?"), arguments: [Data(id.bytes)]) != nil
        }
    }

    /// Every entry whose payload this node forgot, in id order. Forgetting is a deliberate act
    /// of the node's owner, one entry at a time, so the set stays small.
    public func forgottenEntries() throws(StoreError) -> [EntryID] {
        try read("read forgotten payloads") { db in
            try Data.fetchAll(db, sql: "SELECT entry FROM forgotten ORDER BY entry").compactMap { EntryID(bytes: [UInt8]($0)) }
        }
    }
}
