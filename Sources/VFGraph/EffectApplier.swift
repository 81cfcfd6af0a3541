import VFLog

/// Applies one event to the graph, in causal order, or says why it cannot.
///
/// Authority, decided here because it depends on who is accountable at that point:
/// - the signer must answer for the provider or the receiver;
/// - any change to an existing resource other than increasing its quantities (a decrement,
///   or a new location, container, accountable agent, holder, stage or state) needs the signer
///   to answer for the agent accountable for it or holding it just before the event;
/// - a correction is signed by the original event's author and has the original's authority;
/// - an event that fulfils a commitment of an agreement in force may change what that
///   commitment's parties hold, as `consent` (``ConsentRule``) says.
/// An event is applied whole or not at all.
package enum EffectApplier {
    package static func apply(_ event: GraphEvent, to graph: inout EconomicGraph, consent: [ConsentGrant] = []) -> EventStatus {
        judge(event, applyingTo: &graph, consent: consent).bounded
    }

    private static func judge(_ event: GraphEvent, applyingTo graph: inout EconomicGraph, consent: [ConsentGrant]) -> EventStatus {
        let p = event.payload
        let signer = event.provenance.author
        func answers(_ agent: AgentID?) -> Bool {
            switch agent {
            case let .feed(feed)?: feed == signer
            case let .described(id)?: graph.agents[.described(id)]?.answeredBy == signer
            case nil: false
            }
        }
        guard answers(p.provider) || answers(p.receiver) else {
            return .unauthorized("signed by \(signer), who answers for neither the provider \(p.provider) nor the receiver \(p.receiver)")
        }
        // A quantity of a specification with a default unit is in that unit (checked at publish
        // too). A closure, not the method `graph.defaultUnit`: that would copy the graph.
        if let reason = EventValidator.specificationUnitMismatch(p, defaultUnit: { graph.specifications[$0]?.payload.defaultUnitOfResource }) {
            return .invalid(reason)
        }
        if let original = p.corrects { return applyCorrection(event, original: original, to: &graph) }

        var working = WorkingResources()
        var created: ResourceID?
        let behavior = p.action.behavior
        let q = p.resourceQuantity

        // Creation.
        if let new = p.newInventoriedResource, let slot = p.createsResourceAs {
            let id = ResourceID(createdBy: event.id)
            var resource = EconomicResource(id: id, createdBy: event.id)
            resource.name = new.name
            resource.trackingIdentifier = new.trackingIdentifier
            resource.note = new.note
            resource.conformsTo = new.conformsTo ?? p.resourceConformsTo
            resource.unit = q?.unit ?? resource.conformsTo.flatMap { graph.specifications[$0]?.payload.defaultUnitOfResource }
            let source = p.resourceInventoriedAs.flatMap { graph.resources[$0] }
            switch (slot, p.action) {
            case (.to, .transferCustody):
                // Rights did not move: the provider stays accountable (shared README).
                resource.primaryAccountable = p.provider
                resource.holder = p.receiver
            case (.to, .move):
                resource.primaryAccountable = source?.primaryAccountable ?? p.provider
                resource.holder = source?.holder ?? p.provider
            case (.to, .transferAllRights):
                resource.primaryAccountable = p.receiver
                resource.holder = source?.holder ?? p.provider
            default:
                resource.primaryAccountable = p.receiver
                resource.holder = p.receiver
            }
            if behavior.locationEffect == .new || behavior.locationEffect == .updateTo, let location = p.toLocation {
                resource.currentLocation = location
            }
            working.insert(resource, judged: false)
            created = id
        }

        let from = event.fromResource, to = event.toResource
        if let id = from, !working.contains(id) {
            guard let resource = graph.resources[id] else {
                return .invalid("resourceInventoriedAs \(id) does not exist: the event creating it was not applied")
            }
            working.insert(resource, judged: !answers(resource.primaryAccountable) && !answers(resource.holder))
        }
        if let id = to, !working.contains(id) {
            guard let resource = graph.resources[id] else {
                return .invalid("toResourceInventoriedAs \(id) does not exist: the event creating it was not applied")
            }
            working.insert(resource, judged: !answers(resource.primaryAccountable) && !answers(resource.holder))
        }

        // Units: a resource without one takes the first quantity's.
        if let q {
            if let from, behavior.changesFromQuantity, let unit = working.count(from, in: q.unit) {
                return .invalid("resourceQuantity is in \(q.unit) but resourceInventoriedAs \(from) is counted in \(unit)")
            }
            if let to, behavior.changesToQuantity, let unit = working.count(to, in: q.unit) {
                return .invalid("resourceQuantity is in \(q.unit) but toResourceInventoriedAs \(to) is counted in \(unit)")
            }
        }

        do {
            if let q {
                try applyQuantity(behavior.accountingEffect, q.value, from: from, to: to, in: &working, accounting: true)
                try applyQuantity(behavior.onhandEffect, q.value, from: from, to: to, in: &working, accounting: false)
            }
        } catch {
            return .invalid("quantity: \(error)")
        }

        if let location = p.toLocation {
            if behavior.locationEffect == .update, let from { working[from]!.currentLocation = location }
            if behavior.locationEffect == .updateTo, let to { working[to]!.currentLocation = location }
        }
        switch behavior.containedEffect {
        case .update:
            guard let from else { return .invalid("combine names no resourceInventoriedAs to put in a container") }
            guard let container = event.container else { return .invalid("combine has no container") }
            guard graph.resources[container] != nil || working.contains(container) else {
                return .invalid("the container \(container) does not exist")
            }
            guard container != from else { return .invalid("a resource cannot contain itself") }
            working[from]!.containedIn = container
        case .remove:
            if let from { working[from]!.containedIn = nil }
        case .notApplicable: break
        }
        if behavior.accountableEffect == .updateTo, let to, to != created {
            working[to]!.primaryAccountable = p.receiver
        }
        // Custody follows the explicit transfers that carry it.
        if p.action == .transfer || p.action == .transferCustody, let to, to != created {
            working[to]!.holder = p.receiver
        }
        if behavior.stageEffect == .update, let from, let process = p.outputOf {
            working[from]!.stage = graph.processes[process]?.payload.basedOn
        }
        if let state = p.state {
            if behavior.stateEffect == .update, let from { working[from]!.state = state }
            if behavior.stateEffect == .updateTo, let to { working[to]!.state = state }
        }
        // Implied transfers (concepts_transfers.md, and the shared README's reading of them):
        // applied to what the event itself moves, and quantities do not move again. A consume
        // or produce moves only the quantity it names: the resource it names (a stock it takes
        // part of, or adds to) keeps its accountable agent and holder, and a resource it creates
        // was made the receiver's above. pickup, dropoff, accept and modify hand the named
        // resource over whole: its holder becomes the receiver.
        if p.provider != p.receiver, let implied = p.action.impliedTransfer {
            if implied == .custody, let from, from != created {
                working[from]!.holder = p.receiver
            }
            if p.action == .deliverService, let to {
                if implied == .rightsAndCustody { working[to]!.primaryAccountable = p.receiver }
                working[to]!.holder = p.receiver
            }
        }

        // Authority over existing resources the signer does not answer for (whoever answers for
        // a resource may change it any way), judged by what actually changed.
        let denial: EventStatus? = !working.needsJudging ? nil : working.firstJudged { after, before in
            if consent.contains(where: { $0.covers(before) }) { return nil }
            var changes: [String] = []
            if after.accountingQuantity < before.accountingQuantity { changes.append("decrements its accounting quantity") }
            if after.onhandQuantity < before.onhandQuantity { changes.append("decrements its onhand quantity") }
            if after.currentLocation != before.currentLocation { changes.append("changes its location") }
            if after.containedIn != before.containedIn { changes.append("changes its container") }
            if after.primaryAccountable != before.primaryAccountable { changes.append("changes who is accountable") }
            if after.holder != before.holder { changes.append("changes who holds it") }
            if after.stage != before.stage { changes.append("changes its stage") }
            if after.state != before.state { changes.append("changes its state") }
            if changes.isEmpty { return nil }
            return .unauthorized("the event \(changes.joined(separator: " and ")) of resource \(after.id), but signer \(signer) is neither accountable for (\(before.primaryAccountable?.description ?? "nobody")) nor holding (\(before.holder?.description ?? "nobody")) it")
        }
        if let denial { return denial }

        working.commit(to: &graph.resources)
        return .applied
    }

    /// A correction applies signed quantity deltas to the resources the original changed.
    private static func applyCorrection(_ event: GraphEvent, original id: EntryID, to graph: inout EconomicGraph) -> EventStatus {
        let p = event.payload
        let target: CorrectionTarget
        switch check(event, correcting: id, in: graph) {
        case let .refused(status): return status
        case let .allowed(found): target = found
        }
        // In place: no copy of the original (or of its list of corrections) is held here, so
        // the n-th correction does not copy the n − 1 before it.
        func record(_ net: ExactDecimal) {
            graph.events[id]!.correctedBy.append(event.id)
            graph.events[id]!.correctedQuantity = net
        }
        guard let q = p.resourceQuantity else {
            record(target.corrected)
            return .applied
        }
        // The original's quantity with every correction applied before this one, and this one:
        // never below zero, or corrections could take out of a resource more than was ever
        // put in (raise a consumed stock above what was produced).
        let net: ExactDecimal
        do {
            net = try target.corrected.adding(q.value)
        } catch {
            return .invalid("quantity: \(error)")
        }
        if net.isNegative {
            return .invalid("the corrections of \(id) would take its resourceQuantity below zero (\(net) \(q.unit))")
        }
        let behavior = p.action.behavior
        let from = target.from, to = target.to
        var working = WorkingResources()
        for rid in [from, to].compactMap({ $0 }) {
            guard let resource = graph.resources[rid] else { return .invalid("resource \(rid) does not exist") }
            if let unit = resource.unit, unit != q.unit {
                return .invalid("resourceQuantity is in \(q.unit) but resource \(rid) is counted in \(unit)")
            }
            // A correction has its original's authority: nothing to judge.
            working.insert(resource, judged: false)
        }
        do {
            try applyQuantity(behavior.accountingEffect, q.value, from: from, to: to, in: &working, accounting: true)
            try applyQuantity(behavior.onhandEffect, q.value, from: from, to: to, in: &working, accounting: false)
        } catch {
            return .invalid("quantity: \(error)")
        }
        working.commit(to: &graph.resources)
        record(net)
        return .applied
    }

    /// What a correction needs of its original, once the rules allow it.
    private struct CorrectionTarget {
        /// The original's quantity with its applied corrections so far.
        let corrected: ExactDecimal
        let from: ResourceID?
        let to: ResourceID?
    }

    private enum CorrectionCheck {
        case refused(EventStatus)
        case allowed(CorrectionTarget)
    }

    /// Whether `event` may correct event `id`: signed by its author, of an applied original
    /// that is not itself a correction, with the same action and resources.
    private static func check(_ event: GraphEvent, correcting id: EntryID, in graph: EconomicGraph) -> CorrectionCheck {
        let signer = event.provenance.author
        let p = event.payload
        guard let original = graph.events[id] else { return .refused(.invalid("corrects \(id), which is not a known event")) }
        guard original.provenance.author == signer else {
            return .refused(.unauthorized("only \(original.provenance.author), the author of \(id), may correct it; signed by \(signer)"))
        }
        // The original's status by name only: with its reason, a chain of corrections would
        // nest every reason before it, and the reasons of a long chain grow with its square.
        guard original.status == .applied else { return .refused(.invalid("corrects \(id), which was not applied (\(original.status.name))")) }
        guard original.payload.corrects == nil else { return .refused(.invalid("corrects \(id), which is itself a correction; correct the original")) }
        guard p.action == original.payload.action else {
            return .refused(.invalid("a correction of a \(original.payload.action) event must also be \(original.payload.action), not \(p.action)"))
        }
        if let r = p.resourceInventoriedAs, r != original.fromResource {
            return .refused(.invalid("the correction names resourceInventoriedAs \(r) but the original changed \(original.fromResource?.description ?? "none")"))
        }
        if let t = p.toResourceInventoriedAs, t != original.toResource {
            return .refused(.invalid("the correction names toResourceInventoriedAs \(t) but the original changed \(original.toResource?.description ?? "none")"))
        }
        return .allowed(CorrectionTarget(corrected: original.correctedQuantity ?? original.payload.resourceQuantity?.value ?? .zero,
                                          from: original.fromResource, to: original.toResource))
    }

    /// Applies one quantity effect to the accounting (or else the onhand) quantity.
    private static func applyQuantity(
        _ effect: QuantityEffect, _ amount: ExactDecimal, from: ResourceID?, to: ResourceID?,
        in working: inout WorkingResources, accounting: Bool
    ) throws(ExactDecimalError) {
        func change(_ id: ResourceID, adding: Bool) throws(ExactDecimalError) {
            try working.update(id) { (resource: inout EconomicResource) throws(ExactDecimalError) in
                if accounting {
                    resource.accountingQuantity = try adding ? resource.accountingQuantity.adding(amount) : resource.accountingQuantity.subtracting(amount)
                } else {
                    resource.onhandQuantity = try adding ? resource.onhandQuantity.adding(amount) : resource.onhandQuantity.subtracting(amount)
                }
            }
        }
        switch effect {
        case .increment:
            if let from { try change(from, adding: true) }
        case .decrement:
            if let from { try change(from, adding: false) }
        case .decrementIncrement:
            if let from { try change(from, adding: false) }
            if let to { try change(to, adding: true) }
        case .incrementTo:
            if let to { try change(to, adding: true) }
        case .notApplicable:
            break
        }
    }
}
