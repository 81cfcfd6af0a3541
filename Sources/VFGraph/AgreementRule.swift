import VFLog

/// What the consent rules read of a set of entries: planning objects, the links that name
/// them, and who answers for an agent. A derivation answers from memory, a graph store from
/// its tables; the rules are the same.
package protocol ConsentFacts {
    /// What reading the facts may throw: nothing, from memory.
    associatedtype Failure: Error
    /// A planning object held, with its entry's claimed timestamp (ms).
    func plannedEntry(_ id: EntryID) throws(Failure) -> (planned: GraphPlanned, timestamp: Int64)?
    /// The entries that name `target` by `relation`, in id order; with `signedBy`, only those
    /// its feeds signed, and without reading the others (a stranger may make any number).
    func sources(naming target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]?) throws(Failure) -> [EntryID]
    /// The entries that name `target` by `relation` and that `party` published or accepted (an
    /// acceptance by `party` names them), in id order, each once. From the tables, without
    /// reading the ones others made that `party` did not accept: the work grows with the fewer
    /// of the entries naming `target` and those `party` accepted, and strangers can make only
    /// the first many. (A derivation in memory holds every link already, and filters them.)
    func sources(naming target: EntryID, by relation: PlanningRelation, publishedOrAcceptedBy party: FeedID) throws(Failure) -> [EntryID]
    /// The feed that answers for `agent`: the feed itself, or the author of the entry
    /// describing it; nil when that entry is not held.
    func answeredBy(_ agent: AgentID) throws(Failure) -> FeedID?
}

/// Who must sign an agreement, who has, whether someone withdrew it and whether it is in
/// force (docs/protocol.md §16, "Consent"). A function of the entries held, whatever the
/// order they arrived in.
package enum AgreementRule {
    package static func state<Facts: ConsentFacts>(of agreement: GraphPlanned, timestamp: Int64, facts: Facts) throws(Facts.Failure) -> AgreementState {
        let ids = agreement.payload.stipulates + agreement.payload.stipulatesReciprocal
        var commitments: [GraphPlanned] = []
        for id in ids {
            if let held = try facts.plannedEntry(id), held.planned.payload.kind == .commitment { commitments.append(held.planned) }
        }
        let (parties, unresolved) = try Self.parties(of: commitments, facts: facts)
        let isParty = Set(parties)
        // When each signer first signed: the proposer by publishing, the others by accepting.
        var signedAt: [FeedID: Int64] = [agreement.author: timestamp]
        // Only the parties' signatures count, so only theirs are read.
        for source in try facts.sources(naming: agreement.id, by: .accepts, signedBy: parties) {
            guard let (acceptance, at) = try facts.plannedEntry(source), acceptance.payload.kind == .acceptance else { continue }
            signedAt[acceptance.author] = min(at, signedAt[acceptance.author] ?? .max)
        }
        let signedBy = parties.filter { signedAt[$0] != nil }
        let complete = !unresolved && commitments.count == ids.count && signedBy.count == parties.count
        let completedAt = complete ? signedBy.compactMap { signedAt[$0] }.max() : nil
        // The first withdrawal by a signer (the proposer or a party) ends it, unless the last
        // signature came strictly before.
        var withdrawal: (author: FeedID, at: Int64, id: EntryID)?
        for source in try facts.sources(naming: agreement.id, by: .withdraws, signedBy: [agreement.author] + parties) {
            guard let (w, at) = try facts.plannedEntry(source), w.payload.kind == .withdrawal,
                  w.author == agreement.author || isParty.contains(w.author) else { continue }
            if withdrawal.map({ (at, source) < ($0.at, $0.id) }) ?? true { withdrawal = (w.author, at, source) }
        }
        let withdrawn = withdrawal.flatMap { w in completedAt.map { w.at <= $0 } ?? true } ?? false
        return AgreementState(agreement: agreement, commitments: commitments, parties: parties, signedBy: signedBy,
                              unresolvedParties: unresolved, withdrawnBy: withdrawn ? withdrawal?.author : nil,
                              inForce: complete && !withdrawn, inForceSince: complete && !withdrawn ? completedAt : nil)
    }

    /// The feeds that answer for the providers and receivers of `commitments`, each once, in the
    /// order the commitments name them; and whether some agent's describing entry is not held.
    package static func parties<Facts: ConsentFacts>(of commitments: [GraphPlanned], facts: Facts) throws(Facts.Failure) -> (parties: [FeedID], unresolved: Bool) {
        var parties: [FeedID] = [], seen: Set<FeedID> = [], unresolved = false
        for c in commitments {
            for agent in [c.payload.provider, c.payload.receiver].compactMap({ $0 }) {
                guard let feed = try facts.answeredBy(agent) else { unresolved = true; continue }
                if seen.insert(feed).inserted { parties.append(feed) }
            }
        }
        return (parties, unresolved)
    }

    /// Whether an agreement in force stipulates `commitment` (either list): the first one found answers.
    ///
    /// Such an agreement was signed by every party of the commitment, which are parties of the
    /// agreement: so only an agreement each of them published or accepted is read. Any feed may
    /// publish agreements stipulating anyone's commitment; those are never read here unless
    /// every party published or accepted them (``signedByEveryParty(stipulating:facts:)``).
    package static func isStipulatedInForce<Facts: ConsentFacts>(_ commitment: GraphPlanned, facts: Facts) throws(Facts.Failure) -> Bool {
        for id in try signedByEveryParty(stipulating: commitment, facts: facts) {
            guard let (agreement, at) = try facts.plannedEntry(id), agreement.payload.kind == .agreement else { continue }
            if try state(of: agreement, timestamp: at, facts: facts).inForce { return true }
        }
        return false
    }

    /// The entries stipulating `commitment` (either list) that every party of it published or
    /// accepted, in id order per list, each once: the only agreements whose entries
    /// ``isStipulatedInForce(_:facts:)`` reads. None while a party is not known yet (it leaves
    /// every agreement stipulating the commitment incomplete).
    ///
    /// The candidates are those the first party (the feed answering for the provider, else for
    /// the receiver) published or accepted (``ConsentFacts/sources(naming:by:publishedOrAcceptedBy:)``),
    /// each then checked for the other parties' signatures: so the work grows with the fewer of
    /// the agreements naming the commitment and those the first party accepted, and strangers
    /// can make only the first long.
    package static func signedByEveryParty<Facts: ConsentFacts>(stipulating commitment: GraphPlanned, facts: Facts) throws(Facts.Failure) -> [EntryID] {
        let (parties, unresolved) = try parties(of: [commitment], facts: facts)
        // A commitment names its provider and receiver (§16): with no party, no one signed.
        guard !unresolved, let first = parties.first else { return [] }
        var found: [EntryID] = [], seen: Set<EntryID> = []
        for relation in [PlanningRelation.stipulates, .stipulatesReciprocal] {
            let candidates = try facts.sources(naming: commitment.id, by: relation, publishedOrAcceptedBy: first)
            var published: [FeedID: Set<EntryID>] = [:]
            for party in parties.dropFirst() { published[party] = Set(try facts.sources(naming: commitment.id, by: relation, signedBy: [party])) }
            candidates: for id in candidates where seen.insert(id).inserted {
                for party in parties.dropFirst() where !published[party]!.contains(id) {
                    guard try !facts.sources(naming: id, by: .accepts, signedBy: [party]).isEmpty else { continue candidates }
                }
                found.append(id)
            }
        }
        return found
    }
}
