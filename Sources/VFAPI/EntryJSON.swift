import Foundation
import VFGraph
import VFJSON
import VFLog

/// The JSON shape of a log entry, shared by `vf log --json` and the HTTP API.
public enum EntryJSON {
    /// What the entry itself says: its place in its feed, its links, and its payload (null
    /// when the payload is not held, or when it is held but the JSON profile refuses it: an
    /// entry stored before the profile, docs/protocol.md §5). The payload is a ``JSONValue``,
    /// which ``JSONText`` writes as canonical text.
    public static func entry(_ signed: SignedEntry) -> [String: Any] {
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

    /// ``entry(_:)`` with what this node makes of it: whether the signature verifies, and for a
    /// ValueFlows object its status in `graph` (null for anything else), the reason when it is
    /// not applied, and the resource an event creates.
    public static func entry(_ signed: SignedEntry, graph: EconomicGraph, signatureVerified: Bool) -> [String: Any] {
        var object = entry(signed)
        object["signatureVerified"] = signatureVerified
        let status = graph.status(of: signed.entry.id)
        object["status"] = status?.name ?? NSNull()
        object["reason"] = status?.reason ?? NSNull()
        object["createdResource"] = createdResource(signed).map { $0.description } ?? NSNull()
        return object
    }

    /// The resource an event entry creates (`newInventoriedResource`), if it is one.
    public static func createdResource(_ signed: SignedEntry) -> ResourceID? {
        guard let payload = signed.payload, case let .event(event)? = try? VFObject.decode(payload, author: signed.entry.author),
              event.newInventoriedResource != nil else { return nil }
        return ResourceID(createdBy: signed.entry.id)
    }
}
