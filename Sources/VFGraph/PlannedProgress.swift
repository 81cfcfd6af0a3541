import VFLog

/// An intent, commitment or claim with how far it has come, derived when asked from what
/// links to it (docs/protocol.md §16, "Planning and exchange").
public struct PlannedProgress: Sendable, Equatable {
    public let planned: GraphPlanned
    /// What it asks for: its `resourceQuantity`, else its `effortQuantity`.
    public let quantity: Measure?
    /// Done so far, in that unit: the quantities of the applied events that fulfil (a
    /// commitment), satisfy (an intent) or settle (a claim) it, with their corrections.
    public let done: ExactDecimal
    /// For an intent, what commitments that satisfy it promise, in that unit.
    public let promised: ExactDecimal
    /// Those events, in causal order; then, for an intent, the commitments, in id order: the
    /// first ``EmbeddedList/most`` of each, since anyone may name an intent (the figures above
    /// count them all).
    public let events: [EntryID]
    public let commitments: [EntryID]
    /// Whether more events, or commitments, count than are listed.
    public let moreEvents: Bool
    public let moreCommitments: Bool
    /// Said finished by its author, or all it asks for is done.
    public let finished: Bool

    package init(planned: GraphPlanned, quantity: Measure?, done: ExactDecimal, promised: ExactDecimal,
                 events: [EntryID], commitments: [EntryID], moreEvents: Bool = false, moreCommitments: Bool = false, finished: Bool) {
        self.planned = planned
        self.quantity = quantity
        self.done = done
        self.promised = promised
        self.events = events
        self.commitments = commitments
        self.moreEvents = moreEvents
        self.moreCommitments = moreCommitments
        self.finished = finished
    }
}


/// An agreement with who must sign it and who has (docs/protocol.md §16, "Consent").
public struct AgreementState: Sendable, Equatable {
    public let agreement: GraphPlanned
    /// The commitments it stipulates, then those it stipulates in return, as held here.
    public let commitments: [GraphPlanned]
    /// The feeds that answer for the providers and receivers of those commitments.
    public let parties: [FeedID]
    /// The parties that signed it: its author by publishing it, the others by an acceptance.
    public let signedBy: [FeedID]
    /// Some provider or receiver is an agent whose describing entry is not held: its party is
    /// not known yet, and the agreement cannot be in force.
    public let unresolvedParties: Bool
    /// The signer whose withdrawal ended it before it was in force.
    public let withdrawnBy: FeedID?
    /// Every commitment is held, every party has signed, and no one withdrew it first.
    public let inForce: Bool
    /// When the last signature was given (its entry's claimed time, ms), if it is in force.
    public let inForceSince: Int64?

    package init(agreement: GraphPlanned, commitments: [GraphPlanned], parties: [FeedID], signedBy: [FeedID],
                 unresolvedParties: Bool, withdrawnBy: FeedID?, inForce: Bool, inForceSince: Int64?) {
        self.agreement = agreement
        self.commitments = commitments
        self.parties = parties
        self.signedBy = signedBy
        self.unresolvedParties = unresolvedParties
        self.withdrawnBy = withdrawnBy
        self.inForce = inForce
        self.inForceSince = inForceSince
    }
}

/// A plan with the intents, commitments and claims planned within it, and how far those have come.
public struct PlanState: Sendable, Equatable {
    public let plan: GraphPlanned
    /// The intents, commitments and claims `plannedWithin` it or an `independentDemandOf` it, in id
    /// order: the first ``EmbeddedList/most``, since anyone may plan something within it.
    public let members: [PlannedProgress]
    /// The processes `plannedWithin` it, in id order, with their planned inputs and outputs:
    /// the first ``EmbeddedList/most``.
    public let processes: [PlannedProcess]
    /// Whether it has more members, or processes, than are listed.
    public let moreMembers: Bool
    public let moreProcesses: Bool

    /// How many of the members listed are finished.
    public var finished: Int { members.filter(\.finished).count }

    package init(plan: GraphPlanned, members: [PlannedProgress], processes: [PlannedProcess] = [],
                 moreMembers: Bool = false, moreProcesses: Bool = false) {
        self.plan = plan
        self.members = members
        self.processes = processes
        self.moreMembers = moreMembers
        self.moreProcesses = moreProcesses
    }
}

/// A process of a plan with the intents, commitments and claims that are its inputs and outputs, and
/// how far those have come.
public struct PlannedProcess: Sendable, Equatable {
    public let process: GraphProcess
    public let inputs: [PlannedProgress]
    public let outputs: [PlannedProgress]
    /// Whether it has more planned inputs, or outputs, than the first ``EmbeddedList/most``.
    public let moreInputs: Bool
    public let moreOutputs: Bool

    /// Every planned input and output is finished (and there is at least one); not known, so
    /// false, when more are planned than are listed.
    public var finished: Bool {
        !(inputs.isEmpty && outputs.isEmpty) && !moreInputs && !moreOutputs && inputs.allSatisfy(\.finished) && outputs.allSatisfy(\.finished)
    }

    package init(process: GraphProcess, inputs: [PlannedProgress], outputs: [PlannedProgress], moreInputs: Bool = false, moreOutputs: Bool = false) {
        self.process = process
        self.inputs = inputs
        self.outputs = outputs
        self.moreInputs = moreInputs
        self.moreOutputs = moreOutputs
    }
}

/// Which intents, commitments or claims a listing shows.
public enum PlanningFilter: Sendable, Equatable {
    case all
    /// Not finished.
    case open
    /// Open intents that name a provider and no receiver.
    case offers
    /// Open intents that name a receiver and no provider.
    case needs

    public func keeps(_ p: PlannedProgress) -> Bool {
        switch self {
        case .all: true
        case .open: !p.finished
        case .offers: !p.finished && p.planned.payload.provider != nil && p.planned.payload.receiver == nil
        case .needs: !p.finished && p.planned.payload.receiver != nil && p.planned.payload.provider == nil
        }
    }
}
