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
        guard let members = payload.objectValue, let type = members["@type"]?.stringValue else { return nil }
        let bare = type.hasPrefix("vf:") ? String(type.dropFirst(3)) : type
        guard let known = byType[JSONName(bare)] else { return nil }
        for key in members.keys.sorted() {
            guard keywords.contains(key) || known.contains(key) else { return key.text }
        }
        for key in ["resourceQuantity", "effortQuantity"] {
            if let inner = members[JSONName(key)]?.objectValue, let bad = inner.keys.sorted().first(where: { !measure.contains($0) }) {
                return "\(key).\(bad)"
            }
        }
        if let inner = members["newInventoriedResource"]?.objectValue,
           let bad = inner.keys.sorted().first(where: { !newResource.contains($0) && !keywords.contains($0) }) {
            return "newInventoriedResource.\(bad)"
        }
        return nil
    }

    /// ``firstUnknown(in:)-(JSONValue)`` of a payload read onto the tape, which gives the same
    /// answer without building the tree.
    package static func firstUnknown(in tape: JSONTape) -> String? {
        guard tape.nodes.first?.kind == .object, let typeNode = tape.member(0, "@type"), tape.nodes[typeNode].kind == .string else { return nil }
        let type = tape.text(typeNode)
        guard let known = byType[JSONName(type.hasPrefix("vf:") ? String(type.dropFirst(3)) : type)] else { return nil }
        if let bad = tape.memberNames(0).filter({ !keywords.contains($0) && !known.contains($0) }).min() { return bad.text }
        func inner(_ node: Int?, _ allowed: (JSONName) -> Bool) -> JSONName? {
            guard let node, tape.nodes[node].kind == .object else { return nil }
            return tape.memberNames(node).filter { !allowed($0) }.min()
        }
        if let bad = inner(tape.member(0, "resourceQuantity"), measure.contains) { return "resourceQuantity.\(bad)" }
        if let bad = inner(tape.member(0, "effortQuantity"), measure.contains) { return "effortQuantity.\(bad)" }
        if let bad = inner(tape.member(0, "newInventoriedResource"), { newResource.contains($0) || keywords.contains($0) }) {
            return "newInventoriedResource.\(bad)"
        }
        return nil
    }
}
