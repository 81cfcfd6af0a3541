import Foundation
import GRDB

/// The outcome of re-verifying what a store holds.
public struct StoreVerificationReport: Sendable {
    public internal(set) var feeds = 0
    public internal(set) var entries = 0
    public internal(set) var payloadsChecked = 0
    /// Every problem found: each bad entry, a head that disagrees with its feed, a bad fork proof.
    public internal(set) var problems: [VerificationError] = []
    /// Stored payloads that are the entry's own (size and hash match) but break §5: accepted
    /// before the JSON profile. Kept, and not problems: the chain is intact and nothing was
    /// altered; the graph ignores them and they are not sent on (docs/protocol.md §5).
    public internal(set) var payloadsOutsideProfile: [VerificationError] = []
    public var isValid: Bool { problems.isEmpty }
}

extension LogStore {
    /// Re-verifies every stored entry, as if it had just arrived: its encoding, id, signature,
    /// payload and links, and each feed's head and fork proofs. For audits, and to catch a
    /// database edited by hand.
    public func verifyAll(author: FeedID? = nil, chunkSize: Int = 8192) throws(StoreError) -> StoreVerificationReport {
        var report = StoreVerificationReport()
        var heads: [FeedID: FeedHead] = [:]
        let held: [FeedHead]
        if let author {
            held = try head(of: author).map { [$0] } ?? []
        } else {
            held = try feeds()
        }
        for head in held { heads[head.author] = head }
        // Every author with entry rows, head row or not: a store edited by hand may hold either alone.
        let authors = try read("list authors") { db in
            if let author {
                try Data.fetchAll(db, sql: "SELECT DISTINCT author FROM entry WHERE author = ?", arguments: [Data(author.bytes)])
            } else {
                try Data.fetchAll(db, sql: "SELECT DISTINCT author FROM entry")
            }
        }
        var all = Set(heads.keys)
        for bytes in authors {
            guard let feed = FeedID(bytes: [UInt8](bytes)) else {
                report.problems.append(VerificationError(feed: nil, sequence: nil, reason: .malformedRow("an entry's author is \(bytes.count) bytes, not 32")))
                continue
            }
            all.insert(feed)
        }
        for feed in all.sorted() {
            report.feeds += 1
            try verifyFeed(feed, head: heads[feed], chunkSize: chunkSize, into: &report)
        }
        for proof in try forkProofs(author: author) {
            let both = [proof.stored, proof.conflicting]
            if proof.stored.author != proof.conflicting.author || proof.stored.sequence != proof.conflicting.sequence
                || proof.stored.id == proof.conflicting.id || !both.allSatisfy({ $0.hasValidSignature() }) {
                report.problems.append(VerificationError(feed: proof.author, sequence: proof.sequence,
                                                         reason: .invalidForkProof))
            }
        }
        return report
    }

    private func verifyFeed(_ author: FeedID, head: FeedHead?, chunkSize: Int, into report: inout StoreVerificationReport) throws(StoreError) {
        var chain = FeedChainCheck()
        var after: Int64 = 0
        while true {
            let rows: [StoredRow] = try read("read feed \(author)") { db in
                try Row.fetchAll(db, sql: """
                    SELECT e.id, e.sequence, e.encoded, p.data FROM entry e LEFT JOIN payload p ON p.entry = e.rowid
                    WHERE e.author = ? AND e.sequence > ? ORDER BY e.sequence LIMIT ?
                    """, arguments: [Data(author.bytes), after, chunkSize]).map { row in
                    StoredRow(id: [UInt8](row[0] as Data), sequence: UInt64(row[1] as Int64),
                              encoded: [UInt8](row[2] as Data), payload: (row[3] as Data?).map { [UInt8]($0) })
                }
            }
            guard let last = rows.last else { break }
            after = Int64(last.sequence)
            // Everything that needs no neighbour runs on every core.
            let checked: [Result<(Entry, PayloadError?), VerificationError>] = rows.parallelMap { row in row.verifyIntrinsic(author: author) }
            for (row, result) in zip(rows, checked) {
                report.entries += 1
                if row.payload != nil { report.payloadsChecked += 1 }
                let entry: Entry
                switch result {
                case .failure(let error):
                    report.problems.append(error)
                    // Keep walking: later entries are judged against what is actually stored.
                    chain.hold(row.sequence, EntryID(hash: Sodium.blake2b256(row.encoded)))
                    continue
                case .success(let (decoded, outsideProfile)):
                    entry = decoded
                    if let outsideProfile { report.payloadsOutsideProfile.append(VerificationError(entry, .payloadInvalid(outsideProfile))) }
                }
                do { try chain.checkLinks(entry) } catch { report.problems.append(error) }
                chain.hold(entry.sequence, entry.id)
            }
        }
        guard let head else {
            report.problems.append(VerificationError(feed: author, sequence: nil, reason: .missingHead(lastStored: chain.last?.sequence ?? 0)))
            return
        }
        if chain.last?.sequence != head.sequence || chain.last?.id != head.id {
            report.problems.append(VerificationError(feed: author, sequence: head.sequence,
                                                     reason: .headMismatch(recorded: head.id, lastStored: chain.last?.id)))
        }
    }
}

/// One entry row as stored, before anything about it is trusted.
private struct StoredRow: Sendable {
    let id: [UInt8]
    let sequence: UInt64
    let encoded: [UInt8]
    let payload: [UInt8]?

    /// The entry, and how its payload breaks §5 if it does (not a failure: see
    /// ``StoreVerificationReport/payloadsOutsideProfile``).
    func verifyIntrinsic(author: FeedID) -> Result<(Entry, PayloadError?), VerificationError> {
        let entry: Entry
        do {
            entry = try EntryCodec.decode(encoded)
        } catch {
            return .failure(VerificationError(feed: author, sequence: sequence, reason: .malformed(error)))
        }
        guard entry.author == author, entry.sequence == sequence else {
            return .failure(VerificationError(feed: author, sequence: sequence, reason: .wrongAuthor(expected: author)))
        }
        if entry.id.bytes != id, let storedId = EntryID(bytes: id) {
            return .failure(VerificationError(entry, .idMismatch(stored: storedId)))
        }
        do throws(VerificationError) {
            try EntryVerifier.verifyIntrinsic(entry, payload: nil)
            if let payload { try EntryVerifier.verifyPayloadBelongs(payload, to: entry) }
        } catch {
            return .failure(error)
        }
        guard let payload else { return .success((entry, nil)) }
        do throws(PayloadError) { try Payload.validate(payload) } catch { return .success((entry, error)) }
        return .success((entry, nil))
    }
}
