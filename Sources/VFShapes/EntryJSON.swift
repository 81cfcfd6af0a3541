import VFGraph
import VFJSON
import VFLog

/// The JSON shape of a log entry, shared by `vf log --json` and the HTTP API.
///
/// What the entry itself says: its place in its feed, its links, and its payload as canonical
/// text (null when the payload is not held, or when it is held but the JSON profile refuses
/// it: an entry stored before the profile, docs/protocol.md §5), and whether this node forgot
/// that payload (`vf forget`). Then what this node makes of it, which the two print differently.
public enum EntryJSON {
    /// What the API adds to an entry.
    public struct Verdict: Sendable {
        /// The Ed25519 signature, checked again while answering.
        public var signatureVerified: Bool
        /// The status of a ValueFlows object in the graph; nil for anything else.
        public var status: EventStatus?
        /// The resource an event creates (`newInventoriedResource`).
        public var createdResource: ResourceID?
        /// This node forgot the entry's payload (`vf forget`).
        public var forgotten: Bool

        public init(signatureVerified: Bool, status: EventStatus?, createdResource: ResourceID?, forgotten: Bool = false) {
            self.signatureVerified = signatureVerified
            self.status = status
            self.createdResource = createdResource
            self.forgotten = forgotten
        }
    }

    /// The API's entry: with `signatureVerified`, `forgotten`, and `status`, `reason` and
    /// `createdResource`, each null when it does not apply.
    public static func entry(_ signed: SignedEntry, verdict: Verdict, to w: inout JSONWriter) {
        write(signed, .api(verdict), to: &w)
    }

    /// `vf log --json`'s entry: for a ValueFlows object (a `status`), its `status`, and its
    /// `reason` unless applied; `"forgotten": true` when this node forgot the payload; nothing
    /// more for anything else.
    public static func entry(_ signed: SignedEntry, status: EventStatus?, forgotten: Bool = false, to w: inout JSONWriter) {
        write(signed, .log(status, forgotten: forgotten), to: &w)
    }

    /// The resource an event entry creates (`newInventoriedResource`), if it is one.
    public static func createdResource(_ signed: SignedEntry) -> ResourceID? {
        guard let payload = signed.payload, case let .event(event)? = try? VFObject.decode(payload, author: signed.entry.author),
              event.newInventoriedResource != nil else { return nil }
        return ResourceID(createdBy: signed.entry.id)
    }

    private enum Annotations {
        case api(Verdict)
        case log(EventStatus?, forgotten: Bool)
    }

    private static func write(_ signed: SignedEntry, _ annotations: Annotations, to w: inout JSONWriter) {
        let e = signed.entry
        w.beginObject()
        w.key("author"); w.id(e.author)
        if case let .api(verdict) = annotations { w.key("createdResource"); w.id(verdict.createdResource) }
        switch annotations {
        case let .api(verdict): w.key("forgotten"); w.bool(verdict.forgotten)
        case let .log(_, forgotten): if forgotten { w.key("forgotten"); w.bool(true) }
        }
        w.key("id"); w.id(e.id)
        w.key("lipmaaLink"); w.id(e.lipmaaLink)
        w.key("payload")
        if let payload = signed.payload, let value = try? JSONParser.parse(payload) { w.json(value) } else { w.null() }
        w.key("payloadHash"); w.string(e.payloadHash.hex)
        w.key("payloadSize"); w.integer(UInt64(e.payloadSize))
        w.key("previous"); w.id(e.backlink)
        switch annotations {
        case let .api(verdict): w.key("reason"); w.string(verdict.status?.reason)
        case let .log(status, _): if let reason = status?.reason { w.key("reason"); w.string(reason) }
        }
        w.key("sequence"); w.integer(e.sequence)
        if case let .api(verdict) = annotations { w.key("signatureVerified"); w.bool(verdict.signatureVerified) }
        switch annotations {
        case let .api(verdict): w.key("status"); w.string(verdict.status?.name)
        case let .log(status, _): if let status { w.key("status"); w.string(status.name) }
        }
        w.key("timestamp"); w.integer(e.timestamp)
        w.endObject()
    }
}
