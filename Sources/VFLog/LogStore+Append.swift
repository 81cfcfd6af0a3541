import GRDB
import Foundation

extension LogStore {
    /// Appends one entry to the feed of `key`, signed now. Returns once it is durable.
    @discardableResult
    public func append(_ payload: [UInt8], key: SigningKey, timestamp: Int64? = nil) throws -> SignedEntry {
        try appendBatch([payload], key: key, timestamp: timestamp)[0]
    }

    /// Appends many entries to the feed of `key` in one transaction: all are durable when it
    /// returns, or none is stored. Every payload is checked before anything is signed.
    @discardableResult
    public func appendBatch(_ payloads: [[UInt8]], key: SigningKey, timestamp: Int64? = nil) throws -> [SignedEntry] {
        for (index, payload) in payloads.enumerated() {
            do { try Payload.validate(payload) } catch { throw AppendError.invalidPayload(index: index, error) }
        }
        let time = timestamp ?? Self.nowMilliseconds
        return try writeImmediate("append to \(key.feed)") { db in
            let head = try Self.head(of: key.feed, in: db)
            if head?.forked == true { throw AppendError.forked(key.feed) }
            var writer = try EntryWriter(db: db)
            var previous = head.map { (sequence: $0.sequence, id: $0.id) }
            // Ids of this batch by sequence, so lipmaa targets inside it need no query.
            var recent: [UInt64: EntryID] = [:]
            var appended: [SignedEntry] = []
            appended.reserveCapacity(payloads.count)
            for payload in payloads {
                let sequence = (previous?.sequence ?? 0) + 1
                var lipmaaLink: EntryID?
                if Lipmaa.hasDistinctLink(sequence) {
                    let target = Lipmaa.link(sequence)
                    lipmaaLink = try recent[target] ?? writer.id(of: key.feed, sequence: target)
                }
                let entry = EntryCodec.sign(key: key, sequence: sequence, timestamp: time,
                                            payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload),
                                            backlink: previous?.id, lipmaaLink: lipmaaLink)
                try writer.insert(entry, payload: payload)
                recent[sequence] = entry.id
                previous = (sequence, entry.id)
                appended.append(SignedEntry(entry: entry, payload: payload))
            }
            if let last = appended.last?.entry { try writer.setHead(last, forked: false) }
            return appended
        }
    }
}

public enum AppendError: Error, CustomStringConvertible {
    case invalidPayload(index: Int, PayloadError)
    case forked(FeedID)

    public var description: String {
        switch self {
        case let .invalidPayload(_, error): "\(error)"
        case let .forked(feed): "feed \(feed) is forked; it cannot be extended"
        }
    }
}

/// The inserts of the append and ingest paths, over cached statements.
struct EntryWriter {
    let db: Database
    let insertEntry: Statement
    let insertPayload: Statement
    let selectId: Statement
    let receivedAt: Int64

    init(db: Database) throws {
        self.db = db
        insertEntry = try db.cachedStatement(sql: "INSERT INTO entry (id, author, sequence, timestamp, encoded, receivedAt) VALUES (?, ?, ?, ?, ?, ?)")
        insertPayload = try db.cachedStatement(sql: "INSERT INTO payload (entry, data) VALUES (?, ?)")
        selectId = try db.cachedStatement(sql: "SELECT id FROM entry WHERE author = ? AND sequence = ?")
        receivedAt = LogStore.nowMilliseconds
    }

    mutating func insert(_ entry: Entry, payload: [UInt8]?) throws {
        try insertEntry.execute(arguments: [Data(entry.id.bytes), Data(entry.author.bytes), Int64(entry.sequence),
                                            entry.timestamp, Data(entry.encoded), receivedAt])
        if let payload {
            try insertPayload.execute(arguments: [db.lastInsertedRowID, Data(payload)])
        }
    }

    func id(of author: FeedID, sequence: UInt64) throws -> EntryID? {
        let data = try Data.fetchOne(selectId, arguments: [Data(author.bytes), Int64(sequence)])
        return data.flatMap { EntryID(bytes: [UInt8]($0)) }
    }

    func setHead(_ entry: Entry, forked: Bool) throws {
        try db.execute(sql: """
            INSERT INTO feed (author, headSequence, headId, forked) VALUES (?, ?, ?, ?)
            ON CONFLICT (author) DO UPDATE SET headSequence = excluded.headSequence, headId = excluded.headId,
                forked = feed.forked OR excluded.forked
            """, arguments: [Data(entry.author.bytes), Int64(entry.sequence), Data(entry.id.bytes), forked])
    }
}
