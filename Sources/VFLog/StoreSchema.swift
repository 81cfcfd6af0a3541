import GRDB

/// The log store's schema as an ordered list of migrations. A migration, once released,
/// never changes: new needs get a new migration appended. docs/protocol.md, "Store".
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: feeds, entries, payloads, fork proofs") { db in
            try db.execute(sql: """
                CREATE TABLE feed (
                    author BLOB PRIMARY KEY NOT NULL CHECK (length(author) = 32),
                    headSequence INTEGER NOT NULL CHECK (headSequence >= 1),
                    headId BLOB NOT NULL CHECK (length(headId) = 32),
                    forked INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE entry (
                    rowid INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
                    author BLOB NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 1),
                    timestamp INTEGER NOT NULL,
                    encoded BLOB NOT NULL,
                    receivedAt INTEGER NOT NULL,
                    UNIQUE (author, sequence)
                );
                -- Kept apart from the signed entry so it can be dropped without breaking the chain.
                CREATE TABLE payload (
                    entry INTEGER PRIMARY KEY REFERENCES entry(rowid) ON DELETE CASCADE,
                    data BLOB NOT NULL
                );
                -- Two validly signed entries by one author with one sequence: the proof of a fork.
                CREATE TABLE forkProof (
                    author BLOB NOT NULL,
                    sequence INTEGER NOT NULL,
                    storedEncoded BLOB NOT NULL,
                    conflictingEncoded BLOB NOT NULL,
                    conflictingPayload BLOB,
                    detectedAt INTEGER NOT NULL,
                    PRIMARY KEY (author, sequence, conflictingEncoded)
                );
                """)
        }
        migrator.registerMigration("v2: forgotten payloads") { db in
            try db.execute(sql: """
                -- Payloads this node deliberately dropped (`vf forget`): never stored again.
                CREATE TABLE forgotten (
                    entry BLOB PRIMARY KEY NOT NULL CHECK (length(entry) = 32),
                    forgottenAt INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
