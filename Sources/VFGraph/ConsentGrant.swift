import VFLog

/// The consent an agreement in force gives an event that fulfils one of its commitments
/// (docs/protocol.md §16, "Consent"): the event may change a resource that a party of the
/// commitment is accountable for or holds, when the resource is the one the commitment names,
/// or conforms to the specification it names. A party is the commitment's provider or
/// receiver, or the feed that answers for one (a feed that signs for an agent it describes
/// signs for its own resources too).
package struct ConsentGrant: Sendable, Equatable {
    package let commitment: EntryID
    /// The commitment's provider and receiver, and the feeds that answer for them.
    package let agents: [AgentID]
    package let feeds: [FeedID]
    package let resource: ResourceID?
    package let conformsTo: EntryID?

    private func isParty(_ agent: AgentID?) -> Bool {
        guard let agent else { return false }
        if agents.contains(agent) { return true }
        if case let .feed(feed) = agent { return feeds.contains(feed) }
        return false
    }

    /// Whether the grant covers changes to `resource`, as it stood before the event.
    package func covers(_ resource: EconomicResource) -> Bool {
        guard isParty(resource.primaryAccountable) || isParty(resource.holder) else { return false }
        if let named = self.resource { return resource.id == named }
        if let spec = conformsTo { return resource.conformsTo == spec }
        return false
    }
}

/// Which grants an event carries. Pure, given its facts.
package enum ConsentRule {
    /// Whether `event` does what `commitment` says: the same action, provider and receiver, the
    /// resource it names if it names one, and a resource quantity in its unit if it has one.
    package static func matches(_ event: EconomicEventPayload, _ commitment: PlannedPayload) -> Bool {
        guard commitment.kind == .commitment, event.corrects == nil, event.action == commitment.action,
              event.provider == commitment.provider, event.receiver == commitment.receiver else { return false }
        if let named = commitment.resourceInventoriedAs, event.resourceInventoriedAs != named { return false }
        if let promised = commitment.resourceQuantity {
            guard let given = event.resourceQuantity, given.unit == promised.unit else { return false }
        }
        return true
    }

}

/// Decides the grants (``ConsentRule``) of the events one fold applies. What it reads of a
/// commitment — whether an agreement in force stipulates it, its parties, and the running
/// total of its matching fulfilments in causal order — it reads once per fold, so a
/// commitment with F fulfilments costs O(F log F), not O(F²).
package struct ConsentJudge<Facts: ConsentFacts> {
    let facts: Facts
    private var judged: [EntryID: Commitment?] = [:]

    /// A commitment that gives consent, with the matching fulfilments signed by a party:
    /// their orders ascending, and the total of their quantities up to each (nil past an overflow).
    private struct Commitment {
        let payload: PlannedPayload
        let parties: [FeedID]
        let orders: [EventOrder]
        let totals: [ExactDecimal?]
    }

    package init(facts: Facts) { self.facts = facts }

    /// Another event's signer, payload and order, nil when it is not folded.
    package typealias Fulfiller = (EntryID) throws(Facts.Failure) -> (signer: FeedID, payload: EconomicEventPayload, order: EventOrder)?

    /// The grants of `event` (signed by `signer`, placed at `order`): one for each commitment
    /// it fulfils that an agreement in force stipulates, that it matches, signed by a party,
    /// and whose quantity the matching fulfilments signed by a party up to and including it, in
    /// causal order, do not exceed. Those count whether they applied or not, so the grants are a
    /// function of the entries, not of the fold.
    package mutating func grants(for id: EntryID, _ event: EconomicEventPayload, signer: FeedID, order: EventOrder,
                                 fulfiller: Fulfiller) throws(Facts.Failure) -> [ConsentGrant] {
        var grants: [ConsentGrant] = []
        for commitmentID in event.fulfills {
            guard let c = try commitment(commitmentID, fulfiller), ConsentRule.matches(event, c.payload), c.parties.contains(signer) else { continue }
            if let promised = c.payload.resourceQuantity {
                // The running total at this event's place: the fulfilments at or before it.
                var low = 0, high = c.orders.count
                while low < high {
                    let middle = (low + high) / 2
                    if c.orders[middle] <= order { low = middle + 1 } else { high = middle }
                }
                var total: ExactDecimal? = low == 0 ? .zero : c.totals[low - 1]
                // The event itself is among the counted unless it does not count (no order yet).
                let counted = low > 0 && c.orders[low - 1] == order
                if !counted, let q = event.resourceQuantity { total = total.flatMap { try? $0.adding(q.value) } }
                guard let total, total <= promised.value else { continue }
            }
            grants.append(ConsentGrant(commitment: commitmentID, agents: [c.payload.provider, c.payload.receiver].compactMap { $0 },
                                       feeds: c.parties, resource: c.payload.resourceInventoriedAs, conformsTo: c.payload.resourceConformsTo))
        }
        return grants
    }

    private mutating func commitment(_ id: EntryID, _ fulfiller: Fulfiller) throws(Facts.Failure) -> Commitment? {
        if let known = judged[id] { return known }
        var result: Commitment?
        if let (held, _) = try facts.plannedEntry(id), held.payload.kind == .commitment,
           try AgreementRule.isStipulatedInForce(held, facts: facts) {
            let (parties, _) = try AgreementRule.parties(of: [held], facts: facts)
            var counted: [(order: EventOrder, quantity: ExactDecimal)] = []
            for other in try facts.sources(naming: id, by: .fulfills, signedBy: parties) {
                guard let (author, payload, place) = try fulfiller(other), parties.contains(author),
                      ConsentRule.matches(payload, held.payload), let q = payload.resourceQuantity else { continue }
                counted.append((place, q.value))
            }
            counted.sort { $0.order < $1.order }
            var totals: [ExactDecimal?] = []
            var running: ExactDecimal? = .zero
            for c in counted {
                running = running.flatMap { try? $0.adding(c.quantity) }
                totals.append(running)
            }
            result = Commitment(payload: held.payload, parties: parties, orders: counted.map(\.order), totals: totals)
        }
        judged[id] = result
        return result
    }
}
