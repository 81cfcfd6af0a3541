import VFGraph
import GRDB
import VFLog

/// Publish checks against the tables: what `vf publish` and the API ask before signing.
extension GraphStore {
    /// The verdicts on `payloads`, as ``PublishCheck`` gives them, up to and including the
    /// first refusal: each accepted payload is folded into the tables, as if published by
    /// `author` at `timestamp`, so the next one is checked against it, and everything is rolled
    /// back at the end. Each check costs what its payload touches, not the size of the graph.
    /// Brings the tables up to date with `log` first.
    /// `allowNegative`: accept an event that leaves a resource of the author's below zero.
    public func check(_ payloads: [[UInt8]], author: FeedID, timestamp: Int64, log: LogStore,
                      allowNegative: Bool = false) throws -> [PublishVerdict] {
        try update(from: log)
        let head = try log.head(of: author)?.sequence ?? 0
        var verdicts: [PublishVerdict] = []
        try writeAndRollBack { db in
            let cursors = try GraphTableReader.cursors(db)
            // Another writer may have published in between, and the tables hold its entries:
            // the payloads are checked after them, at places no row holds (v18 finds rows by place).
            var check = PublishCheck(target: TablePublishTarget(db: db, log: log, cursors: cursors), author: author,
                                     headSequence: max(head, cursors[author] ?? 0), timestamp: timestamp)
            check.allowsNegative = allowNegative
            verdicts = try log.readingInOneTransaction { try Self.check(payloads.map { ($0, nil) }, with: &check) }
        }
        return verdicts
    }

    /// Each payload's verdict in turn, up to the first refusal, folded together where that
    /// decides each as folding it after the ones before it would (``PayloadReach``): all at once
    /// when every one stands alone; else runs that claim nothing in common, while folding them
    /// proves to change no event held before beyond one payload's claims
    /// (``checkTogetherIfApart(_:reaches:with:)``), as long as
    /// ``RunSchedule`` says.
    static func check(_ payloads: [CheckedPayload], with check: inout PublishCheck<TablePublishTarget>) throws -> [PublishVerdict] {
        let reaches = payloads.map { PayloadReach($0.payload) }
        if payloads.count > 1, reaches.allSatisfy(\.standsAlone) {
            return try checkTogether(payloads, with: &check).verdicts
        }
        var verdicts: [PublishVerdict] = []
        var next = 0
        var schedule = RunSchedule(batch: payloads.count)
        while next < payloads.count {
            if schedule.triesRuns {
                let count = PayloadReach.apartRun(reaches[next...], most: schedule.most)
                if count > 1 {
                    if let runVerdicts = try checkTogetherIfApart(Array(payloads[next ..< next + count]), reaches: reaches[next ..< next + count],
                                                                  with: &check) {
                        verdicts += runVerdicts
                        if case .refused? = runVerdicts.last { return verdicts }
                        next += count
                        schedule.runKept()
                        continue
                    }
                    schedule.runRolledBack()
                }
            }
            let verdict = try check.check(payloads[next].payload, signed: payloads[next].signed)
            verdicts.append(verdict)
            if case .refused = verdict { break }
            next += 1
            schedule.checkedAlone()
        }
        return verdicts
    }

    /// A payload to check, with the id and time of the entry signed for it, if it is.
    typealias CheckedPayload = (payload: [UInt8], signed: (id: EntryID, timestamp: Int64)?)

    /// ``checkTogether(_:with:)`` of a run of payloads that claim nothing in common (`reaches`),
    /// inside a savepoint, when folding them changes no event held before, or only held events
    /// each folded again within one payload's claims (an event back-dated before held ones on
    /// its own resource): then each reads and changes only what it claims and what it creates,
    /// so each verdict is the one it gets checked after those before it. Nil, with the tables
    /// and `check` as they were, when it changes others (a held event on two payloads'
    /// resources, a produce that wakes a held combine).
    private static func checkTogetherIfApart(_ payloads: [CheckedPayload], reaches: ArraySlice<PayloadReach>,
                                             with check: inout PublishCheck<TablePublishTarget>) throws -> [PublishVerdict]? {
        let before = check
        var verdicts: [PublishVerdict]?
        try check.folding.db.inSavepoint {
            let together = try checkTogether(payloads, with: &check)
            guard together.heldTouched == 0 || PayloadReach.confines(check.folding.lastFold.heldReach, to: reaches) else { return .rollback }
            verdicts = together.verdicts
            return .commit
        }
        if verdicts == nil {
            check.folding.forget(after: before.folding)
            check = before
        }
        return verdicts
    }

    /// ``PublishCheck/check(_:)`` of each payload in turn, when none changes what becomes of
    /// another (every one stands alone, or see ``checkTogetherIfApart(_:with:)``): the screened
    /// entries are folded by one update instead of one each, which decides each of them as
    /// folding them one after the other would.
    /// Also gives how many events held before the update changed (``UpdateWork/heldTouched``).
    private static func checkTogether(_ payloads: [CheckedPayload],
                                      with check: inout PublishCheck<TablePublishTarget>) throws -> (verdicts: [PublishVerdict], heldTouched: Int) {
        var screened: [PublishCheck<TablePublishTarget>.Screening] = []
        for (payload, signed) in payloads {
            let screening = check.screen(payload, signed: signed)
            screened.append(screening)
            if case .verdict(.refused) = screening { break }
        }
        let entries = screened.compactMap { if case let .fold(entry) = $0 { entry } else { nil } }
        var target = check.folding
        let (statuses, work) = try target.fold(entries)
        check.folding = target
        var verdicts: [PublishVerdict] = []
        for screening in screened {
            switch screening {
            case let .verdict(verdict): verdicts.append(verdict)
            case let .fold(entry): verdicts.append(try check.settle(statuses[entry.id] ?? nil, entry: entry.id))
            }
            if case .refused = verdicts.last! { break }
        }
        return (verdicts, work?.heldTouched ?? 0)
    }
}

/// The tables inside a transaction, as a ``PublishTarget``: each entry is folded in by an
/// update of its own (``GraphUpdate``), which the next one sees. A check rolls the transaction
/// back; a publish keeps what it folded.
struct TablePublishTarget: PublishTarget {
    let db: Database
    let log: LogStore
    private var cursors: [FeedID: UInt64]
    /// The entries folded so far: the tables hold them, the log may not (yet).
    private let provisional: ProvisionalRecords
    /// How many updates folded entries in, kept or rolled back (one a fold).
    var updates: Int { provisional.updates }
    /// How many entries `provisional` held after this target's last fold: a copy taken before
    /// a fold that is rolled back says what to keep (``forget(after:)``).
    private var provisionalCount: Int
    private let knowledge: TableKnowledge
    var known: any KnownObjects { knowledge }
    /// What the last fold wrote of its events and resources: the tables as they stand now,
    /// held in memory so a verdict does not read them back.
    private(set) var lastFold = UpdateResult()

    /// `provisional`: entries folded in this transaction before, which the log may not hold yet
    /// (``GraphStore/publishBatches(key:log:allowNegative:next:inputReady:stored:)``).
    init(db: Database, log: LogStore, cursors: [FeedID: UInt64], provisional: ProvisionalRecords = ProvisionalRecords()) {
        self.db = db
        self.log = log
        self.cursors = cursors
        self.provisional = provisional
        provisionalCount = provisional.count
        knowledge = TableKnowledge(db: db, log: log, heads: cursors, provisional: provisional)
    }

    mutating func fold(_ entry: GraphEntry) throws -> EventStatus? {
        try fold([entry]).statuses[entry.id] ?? nil
    }

    /// Every accepted payload of a check asks this once, just after the fold that folded it:
    /// answered from what that fold left, else read from the tables.
    func resources(changedBy entry: EntryID) throws -> [EconomicResource] {
        try resourcesLeft(changedBy: entry) ?? resourcesRead(changedBy: entry)
    }

    /// ``resources(changedBy:)`` as the last fold left them; nil when it did not settle `entry`,
    /// or `entry` is a correction (its original's resources are asked), or it did not touch them.
    func resourcesLeft(changedBy entry: EntryID) -> [EconomicResource]? {
        guard let row = lastFold.rows[entry], row.lookups.corrects == nil else { return nil }
        let ids = [row.lookups.fromResource, row.lookups.toResource].compactMap { $0 }
        let left = ids.compactMap { lastFold.resources[$0] }
        return left.count == ids.count ? left.compactMap { $0 } : nil
    }

    /// ``resources(changedBy:)`` read by the rows' keys: the event's resource numbers, then each
    /// resource's row.
    func resourcesRead(changedBy entry: EntryID) throws -> [EconomicResource] {
        guard var numbers = try resourceNumbers(of: entry) else { return [] }
        if let original = numbers.corrects, let corrected = try resourceNumbers(of: original) { numbers = corrected }
        return try [numbers.from, numbers.to].compactMap { number in
            try number.flatMap { n in try GraphTableReader.resources(db, where: "resource.n = ?1") { $0.bind(1, n) }.first }
        }
    }

    /// The numbers of the resources event `id` takes from and puts into, and the event it
    /// corrects; nil when the tables hold no such event.
    private func resourceNumbers(of id: EntryID) throws -> (from: Int64?, to: Int64?, corrects: EntryID?)? {
        guard let place = try UpdateTables(db: db, log: log, heads: cursors, provisional: provisional).place(id) else { return nil }
        let s = try RawStatement(db, "SELECT fromResource, toResource, corrects FROM event WHERE \(GraphSchema.eventAt(1))")
        try s.bindEvent(place, id, from: 1)
        defer { s.reset() }
        guard try s.next() else { return nil }
        return (s.int64(0), s.int64(1), try s.hash(2, table: "event").map(EntryID.init))
    }

    /// Forgets the entries folded since `earlier` was this target, whose fold was rolled back.
    func forget(after earlier: TablePublishTarget) {
        provisional.forget(after: earlier.provisionalCount)
    }

    /// Folds `entries` (one feed's, in order) by one update, and gives what became of each,
    /// and what the update touched (nil when there was nothing to fold).
    mutating func fold(_ entries: [GraphEntry]) throws -> (statuses: [EntryID: EventStatus?], work: UpdateWork?) {
        lastFold = UpdateResult()
        guard let last = entries.last else { return ([:], nil) }
        var heads = cursors
        heads[last.author] = last.sequence
        for entry in entries {
            provisional.add(EntryRecord(author: entry.author, sequence: entry.sequence, id: entry.id,
                                        timestamp: entry.timestamp, payload: entry.payload))
        }
        var update = GraphUpdate(db: db, log: log, cursors: cursors, heads: heads, entries: entries, provisional: provisional)
        _ = try update.run()
        provisional.updates += 1
        provisionalCount = provisional.count
        cursors = heads
        lastFold = update.left
        let tables = UpdateTables(db: db, log: log, heads: heads, provisional: provisional)
        var statuses: [EntryID: EventStatus?] = [:]
        for entry in entries {
            if let row = try lastFold.rows[entry.id] ?? tables.eventRow(entry.id) {
                statuses[entry.id] = row.status
            } else if let object = try tables.object(entry.id) {
                statuses[entry.id] = object.kind == nil ? nil : .applied
            } else {
                statuses[entry.id] = .some(nil)
            }
        }
        return (statuses, update.work)
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
        guard case let .resourceSpecification(spec)? = try? tables.object(specification) else { return nil }
        return spec.defaultUnitOfResource
    }

    /// Read once, when an unknown reference is first met: a publish that names a forgotten
    /// entry is refused with that reason.
    private(set) lazy var forgotten: ForgottenPayloads = ForgottenPayloads((try? log.forgottenEntries()) ?? [])
}
