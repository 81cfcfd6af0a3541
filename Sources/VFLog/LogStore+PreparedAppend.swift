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
        let hashes = try Self.validatedHashes(payloads)
        let time = timestamp ?? Self.nowMilliseconds
        try checkOwnFeed(key.feed)
        let (_, signer) = try read("read the head of \(key.feed)") { db in try Self.chainSigner(key: key, count: payloads.count, in: db) }
        return Self.sign(payloads, hashes: hashes, timestamp: time, with: signer)
    }

    /// `payloads` (with their `hashes`) signed by `signer` from where it stands.
    private static func sign(_ payloads: [[UInt8]], hashes: [Hash32], timestamp: Int64, with signer: ChainSigner) -> PreparedAppend {
        var signer = signer
        let previous = signer.previous
        let entries = zip(payloads, hashes).map { payload, hash in
            SignedEntry(entry: signer.sign(payloadSize: UInt32(payload.count), payloadHash: hash, timestamp: timestamp), payload: payload)
        }
        return PreparedAppend(entries: entries, previous: previous, author: signer.key.feed)
    }

    /// Signs `payloads` as the entries that follow `earlier`: runs of `key`'s feed signed but not
    /// yet stored, oldest first, each continuing the one before (empty runs are passed over).
    /// A caller signs its next run while the runs before it are checked and stored. The entries
    /// are the ones ``prepareAppend(_:key:timestamp:)`` would sign once `earlier` is stored.
    /// They are stored only after `earlier` (``commit(_:count:)`` checks that the head is its
    /// last entry), so if a run of `earlier` is refused or another writer moves the head, they
    /// are signed again.
    public func prepareAppend(_ payloads: [[UInt8]], key: SigningKey, after earlier: [PreparedAppend],
                              timestamp: Int64? = nil) throws -> PreparedAppend {
        let runs = earlier.filter { $0.author == key.feed && !$0.entries.isEmpty }
        guard let last = runs.last?.entries.last?.entry else { return try prepareAppend(payloads, key: key, timestamp: timestamp) }
        let hashes = try Self.validatedHashes(payloads)
        let time = timestamp ?? Self.nowMilliseconds
        // No check of the own feed's mark here: `earlier` was signed after one, and storing
        // checks again under the log's write lock. Read now, while another thread stores a run
        // of `earlier`, the mark could be ahead of the log as this read sees it.
        var known: [UInt64: EntryID] = [:]
        for run in runs { for signed in run.entries { known[signed.entry.sequence] = signed.entry.id } }
        let stored = ChainSigner.lipmaaTargets(after: last.sequence, count: payloads.count).filter { known[$0] == nil }
        if !stored.isEmpty {
            try read("read the entries \(key.feed)'s next ones link to") { db in
                for target in stored { known[target] = try Self.entryID(of: key.feed, sequence: target, in: db) }
            }
            // An entry `earlier` was signed after is gone, or one of its runs was not: the feed
            // changed under it.
            guard stored.allSatisfy({ known[$0] != nil }) else { throw AppendError.headMoved(key.feed) }
        }
        return Self.sign(payloads, hashes: hashes, timestamp: time, with: ChainSigner(key: key, previous: (last.sequence, last.id), known: known))
    }

    /// Stores the first `count` (default: all) of `prepared`'s entries in one transaction,
    /// durable when it returns. Refused, storing nothing, if the feed's head moved since they
    /// were signed (another process appended): signing them again is the caller's to do.
    public func commit(_ prepared: PreparedAppend, count: Int? = nil) throws {
        let entries = prepared.entries.prefix(min(max(count ?? prepared.entries.count, 0), prepared.entries.count))
        guard let last = entries.last?.entry else { return }
        try writeAppend("append to \(prepared.author)", author: prepared.author) { db in
            let head = try Self.head(of: prepared.author, in: db)
            if head?.forked == true { throw AppendError.forked(prepared.author) }
            guard head?.sequence == prepared.previous?.sequence, head?.id == prepared.previous?.id else {
                throw AppendError.headMoved(prepared.author)
            }
            let writer = try EntryWriter(db: db)
            for signed in entries { try writer.insert(signed.entry, payload: signed.payload) }
            try writer.setHead(author: last.author, sequence: last.sequence, id: last.id, forked: false)
            return ((), last)
        }
    }
}
