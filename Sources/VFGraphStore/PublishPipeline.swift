import GRDB
import VFGraph
import VFLog

extension GraphStore {
    /// How a ``publishBatches(key:log:allowNegative:next:inputReady:stored:)`` ended.
    public enum BatchesEnd: Sendable {
        /// `next` gave nil or an empty batch: every batch it gave before is stored and folded.
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
    /// k − 1 is stored in the log and batch k + 1 is signed, each on another thread. So one graph
    /// transaction folds several batches (up to ``PublishPipeline/Options/mostEntriesPerTransaction``
    /// entries), and commits only once the log holds every batch it folded: the tables never
    /// describe an entry the log does not hold. A check knows the entries of earlier batches,
    /// which the log may not hold yet, from memory (``ProvisionalRecords``), as it knows those of
    /// its own batch. If storing fails, the graph's transaction rolls back; the batches stored
    /// before it stay, and the next update folds them.
    ///
    /// `next` is called for the batch after this one only while `inputReady` says it would not
    /// wait; otherwise the transaction ends first, so nothing waits on the input while holding
    /// the graph's write lock, and every batch stored so far is reported before the wait.
    ///
    /// If another writer extends the feed meanwhile, what is not stored is signed again after
    /// it, once per graph transaction.
    public func publishBatches(key: SigningKey, log: LogStore, allowNegative: Bool = false,
                               next: () throws -> [[UInt8]]?, inputReady: () -> Bool = { true },
                               stored: ([SignedEntry]) -> Void) throws -> BatchesEnd {
        try publishBatches(key: key, log: log, allowNegative: allowNegative, options: PublishPipeline.Options(),
                           next: next, inputReady: inputReady, stored: stored)
    }

    /// ``publishBatches(key:log:allowNegative:next:inputReady:stored:)`` with `options` other
    /// than the defaults (tests: small transactions, a slow or failing log).
    func publishBatches(key: SigningKey, log: LogStore, allowNegative: Bool = false, options: PublishPipeline.Options,
                        next: () throws -> [[UInt8]]?, inputReady: () -> Bool = { true },
                        stored: ([SignedEntry]) -> Void) throws -> BatchesEnd {
        try withoutActuallyEscaping(next) { next in
            try withoutActuallyEscaping(inputReady) { inputReady in
                try withoutActuallyEscaping(stored) { stored in
                    try PublishPipeline(graph: self, key: key, log: log, allowNegative: allowNegative, options: options,
                                        next: next, inputReady: inputReady, stored: stored).run()
                }
            }
        }
    }
}

/// The stages of one ``GraphStore/publishBatches(key:log:allowNegative:next:inputReady:stored:)``:
/// sign, check by folding, store.
final class PublishPipeline {
    struct Options {
        /// How many entries one graph transaction folds, past which it takes no further batch
        /// (a batch larger than this goes alone): bounds how long another writer of the tables
        /// (a `vf serve`, a command catching up with the log) waits, and what a crash leaves
        /// for the next update to fold again.
        var mostEntriesPerTransaction = 8_000
        /// Runs on the storing thread before each batch is stored (given its first entry's
        /// sequence), and stores nothing if it throws: tests make the log slow with it, so the
        /// next batch is surely checked before the log holds this one, or make storing fail.
        var beforeStoring: @Sendable (UInt64) throws -> Void = { _ in }
    }

    private let graph: GraphStore
    private let key: SigningKey
    private let log: LogStore
    private let allowNegative: Bool
    private let options: Options
    private let next: () throws -> [[UInt8]]?
    private let inputReady: () -> Bool
    private let stored: ([SignedEntry]) -> Void
    /// The batches taken from `next` and not yet stored, oldest first: signed again if another
    /// writer moves the head.
    private var unstored: [[[UInt8]]] = []
    /// How `next` ended the batches, once it has.
    private var ended: GraphStore.BatchesEnd?

    init(graph: GraphStore, key: SigningKey, log: LogStore, allowNegative: Bool, options: Options,
         next: @escaping () throws -> [[UInt8]]?, inputReady: @escaping () -> Bool, stored: @escaping ([SignedEntry]) -> Void) {
        self.graph = graph
        self.key = key
        self.log = log
        self.allowNegative = allowNegative
        self.options = options
        self.next = next
        self.inputReady = inputReady
        self.stored = stored
    }

    func run() throws -> GraphStore.BatchesEnd {
        var movedHead = false
        while true {
            do {
                if let end = try transaction() { return end }
                movedHead = false
            } catch let error as AppendError {
                guard case .headMoved = error, !movedHead else { throw error }
                movedHead = true
            }
        }
    }

    /// Batch `index` of those not yet stored, taken from `next` if need be; nil past the last.
    private func batch(_ index: Int) throws -> [[UInt8]]? {
        while unstored.count <= index {
            guard ended == nil else { return nil }
            guard let payloads = try next(), !payloads.isEmpty else {
                ended = .finished
                return nil
            }
            guard payloads.allSatisfy(PublishVerdict.isValueFlows) else {
                ended = .otherJSON(payloads)
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

        init(_ prepared: PreparedAppend, in log: LogStore, after beforeStoring: @escaping @Sendable (UInt64) throws -> Void) {
            self.prepared = prepared
            result = BackgroundValue {
                Result {
                    try beforeStoring(prepared.entries.first?.entry.sequence ?? 0)
                    try log.commit(prepared)
                }
            }
        }
    }

    /// Waits for `storing`; once stored, the batch is told to `stored` and leaves `unstored`.
    private func finish(_ storing: inout Storing?) throws {
        guard let current = storing else { return }
        storing = nil
        try current.result.wait().get()
        unstored.removeFirst()
        stored(current.prepared.entries)
    }

    /// One graph transaction: folds batches while the log stores the ones before, and commits
    /// once the log holds them all. Gives how the batches ended, or nil when the transaction
    /// took all it may (or the input would wait) and more may follow.
    private func transaction() throws -> GraphStore.BatchesEnd? {
        // Read first: the input may wait, and the tables are brought up to date after it.
        guard let first = try batch(0) else { return ended }
        try graph.update(from: log)
        let signed = try log.prepareAppend(first, key: key)
        var storing: Storing?
        var refused: GraphStore.BatchesEnd?
        do {
            try graph.writeTransaction({ db in
                refused = try foldBatches(from: signed, storing: &storing, in: db)
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

    /// Checks `signed` and the batches after it, each while the one before is stored; leaves
    /// the last one storing. The refusal, if one was refused: nothing of it is folded or stored.
    private func foldBatches(from signed: PreparedAppend, storing: inout Storing?, in db: Database) throws -> GraphStore.BatchesEnd? {
        let provisional = ProvisionalRecords()
        var folding = signed
        var entries = 0
        while true {
            entries += folding.entries.count
            // Not yet stored: the one storing (if any), this one, then the next.
            let following = entries < options.mostEntriesPerTransaction && inputReady() ? try batch(storing == nil ? 1 : 2) : nil
            let ahead = following.map { [log, key, signed = [storing?.prepared, folding].compactMap { $0 }] payloads in
                BackgroundValue { Result { try log.prepareAppend(payloads, key: key, after: signed) } }
            }
            let refusal: (index: Int, reason: String)?
            do {
                refusal = try check(folding, provisional: provisional, in: db)
                try finish(&storing)
            } catch {
                _ = ahead?.wait()  // no signing outlives the transaction
                throw error
            }
            if let refusal {
                _ = ahead?.wait()
                return .refused(folding, index: refusal.index, reason: refusal.reason)
            }
            storing = Storing(folding, in: log, after: options.beforeStoring)
            guard let ahead else { return nil }
            folding = try ahead.wait().get()
        }
    }

    /// ``GraphStore/firstRefusal(of:log:allowNegative:provisional:in:)`` inside a savepoint,
    /// kept if every payload is accepted.
    private func check(_ prepared: PreparedAppend, provisional: ProvisionalRecords, in db: Database) throws -> (index: Int, reason: String)? {
        var refusal: (index: Int, reason: String)?
        try db.inSavepoint {
            refusal = try GraphStore.firstRefusal(of: prepared, log: log, allowNegative: allowNegative, provisional: provisional, in: db)
            return refusal == nil ? .commit : .rollback
        }
        return refusal
    }
}
