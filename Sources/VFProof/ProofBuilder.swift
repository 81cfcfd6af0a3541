import VFGraph
import VFGraphStore
import VFLog

/// Makes a proof of a resource or an event (docs/protocol.md §17, "What a prover includes")
/// from a node's tables and log: what the trace reaches, what its figures derive from, and the
/// certificate pools that tie each entry to its feed's head. Costs what the proof holds.
public struct ProofBuilder {
    /// The most events one proof holds.
    public static let maximumEvents = 20_000

    let reader: GraphReader
    let log: LogStore
    /// The most events this builder puts in a proof (``maximumEvents``; lower in tests).
    let limit: Int

    public init(reader: GraphReader, log: LogStore, limit: Int = ProofBuilder.maximumEvents) {
        self.reader = reader
        self.log = log
        self.limit = limit
    }

    public func prove(_ subject: FlowItem, at provedAt: Int64) throws -> ProofFile { try proveEncoded(subject, at: provedAt).proof }

    /// ``prove(_:at:)``, with the proof's bytes as a file holds them (encoded once, to check its size).
    public func proveEncoded(_ subject: FlowItem, at provedAt: Int64) throws -> (proof: ProofFile, encoded: [UInt8]) {
        switch subject {
        case let .resource(id): guard try reader.resource(id) != nil else { throw ProofError("no resource \(id) in the graph") }
        case let .event(id): guard try reader.event(id) != nil else { throw ProofError("no event \(id) in the graph") }
        case let .process(id): throw ProofError("\(id) is a process: prove one of its output resources, or one of its events")
        }
        var closure = Closure(reader: reader, limit: limit)
        // A trace of more than `limit` events is refused, so the walk stops where it must hold
        // more: its steps are events, and the processes or resources they lead to (an event
        // leads back to its process or its resource, not both), so at most 2 × events + 1 with
        // the subject.
        let maximumSteps = limit > (Int.max - 1) / 2 ? Int.max : 2 * limit + 1
        let steps: [FlowStep]
        switch try reader.flow(from: subject, backwards: true, atMost: maximumSteps) {
        case let .steps(walked): steps = walked
        case .moreSteps: throw closure.tooMuch
        case let .moreReads(reads):
            throw ProofError("the trace would read more than \(reads) events, the most a proof of at most \(limit) events may read: "
                             + "an item it passes is named by too many events")
        }
        for step in steps {
            switch step.item {
            case let .event(id): try closure.event(id)
            case let .process(id): try closure.object(id)
            case let .resource(id): closure.resource(id)
            }
        }
        try closure.run()

        // The entries with payloads, and each involved feed's latest profile.
        // Their base64 alone is less than the file: a proof too large is refused while they are
        // read, before they are all held (the exact size is checked once it is encoded).
        var included: [EntryID: SignedEntry] = [:]
        var base64Bytes = 0
        for id in closure.objects {
            guard let signed = try log.entry(id: id) else { continue }
            guard let payload = signed.payload else {
                throw ProofError("entry \(id) (\(signed.entry.author) #\(signed.entry.sequence)), which the trace needs, has no payload on this node")
            }
            base64Bytes += 4 * ((signed.entry.encoded.count + 2) / 3) + 4 * ((payload.count + 2) / 3)
            guard base64Bytes <= ProofFile.maximumSize else {
                throw ProofError("the proof would be more than the \(ProofFile.maximumSize) bytes a checker reads")
            }
            included[id] = signed
        }
        for author in Set(included.values.map(\.entry.author)) {
            if let profile = try reader.agent(.feed(author))?.describedBy, included[profile] == nil, let signed = try log.entry(id: profile) {
                included[profile] = signed
            }
        }
        // For each feed: its head, the certificate pools, and its fork proofs.
        var entries = Array(included.values)
        var feeds: [ProofFile.Feed] = []
        for (author, group) in Dictionary(grouping: included.values, by: \.entry.author) {
            guard let head = try log.head(of: author) else { continue }
            var sequences: Set<UInt64> = Set(Lipmaa.certificatePool(of: head.sequence))
            for signed in group { sequences.formUnion(Lipmaa.certificatePool(of: signed.entry.sequence)) }
            sequences.subtract(group.map(\.entry.sequence))
            var held = Set(group.map(\.entry.id))
            for sequence in sequences.sorted() where sequence <= head.sequence {
                guard let signed = try log.entry(author: author, sequence: sequence) else {
                    throw ProofError("feed \(author): entry #\(sequence) of its certificate path is not held")
                }
                entries.append(SignedEntry(entry: signed.entry, payload: nil))
                held.insert(signed.entry.id)
            }
            // One fork proof shows the feed forked; a forked author may have made any number.
            let forks = try log.forkProofs(author: author, limit: 1)
            for fork in forks {
                for entry in [fork.stored, fork.conflicting] where held.insert(entry.id).inserted {
                    entries.append(SignedEntry(entry: entry, payload: nil))
                }
            }
            feeds.append(ProofFile.Feed(author: author, head: head.sequence, forked: !forks.isEmpty))
        }
        // What the checker reads: a proof it would call malformed is refused here instead.
        guard entries.count <= ProofFile.maximumEntries else {
            throw ProofError("the proof would hold \(entries.count) entries, more than the \(ProofFile.maximumEntries) a checker reads")
        }
        var resources: [ProofFile.ResourceClaim] = []
        for step in steps {
            if case let .resource(id) = step.item, let resource = try reader.resource(id) { resources.append(ProofFile.ResourceClaim(resource)) }
        }
        let proof = ProofFile(subject: subject, provedAt: provedAt, feeds: feeds, entries: entries,
                              trace: steps.map { ProofFile.text($0.item) }, resources: resources)
        let encoded = proof.encoded()
        guard encoded.count <= ProofFile.maximumSize else {
            throw ProofError("the proof would be \(encoded.count) bytes, more than the \(ProofFile.maximumSize) a checker reads")
        }
        return (proof, encoded)
    }
}

/// What a proof must hold so that its figures derive again: a worklist over the tables.
private struct Closure {
    let reader: GraphReader
    private(set) var objects: Set<EntryID> = []
    private var events: Set<EntryID> = []
    private var resources: Set<ResourceID> = []
    private var commitments: Set<EntryID> = []
    private var pendingEvents: [EntryID] = []
    private var pendingResources: [ResourceID] = []
    private var pendingCommitments: [EntryID] = []

    let limit: Int

    init(reader: GraphReader, limit: Int) {
        self.reader = reader
        self.limit = limit
    }

    var tooMuch: ProofError {
        ProofError("the proof would hold more than \(limit) events: what the trace reaches depends on too much of the graph")
    }

    mutating func event(_ id: EntryID) throws {
        guard events.insert(id).inserted else { return }
        guard events.count <= limit else { throw tooMuch }
        pendingEvents.append(id)
    }
    mutating func resource(_ id: ResourceID) { if resources.insert(id).inserted { pendingResources.append(id) } }
    /// An entry the proof holds that is not an event the closure follows. A proof holds at most
    /// ``ProofFile/maximumEntries`` entries, so more objects are refused as they are met.
    mutating func object(_ id: EntryID) throws {
        objects.insert(id)
        guard objects.count <= ProofFile.maximumEntries else {
            throw ProofError("the proof would hold more than \(ProofFile.maximumEntries) entries, more than a checker reads")
        }
    }

    /// The entries naming `target` by `relation` (signed by `authors`), refused when more than
    /// a proof holds: at most one more is read.
    func linking(to target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]? = nil) throws -> [EntryID] {
        let found = try reader.linking(to: target, by: relation, signedBy: authors, limit: ProofFile.maximumEntries + 1)
        guard found.count <= ProofFile.maximumEntries else {
            throw ProofError("more than \(ProofFile.maximumEntries) entries name \(target): more than a proof holds")
        }
        return found
    }
    mutating func commitment(_ id: EntryID) { if commitments.insert(id).inserted { pendingCommitments.append(id) } }

    mutating func run() throws {
        while true {
            if let id = pendingResources.popLast() {
                if let r = try reader.resource(id) { try event(r.createdBy) }
                // A hub resource is refused after reading one page more than the limit, not all of it.
                let touching = try reader.events(touching: id, limit: limit + 1)
                guard touching.count <= limit else { throw tooMuch }
                for e in touching { try event(e.id) }
            } else if let id = pendingEvents.popLast() {
                guard let e = try reader.event(id) else { continue }
                objects.insert(id)
                let p = e.payload
                for r in [e.fromResource, e.toResource, e.container].compactMap({ $0 }) { resource(r) }
                if let original = p.corrects { try event(original) }
                for correction in e.correctedBy { try event(correction) }
                for process in [p.inputOf, p.outputOf].compactMap({ $0 }) { try object(process) }
                if p.isImplicitCombine, let process = p.inputOf {
                    // A process of more outputs than the limit is refused after one more.
                    let outputs = try reader.events(of: process, outputs: true, limit: limit + 1)
                    guard outputs.count <= limit else { throw tooMuch }
                    for output in outputs { try event(output.id) }
                }
                for spec in [p.resourceConformsTo, p.newInventoriedResource?.conformsTo].compactMap({ $0 }) { try object(spec) }
                for case let .described(agent)? in [p.provider, p.receiver] { try object(agent) }
                p.fulfills.forEach { commitment($0) }
                for id in p.satisfies + p.settles { try object(id) }
            } else if let id = pendingCommitments.popLast() {
                // What consent reads (AgreementRule.isStipulatedInForce, ConsentJudge): the
                // agreements stipulating the commitment that every party of it published or
                // accepted, their parties' signatures and withdrawals, their commitments, and
                // the fulfilments the parties signed. What anyone else names it with changes
                // nothing the checker derives, and would only fill the proof.
                guard let c = try reader.planned(id) else { continue }
                try object(id)
                for case let .described(agent)? in [c.payload.provider, c.payload.receiver] { try object(agent) }
                let (parties, agreements) = try reader.consentReads(of: c)
                for agreement in agreements {
                    guard let a = try reader.planned(agreement), a.payload.kind == .agreement else { continue }
                    try object(agreement)
                    let signers = try reader.state(of: a).parties
                    // The rules' own ranges (AgreementRule): the parties' acceptances, and
                    // the withdrawals of the parties and the proposer.
                    for signature in try linking(to: agreement, by: .accepts, signedBy: signers)
                        + linking(to: agreement, by: .withdraws, signedBy: signers + [a.author]) {
                        try object(signature)
                    }
                    (a.payload.stipulates + a.payload.stipulatesReciprocal).forEach { commitment($0) }
                }
                for fulfilment in try linking(to: id, by: .fulfills, signedBy: parties) { try event(fulfilment) }
            } else {
                return
            }
        }
    }
}

/// Why a proof cannot be made.
public struct ProofError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
