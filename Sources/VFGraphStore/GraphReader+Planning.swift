import GRDB
import VFGraph
import VFLog

extension GraphReader {
    /// A planning object the graph holds.
    public func planned(_ id: EntryID) throws -> GraphPlanned? {
        try plannedObjects(try tables.read { db in try Self.ids(db, "SELECT id FROM planned WHERE id = ?1") { $0.bind(1, id) } }).first
    }

    /// Planning objects of `kind` in id order, the first after `after`, at most `limit`.
    public func planned(_ kind: PlannedKind, after: EntryID?, limit: Int) throws -> [GraphPlanned] {
        try plannedObjects(try tables.read { db in
            try Self.ids(db, "SELECT id FROM planned WHERE kind = ?3 AND id > ?1 ORDER BY id LIMIT ?2") {
                Self.bindAfter($0, after?.hash)
                $0.bind(2, Int64(max(0, limit)))
                $0.bind(3, kind.code)
            }
        })
    }

    private func plannedObjects(_ ids: [EntryID]) throws -> [GraphPlanned] {
        try objects(ids, table: "planned") { id, author, object in
            guard case let .planned(payload) = object else { return nil }
            return GraphPlanned(id: id, author: author, payload: payload)
        }
    }

    /// The entries that name `target` by `relation`, in id order; with `signedBy`, only those
    /// its feeds signed, without reading the others. At most `limit` are read (with `signedBy`,
    /// not necessarily the first in id order): a caller that refuses more asks for one over.
    public func linking(to target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]? = nil,
                        limit: Int = .max) throws -> [EntryID] {
        try tables.read { db in try TableConsentFacts.sources(db, naming: target, by: relation, signedBy: authors, limit: limit) }
    }

    /// How far an intent, commitment or claim has come. Costs what links to it: the rows of
    /// every applied event naming it (all held at once, some hundred bytes each), then their
    /// entries from the log a thousand at a time (so memory holds a thousand payloads, however
    /// many count), and for an intent the planning objects naming it, a thousand at a time;
    /// the first ``EmbeddedList/most`` events and commitments are listed.
    public func progress(of planned: GraphPlanned) throws -> PlannedProgress {
        let p = planned.payload
        let quantity = p.resourceQuantity ?? p.effortQuantity
        let relation = Self.countingRelation(of: p)
        let cap = EmbeddedList.most
        var done = ExactDecimal.zero, promised = ExactDecimal.zero
        var events: [EntryID] = [], commitments: [EntryID] = [], moreEvents = false, moreCommitments = false
        let rows = try countingRows(of: planned, after: nil, limit: nil)
        for start in stride(from: 0, to: rows.count, by: 1000) {
            for event in try self.events(Array(rows[start ..< min(start + 1000, rows.count)])) {
                guard Self.counts(event.payload.provider, event.payload.receiver, for: p) else { continue }
                if events.count < cap { events.append(event.id) } else { moreEvents = true }
                guard let unit = quantity?.unit else { continue }
                // The reader fills in the event's applied corrections.
                let corrections = try event.correctedBy.compactMap { try self.event($0) }
                for measure in [measure(of: event.payload, like: p)] + corrections.map({ measure(of: $0.payload, like: p) }) {
                    if let measure, measure.unit == unit { done = (try? done.adding(measure.value)) ?? done }
                }
            }
        }
        // What else satisfies an intent: the commitments that promise it, found among the
        // planning objects naming it (events are passed over in the index, not read).
        var after: EntryID?
        while p.kind == .intent {
            let ids = try tables.read { db in try Self.linked(db, to: planned.id, by: [relation], flows: true, after: after, limit: Self.maximumPage) }
            for commitment in try plannedObjects(ids) where commitment.payload.kind == .commitment
                && Self.counts(commitment.payload.provider, commitment.payload.receiver, for: p) {
                if commitments.count < cap { commitments.append(commitment.id) } else { moreCommitments = true }
                if let measure = commitment.payload.resourceQuantity ?? commitment.payload.effortQuantity, measure.unit == quantity?.unit {
                    promised = (try? promised.adding(measure.value)) ?? promised
                }
            }
            guard ids.count == Self.maximumPage, let last = ids.last else { break }
            after = last
        }
        let finished = p.finished || quantity.map { done >= $0.value } ?? false
        return PlannedProgress(planned: planned, quantity: quantity, done: done, promised: promised, events: events, commitments: commitments,
                               moreEvents: moreEvents, moreCommitments: moreCommitments, finished: finished)
    }

    /// The applied events that count for an intent, commitment or claim — those between its
    /// agents, which its `events` names — in causal order: at most `limit` after the event
    /// whose order is `after`. Each batch of rows passes over every link naming the object
    /// (index entries, and their rows sorted), as ``progress(of:)`` does; batches are of at
    /// least ``GraphReader/maximumPage`` rows, so the events of strangers that do not count
    /// cost a few batches, not one each.
    public func countingEvents(of planned: GraphPlanned, after: EventOrder?, limit: Int) throws -> [GraphEvent] {
        var result: [GraphEvent] = [], after = after
        let batch = max(limit, Self.maximumPage)
        while result.count < limit {
            let rows = try countingRows(of: planned, after: after, limit: batch)
            for event in try events(rows) where Self.counts(event.payload.provider, event.payload.receiver, for: planned.payload) {
                result.append(event)
                if result.count == limit { return result }
            }
            guard rows.count == batch, let last = rows.last?.order else { break }
            after = last
        }
        return result
    }

    /// The commitments that promise an intent — those between its agents, which its
    /// `commitments` names — in id order after `after`, at most `limit`, with how far each has
    /// come. Empty for a commitment or a claim.
    public func promisingCommitments(of intent: GraphPlanned, after: EntryID?, limit: Int) throws -> [PlannedProgress] {
        guard intent.payload.kind == .intent else { return [] }
        var found: [GraphPlanned] = [], after = after
        let batch = max(limit, Self.maximumPage)
        search: while found.count < limit {
            let ids = try tables.read { db in try Self.linked(db, to: intent.id, by: [.satisfies], flows: true, after: after, limit: batch) }
            for commitment in try plannedObjects(ids) {
                guard commitment.payload.kind == .commitment,
                      Self.counts(commitment.payload.provider, commitment.payload.receiver, for: intent.payload) else { continue }
                found.append(commitment)
                if found.count == limit { break search }
            }
            guard ids.count == batch, let last = ids.last else { break }
            after = last
        }
        return try found.map { try progress(of: $0) }
    }

    /// Whether an event fulfils a commitment, settles a claim or satisfies an intent.
    private static func countingRelation(of p: PlannedPayload) -> PlanningRelation {
        switch p.kind {
        case .commitment: .fulfills
        case .claim: .settles
        default: .satisfies
        }
    }

    /// Only flows between the same agents count: anyone may name an entry, but an event (or a
    /// commitment) between others neither fulfils a commitment nor satisfies an intent.
    private static func counts(_ provider: AgentID?, _ receiver: AgentID?, for p: PlannedPayload) -> Bool {
        (p.provider == nil || provider == p.provider) && (p.receiver == nil || receiver == p.receiver)
    }

    /// The rows of the applied events naming `planned` by ``countingRelation(of:)``, in causal
    /// order after `after`, at most `limit` (nil: all). Only the applied ones count, so only
    /// theirs are read from the log (anyone may name anyone's commitment, with events that do
    /// not apply). With both agents named, an applied event between them was signed by the feed
    /// of one of them (§16, "Authority"): only their links are read, not those strangers made.
    private func countingRows(of planned: GraphPlanned, after: EventOrder?, limit: Int?) throws -> [EventRowRead] {
        let p = planned.payload
        return try tables.read { db in
            var signers: [FeedID]? = nil
            if p.provider != nil, p.receiver != nil {
                signers = try AgreementRule.parties(of: [planned], facts: TableConsentFacts(db: db, log: log)).parties
            }
            let signedBy = signers.map { feeds in " AND author IN (" + feeds.indices.map { "?\($0 + 5)" }.joined(separator: ", ") + ")" } ?? ""
            return try EventRowRead.all(db, where: """
                id IN (SELECT source FROM link WHERE target = ?1 AND relation = ?2\(signedBy)) AND status = 0 AND ord > ?3 ORDER BY ord LIMIT ?4
                """) {
                $0.bind(1, planned.id)
                $0.bind(2, Self.countingRelation(of: p).rawValue)
                $0.bind(3, blob: after?.bytes ?? [])
                $0.bind(4, Int64(clamping: limit ?? -1))
                for (index, feed) in (signers ?? []).enumerated() { $0.bind(Int32(index + 5), feed) }
            }
        }
    }

    /// The quantity of `event` that counts for a flow like `flow`: the same kind of quantity.
    private func measure(of event: EconomicEventPayload, like flow: PlannedPayload) -> Measure? {
        flow.resourceQuantity != nil ? event.resourceQuantity : event.effortQuantity
    }
}

extension GraphReader {
    /// What the consent rule reads of `commitment` (``AgreementRule``): the feeds of its
    /// agents that are known, and the agreements stipulating it that each of its parties
    /// published or accepted (none while an agent is not known).
    public func consentReads(of commitment: GraphPlanned) throws -> (parties: [FeedID], agreements: [EntryID]) {
        try tables.read { db in
            let facts = TableConsentFacts(db: db, log: log)
            return (try AgreementRule.parties(of: [commitment], facts: facts).parties,
                    try AgreementRule.signedByEveryParty(stipulating: commitment, facts: facts))
        }
    }

    /// Who must sign `agreement`, who has, and whether it is in force or was withdrawn
    /// (``AgreementRule``): read when asked from its commitments and what names it.
    public func state(of agreement: GraphPlanned) throws -> AgreementState {
        try tables.read { db in
            let facts = TableConsentFacts(db: db, log: log)
            guard let (held, timestamp) = try facts.plannedEntry(agreement.id) else {
                throw GraphStoreError("agreement \(agreement.id): the log no longer holds it; run vf graph rebuild")
            }
            return try AgreementRule.state(of: held, timestamp: timestamp, facts: facts)
        }
    }
}

extension GraphReader {
    /// At most `limit` intents, commitments or claims of `kind` that `filter` keeps, with how far
    /// each has come, in id order after `after`, reading at most `scanLimit` of them: a filter
    /// that keeps few reads a bounded number of rows per request, and `next` says where to go on.
    public func progress(_ kind: PlannedKind, _ filter: PlanningFilter, after: EntryID?, limit: Int,
                         scanLimit: Int = searchScanLimit) throws -> SearchPage<PlannedProgress, EntryID> {
        // Progress is read only for the rows the scan reaches, as it reaches them.
        var read: [EntryID: PlannedProgress] = [:]
        var failure: Error?
        let found = try search(after: after, limit: limit, scanLimit: scanLimit, rows: { try planned(kind, after: $0, limit: $1) },
                               cursor: \.id) { object in
            guard failure == nil else { return false }
            do {
                let progress = try progress(of: object)
                read[object.id] = progress
                return filter.keeps(progress)
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return SearchPage(items: found.items.compactMap { read[$0.id] }, next: found.next)
    }

    /// Agreements in id order after `after`, at most `limit`, each with who has signed.
    public func agreements(after: EntryID?, limit: Int) throws -> [AgreementState] {
        try planned(.agreement, after: after, limit: limit).map { try state(of: $0) }
    }

    /// Plans in id order after `after`, at most `limit`, each with its first members and
    /// processes and how far they have come (``PlanState``). Anyone may plan a commitment
    /// within anyone's plan, or a flow of anyone's process: a plan reads the progress of at most
    /// ``EmbeddedList/most`` members, processes, and inputs and outputs of each process.
    /// ``members(ofPlan:after:limit:)`` and ``processes(ofPlan:after:limit:)`` page through all.
    public func plans(after: EntryID?, limit: Int) throws -> [PlanState] {
        try planned(.plan, after: after, limit: limit).map { try state(ofPlan: $0) }
    }

    /// One plan as ``plans(after:limit:)`` gives it; nil if the graph holds no plan `id`.
    public func plan(_ id: EntryID) throws -> PlanState? {
        guard let plan = try planned(id), plan.payload.kind == .plan else { return nil }
        return try state(ofPlan: plan)
    }

    private func state(ofPlan plan: GraphPlanned) throws -> PlanState {
        let cap = EmbeddedList.most
        // The ids first: only the first hundred of each are read further.
        let (memberIDs, processIDs) = try tables.read { db in
            (try Self.memberIDs(db, ofPlan: plan.id, after: nil, limit: cap + 1), try Self.processIDs(db, ofPlan: plan.id, after: nil, limit: cap + 1))
        }
        return PlanState(plan: plan, members: try progress(of: memberIDs.prefix(cap)), processes: try plannedProcesses(processIDs.prefix(cap)),
                         moreMembers: memberIDs.count > cap, moreProcesses: processIDs.count > cap)
    }

    /// The intents, commitments and claims `plannedWithin` a plan or an `independentDemandOf`
    /// it, in id order after `after`, at most `limit`, with how far each has come.
    public func members(ofPlan plan: EntryID, after: EntryID?, limit: Int) throws -> [PlannedProgress] {
        try progress(of: try tables.read { db in try Self.memberIDs(db, ofPlan: plan, after: after, limit: limit) }[...])
    }

    /// The processes `plannedWithin` a plan, in id order after `after`, at most `limit`, each
    /// with its first ``EmbeddedList/most`` planned inputs and outputs and how far they have come.
    public func processes(ofPlan plan: EntryID, after: EntryID?, limit: Int) throws -> [PlannedProcess] {
        try plannedProcesses(try tables.read { db in try Self.processIDs(db, ofPlan: plan, after: after, limit: limit) }[...])
    }

    private static func memberIDs(_ db: Database, ofPlan plan: EntryID, after: EntryID?, limit: Int) throws -> [EntryID] {
        try linked(db, to: plan, by: [.plannedWithin, .independentDemandOf], flows: true, after: after, limit: limit)
    }

    private static func processIDs(_ db: Database, ofPlan plan: EntryID, after: EntryID?, limit: Int) throws -> [EntryID] {
        try linked(db, to: plan, by: [.plannedWithin], flows: false, after: after, limit: limit)
    }

    /// The intents, commitments and claims planned as inputs (`inputOf`) of a process, or with
    /// `outputs` as its outputs (`outputOf`), in id order after `after`, at most `limit`, with
    /// how far each has come.
    public func plannedFlows(of process: EntryID, outputs: Bool, after: EntryID?, limit: Int) throws -> [PlannedProgress] {
        try progress(of: try tables.read { db in try Self.plannedFlowIDs(db, of: process, outputs: outputs, after: after, limit: limit) }[...])
    }

    private static func plannedFlowIDs(_ db: Database, of process: EntryID, outputs: Bool, after: EntryID?, limit: Int) throws -> [EntryID] {
        try linked(db, to: process, by: [outputs ? .outputOf : .inputOf], flows: true, after: after, limit: limit)
    }

    /// The processes `ids`, each with its first planned inputs and outputs.
    private func plannedProcesses(_ ids: ArraySlice<EntryID>) throws -> [PlannedProcess] {
        let cap = EmbeddedList.most
        return try ids.compactMap { try process($0) }.map { process in
            let (inputs, outputs) = try tables.read { db in
                (try Self.plannedFlowIDs(db, of: process.id, outputs: false, after: nil, limit: cap + 1),
                 try Self.plannedFlowIDs(db, of: process.id, outputs: true, after: nil, limit: cap + 1))
            }
            return PlannedProcess(process: process, inputs: try progress(of: inputs.prefix(cap)), outputs: try progress(of: outputs.prefix(cap)),
                                  moreInputs: inputs.count > cap, moreOutputs: outputs.count > cap)
        }
    }

    /// ids that ``linked(_:to:by:flows:after:limit:)`` found, so each is in `planned`.
    private func progress(of ids: ArraySlice<EntryID>) throws -> [PlannedProgress] {
        try plannedObjects(Array(ids)).map { try progress(of: $0) }
    }

    /// The first `limit` entries in id order after `after` that name `target` by one of `relations`, each once:
    /// intents, commitments and claims with `flows`, else processes. The links to `target` by
    /// each relation are read in source order from `linkByTargetInSourceOrder` (v15) and merged, and each
    /// source is looked up by its key, only until `limit` are found: a page reads what it
    /// returns and the links and sources of other kinds among them, not every link to `target`.
    static func linked(_ db: Database, to target: EntryID, by relations: [PlanningRelation], flows: Bool, after: EntryID?,
                       limit: Int) throws -> [EntryID] {
        try linkedCounting(db, to: target, by: relations, flows: flows, after: after, limit: limit).ids
    }

    /// ``linked(_:to:by:flows:after:limit:)``, with the SQLite virtual-machine steps its
    /// statements took, for tests of what a page costs.
    static func linkedCounting(_ db: Database, to target: EntryID, by relations: [PlanningRelation], flows: Bool, after: EntryID?,
                               limit: Int) throws -> (ids: [EntryID], steps: Int) {
        precondition(!relations.isEmpty, "links by at least one relation")
        // One ordered range of the index per relation; UNION merges them in order and drops a
        // source that names `target` by two of them, stepping only as far as it is read.
        let ranges = relations.map { "SELECT source FROM link WHERE target = ?1 AND relation = \($0.rawValue) AND source > ?2" }
        let sources = try RawStatement(db, ranges.count == 1 ? ranges[0] + " ORDER BY source"
                                                              : ranges.joined(separator: " UNION ") + " ORDER BY 1")
        sources.bind(1, target)
        if let after { sources.bind(2, after) } else { sources.bind(2, blob: []) }
        let kinds = [PlannedKind.intent, .commitment, .claim].map { String($0.code) }.joined(separator: ", ")
        let kept = try RawStatement(db, flows ? "SELECT 1 FROM planned WHERE id = ?1 AND kind IN (\(kinds))" : "SELECT 1 FROM process WHERE n = \(GraphSchema.itemNumber("?1"))")
        var found: [EntryID] = []
        while found.count < limit, try sources.next() {
            guard let source = try sources.hash(0, table: "link") else { throw GraphStoreError("link: row without a source; run vf graph rebuild") }
            kept.bind(1, source)
            if try kept.next() { found.append(EntryID(hash: source)) }
            kept.reset()
        }
        return (found, sources.virtualMachineSteps + kept.virtualMachineSteps)
    }
}
