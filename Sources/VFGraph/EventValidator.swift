import VFLog
import VFJSON

/// What the validator may ask about the world: which objects exist, what unit a resource has,
/// and what unit a specification counts in.
public protocol KnownObjects {
    /// The kind of object an entry holds; nil when the entry is not known at all.
    func objectKind(of entry: EntryID) -> KnownKind?
    /// Whether a resource exists, and its unit if it has one yet.
    func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge
    /// The `defaultUnitOfResource` of a known specification; nil when it states none.
    func defaultUnit(ofSpecification specification: EntryID) -> String?
    /// The entries whose payload this node forgot: still unknown, but a reference to one says why.
    var forgotten: ForgottenPayloads { get }
}

extension KnownObjects {
    public var forgotten: ForgottenPayloads { ForgottenPayloads() }
}

/// An entry that is known: a graph object of some kind, or something else (a contact, a
/// malformed or unverified object) that no reference may point at.
public enum KnownKind: Sendable, Equatable {
    case object(ObjectKind)
    case notAGraphObject(String)
}

/// Whether a resource exists, and its unit.
public enum ResourceKnowledge: Sendable, Equatable {
    case unknown
    case known(unit: String?)
}

/// Where an event comes from. A reference to something unknown makes a local event invalid
/// (the author should publish what it refers to first) but a replicated one pending (what it
/// refers to may still be on its way).
public enum EventOrigin: Sendable { case local, remote }

/// The outcome of validating an event payload.
public enum Validation: Sendable, Equatable {
    case valid(EconomicEventPayload)
    case invalid(String)
    case pending(String)
}

/// Validates event payloads: a pure function of the payload and what is known.
public enum EventValidator {
    /// Validates a payload's bytes. Authority is not checked here: it depends on the order of
    /// events, so the derivation decides it.
    public static func validate(_ payload: [UInt8], known: some KnownObjects, origin: EventOrigin) -> Validation {
        let json: JSONValue
        do { json = try JSONParser.parse(payload) } catch { return .invalid("payload: \(error)") }
        return validate(json, known: known, origin: origin)
    }

    /// Validates a parsed payload; see ``validate(_:known:origin:)-(([UInt8],_,_))``.
    public static func validate(_ json: JSONValue, known: some KnownObjects, origin: EventOrigin) -> Validation {
        guard json["@type"]?.stringValue == "EconomicEvent" || json["@type"]?.stringValue == "vf:EconomicEvent" else {
            return .invalid("@type is not EconomicEvent")
        }
        let event: EconomicEventPayload
        do { event = try EconomicEventPayload(json: json) } catch { return .invalid(error.reason) }
        return validate(event, known: known, origin: origin)
    }

    /// Validates an event payload already read: what ``validate(_:known:origin:)-(JSONValue,_,_)``
    /// asks once it has read one.
    package static func validate(_ event: EconomicEventPayload, known: some KnownObjects, origin: EventOrigin) -> Validation {
        if let failure = checkReferences(event, known: known, origin: origin) { return failure }
        if let reason = unitMismatch(event, units: { known.resourceKnowledge(of: $0) }) { return .invalid(reason) }
        if let reason = specificationUnitMismatch(event, defaultUnit: { known.defaultUnit(ofSpecification: $0) }) { return .invalid(reason) }
        return .valid(event)
    }

    /// The first reference that is unknown (pending or invalid by origin) or of the wrong kind.
    /// References are checked in a fixed order: provider, receiver, inputOf, outputOf,
    /// resourceConformsTo, newInventoriedResource.conformsTo, corrects, then the resources.
    /// Why the reference `name` to `id` fails, expecting an object of kind `expected`; nil when
    /// it holds. Unknown is pending for a replicated entry, invalid for a local one.
    package static func referenceFailure(_ name: String, _ id: EntryID, _ expected: ObjectKind, known: some KnownObjects,
                                         origin: EventOrigin) -> Validation? {
        switch known.objectKind(of: id) {
        case nil:
            let reason = known.forgotten.unknownEntryReason(name, id)
            return origin == .local ? .invalid(reason) : .pending(reason)
        case let .object(kind)? where kind == expected:
            return nil
        case .object(.profile)?:
            return .invalid("\(name) refers to \(id), a profile entry; refer to that agent by its feed id")
        case let .object(kind)?:
            return .invalid("\(name) refers to \(id), which is \(kind.withArticle), not \(expected.withArticle)")
        case let .notAGraphObject(what)?:
            return .invalid("\(name) refers to \(id), which is \(what)")
        }
    }

    package static func checkReferences(_ event: EconomicEventPayload, known: some KnownObjects, origin: EventOrigin) -> Validation? {
        func check(_ name: String, _ id: EntryID, _ expected: ObjectKind) -> Validation? {
            referenceFailure(name, id, expected, known: known, origin: origin)
        }
        if case let .described(entry) = event.provider, let failure = check("provider", entry, .agent) { return failure }
        if case let .described(entry) = event.receiver, let failure = check("receiver", entry, .agent) { return failure }
        if let id = event.inputOf, let failure = check("inputOf", id, .process) { return failure }
        if let id = event.outputOf, let failure = check("outputOf", id, .process) { return failure }
        if let id = event.resourceConformsTo, let failure = check("resourceConformsTo", id, .resourceSpecification) { return failure }
        if let id = event.newInventoriedResource?.conformsTo,
           let failure = check("newInventoriedResource.conformsTo", id, .resourceSpecification) { return failure }
        if let id = event.corrects, let failure = check("corrects", id, .economicEvent) { return failure }
        func checkResource(_ name: String, _ id: ResourceID?) -> Validation? {
            guard let id, known.resourceKnowledge(of: id) == .unknown else { return nil }
            let reason = known.forgotten.unknownResourceReason(name, id)
            return origin == .local ? .invalid(reason) : .pending(reason)
        }
        if let failure = checkResource("resourceInventoriedAs", event.resourceInventoriedAs) { return failure }
        return checkResource("toResourceInventoriedAs", event.toResourceInventoriedAs)
    }

    /// The first reference of `event` that is not known, in the order ``checkReferences(_:known:origin:)``
    /// checks them: what a pending event waits for.
    package static func firstUnknownReference(_ event: EconomicEventPayload, known: some KnownObjects) -> Hash32? {
        var entries: [EntryID] = []
        if case let .described(entry) = event.provider { entries.append(entry) }
        if case let .described(entry) = event.receiver { entries.append(entry) }
        entries += [event.inputOf, event.outputOf, event.resourceConformsTo, event.newInventoriedResource?.conformsTo, event.corrects]
            .compactMap { $0 }
        if let unknown = entries.first(where: { known.objectKind(of: $0) == nil }) { return unknown.hash }
        return [event.resourceInventoriedAs, event.toResourceInventoriedAs].compactMap { $0 }
            .first { known.resourceKnowledge(of: $0) == .unknown }?.hash
    }

    /// The reason `resourceQuantity`'s unit differs from a resource it changes, if it does.
    package static func unitMismatch(_ event: EconomicEventPayload, units: (ResourceID) -> ResourceKnowledge) -> String? {
        guard let quantity = event.resourceQuantity else { return nil }
        let behavior = event.action.behavior
        var changed: [(String, ResourceID)] = []
        if let r = event.resourceInventoriedAs, behavior.changesFromQuantity { changed.append(("resourceInventoriedAs", r)) }
        if let t = event.toResourceInventoriedAs, behavior.changesToQuantity { changed.append(("toResourceInventoriedAs", t)) }
        for (name, id) in changed {
            if case let .known(unit?) = units(id), unit != quantity.unit {
                return "resourceQuantity is in \(quantity.unit) but \(name) \(id) is counted in \(unit)"
            }
        }
        return nil
    }

    /// The reason `resourceQuantity`'s unit differs from the `defaultUnitOfResource` of the
    /// specification it counts, if it does: the specification of the resource the event creates,
    /// or the event's `resourceConformsTo` when it names no inventoried resource. Resources it
    /// names but does not create answer to their own units (``unitMismatch(_:units:)``), which
    /// their creation fixed. The derivation asks this too, when it applies the event, so
    /// publishing and deriving give one verdict.
    package static func specificationUnitMismatch(_ event: EconomicEventPayload, defaultUnit: (EntryID) -> String?) -> String? {
        guard let quantity = event.resourceQuantity else { return nil }
        let counted: (property: String, id: EntryID)?
        if let new = event.newInventoriedResource {
            // What the created resource conforms to (EffectApplier reads the same two, in this order).
            counted = new.conformsTo.map { ("newInventoriedResource.conformsTo", $0) }
                ?? event.resourceConformsTo.map { ("resourceConformsTo", $0) }
        } else if event.resourceInventoriedAs == nil, event.toResourceInventoriedAs == nil {
            counted = event.resourceConformsTo.map { ("resourceConformsTo", $0) }
        } else {
            counted = nil
        }
        guard let counted, let unit = defaultUnit(counted.id), unit != quantity.unit else { return nil }
        return "resourceQuantity is in \(quantity.unit) but specification \(counted.id) (\(counted.property)) counts in \(unit)"
    }
}

extension ActionBehavior {
    /// The effects on `resourceInventoriedAs`'s quantities: increment, decrement, or the
    /// decrement half of decrementIncrement.
    package var changesFromQuantity: Bool {
        func changesFrom(_ effect: QuantityEffect) -> Bool {
            switch effect {
            case .increment, .decrement, .decrementIncrement: true
            case .incrementTo, .notApplicable: false
            }
        }
        return changesFrom(accountingEffect) || changesFrom(onhandEffect)
    }

    /// Whether `toResourceInventoriedAs`'s quantities change.
    package var changesToQuantity: Bool {
        func changesTo(_ effect: QuantityEffect) -> Bool {
            switch effect {
            case .decrementIncrement, .incrementTo: true
            case .increment, .decrement, .notApplicable: false
            }
        }
        return changesTo(accountingEffect) || changesTo(onhandEffect)
    }
}
