import VFJSON
import VFLog

/// The planning and exchange types of VF 1.0 a node records (docs/protocol.md §16, "Planning
/// and exchange"): what people intend, propose, commit to, plan, agree and claim.
public enum PlannedKind: String, Sendable, Equatable, CaseIterable {
    case intent = "Intent"
    case proposal = "Proposal"
    case commitment = "Commitment"
    case plan = "Plan"
    case agreement = "Agreement"
    case claim = "Claim"
    /// Not a VF 1.0 type: a party's signature on an agreement (docs/protocol.md §16, "Consent").
    case acceptance = "Acceptance"
    /// Not a VF 1.0 type: a signer's withdrawal of an agreement before it is in force.
    case withdrawal = "Withdrawal"

    /// The INTEGER code of the kind in the `planned` table.
    package var code: Int64 {
        switch self {
        case .intent: 0
        case .proposal: 1
        case .commitment: 2
        case .plan: 3
        case .agreement: 4
        case .claim: 5
        case .acceptance: 6
        case .withdrawal: 7
        }
    }

    /// Whether the kind is a flow (an action between agents, with quantities).
    public var isFlow: Bool { self == .intent || self == .commitment || self == .claim }
}

/// A planning payload: one struct for the six kinds, each reading only the properties its kind
/// defines (``KnownProperties``). References point back to entries published before, as a log
/// can only do: a proposal `publishes` intents, an agreement `stipulates` commitments, a
/// commitment `satisfies` intents and is `plannedWithin` a plan. The inverse relations VF names
/// (`clauseOf`, `planIncludes`, …) are derived from these.
public struct PlannedPayload: Sendable, Equatable {
    public let kind: PlannedKind
    // Flows: intents, commitments, claims.
    public let action: Action?
    public let provider: AgentID?
    public let receiver: AgentID?
    public let resourceConformsTo: EntryID?
    public let resourceInventoriedAs: ResourceID?
    public let resourceQuantity: Measure?
    public let effortQuantity: Measure?
    public let availableQuantity: Measure?
    public let minimumQuantity: Measure?
    public let inputOf: EntryID?
    public let outputOf: EntryID?
    public let plannedWithin: EntryID?
    public let independentDemandOf: EntryID?
    /// The intents a commitment satisfies.
    public let satisfies: [EntryID]
    /// The event a claim was triggered by.
    public let triggeredBy: EntryID?
    public let finished: Bool
    // Times.
    public let hasBeginning: Int64?
    public let hasEnd: Int64?
    public let hasPointInTime: Int64?
    public let due: Int64?
    // Descriptions.
    public let name: String?
    public let note: String?
    // Proposals.
    public let publishes: [EntryID]
    public let reciprocal: [EntryID]
    public let purpose: String?
    public let unitBased: Bool
    // Agreements.
    public let stipulates: [EntryID]
    public let stipulatesReciprocal: [EntryID]
    /// The agreement an acceptance signs.
    public let accepts: EntryID?
    /// The agreement a withdrawal withdraws.
    public let withdraws: EntryID?
    package let source: PayloadSource

    /// The payload as received, for export.
    public var json: JSONValue { source.json }

    public init(kind: PlannedKind, json: JSONValue) throws(ReasonError) {
        let f = PayloadFields(members: json.objectValue ?? [:])
        self.kind = kind
        if kind.isFlow {
            guard let name = try f.string("action") else { throw ReasonError("a \(kind.rawValue) has no action") }
            guard let action = Action(rawValue: name) else { throw ReasonError("unknown action \"\(name)\"") }
            self.action = action
        } else {
            action = nil
        }
        provider = try f.agent("provider")
        receiver = try f.agent("receiver")
        switch kind {
        case .intent:
            guard provider != nil || receiver != nil else {
                throw ReasonError("an Intent names its provider (an offer) or its receiver (a need), or both")
            }
        case .commitment, .claim:
            guard provider != nil, receiver != nil else { throw ReasonError("a \(kind.rawValue) names both its provider and its receiver") }
        default: break
        }
        resourceConformsTo = try f.entryID("resourceConformsTo")
        resourceInventoriedAs = try f.resourceID("resourceInventoriedAs")
        resourceQuantity = try f.measure("resourceQuantity")
        effortQuantity = try f.measure("effortQuantity")
        availableQuantity = try f.measure("availableQuantity")
        minimumQuantity = try f.measure("minimumQuantity")
        for (key, measure) in [("resourceQuantity", resourceQuantity), ("effortQuantity", effortQuantity),
                               ("availableQuantity", availableQuantity), ("minimumQuantity", minimumQuantity)] {
            if let measure, measure.value.isNegative { throw ReasonError("\(key) is negative (\(measure.value))") }
        }
        inputOf = try f.entryID("inputOf")
        outputOf = try f.entryID("outputOf")
        if let action, inputOf != nil, !action.behavior.inputOutput.allowsInput {
            throw ReasonError("\(action) cannot be inputOf a process (its inputOutput is \(action.behavior.inputOutput.rawValue))")
        }
        if let action, outputOf != nil, !action.behavior.inputOutput.allowsOutput {
            throw ReasonError("\(action) cannot be outputOf a process (its inputOutput is \(action.behavior.inputOutput.rawValue))")
        }
        plannedWithin = try f.entryID("plannedWithin")
        independentDemandOf = try f.entryID("independentDemandOf")
        satisfies = try f.entryIDs("satisfies")
        triggeredBy = try f.entryID("triggeredBy")
        finished = try f.bool("finished") ?? false
        hasBeginning = try f.time("hasBeginning")
        hasEnd = try f.time("hasEnd")
        hasPointInTime = try f.time("hasPointInTime")
        due = try f.time("due")
        name = try f.string("name")
        note = try f.string("note")
        publishes = try f.entryIDs("publishes")
        reciprocal = try f.entryIDs("reciprocal")
        if kind == .proposal, publishes.isEmpty { throw ReasonError("a Proposal publishes at least one intent") }
        purpose = try f.string("purpose")
        if let purpose, purpose != "offer", purpose != "request" { throw ReasonError("purpose is \"offer\" or \"request\", not \"\(purpose)\"") }
        unitBased = try f.bool("unitBased") ?? false
        stipulates = try f.entryIDs("stipulates")
        stipulatesReciprocal = try f.entryIDs("stipulatesReciprocal")
        if kind == .agreement, stipulates.isEmpty { throw ReasonError("an Agreement stipulates at least one commitment") }
        accepts = try f.entryID("accepts")
        if kind == .acceptance, accepts == nil { throw ReasonError("an Acceptance names the agreement it accepts") }
        withdraws = try f.entryID("withdraws")
        if kind == .withdrawal, withdraws == nil { throw ReasonError("a Withdrawal names the agreement it withdraws") }
        source = .value(json)
    }

    /// The planning objects and processes this payload refers to, with the kind each must be.
    public var references: [(property: String, id: EntryID, kind: ObjectKind)] {
        var result: [(String, EntryID, ObjectKind)] = []
        if let inputOf { result.append(("inputOf", inputOf, .process)) }
        if let outputOf { result.append(("outputOf", outputOf, .process)) }
        if let resourceConformsTo { result.append(("resourceConformsTo", resourceConformsTo, .resourceSpecification)) }
        if let plannedWithin { result.append(("plannedWithin", plannedWithin, .planned(.plan))) }
        if let independentDemandOf { result.append(("independentDemandOf", independentDemandOf, .planned(.plan))) }
        if let triggeredBy { result.append(("triggeredBy", triggeredBy, .economicEvent)) }
        result += satisfies.map { ("satisfies", $0, .planned(.intent)) }
        result += publishes.map { ("publishes", $0, .planned(.intent)) }
        result += reciprocal.map { ("reciprocal", $0, .planned(.intent)) }
        result += stipulates.map { ("stipulates", $0, .planned(.commitment)) }
        result += stipulatesReciprocal.map { ("stipulatesReciprocal", $0, .planned(.commitment)) }
        if let accepts { result.append(("accepts", accepts, .planned(.agreement))) }
        if let withdraws { result.append(("withdraws", withdraws, .planned(.agreement))) }
        return result
    }
}
