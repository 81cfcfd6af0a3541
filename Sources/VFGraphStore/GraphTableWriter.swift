import VFGraph
import GRDB
import VFLog

/// Writes rows of ``GraphSchema``, each through a prepared statement bound through SQLite's C
/// API: the rebuild's fill and the incremental update write the same rows the same way.
/// Each statement is prepared once per writer, and each agent's text form made once (a
/// rebuild writes two per history row). Only for use inside the `Database` closure it was
/// made in.
final class GraphTableWriter {
    private let db: Database
    private var statements: [String: RawStatement] = [:]
    private var agentTexts: [AgentID: String] = [:]
    /// The long history texts this writer has put in `historyText`.
    private var keptTexts: Set<Hash32> = []
    /// The numbers of resources and processes (`itemKey`) this writer has read or given.
    private var numbers: [Hash32: Int64] = [:]

    init(_ db: Database) { self.db = db }

    private func statement(_ sql: String) throws -> RawStatement {
        if let prepared = statements[sql] { return prepared }
        let prepared = try RawStatement(db, sql)
        statements[sql] = prepared
        return prepared
    }

    private func text(_ agent: AgentID?) -> String? {
        guard let agent else { return nil }
        if let known = agentTexts[agent] { return known }
        let text = agent.description
        agentTexts[agent] = text
        return text
    }

    /// The number of the resource or process `id`: the one `itemKey` holds, else the next one, given now.
    func number(_ id: Hash32) throws -> Int64 {
        if let known = numbers[id] { return known }
        let number = try existingNumber(id) ?? {
            let put = try statement("INSERT INTO itemKey (id) VALUES (?)")
            put.bind(1, id)
            try put.run()
            return db.lastInsertedRowID
        }()
        numbers[id] = number
        return number
    }

    private func number(_ id: ResourceID?) throws -> Int64? { try id.map { try number($0.hash) } }
    private func number(_ id: EntryID?) throws -> Int64? { try id.map { try number($0.hash) } }

    /// The number `itemKey` holds for `id`, if any; gives none.
    private func existingNumber(_ id: Hash32) throws -> Int64? {
        if let known = numbers[id] { return known }
        guard let n = try GraphTableReader.itemNumber(db, id) else { return nil }
        numbers[id] = n
        return n
    }

    /// Numbers `ids`: those numbered before keep their numbers, the others are numbered next,
    /// in their order. A rebuild numbers every resource and process before it writes a row, so
    /// each table naming them fills in number order, and keeps the numbers an earlier
    /// derivation gave, so they list in the same order after it. The numbers given before are
    /// read in one pass when there are at most about twice as many as `ids`, else each id is
    /// looked up by index: memory holds the numbers of what the log names, not of every id
    /// `itemKey` still holds (after a feed was purged, say). New numbers start above the greatest.
    /// `slack`: how many more numbers than twice the ids are still read in one pass (less in tests).
    func number(_ ids: [Hash32], slack: Int64 = 1024) throws {
        var next = (try Int64.fetchOne(db, sql: "SELECT max(n) FROM itemKey") ?? 0) + 1
        numbers.reserveCapacity(numbers.count + ids.count)
        let readAll = try Int64.fetchOne(db, sql: "SELECT count(*) FROM itemKey") ?? 0 <= 2 * Int64(ids.count) + slack
        if readAll {
            let known = try RawStatement(db, "SELECT n, id FROM itemKey")
            while try known.next() {
                guard let n = known.int64(0), let id = known.hash32(1) else {
                    // A rebuild keeps these rows, so it cannot mend them: the file must go.
                    throw GraphStoreError("itemKey: malformed row; delete graph.sqlite and run vf graph rebuild")
                }
                numbers[id] = n
            }
        }
        /// Numbers the ids not numbered yet, next in turn, with `settled` (v19).
        func put(settled: Int64) throws {
            let put = try statement("INSERT INTO itemKey (n, id, settled) VALUES (?, ?, ?)")
            for id in ids where try (readAll ? numbers[id] : existingNumber(id)) == nil {
                put.bind(1, next)
                put.bind(2, id)
                put.bind(3, settled)
                try put.run()
                numbers[id] = next
                next += 1
            }
        }
        // Many more new ids than held (a first rebuild): written settled, with both indexes
        // of ids made after, by a sort, instead of a random insert each. Every number is in
        // memory then, so none is looked up meanwhile.
        if readAll && ids.count > 4 * numbers.count + 1024 {
            try GraphSchema.remakingKeptIndexes(db) { try put(settled: 1) }
        } else {
            try put(settled: 0)
        }
    }

    /// How ``settleNumbers(most:)`` settled the recent ids, if it did.
    enum Settling: Equatable {
        /// Row by row, in id order.
        case inPlace
        /// With both indexes made again around it.
        case remade
    }

    /// Settles the recent ids of `itemKey` (v19) when there are more than `most`. Row by row
    /// in id order (read from the recent index), so the settled index takes them in one pass
    /// over its pages, each page touched about once, instead of a random page each. When they
    /// are many beside the settled ones (after a first rebuild, say), both indexes are made
    /// again around one update instead, by a sort.
    @discardableResult
    func settleNumbers(most: Int = GraphSchema.itemKeysRecentMost) throws -> Settling? {
        let recent = try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = 0") ?? 0
        guard recent > most else { return nil }
        let settled = try Int.fetchOne(db, sql: "SELECT count(*) FROM itemKey WHERE settled = 1") ?? 0
        do {
            if recent > settled / 4 {
                try GraphSchema.remakingKeptIndexes(db) { try db.execute(sql: "UPDATE itemKey SET settled = 1 WHERE settled = 0") }
                return .remade
            }
            let numbers = try Int64.fetchAll(db, sql: "SELECT n FROM itemKey WHERE settled = 0 ORDER BY id")
            let settle = try statement("UPDATE itemKey SET settled = 1 WHERE n = ?")
            for n in numbers {
                settle.bind(1, n)
                try settle.run()
            }
            return .inPlace
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Only ever numbered once, through both indexes: a file that broke this must go.
            throw GraphStoreError("itemKey: an id is numbered twice (\(error.message ?? "")); delete graph.sqlite and run vf graph rebuild")
        }
    }

    /// Deletes the numbers in `range` that no row holds any more, at the end of a rebuild:
    /// those of what only entries a node no longer holds named (a purged feed's, say). While a
    /// row holds a number it stays, so what is still named keeps its place in the listings.
    /// Each number is looked for by index in each numbered column. (`creates` is read only where
    /// the event did not apply: an applied one's equals its `fromResource` or `toResource`.)
    func pruneNumbers(in range: ClosedRange<Int64> = 1 ... .max) throws {
        numbers = [:]  // what it read or gave may be deleted below
        let held = ["resource WHERE n", "process WHERE n", "history WHERE resource"]
            + ["fromResource", "toResource", "container", "inputOf", "outputOf"].map { "event WHERE \($0)" }
        let unheld = held.map { "NOT EXISTS (SELECT 1 FROM \($0) = itemKey.n)" }
            + ["NOT EXISTS (SELECT 1 FROM event WHERE creates = itemKey.n AND status <> 0)"]
        try db.execute(sql: "DELETE FROM itemKey WHERE n BETWEEN ? AND ? AND " + unheld.joined(separator: " AND "),
                       arguments: [range.lowerBound, range.upperBound])
    }

    func setCursor(_ feed: FeedID, _ sequence: UInt64) throws {
        let s = try statement("INSERT OR REPLACE INTO cursor (feed, sequence) VALUES (?, ?)")
        s.bind(1, feed)
        s.bind(2, Int64(sequence))
        try s.run()
    }

    /// Inserts an event row, numbered next, or updates the one at its entry's place where it
    /// stands (keeping its number: a row replaced would be deleted and written again at the end).
    /// A row at that place written for another entry is an error, never merged with this one.
    func putEvent(_ place: FeedPlace, _ id: EntryID, _ row: EventRow) throws {
        let s = try statement("""
            INSERT INTO event (id, status, reason, root, waitsFor, ord, container, fromResource, toResource, inputOf, outputOf, corrects, creates, corrected,
                               author, sequence)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
            ON CONFLICT (author, sequence) DO UPDATE SET status = excluded.status, reason = excluded.reason, root = excluded.root,
                waitsFor = excluded.waitsFor, ord = excluded.ord, container = excluded.container,
                fromResource = excluded.fromResource, toResource = excluded.toResource, inputOf = excluded.inputOf,
                outputOf = excluded.outputOf, corrects = excluded.corrects, creates = excluded.creates, corrected = excluded.corrected
            WHERE event.id = excluded.id
            """)
        s.bind(1, id)
        s.bind(2, row.status.code)
        s.bind(3, row.status.reason)
        s.bind(4, row.root)
        s.bind(5, row.waitsFor)
        s.bind(6, blob: row.order?.bytes)
        s.bind(7, try number(row.container))
        s.bind(8, try number(row.lookups.fromResource))
        s.bind(9, try number(row.lookups.toResource))
        s.bind(10, try number(row.lookups.inputOf))
        s.bind(11, try number(row.lookups.outputOf))
        s.bind(12, row.lookups.corrects)
        s.bind(13, try number(row.lookups.creates))
        s.bind(14, row.corrected?.description)
        s.bind(15, place.author)
        s.bind(16, try place.storedSequence)
        try s.run()
        guard db.changesCount == 1 else {
            throw GraphStoreError("event \(id): sequence \(place.sequence) of \(place.author) holds another entry's row; run vf graph rebuild")
        }
    }

    /// Inserts a history row, or replaces the one at its resource and order.
    func putHistory(_ row: HistoryRow) throws {
        let s = try statement("""
            INSERT OR REPLACE INTO history (resource, ord, event, applied, unit, accountingQuantity, onhandQuantity,
                                            primaryAccountable, holder, currentLocation, containedIn, stage, state)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        s.bind(1, try number(row.resource.hash))
        s.bind(2, blob: row.order.bytes)
        s.bind(3, row.event)
        s.bind(4, Int64(row.image == nil ? 0 : 1))
        let image = row.image
        try bindHistoryText(s, 5, image?.unit)
        s.bind(6, image?.accountingQuantity.description)
        s.bind(7, image?.onhandQuantity.description)
        s.bind(8, text(image?.primaryAccountable))
        s.bind(9, text(image?.holder))
        try bindHistoryText(s, 10, image?.currentLocation)
        s.bind(11, image?.containedIn)
        try bindHistoryText(s, 12, image?.stage)
        try bindHistoryText(s, 13, image?.state)
        try s.run()
    }

    /// Binds a text column of a history row: the text itself, or for one longer than
    /// ``GraphSchema/historyTextInline`` bytes its BLAKE2b-256 hash, the text kept once in
    /// `historyText`. So each event on a resource with a long state costs the row, not the text.
    private func bindHistoryText(_ s: RawStatement, _ index: Int32, _ text: String?) throws {
        guard let text, text.utf8.count > GraphSchema.historyTextInline else { return s.bind(index, text) }
        let hash = Sodium.blake2b256(Array(text.utf8))
        if keptTexts.insert(hash).inserted {
            let put = try statement("INSERT OR IGNORE INTO historyText (hash, text) VALUES (?, ?)")
            put.bind(1, hash)
            put.bind(2, text)
            try put.run()
        }
        s.bind(index, blob: Array(hash.bytes))
    }

    func deleteHistory(resource: ResourceID, order: EventOrder) throws {
        guard let number = try existingNumber(resource.hash) else { return }
        let s = try statement("DELETE FROM history WHERE resource = ? AND ord = ?")
        s.bind(1, number)
        s.bind(2, blob: order.bytes)
        try s.run()
    }

    /// Inserts a resource row, or replaces the one with its id.
    func putResource(_ r: EconomicResource) throws {
        let s = try statement("""
            INSERT OR REPLACE INTO resource (n, name, trackingIdentifier, note, conformsTo, unit, accountingQuantity, onhandQuantity,
                                             primaryAccountable, holder, currentLocation, containedIn, stage, state, createdBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, try number(r.id.hash))
        s.bind(2, r.name)
        s.bind(3, r.trackingIdentifier)
        s.bind(4, r.note)
        s.bind(5, r.conformsTo)
        s.bind(6, r.unit)
        s.bind(7, r.accountingQuantity.description)
        s.bind(8, r.onhandQuantity.description)
        s.bind(9, text(r.primaryAccountable))
        s.bind(10, text(r.holder))
        s.bind(11, r.currentLocation)
        s.bind(12, r.containedIn)
        s.bind(13, r.stage)
        s.bind(14, r.state)
        s.bind(15, r.createdBy)
        try s.run()
    }

    func deleteResource(_ id: ResourceID) throws {
        guard let number = try existingNumber(id.hash) else { return }
        let s = try statement("DELETE FROM resource WHERE n = ?")
        s.bind(1, number)
        try s.run()
    }

    /// Inserts an agent row, or replaces the one with its id.
    func putAgent(_ id: AgentID, _ row: AgentRow) throws {
        let s = try statement("INSERT OR REPLACE INTO agent (id, answeredBy, describedBy, uses) VALUES (?, ?, ?, ?)")
        s.bind(1, text(id))
        s.bind(2, row.answeredBy)
        s.bind(3, row.describedBy)
        s.bind(4, Int64(row.uses))
        try s.run()
    }

    func deleteAgent(_ id: AgentID) throws {
        let s = try statement("DELETE FROM agent WHERE id = ?")
        s.bind(1, id.description)
        try s.run()
    }

    /// Inserts a process, by its number (v16).
    func putProcess(_ id: EntryID) throws {
        let s = try statement("INSERT OR REPLACE INTO process (n) VALUES (?)")
        s.bind(1, try number(id.hash))
        try s.run()
    }

    /// Inserts the id of a specification.
    func putSpecification(_ id: EntryID) throws {
        let s = try statement("INSERT OR REPLACE INTO resourceSpecification (id) VALUES (?)")
        s.bind(1, id)
        try s.run()
    }

    func putPlanned(_ id: EntryID, _ kind: PlannedKind) throws {
        let s = try statement("INSERT OR REPLACE INTO planned (id, kind) VALUES (?, ?)")
        s.bind(1, id)
        s.bind(2, kind.code)
        try s.run()
    }

    func putLink(_ link: PlanningLink) throws {
        let s = try statement("INSERT OR IGNORE INTO link (target, relation, author, source) VALUES (?, ?, ?, ?)")
        s.bind(1, link.target)
        s.bind(2, link.relation.rawValue)
        s.bind(3, link.author)
        s.bind(4, link.source)
        try s.run()
    }

    func putRejected(_ id: EntryID, _ status: EventStatus) throws {
        let s = try statement("INSERT OR REPLACE INTO rejected (id, status, reason) VALUES (?, ?, ?)")
        s.bind(1, id)
        s.bind(2, status.code)
        s.bind(3, status.reason ?? "")
        try s.run()
    }

    /// Empties every table a rebuild fills (``GraphSchema/rebuiltTables``: not `itemKey`).
    func clear() throws {
        for table in GraphSchema.rebuiltTables { try db.execute(sql: "DELETE FROM \(table)") }
    }

    /// Empties the tables a rebuild fills and drops their indexes, then writes every row of
    /// `rows` and the `cursors`, each table in key order (``ByteOrder``, resources by number) so
    /// its b-tree only grows at its right edge; the caller makes the indexes again. The ids to
    /// number are listed on another core while the tables are emptied, and the rows are made on
    /// another thread while this one writes those made before (``RowQueue``): making them
    /// (sorting, looking up) takes about as long as SQLite writing them.
    func refill(_ rows: DerivedRows, cursors: [FeedID: UInt64], numbersSlack: Int64 = 1024) throws {
        let listing = BackgroundValue { rows.numberedIDs }
        let emptied = Result { try clear(); try GraphSchema.dropIndexes(db) }
        // Waited for whatever came of emptying: not left running with the whole derivation.
        let ids = listing.wait()
        try emptied.get()
        for (feed, sequence) in cursors { try setCursor(feed, sequence) }
        try number(ids, slack: numbersSlack)
        // Every id the rows name has its number now; the other thread reads a copy.
        let numbers = numbers
        try RowQueue<DerivedRow>().run(make: { emit in try rows.forEachRow(numbered: { numbers[$0] ?? .max }, emit) },
                                       write: put)
    }

    /// Writes one row of a rebuild.
    private func put(_ row: DerivedRow) throws {
        switch row {
        case let .event(place, id, row): try putEvent(place, id, row)
        case let .history(row): try putHistory(row)
        case let .resource(resource): try putResource(resource)
        case let .agent(id, row): try putAgent(id, row)
        case let .process(id): try putProcess(id)
        case let .specification(id): try putSpecification(id)
        case let .planned(id, kind): try putPlanned(id, kind)
        case let .link(link): try putLink(link)
        case let .rejected(id, status): try putRejected(id, status)
        }
    }
}
