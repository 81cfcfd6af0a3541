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

    /// The grants of `event` (signed by `signer`, placed at `order`): one for each commitment
    /// it fulfils that an agreement in force stipulates, that it matches, signed by a party,
    /// and whose quantity the matching fulfilments signed by a party up to and including it, in
    /// causal order, do not exceed. Those count whether they applied or not, so the grants are a
    /// function of the entries, not of the fold. `fulfiller` gives another event's signer,
    /// payload and order, nil when it is not folded.
    package static func grants<Facts: ConsentFacts>(
        for id: EntryID, _ event: EconomicEventPayload, signer: FeedID, order: EventOrder, facts: Facts,
        fulfiller: (EntryID) throws(Facts.Failure) -> (signer: FeedID, payload: EconomicEventPayload, order: EventOrder)?
    ) throws(Facts.Failure) -> [ConsentGrant] {
        var grants: [ConsentGrant] = []
        for commitmentID in event.fulfills {
            guard let (commitment, _) = try facts.plannedEntry(commitmentID), matches(event, commitment.payload) else { continue }
            let c = commitment.payload
            var parties: [FeedID] = []
            for agent in [c.provider, c.receiver].compactMap({ $0 }) {
                if let feed = try facts.answeredBy(agent) { parties.append(feed) }
            }
            guard parties.contains(signer),
                  !(try AgreementRule.agreementsInForce(stipulating: commitmentID, facts: facts).isEmpty) else { continue }
            if let promised = c.resourceQuantity {
                // What the matching fulfilments up to this one move, together.
                var total = ExactDecimal.zero
                var within = true
                var fulfilling = try facts.sources(naming: commitmentID, by: .fulfills)
                if !fulfilling.contains(id) { fulfilling.append(id) }
                for other in fulfilling {
                    let (author, payload, place): (FeedID, EconomicEventPayload, EventOrder)
                    if other == id { (author, payload, place) = (signer, event, order) } else {
                        guard let found = try fulfiller(other) else { continue }
                        (author, payload, place) = found
                    }
                    guard place <= order, parties.contains(author), matches(payload, c), let q = payload.resourceQuantity else { continue }
                    do { total = try total.adding(q.value) } catch { within = false; break }
                }
                guard within, total <= promised.value else { continue }
            }
            grants.append(ConsentGrant(commitment: commitmentID, agents: [c.provider, c.receiver].compactMap { $0 }, feeds: parties,
                                       resource: c.resourceInventoriedAs, conformsTo: c.resourceConformsTo))
        }
        return grants
    }
}
