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
    /// Those events, in causal order; then, for an intent, the commitments.
    public let events: [EntryID]
    public let commitments: [EntryID]
    /// Said finished by its author, or all it asks for is done.
    public let finished: Bool

    package init(planned: GraphPlanned, quantity: Measure?, done: ExactDecimal, promised: ExactDecimal,
                 events: [EntryID], commitments: [EntryID], finished: Bool) {
        self.planned = planned
        self.quantity = quantity
        self.done = done
        self.promised = promised
        self.events = events
        self.commitments = commitments
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
    /// Every commitment is held and every party has signed.
    public let inForce: Bool

    package init(agreement: GraphPlanned, commitments: [GraphPlanned], parties: [FeedID], signedBy: [FeedID], inForce: Bool) {
        self.agreement = agreement
        self.commitments = commitments
        self.parties = parties
        self.signedBy = signedBy
        self.inForce = inForce
    }
}
