import VFLog

/// How one entry names a planning object, or an event (docs/protocol.md §16, "Planning and
/// exchange"). Each is a fact of the naming entry's own payload, so the links of a set of
/// entries do not depend on the order they arrive in.
public enum PlanningRelation: Int64, CaseIterable, Sendable {
    /// An event fulfils a commitment.
    case fulfills = 0
    /// An event or a commitment satisfies an intent.
    case satisfies = 1
    /// An event settles a claim.
    case settles = 2
    /// A proposal publishes an intent, or offers one in return.
    case publishes = 3
    case reciprocal = 4
    /// An agreement stipulates a commitment, or one in return.
    case stipulates = 5
    case stipulatesReciprocal = 6
    /// A flow is part of a plan, or is what the plan is for.
    case plannedWithin = 7
    case independentDemandOf = 8
    /// A claim was triggered by an event.
    case triggeredBy = 9
    /// An acceptance signs an agreement.
    case accepts = 10
    /// A withdrawal withdraws an agreement.
    case withdraws = 11
    /// A commitment names an agent described by an entry as its provider or receiver: when
    /// that entry arrives, the parties of the agreements stipulating the commitment are known.
    case party = 12
    /// An intent or commitment is an input or an output of a process.
    case inputOf = 13
    case outputOf = 14
}

/// `source`, an entry signed by `author`, names `target` by `relation`.
///
/// The author is part of the link so the consent rules can read only what the parties signed
/// (their acceptances, withdrawals and fulfilments, and agreements they all published or
/// accepted): anyone may name anyone's agreement or commitment, and what strangers name it
/// with is never read for its consent; an agreement of a stranger's that no party accepted
/// costs at most a step of an index search (``AgreementRule/signedByEveryParty(stipulating:facts:)``).
public struct PlanningLink: Hashable, Sendable {
    public let target: EntryID
    public let relation: PlanningRelation
    public let source: EntryID
    public let author: FeedID

    public init(target: EntryID, relation: PlanningRelation, source: EntryID, author: FeedID) {
        self.target = target
        self.relation = relation
        self.source = source
        self.author = author
    }

    /// The links entry `id`, signed by `author`, makes by what it holds; each once.
    public static func made(by id: EntryID, author: FeedID, _ object: VFObject) -> [PlanningLink] {
        var pairs: [(EntryID, PlanningRelation)] = []
        switch object {
        case let .event(event):
            // Most events name no planning object: nothing to allocate.
            if event.fulfills.isEmpty, event.satisfies.isEmpty, event.settles.isEmpty { return [] }
            pairs += event.fulfills.map { ($0, .fulfills) }
            pairs += event.satisfies.map { ($0, .satisfies) }
            pairs += event.settles.map { ($0, .settles) }
        case let .planned(p):
            pairs += p.satisfies.map { ($0, .satisfies) }
            pairs += p.publishes.map { ($0, .publishes) }
            pairs += p.reciprocal.map { ($0, .reciprocal) }
            pairs += p.stipulates.map { ($0, .stipulates) }
            pairs += p.stipulatesReciprocal.map { ($0, .stipulatesReciprocal) }
            if let plan = p.plannedWithin { pairs.append((plan, .plannedWithin)) }
            if p.kind.isFlow, let process = p.inputOf { pairs.append((process, .inputOf)) }
            if p.kind.isFlow, let process = p.outputOf { pairs.append((process, .outputOf)) }
            if let plan = p.independentDemandOf { pairs.append((plan, .independentDemandOf)) }
            if let event = p.triggeredBy { pairs.append((event, .triggeredBy)) }
            if let agreement = p.accepts { pairs.append((agreement, .accepts)) }
            if let agreement = p.withdraws { pairs.append((agreement, .withdraws)) }
            if p.kind == .commitment {
                for case let .described(agent)? in [p.provider, p.receiver] { pairs.append((agent, .party)) }
            }
        case let .process(process):
            guard let plan = process.plannedWithin else { return [] }
            pairs.append((plan, .plannedWithin))
        case .resourceSpecification, .agent, .foreign:
            break
        }
        guard !pairs.isEmpty else { return [] }
        var seen = Set<PlanningLink>()
        return pairs.map { PlanningLink(target: $0.0, relation: $0.1, source: id, author: author) }.filter { seen.insert($0).inserted }
    }
}
