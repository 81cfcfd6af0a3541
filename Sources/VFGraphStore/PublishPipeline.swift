import GRDB
import VFGraph
import VFLog

extension GraphStore {
    /// How a ``publishBatches(key:log:allowNegative:next:stored:)`` ended.
    public enum BatchesEnd: Sendable {
        /// `next` gave nil: every batch it gave is stored and folded.
        case finished
        /// `next` gave a batch that is not all ValueFlows: nothing of it is signed; the caller
        /// checks and appends it as other JSON. Every batch before it is stored and folded.
        case otherJSON([[UInt8]])
        /// The payload at `index` of the batch signed as `prepared` was refused, for `reason`.
        /// The batches before it are stored and folded; nothing of this one is. Its entries
        /// before `index` may be stored as signed (``LogStore/commit(_:count:)``).
        case refused(PreparedAppend, index: Int, reason: String)
    }

    /// Publishes the batches `next` gives, in order, as ``publish(_:log:allowNegative:)`` would
    /// publish each after the one before, until `next` gives nil, a batch that is not all
    /// ValueFlows, or a refusal. `stored` is told each batch's entries once they are durable in
    /// the log, in order.
    ///
    /// Bulk entry on two cores: while batch k is checked by folding it into the tables, batch
    /// k − 1 is stored in the log and batch k + 1 is signed, each on another thread. So the
    /// graph's transaction spans several batches (``PublishPipeline/batchesPerTransaction``),
    /// and commits only once the log holds every batch it folded: the tables never describe an
    /// entry the log does not hold. A batch whose entries the log may not hold yet is known to
    /// the checks of the batches after it from memory (``ProvisionalRecords``), as a check knows
    /// the entries of its own batch. If storing fails, the graph's transaction rolls back; the
    /// batches stored before it stay, and the next update folds them.
    ///
    /// If another writer extends the feed meanwhile, what is not stored is signed again after
    /// it, once.
    public func publishBatches(key: SigningKey, log: LogStore, allowNegative: Bool = false,
                               next: () throws -> [[UInt8]]?, stored: ([SignedEntry]) -> Void) throws -> BatchesEnd {
        try withoutActuallyEscaping(next) { next in
            try withoutActuallyEscaping(stored) { stored in
                try PublishPipeline(graph: self, key: key, log: log, allowNegative: allowNegative, next: next, stored: stored).run()
            }
        }
    }
}

/// The stages of one ``GraphStore/publishBatches(key:log:allowNegative:next:stored:)``: sign,
/// check by folding, store.
final class PublishPipeline {
    /// How many batches one graph transaction folds at most, before it waits for the log and
    /// commits: bounds what a reader of the tables waits for, and what a crash makes the next
    /// update fold again.
    nonisolated(unsafe) static var batchesPerTransaction = 8
    /// Runs on the storing thread before each batch is stored: tests make the log slow with it,
    /// so the next batch is surely checked before the log holds this one.
    nonisolated(unsafe) static var beforeStoring: @Sendable () -> Void = {}

    private let graph: GraphStore
    private let key: SigningKey
    private let log: LogStore
    private let allowNegative: Bool
    private let next: () throws -> [[UInt8]]?
    private let stored: ([SignedEntry]) -> Void
    /// The batches taken from `next` and not yet stored, oldest first: signed again if another
    /// writer moves the head.
    private var unstored: [[[UInt8]]] = []
    /// How `next` ended the batches, once it has.
    private var ended: GraphStore.BatchesEnd?

    init(graph: GraphStore, key: SigningKey, log: LogStore, allowNegative: Bool,
         next: @escaping () throws -> [[UInt8]]?, stored: @escaping ([SignedEntry]) -> Void) {
        self.graph = graph
        self.key = key
        self.log = log
        self.allowNegative = allowNegative
        self.next = next
        self.stored = stored
    }

    func run() throws -> GraphStore.BatchesEnd {
        var attempt = 0
        while true {
            do {
                if let end = try transaction() { return end }
            } catch let error as AppendError {
                guard case .headMoved = error, attempt == 0 else { throw error }
                attempt += 1
            }
        }
    }

    /// Batch `index` of those not yet stored, taken from `next` if need be; nil past the last.
    private func batch(_ index: Int) throws -> [[UInt8]]? {
        while unstored.count <= index {
            guard ended == nil else { return nil }
            guard let payloads = try next() else {
                ended = .finished
                return nil
            }
            guard !payloads.isEmpty, payloads.allSatisfy(PublishVerdict.isValueFlows) else {
                ended = payloads.isEmpty ? .finished : .otherJSON(payloads)
                return nil
            }
            unstored.append(payloads)
        }
        return unstored[index]
    }

    /// A batch being stored in the log on another thread.
    private struct Storing {
        let prepared: PreparedAppend
        let result: BackgroundValue<Result<Void, any Error>>
    }

    /// Waits for `storing`; once stored, the batch is told to `stored` and leaves `unstored`.
    private func finish(_ storing: inout Storing?) throws {
        guard let current = storing else { return }
        storing = nil
        try current.result.wait().get()
        unstored.removeFirst()
        stored(current.prepared.entries)
    }

    /// Folds batches into one graph transaction while the log stores the ones before; gives how
    /// the batches ended, or nil when the transaction was full and more may follow.
    private func transaction() throws -> GraphStore.BatchesEnd? {
        try graph.update(from: log)
        guard let first = try batch(0) else { return ended }
        var folding = try log.prepareAppend(first, key: key)
        var storing: Storing?
        var refused: GraphStore.BatchesEnd?
        do {
            try graph.writeTransaction({ db in
                let provisional = ProvisionalRecords()
                for count in 1... {
                    let cursors = try GraphTableReader.cursors(db)
                    // The tables must stand where the entries start, as the log did when they were signed.
                    guard cursors[key.feed] ?? 0 == folding.previous?.sequence ?? 0 else { throw AppendError.headMoved(key.feed) }
                    // Not yet stored: the one storing (if any), this one, then the next.
                    let following = count < Self.batchesPerTransaction ? try batch(storing == nil ? 1 : 2) : nil
                    let signed = [storing?.prepared, folding].compactMap { $0 }
                    let ahead = following.map { [log, key] payloads in
                        BackgroundValue { Result { try log.prepareAppend(payloads, key: key, after: signed) } }
                    }
                    let refusal = try check(folding, cursors: cursors, provisional: provisional, in: db)
                    try finish(&storing)
                    if let refusal {
                        _ = ahead?.wait()
                        refused = .refused(folding, index: refusal.index, reason: refusal.reason)
                        return
                    }
                    storing = Storing(prepared: folding, result: BackgroundValue { [log, folding] in
                        Result {
                            Self.beforeStoring()
                            try log.commit(folding)
                        }
                    })
                    guard let ahead else { return }
                    folding = try ahead.wait().get()
                }
            }, last: { try finish(&storing) })
        } catch {
            // Whatever went wrong, a batch the log stored meanwhile is stored: say so.
            try? finish(&storing)
            throw error
        }
        graph.derivations += 1
        graph.lastSeen = try? graph.storedCursors()
        return refused ?? ended
    }

    /// Checks `prepared` by folding it in, inside a savepoint kept if every payload is accepted;
    /// the first refusal otherwise.
    private func check(_ prepared: PreparedAppend, cursors: [FeedID: UInt64], provisional: ProvisionalRecords,
                       in db: Database) throws -> (index: Int, reason: String)? {
        var refusal: (index: Int, reason: String)?
        try db.inSavepoint {
            let target = TablePublishTarget(db: db, log: log, cursors: cursors, provisional: provisional)
            var check = PublishCheck(target: target, author: prepared.author, headSequence: prepared.previous?.sequence ?? 0,
                                     timestamp: prepared.entries[0].entry.timestamp)
            check.allowsNegative = allowNegative
            let payloads = prepared.entries.map { ($0.payload ?? [], ($0.entry.id, $0.entry.timestamp)) }
            let verdicts = try log.readingInOneTransaction { try GraphStore.check(payloads, with: &check) }
            if let index = verdicts.firstIndex(where: { if case .refused = $0 { true } else { false } }),
               case let .refused(reason) = verdicts[index] {
                refusal = (index, reason)
                return .rollback
            }
            return .commit
        }
        return refusal
    }
}
