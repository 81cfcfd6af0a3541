import VFLog

/// What publishing checks of planning payloads, and of the planning references of events,
/// beyond reading them: everything referred to is known and of the right kind, and
/// quantities are in the unit of the specification or resource they count. Replicated entries
/// are not held to it (a reference may still be on its way, and the figures derived from
/// links count only what is known); a node's own are. Pure.
public enum PlanningCheck {
    /// Why `object` may not be published against `known`; nil when it may.
    public static func refusal(_ object: VFObject, known: some KnownObjects) -> String? {
        switch object {
        case let .event(event):
            let references = event.fulfills.map { ("fulfills", $0, ObjectKind.planned(.commitment)) }
                + event.satisfies.map { ("satisfies", $0, ObjectKind.planned(.intent)) }
                + event.settles.map { ("settles", $0, ObjectKind.planned(.claim)) }
            return references.lazy.compactMap { check($0.0, $0.1, $0.2, known) }.first
        case let .planned(p):
            var references = p.references
            if case let .described(entry) = p.provider { references.insert(("provider", entry, .agent), at: 0) }
            if case let .described(entry) = p.receiver { references.insert(("receiver", entry, .agent), at: 0) }
            if let failure = references.lazy.compactMap({ check($0.property, $0.id, $0.kind, known) }).first { return failure }
            return unitMismatch(p, known: known)
        case let .process(process):
            return process.plannedWithin.flatMap { check("plannedWithin", $0, .planned(.plan), known) }
        case .resourceSpecification, .agent, .foreign:
            return nil
        }
    }

    /// As an event's references are checked, for a local entry: unknown is a refusal.
    private static func check(_ property: String, _ id: EntryID, _ expected: ObjectKind, _ known: some KnownObjects) -> String? {
        switch EventValidator.referenceFailure(property, id, expected, known: known, origin: .local) {
        case let .invalid(reason)?, let .pending(reason)?: reason
        case .valid?, nil: nil
        }
    }

    private static func unitMismatch(_ p: PlannedPayload, known: some KnownObjects) -> String? {
        var unit: (String, String)?
        if let resource = p.resourceInventoriedAs {
            switch known.resourceKnowledge(of: resource) {
            case .unknown: return "resourceInventoriedAs refers to resource \(resource), which is not known"
            case let .known(u?): unit = (u, "resource \(resource) is counted in")
            case .known(nil): break
            }
        }
        if unit == nil, let spec = p.resourceConformsTo, let u = known.defaultUnit(ofSpecification: spec) {
            unit = (u, "specification \(spec) counts in")
        }
        guard let (expected, what) = unit else { return nil }
        for (key, measure) in [("resourceQuantity", p.resourceQuantity), ("availableQuantity", p.availableQuantity),
                               ("minimumQuantity", p.minimumQuantity)] {
            if let measure, measure.unit != expected { return "\(key) is in \(measure.unit) but \(what) \(expected)" }
        }
        return nil
    }
}
