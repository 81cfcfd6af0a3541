import GRDB
import VFLog

/// Publish checks against the tables: what `vf publish` and the API ask before signing.
extension GraphStore {
    /// The verdicts on `payloads`, as ``PublishCheck`` gives them, up to and including the
    /// first refusal: each accepted payload is folded into the tables, as if published by
    /// `author` at `timestamp`, so the next one is checked against it, and everything is rolled
    /// back at the end. Each check costs what its payload touches, not the size of the graph.
    /// Brings the tables up to date with `log` first.
    public func check(_ payloads: [[UInt8]], author: FeedID, timestamp: Int64, log: LogStore) throws -> [PublishVerdict] {
        try update(from: log)
        let head = try log.head(of: author)?.sequence ?? 0
        var verdicts: [PublishVerdict] = []
        try writeAndRollBack { db in
            let cursors = try GraphTableReader.cursors(db)
            var check = PublishCheck(target: TablePublishTarget(db: db, log: log, cursors: cursors), author: author,
                                     headSequence: head, timestamp: timestamp)
            for payload in payloads {
                let verdict = try check.check(payload)
                verdicts.append(verdict)
                if case .refused = verdict { break }
            }
        }
        return verdicts
    }
}

/// The tables inside a transaction that will be rolled back, as a ``PublishTarget``: each
/// entry is folded in by an update of its own (``GraphUpdate``), which the next one sees.
struct TablePublishTarget: PublishTarget {
    let db: Database
    let log: LogStore
    private var cursors: [FeedID: UInt64]
    /// The entries folded so far: the tables hold them, the log does not.
    private let provisional = ProvisionalRecords()
    private let knowledge: TableKnowledge
    var known: any KnownObjects { knowledge }

    init(db: Database, log: LogStore, cursors: [FeedID: UInt64]) {
        self.db = db
        self.log = log
        self.cursors = cursors
        knowledge = TableKnowledge(db: db, log: log, heads: cursors, provisional: provisional)
    }

    mutating func fold(_ entry: GraphEntry) throws -> EventStatus? {
        var heads = cursors
        heads[entry.author] = entry.sequence
        let record = EntryRecord(author: entry.author, sequence: entry.sequence, id: entry.id, timestamp: entry.timestamp, payload: entry.payload)
        provisional.records[entry.id] = record
        var update = GraphUpdate(db: db, log: log, cursors: cursors, heads: heads, entries: [entry], provisional: provisional)
        _ = try update.run()
        cursors = heads
        let tables = UpdateTables(db: db, log: log, heads: heads, provisional: provisional)
        if let row = try tables.eventRow(entry.id) { return row.status }
        guard let object = try tables.object(entry.id) else { return nil }
        return object.kind == nil ? nil : .applied
    }
}

/// What the validator asks, answered from the tables (and the entries a check folded in).
final class TableKnowledge: KnownObjects {
    private let db: Database
    private let log: LogStore
    private let heads: [FeedID: UInt64]
    private let provisional: ProvisionalRecords

    init(db: Database, log: LogStore, heads: [FeedID: UInt64], provisional: ProvisionalRecords) {
        self.db = db
        self.log = log
        self.heads = heads
        self.provisional = provisional
    }

    /// Fresh for each question: the tables change as entries are folded in.
    private var tables: UpdateTables { UpdateTables(db: db, log: log, heads: heads, provisional: provisional) }

    func objectKind(of entry: EntryID) -> KnownKind? {
        (try? tables.kind(entry)) ?? nil
    }

    func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge {
        guard let row = try? tables.resourceRow(resource) else { return .unknown }
        return .known(unit: row.unit)
    }

    func defaultUnit(ofSpecification specification: EntryID) -> String? {
        guard case let .resourceSpecification(spec)?? = try? tables.object(specification) else { return nil }
        return spec.defaultUnitOfResource
    }
}
