import Foundation
import GRDB

/// What an ingest did with each entry it was given.
public struct IngestReport: Sendable, CustomStringConvertible {
    /// Entries verified and stored.
    public internal(set) var stored: [Entry] = []
    /// Entries already held (by id); their payload was added if it had been missing.
    public internal(set) var duplicates = 0
    public internal(set) var payloadsFilled = 0
    /// Payloads of held entries this node forgot (``LogStore/forget(_:)``): not stored again.
    public internal(set) var payloadsForgotten = 0
    /// Forks detected by this ingest; each proof is stored and its feed marked forked.
    public internal(set) var forks: [ForkProof] = []
    /// The first refused entry of each feed that had one. Later entries of that feed in the
    /// same ingest cannot continue it and are counted in ``skipped``.
    public internal(set) var rejected: [VerificationError] = []
    public internal(set) var skipped = 0

    public var description: String {
        var parts = ["\(stored.count) stored", "\(duplicates) already held"]
        if payloadsFilled > 0 { parts.append("\(payloadsFilled) payloads filled in") }
        if payloadsForgotten > 0 { parts.append("\(payloadsForgotten) forgotten payloads not stored again") }
        if !forks.isEmpty { parts.append("\(forks.count) forks detected") }
        if !rejected.isEmpty { parts.append("\(rejected.count) refused") }
        if skipped > 0 { parts.append("\(skipped) skipped after a refusal") }
        return parts.joined(separator: ", ")
    }
}

extension LogStore {
    /// Verifies entries from outside this node and stores the valid ones, in one transaction.
    ///
    /// Entries of a feed must come in sequence order, continuing what is held. Signatures
    /// and payloads are checked on every core first; links against the store after. A bad
    /// entry is never stored, and every good entry before it is.
    public func ingest(_ entries: [SignedEntry]) throws -> IngestReport {
        let intrinsic: [VerificationError?] = entries.parallelMap { (signed: SignedEntry) -> VerificationError? in
            do throws(VerificationError) { try EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload); return nil } catch { return error }
        }
        var ownHead: (sequence: UInt64, id: EntryID)?
        let result = try writeImmediate("ingest") { db in
            var report = IngestReport()
            let writer = try EntryWriter(db: db)
            var feeds: [FeedID: IngestFeedState] = [:]
            // A payload this node forgot stays forgotten, whoever offers it again.
            let fillPayload = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO payload (entry, data) SELECT rowid, ?1 FROM entry
                WHERE id = ?2 AND NOT EXISTS (SELECT 1 FROM forgotten WHERE entry = ?2)
                """)
            let isForgotten = try db.cachedStatement(sql: "SELECT 1 FROM forgotten WHERE entry = ?")
            for (index, signed) in entries.enumerated() {
                let entry = signed.entry
                // Taken out of the dictionary while it changes, so its `recent` map is never copied.
                var state = try feeds.removeValue(forKey: entry.author) ?? IngestFeedState(head: Self.head(of: entry.author, in: db))
                defer { feeds[entry.author] = state }
                if state.failed { report.skipped += 1; continue }
                if let error = intrinsic[index] {
                    report.rejected.append(error); state.failed = true; continue
                }
                if let head = state.head, entry.sequence <= head.sequence {
                    let heldId = try state.recent[entry.sequence] ?? writer.id(of: entry.author, sequence: entry.sequence)
                    if heldId == entry.id {
                        report.duplicates += 1
                        if let payload = signed.payload {
                            try fillPayload.execute(arguments: [Data(payload), Data(entry.id.bytes)])
                            let filled = db.changesCount
                            report.payloadsFilled += filled
                            if filled == 0, try Bool.fetchOne(isForgotten, arguments: [Data(entry.id.bytes)]) != nil {
                                report.payloadsForgotten += 1
                            }
                        }
                    } else if let held = try Self.heldEntry(author: entry.author, sequence: entry.sequence, in: db) {
                        try Self.storeForkProof(held: held, conflicting: signed, in: db)
                        report.forks.append(ForkProof(stored: held, conflicting: entry))
                        state.forked = true; state.changed = true
                    }
                    continue
                }
                if state.forked {
                    report.rejected.append(VerificationError(entry, .feedForked)); state.failed = true; continue
                }
                do {
                    var lipmaaTarget: EntryID?
                    if Lipmaa.hasDistinctLink(entry.sequence) {
                        let target = Lipmaa.link(entry.sequence)
                        lipmaaTarget = try state.recent[target] ?? writer.id(of: entry.author, sequence: target)
                    }
                    try EntryVerifier.verifyLinks(entry, previous: state.head, lipmaaTarget: lipmaaTarget)
                } catch let error as VerificationError {
                    report.rejected.append(error); state.failed = true; continue
                }
                try writer.insert(entry, payload: signed.payload)
                state.head = (entry.sequence, entry.id)
                state.recent[entry.sequence] = entry.id
                state.changed = true
                report.stored.append(entry)
            }
            for (author, state) in feeds where state.changed {
                guard let head = state.head else { continue }
                try writer.setHead(author: author, sequence: head.sequence, id: head.id, forked: state.forked)
                if author == ownFeed?.feed { ownHead = head }
            }
            return report
        }
        // Raised after the commit: a mark that lags is safe, one ahead of the log would lock
        // the node. A mark that cannot be read or written does not undo the ingest: it is the
        // next append's business, which refuses with the reason.
        if let ownFeed, let ownHead {
            try? writeImmediate("raise the feed mark") { db in try ownFeed.received(head: ownHead, in: db) }
        }
        return result
    }

    static func heldEntry(author: FeedID, sequence: UInt64, in db: Database) throws -> Entry? {
        try Data.fetchOne(db, sql: "SELECT encoded FROM entry WHERE author = ? AND sequence = ?",
                          arguments: [Data(author.bytes), Int64(sequence)]).map(decodeStored)
    }

    static func storeForkProof(held: Entry, conflicting: SignedEntry, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO forkProof (author, sequence, storedEncoded, conflictingEncoded, conflictingPayload, detectedAt)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [Data(held.author.bytes), Int64(held.sequence), Data(held.encoded),
                             Data(conflicting.entry.encoded), conflicting.payload.map { Data($0) }, nowMilliseconds])
    }
}

/// What an ingest knows of one feed while it walks its batch.
private struct IngestFeedState {
    var head: (sequence: UInt64, id: EntryID)?
    var forked: Bool
    var failed = false
    var changed = false
    /// Ids stored by this batch, by sequence, for backlink and lipmaa lookups without a query.
    var recent: [UInt64: EntryID] = [:]

    init(head: FeedHead?) {
        self.head = head.map { ($0.sequence, $0.id) }
        self.forked = head?.forked ?? false
    }
}
