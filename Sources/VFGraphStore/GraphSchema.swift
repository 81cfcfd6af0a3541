import VFGraph
import GRDB

/// The tables of `HOME/graph.sqlite`, as a list of migrations (docs/protocol.md §16).
///
/// Everything here is derived from the log and can be thrown away, so a new version drops the
/// old tables instead of converting them: the next update finds no cursors and recomputes.
///
/// Version 5 is shaped for reading by index as well as writing fast. A row holds what the
/// derivation decided and, for an event, the ids readers look it up by — the resources it
/// names (`fromResource`, `toResource`, given or created), its process (`inputOf`, `outputOf`)
/// and the event it `corrects` — but nothing else the entry says: its payload (and, but for
/// an event, its author and sequence) is read from the log by id. Since v18 an event row holds
/// its author and sequence, the key it is found by. An event's breadcrumb is found by index (the last
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
        migrator.registerMigration("v5") { _ in }  // v6 with positions as integers, and no history
        migrator.registerMigration("v6") { db in
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
                    describedBy BLOB,
                    uses INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    root TEXT,
                    waitsFor BLOB,
                    ord BLOB,
                    container BLOB,
                    fromResource BLOB,
                    toResource BLOB,
                    inputOf BLOB,
                    outputOf BLOB,
                    corrects BLOB,
                    creates BLOB
                ) WITHOUT ROWID;
                CREATE TABLE history (
                    resource BLOB NOT NULL,
                    ord BLOB NOT NULL,
                    event BLOB NOT NULL,
                    applied INTEGER NOT NULL,
                    unit TEXT, accountingQuantity TEXT, onhandQuantity TEXT,
                    primaryAccountable TEXT, holder TEXT, currentLocation TEXT, containedIn BLOB,
                    stage TEXT, state TEXT,
                    PRIMARY KEY (resource, ord)
                ) WITHOUT ROWID;
                CREATE TABLE rejected (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status IN (2, 3)),
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
            for index in indexesOfV6 { try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.on)") }
        }
        migrator.registerMigration("v7: planning, and re-derive with the rules of implied transfers and corrections") { db in
            // Two rules changed (§16, "Effects" and "Authority"): a consume or produce keeps the
            // stock's owner, and corrections may not take an event's quantity below zero. And
            // the planning types are new: their entries are catalogued in `planned`, and what
            // names them in `link`. Rows derived before are thrown away, and the next update,
            // finding no cursors, derives everything again.
            try db.execute(sql: """
                CREATE TABLE planned (
                    id BLOB PRIMARY KEY,
                    kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 6)
                ) WITHOUT ROWID;
                CREATE TABLE link (
                    target BLOB NOT NULL,
                    relation INTEGER NOT NULL CHECK (relation BETWEEN 0 AND 10),
                    source BLOB NOT NULL,
                    PRIMARY KEY (target, relation, source)
                ) WITHOUT ROWID;
                """)
            try createIndexesOfV16(db, except: indexesOfV15)
            for table in derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v8: consent, withdrawals, and re-derive") { db in
            // An event fulfilling a commitment of an agreement in force may now change what its
            // parties hold (§16, "Consent"), withdrawals are a new planning kind, and links name
            // the described agents of commitments, the processes planned flows are inputs and
            // outputs of, and the plans processes are part of: everything is derived again.
            try db.execute(sql: """
                DROP TABLE planned;
                DROP TABLE link;
                CREATE TABLE planned (
                    id BLOB PRIMARY KEY,
                    kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 7)
                ) WITHOUT ROWID;
                CREATE TABLE link (
                    target BLOB NOT NULL,
                    relation INTEGER NOT NULL CHECK (relation BETWEEN 0 AND 14),
                    source BLOB NOT NULL,
                    PRIMARY KEY (target, relation, source)
                ) WITHOUT ROWID;
                """)
            try createIndexesOfV16(db, except: indexesOfV15)
            for table in derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v9: links name their source's author, and re-derive") { db in
            // The consent rules read only what an agreement's parties signed — their
            // acceptances, withdrawals and fulfilments — so a link row says who signed its
            // source, and its key is ordered by that author: what strangers name a commitment
            // or agreement with is never read for it. The author is the log's, so the links
            // are derived again, with everything else.
            try db.execute(sql: """
                DROP TABLE link;
                CREATE TABLE link (
                    target BLOB NOT NULL,
                    relation INTEGER NOT NULL CHECK (relation BETWEEN 0 AND 14),
                    author BLOB NOT NULL,
                    source BLOB NOT NULL,
                    PRIMARY KEY (target, relation, author, source)
                ) WITHOUT ROWID;
                """)
            // The applied corrections of an event are found by index, without reading the
            // others (anyone may publish a correction of anyone's event; only its author's apply).
            try db.execute(sql: "DROP INDEX IF EXISTS eventByCorrects")
            try createIndexesOfV16(db, except: indexesOfV15)
            for table in derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v10: only creating events that did not apply in eventByCreates") { db in
            // An applied event's resource names it (`resource.createdBy`), so the index of
            // creating events keeps only those that did not apply: a new resource no longer
            // costs an insert at a random place in it. Nothing derived changes.
            try db.execute(sql: "DROP INDEX IF EXISTS eventByCreates")
            try createIndexesOfV16(db, except: indexesOfV15)
        }
        migrator.registerMigration("v11: reasons of at most 1,000 bytes, and ambiguous combines naming ten containers") { db in
            // A reason quotes what a payload says at most 1,000 bytes long, and an ambiguous
            // combine's names ten of its process's containers. A stored reason can differ from
            // what these rules give only if it is longer, or is an ambiguous combine's: then,
            // and only then, everything is derived again.
            let differs = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM event WHERE length(CAST(reason AS BLOB)) > ?1 OR length(CAST(root AS BLOB)) > ?1
                                                         OR reason LIKE ?2 OR root LIKE ?2)
                    OR EXISTS (SELECT 1 FROM rejected WHERE length(CAST(reason AS BLOB)) > ?1)
                """, arguments: [ReasonError.maximumBytes, "%container is ambiguous%"]) ?? false
            if differs { for table in derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") } }
        }
        migrator.registerMigration("v12: an event's quantity as its applied corrections leave it") { db in
            // An event row holds its resourceQuantity with its applied corrections' deltas
            // (`corrected`), so the next correction is checked against it without reading
            // every correction before it. Derived again only where a correction applied.
            try db.execute(sql: "ALTER TABLE event ADD COLUMN corrected TEXT")
            let anyApplied = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM event WHERE corrects IS NOT NULL AND status = 0)") ?? false
            if anyApplied { for table in derivedTables + ["cursor"] { try db.execute(sql: "DELETE FROM \(table)") } }
        }
        migrator.registerMigration("v13: long texts of history rows kept once") { db in
            // A history row holds its resource's unit, location, stage and state as they stood:
            // a resource with a 20 KB state made every event on it store 20 KB more. A text
            // longer than 64 bytes is now kept once, in `historyText`, and the row holds its
            // BLAKE2b-256 hash. Rows written before keep their text; nothing is derived again.
            try db.execute(sql: "CREATE TABLE historyText (hash BLOB PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("v14: the applied events naming a resource or a process by index in causal order") { db in
            // A page of a resource's or a process's events read every event naming it and sorted
            // them, so paging through n of them cost n each time; and anyone's events that did
            // not apply lay between the applied ones. Indexed by (…, status, ord), a page reads
            // what it returns. Nothing derived changes.
            // The corrections of an event after a place, too (`foldedCorrections`), without reading the earlier ones.
            for name in ["eventByFromResource", "eventByToResource", "eventByContainer", "eventByInputOf", "eventByOutputOf", "eventByCorrects"] {
                try db.execute(sql: "DROP INDEX IF EXISTS \(name)")
            }
            try createIndexesOfV16(db, except: indexesOfV15)
        }
        migrator.registerMigration("v15: the links to an entry by relation in source order, and a feed's links by relation") { db in
            // A page of a plan's members, of the commitments promising an intent or of a
            // process's planned flows read every link to it by that relation, whoever made them,
            // and sorted them, for every page: the key is (target, relation, author, source).
            // Indexed by (target, relation, source), a page reads what it returns. And whether
            // an agreement in force stipulates a commitment read every agreement stipulating it,
            // anyone's: with a feed's links by (author, relation, target), only those a party
            // published or accepted. Nothing derived changes.
            try createIndexesOfV16(db)
        }
        migrator.registerMigration("v16: resources and processes numbered in the order they are first named, and re-derive") { db in
            // A resource, its history and the events naming it were keyed by its 32-byte id, a
            // hash: each new resource was an insert at a random place in four b-trees (the
            // resource, its first history row, the event index by resource, and the event), so
            // at a million events each event written dirtied a page in each; and likewise a new
            // process, and the indexes of its inputs and outputs. Now each resource or process id
            // named anywhere gets a number, the next one, when first written (`itemKey`), and
            // the rows and event columns naming it hold the number: what is new goes at the
            // right edge of those b-trees. The tables are derived again.
            try db.execute(sql: """
                DROP TABLE resource;
                DROP TABLE history;
                DROP TABLE event;
                DROP TABLE process;
                CREATE TABLE itemKey (
                    n INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE
                );
                CREATE TABLE resource (
                    n INTEGER PRIMARY KEY,
                    name TEXT, trackingIdentifier TEXT, note TEXT, conformsTo BLOB,
                    unit TEXT,
                    accountingQuantity TEXT NOT NULL,
                    onhandQuantity TEXT NOT NULL,
                    primaryAccountable TEXT, holder TEXT, currentLocation TEXT, containedIn BLOB,
                    stage TEXT, state TEXT,
                    createdBy BLOB NOT NULL
                );
                CREATE TABLE process (
                    n INTEGER PRIMARY KEY
                );
                CREATE TABLE event (
                    id BLOB PRIMARY KEY,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    root TEXT,
                    waitsFor BLOB,
                    ord BLOB,
                    container INTEGER,
                    fromResource INTEGER,
                    toResource INTEGER,
                    inputOf INTEGER,
                    outputOf INTEGER,
                    corrects BLOB,
                    creates INTEGER,
                    corrected TEXT
                ) WITHOUT ROWID;
                CREATE TABLE history (
                    resource INTEGER NOT NULL,
                    ord BLOB NOT NULL,
                    event BLOB NOT NULL,
                    applied INTEGER NOT NULL,
                    unit TEXT, accountingQuantity TEXT, onhandQuantity TEXT,
                    primaryAccountable TEXT, holder TEXT, currentLocation TEXT, containedIn BLOB,
                    stage TEXT, state TEXT,
                    PRIMARY KEY (resource, ord)
                ) WITHOUT ROWID;
                """)
            try createIndexesOfV16(db)
            for table in rebuiltTables { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v17: events keyed by a local number, found by id through an index, and re-derive") { db in
            // An event row was keyed by its 32-byte id, a hash: each new event was an insert at a
            // random place in the event b-tree, whose rows are the longest of the graph's, so at a
            // million events each one written dirtied a page of it (and often split one). Now
            // a row's key is a number, the next one, and the id is found through an index of ids
            // alone: what is new goes at the right edge of the table, and the random insert is
            // into the narrower index. The rows are derived again.
            try db.execute(sql: """
                DROP TABLE event;
                CREATE TABLE event (
                    n INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    root TEXT,
                    waitsFor BLOB,
                    ord BLOB,
                    container INTEGER,
                    fromResource INTEGER,
                    toResource INTEGER,
                    inputOf INTEGER,
                    outputOf INTEGER,
                    corrects BLOB,
                    creates INTEGER,
                    corrected TEXT
                );
                """)
            // The same indexes on it as v16 made.
            try createIndexesOfV16(db)
            for table in rebuiltTables { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v18: events keyed by their place in their feeds, found by id through the log, and re-derive") { db in
            // v17 kept an index of event ids beside the rows: at a million events each new
            // event was still an insert at a random place in it, while the log already indexes
            // every entry's id. Now a row names its entry's place — its author and sequence,
            // known before the log stores it — and is found by that, through an index that
            // grows at the right edge of each feed; a lookup by id asks the log for the place.
            // The id stays in the row, unindexed, for what reads rows by other keys.
            try db.execute(sql: """
                DROP TABLE event;
                CREATE TABLE event (
                    n INTEGER PRIMARY KEY,
                    author BLOB NOT NULL,
                    sequence INTEGER NOT NULL,
                    id BLOB NOT NULL,
                    status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
                    reason TEXT,
                    root TEXT,
                    waitsFor BLOB,
                    ord BLOB,
                    container INTEGER,
                    fromResource INTEGER,
                    toResource INTEGER,
                    inputOf INTEGER,
                    outputOf INTEGER,
                    corrects BLOB,
                    creates INTEGER,
                    corrected TEXT,
                    UNIQUE (author, sequence)
                );
                """)
            // The same indexes on it as v16 made.
            try createIndexesOfV16(db)
            for table in rebuiltTables { try db.execute(sql: "DELETE FROM \(table)") }
        }
        migrator.registerMigration("v19: numbers of ids found through a small index of the recent ones and a large one of the settled") { db in
            // Each new resource or process id was an insert at a random place in the index of
            // every id `itemKey` numbers: at a million, most new ones dirtied a page of their
            // own. A new id now goes into a small index of the ids numbered since the last
            // settling (`settled = 0`), whose pages stay few; when it holds more than
            // `itemKeysRecentMost`, they are settled in id order, which touches each page of
            // the large index about once. The numbers stay; nothing is derived again.
            try db.execute(sql: """
                CREATE TABLE itemKeyV19 (
                    n INTEGER PRIMARY KEY,
                    id BLOB NOT NULL,
                    settled INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1))
                );
                INSERT INTO itemKeyV19 (n, id, settled) SELECT n, id, 1 FROM itemKey ORDER BY n;
                DROP TABLE itemKey;
                ALTER TABLE itemKeyV19 RENAME TO itemKey;
                """)
            for index in itemKeyIndexesOfV19 { try db.execute(sql: "CREATE UNIQUE INDEX \(index.name) ON \(index.on)") }
        }
        return migrator
    }

    /// The longest text, in UTF-8 bytes, a history row holds itself; a longer one is kept once
    /// in `historyText` and the row holds its BLAKE2b-256 hash (migration v13).
    static let historyTextInline = 64

    /// The indexes of the current schema: v16's (v17 and v18 made those on `event` again, the same),
    /// and those a later migration adds (it adds them here too). A rebuild drops and makes these; a test checks that a new store has
    /// exactly these and ``keptIndexes``. The migrations make only the lists frozen as they shipped.
    static let indexes = indexesOfV16

    /// The indexes a rebuild keeps (it looks numbers up as it writes), with their definitions:
    /// the ids `itemKey` numbers, settled and recent (v19), each unique. An id is in one of the
    /// two: ``itemNumber(_:)`` asks the recent first.
    static let keptIndexes = itemKeyIndexesOfV19
    private static let itemKeyIndexesOfV19: [(name: String, on: String)] = [
        // `settled` too, though constant in each: so a lookup reads the index alone.
        ("itemKeySettled", "itemKey (id, settled) WHERE settled = 1"),
        ("itemKeyRecent", "itemKey (id, settled) WHERE settled = 0"),
    ]

    /// How many recent ids `itemKey` holds at most after a write transaction: then they are
    /// settled (``GraphTableWriter/settleNumbers(most:)``). The thousand or so new ids a bulk
    /// transaction gives share the pages of the recent index, about 700 to 1,000 at most; a
    /// settling touches each page of the settled index about once, once per this many ids.
    static let itemKeysRecentMost = 65_536

    /// The indexes as v16 left them. The migrations v6 to v16 make these, filtered (so v6 to
    /// v13 make v14's definitions where theirs differed; every table they indexed is remade
    /// or re-indexed later, so the end is the same). Frozen from v16 on: an index added later,
    /// perhaps on a column v6 did not have, goes in a list of its own migration's, not here.
    ///
    /// The indexes rows are looked up by (docs/protocol.md §16): the events that name a
    /// resource or put something into it, and the inputs and outputs of a process, by status
    /// and then in causal order (so a page of the applied ones reads what it returns, v14); the corrections of an
    /// event, the event creating a resource when it did not apply (an applied one is the
    /// resource row's `createdBy`), the events waiting for an id, and the agent a
    /// profile describes. Partial, so rows without the value cost them nothing.
    private static let indexesOfV16: [(name: String, on: String)] = [
        ("eventByFromResource", "event (fromResource, status, ord) WHERE fromResource IS NOT NULL"),
        ("eventByToResource", "event (toResource, status, ord) WHERE toResource IS NOT NULL"),
        ("eventByContainer", "event (container, status, ord) WHERE container IS NOT NULL"),
        ("eventByInputOf", "event (inputOf, status, ord) WHERE inputOf IS NOT NULL"),
        ("eventByOutputOf", "event (outputOf, status, ord) WHERE outputOf IS NOT NULL"),
        ("eventByCorrects", "event (corrects, status, ord) WHERE corrects IS NOT NULL"),
        ("eventByCreates", "event (creates) WHERE creates IS NOT NULL AND status <> 0"),
        ("eventByWaitsFor", "event (waitsFor) WHERE waitsFor IS NOT NULL"),
        ("agentByDescription", "agent (describedBy) WHERE describedBy IS NOT NULL"),
        // Planning listings walk one kind in id order; a rare kind should not scan the others.
        ("plannedByKind", "planned (kind, id)"),
        // A page of what names an entry by a relation, in source order, whoever signed it (v15).
        ("linkByTargetInSourceOrder", "link (target, relation, source)"),
        // What a feed names by a relation, in target order: the agreements a party accepted (v15).
        ("linkByAuthor", "link (author, relation, target)"),
    ]

    /// v6 makes the indexes on the tables it has: every one but those on v7's `planned` and `link`.
    private static let indexesOfV6 = indexesOfV16.filter { index in
        !["planned", "link"].contains(index.on.prefix { $0 != " " })
    }

    /// v15 makes these, on `link` columns the migrations before it may not have yet (`author` is v9's).
    private static let indexesOfV15: Set<String> = ["linkByTargetInSourceOrder", "linkByAuthor"]

    /// Makes the indexes of v16 that are not made yet, but those named in `except`: for the
    /// migrations up to v16.
    private static func createIndexesOfV16(_ db: Database, except: Set<String> = []) throws {
        for index in indexesOfV16 where !except.contains(index.name) {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.on)")
        }
    }

    /// Makes the indexes of the current schema that are not made yet: after a rebuild.
    static func createIndexes(_ db: Database) throws {
        for index in indexes {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.on)")
        }
    }

    /// Runs `body` with the ``keptIndexes`` dropped, and makes them again after it, by a sort:
    /// for a write of many ids at once (a first rebuild, a large settling), instead of an
    /// insert into an index for each.
    static func remakingKeptIndexes(_ db: Database, _ body: () throws -> Void) throws {
        for index in keptIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
        try body()
        for index in keptIndexes { try db.execute(sql: "CREATE UNIQUE INDEX \(index.name) ON \(index.on)") }
    }

    /// Drops the indexes, so a rebuild fills the tables without maintaining them row by row,
    /// and creates them once at the end (a sort instead of a b-tree insert per row).
    static func dropIndexes(_ db: Database) throws {
        for index in indexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
    }

    /// The derived tables, in the order they are cleared and written (as of v7, which the
    /// migrations that derive again clear).
    static let derivedTables = ["resource", "process", "resourceSpecification", "agent", "event", "history", "rejected", "planned", "link"]
    /// Everything a rebuild empties: the derived tables, the long texts of history rows, and
    /// the cursors. (Texts no row names any more stay until then: at most one copy of each
    /// text an entry ever gave.) Not the numbers of resources and processes (`itemKey`, v16):
    /// they are this node's, in the order it first named each, and a rebuild keeps them, so
    /// resources and processes list in the same order after it.
    static let rebuiltTables = derivedTables + ["historyText", "cursor"]

    /// SQL for the number of the resource or process whose id is bound at `parameter` (NULL
    /// when it has none): what a resource or process column of `event` or `history`, or
    /// `resource.n` or `process.n`, is compared with (v16).
    static func itemNumber(_ parameter: String) -> String {
        "coalesce((SELECT n FROM itemKey WHERE id = \(parameter) AND settled = 0), (SELECT n FROM itemKey WHERE id = \(parameter) AND settled = 1))"
    }

    /// SQL for the condition of the `event` row of an entry, with its place and id bound at
    /// `?first` to `?first+2` (``RawStatement/bindEvent(_:_:from:)``), v18: found by the index of
    /// places; the id, which a place held by the log determines, is compared too, so a row can
    /// never answer for another entry.
    static func eventAt(_ first: Int32) -> String {
        "author = ?\(first) AND sequence = ?\(first + 1) AND id = ?\(first + 2)"
    }

    /// SQL for the id of the resource or process numbered `column` (NULL for NULL).
    static func itemID(_ column: String) -> String { "(SELECT id FROM itemKey WHERE n = \(column))" }
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
