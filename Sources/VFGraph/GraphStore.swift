import Foundation
import GRDB
import VFLog

/// The economic graph derived from a node's log, materialised in `HOME/graph.sqlite`.
///
/// The tables always describe ``Derivation/derive(_:)`` of the entries up to each feed's
/// cursor. They are a cache: ``rebuild(from:)`` recomputes them from the log alone.
///
/// A store keeps a ``GraphBuilder`` for its lifetime, so a long-running node folds new entries
/// onto what it has; a short-lived process loads the log once, the first time something
/// changed or the graph itself is asked for. When no feed has grown since the tables were
/// written, ``update(from:)`` only compares the cursors with the feed heads.
public final class GraphStore {
    public let path: String
    private let queue: DatabaseQueue
    private var builder = GraphBuilder()
    /// The last sequence of each feed inserted into `builder`.
    private var loaded: [FeedID: UInt64] = [:]

    /// Opens (creating if needed) the graph store at `path` and brings its schema up to date.
    public init(path: String) throws(GraphStoreError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try GraphSchema.migrator.migrate(queue)
        } catch {
            throw GraphStoreError("cannot open \(path): \(error)")
        }
    }

    /// The graph store of a node home: `HOME/graph.sqlite`.
    public convenience init(home: NodeHome) throws(GraphStoreError) {
        try self.init(path: home.path + "/graph.sqlite")
    }

    /// Folds in the entries the tables do not describe yet, and rewrites the tables in one
    /// transaction. Returns false, having written nothing, when every cursor already equals
    /// its feed's head.
    @discardableResult
    public func update(from log: LogStore) throws -> Bool {
        let heads = try headSequences(log)
        guard try cursors() != heads else { return false }
        try catchUp(log, heads: heads)
        try write()
        return true
    }

    /// Forgets everything derived and recomputes the tables from the log alone.
    public func rebuild(from log: LogStore) throws {
        builder = GraphBuilder()
        loaded = [:]
        try catchUp(log, heads: try headSequences(log))
        try write()
    }

    /// The whole derived graph, up to date with the log (and the tables brought up to date too).
    public func graph(from log: LogStore) throws -> EconomicGraph {
        let heads = try headSequences(log)
        try catchUp(log, heads: heads)
        if try cursors() != heads { try write() }
        return builder.graph
    }

    /// The builder holding every entry of the log, for checks that fold entries of their own
    /// onto the graph (``PublishCheck``).
    public func builder(from log: LogStore) throws -> GraphBuilder {
        _ = try graph(from: log)
        return builder
    }

    /// The last sequence folded into the tables, for each feed.
    public func cursors() throws -> [FeedID: UInt64] {
        try queue.read { db in
            var result = [FeedID: UInt64]()
            for row in try Row.fetchAll(db, sql: "SELECT feed, sequence FROM cursor") {
                let text: String = row["feed"]
                guard let feed = try? FeedID(parsing: text) else { throw GraphStoreError("malformed cursor row for \(text)") }
                result[feed] = UInt64(row["sequence"] as Int64)
            }
            return result
        }
    }

    /// Every row of every derived table, as text, in a stable order: for tests and diagnostics.
    func tableContents() throws -> [String: [[String]]] {
        try queue.read { db in
            var result = [String: [[String]]]()
            for table in GraphSchema.derivedTables + ["cursor"] {
                result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { row in
                    row.databaseValues.map { String.fromDatabaseValue($0) ?? $0.description }
                }
            }
            return result
        }
    }

    /// Runs `body` in a read transaction of the graph database.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    // MARK: private

    private func headSequences(_ log: LogStore) throws -> [FeedID: UInt64] {
        Dictionary(uniqueKeysWithValues: try log.feeds().map { ($0.author, $0.sequence) })
    }

    /// Inserts into the builder every entry up to `heads` it does not hold yet, all at once so
    /// the builder re-folds at most once.
    private func catchUp(_ log: LogStore, heads: [FeedID: UInt64]) throws {
        // A feed that shrank or vanished (a blocked feed deleted) cannot be unfolded: start over.
        if loaded.contains(where: { feed, sequence in sequence > heads[feed] ?? 0 }) {
            builder = GraphBuilder()
            loaded = [:]
        }
        var fresh = [GraphEntry]()
        for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
            var next = (loaded[feed] ?? 0) + 1
            while next <= head {
                let page = try log.records(author: feed, in: next...head, limit: 2000)
                guard let last = page.last else { break }
                // Entries are verified as they enter the log.
                fresh += page.map { GraphEntry($0, verified: true) }
                next = last.sequence + 1
            }
            loaded[feed] = min(head, next - 1)
        }
        builder.insert(fresh)
    }

    private func write() throws {
        let graph = builder.graph, cursors = loaded
        try queue.inTransaction(.immediate) { db in
            try GraphTableWriter.replace(with: graph, cursors: cursors, in: db)
            return .commit
        }
    }
}

/// The graph store could not be opened or read.
public struct GraphStoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
