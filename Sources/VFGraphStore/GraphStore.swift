import VFGraph
import Foundation
import GRDB
import VFLog

/// The economic graph derived from a node's log, materialised in `HOME/graph.sqlite`.
///
/// The tables always hold ``Derivation/derive(_:)`` of the entries up to each feed's cursor,
/// whoever wrote them: the cursors identify the state, because a feed only grows. They are a
/// cache: ``rebuild(from:)`` recomputes them from the log alone, and gives the same rows (but
/// for the numbers of resources and processes, `itemKey`, which it keeps, deleting those no row holds).
///
/// An update (``update(from:)``) derives only what the new entries change (``GraphUpdate``):
/// it reads the rows of what they name from the tables, and writes the rows that changed, in
/// one transaction. Nothing is kept in memory between updates, so several processes may
/// share one file, and a node holds no copy of the graph.
///
/// Not thread-safe for writing: update from one thread or serial queue at a time
/// (``LiveGraph`` does this for a running node). Readers (``reader(log:)``) may read from any thread.
public final class GraphStore {
    public let path: String
    private let pool: DatabasePool

    /// How many times this store derived anything (folded new entries into the tables), for
    /// tests and diagnostics: a command answered from the tables derives nothing.
    public internal(set) var derivations = 0

    /// Where the time of the last ``rebuild(from:)`` went.
    public private(set) var lastRebuild: RebuildTimings?

    /// What the last ``update(from:)`` touched, when it derived incrementally (not a rebuild).
    public private(set) var lastUpdateWork: UpdateWork?

    /// The cursors this store last saw the tables at, to tell when another process moved them.
    var lastSeen: [FeedID: UInt64]?

    /// The memory, in bytes, a derivation of the whole graph in memory may count on
    /// (``RebuildMemory``): what the system has available when asked; nil when it does not say.
    public var availableMemory: @Sendable () -> Int? = RebuildMemory.available

    /// How ``rebuild(from:mode:)`` derives the graph.
    public enum RebuildMode: Sendable {
        /// Everything at once in memory, then written in one transaction: fastest.
        case inMemory
        /// From empty tables, as updates of at most ``GraphStore/entriesPerTransaction``
        /// entries each: the same rows, in bounded memory.
        case inSteps
    }

    /// Opens (creating if needed) the graph store at `path` and brings its schema up to date.
    public init(path: String) throws(GraphStoreError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Derived data: after a crash the tables may lose their last transactions but never
            // their consistency (rows and cursors commit together), and a rebuild restores all.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A rebuild writes tens of megabytes in one transaction: 64 MiB of page cache (used
            // only as needed) keeps SQLite from spilling dirty pages to the WAL half-way.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // As the log: checkpoint every 64 MB of WAL, not every 4 MB. A batch of a thousand
            // events dirties more than 4 MB of pages scattered over the tables, so each batch
            // would checkpoint (and sync the file); pages two batches share are written once.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
        }
        do {
            pool = try DatabasePool.openShared(path: path, configuration: config)
            try GraphSchema.migrator.migrateShared(pool)
        } catch {
            throw GraphStoreError("cannot open \(path): \(error)")
        }
    }

    /// The graph store of a node home: `HOME/graph.sqlite`.
    public convenience init(home: NodeHome) throws(GraphStoreError) {
        try self.init(path: home.path + "/graph.sqlite")
    }

    /// Folds in the entries the tables do not describe yet and writes the rows that changed,
    /// in one `BEGIN IMMEDIATE` transaction.
    ///
    /// - Returns: what this update changed. When the tables already hold every entry of the
    ///   log it derives and writes nothing; if another process moved them since this store
    ///   last looked, only the cursors are reported, so a listener knows to read again.
    @discardableResult
    public func update(from log: LogStore) throws -> GraphChanges {
        try update(from: log, entriesPerTransaction: entriesPerStep)
    }

    /// The most new entries one transaction of an update, or of a rebuild in steps, folds:
    /// ``entriesPerTransaction``, smaller in tests.
    var entriesPerStep = GraphStore.entriesPerTransaction

    /// The most entries a rebuild derives in memory: ``RebuildMemory/mostEntries``, smaller in tests.
    var mostEntriesInMemory = RebuildMemory.mostEntries
    /// How many numbers past twice what the log names a rebuild in memory still reads in one
    /// pass (``GraphTableWriter/number(_:slack:)``); less in tests, to take the other way.
    var numbersSlack: Int64 = 1024
    /// How many recent ids `itemKey` holds at most after a write transaction (v19); less in tests.
    var recentNumbersMost = GraphSchema.itemKeysRecentMost

    /// ``update(from:)``, folding at most `entriesPerTransaction` new entries per transaction.
    @discardableResult
    func update(from log: LogStore, entriesPerTransaction: Int) throws -> GraphChanges {
        let heads = try headSequences(log)
        if try storedCursors() == heads {
            defer { lastSeen = heads }
            guard let lastSeen, lastSeen != heads else { return GraphChanges() }
            var moved = GraphChanges()
            for (feed, sequence) in heads where lastSeen[feed] != sequence { moved.cursors[feed] = sequence }
            return moved
        }
        defer { lastSeen = try? storedCursors() }
        // Tables that hold nothing yet, or a log that more than doubled: deriving everything at
        // once is the same graph, sooner.
        let stored = try storedCursors()
        let held = stored.values.reduce(0, +)
        let new = heads.reduce(0) { $0 + $1.value - min(stored[$1.key] ?? 0, $1.value) }
        // A feed that shrank or vanished (a blocked feed deleted) cannot be unfolded: start over.
        let shrank = stored.contains { feed, sequence in sequence > heads[feed] ?? 0 }
        if shrank || ((held == 0 || new > held) && fitsInMemory(heads)) {
            // (When it does not fit, the update goes on in steps from where the tables stand,
            // which is what a rebuild in steps does after emptying them.) Once decided here,
            // the mode is not decided again; a log that shrank decides its own.
            lastUpdateWork = nil
            return try rebuild(from: log, mode: shrank ? nil : .inMemory)
        }
        let (changes, work, _) = try foldInSteps(from: log, to: heads, entriesPerTransaction: entriesPerTransaction)
        lastUpdateWork = work
        if !changes.isEmpty { derivations += 1 }
        return changes
    }

    /// Folds the entries between the tables' cursors and `heads` into the tables, at most
    /// `entriesPerTransaction` per transaction; returns what changed, the work, and how many
    /// transactions wrote.
    private func foldInSteps(from log: LogStore, to heads: [FeedID: UInt64],
                             entriesPerTransaction: Int) throws -> (changes: GraphChanges, work: UpdateWork, steps: Int) {
        var changes = GraphChanges()
        var work = UpdateWork()
        var steps = 0
        while true {
            var done = true
            try writeTransaction { db in
                // Read again inside the transaction: another process may have written meanwhile,
                // perhaps further than the heads read above; a cursor never moves back.
                let cursors = try GraphTableReader.cursors(db)
                let target = Self.chunk(from: cursors, to: heads, at: entriesPerTransaction)
                guard target != cursors else { return }
                var update = GraphUpdate(db: db, log: log, cursors: cursors, heads: target)
                // The payloads it reads by id, from one snapshot of the log.
                changes.formUnion(try log.readingInOneTransaction { try update.run() })
                work.settled += update.work.settled
                work.settlingPasses += update.work.settlingPasses
                work.folded += update.work.folded
                work.entriesRead += update.work.entriesRead
                work.placesRead += update.work.placesRead
                steps += 1
                done = target == heads.merging(cursors, uniquingKeysWith: max)
            }
            if done { break }
        }
        return (changes, work, steps)
    }

    /// Whether the log up to `heads` may be derived in memory (``RebuildMemory``).
    private func fitsInMemory(_ heads: [FeedID: UInt64]) -> Bool {
        RebuildMemory.fitsInMemory(entries: Self.entryCount(heads), available: availableMemory())
    }

    /// How many entries the feeds hold up to `heads` (each feed holds 1...head), saturating.
    static func entryCount(_ heads: [FeedID: UInt64]) -> Int {
        heads.values.reduce(0) { total, head in
            let (sum, overflow) = total.addingReportingOverflow(Int(clamping: head))
            return overflow ? .max : sum
        }
    }

    /// The most new entries one update transaction folds: a peer's burst of a hundred thousand
    /// becomes several transactions, so another process's write waits for one of them (its
    /// busy timeout is 10 s), not for all.
    static let entriesPerTransaction = 20_000

    /// Heads to bring `cursors` towards `heads` by at most `limit` entries, feed by feed in
    /// id order; a cursor already past its head stays where it is.
    static func chunk(from cursors: [FeedID: UInt64], to heads: [FeedID: UInt64], at limit: Int) -> [FeedID: UInt64] {
        var target = cursors
        var room = UInt64(limit)
        for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
            let cursor = cursors[feed] ?? 0
            guard head > cursor, room > 0 else { continue }
            let step = min(head - cursor, room)
            target[feed] = cursor + step
            room -= step
        }
        return target
    }

    /// Forgets everything derived and recomputes the tables from the log alone: in memory when
    /// that fits in the memory available (``RebuildMemory``), else in steps; `mode` chooses.
    /// Returns what changed: in memory, every object of the new graph; in steps, every object
    /// a step derived.
    @discardableResult
    public func rebuild(from log: LogStore, mode: RebuildMode? = nil) throws -> GraphChanges {
        let heads = try headSequences(log)
        // Past ``RebuildMemory/mostEntries`` a derivation's places could overflow: in steps, whatever was asked.
        let chosen = Self.entryCount(heads) > mostEntriesInMemory ? .inSteps : mode ?? (fitsInMemory(heads) ? .inMemory : .inSteps)
        switch chosen {
        case .inMemory:
            // After the derivation's memory is freed, at the return; when it was large enough
            // to matter (a hundred thousand entries take about 300 MB).
            defer { if Self.entryCount(heads) >= 100_000 { FreedMemory.handBack() } }
            return try rebuildInMemory(from: log, heads: heads)
        case .inSteps:
            var timings = RebuildTimings()
            let start = RebuildTimings.now()
            try writeTransaction { db in try GraphTableWriter(db).clear() }
            let (changes, _, steps) = try foldInSteps(from: log, to: heads, entriesPerTransaction: entriesPerStep)
            // A hundred thousand numbers a transaction, so other writers wait no longer than for a
            // step: as many transactions as there are numbers, not as the greatest number is high.
            var first: Int64 = 1
            while let last = try read({ db in
                try Int64.fetchOne(db, sql: "SELECT max(n) FROM (SELECT n FROM itemKey WHERE n >= ? ORDER BY n LIMIT 100000)", arguments: [first])
            }) {
                try writeTransaction { db in try GraphTableWriter(db).pruneNumbers(in: first ... last) }
                first = last + 1
            }
            timings.steps = steps
            timings.fill = RebuildTimings.now() - start
            timings.residentAfterFill = RebuildTimings.residentMB()
            timings.residentPeak = RebuildTimings.peakResidentMB()
            lastRebuild = timings
            derivations += 1
            return changes
        }
    }

    /// ``rebuild(from:mode:)`` in memory. The log is read and catalogued a page at a time, on
    /// every core (``CataloguePipeline``); the graph is derived in memory; then the tables are
    /// emptied and filled in one transaction, with their indexes made once at the end.
    private func rebuildInMemory(from log: LogStore, heads: [FeedID: UInt64]) throws -> GraphChanges {
        var timings = RebuildTimings()
        let start = RebuildTimings.now()
        // Room for every entry at once, up to a bound that only a log of tens of millions reaches.
        let pipeline = CataloguePipeline(Derivation(), entries: min(Self.entryCount(heads), 1 << 26))
        for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
            var next: UInt64 = 1
            while next <= head {
                let page = try log.records(author: feed, in: next...head, limit: 2000)
                guard let last = page.last else { break }
                pipeline.submit(page)
                next = last.sequence + 1
            }
        }
        var derivation = pipeline.finish()
        derivation.forgotten = ForgottenPayloads(try log.forgottenEntries())
        var mark = RebuildTimings.now()
        func lap() -> Double {
            let now = RebuildTimings.now()
            defer { mark = now }
            return now - mark
        }
        timings.readAndCatalogue = mark - start
        timings.residentAfterCatalogue = RebuildTimings.residentMB()
        let resolution = derivation.resolve()
        timings.resolve = lap()
        let outcome = derivation.resolveAndFold(resolution, recordHistory: true)
        timings.fold = lap()
        timings.residentAfterFold = RebuildTimings.residentMB()
        let rows = DerivedRows(derivation, resolution, outcome)
        try writeTransaction { db in
            let writer = GraphTableWriter(db)
            try writer.refill(rows, cursors: heads, numbersSlack: numbersSlack)
            timings.fill = lap()
            timings.residentAfterFill = RebuildTimings.residentMB()
            try GraphSchema.createIndexes(db)
            try writer.pruneNumbers()
            timings.indexes = lap()
        }
        timings.commit = lap()
        timings.residentPeak = RebuildTimings.peakResidentMB()
        lastRebuild = timings
        derivations += 1
        return GraphChanges(everythingIn: outcome.graph, cursors: heads)
    }

    /// The whole derived graph, up to date with the log, read back from the tables: for
    /// exporting everything, and for tests. Answering about one item needs ``reader(log:)``.
    public func graph(from log: LogStore) throws -> EconomicGraph {
        try update(from: log)
        let heads = try headSequences(log)
        var records = [EntryID: EntryRecord]()
        for (feed, head) in heads {
            for record in try log.records(author: feed, in: 1...head) { records[record.id] = record }
        }
        do {
            return try pool.read { db in try GraphTableReader.graph(db, records: { records[$0] }) }
        } catch is PayloadNotHeld {
            // The log dropped a payload the tables name: they describe a graph it cannot give
            // any more. Derive what it holds now, as a rebuild does, and read that.
            try rebuild(from: log)
            return try pool.read { db in try GraphTableReader.graph(db, records: { records[$0] }) }
        }
    }

    /// The last sequence folded into the tables, for each feed.
    public func cursors() throws -> [FeedID: UInt64] { try storedCursors() }

    /// Whether the tables hold every entry `log` holds, so reading them needs no derivation.
    public func isCurrent(with log: LogStore) throws -> Bool {
        try storedCursors() == headSequences(log)
    }

    /// Every row of every table, as text, in a stable order: for tests and diagnostics. A
    /// resource or process number (v16) is given as the id it numbers, since an update numbers resources
    /// as they arrive and a rebuild as it finds them; the numbers themselves are not derived
    /// (a rebuild keeps them), so not listed.
    func tableContents() throws -> [String: [[String]]] {
        // A number no `itemKey` row gives reads as such, not as NULL.
        func id(_ column: String) -> String {
            "coalesce(\(GraphSchema.itemID(column)), CASE WHEN \(column) IS NULL THEN NULL ELSE 'no itemKey row: ' || \(column) END)"
        }
        let numbered = [
            "resource": "SELECT \(id("resource.n")), name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity, "
                + "primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy FROM resource",
            "history": "SELECT \(id("history.resource")), ord, event, applied, unit, accountingQuantity, onhandQuantity, "
                + "primaryAccountable, holder, currentLocation, containedIn, stage, state FROM history",
            "event": "SELECT id, author, sequence, status, reason, root, waitsFor, ord, \(id("event.container")), \(id("event.fromResource")), "
                + "\(id("event.toResource")), \(id("event.inputOf")), \(id("event.outputOf")), corrects, \(id("event.creates")), corrected FROM event",
            "process": "SELECT \(id("process.n")) FROM process",
        ]
        return try pool.read { db in
            var result = [String: [[String]]]()
            for table in GraphSchema.derivedTables + ["cursor"] {
                result[table] = try Row.fetchAll(db, sql: numbered[table] ?? "SELECT * FROM \(table)").map { row in
                    row.databaseValues.map { value in
                        if case let .blob(data) = value.storage { return "x'" + [UInt8](data).hexString + "'" }
                        return String.fromDatabaseValue(value) ?? value.description
                    }
                }.sorted { $0.lexicographicallyPrecedes($1) }
            }
            return result
        }
    }

    /// The connection pool, for readers (``GraphReader``), which only read.
    var readPool: DatabasePool { pool }

    /// Runs `body` in a read transaction of the graph database.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    // MARK: private

    private func headSequences(_ log: LogStore) throws -> [FeedID: UInt64] {
        Dictionary(uniqueKeysWithValues: try log.feeds().map { ($0.author, $0.sequence) })
    }

    func storedCursors() throws -> [FeedID: UInt64] {
        try pool.read(GraphTableReader.cursors)
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction that is always rolled back.
    func writeAndRollBack(_ body: (Database) throws -> Void) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try body(db)
                return .rollback
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, settles the numbers of ids
    /// (``GraphTableWriter/settleNumbers(most:)``), then runs `last` (what must happen only
    /// once nothing in the graph's transaction can fail but its commit: a publish's log
    /// commit, or waiting for the last batch a pipeline stores), and commits.
    func writeTransaction(_ body: (Database) throws -> Void, last: () throws -> Void = {}) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try body(db)
                try GraphTableWriter(db).settleNumbers(most: recentNumbersMost)
                try last()
                return .commit
            }
        }
    }
}

/// The graph store could not be opened or read.
public struct GraphStoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
