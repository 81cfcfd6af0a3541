import Foundation
import VFGraph
import VFLog

/// The JSON shapes of the graph, shared by the `--json` commands and the HTTP API: ids in
/// their text forms, quantities as decimal strings (never floating-point numbers), absent
/// properties as null.
public enum GraphJSON {
    /// `{"hasNumericalValue": "<decimal>", "hasUnit": …}`, or null.
    public static func measure(_ m: Measure?) -> Any {
        guard let m else { return NSNull() }
        return ["hasNumericalValue": m.value.description, "hasUnit": m.unit]
    }

    /// A resource with both quantities and who answers for and holds it.
    public static func resource(_ r: EconomicResource) -> [String: Any] {
        [
            "id": r.id.description, "name": r.name ?? NSNull(), "trackingIdentifier": r.trackingIdentifier ?? NSNull(),
            "note": r.note ?? NSNull(), "conformsTo": r.conformsTo?.description ?? NSNull(), "unit": r.unit ?? NSNull(),
            "accountingQuantity": measure(r.accountingMeasure), "onhandQuantity": measure(r.onhandMeasure),
            "primaryAccountable": r.primaryAccountable?.description ?? NSNull(), "holder": r.holder?.description ?? NSNull(),
            "currentLocation": r.currentLocation ?? NSNull(), "containedIn": r.containedIn?.description ?? NSNull(),
            "stage": r.stage ?? NSNull(), "state": r.state ?? NSNull(), "createdBy": r.createdBy.description,
        ]
    }

    /// An event with where it sits in its author's feed and whether its signature verified.
    public static func event(_ e: GraphEvent) -> [String: Any] {
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
    public static func process(_ p: GraphProcess, in graph: EconomicGraph) -> [String: Any] {
        [
            "id": p.id.description, "author": p.author.description, "name": p.payload.name ?? NSNull(),
            "basedOn": p.payload.basedOn ?? NSNull(), "note": p.payload.note ?? NSNull(),
            "inputs": graph.events(inputOf: p.id).map { $0.id.description },
            "outputs": graph.events(outputOf: p.id).map { $0.id.description },
        ]
    }

    /// A ResourceSpecification.
    public static func specification(_ s: GraphResourceSpecification) -> [String: Any] {
        [
            "id": s.id.description, "author": s.author.description, "name": s.payload.name ?? NSNull(),
            "defaultUnitOfResource": s.payload.defaultUnitOfResource ?? NSNull(), "note": s.payload.note ?? NSNull(),
        ]
    }

    /// An agent: a feed, or one described by an entry, with its profile if any.
    public static func agent(_ a: GraphAgent) -> [String: Any] {
        [
            "id": a.id.description, "answeredBy": a.answeredBy.description, "describedBy": a.describedBy?.description ?? NSNull(),
            "type": a.profile?.kind.rawValue ?? NSNull(), "name": a.profile?.name ?? NSNull(),
        ]
    }

    /// One step of a track or trace: what it is, what it was reached from, and for an event
    /// its signer, feed position and signature flag.
    public static func step(_ s: FlowStep) -> [String: Any] {
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
    public static func itemID(_ item: FlowItem) -> String {
        switch item {
        case let .event(id): id.description
        case let .process(id): id.description
        case let .resource(id): id.description
        }
    }
}
