import VFLog

/// An `EconomicEvent` payload, read and checked on its own, without knowing any other object.
public struct EconomicEventPayload: Sendable, Equatable {
    public let action: Action
    public let provider: AgentID
    public let receiver: AgentID
    public let resourceInventoriedAs: ResourceID?
    public let toResourceInventoriedAs: ResourceID?
    public let resourceConformsTo: EntryID?
    public let resourceQuantity: Measure?
    public let effortQuantity: Measure?
    public let inputOf: EntryID?
    public let outputOf: EntryID?
    public let toLocation: String?
    public let hasPointInTime: Int64?
    public let hasBeginning: Int64?
    public let hasEnd: Int64?
    public let state: String?
    public let corrects: EntryID?
    public let note: String?
    public let newInventoriedResource: NewResource?
    /// The payload as received, for export.
    public let json: JSONValue

    /// The descriptive part of a resource the event creates.
    public struct NewResource: Sendable, Equatable {
        public let name: String?
        public let trackingIdentifier: String?
        public let note: String?
        public let conformsTo: EntryID?
    }

    /// The event's own time, if it states one: `hasPointInTime`, else `hasEnd`, else `hasBeginning`.
    public var statedTime: Int64? { hasPointInTime ?? hasEnd ?? hasBeginning }

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
        guard let members = json.objectValue else { throw ReasonError("payload is not a JSON object") }
        let f = PayloadFields(members: members)
        guard let actionName = try f.string("action") else { throw ReasonError("EconomicEvent has no action") }
        guard let action = Action(rawValue: actionName) else {
            throw ReasonError("unknown action \"\(actionName)\"; VF 1.0 defines \(Action.allCases.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        let behavior = action.behavior
        self.action = action
        guard let provider = try f.agent("provider") else { throw ReasonError("\(action) event has no provider") }
        guard let receiver = try f.agent("receiver") else { throw ReasonError("\(action) event has no receiver") }
        self.provider = provider
        self.receiver = receiver
        resourceInventoriedAs = try f.resourceID("resourceInventoriedAs")
        toResourceInventoriedAs = try f.resourceID("toResourceInventoriedAs")
        resourceConformsTo = try f.entryID("resourceConformsTo")
        resourceQuantity = try f.measure("resourceQuantity")
        effortQuantity = try f.measure("effortQuantity")
        inputOf = try f.entryID("inputOf")
        outputOf = try f.entryID("outputOf")
        toLocation = try f.string("toLocation")
        hasPointInTime = try f.time("hasPointInTime")
        hasBeginning = try f.time("hasBeginning")
        hasEnd = try f.time("hasEnd")
        state = try f.string("state")
        corrects = try f.entryID("corrects")
        note = try f.string("note")
        self.json = json

        if resourceQuantity != nil, !behavior.eventQuantity.allowsResource {
            throw ReasonError("\(action) takes effortQuantity only, not resourceQuantity")
        }
        if effortQuantity != nil, !behavior.eventQuantity.allowsEffort {
            throw ReasonError("\(action) takes resourceQuantity only, not effortQuantity")
        }
        if corrects == nil {
            for (name, measure) in [("resourceQuantity", resourceQuantity), ("effortQuantity", effortQuantity)] {
                if let measure, measure.value.isNegative {
                    throw ReasonError("\(name) is negative (\(measure.value)); negative quantities appear only in corrections")
                }
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

        if let value = members["newInventoriedResource"] {
            guard let resource = value.objectValue else { throw ReasonError("newInventoriedResource is not an object") }
            let rf = PayloadFields(members: resource)
            newInventoriedResource = NewResource(
                name: try rf.string("name"), trackingIdentifier: try rf.string("trackingIdentifier"),
                note: try rf.string("note"), conformsTo: try rf.entryID("conformsTo"))
            switch behavior.createResource {
            case .notApplicable:
                throw ReasonError("\(action) cannot create a resource, so newInventoriedResource is not allowed")
            case .optional where resourceInventoriedAs != nil:
                throw ReasonError("\(action) creates its resourceInventoriedAs; give newInventoriedResource or resourceInventoriedAs, not both")
            case .optionalTo where toResourceInventoriedAs != nil:
                throw ReasonError("\(action) creates its toResourceInventoriedAs; give newInventoriedResource or toResourceInventoriedAs, not both")
            default: break
            }
            if corrects != nil { throw ReasonError("a correction cannot create a resource") }
        } else {
            newInventoriedResource = nil
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
