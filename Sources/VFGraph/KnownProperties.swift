import VFJSON

/// The properties this node reads from each ValueFlows type, so that publishing a misspelt one
/// (`provder`, `resourceQuantiy`) is refused instead of silently ignored (``PublishCheck``).
/// Entries from other feeds are not held to it: derivation reads what it knows and ignores the
/// rest, so a newer vocabulary elsewhere does not make their events invalid here. Pure.
public enum KnownProperties {
    // Names compare by bytes (``JSONName``), as the payload profile compares them: a name that
    // is only canonically equivalent to a known one is not that one.

    /// JSON-LD keywords any object may carry.
    package static let keywords: Set<JSONName> = ["@context", "@type", "@id"]

    package static let measure: Set<JSONName> = ["hasNumericalValue", "hasUnit"]
    package static let newResource: Set<JSONName> = ["name", "trackingIdentifier", "note", "conformsTo"]

    package static let byType: [JSONName: Set<JSONName>] = [
        "EconomicEvent": ["action", "provider", "receiver", "resourceInventoriedAs", "toResourceInventoriedAs",
                          "resourceConformsTo", "resourceQuantity", "effortQuantity", "inputOf", "outputOf", "toLocation",
                          "hasPointInTime", "hasBeginning", "hasEnd", "state", "corrects", "note", "newInventoriedResource",
                          "fulfills", "satisfies", "settles"],
        "Process": ["name", "basedOn", "note", "hasBeginning", "hasEnd", "plannedWithin"],
        "ResourceSpecification": ["name", "defaultUnitOfResource", "note"],
        "Person": ["name", "note", "primaryLocation"],
        "Organization": ["name", "note", "primaryLocation"],
        "Intent": ["action", "provider", "receiver", "resourceConformsTo", "resourceInventoriedAs", "resourceQuantity", "effortQuantity",
                   "availableQuantity", "minimumQuantity", "inputOf", "outputOf", "plannedWithin", "hasBeginning", "hasEnd",
                   "hasPointInTime", "due", "name", "note", "finished"],
        "Proposal": ["name", "note", "hasBeginning", "hasEnd", "purpose", "unitBased", "publishes", "reciprocal"],
        "Commitment": ["action", "provider", "receiver", "resourceConformsTo", "resourceInventoriedAs", "resourceQuantity", "effortQuantity",
                       "inputOf", "outputOf", "plannedWithin", "independentDemandOf", "hasBeginning", "hasEnd", "hasPointInTime", "due",
                       "note", "finished", "satisfies"],
        "Plan": ["name", "note", "due"],
        "Agreement": ["name", "note", "stipulates", "stipulatesReciprocal"],
        "Claim": ["action", "provider", "receiver", "resourceConformsTo", "resourceQuantity", "effortQuantity", "triggeredBy", "due",
                  "note", "finished"],
        "Acceptance": ["accepts", "note"],
        "Withdrawal": ["withdraws", "note"],
    ]

    /// The first property of `payload` its ValueFlows type does not define (in key order, so the
    /// answer is stable), as a dotted path; nil when all are known or the payload is not a
    /// ValueFlows object.
    public static func firstUnknown(in payload: JSONValue) -> String? {
        guard let members = payload.objectValue else { return nil }
        return firstUnknown(type: members["@type"]?.stringValue, names: Array(members.keys)) { key in
            members[JSONName("\(key)")]?.objectValue.map { Array($0.keys) }
        }
    }

    /// ``firstUnknown(in:)-(JSONValue)`` of a payload read onto the tape, which gives the same
    /// answer without building the tree.
    package static func firstUnknown(in tape: JSONTape) -> String? {
        guard tape.nodes.first?.kind == .object else { return nil }
        let type = tape.member(0, "@type").flatMap { tape.nodes[$0].kind == .string ? tape.text($0) : nil }
        return firstUnknown(type: type, names: tape.memberNames(0)) { key in
            tape.member(0, key).flatMap { tape.nodes[$0].kind == .object ? tape.memberNames($0) : nil }
        }
    }

    /// The rule, over an object's `@type` (if a string), its member names, and the member names
    /// of the object member `inner` names (nil when it is not an object): the least name in
    /// byte order its type does not define, then the same inside each measure and inside a new
    /// resource.
    private static func firstUnknown(type: String?, names: [JSONName], inner: (StaticString) -> [JSONName]?) -> String? {
        guard let type, let known = byType[JSONName(type.hasPrefix("vf:") ? String(type.dropFirst(3)) : type)] else { return nil }
        if let bad = names.filter({ !keywords.contains($0) && !known.contains($0) }).min() { return bad.text }
        let nested: [(StaticString, (JSONName) -> Bool)] = [
            ("resourceQuantity", measure.contains), ("effortQuantity", measure.contains),
            ("newInventoriedResource", { newResource.contains($0) || keywords.contains($0) }),
        ]
        for (key, allowed) in nested {
            if let bad = inner(key)?.filter({ !allowed($0) }).min() { return "\(key).\(bad)" }
        }
        return nil
    }
}
