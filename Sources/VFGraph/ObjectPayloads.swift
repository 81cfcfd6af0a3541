import VFLog
import VFJSON

/// A `Process` payload.
public struct ProcessPayload: Sendable, Equatable {
    public let name: String?
    /// The ProcessSpecification this process follows, kept as given (an IRI or an id); it
    /// becomes the `stage` of resources output by the process.
    public let basedOn: String?
    public let note: String?
    public let hasBeginning: Int64?
    public let hasEnd: Int64?
    /// The plan the process is part of.
    public let plannedWithin: EntryID?
    package let source: PayloadSource

    /// The payload as received, for export.
    public var json: JSONValue { source.json }

    public init(json: JSONValue) throws(ReasonError) {
        let f = PayloadFields(members: json.objectValue ?? [:])
        name = try f.string("name")
        basedOn = try f.string("basedOn")
        note = try f.string("note")
        hasBeginning = try f.time("hasBeginning")
        hasEnd = try f.time("hasEnd")
        plannedWithin = try f.entryID("plannedWithin")
        source = .value(json)
    }

    /// The fast path, as for ``EconomicEventPayload/init(tape:root:)``: nil when some member
    /// is not plainly readable, and the general path then says why.
    package init?(tape: JSONTape, root: Int) {
        let r = PayloadTapeReader(tape: tape)
        var name: String?, basedOn: String?, note: String?, hasBeginning: Int64?, hasEnd: Int64?, plannedWithin: EntryID?
        guard r.string(root, "name", into: &name), r.string(root, "basedOn", into: &basedOn), r.string(root, "note", into: &note),
              r.time(root, "hasBeginning", into: &hasBeginning), r.time(root, "hasEnd", into: &hasEnd),
              r.entryID(root, "plannedWithin", into: &plannedWithin)
        else { return nil }
        self.plannedWithin = plannedWithin
        self.name = name
        self.basedOn = basedOn
        self.note = note
        self.hasBeginning = hasBeginning
        self.hasEnd = hasEnd
        source = .bytes(tape.bytes)
    }
}

/// A `ResourceSpecification` payload.
public struct ResourceSpecificationPayload: Sendable, Equatable {
    public let name: String?
    public let defaultUnitOfResource: String?
    public let note: String?
    public let json: JSONValue

    public init(json: JSONValue) throws(ReasonError) {
        let f = PayloadFields(members: json.objectValue ?? [:])
        name = try f.string("name")
        defaultUnitOfResource = try f.string("defaultUnitOfResource")
        note = try f.string("note")
        self.json = json
    }
}

/// A `Person` or `Organization` payload.
///
/// With `"@id"` equal to the author's own feed id it is that agent's profile; without `"@id"`
/// it describes an agent that has no node, identified from then on by this entry's id. An
/// `"@id"` naming anything else is refused: nobody describes another node's agent.
public struct AgentPayload: Sendable, Equatable {
    public enum Kind: String, Sendable { case person = "Person", organization = "Organization" }

    public let kind: Kind
    /// True when this is the author's own profile.
    public let isProfile: Bool
    public let name: String?
    public let note: String?
    public let primaryLocation: String?
    public let json: JSONValue

    public init(kind: Kind, json: JSONValue, author: FeedID) throws(ReasonError) {
        let f = PayloadFields(members: json.objectValue ?? [:])
        self.kind = kind
        if let id = try f.string("@id") {
            guard id == author.description else {
                throw ReasonError("a \(kind.rawValue) entry may describe its own author (@id \(author)) or a new agent (no @id), not \(id)")
            }
            isProfile = true
        } else {
            isProfile = false
        }
        name = try f.string("name")
        note = try f.string("note")
        primaryLocation = try f.string("primaryLocation")
        self.json = json
    }
}

/// A payload the graph understands, or one it leaves to others.
public enum VFObject: Sendable, Equatable {
    case event(EconomicEventPayload)
    case process(ProcessPayload)
    case resourceSpecification(ResourceSpecificationPayload)
    case agent(AgentPayload)
    /// Planning and exchange: an intent, proposal, commitment, plan, agreement or claim.
    case planned(PlannedPayload)
    /// Some other `@type` (a contact, say): not the graph's business.
    case foreign

    /// Reads a payload. `@type` may be bare (`EconomicEvent`) or prefixed (`vf:EconomicEvent`).
    /// - Throws: the reason a payload of a graph type is malformed.
    public static func decode(_ payload: [UInt8], author: FeedID) throws(ReasonError) -> VFObject {
        try decode(payload, tape: JSONTape(scanning: payload), author: author)
    }

    /// ``decode(_:author:)`` with the payload's tape scanned already (nil when the tape gives up on it).
    package static func decode(_ payload: [UInt8], tape: JSONTape?, author: FeedID) throws(ReasonError) -> VFObject {
        if let tape, let object = try decode(tape) { return object }
        let json: JSONValue
        do { json = try JSONParser.parse(payload) } catch { throw ReasonError("payload: \(error)") }
        return try decode(json, author: author)
    }

    public static func decode(_ json: JSONValue, author: FeedID) throws(ReasonError) -> VFObject {
        guard let type = json["@type"]?.stringValue else { return .foreign }
        switch type.hasPrefix("vf:") ? String(type.dropFirst(3)) : type {
        case "EconomicEvent": return .event(try EconomicEventPayload(json: json))
        case "Process": return .process(try ProcessPayload(json: json))
        case "ResourceSpecification": return .resourceSpecification(try ResourceSpecificationPayload(json: json))
        case "Person": return .agent(try AgentPayload(kind: .person, json: json, author: author))
        case "Organization": return .agent(try AgentPayload(kind: .organization, json: json, author: author))
        case let other:
            guard let kind = PlannedKind(rawValue: other) else { return .foreign }
            return .planned(try PlannedPayload(kind: kind, json: json))
        }
    }

    /// The fast path for the payloads a graph is mostly made of: events, processes and other
    /// types. Nil when the general path must read it (agents, specifications, anything the
    /// tape readers give up on).
    private static func decode(_ tape: JSONTape) throws(ReasonError) -> VFObject? {
        guard tape.nodes[0].kind == .object, let type = tape.member(0, "@type"), tape.nodes[type].kind == .string else { return .foreign }
        if tape.stringEquals(type, "EconomicEvent") || tape.stringEquals(type, "vf:EconomicEvent") {
            return try EconomicEventPayload(tape: tape, root: 0).map { .event($0) }
        }
        if tape.stringEquals(type, "Process") || tape.stringEquals(type, "vf:Process") {
            return ProcessPayload(tape: tape, root: 0).map { .process($0) }
        }
        for name: StaticString in ["ResourceSpecification", "vf:ResourceSpecification", "Person", "vf:Person", "Organization", "vf:Organization",
                                   "Intent", "vf:Intent", "Proposal", "vf:Proposal", "Commitment", "vf:Commitment",
                                   "Plan", "vf:Plan", "Agreement", "vf:Agreement", "Claim", "vf:Claim", "Acceptance", "vf:Acceptance",
                                   "Withdrawal", "vf:Withdrawal"]
        where tape.stringEquals(type, name) {
            return nil
        }
        return .foreign
    }

    /// The kind of object, for checking that a reference points at the right thing.
    public var kind: ObjectKind? {
        switch self {
        case .event: .economicEvent
        case .process: .process
        case .resourceSpecification: .resourceSpecification
        case let .agent(agent): agent.isProfile ? .profile : .agent
        case let .planned(planned): .planned(planned.kind)
        case .foreign: nil
        }
    }
}

/// What an entry id can name.
public enum ObjectKind: Sendable, Equatable, Hashable {
    case economicEvent
    case process
    case resourceSpecification
    /// A Person or Organization without a node.
    case agent
    /// A node's own profile; the agent it describes is the feed, not this entry.
    case profile
    /// An intent, proposal, commitment, plan, agreement or claim.
    case planned(PlannedKind)

    /// As a reason names it, after "a" or "an".
    public var withArticle: String { ("AEIOU".contains(name.first ?? "x") ? "an " : "a ") + name }

    /// As a reason names it.
    public var name: String {
        switch self {
        case .economicEvent: "EconomicEvent"
        case .process: "Process"
        case .resourceSpecification: "ResourceSpecification"
        case .agent: "Person or Organization"
        case .profile: "profile"
        case let .planned(kind): kind.rawValue
        }
    }
}
