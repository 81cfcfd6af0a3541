import GRDB
import VFLog

/// Writes the rows of ``GraphSchema`` that differ between two states of the tables.
///
/// The derivation is a function of the set of entries, so a late entry can change rows far
/// from itself; the caller finds them by comparing row states (``GraphRowsDiff``) and this
/// writes exactly those: an insert for a new key, an update of the derived columns for a
/// changed one, a delete for one that is gone. Rows are bound through SQLite's C API and inserted in key order (``ByteOrder``): a rebuild then appends to each
/// table's b-tree, which halved its cost against inserting in hash-table order.
enum GraphTableWriter {
    /// Applies `diff`, taking new rows from `graph`.
    static func apply(_ diff: GraphRowsDiff, graph: EconomicGraph, rows: GraphRows, in db: Database) throws {

        if !diff.cursors.isEmpty {
            let upsert = try RawStatement(db, "INSERT OR REPLACE INTO cursor (feed, sequence) VALUES (?, ?)")
            for feed in diff.cursors.inserts + diff.cursors.updates {
                upsert.bind(1, feed)
                upsert.bind(2, Int64(rows.cursors[feed]!))
                try upsert.run()
            }
            try delete(diff.cursors.deletes, from: "cursor", key: "feed", in: db) { $0.key }
        }

        if !diff.events.isEmpty {
            let insert = try RawStatement(db, insertEvent)
            for id in ByteOrder.sorted(diff.events.inserts, by: \.hash) {
                bindEvent(id, rows.events[id]!, to: insert)
                bindLookups(EventLookups(graph.events[id]!), to: insert)
                try insert.run()
            }
            try updateEvents(diff.events.updates, rows: { rows.events[$0]! }, in: db)
            try delete(diff.events.deletes, from: "event", in: db) { $0.hash }
        }

        for (table, tableDiff) in [("process", diff.processes), ("resourceSpecification", diff.specifications)] where !tableDiff.isEmpty {
            let insert = try RawStatement(db, "INSERT INTO \(table) (id) VALUES (?)")
            for id in ByteOrder.sorted(tableDiff.inserts, by: \.hash) {
                insert.bind(1, id)
                try insert.run()
            }
            try delete(tableDiff.deletes, from: table, in: db) { $0.hash }
        }

        if !diff.agents.isEmpty {
            let upsert = try RawStatement(db, "INSERT OR REPLACE INTO agent (id, answeredBy, describedBy) VALUES (?, ?, ?)")
            for id in diff.agents.inserts + diff.agents.updates {
                let a = graph.agents[id]!
                upsert.bind(1, id.description)
                upsert.bind(2, a.answeredBy)
                upsert.bind(3, a.describedBy)
                try upsert.run()
            }
            let remove = try RawStatement(db, "DELETE FROM agent WHERE id = ?")
            for id in diff.agents.deletes {
                remove.bind(1, id.description)
                try remove.run()
            }
        }

        if !diff.resources.isEmpty {
            let upsert = try RawStatement(db, """
                INSERT OR REPLACE INTO resource (id, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                                                 primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for id in diff.resources.inserts + diff.resources.updates {
                bindResource(graph.resources[id]!, to: upsert)
                try upsert.run()
            }
            try delete(diff.resources.deletes, from: "resource", in: db) { $0.hash }
        }

        if !diff.rejected.isEmpty {
            let upsert = try RawStatement(db, "INSERT OR REPLACE INTO rejected (id, status, reason) VALUES (?, ?, ?)")
            for id in diff.rejected.inserts + diff.rejected.updates {
                let status = rows.rejected[id]!
                upsert.bind(1, id)
                upsert.bind(2, status.code)
                upsert.bind(3, status.reason ?? "")
                try upsert.run()
            }
            try delete(diff.rejected.deletes, from: "rejected", in: db) { $0.hash }
        }
    }

    /// Inserts an `event` row; bound by ``bindEvent(_:_:to:)`` and ``bindLookups(_:to:)``.
    static let insertEvent = """
        INSERT INTO event (id, status, reason, ord, container, correctedBy, fromResource, toResource, inputOf, outputOf, corrects)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """

    /// Binds every column of an `event` row, in the order of the table.
    static func bindEvent(_ id: EntryID, _ row: EventRow, to statement: RawStatement) {
        statement.bind(1, id)
        statement.bind(2, row.status.code)
        statement.bind(3, row.status.reason)
        statement.bind(4, blob: row.order?.bytes)
        statement.bind(5, row.container)
        statement.bind(6, blob: row.correctedBy.isEmpty ? nil : row.correctedBy.flatMap(\.bytes))
    }

    /// Binds the lookup columns of an `event` row (7…11), which never change once inserted.
    static func bindLookups(_ lookups: EventLookups, to statement: RawStatement) {
        statement.bind(7, lookups.fromResource)
        statement.bind(8, lookups.toResource)
        statement.bind(9, lookups.inputOf)
        statement.bind(10, lookups.outputOf)
        statement.bind(11, lookups.corrects)
    }

    /// Rewrites the derived columns of the `event` rows `ids`, to `rows(id)`.
    static func updateEvents(_ ids: [EntryID], rows: (EntryID) -> EventRow, in db: Database) throws {
        guard !ids.isEmpty else { return }
        let update = try RawStatement(db, "UPDATE event SET status = ?2, reason = ?3, ord = ?4, container = ?5, correctedBy = ?6 WHERE id = ?1")
        for id in ByteOrder.sorted(ids, by: \.hash) {
            bindEvent(id, rows(id), to: update)
            try update.run()
        }
    }

    /// Binds every column of a `resource` row, in the order of the table.
    static func bindResource(_ r: EconomicResource, to statement: RawStatement) {
        statement.bind(1, r.id)
        statement.bind(2, r.name)
        statement.bind(3, r.trackingIdentifier)
        statement.bind(4, r.note)
        statement.bind(5, r.conformsTo)
        statement.bind(6, r.unit)
        statement.bind(7, r.accountingQuantity.description)
        statement.bind(8, r.onhandQuantity.description)
        statement.bind(9, r.primaryAccountable?.description)
        statement.bind(10, r.holder?.description)
        statement.bind(11, r.currentLocation)
        statement.bind(12, r.containedIn)
        statement.bind(13, r.stage)
        statement.bind(14, r.state)
        statement.bind(15, r.createdBy)
    }

    /// Empties every table, for a rebuild.
    static func clear(_ db: Database) throws {
        for table in GraphSchema.derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") }
    }

    private static func delete<Key>(_ keys: [Key], from table: String, key column: String = "id", in db: Database,
                                    _ hash: (Key) -> Hash32) throws {
        guard !keys.isEmpty else { return }
        let statement = try RawStatement(db, "DELETE FROM \(table) WHERE \(column) = ?")
        for key in keys {
            statement.bind(1, hash(key))
            try statement.run()
        }
    }
}

