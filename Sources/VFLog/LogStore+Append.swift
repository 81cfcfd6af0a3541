import Dispatch
import Foundation
import GRDB

extension LogStore {
    /// Appends one entry to the feed of `key`, signed now. Returns once it is durable.
    @discardableResult
    public func append(_ payload: [UInt8], key: SigningKey, timestamp: Int64? = nil) throws -> SignedEntry {
        try appendBatch([payload], key: key, timestamp: timestamp)[0]
    }

    /// Appends many entries to the feed of `key` in one transaction: all are durable when it
    /// returns, or none is stored. Every payload is checked before anything is signed.
    ///
    /// Signing is inherently sequential (each entry names its predecessor's hash), so the
    /// batch runs as a two-stage pipeline: one thread signs chunk k+1 while the database
    /// thread stores chunk k.
    @discardableResult
    public func appendBatch(_ payloads: [[UInt8]], key: SigningKey, timestamp: Int64? = nil) throws -> [SignedEntry] {
        guard !payloads.isEmpty else { return [] }
        let payloadHashes = try Self.validatedHashes(payloads)
        let time = timestamp ?? Self.nowMilliseconds
        return try writeAppend("append to \(key.feed)", author: key.feed) { db in
            let (_, chain) = try Self.chainSigner(key: key, count: payloads.count, in: db)
            let writer = try EntryWriter(db: db)
            let signer = SignerBox(chain)
            let chunks = stride(from: 0, to: payloads.count, by: 256).map { $0..<min($0 + 256, payloads.count) }
            let signChunk: @Sendable (Range<Int>) -> [Entry] = { range in
                range.map { signer.value.sign(payloadSize: UInt32(payloads[$0].count), payloadHash: payloadHashes[$0], timestamp: time) }
            }
            var appended: [SignedEntry] = []
            appended.reserveCapacity(payloads.count)
            var current = signChunk(chunks[0])
            for index in chunks.indices {
                let next = EntriesBox()
                let group = DispatchGroup()
                if index + 1 < chunks.count {
                    DispatchQueue.global().async(group: group) { next.value = signChunk(chunks[index + 1]) }
                }
                for (offset, entry) in zip(chunks[index], current) {
                    try writer.insert(entry, payload: payloads[offset])
                    appended.append(SignedEntry(entry: entry, payload: payloads[offset]))
                }
                group.wait()
                current = next.value
            }
            if let last = appended.last?.entry { try writer.setHead(author: last.author, sequence: last.sequence, id: last.id, forked: false) }
            return (appended, appended.last?.entry)
        }
    }
}

extension LogStore {
    /// Each payload checked and hashed (on every core); the first refusal, by its place.
    static func validatedHashes(_ payloads: [[UInt8]]) throws -> [Hash32] {
        let hashes: [Result<Hash32, PayloadError>] = payloads.parallelMap { payload in
            do throws(PayloadError) { try Payload.validate(payload); return .success(Payload.hash(payload)) } catch { return .failure(error) }
        }
        for (index, result) in hashes.enumerated() {
            if case .failure(let error) = result { throw AppendError.invalidPayload(index: index, error) }
        }
        return hashes.map { try! $0.get() }
    }

    /// The head of `key`'s feed and a signer that extends it by `count` entries, with the ids of
    /// the older entries they link to read from `db`; refused for a forked feed.
    static func chainSigner(key: SigningKey, count: Int, in db: Database) throws -> (FeedHead?, ChainSigner) {
        let head = try head(of: key.feed, in: db)
        if head?.forked == true { throw AppendError.forked(key.feed) }
        var known: [UInt64: EntryID] = [:]
        for target in ChainSigner.lipmaaTargets(after: head?.sequence ?? 0, count: count) {
            known[target] = try entryID(of: key.feed, sequence: target, in: db)
        }
        return (head, ChainSigner(key: key, previous: head.map { ($0.sequence, $0.id) }, known: known))
    }

    /// The id of entry `sequence` of `author`, if held.
    static func entryID(of author: FeedID, sequence: UInt64, in db: Database) throws -> EntryID? {
        let select = try db.cachedStatement(sql: "SELECT id FROM entry WHERE author = ? AND sequence = ?")
        return try Data.fetchOne(select, arguments: [Data(author.bytes), Int64(sequence)]).flatMap { EntryID(bytes: [UInt8]($0)) }
    }
}

/// Handed between the signing thread and the database thread; the pipeline's DispatchGroup
/// orders every access, so no two threads touch it at once.
private final class SignerBox: @unchecked Sendable {
    var value: ChainSigner
    init(_ value: ChainSigner) { self.value = value }
}

private final class EntriesBox: @unchecked Sendable {
    var value: [Entry] = []
}

public enum AppendError: Error, CustomStringConvertible {
    case invalidPayload(index: Int, PayloadError)
    case forked(FeedID)
    /// The node's own feed may not be extended now (``OwnFeedLock``).
    case locked(FeedID, OwnFeedLock.Reason)
    /// Another writer extended the feed after entries were signed to extend it.
    case headMoved(FeedID)

    public var description: String {
        switch self {
        case let .invalidPayload(_, error): "\(error)"
        case let .forked(feed): "feed \(feed) is forked; it cannot be extended"
        case let .locked(_, reason): "this node's own feed is locked, nothing was signed: \(reason)"
        case let .headMoved(feed): "feed \(feed) was extended by another writer meanwhile; nothing was appended"
        }
    }
}

/// The inserts of the append and ingest paths, over cached statements.
struct EntryWriter {
    let db: Database
    let insertEntry: RawStatement
    let insertPayload: RawStatement
    let receivedAt: Int64

    init(db: Database) throws {
        self.db = db
        insertEntry = try RawStatement(db, "INSERT INTO entry (id, author, sequence, timestamp, encoded, receivedAt) VALUES (?, ?, ?, ?, ?, ?)")
        insertPayload = try RawStatement(db, "INSERT INTO payload (entry, data) VALUES (?, ?)")
        receivedAt = LogStore.nowMilliseconds
    }

    /// Binds straight from the entry's bytes: this is the hot path of bulk append and ingest,
    /// where building GRDB argument arrays cost as much as SQLite's own work.
    func insert(_ entry: Entry, payload: [UInt8]?) throws {
        insertEntry.bind(1, entry.id)
        insertEntry.bind(2, entry.author)
        insertEntry.bind(3, Int64(entry.sequence))
        insertEntry.bind(4, entry.timestamp)
        insertEntry.bind(5, blob: entry.encoded)
        insertEntry.bind(6, receivedAt)
        try insertEntry.run()
        if let payload {
            insertPayload.bind(1, db.lastInsertedRowID)
            try insertPayload.run(binding: payload, at: 2)
        }
    }


    func id(of author: FeedID, sequence: UInt64) throws -> EntryID? {
        try LogStore.entryID(of: author, sequence: sequence, in: db)
    }

    /// Records a feed's latest entry; a feed once marked forked stays forked.
    func setHead(author: FeedID, sequence: UInt64, id: EntryID, forked: Bool) throws {
        try db.execute(sql: """
            INSERT INTO feed (author, headSequence, headId, forked) VALUES (?, ?, ?, ?)
            ON CONFLICT (author) DO UPDATE SET headSequence = excluded.headSequence, headId = excluded.headId,
                forked = feed.forked OR excluded.forked
            """, arguments: [Data(author.bytes), Int64(sequence), Data(id.bytes), forked])
    }
}
