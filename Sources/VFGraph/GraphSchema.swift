import GRDB

/// The tables of `HOME/graph.sqlite`, as a list of migrations (docs/protocol.md §16).
///
/// Everything here is derived from the log and can be thrown away, so a new version drops the
/// old tables instead of converting them: the next update finds no cursors and recomputes.
///
/// Version 3 is shaped for writing fast: entry, resource and feed ids are their 32 raw bytes,
/// a row holds what the derivation decided and no copy of the entry's payload (readers take
/// the payload from the log, where it already is, and decode it as the derivation did: v2 kept
/// a copy, which was most of the bytes a rebuild wrote), and every table is `WITHOUT ROWID`,
/// keyed by its id alone, with no other index: one b-tree per table, which the writer fills in
/// key order. Quantities stay decimal TEXT so no value is ever rounded through a floating-point
/// column; agent ids stay text because one column holds two kinds of id (a feed, or a
/// describing entry).
enum GraphSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // v1 as it shipped: ids as text, one column per property, three secondary indexes.
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE cursor (
                    feed TEXT PRIMARY KEY,
                    sequence INTEGER NOT NULL
                );
                CREATE TABLE resource (
                    id TEXT PRIMARY KEY,
                    name TEXT, trackingIdentifier TEXT, note TEXT, conformsTo TEXT,
                    unit TEXT,
                    accountingQuantity TEXT NOT NULL,
                    onhandQuantity TEXT NOT NULL,
                    primaryAccountable TEXT, holder TEXT, currentLocation TEXT, containedIn TEXT,
                    stage TEXT, state TEXT,
                    createdBy TEXT NOT NULL
                );
                CREATE TABLE process (
                    id TEXT PRIMARY KEY,
                    author TEXT NOT NULL,
                    name TEXT, basedOn TEXT, note TEXT, hasBeginning INTEGER, hasEnd INTEGER
                );
                CREATE TABLE resourceSpecification (
                    id TEXT PRIMARY KEY,
                    author TEXT NOT NULL,
                    name TEXT, defaultUnitOfResource TEXT, note TEXT
                );
                CREATE TABLE agent (
                    id TEXT PRIMARY KEY,
                    answeredBy TEXT NOT NULL,
                    describedBy TEXT,
                    kind TEXT, name TEXT, note TEXT, primaryLocation TEXT
                );
                CREATE TABLE event (
                    id TEXT PRIMARY KEY,
                    author TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('applied', 'pending', 'invalid', 'unauthorized')),
                    reason TEXT,
                    provider TEXT NOT NULL, receiver TEXT NOT NULL,
                    resourceInventoriedAs TEXT, toResourceInventoriedAs TEXT, container TEXT,
                    resourceConformsTo TEXT,
                    inputOf TEXT, outputOf TEXT, corrects TEXT,
                    resourceQuantity TEXT, resourceUnit TEXT,
                    effortQuantity TEXT, effortUnit TEXT,
                    position INTEGER, previousEvent TEXT
                );
                CREATE INDEX event_by_author ON event (author, sequence);
                CREATE INDEX event_by_resource ON event (resourceInventoriedAs);
                CREATE INDEX event_by_process ON event (inputOf, outputOf);
                CREATE TABLE rejected (
                    id TEXT PRIMARY KEY,
                    status TEXT NOT NULL CHECK (status IN ('invalid', 'unauthorized')),
                    reason TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2") { db in
            for table in ["cursor", "resource", "process", "resourceSpecification", "agent", "event", "rejected"] {
                try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
            }
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
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL,
                    payload BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE resourceSpecification (
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL,
                    payload BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE agent (
                    id TEXT PRIMARY KEY,
                    answeredBy BLOB NOT NULL,
                    describedBy BLOB,
                    payload BLOB
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL,
                    sequence INTEGER NOT NULL,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    position INTEGER,
                    previousEvent BLOB,
                    container BLOB,
                    correctedBy BLOB,
                    payload BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE rejected (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status IN (2, 3)),
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // v3: v2 without the payload copies.
        migrator.registerMigration("v3") { db in
            for table in ["cursor", "resource", "process", "resourceSpecification", "agent", "event", "rejected"] {
                try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
            }
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
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE resourceSpecification (
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE agent (
                    id TEXT PRIMARY KEY,
                    answeredBy BLOB NOT NULL,
                    describedBy BLOB
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id BLOB PRIMARY KEY,
                    author BLOB NOT NULL,
                    sequence INTEGER NOT NULL,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    position INTEGER,
                    previousEvent BLOB,
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
