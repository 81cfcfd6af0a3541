import Foundation
import GRDB
import VFLog

/// The economic graph derived from a node's log, materialised in `HOME/graph.sqlite`.
///
/// The tables always hold ``Derivation/derive(_:)`` of the entries up to each feed's cursor,
/// whoever wrote them: the cursors identify the state, because a feed only grows. They are a
/// cache: ``rebuild(from:)`` recomputes them from the log alone, and gives the same rows.
///
/// An update writes only the rows that changed, found by comparing row states
/// (``GraphRows``): against the state this store last wrote or read when the tables are still
/// at its cursors (a long-lived node), else against the rows read back from the tables (a fresh
/// process, or another process wrote in between). Either base is exact, so the tables stay
/// equal to a rebuild.
///
/// A store keeps a ``GraphBuilder`` for its lifetime, so a long-running node folds new entries
/// onto what it has. A fresh process whose tables are current never derives: ``graph(from:)``
/// loads the graph from the tables.
///
/// Not thread-safe: use one store from one thread or serial queue at a time (``LiveGraph``
/// does this for a running node). Several processes may share one file.
public final class GraphStore {
    public let path: String
    private let pool: DatabasePool
    private var builder = GraphBuilder()
    /// The last sequence of each feed inserted into `builder`.
    private var loaded: [FeedID: UInt64] = [:]
    /// The graph this store last wrote or read, at the cursors it was written or read at: the
    /// base of the next diff while the stored cursors still equal `view.cursors`.
    private var view: View?

    private struct View {
        let cursors: [FeedID: UInt64]
        let graph: EconomicGraph
        /// The row states of `graph`, once something needed them: a rebuild leaves them to the
        /// next update (``GraphRows``), which a `vf graph rebuild` never makes.
        var rows: GraphRows?
    }

    /// How many times this store derived the graph from the log (inserted entries into its
    /// builder), for tests and diagnostics: a command answered from the tables derives nothing.
    public private(set) var derivations = 0

    /// Where the time of the last ``rebuild(from:)`` went.
    public private(set) var lastRebuild: RebuildTimings?

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
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try GraphSchema.migrator.migrate(pool)
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
    /// - Returns: what changed since the graph this store last wrote or read; the rows written
    ///   when it has none. Empty, having derived and written nothing, when the tables already
    ///   hold every entry of the log.
    @discardableResult
    public func update(from log: LogStore) throws -> GraphChanges {
        let heads = try headSequences(log)
        let stored = try storedCursors()
        if stored == heads && (view == nil || view?.cursors == heads) { return GraphChanges() }
        try catchUp(log, heads: heads)
        return try write()
    }

    /// Forgets everything derived and recomputes the tables from the log alone, emptying them
    /// and inserting every row. Every object of the new graph is reported as changed.
    ///
    /// Both cores work throughout. Pages of the log are decoded and catalogued on one while the
    /// other reads. Then the tables are written on one while the other derives: first the
    /// processes and specifications, which the catalogue decides, while the events are
    /// resolved and ordered; then every event's row as the fold plans it (``FoldPlan``) while
    /// the fold runs; then the rest, and the few event rows the fold decided otherwise, while
    /// the other core lists the changes. The row states the next update diffs against are left
    /// to that update. The write lock is held from the end of the catalogue to the commit, so
    /// another process's write waits for the derivation too.
    @discardableResult
    public func rebuild(from log: LogStore) throws -> GraphChanges {
        builder = GraphBuilder()
        loaded = [:]
        view = nil
        var timings = RebuildTimings()
        let start = RebuildTimings.now()
        _ = try catalogue(log, heads: try headSequences(log))
        let catalogued = builder.catalogued
        let planned = Handoff<FoldPlan>(), derived = Handoff<(EconomicGraph, [FeedID: UInt64], [EntryID])>()
        let write = OverlappedWrite(pool, giveUp: { planned.send(nil); derived.send(nil) }) { db in
            try GraphTableWriter.clear(db)
            try GraphSchema.dropIndexes(db)
            try GraphTableFiller.fillCatalogued(catalogued, in: db)
            guard let plan = planned.receive() else { return false }
            try GraphTableFiller.fillPlanned(plan, in: db)
            guard let (graph, cursors, unplanned) = derived.receive() else { return false }
            try GraphTableFiller.fillDerived(graph, cursors: cursors, unplanned: unplanned, in: db)
            try GraphSchema.createIndexes(db)
            return true
        }
        let unplanned = builder.refoldAll(plan: { planned.send($0) })
        let folded = RebuildTimings.now()
        timings.readAndDerive = folded - start
        let graph = builder.graph, cursors = loaded
        derived.send((graph, cursors, unplanned))
        // Every object is new; listed on the other core while the writer finishes.
        let everything = BackgroundValue { GraphChanges(everythingIn: graph, cursors: cursors) }
        try write.finish()
        let written = RebuildTimings.now()
        timings.writeTables = written - folded
        let changes = everything.wait()
        timings.waitForChanges = RebuildTimings.now() - written
        self.view = View(cursors: cursors, graph: graph)
        lastRebuild = timings
        return changes
    }

    /// The whole derived graph, up to date with the log: read from the tables when they hold
    /// every entry of the log, else derived, with the changed rows written first.
    public func graph(from log: LogStore) throws -> EconomicGraph {
        let heads = try headSequences(log)
        if let view, view.cursors == heads, try storedCursors() == heads { return view.graph }
        if loaded.isEmpty, let tables = try tablesGraph(ifCursorsAre: heads, log: log) { return tables }
        try catchUp(log, heads: heads)
        try write()
        return builder.graph
    }

    /// The builder holding every entry of the log, for checks that fold entries of their own
    /// onto the graph (``PublishCheck``). This always derives; the tables are not written.
    public func builder(from log: LogStore) throws -> GraphBuilder {
        let heads = try headSequences(log)
        try catchUp(log, heads: heads)
        // Same cursors, same entries, same graph: if the tables are at these cursors they hold
        // this graph, and the update after a publish can diff against it without reading them.
        if view?.cursors != loaded, try storedCursors() == loaded {
            view = View(cursors: loaded, graph: builder.graph)
        }
        return builder
    }

    /// The last sequence folded into the tables, for each feed.
    public func cursors() throws -> [FeedID: UInt64] { try storedCursors() }

    /// Whether the tables hold every entry `log` holds, so reading them needs no derivation.
    public func isCurrent(with log: LogStore) throws -> Bool {
        try storedCursors() == headSequences(log)
    }

    /// The graph this store last wrote or read from the tables, and the cursors it is at.
    var lastGraph: EconomicGraph? { view?.graph }
    var lastCursors: [FeedID: UInt64]? { view?.cursors }

    /// Every row of every table, as text, in a stable order: for tests and diagnostics.
    func tableContents() throws -> [String: [[String]]] {
        try pool.read { db in
            var result = [String: [[String]]]()
            for table in GraphSchema.derivedTables + ["cursor"] {
                result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in
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

    private func storedCursors() throws -> [FeedID: UInt64] {
        try pool.read(GraphTableReader.cursors)
    }

    /// The graph the tables hold, when their cursors are `heads`; read in one transaction so a
    /// concurrent writer cannot mix two states. The payloads come from `log`, up to `heads`:
    /// entries below a head never change. Nil also when a row's payload was dropped from the log.
    private func tablesGraph(ifCursorsAre heads: [FeedID: UInt64], log: LogStore) throws -> EconomicGraph? {
        guard try storedCursors() == heads else { return nil }
        var records = [EntryID: EntryRecord]()
        for (feed, head) in heads {
            for record in try log.records(author: feed, in: 1...head) { records[record.id] = record }
        }
        let graph: EconomicGraph?
        do {
            graph = try pool.read { db -> EconomicGraph? in
                guard try GraphTableReader.cursors(db) == heads else { return nil }
                return try GraphTableReader.graph(db, records: { records[$0] })
            }
        } catch is PayloadNotHeld {
            return nil
        }
        if let graph { view = View(cursors: heads, graph: graph) }
        return graph
    }

    /// Inserts into the builder every entry up to `heads` it does not hold yet, all at once so
    /// the builder re-folds at most once.
    private func catchUp(_ log: LogStore, heads: [FeedID: UInt64]) throws {
        builder.settle(try catalogue(log, heads: heads))
    }

    /// The first half of ``catchUp(_:heads:)``: reads and catalogues every entry up to `heads`
    /// the builder does not hold yet, and returns them for ``GraphBuilder/settle(_:)``.
    ///
    /// Each page is decoded and catalogued on other threads while the next is read
    /// (``CataloguePipeline``). If a read throws, the builder is emptied (what it catalogued
    /// was never settled) and the next catch-up starts over.
    private func catalogue(_ log: LogStore, heads: [FeedID: UInt64]) throws -> [GraphEntry] {
        // A feed that shrank or vanished (a blocked feed deleted) cannot be unfolded: start over.
        if loaded.contains(where: { feed, sequence in sequence > heads[feed] ?? 0 }) {
            builder = GraphBuilder()
            loaded = [:]
        }
        let pipeline = CataloguePipeline(builder)
        builder = GraphBuilder()  // the pipeline holds the only copy, so it never copies the tables
        // The cursors move only once the entries are in the builder: a read that throws
        // half-way must not leave a feed counted as loaded.
        var reached = loaded
        do {
            for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
                var next = (loaded[feed] ?? 0) + 1
                while next <= head {
                    let page = try log.records(author: feed, in: next...head, limit: 2000)
                    guard let last = page.last else { break }
                    pipeline.submit(page)
                    next = last.sequence + 1
                }
                reached[feed] = min(head, next - 1)
            }
        } catch {
            _ = pipeline.finish()
            loaded = [:]
            throw error
        }
        let (builder, fresh) = pipeline.finish()
        self.builder = builder
        loaded = reached
        if !fresh.isEmpty { derivations += 1 }
        return fresh
    }

    /// Writes the rows where the builder's graph differs from the tables.
    @discardableResult
    private func write() throws -> GraphChanges {
        let graph = builder.graph
        let rows = GraphRows(graph, cursors: loaded)
        let previous = view.map { $0.rows ?? GraphRows($0.graph, cursors: $0.cursors) }
        var reported = GraphChanges()
        try writeTransaction { db in
            let stored = try GraphTableReader.cursors(db)
            // The rows this store knows are the tables' rows only while the cursors say so.
            let base: GraphRows
            if let previous, previous.cursors == stored { base = previous } else { base = try GraphTableReader.rows(db) }
            let diff = GraphRowsDiff(from: base, to: rows)
            try GraphTableWriter.apply(diff, graph: graph, rows: rows, in: db)
            reported = previous.map { $0.cursors == stored ? diff : GraphRowsDiff(from: $0, to: rows) }?
                .changes(cursors: rows.cursors) ?? diff.changes(cursors: rows.cursors)
        }
        // The rows hold no breadcrumbs: compare those of the graph this store knew, if any.
        if let before = view?.graph { reported.events.formUnion(GraphRows.movedBreadcrumbs(from: before, to: graph)) }
        view = View(cursors: rows.cursors, graph: graph, rows: rows)
        return reported
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, for writes outside update and rebuild.
    /// The store's own view of the tables stays valid only while the cursors it holds match.
    func writeImmediately(_ body: (Database) throws -> Void) throws {
        try writeTransaction(body)
    }

    private func writeTransaction(_ body: (Database) throws -> Void) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try body(db)
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
