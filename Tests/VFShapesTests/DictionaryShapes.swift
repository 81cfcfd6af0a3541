import Foundation
import VFGraph
import VFGraphStore
import VFJSON
import VFLog
import VFShapes

// The shapes as `[String: Any]` for JSONSerialization (through ``JSONText``), exactly as the
// command line and the API built them before ``JSONWriter``: the reference the writer's bytes
// are compared with.

enum DictionaryGraphJSON {
    /// `{"hasNumericalValue": "<decimal>", "hasUnit": …}`, or null.
    static func measure(_ m: Measure?) -> Any {
        guard let m else { return NSNull() }
        return ["hasNumericalValue": m.value.description, "hasUnit": m.unit]
    }

    /// A resource with both quantities and who answers for and holds it.
    static func resource(_ r: EconomicResource) -> [String: Any] {
        [
            "id": r.id.description, "name": r.name ?? NSNull(), "trackingIdentifier": r.trackingIdentifier ?? NSNull(),
            "note": r.note ?? NSNull(), "conformsTo": r.conformsTo?.description ?? NSNull(), "unit": r.unit ?? NSNull(),
            "accountingQuantity": measure(r.accountingMeasure), "onhandQuantity": measure(r.onhandMeasure),
            "primaryAccountable": r.primaryAccountable?.description ?? NSNull(), "holder": r.holder?.description ?? NSNull(),
            "currentLocation": r.currentLocation ?? NSNull(), "containedIn": r.containedIn?.description ?? NSNull(),
            "stage": r.stage ?? NSNull(), "state": r.state ?? NSNull(), "createdBy": r.createdBy.description,
            "negative": r.isNegative,
        ]
    }

    /// An event with where it sits in its author's feed and whether its signature verified.
    static func event(_ e: GraphEvent) -> [String: Any] {
        let p = e.payload
        var object: [String: Any] = [
            "id": e.id.description, "author": e.provenance.author.description, "sequence": e.provenance.sequence,
            "signatureVerified": e.provenance.signatureVerified, "action": p.action.rawValue, "status": e.status.name,
            "provider": p.provider.description, "receiver": p.receiver.description,
            "resourceInventoriedAs": e.fromResource?.description ?? NSNull(),
            "toResourceInventoriedAs": e.toResource?.description ?? NSNull(),
            "inputOf": p.inputOf?.description ?? NSNull(), "outputOf": p.outputOf?.description ?? NSNull(),
            "resourceQuantity": measure(p.resourceQuantity), "effortQuantity": measure(p.effortQuantity),
            "order": e.order?.description ?? NSNull(),
        ]
        if let reason = e.status.reason { object["reason"] = reason }
        return object
    }

    /// A process with the ids of its applied input and output events.
    static func process(_ p: GraphProcess, inputs: [EntryID], outputs: [EntryID], moreInputs: Bool, moreOutputs: Bool) -> [String: Any] {
        [
            "id": p.id.description, "author": p.author.description, "name": p.payload.name ?? NSNull(),
            "basedOn": p.payload.basedOn ?? NSNull(), "note": p.payload.note ?? NSNull(),
            "inputs": inputs.map(\.description),
            "outputs": outputs.map(\.description), "moreInputs": moreInputs, "moreOutputs": moreOutputs,
        ]
    }

    /// A ResourceSpecification.
    static func specification(_ s: GraphResourceSpecification) -> [String: Any] {
        [
            "id": s.id.description, "author": s.author.description, "name": s.payload.name ?? NSNull(),
            "defaultUnitOfResource": s.payload.defaultUnitOfResource ?? NSNull(), "note": s.payload.note ?? NSNull(),
        ]
    }

    /// An agent: a feed, or one described by an entry, with its profile if any.
    static func agent(_ a: GraphAgent) -> [String: Any] {
        [
            "id": a.id.description, "answeredBy": a.answeredBy.description, "describedBy": a.describedBy?.description ?? NSNull(),
            "type": a.profile?.kind.rawValue ?? NSNull(), "name": a.profile?.name ?? NSNull(),
        ]
    }

    /// One step of a track or trace: what it is, what it was reached from, and for an event
    /// its signer, feed position and signature flag.
    static func step(_ s: FlowStep) -> [String: Any] {
        var object: [String: Any] = ["parent": s.parent.map(itemID) ?? NSNull()]
        switch s.item {
        case let .event(id): object["type"] = "event"; object["id"] = id.description
        case let .process(id): object["type"] = "process"; object["id"] = id.description
        case let .resource(id): object["type"] = "resource"; object["id"] = id.description
        }
        if let e = s.event {
            object["author"] = e.provenance.author.description
            object["sequence"] = e.provenance.sequence
            object["entryId"] = e.provenance.entryID.description
            object["signatureVerified"] = e.provenance.signatureVerified
            object["action"] = e.payload.action.rawValue
        }
        return object
    }

    /// The id of whatever a flow step is.
    static func itemID(_ item: FlowItem) -> String {
        switch item {
        case let .event(id): id.description
        case let .process(id): id.description
        case let .resource(id): id.description
        }
    }
}

enum DictionaryEntryJSON {
    /// What the entry itself says: its place in its feed, its links, and its payload (null
    /// when the payload is not held, or when it is held but the JSON profile refuses it: an
    /// entry stored before the profile, docs/protocol.md §5). The payload is a ``JSONValue``,
    /// which ``JSONText`` writes as canonical text.
    static func entry(_ signed: SignedEntry) -> [String: Any] {
        let e = signed.entry
        var object: [String: Any] = [
            "author": e.author.description,
            "sequence": e.sequence,
            "id": e.id.description,
            "previous": e.backlink?.description ?? NSNull(),
            "lipmaaLink": e.lipmaaLink?.description ?? NSNull(),
            "timestamp": e.timestamp,
            "payloadSize": e.payloadSize,
            "payloadHash": e.payloadHash.hex,
        ]
        if let payload = signed.payload, let value = try? JSONParser.parse(payload) {
            object["payload"] = value
        } else {
            object["payload"] = NSNull()
        }
        return object
    }

    /// The API's entry: ``entry(_:)`` with whether the signature verifies, its status (null
    /// for anything but a ValueFlows object), the reason when not applied, and the resource an
    /// event creates.
    static func entry(_ signed: SignedEntry, status: EventStatus?, signatureVerified: Bool, forgotten: Bool = false) -> [String: Any] {
        var object = entry(signed)
        object["forgotten"] = forgotten
        object["signatureVerified"] = signatureVerified
        object["status"] = status?.name ?? NSNull()
        object["reason"] = status?.reason ?? NSNull()
        object["createdResource"] = createdResource(signed).map { $0.description } ?? NSNull()
        return object
    }

    /// `vf log --json`'s entry: a ValueFlows object's status, and the reason unless applied.
    static func logEntry(_ signed: SignedEntry, status: EventStatus?, forgotten: Bool = false) -> [String: Any] {
        var object = entry(signed)
        if forgotten { object["forgotten"] = true }
        if let status {
            object["status"] = status.name
            if let reason = status.reason { object["reason"] = reason }
        }
        return object
    }

    /// The resource an event entry creates (`newInventoriedResource`), if it is one.
    static func createdResource(_ signed: SignedEntry) -> ResourceID? {
        guard let payload = signed.payload, case let .event(event)? = try? VFObject.decode(payload, author: signed.entry.author),
              event.newInventoriedResource != nil else { return nil }
        return ResourceID(createdBy: signed.entry.id)
    }
}
