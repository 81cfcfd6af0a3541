import VFGraph
import GRDB
import VFLog

/// Brings the tables up to date with the entries beyond their cursors, deriving only what
/// those entries change (docs/protocol.md §16, "Keeping it current"):
///
/// 1. catalogue the new entries: processes, specifications, agents and rejected entries are
///    rows of their own; events are what the rest is about;
/// 2. settle (``PreFoldSettling``) the new events and those they may change: pending events
///    waiting for a new entry or resource, combines whose process has a new output, and,
///    until nothing more changes, the events waiting for or depending on an event whose
///    outcome changed; each ready one gets its ``EventOrder``;
/// 3. re-fold from where the changes land: each event that starts or stops being folded, or
///    moves, changes the resources it touches from its place on, so every folded event after
///    that place on those resources is folded again, and so on for the resources those touch.
///    Each resource starts from its state before that place, read from `history`;
/// 4. write the rows that changed.
///
/// The result equals a rebuild, row for row (resource and process numbers apart, v16): the same rules, applied to the same states.
/// Runs inside the caller's write transaction; reads payloads from `log` by id.
struct GraphUpdate {
    let db: Database
    let log: LogStore
    /// The cursors the tables are at, and the heads to bring them to.
    let cursors: [FeedID: UInt64]
    let heads: [FeedID: UInt64]
    /// The entries between them, feed by feed in order; read from the log when nil.
    private let given: [GraphEntry]?

    /// - Parameters:
    ///   - entries: the entries between `cursors` and `heads`, when the caller has them (a
    ///     publish check's provisional entries, which the log does not hold); else they are
    ///     read from `log`.
    ///   - provisional: entries the tables hold but the log does not (a publish check's, folded
    ///     earlier in the same transaction).
    init(db: Database, log: LogStore, cursors: [FeedID: UInt64], heads: [FeedID: UInt64],
         entries: [GraphEntry]? = nil, provisional: ProvisionalRecords? = nil) {
        self.db = db
        self.log = log
        self.cursors = cursors
        self.heads = heads
        given = entries
        tables = UpdateTables(db: db, log: log, heads: heads, provisional: provisional)
    }

    private let tables: UpdateTables
    /// The new entries' decoded payloads, by id.
    private var fresh: [EntryID: (entry: GraphEntry, decoded: Derivation.Decoded)] = [:]
    /// The new events output by each process, for combines looking for their container.
    private var freshOutputs: [EntryID: [EntryID]] = [:]
    /// The implicit container of each process's combines, found once per settling: each
    /// combine without a container would otherwise read all of its process's outputs again.
    private var implicitContainers: [EntryID: Result<(ResourceID, [EntryID]), StatusFailure>] = [:]
    /// The new events, as an update sees them.
    private var freshEvents: [EntryID: UpdateEvent] = [:]
    /// New events creating a resource, by the resource.
    private var freshCreators: [ResourceID: EntryID] = [:]
    private var changes = GraphChanges()
    /// Commitments whose agreements' state the new entries may change: their fulfilling
    /// events are folded again (``ConsentRule``).
    private var consentTouched: Set<EntryID> = []
    /// How many events this update settled, and how many it folded: what it touched.
    private(set) var work = UpdateWork()
    /// What it wrote of its new events and of the resources it touched.
    private(set) var left = UpdateResult()

    /// Does the update; returns what changed.
    mutating func run() throws -> GraphChanges {
        let entries = try newEntries()
        let writer = GraphTableWriter(db)
        let (events, woken) = try catalogue(entries, writer: writer)
        let settled = try settle(events + woken)
        work.settled = settled.count
        try refold(settled, again: try consentDependents(settled), writer: writer)
        for (feed, head) in heads where cursors[feed] != head {
            try writer.setCursor(feed, head)
            changes.cursors[feed] = head
        }
        work.entriesRead = tables.entriesRead
        work.placesRead = tables.placesRead
        return changes
    }

    // MARK: 1. catalogue

    /// The entries beyond the cursors, up to the heads, feed by feed in order.
    private func newEntries() throws -> [GraphEntry] {
        if let given { return given }
        var entries: [GraphEntry] = []
        for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
            var next = (cursors[feed] ?? 0) + 1
            while next <= head {
                let page = try log.records(author: feed, in: next...head, limit: 2000)
                guard let last = page.last else { break }
                entries += page.map { GraphEntry($0, verified: true) }
                next = last.sequence + 1
            }
        }
        return entries
    }

    /// Writes the rows of the new processes, specifications, agents and rejected entries, and
    /// returns the new events and the events already held that their arrival may change.
    private mutating func catalogue(_ entries: [GraphEntry], writer: GraphTableWriter) throws -> (new: [EntryID], woken: [EntryID]) {
        let decoded = entries.concurrentMap(minimumChunk: 128) { ($0, Derivation.decodeEntry($0)) }
        // Sized once: grown an entry at a time, they would be hashed again at each doubling.
        fresh.reserveCapacity(fresh.count + entries.count)
        freshEvents.reserveCapacity(freshEvents.count + entries.count)
        var events: [EntryID] = []
        var profiles: [FeedID: GraphEntry] = [:]
        var arrived: [Hash32] = []
        var outputsOf: Set<EntryID> = []
        var agreementsTouched: Set<EntryID> = [], commitmentsTouched: Set<EntryID> = [], partiesArrived: [EntryID] = []
        var withdrawals: [EntryID: [FeedID]] = [:]
        for (entry, object) in decoded {
            fresh[entry.id] = (entry, object)
            arrived.append(entry.id.hash)
            switch object {
            case .notHeld:
                break
            case let .rejected(error):
                try writer.putRejected(entry.id, .invalid(error.reason))
                changes.rejected.insert(entry.id)
            case let .object(.event(payload)):
                for link in PlanningLink.made(by: entry.id, author: entry.author, .event(payload)) { try writer.putLink(link) }
                events.append(entry.id)
                freshEvents[entry.id] = UpdateEvent(entry: entry, payload: payload, stored: nil)
                if let process = payload.outputOf { freshOutputs[process, default: []].append(entry.id) }
                if payload.newInventoriedResource != nil {
                    let resource = ResourceID(createdBy: entry.id)
                    freshCreators[resource] = entry.id
                    arrived.append(resource.hash)
                }
                if let process = payload.outputOf, [.produce, .modify].contains(payload.action), payload.corrects == nil,
                   payload.fromResource(createdBy: entry.id) != nil {
                    outputsOf.insert(process)
                }
            case let .object(.process(process)):
                try writer.putProcess(entry.id)
                for link in PlanningLink.made(by: entry.id, author: entry.author, .process(process)) { try writer.putLink(link) }
                changes.processes.insert(entry.id)
            case .object(.resourceSpecification):
                try writer.putSpecification(entry.id)
                changes.specifications.insert(entry.id)
            case let .object(.agent(agent)) where agent.isProfile:
                if entry.sequence > profiles[entry.author]?.sequence ?? 0 { profiles[entry.author] = entry }
            case .object(.agent):
                let id = AgentID.described(entry.id)
                try writer.putAgent(id, AgentRow(answeredBy: entry.author, describedBy: entry.id, uses: 0))
                tables.forgetAgent(id)
                changes.agents.insert(id)
                partiesArrived.append(entry.id)
            case let .object(.planned(payload)):
                try writer.putPlanned(entry.id, payload.kind)
                for link in PlanningLink.made(by: entry.id, author: entry.author, .planned(payload)) { try writer.putLink(link) }
                switch payload.kind {
                case .agreement: agreementsTouched.insert(entry.id)
                case .acceptance: if let a = payload.accepts { agreementsTouched.insert(a) }
                case .withdrawal:
                    if let a = payload.withdraws {
                        agreementsTouched.insert(a)
                        withdrawals[a, default: []].append(entry.author)
                    }
                case .commitment: commitmentsTouched.insert(entry.id)
                default: break
                }
            case .object(.foreign):
                break
            }
        }
        // A feed's latest profile describes it.
        for (feed, entry) in profiles {
            let id = AgentID.feed(feed)
            var row = try tables.agentRow(id) ?? AgentRow(answeredBy: feed, describedBy: nil, uses: 0)
            let current = try row.describedBy.flatMap { try tables.record($0)?.sequence } ?? 0
            guard entry.sequence > current else { continue }
            row.describedBy = entry.id
            try writer.putAgent(id, row)
            tables.forgetAgent(id)
            changes.agents.insert(id)
        }
        // Agreements whose signatures, parties or commitments may have changed, and their commitments.
        let facts = consentFacts()
        for agent in partiesArrived { commitmentsTouched.formUnion(try facts.sources(naming: agent, by: .party, signedBy: nil)) }
        // Of the agreements stipulating a commitment, only one every party of it signed can be
        // in force (its parties are the agreement's): strangers' agreements are not read.
        for commitment in commitmentsTouched {
            guard let (held, _) = try facts.plannedEntry(commitment) else { continue }
            agreementsTouched.formUnion(try AgreementRule.signedByEveryParty(stipulating: held, facts: facts))
        }
        // What arrives can only bring an agreement into force (a commitment or a party now
        // held, a signature, perhaps earlier than one before), except a signer's withdrawal,
        // which may end it: so only those agreements change what their fulfilments may do. An
        // entry that names someone else's agreement costs nothing more.
        for agreement in agreementsTouched {
            guard let (held, at) = try facts.plannedEntry(agreement), held.payload.kind == .agreement else { continue }
            let state = try AgreementRule.state(of: held, timestamp: at, facts: facts)
            let withdrawnBySigner = withdrawals[agreement]?.contains { $0 == held.author || state.parties.contains($0) } ?? false
            guard state.inForce || withdrawnBySigner else { continue }
            consentTouched.formUnion(held.payload.stipulates + held.payload.stipulatesReciprocal)
        }
        // Pending events waiting for what arrived, and combines whose process has a new output.
        var woken: [EntryID] = []
        for id in arrived { woken += try tables.waiting(for: id) }
        for process in outputsOf.sorted() { woken += try tables.implicitCombines(of: process) }
        for id in outputsOf.sorted() { woken += try tables.waiting(for: id.hash) }
        return (events, woken)
    }

    // MARK: 2. settle

    /// What one event needs, kept while the set of events to settle grows.
    private enum Need {
        case failed(EventStatus, waitsFor: Hash32?)
        /// `sharing`: for a combine that found its container among its process's outputs, that
        /// process, whose outputs naming the container it depends on (one shared place per
        /// process, ``PreFoldNeed/shared(dependencies:)``).
        case ready(dependencies: [EntryID], container: ResourceID?, sharing: EntryID?)
    }

    /// An event settled by this update, and what it was before.
    struct Settled {
        let event: UpdateEvent
        let outcome: PreFoldOutcome
        let order: EventOrder?
        let container: ResourceID?
    }

    /// Settles `start` and every event their changes reach, and gives each its order.
    private mutating func settle(_ start: [EntryID]) throws -> [EntryID: Settled] {
        implicitContainers = [:]
        var members: [EntryID] = []
        var isMember: Set<EntryID> = []
        var needs: [EntryID: Need] = [:]
        func add(_ id: EntryID) {
            if isMember.insert(id).inserted { members.append(id) }
        }
        start.forEach(add)
        var result: [EntryID: Settled] = [:]
        // Each id's waiting and dependent events are looked up once: an event whose outcome
        // changes again in a later pass reaches the same ones.
        var lookedUpWaiting: Set<EntryID> = []
        var lookedUpDependents: Set<EntryID> = []
        /// Adds the events waiting for `id`, and those waiting for them, and so on: a pending
        /// event's outcome names what it waits for, so when that changes, they all are settled
        /// again — in this pass, not one more pass per link of a chain of waiting events.
        func addWaiting(for id: EntryID) throws -> Bool {
            var grew = false
            var queue = [id]
            while let next = queue.popLast() {
                guard lookedUpWaiting.insert(next).inserted else { continue }
                for waiting in try tables.waiting(for: next.hash) where !isMember.contains(waiting) {
                    add(waiting)
                    grew = true
                    queue.append(waiting)
                }
            }
            return grew
        }
        while true {
            work.settlingPasses += 1
            for id in members where needs[id] == nil { needs[id] = try need(of: try event(id)) }
            // Number the members, then one shared place per process whose implicit combines are
            // members, then the events they depend on that this update does not settle.
            var index: [EntryID: Int32] = [:]
            var ids: [EntryID] = members
            for (i, id) in members.enumerated() { index[id] = Int32(i) }
            var sharedPlaces: [EntryID: Int32] = [:]
            var sharedOutputs: [[EntryID]] = []
            for id in members {
                guard case let .ready(_, _, process?) = needs[id]!, sharedPlaces[process] == nil,
                      case let .success((_, outputs))? = implicitContainers[process] else { continue }
                sharedPlaces[process] = Int32(ids.count)
                ids.append(process)
                sharedOutputs.append(outputs)
            }
            let shared = members.count ..< ids.count
            var external: [Int: EventRow] = [:]
            func place(_ id: EntryID) throws -> Int32? {
                if let i = index[id] { return i }
                guard let row = try tables.eventRow(id) else { return nil }
                let i = Int32(ids.count)
                ids.append(id)
                index[id] = i
                external[Int(i)] = row
                return i
            }
            var preFold: [PreFoldNeed] = []
            for id in members {
                switch needs[id]! {
                case let .failed(status, waitsFor): preFold.append(.failed(status, waitsFor: waitsFor))
                case let .ready(deps, container, sharing):
                    preFold.append(.ready(dependencies: try deps.compactMap(place) + (sharing.flatMap { sharedPlaces[$0] }.map { [$0] } ?? []),
                                          container: container))
                }
            }
            for outputs in sharedOutputs { preFold.append(.shared(dependencies: try outputs.compactMap(place))) }
            var given: [PreFoldOutcome?] = Array(repeating: nil, count: shared.upperBound)
            for i in shared.upperBound..<ids.count {
                let row = external[i]!
                preFold.append(.ready(dependencies: [], container: nil))
                given.append(row.order != nil ? PreFoldOutcome() : PreFoldOutcome(status: row.status, root: row.root, waitsFor: row.waitsFor))
            }
            let outcomes = PreFoldSettling(needs: preFold, ids: ids, given: given).settle()
            // Orders: the ready members', from their dependencies' (members' or the tables').
            var keys: [(key: CausalKey, event: Int)] = []
            var dependencies = [[Int32]](repeating: [], count: ids.count)
            for (i, id) in members.enumerated() where outcomes[i].status == nil {
                let e = try event(id)
                keys.append((CausalKey(event: e.payload, entry: e.entry), i))
                if case let .ready(deps, _) = preFold[i] { dependencies[i] = deps }
            }
            for i in shared { if case let .shared(deps) = preFold[i] { dependencies[i] = deps } }
            var orders: [Int: EventOrder] = [:]
            for (i, order) in CausalOrder.sort(keys: keys, dependencies: dependencies, shared: shared, placed: { external[$0]?.order }) {
                orders[i] = order
            }

            // What changed reaches further: events waiting for it, and what depends on it.
            var grew = false
            result = [:]
            for (i, id) in members.enumerated() {
                let e = try event(id)
                let container = Self.container(e.payload, need: needs[id]!)
                let settled = Settled(event: e, outcome: outcomes[i], order: orders[i], container: container)
                result[id] = settled
                let before = e.stored
                let same = before.map { row in
                    row.order == orders[i] && row.container == container && (row.order != nil
                        || (row.status == outcomes[i].status && row.root == outcomes[i].root && row.waitsFor == outcomes[i].waitsFor))
                } ?? false
                guard !same else { continue }
                if try addWaiting(for: id) { grew = true }
                if let before, before.order != nil, lookedUpDependents.insert(id).inserted {
                    for dependent in try tables.dependents(of: id, lookups: before.lookups, action: e.payload.action) where !isMember.contains(dependent) {
                        add(dependent)
                        grew = true
                    }
                }
            }
            if !grew { return result }
        }
    }

    /// The container an event puts its resource into: a combine's `toResourceInventoriedAs`,
    /// else the one its process's outputs gave.
    private static func container(_ payload: EconomicEventPayload, need: Need) -> ResourceID? {
        if payload.action == .combine, let explicit = payload.toResourceInventoriedAs { return explicit }
        if case let .ready(_, container, _) = need { return container }
        return nil
    }

    /// ``Derivation/need(of:known:creator:implicitContainer:place:)`` with the dependencies as ids.
    private mutating func need(of e: UpdateEvent) throws -> Need {
        var failure: Error?
        let knowledge = UpdateKnowledge(update: self)
        var implicit: Result<(ResourceID, [EntryID]), StatusFailure>?
        if e.payload.isImplicitCombine {
            if let process = e.payload.inputOf, let known = implicitContainers[process] {
                implicit = known
            } else {
                implicit = try implicitContainer(of: e.payload)
                if let process = e.payload.inputOf { implicitContainers[process] = implicit }
            }
        }
        var depIDs: [EntryID] = []
        let need = Derivation.need(
            of: e.payload, known: knowledge,
            creator: { resource in
                do { return try knowledge.creator(of: resource) } catch { failure = error; return nil }
            },
            implicitContainer: { implicit!.map { ($0.0, nil) } },
            place: { id in
                guard knowledge.isEvent(id) else { return nil }
                depIDs.append(id)
                return Int32(depIDs.count - 1)
            })
        if let failure { throw failure }
        if let knowledgeFailure = knowledge.failure { throw knowledgeFailure }
        switch need {
        case let .failed(status, waitsFor): return .failed(status, waitsFor: waitsFor)
        case let .ready(deps, container):
            let sharing = e.payload.isImplicitCombine ? e.payload.inputOf : nil
            return .ready(dependencies: deps.map { depIDs[Int($0)] }, container: container, sharing: sharing)
        case .shared:
            preconditionFailure("Derivation.need describes an event, never a shared place")
        }
    }

    /// Whether `id` is a catalogued event, new or held.
    func isEvent(_ id: EntryID) throws -> Bool {
        if let new = fresh[id] { if case .object(.event) = new.decoded { return true } else { return false } }
        return try tables.eventRow(id) != nil
    }

    /// ``Derivation/implicitContainer(of:outputs:)`` over the outputs held and new, with the
    /// outputs naming the container, in id order.
    private func implicitContainer(of combine: EconomicEventPayload) throws -> Result<(ResourceID, [EntryID]), StatusFailure> {
        var found = [ResourceID: [EntryID]]()
        if let process = combine.inputOf {
            for id in Set(try tables.outputs(of: process) + (freshOutputs[process] ?? [])) {
                if let resource = Derivation.container(madeBy: try event(id).payload, id) { found[resource, default: []].append(id) }
            }
        }
        return Derivation.implicitContainer(of: combine, outputs: combine.inputOf.map { [$0: found] } ?? [:]).map { ($0, found[$0]!.sorted()) }
    }

    /// An event, new or held, with what its entry says and its row before this update.
    func event(_ id: EntryID) throws -> UpdateEvent {
        if let new = freshEvents[id] { return new }
        guard let held = try tables.event(id) else { throw GraphStoreError("event \(id): its row or payload is missing; run vf graph rebuild") }
        return held
    }

    // MARK: consent

    /// The consent rules' facts (``ConsentFacts``) as this update sees them: the new entries,
    /// and the tables (which hold the new planning objects' rows and links already).
    func consentFacts() -> TableConsentFacts {
        let fresh = self.fresh, tables = self.tables
        return TableConsentFacts(db: db, entry: { id in
            if let new = fresh[id] {
                guard case let .object(object) = new.decoded else { return nil }
                return (new.entry.author, new.entry.timestamp, object)
            }
            guard let record = try tables.record(id), let object = try tables.object(id) else { return nil }
            return (record.author, record.timestamp, object)
        }, describedAgent: { try tables.agentRow($0)?.answeredBy })
    }

    /// The order an event is folded at after this update; nil when it is not folded.
    private func foldedOrder(_ id: EntryID, settled: [EntryID: Settled]) throws -> EventOrder? {
        if let s = settled[id] { return s.order }
        return try tables.eventRow(id)?.order
    }

    /// Folded events whose consent (``ConsentRule``) this update may change, with their orders:
    /// every fulfilment of a commitment whose agreements' state may have changed, and the
    /// fulfilments, after a settled one, of a commitment in force (the quantity they share).
    private func consentDependents(_ settled: [EntryID: Settled]) throws -> [EntryID: EventOrder] {
        let facts = consentFacts()
        var again: [EntryID: EventOrder] = [:]
        for commitment in consentTouched {
            // Only a party's fulfilment of a held commitment can be given consent, so only
            // theirs are folded again; a commitment not held gives none (ConsentGrant).
            guard let held = try facts.plannedEntry(commitment) else { continue }
            let parties = try AgreementRule.parties(of: [held.planned], facts: facts).parties
            for id in try facts.sources(naming: commitment, by: .fulfills, signedBy: parties) {
                if let order = try foldedOrder(id, settled: settled) { again[id] = order }
            }
        }
        // Each commitment once, from the earliest place a settled fulfilment of it had or has.
        var earliest: [EntryID: EventOrder] = [:]
        var commitments: [EntryID: (planned: GraphPlanned, parties: [FeedID])?] = [:]
        for (_, s) in settled where !s.event.payload.fulfills.isEmpty {
            guard let from = [s.order, s.event.stored?.order].compactMap({ $0 }).min() else { continue }
            for commitment in s.event.payload.fulfills where !consentTouched.contains(commitment) {
                if commitments[commitment] == nil {
                    commitments[commitment] = try facts.plannedEntry(commitment).map { held in
                        (held.planned, try AgreementRule.parties(of: [held.planned], facts: facts).parties)
                    }
                }
                // Only a fulfilment that counts toward the shared quantity moves what the later ones may do.
                guard let c = commitments[commitment] ?? nil, ConsentRule.matches(s.event.payload, c.planned.payload),
                      c.parties.contains(s.event.entry.author) else { continue }
                earliest[commitment] = min(from, earliest[commitment] ?? from)
            }
        }
        for (commitment, from) in earliest {
            guard let c = commitments[commitment] ?? nil, try AgreementRule.isStipulatedInForce(c.planned, facts: facts) else { continue }
            for id in try facts.sources(naming: commitment, by: .fulfills, signedBy: c.parties) {
                if let order = try foldedOrder(id, settled: settled), order > from { again[id] = order }
            }
        }
        return again
    }

    // MARK: 3. re-fold

    private mutating func refold(_ settled: [EntryID: Settled], again: [EntryID: EventOrder], writer: GraphTableWriter) throws {
        // Where each change lands: history rows of moved or unfolded events go, new ones come.
        var seeds: [(order: EventOrder, resource: ResourceID)] = []
        var placed: [ResourceID: [(order: EventOrder, event: EntryID)]] = [:]
        var touched: [EntryID: [ResourceID]] = [:]
        // Events newly folded or moved are folded again whatever they touch (some touch nothing).
        var affected: [EntryID: EventOrder] = [:]
        // Where events that touch no resource, or their corrections, were or are folded again
        // (below), by the event corrected.
        var correctedFrom: [EntryID: EventOrder] = [:]
        // Sized once for what they usually hold, each a settled event's or resource's.
        touched.reserveCapacity(settled.count)
        affected.reserveCapacity(settled.count)
        placed.reserveCapacity(settled.count)
        seeds.reserveCapacity(settled.count)
        for (id, s) in settled {
            let before = s.event.stored
            let now: [ResourceID]? = s.order == nil ? nil : try touches(s.event.lookups, container: s.container, settled: settled)
            let then: [ResourceID]? = before?.order == nil ? nil : try touches(before!.lookups, container: before!.container, settled: [:])
            if let now { touched[id] = now }
            if let order = before?.order, then?.isEmpty ?? false, s.order != order {
                let original = s.event.payload.corrects ?? id
                correctedFrom[original] = min(order, correctedFrom[original] ?? order)
            }
            if let order = before?.order, let then, s.order != order || now != then {
                for resource in then {
                    try writer.deleteHistory(resource: resource, order: order)
                    seeds.append((order, resource))
                }
            }
            if let order = s.order, let now, before?.order != order || now != (then ?? []) {
                affected[id] = order
                for resource in now {
                    seeds.append((order, resource))
                    placed[resource, default: []].append((order, id))
                }
            }
        }
        // Events whose consent may have changed are folded again where they are.
        for (id, order) in again where affected[id] == nil {
            let resources: [ResourceID]
            if let s = settled[id] {
                resources = try touches(s.event.lookups, container: s.container, settled: settled)
            } else {
                let e = try event(id)
                resources = try touches(e.lookups, container: e.stored?.container, settled: settled)
            }
            affected[id] = order
            touched[id] = resources
            // Their history rows are held: the walk below finds them, and they are affected already.
            for resource in resources { seeds.append((order, resource)) }
        }
        // Every folded event after a change on a resource it touches, and so on.
        var start: [ResourceID: EventOrder] = [:]
        start.reserveCapacity(placed.count)
        var queue = OrderQueue()
        for seed in seeds where start[seed.resource].map({ seed.order < $0 }) ?? true {
            start[seed.resource] = seed.order
            queue.push(seed.order, seed.resource)
        }
        while let (order, resource) = queue.pop() {
            guard start[resource] == order else { continue }
            // A resource a new event creates has no history yet.
            var rows = freshCreators[resource] == nil ? try tables.folded(touching: resource, from: order) : []
            rows += (placed[resource] ?? []).filter { $0.order >= order }
            for (place, id) in rows where affected[id] == nil {
                affected[id] = place
                let resources: [ResourceID]
                if let known = touched[id] { resources = known } else {
                    let e = try event(id)
                    resources = try touches(e.lookups, container: e.stored?.container, settled: settled)
                    touched[id] = resources
                }
                for other in resources where start[other].map({ place < $0 }) ?? true {
                    start[other] = place
                    queue.push(place, other)
                }
            }
        }

        // An event that touches no resource leaves no history rows its corrections are found
        // by, and they touch nothing either: when it or one of its corrections is folded again,
        // so is every correction of it folded after that place, so that each is checked against
        // the ones before it in causal order, as a rebuild does. (A correction naming a resource
        // such an event does not change is invalid whatever came before it, and a stranger's
        // correction is unauthorized whatever came before it: neither is read.)
        for (id, order) in affected where touched[id]?.isEmpty ?? true {
            let original = try event(id).payload.corrects ?? id
            correctedFrom[original] = min(order, correctedFrom[original] ?? order)
        }
        for (original, from) in correctedFrom {
            for (id, stored) in try tables.foldedCorrections(of: original, after: from) where affected[id] == nil {
                guard let place = settled[id].map({ $0.order }) ?? stored, place > from else { continue }
                let e = try event(id)
                guard try touches(e.lookups, container: e.stored?.container, settled: settled).isEmpty else { continue }
                affected[id] = place
                touched[id] = []
            }
        }

        // The working graph: each resource as it stood before its start, and what the
        // affected events read of the catalogue.
        var graph = EconomicGraph()
        var before: [ResourceID: EconomicResource] = [:]
        for (resource, order) in start {
            guard freshCreators[resource] == nil else { continue }  // nothing held of it yet
            let current = try tables.resourceRow(resource)
            before[resource] = current
            if let state = try tables.resource(resource, before: order, row: current) { graph.resources[resource] = state }
        }
        let ordered = affected.sorted { $0.value < $1.value }
        work.folded = ordered.count
        work.heldTouched = Set(settled.keys).union(affected.keys).count { freshEvents[$0] == nil }
        // A held event settled again is not one a check can put down to one payload's claims.
        if settled.keys.contains(where: { freshEvents[$0] == nil }) { left.heldReach = nil }
        var folded: [EntryID: GraphEvent] = [:]
        // The applied corrections this update takes back (folds again, or no longer folds), by
        // the event they correct.
        var undone: [EntryID: [UpdateEvent]] = [:]
        for (id, _) in ordered {
            let e = try event(id)
            if let original = e.payload.corrects, e.stored?.status == .applied, e.stored?.order != nil { undone[original, default: []].append(e) }
        }
        for (_, s) in settled where s.order == nil && affected[s.event.entry.id] == nil {
            if let original = s.event.payload.corrects, s.event.stored?.status == .applied, s.event.stored?.order != nil {
                undone[original, default: []].append(s.event)
            }
        }
        var held: Set<EntryID> = []
        for (id, _) in ordered {
            let e = try event(id)
            try loadCatalogue(for: e.payload, into: &graph)
            // An original folded again by this update is folded before its corrections: it is not read here.
            if let original = e.payload.corrects, graph.events[original] == nil, affected[original] == nil,
               var event = try originalEvent(original, settled: settled) {
                event.correctedQuantity = try correctedQuantity(of: original, taking: undone[original] ?? [])
                graph.events[original] = event
                held.insert(original)
            }
        }
        var uses: [AgentID: Int] = [:]
        var judge = ConsentJudge(facts: consentFacts())
        for (id, order) in ordered {
            let e = try event(id)
            var g = GraphEvent(provenance: e.entry.provenance, payload: e.payload, status: .applied,
                               fromResource: e.lookups.fromResource, toResource: e.lookups.toResource)
            g.container = settled[id]?.container ?? e.stored?.container
            g.order = order
            var consent: [ConsentGrant] = []
            if !e.payload.fulfills.isEmpty {
                consent = try judge.grants(for: id, e.payload, signer: e.entry.author, order: order) { other in
                    guard let place = try foldedOrder(other, settled: settled) else { return nil }
                    let o = try event(other)
                    return (o.entry.author, o.payload, place)
                }
            }
            let status = EffectApplier.apply(g, to: &graph, consent: consent)
            g.status = status
            graph.events[id] = g
            folded[id] = g
            for resource in touched[id] ?? [] {
                try writer.putHistory(HistoryRow(resource: resource, order: order, event: id,
                                                 image: status == .applied ? graph.resources[resource].map(ResourceImage.init) : nil))
            }
            let wasApplied = e.stored?.status == .applied
            if freshEvents[id] == nil, left.heldReach != nil {
                if wasApplied != (status == .applied) { left.heldReach = nil } else {
                    let planned = e.payload.fulfills + e.payload.satisfies + e.payload.settles
                    left.heldReach?.append(Set((touched[id] ?? []).map(\.hash) + planned.map(\.hash)))
                }
            }
            // A correction that starts or stops applying changes its original's corrections.
            if wasApplied != (status == .applied), let original = e.payload.corrects { changes.events.insert(original) }
            if wasApplied != (status == .applied) {
                for agent in DerivedRows.feedAgents(e.payload) { uses[agent, default: 0] += status == .applied ? 1 : -1 }
            }
        }

        // The quantities as corrected of the events whose corrections this update folded or
        // took back, when it did not fold them again.
        var corrected: [EntryID: ExactDecimal?] = [:]
        for original in held.union(undone.keys) where folded[original] == nil {
            corrected[original] = held.contains(original) ? graph.events[original]?.correctedQuantity
                : try correctedQuantity(of: original, taking: undone[original] ?? [])
            if freshEvents[original] == nil { left.heldReach = nil }
        }
        /// An event's quantity as corrected once this update is written: as the fold left it, or
        /// as this update's corrections left it, or as it was.
        func correctedAfter(_ id: EntryID, stored: ExactDecimal?) -> ExactDecimal? {
            if folded[id] != nil { return graph.events[id]?.correctedQuantity }
            return corrected[id] ?? stored
        }
        // The rows of the settled events (one no longer folded holds no corrected quantity), in
        // id order, so the ids they are first to name are numbered (v16) alike on every run...
        for id in settled.keys.sorted() {
            let s = settled[id]!
            let status = folded[id]?.status ?? s.outcome.status ?? s.event.stored?.status ?? .applied
            let corrected = folded[id] == nil && s.order == nil ? nil : correctedAfter(id, stored: s.event.stored?.corrected)
            let row = EventRow(status: status, root: s.order == nil ? s.outcome.root : nil, waitsFor: s.outcome.waitsFor,
                               order: s.order, container: s.container, lookups: s.event.lookups, corrected: corrected)
            if row != s.event.stored {
                try writer.putEvent(s.event.entry.place, id, row)
                changes.events.insert(id)
            }
            if freshEvents[id] != nil { left.rows[id] = row }
            // An event that stopped being folded takes its effects back with it.
            if s.order == nil, s.event.stored?.order != nil, s.event.stored?.status == .applied {
                for agent in DerivedRows.feedAgents(s.event.payload) { uses[agent, default: 0] -= 1 }
                if let original = s.event.payload.corrects { changes.events.insert(original) }
            }
        }
        // ...and of the others this update folded again, or whose corrections it folded or took back.
        for id in Set(folded.keys).union(corrected.keys) where settled[id] == nil && freshEvents[id] == nil {
            guard var row = try tables.eventRow(id), let place = try tables.place(id) else { continue }
            let status = folded[id]?.status ?? row.status, quantity = correctedAfter(id, stored: row.corrected)
            guard row.status != status || row.corrected != quantity else { continue }
            row.status = status
            row.corrected = quantity
            try writer.putEvent(place, id, row)
            changes.events.insert(id)
        }
        for (resource, _) in start {
            let after = graph.resources[resource]
            left.resources[resource] = .some(after)
            guard after != before[resource] else { continue }
            if let after { try writer.putResource(after) } else { try writer.deleteResource(resource) }
            changes.resources.insert(resource)
        }
        for (agent, delta) in uses where delta != 0 {
            guard case let .feed(feed) = agent else { continue }
            var row = try tables.agentRow(agent) ?? AgentRow(answeredBy: feed, describedBy: nil, uses: 0)
            row.uses += delta
            if row.uses <= 0, row.describedBy == nil { try writer.deleteAgent(agent) } else { try writer.putAgent(agent, row) }
            if (row.uses > 0) != (row.uses - delta > 0) || row.uses <= 0 { changes.agents.insert(agent) }
        }
    }

    /// The resources an event touches (``touchedResources(_:container:original:)``), its
    /// original's lookups read from the settled events or the tables.
    private func touches(_ lookups: EventLookups, container: ResourceID?, settled: [EntryID: Settled]) throws -> [ResourceID] {
        var original: EventLookups?
        if let corrected = lookups.corrects {
            if let s = settled[corrected] { original = s.event.lookups } else if try isEvent(corrected) { original = try event(corrected).lookups }
        }
        return touchedResources(lookups, container: container, original: original)
    }

    /// The quantity of event `original` as its applied corrections that this update does not
    /// take back left it (``GraphEvent/correctedQuantity``); nil when none is left. The
    /// tables hold it as all of them left it; those taken back (`undone`) came after the
    /// others in causal order (an update folds again every event after its start on the
    /// resources they change, and every correction after one folded again of an event that
    /// changes none), so their deltas come off, last first, back through the sums the fold
    /// made. Reads the rows of the corrections taken back, and one more.
    private func correctedQuantity(of original: EntryID, taking undone: [UpdateEvent]) throws -> ExactDecimal? {
        guard let stored = try tables.eventRow(original)?.corrected else { return nil }
        guard !undone.isEmpty else { return stored }
        let ids = Set(undone.map(\.entry.id))
        guard try tables.hasAppliedCorrection(of: original, other: ids) else { return nil }
        var net = stored
        do {
            for c in undone.sorted(by: { $0.stored!.order! > $1.stored!.order! }) {
                if let delta = c.payload.resourceQuantity?.value { net = try net.subtracting(delta) }
            }
        } catch {
            throw GraphStoreError("event \(original): its corrected quantity less the corrections taken back: \(error); run vf graph rebuild")
        }
        return net
    }

    /// The event a correction corrects, as the fold left it, when this update does not fold it again.
    private func originalEvent(_ id: EntryID, settled: [EntryID: Settled]) throws -> GraphEvent? {
        guard try isEvent(id) else { return nil }
        let e = try event(id)
        let status = e.stored?.status ?? settled[id]?.outcome.status ?? .applied
        var g = GraphEvent(provenance: e.entry.provenance, payload: e.payload, status: status,
                           fromResource: e.lookups.fromResource, toResource: e.lookups.toResource)
        g.container = settled[id]?.container ?? e.stored?.container
        g.order = settled[id]?.order ?? e.stored?.order
        return g
    }

    /// Puts into `graph` what applying an event with `payload` reads of the catalogue: the
    /// agents it names that have no feed of their own, the specifications whose units it
    /// checks, and the process whose stage its output takes.
    private func loadCatalogue(for payload: EconomicEventPayload, into graph: inout EconomicGraph) throws {
        for agent in [payload.provider, payload.receiver] {
            guard case .described = agent, graph.agents[agent] == nil, let row = try tables.agentRow(agent) else { continue }
            graph.agents[agent] = GraphAgent(id: agent, answeredBy: row.answeredBy, describedBy: row.describedBy)
        }
        for spec in [payload.resourceConformsTo, payload.newInventoriedResource?.conformsTo].compactMap({ $0 }) where graph.specifications[spec] == nil {
            if case let .resourceSpecification(s)? = try object(spec) {
                graph.specifications[spec] = GraphResourceSpecification(id: spec, author: try author(of: spec), payload: s)
            }
        }
        if let process = payload.outputOf, graph.processes[process] == nil, case let .process(p)? = try object(process) {
            graph.processes[process] = GraphProcess(id: process, author: try author(of: process), payload: p)
        }
    }

    /// The graph object an entry holds, new or held; nil when it holds none.
    func object(_ id: EntryID) throws -> VFObject? {
        if let new = fresh[id] { if case let .object(object) = new.decoded { return object } else { return nil } }
        return try tables.object(id)
    }

    private func author(of id: EntryID) throws -> FeedID {
        if let new = fresh[id] { return new.entry.author }
        guard let record = try tables.record(id) else { throw GraphStoreError("entry \(id) is not held; run vf graph rebuild") }
        return record.author
    }

    /// What the validator asks, answered from the new entries and the tables.
    private final class UpdateKnowledge: KnownObjects {
        let update: GraphUpdate
        var failure: Error?

        init(update: GraphUpdate) { self.update = update }

        func objectKind(of entry: EntryID) -> KnownKind? {
            do {
                if let new = update.fresh[entry] { return Derivation.kind(new.decoded, verified: new.entry.signatureVerified) }
                return try update.tables.kind(entry)
            } catch {
                failure = error
                return nil
            }
        }

        func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge {
            do { return try creator(of: resource) == nil ? .unknown : .known(unit: nil) } catch {
                failure = error
                return .unknown
            }
        }

        func defaultUnit(ofSpecification specification: EntryID) -> String? { nil }

        private var forgottenRead: ForgottenPayloads?

        /// Read from the log the first time an unknown reference is met, as a rebuild reads it.
        var forgotten: ForgottenPayloads {
            if let forgottenRead { return forgottenRead }
            do {
                let read = ForgottenPayloads(try update.log.forgottenEntries())
                forgottenRead = read
                return read
            } catch {
                failure = error
                return ForgottenPayloads()
            }
        }

        func creator(of resource: ResourceID) throws -> EntryID? {
            if let new = update.freshCreators[resource] { return new }
            return try update.tables.creator(of: resource)
        }

        /// Whether `id` is a catalogued event, new or held.
        func isEvent(_ id: EntryID) -> Bool {
            do { return try update.isEvent(id) } catch {
                failure = error
                return false
            }
        }
    }
}

/// What one update touched: the events it settled (step 2) and folded (step 3), and the
/// entries it read from the log by id (the new ones are read a feed's range at a time, not
/// counted here).
public struct UpdateWork: Equatable, Sendable {
    public var settled = 0
    /// How many times the events to settle were settled together before no more were reached.
    public var settlingPasses = 0
    public var folded = 0
    public var entriesRead = 0
    /// The entries whose places alone it read from the log by id: to find an event's row (v18).
    public var placesRead = 0
    /// How many of the events settled or folded were held before the update (the rest are new).
    public var heldTouched = 0
}

/// What an update left in the tables of what it was given and what it touched, as it wrote it:
/// a publish check reads its verdicts from here rather than read the rows back.
struct UpdateResult {
    /// The rows of the new events it settled.
    var rows: [EntryID: EventRow] = [:]
    /// Each resource it folded events on, as it left it (nil: it has no row now).
    var resources: [ResourceID: EconomicResource?] = [:]
    /// What each event held before the update, and folded again by it, reaches: the resources
    /// it touches and the planning objects it fulfils, satisfies or settles. Nil when the update
    /// changed a held event otherwise: settled it again, folded again or took back corrections
    /// of it (its corrected quantity), or folded it again to start or stop applying
    /// (``PayloadReach/confines(_:to:)``).
    var heldReach: [Set<Hash32>]? = []
}

/// An event as an update sees it: its entry, its payload, and its row before the update (nil
/// for a new event). A class: an update hands the same event around many times (settling,
/// folding, writing), and a copy of its payload each time was a measurable share of the work.
final class UpdateEvent {
    let entry: GraphEntry
    let payload: EconomicEventPayload
    let stored: EventRow?
    /// Made once: a created resource's id is a hash.
    let lookups: EventLookups

    init(entry: GraphEntry, payload: EconomicEventPayload, stored: EventRow?) {
        self.entry = entry
        self.payload = payload
        self.stored = stored
        lookups = stored?.lookups ?? EventLookups(payload, id: entry.id)
    }
}

/// A min-queue of places in the causal order, each with a resource.
private struct OrderQueue {
    private var items: [(EventOrder, ResourceID)] = []

    mutating func push(_ order: EventOrder, _ resource: ResourceID) {
        items.append((order, resource))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].0 < items[parent].0 else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (EventOrder, ResourceID)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left].0 < items[smallest].0 { smallest = left }
            if right < items.count, items[right].0 < items[smallest].0 { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
