import VFGraph
import VFLog

/// How far a payload's publish check reaches into the graph, read from the payload alone: what
/// decides whether it may be checked together with other payloads of the same batch, by one
/// update, rather than after each of them (``GraphStore/check(_:with:)``).
///
/// The payloads of a batch cannot name one another, nor a resource one of them creates: their
/// ids depend on signatures made after the payloads were written.
struct PayloadReach {
    /// Nothing another payload of the batch can say changes what becomes of this one: it is not
    /// ValueFlows, or it is a process, specification, agent or planning object, or an event that
    /// names no resource it does not create itself, corrects nothing, and is not a combine (which
    /// looks for its container among its process's outputs).
    let standsAlone: Bool
    /// What its check reads and its fold changes, beyond what it creates: for an event, the
    /// resources it names and the planning objects it fulfils, satisfies or settles; for an
    /// intent, commitment or other flow, the resource whose unit its quantities must be in.
    /// Payloads claiming nothing in common may be checked together when their fold changes no
    /// event held before beyond one payload's claims (``confines(_:to:)``). Nil for one that
    /// must be checked after the others: a correction (its original's resources), a combine
    /// (its process's outputs), an agreement, acceptance or withdrawal (which bring agreements
    /// into force or end them, and so decide the consent of events fulfilling their commitments).
    let claims: Set<Hash32>?

    init(_ payload: [UInt8]) {
        switch try? VFObject.decode(payload, author: FeedID(key: .zero)) {
        case let .event(event)?:
            let named = [event.resourceInventoriedAs, event.toResourceInventoriedAs].compactMap { $0?.hash }
            let alone = event.corrects != nil || event.action == .combine
            standsAlone = named.isEmpty && !alone
            claims = alone ? nil : Set(named + (event.fulfills + event.satisfies + event.settles).map(\.hash))
        case let .planned(planned)?:
            standsAlone = true
            claims = [.agreement, .acceptance, .withdrawal].contains(planned.kind) ? nil
                : Set([planned.resourceInventoriedAs?.hash].compactMap { $0 })
        default:
            standsAlone = true
            claims = []
        }
    }

    /// Whether each event held before that folding a run apart (`reaches`) folded again reaches
    /// the claims of one payload and nothing else (`held`: ``UpdateResult/heldReach``). Then it
    /// was folded again for that payload alone: a chain of events folded again from one
    /// payload's resources to another's, or to any resource none claims, would pass through a
    /// held event reaching both. So each payload's verdict, which reads what it claims, is the
    /// one it gets checked after the others. False when `held` is nil.
    static func confines(_ held: [Set<Hash32>]?, to reaches: some Sequence<PayloadReach>) -> Bool {
        guard let held else { return false }
        var owner: [Hash32: Int] = [:]
        for (index, reach) in reaches.enumerated() {
            for claim in reach.claims ?? [] { owner[claim] = index }
        }
        return held.allSatisfy { reach in
            guard let one = reach.first.flatMap({ owner[$0] }) else { return false }
            return reach.allSatisfy { owner[$0] == one }
        }
    }

    /// How many of `reaches`, from its start and at most `most`, claim something each and
    /// nothing another of them claims.
    static func apartRun(_ reaches: ArraySlice<PayloadReach>, most: Int) -> Int {
        var claimed: Set<Hash32> = []
        var count = 0
        for reach in reaches.prefix(most) {
            guard let claims = reach.claims, claimed.isDisjoint(with: claims) else { break }
            claimed.formUnion(claims)
            count += 1
        }
        return count
    }
}
