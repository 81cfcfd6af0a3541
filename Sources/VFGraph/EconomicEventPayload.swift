import VFLog
import VFJSON

/// An `EconomicEvent` payload, read and checked on its own, without knowing any other object.
public struct EconomicEventPayload: Sendable, Equatable {
    /// The fields live in one shared, immutable object: a payload is copied into the
    /// catalogue, every ``GraphEvent`` and every track or trace step, and a copy is then one
    /// reference instead of some forty fields.
    private let storage: Storage

    private final class Storage: Sendable {
        let fields: Fields
        let source: PayloadSource
        init(fields: Fields, source: PayloadSource) {
            self.fields = fields
            self.source = source
        }
    }

    public var action: Action { storage.fields.action }
    public var provider: AgentID { storage.fields.provider }
    public var receiver: AgentID { storage.fields.receiver }
    public var resourceInventoriedAs: ResourceID? { storage.fields.resourceInventoriedAs }
    public var toResourceInventoriedAs: ResourceID? { storage.fields.toResourceInventoriedAs }
    public var resourceConformsTo: EntryID? { storage.fields.resourceConformsTo }
    public var resourceQuantity: Measure? { storage.fields.resourceQuantity }
    public var effortQuantity: Measure? { storage.fields.effortQuantity }
    public var inputOf: EntryID? { storage.fields.inputOf }
    public var outputOf: EntryID? { storage.fields.outputOf }
    public var toLocation: String? { storage.fields.toLocation }
    public var hasPointInTime: Int64? { storage.fields.hasPointInTime }
    public var hasBeginning: Int64? { storage.fields.hasBeginning }
    public var hasEnd: Int64? { storage.fields.hasEnd }
    public var state: String? { storage.fields.state }
    public var corrects: EntryID? { storage.fields.corrects }
    public var note: String? { storage.fields.note }
    public var newInventoriedResource: NewResource? { storage.fields.newInventoriedResource }
    /// The commitments this event fulfils, the intents it satisfies and the claims it settles,
    /// wholly or in part (docs/protocol.md §16, "Planning and exchange").
    public var fulfills: [EntryID] { storage.fields.fulfills }
    public var satisfies: [EntryID] { storage.fields.satisfies }
    public var settles: [EntryID] { storage.fields.settles }

    /// The payload as received, for export.
    public var json: JSONValue { storage.source.json }

    public static func == (a: EconomicEventPayload, b: EconomicEventPayload) -> Bool {
        a.storage === b.storage || (a.storage.fields == b.storage.fields && a.storage.source == b.storage.source)
    }

    /// The descriptive part of a resource the event creates.
    public struct NewResource: Sendable, Equatable {
        public let name: String?
        public let trackingIdentifier: String?
        public let note: String?
        public let conformsTo: EntryID?
    }

    /// The event's own time, if it states one: `hasPointInTime`, else `hasEnd`, else `hasBeginning`.
    public var statedTime: Int64? { hasPointInTime ?? hasEnd ?? hasBeginning }

    /// A `combine` that names no container: it goes into the one its process outputs, and
    /// depends on the outputs naming it (docs/protocol.md §16).
    public var isImplicitCombine: Bool { action == .combine && toResourceInventoriedAs == nil }

    /// Which slot a created resource fills, from the action's `createResource`.
    public var createsResourceAs: CreatedSlot? {
        guard newInventoriedResource != nil else { return nil }
        return action.behavior.createResource == .optionalTo ? .to : .from
    }

    /// `resourceInventoriedAs`, or the resource this event creates in that slot.
    public func fromResource(createdBy event: EntryID) -> ResourceID? {
        resourceInventoriedAs ?? (createsResourceAs == .from ? ResourceID(createdBy: event) : nil)
    }

    /// `toResourceInventoriedAs`, or the resource this event creates in that slot.
    public func toResource(createdBy event: EntryID) -> ResourceID? {
        toResourceInventoriedAs ?? (createsResourceAs == .to ? ResourceID(createdBy: event) : nil)
    }

    /// Reads and checks an event payload. Every rule that needs no other object is applied
    /// here; the error says which one failed.
    public init(json: JSONValue) throws(ReasonError) {
        try self.init(json: json, source: .value(json))
    }

    /// The general path: reads the members of a parsed payload; `source` is what to keep.
    package init(json: JSONValue, source: PayloadSource) throws(ReasonError) {
        guard let members = json.objectValue else { throw ReasonError("payload is not a JSON object") }
        let f = PayloadFields(members: members)
        guard let actionName = try f.string("action") else { throw ReasonError("EconomicEvent has no action") }
        guard let action = Action(rawValue: actionName) else {
            throw ReasonError("unknown action \"\(actionName)\"; VF 1.0 defines \(Action.allCases.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        guard let provider = try f.agent("provider") else { throw ReasonError("\(action) event has no provider") }
        guard let receiver = try f.agent("receiver") else { throw ReasonError("\(action) event has no receiver") }
        var fields = Fields(action: action, provider: provider, receiver: receiver)
        fields.resourceInventoriedAs = try f.resourceID("resourceInventoriedAs")
        fields.toResourceInventoriedAs = try f.resourceID("toResourceInventoriedAs")
        fields.resourceConformsTo = try f.entryID("resourceConformsTo")
        fields.resourceQuantity = try f.measure("resourceQuantity")
        fields.effortQuantity = try f.measure("effortQuantity")
        fields.inputOf = try f.entryID("inputOf")
        fields.outputOf = try f.entryID("outputOf")
        fields.toLocation = try f.string("toLocation")
        fields.hasPointInTime = try f.time("hasPointInTime")
        fields.hasBeginning = try f.time("hasBeginning")
        fields.hasEnd = try f.time("hasEnd")
        fields.state = try f.string("state")
        fields.corrects = try f.entryID("corrects")
        fields.note = try f.string("note")
        fields.fulfills = try f.entryIDs("fulfills")
        fields.satisfies = try f.entryIDs("satisfies")
        fields.settles = try f.entryIDs("settles")
        try fields.checkQuantitiesAndProcesses()
        if let value = members["newInventoriedResource"] {
            guard let resource = value.objectValue else { throw ReasonError("newInventoriedResource is not an object") }
            let rf = PayloadFields(members: resource)
            fields.newInventoriedResource = NewResource(
                name: try rf.string("name"), trackingIdentifier: try rf.string("trackingIdentifier"),
                note: try rf.string("note"), conformsTo: try rf.entryID("conformsTo"))
            try fields.checkNewResource()
        }
        self.init(fields, source: source)
    }

    /// The fast path: reads the event at node `root` of `tape`. Returns nil, having decided
    /// nothing, when some member is not plainly readable (absent where required, of the wrong
    /// type, malformed); the general path then reads the payload and says why. The rules that
    /// follow reading are the same code on both paths, so their errors are thrown here too.
    package init?(tape: JSONTape, root: Int) throws(ReasonError) {
        let r = PayloadTapeReader(tape: tape)
        guard let action = r.action(root), let provider = r.agent(root, "provider"), let receiver = r.agent(root, "receiver") else { return nil }
        var fields = Fields(action: action, provider: provider, receiver: receiver)
        guard r.resourceID(root, "resourceInventoriedAs", into: &fields.resourceInventoriedAs),
              r.resourceID(root, "toResourceInventoriedAs", into: &fields.toResourceInventoriedAs),
              r.entryID(root, "resourceConformsTo", into: &fields.resourceConformsTo),
              r.measure(root, "resourceQuantity", into: &fields.resourceQuantity),
              r.measure(root, "effortQuantity", into: &fields.effortQuantity),
              r.entryID(root, "inputOf", into: &fields.inputOf),
              r.entryID(root, "outputOf", into: &fields.outputOf),
              r.string(root, "toLocation", into: &fields.toLocation),
              r.time(root, "hasPointInTime", into: &fields.hasPointInTime),
              r.time(root, "hasBeginning", into: &fields.hasBeginning),
              r.time(root, "hasEnd", into: &fields.hasEnd),
              r.string(root, "state", into: &fields.state),
              r.entryID(root, "corrects", into: &fields.corrects),
              r.string(root, "note", into: &fields.note),
              // Planning references: the general path reads them.
              tape.member(root, "fulfills") == nil, tape.member(root, "satisfies") == nil, tape.member(root, "settles") == nil
        else { return nil }
        var newResource: NewResource?
        if let node = tape.member(root, "newInventoriedResource") {
            var name: String?, trackingIdentifier: String?, note: String?, conformsTo: EntryID?
            guard tape.nodes[node].kind == .object,
                  r.string(node, "name", into: &name), r.string(node, "trackingIdentifier", into: &trackingIdentifier),
                  r.string(node, "note", into: &note), r.entryID(node, "conformsTo", into: &conformsTo)
            else { return nil }
            newResource = NewResource(name: name, trackingIdentifier: trackingIdentifier, note: note, conformsTo: conformsTo)
        }
        try fields.checkQuantitiesAndProcesses()
        if let newResource {
            fields.newInventoriedResource = newResource
            try fields.checkNewResource()
        }
        self.init(fields, source: .bytes(tape.bytes))
    }

    private init(_ fields: Fields, source: PayloadSource) {
        storage = Storage(fields: fields, source: source)
    }

    /// What a payload says, read but not yet checked against its action's rules.
    private struct Fields: Sendable, Equatable {
        let action: Action
        let provider: AgentID
        let receiver: AgentID
        var resourceInventoriedAs: ResourceID?
        var toResourceInventoriedAs: ResourceID?
        var resourceConformsTo: EntryID?
        var resourceQuantity: Measure?
        var effortQuantity: Measure?
        var inputOf: EntryID?
        var outputOf: EntryID?
        var toLocation: String?
        var hasPointInTime: Int64?
        var hasBeginning: Int64?
        var hasEnd: Int64?
        var state: String?
        var corrects: EntryID?
        var note: String?
        var newInventoriedResource: NewResource?
        var fulfills: [EntryID] = []
        var satisfies: [EntryID] = []
        var settles: [EntryID] = []

        init(action: Action, provider: AgentID, receiver: AgentID) {
            self.action = action
            self.provider = provider
            self.receiver = receiver
        }

        func checkQuantitiesAndProcesses() throws(ReasonError) {
            let behavior = action.behavior
            if resourceQuantity != nil, !behavior.eventQuantity.allowsResource {
                throw ReasonError("\(action) takes effortQuantity only, not resourceQuantity")
            }
            if effortQuantity != nil, !behavior.eventQuantity.allowsEffort {
                throw ReasonError("\(action) takes resourceQuantity only, not effortQuantity")
            }
            if corrects == nil {
                if let measure = resourceQuantity, measure.value.isNegative {
                    throw ReasonError("resourceQuantity is negative (\(measure.value)); negative quantities appear only in corrections")
                }
                if let measure = effortQuantity, measure.value.isNegative {
                    throw ReasonError("effortQuantity is negative (\(measure.value)); negative quantities appear only in corrections")
                }
            }
            if inputOf != nil, !behavior.inputOutput.allowsInput {
                throw ReasonError("\(action) cannot be inputOf a process (its inputOutput is \(behavior.inputOutput.rawValue))")
            }
            if outputOf != nil, !behavior.inputOutput.allowsOutput {
                throw ReasonError("\(action) cannot be outputOf a process (its inputOutput is \(behavior.inputOutput.rawValue))")
            }
            if let inputOf, inputOf == outputOf {
                throw ReasonError("an event cannot be input and output of the same process")
            }
        }

        func checkNewResource() throws(ReasonError) {
            switch action.behavior.createResource {
            case .notApplicable:
                throw ReasonError("\(action) cannot create a resource, so newInventoriedResource is not allowed")
            case .optional where resourceInventoriedAs != nil:
                throw ReasonError("\(action) creates its resourceInventoriedAs; give newInventoriedResource or resourceInventoriedAs, not both")
            case .optionalTo where toResourceInventoriedAs != nil:
                throw ReasonError("\(action) creates its toResourceInventoriedAs; give newInventoriedResource or toResourceInventoriedAs, not both")
            default: break
            }
            if corrects != nil { throw ReasonError("a correction cannot create a resource") }
        }
    }
}

/// Which of an event's two resource slots a created resource fills.
public enum CreatedSlot: Sendable, Equatable {
    /// `resourceInventoriedAs` (actions whose createResource is `optional`).
    case from
    /// `toResourceInventoriedAs` (actions whose createResource is `optionalTo`).
    case to
}
