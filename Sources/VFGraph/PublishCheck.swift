import VFLog
import VFJSON

/// What a node makes of a payload it is about to publish.
public enum PublishVerdict: Sendable, Equatable {
    /// Not a ValueFlows object (a contact, arbitrary JSON): not the graph's business.
    case notValueFlows
    /// A ValueFlows object that would be accepted, and applied if it is an event.
    case accepted
    /// A ValueFlows object that would be rejected, with the reason.
    case refused(String)
}

/// What a publish check folds the payloads it accepts onto, to see what would become of them:
/// a graph in memory (``GraphBuilder``), or the tables of a graph store inside a transaction
/// that is rolled back (``GraphStore/check(_:author:timestamp:log:)``).
public protocol PublishTarget {
    associatedtype Failure: Error
    /// What the validator may ask, as the graph stands with what was folded so far.
    var known: any KnownObjects { get }
    /// Folds `entry` in, as if it were published, and gives its status; nil when it is not a
    /// graph object.
    mutating func fold(_ entry: GraphEntry) throws(Failure) -> EventStatus?
    /// The resources the folded event `entry` changed (for a correction, its original's), as
    /// they stand now.
    func resources(changedBy entry: EntryID) throws(Failure) -> [EconomicResource]
}

/// Checks payloads before they are signed, against the graph the node has derived: the
/// payload must read as a ValueFlows object with no property its type lacks, an event's references must all be known
/// (``EventOrigin/local``), and the derivation must apply it — so an event its author has
/// no authority for is refused too. Each accepted payload is kept, as if published, so a
/// later payload of the same run is checked against the earlier ones. A run stops at its first
/// refusal, as `vf publish` does: every later payload is refused too.
///
/// It never touches the log; the caller appends what it accepts.
public struct PublishCheck<Target: PublishTarget> {
    private var target: Target
    private let author: FeedID
    private var sequence: UInt64
    private var clock: Int64
    /// Set once a payload the derivation rejects has been folded in: nothing after it is checked.
    private var refusedEarlier = false
    /// Whether an event may leave a resource its author is accountable for or holds below zero
    /// (`vf publish --allow-negative`); by default it is refused (docs/protocol.md §16).
    public var allowsNegative = false

    /// - Parameters:
    ///   - target: the graph as derived so far.
    ///   - author: the feed that will sign the payloads.
    ///   - headSequence: that feed's current last sequence (0 when empty).
    ///   - timestamp: the time the entries will carry, milliseconds since the epoch.
    public init(target: Target, author: FeedID, headSequence: UInt64, timestamp: Int64) {
        self.target = target
        self.author = author
        self.sequence = headSequence
        self.clock = timestamp
    }

    /// The verdict on `payload`; an accepted one is remembered for the payloads after it.
    /// `signed`: the id and time of the entry already signed for it (the next of the author's
    /// feed), so what is folded is exactly what will be stored; else provisional ones stand in.
    public mutating func check(_ payload: [UInt8], signed: (id: EntryID, timestamp: Int64)? = nil) throws(Target.Failure) -> PublishVerdict {
        switch screen(payload, signed: signed) {
        case let .verdict(verdict): return verdict
        case let .fold(entry): return try settle(try target.fold(entry), entry: entry.id)
        }
    }

    /// What checking a payload needs next: a verdict already, or folding its provisional entry.
    package enum Screening {
        case verdict(PublishVerdict)
        case fold(GraphEntry)
    }

    /// The checks of a payload that need no fold: it reads as a ValueFlows object with no
    /// property its type lacks, and an event's references are known. Then the entry that
    /// stands for it, to fold; ``settle(_:)`` takes what the fold made of it.
    package mutating func screen(_ payload: [UInt8], signed: (id: EntryID, timestamp: Int64)? = nil) -> Screening {
        if refusedEarlier { return .verdict(.refused("a payload before this one was refused")) }
        // Read once, onto the tape where it applies (else into a tree), for every question below.
        let tape = JSONTape(scanning: payload)
        let object: VFObject
        do { object = try VFObject.decode(payload, tape: tape, author: author) } catch { return .verdict(.refused(error.reason)) }
        guard object.kind != nil else { return .verdict(.notValueFlows) }
        // A property its type does not define, with the `@type` as written.
        let unknown: (type: String?, property: String)?
        if let tape {
            unknown = KnownProperties.firstUnknown(in: tape).map { (tape.member(0, "@type").map(tape.text), $0) }
        } else {
            let json: JSONValue
            do { json = try JSONParser.parse(payload) } catch { return .verdict(.refused("payload: \(error)")) }
            unknown = KnownProperties.firstUnknown(in: json).map { (json["@type"]?.stringValue, $0) }
        }
        if let unknown { return .verdict(.refused("\(unknown.type ?? "?") has no property \"\(unknown.property)\"")) }
        if case let .event(event) = object {
            switch EventValidator.validate(event, known: target.known, origin: .local) {
            case let .invalid(reason), let .pending(reason): return .verdict(.refused(reason))
            case .valid: break
            }
        }
        if let reason = PlanningCheck.refusal(object, known: target.known) { return .verdict(.refused(reason)) }
        // The entry's real id depends on its signature; unless it is signed already, a
        // provisional one stands in for it.
        let id = signed?.id ?? EntryID(hash: Sodium.blake2b256(Array("vf-publish-check".utf8) + author.bytes
                                                               + withUnsafeBytes(of: (sequence + 1).bigEndian, Array.init) + payload))
        sequence += 1
        clock += 1
        return .fold(GraphEntry(author: author, sequence: sequence, id: id, timestamp: signed?.timestamp ?? clock - 1,
                                signatureVerified: true, payload: payload))
    }

    /// The verdict on a payload whose entry `entry` the fold gave `status`.
    package mutating func settle(_ status: EventStatus?, entry: EntryID) throws(Target.Failure) -> PublishVerdict {
        switch status {
        case let .invalid(reason)?, let .unauthorized(reason)?:
            refusedEarlier = true
            return .refused(reason)
        case .applied?:
            if !allowsNegative, let reason = negative(try target.resources(changedBy: entry)) {
                refusedEarlier = true
                return .refused(reason)
            }
            return .accepted
        // Waiting for something of its own author's (a combine for its container) is allowed.
        case .pending?, nil:
            return .accepted
        }
    }

    /// Why an event that left `resources` as they are is refused: one the author is accountable
    /// for or holds went below zero. Others' resources are theirs to answer for.
    private func negative(_ resources: [EconomicResource]) -> String? {
        let mine: AgentID = .feed(author)
        guard let r = resources.first(where: { $0.isNegative && ($0.primaryAccountable == mine || $0.holder == mine) }) else { return nil }
        let unit = r.unit.map { " \($0)" } ?? ""
        return "it would leave resource \(r.id) (\(r.name ?? "unnamed")) below zero: accounting \(r.accountingQuantity)\(unit), "
            + "onhand \(r.onhandQuantity)\(unit); more would be taken out than was ever put in"
    }

    /// The target, for folding many screened entries at once.
    package var folding: Target {
        get { target }
        set { target = newValue }
    }
}

extension PublishVerdict {
    /// Whether a payload is a ValueFlows object by its `@type`, without reading the rest.
    public static func isValueFlows(_ payload: [UInt8]) -> Bool {
        let type: String
        // The tape reads a payload as the parser does wherever it applies, building no tree.
        if let tape = JSONTape(scanning: payload) {
            guard let node = tape.member(0, "@type"), tape.nodes[node].kind == .string else { return false }
            type = tape.text(node)
        } else {
            guard let json = try? JSONParser.parse(payload), let text = json["@type"]?.stringValue else { return false }
            type = text
        }
        let bare = type.hasPrefix("vf:") ? String(type.dropFirst(3)) : type
        // The types whose properties this node knows are exactly the ValueFlows types it reads.
        return KnownProperties.byType[JSONName(bare)] != nil
    }
}

/// A graph in memory as a publish target: each payload is folded in place, not on a copy, so
/// a long run stays linear.
extension GraphBuilder: PublishTarget {
    public var known: any KnownObjects { graph }

    public mutating func fold(_ entry: GraphEntry) -> EventStatus? {
        insert([entry])
        return graph.status(of: entry.id)
    }

    public func resources(changedBy entry: EntryID) -> [EconomicResource] {
        guard var event = graph.events[entry] else { return [] }
        if let original = event.payload.corrects, let corrected = graph.events[original] { event = corrected }
        return [event.fromResource, event.toResource].compactMap { $0.flatMap { graph.resources[$0] } }
    }
}

extension PublishCheck where Target == GraphBuilder {
    /// A check against a graph derived in memory.
    public init(builder: GraphBuilder, author: FeedID, headSequence: UInt64, timestamp: Int64) {
        self.init(target: builder, author: author, headSequence: headSequence, timestamp: timestamp)
    }
}
