import GRDB

/// The tables of `HOME/graph.sqlite`, as a list of migrations (docs/protocol.md, "Graph store").
///
/// Everything here is derived from the log and can be thrown away: ids are kept in their text
/// forms so the tables can be read with any SQLite client, and quantities are decimal TEXT so
/// no value is ever rounded through a floating-point column.
enum GraphSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
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
        return migrator
    }

    /// The derived tables, in the order they are cleared and written.
    static let derivedTables = ["resource", "process", "resourceSpecification", "agent", "event", "rejected"]
}
