import Foundation
import GRDB

/// Entries signed to extend a feed from the head it had when they were signed, not yet stored:
/// what a publish checks against the graph with the ids and times the entries will really
/// have, before ``LogStore/commit(_:count:)`` stores them.
public struct PreparedAppend: Sendable {
    /// In order, each continuing the one before it, the first continuing `previous`.
    public let entries: [SignedEntry]
    /// The feed's head they continue; nil for a feed that had no entry.
    public let previous: (sequence: UInt64, id: EntryID)?
    public let author: FeedID
}

extension LogStore {
    /// Signs `payloads` as the next entries of `key`'s feed, without storing them. Every payload
    /// is checked first, as ``appendBatch(_:key:timestamp:)`` checks them.
    public func prepareAppend(_ payloads: [[UInt8]], key: SigningKey, timestamp: Int64? = nil) throws -> PreparedAppend {
        let hashes: [Result<Hash32, PayloadError>] = payloads.parallelMap { payload in
            do throws(PayloadError) { try Payload.validate(payload); return .success(Payload.hash(payload)) } catch { return .failure(error) }
        }
        for (index, result) in hashes.enumerated() {
            if case .failure(let error) = result { throw AppendError.invalidPayload(index: index, error) }
        }
        let time = timestamp ?? Self.nowMilliseconds
        let (head, known) = try read("read the head of \(key.feed)") { db -> (FeedHead?, [UInt64: EntryID]) in
            let head = try Self.head(of: key.feed, in: db)
            if head?.forked == true { throw AppendError.forked(key.feed) }
            let writer = try EntryReader(db: db)
            var known: [UInt64: EntryID] = [:]
            for target in ChainSigner.lipmaaTargets(after: head?.sequence ?? 0, count: payloads.count) {
                known[target] = try writer.id(of: key.feed, sequence: target)
            }
            return (head, known)
        }
        var signer = ChainSigner(key: key, previous: head.map { ($0.sequence, $0.id) }, known: known)
        var entries: [SignedEntry] = []
        entries.reserveCapacity(payloads.count)
        for (payload, result) in zip(payloads, hashes) {
            let entry = signer.sign(payloadSize: UInt32(payload.count), payloadHash: try! result.get(), timestamp: time)
            entries.append(SignedEntry(entry: entry, payload: payload))
        }
        return PreparedAppend(entries: entries, previous: head.map { ($0.sequence, $0.id) }, author: key.feed)
    }

    /// Stores the first `count` (default: all) of `prepared`'s entries in one transaction,
    /// durable when it returns. Refused, storing nothing, if the feed's head moved since they
    /// were signed (another process appended): signing them again is the caller's to do.
    public func commit(_ prepared: PreparedAppend, count: Int? = nil) throws {
        let entries = prepared.entries.prefix(min(max(count ?? prepared.entries.count, 0), prepared.entries.count))
        guard let last = entries.last?.entry else { return }
        try writeImmediate("append to \(prepared.author)") { db in
            let head = try Self.head(of: prepared.author, in: db)
            if head?.forked == true { throw AppendError.forked(prepared.author) }
            guard head?.sequence == prepared.previous?.sequence, head?.id == prepared.previous?.id else {
                throw AppendError.headMoved(prepared.author)
            }
            let writer = try EntryWriter(db: db)
            for signed in entries { try writer.insert(signed.entry, payload: signed.payload) }
            try writer.setHead(author: last.author, sequence: last.sequence, id: last.id, forked: false)
        }
    }
}

/// Looks up entry ids in a read transaction.
private struct EntryReader {
    let selectId: Statement

    init(db: Database) throws {
        selectId = try db.cachedStatement(sql: "SELECT id FROM entry WHERE author = ? AND sequence = ?")
    }

    func id(of author: FeedID, sequence: UInt64) throws -> EntryID? {
        let data = try Data.fetchOne(selectId, arguments: [Data(author.bytes), Int64(sequence)])
        return data.flatMap { EntryID(bytes: [UInt8]($0)) }
    }
}
