import GRDB

/// The tables of `HOME/graph.sqlite`, as a list of migrations (docs/protocol.md §16).
///
/// Everything here is derived from the log and can be thrown away, so a new version drops the
/// old tables instead of converting them: the next update finds no cursors and recomputes.
///
/// Version 5 is shaped for reading by index as well as writing fast. A row holds what the
/// derivation decided and, for an event, the ids readers look it up by — the resources it
/// names (`fromResource`, `toResource`, given or created), its process (`inputOf`, `outputOf`)
/// and the event it `corrects` — but nothing else the entry says: its author, sequence and
/// payload are read from the log by id. An event's breadcrumb is found by index (the last
/// applied event before it naming the same resource). Entry, resource and feed ids are their
/// 32 raw bytes; quantities stay decimal TEXT so no value is ever rounded through a
/// floating-point column; agent ids stay text because one column holds two kinds of id (a
/// feed, or a describing entry). Version 4 had the same tables without the lookup columns
/// and indexes, so every read loaded the whole graph.
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
        migrator.registerMigration("v4") { _ in }  // v5 without the lookup columns and indexes
        migrator.registerMigration("v5") { db in
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
                    ord BLOB,
                    container BLOB,
                    correctedBy BLOB,
                    fromResource BLOB,
                    toResource BLOB,
                    inputOf BLOB,
                    outputOf BLOB,
                    corrects BLOB
                ) WITHOUT ROWID;
                CREATE TABLE rejected (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status IN (2, 3)),
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
            try createIndexes(db)
        }
        return migrator
    }

    /// The indexes readers look rows up by (docs/protocol.md §16): the events that name a
    /// resource, in causal order, and those that are inputs or outputs of a process. Partial,
    /// so the many events without a process cost them nothing.
    static let indexes = [
        "CREATE INDEX IF NOT EXISTS eventByFromResource ON event (fromResource, ord) WHERE fromResource IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS eventByToResource ON event (toResource, ord) WHERE toResource IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS eventByContainer ON event (container) WHERE container IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS eventByInputOf ON event (inputOf) WHERE inputOf IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS eventByOutputOf ON event (outputOf) WHERE outputOf IS NOT NULL",
            ]

    static func createIndexes(_ db: Database) throws {
        for sql in indexes { try db.execute(sql: sql) }
    }

    /// Drops the indexes, so a rebuild fills the tables without maintaining them row by row,
    /// and creates them once at the end (a sort instead of a b-tree insert per row).
    static func dropIndexes(_ db: Database) throws {
        for name in ["eventByFromResource", "eventByToResource", "eventByContainer", "eventByInputOf", "eventByOutputOf"] {
            try db.execute(sql: "DROP INDEX IF EXISTS \(name)")
        }
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
