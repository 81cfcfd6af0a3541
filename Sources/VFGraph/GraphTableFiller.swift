import GRDB
import GRDBSQLite
import VFLog

/// Writes a whole graph into empty tables, for a rebuild, in three parts: what the catalogue
/// decides, every event's row as the fold plans it, and what the fold decided.
///
/// Against empty tables every row is an insert, so there is nothing to compare: this streams
/// rows from the graph into prepared statements without the row states and diff an update
/// needs (``GraphRows``, ``GraphRowsDiff``), which cost a tenth of the rebuild's writing. Ids
/// are bound from fixed slots without a copy (SQLITE_STATIC), and each table is filled in key order (``ByteOrder``) so its b-tree only
/// grows at its right edge. The rows are the ones ``GraphTableWriter`` writes for the same graph.
enum GraphTableFiller {
    /// Inserts the rows of the tables the catalogue alone decides, processes and resource
    /// specifications, from `catalogue` (``GraphBuilder/catalogued``); the tables must be empty.
    /// A rebuild writes these while it resolves and folds the events.
    static func fillCatalogued(_ catalogue: EconomicGraph, in db: Database) throws {
        let slots = IDSlots(count: 1)
        defer { slots.deallocate() }

        /// A table of entry ids.
        func fillIDs<Value>(_ table: String, _ rows: [EntryID: Value]) throws {
            let insert = try RawStatement(db, "INSERT INTO \(table) (id) VALUES (?)")
            for index in ByteOrder.sortedIndices(rows, by: \.hash) {
                slots.bind(insert, 1, rows.keys[index].hash, slot: 0)
                try insert.run()
            }
        }
        try fillIDs("process", catalogue.processes)
        try fillIDs("resourceSpecification", catalogue.specifications)
    }

    /// Inserts every event's row as the fold plans it (``FoldPlan``), before the fold has run;
    /// the table must be empty.
    static func fillPlanned(_ plan: FoldPlan, in db: Database) throws {
        let event = try RawStatement(db, GraphTableWriter.insertEvent)
        let rows = plan.rows
        for index in ByteOrder.sortedIndices(rows, by: \.id.hash) {
            GraphTableWriter.bindEvent(rows[index].id, rows[index].row, to: event)
            GraphTableWriter.bindLookups(rows[index].lookups, to: event)
            try event.run()
        }
    }

    /// Inserts every other row of `graph` and the `cursors`, and rewrites the `unplanned`
    /// event rows, those the fold decided otherwise than ``fillPlanned(_:in:)`` wrote them.
    static func fillDerived(_ graph: EconomicGraph, cursors: [FeedID: UInt64], unplanned: [EntryID], in db: Database) throws {
        let slots = IDSlots(count: 2)
        defer { slots.deallocate() }

        let cursor = try RawStatement(db, "INSERT INTO cursor (feed, sequence) VALUES (?, ?)")
        for (feed, sequence) in cursors {
            slots.bind(cursor, 1, feed.key, slot: 0)
            cursor.bind(2, Int64(sequence))
            try cursor.run()
        }

        try GraphTableWriter.updateEvents(unplanned, rows: { EventRow(graph.events[$0]!) }, in: db)

        let agent = try RawStatement(db, "INSERT INTO agent (id, answeredBy, describedBy) VALUES (?, ?, ?)")
        for (id, a) in graph.agents {
            agent.bind(1, id.description)
            slots.bind(agent, 2, a.answeredBy.key, slot: 0)
            slots.bind(agent, 3, a.describedBy?.hash, slot: 1)
            try agent.run()
        }

        let resource = try RawStatement(db, """
            INSERT INTO resource (id, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                                  primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for index in ByteOrder.sortedIndices(graph.resources, by: \.hash) {
            let r = graph.resources.values[index]
            GraphTableWriter.bindResource(r, to: resource)
            try resource.run()
        }

        let rejected = try RawStatement(db, "INSERT INTO rejected (id, status, reason) VALUES (?, ?, ?)")
        for index in ByteOrder.sortedIndices(graph.rejected, by: \.hash) {
            let (id, status) = graph.rejected[index]
            slots.bind(rejected, 1, id.hash, slot: 0)
            rejected.bind(2, status.code)
            rejected.bind(3, status.reason ?? "")
            try rejected.run()
        }
    }
}

/// Memory for the ids of one row, bound with SQLITE_STATIC: each id is copied into its slot,
/// which stays unchanged until the statement has run, instead of SQLite allocating a copy of
/// every id of every row (SQLITE_TRANSIENT).
private struct IDSlots {
    private let base: UnsafeMutableRawPointer

    init(count: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: 32 * count, alignment: 8)
    }

    func deallocate() { base.deallocate() }

    /// Binds `hash` (NULL when nil) at `index` from slot `slot`, which no other column of the row uses.
    func bind(_ statement: RawStatement, _ index: Int32, _ hash: Hash32?, slot: Int) {
        guard let hash else { sqlite3_bind_null(statement.handle, index); return }
        let pointer = base + 32 * slot
        pointer.storeBytes(of: hash, as: Hash32.self)
        sqlite3_bind_blob(statement.handle, index, pointer, 32, nil)
    }
}
