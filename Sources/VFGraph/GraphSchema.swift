import GRDB

/// The tables of `HOME/graph.sqlite`, as a list of migrations (docs/protocol.md §16).
///
/// Everything here is derived from the log and can be thrown away, so a new version drops the
/// old tables instead of converting them: the next update finds no cursors and recomputes.
///
/// Version 4 is shaped for writing fast: a row holds only what the derivation decided, never
/// what the entry itself says — its author, sequence and payload are read from the log, where
/// they already are (v2 kept a copy of each payload, v3 still the author and sequence), and an
/// event's breadcrumb is recomputed from the positions in one pass. Entry, resource and feed
/// ids are their 32 raw bytes, and every table is `WITHOUT ROWID`, keyed by its id alone, with
/// no other index: one b-tree per table, which the writer fills in key order. Quantities stay
/// decimal TEXT so no value is ever rounded through a floating-point column; agent ids stay
/// text because one column holds two kinds of id (a feed, or a describing entry).
enum GraphSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // Superseded: each version drops every table an earlier one made, so what v1 (ids as
        // text, one column per property), v2 (v3's rows, each with a copy of its payload) and
        // v3 (v4's rows with the author, sequence and breadcrumb of each event, and the author
        // of each process and specification) created need not be made again on the way. The
        // names stay registered so a file migrated by an older build knows where it stands.
        migrator.registerMigration("v1") { _ in }
        migrator.registerMigration("v2") { _ in }
        migrator.registerMigration("v3") { _ in }
        migrator.registerMigration("v4") { db in
            // Dropping a table drops its indexes too (v1 had three).
            for table in derivedTables + ["cursor"] { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
            try db.execute(sql: """
                CREATE TABLE cursor (
                    feed BLOB PRIMARY KEY,
                    sequence INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE resource (
                    id BLOB PRIMARY KEY,
                    name TEXT, trackingIdentifier TEXT, note TEXT, conformsTo BLOB,
                    unit TEXT,
                    accountingQuantity TEXT NOT NULL,
                    onhandQuantity TEXT NOT NULL,
                    primaryAccountable TEXT, holder TEXT, currentLocation TEXT, containedIn BLOB,
                    stage TEXT, state TEXT,
                    createdBy BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE process (
                    id BLOB PRIMARY KEY
                ) WITHOUT ROWID;
                CREATE TABLE resourceSpecification (
                    id BLOB PRIMARY KEY
                ) WITHOUT ROWID;
                CREATE TABLE agent (
                    id TEXT PRIMARY KEY,
                    answeredBy BLOB NOT NULL,
                    describedBy BLOB
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    position INTEGER,
                    container BLOB,
                    correctedBy BLOB
                ) WITHOUT ROWID;
                CREATE TABLE rejected (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status IN (2, 3)),
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// The derived tables, in the order they are cleared and written.
    static let derivedTables = ["resource", "process", "resourceSpecification", "agent", "event", "rejected"]
}

/// The INTEGER code of an event status in the `event` and `rejected` tables.
extension EventStatus {
    /// 0 applied, 1 pending, 2 invalid, 3 unauthorized.
    var code: Int64 {
        switch self {
        case .applied: 0
        case .pending: 1
        case .invalid: 2
        case .unauthorized: 3
        }
    }

    /// The status a row holds; nil for a code no version of the schema writes.
    init?(code: Int64, reason: String?) {
        switch code {
        case 0: self = .applied
        case 1: self = .pending(reason ?? "")
        case 2: self = .invalid(reason ?? "")
        case 3: self = .unauthorized(reason ?? "")
        default: return nil
        }
    }
}
