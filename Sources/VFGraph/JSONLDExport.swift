import VFLog
import VFJSON

/// Exports events and derived resources as JSON-LD with the VF 1.0 vocabulary.
///
/// Quantities are written as `xsd:decimal` typed strings so the exact value survives any
/// JSON reader. The result is a ``JSONValue``; ``JSONValue/serialized`` gives canonical text.
public enum JSONLDExport {
    /// The VF 1.0 namespace.
    public static let vocabulary = "https://w3id.org/valueflows/ont/vf#"

    /// The `@context`: VF terms bare, references typed as ids.
    public static var context: JSONValue {
        var context: [JSONName: JSONValue] = [
            "@vocab": .string(vocabulary),
            "vf": .string(vocabulary),
            "xsd": .string("http://www.w3.org/2001/XMLSchema#"),
        ]
        for term in ["provider", "receiver", "resourceInventoriedAs", "toResourceInventoriedAs", "resourceConformsTo",
                     "inputOf", "outputOf", "corrects", "conformsTo", "primaryAccountable", "containedIn", "action"] {
            context[JSONName(term)] = .object(["@type": .string("@id")])
        }
        for term in ["hasPointInTime", "hasBeginning", "hasEnd"] {
            context[JSONName(term)] = .object(["@type": .string("xsd:dateTimeStamp")])
        }
        return .object(context)
    }

    /// The applied events (in causal order) and all resources (by id) as one JSON-LD document.
    public static func document(_ graph: EconomicGraph) -> JSONValue {
        let events = graph.appliedOrder.compactMap { graph.events[$0] }.map(event)
        let resources = graph.resources.keys.sorted().map { resource(graph.resources[$0]!) }
        return .object(["@context": context, "@graph": .array(events + resources)])
    }

    /// One event as a JSON-LD node, `@id` its entry id.
    public static func event(_ event: GraphEvent) -> JSONValue {
        let p = event.payload
        var node: [JSONName: JSONValue] = [
            "@id": .string(event.id.description),
            "@type": .string("EconomicEvent"),
            "action": .string("vf:\(p.action.rawValue)"),
            "provider": .string(p.provider.description),
            "receiver": .string(p.receiver.description),
        ]
        func set(_ key: String, _ value: String?) { if let value { node[JSONName(key)] = .string(value) } }
        set("resourceInventoriedAs", event.fromResource?.description)
        set("toResourceInventoriedAs", event.toResource?.description)
        set("resourceConformsTo", p.resourceConformsTo?.description)
        set("inputOf", p.inputOf?.description)
        set("outputOf", p.outputOf?.description)
        set("corrects", p.corrects?.description)
        set("toLocation", p.toLocation)
        set("state", p.state)
        set("note", p.note)
        // The payload keeps its bytes, not a tree: parse them once for the three times as written.
        if p.hasPointInTime != nil || p.hasBeginning != nil || p.hasEnd != nil {
            let json = p.json
            for key in ["hasPointInTime", "hasBeginning", "hasEnd"] { set(key, json[key]?.stringValue) }
        }
        if let q = p.resourceQuantity { node["resourceQuantity"] = measure(q) }
        if let q = p.effortQuantity { node["effortQuantity"] = measure(q) }
        return .object(node)
    }

    /// One derived resource as a JSON-LD node, `@id` its resource id.
    public static func resource(_ resource: EconomicResource) -> JSONValue {
        var node: [JSONName: JSONValue] = [
            "@id": .string(resource.id.description),
            "@type": .string("EconomicResource"),
        ]
        func set(_ key: String, _ value: String?) { if let value { node[JSONName(key)] = .string(value) } }
        set("name", resource.name)
        set("trackingIdentifier", resource.trackingIdentifier)
        set("note", resource.note)
        set("conformsTo", resource.conformsTo?.description)
        set("primaryAccountable", resource.primaryAccountable?.description)
        set("currentLocation", resource.currentLocation)
        set("containedIn", resource.containedIn?.description)
        set("stage", resource.stage)
        set("state", resource.state)
        if let m = resource.accountingMeasure { node["accountingQuantity"] = measure(m) }
        if let m = resource.onhandMeasure { node["onhandQuantity"] = measure(m) }
        return .object(node)
    }

    package static func measure(_ m: Measure) -> JSONValue {
        .object([
            "@type": .string("Measure"),
            "hasNumericalValue": .object(["@value": .string(m.value.description), "@type": .string("xsd:decimal")]),
            "hasUnit": .string(m.unit),
        ])
    }
}
