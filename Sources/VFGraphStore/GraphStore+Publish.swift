import GRDB
import VFGraph
import VFLog

/// Publishing with one fold: the check of entries already signed is the update that applies them.
extension GraphStore {
    /// What became of a ``publish(_:log:)``.
    public enum PublishOutcome: Sendable, Equatable {
        /// Every entry was accepted, stored in the log, and folded into the tables.
        case published
        /// The entry at `index` was refused, for `reason`; nothing was stored or folded. The
        /// entries before it were accepted: they may be stored as they are
        /// (``LogStore/commit(_:count:)``), since each continues the one before.
        case refused(index: Int, reason: String)
        /// Not every payload is a ValueFlows object: check them with
        /// ``check(_:author:timestamp:log:)`` and update after appending, as before.
        case notAllValueFlows
    }

    /// Signs `payloads` as `key`'s next entries and publishes them (``publish(_:log:allowNegative:)``),
    /// signing again once if another writer moved the feed's head in between (a `vf serve` and a
    /// `vf publish` on one home). Returns the outcome and what was signed, for a caller that
    /// stores the accepted prefix of a refused run.
    public func signAndPublish(_ payloads: [[UInt8]], key: SigningKey, log: LogStore,
                               allowNegative: Bool = false) throws -> (outcome: PublishOutcome, prepared: PreparedAppend) {
        var attempt = 0
        while true {
            let prepared = try log.prepareAppend(payloads, key: key)
            do {
                return (try publish(prepared, log: log, allowNegative: allowNegative), prepared)
            } catch let error as AppendError {
                guard case .headMoved = error, attempt == 0 else { throw error }
                attempt += 1
            }
        }
    }


    /// Checks `prepared` (signed, not stored) against the graph as ``check(_:author:timestamp:log:)``
    /// does, but with the entries' real ids and times; if every one is accepted, stores them
    /// in the log and commits their fold, so checking and applying fold each entry once.
    ///
    /// The log commits first, inside the graph's transaction: if the graph's commit then
    /// fails, the log is ahead of the tables, and the next update folds the entries again.
    /// The tables never describe an entry the log does not hold.
    public func publish(_ prepared: PreparedAppend, log: LogStore, allowNegative: Bool = false) throws -> PublishOutcome {
        guard !prepared.entries.isEmpty else { return .published }
        guard prepared.entries.allSatisfy({ PublishVerdict.isValueFlows($0.payload ?? []) }) else { return .notAllValueFlows }
        try update(from: log)
        var refusal: (index: Int, reason: String)?
        do {
            try writeTransaction { db in
                refusal = try Self.firstRefusal(of: prepared, log: log, allowNegative: allowNegative, in: db)
                if refusal != nil { throw RolledBack() }
            } last: {
                // After the numbers are settled: a settling that fails leaves nothing stored.
                try log.commit(prepared)
            }
        } catch is RolledBack {
            return .refused(index: refusal!.index, reason: refusal!.reason)
        }
        derivations += 1
        lastSeen = try? storedCursors()
        return .published
    }
}

extension GraphStore {
    /// Checks `prepared` against the tables by folding it in, after the entries `provisional`
    /// holds (folded earlier in this transaction, perhaps not yet in the log): the first payload
    /// refused, by its place, with the reason; nil when every one is accepted, and then folded.
    /// Refused, as a moved head, if the tables do not stand where the entries start.
    static func firstRefusal(of prepared: PreparedAppend, log: LogStore, allowNegative: Bool,
                             provisional: ProvisionalRecords = ProvisionalRecords(), in db: Database) throws -> (index: Int, reason: String)? {
        guard let first = prepared.entries.first else { return nil }
        let cursors = try GraphTableReader.cursors(db)
        // The tables must stand where the entries start, as the log did when they were signed.
        guard cursors[prepared.author] ?? 0 == prepared.previous?.sequence ?? 0 else { throw AppendError.headMoved(prepared.author) }
        let target = TablePublishTarget(db: db, log: log, cursors: cursors, provisional: provisional)
        var check = PublishCheck(target: target, author: prepared.author, headSequence: prepared.previous?.sequence ?? 0,
                                 timestamp: first.entry.timestamp)
        check.allowsNegative = allowNegative
        let payloads = prepared.entries.map { ($0.payload ?? [], ($0.entry.id, $0.entry.timestamp)) }
        let verdicts = try log.readingInOneTransaction { try Self.check(payloads, with: &check) }
        for (index, verdict) in verdicts.enumerated() {
            if case let .refused(reason) = verdict { return (index, reason) }
        }
        return nil
    }
}

/// Ends a transaction whose work is to be undone.
private struct RolledBack: Error {}
