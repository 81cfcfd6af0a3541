import VFGraph
import VFLog

/// The JSON shapes of the graph, shared by the `--json` commands and the HTTP API: ids in
/// their text forms, quantities as decimal strings (never floating-point numbers), absent
/// properties as null. Each writes one object; the keys are in the order ``JSONWriter`` needs.
public enum GraphJSON {
    /// `{"hasNumericalValue": "<decimal>", "hasUnit": …}`, or null.
    public static func measure(_ m: Measure?, to w: inout JSONWriter) {
        guard let m else { return w.null() }
        w.beginObject()
        w.key("hasNumericalValue"); w.string(m.value.description)
        w.key("hasUnit"); w.string(m.unit)
        w.endObject()
    }

    /// A resource with both quantities and who answers for and holds it.
    public static func resource(_ r: EconomicResource, to w: inout JSONWriter) {
        w.beginObject()
        w.key("accountingQuantity"); measure(r.accountingMeasure, to: &w)
        w.key("conformsTo"); w.id(r.conformsTo)
        w.key("containedIn"); w.id(r.containedIn)
        w.key("createdBy"); w.id(r.createdBy)
        w.key("currentLocation"); w.string(r.currentLocation)
        w.key("holder"); w.id(r.holder)
        w.key("id"); w.id(r.id)
        w.key("name"); w.string(r.name)
        w.key("negative"); w.bool(r.isNegative)
        w.key("note"); w.string(r.note)
        w.key("onhandQuantity"); measure(r.onhandMeasure, to: &w)
        w.key("primaryAccountable"); w.id(r.primaryAccountable)
        w.key("stage"); w.string(r.stage)
        w.key("state"); w.string(r.state)
        w.key("trackingIdentifier"); w.string(r.trackingIdentifier)
        w.key("unit"); w.string(r.unit)
        w.endObject()
    }

    /// An event with where it sits in its author's feed and whether its signature verified;
    /// `reason` only when it is not applied.
    public static func event(_ e: GraphEvent, to w: inout JSONWriter) {
        let p = e.payload
        w.beginObject()
        w.key("action"); w.string(p.action.rawValue)
        w.key("author"); w.id(e.provenance.author)
        w.key("effortQuantity"); measure(p.effortQuantity, to: &w)
        w.key("id"); w.id(e.id)
        w.key("inputOf"); w.id(p.inputOf)
        w.key("order"); w.string(e.order?.description)
        w.key("outputOf"); w.id(p.outputOf)
        w.key("provider"); w.id(p.provider)
        if let reason = e.status.reason { w.key("reason"); w.string(reason) }
        w.key("receiver"); w.id(p.receiver)
        w.key("resourceInventoriedAs"); w.id(e.fromResource)
        w.key("resourceQuantity"); measure(p.resourceQuantity, to: &w)
        w.key("sequence"); w.integer(e.provenance.sequence)
        w.key("signatureVerified"); w.bool(e.provenance.signatureVerified)
        w.key("status"); w.string(e.status.name)
        w.key("toResourceInventoriedAs"); w.id(e.toResource)
        w.endObject()
    }

    /// A process with the ids of its first applied input and output events (``EmbeddedList``),
    /// and whether each list goes on.
    public static func process(_ flows: ProcessFlows, to w: inout JSONWriter) {
        process(flows.process, inputs: flows.inputs, outputs: flows.outputs, moreInputs: flows.moreInputs, moreOutputs: flows.moreOutputs, to: &w)
    }

    public static func process(_ p: GraphProcess, inputs: [EntryID], outputs: [EntryID], moreInputs: Bool, moreOutputs: Bool,
                               to w: inout JSONWriter) {
        w.beginObject()
        w.key("author"); w.id(p.author)
        w.key("basedOn"); w.string(p.payload.basedOn)
        w.key("id"); w.id(p.id)
        w.key("inputs"); ids(inputs, to: &w)
        w.key("moreInputs"); w.bool(moreInputs)
        w.key("moreOutputs"); w.bool(moreOutputs)
        w.key("name"); w.string(p.payload.name)
        w.key("note"); w.string(p.payload.note)
        w.key("outputs"); ids(outputs, to: &w)
        w.endObject()
    }

    /// A ResourceSpecification.
    public static func specification(_ s: GraphResourceSpecification, to w: inout JSONWriter) {
        w.beginObject()
        w.key("author"); w.id(s.author)
        w.key("defaultUnitOfResource"); w.string(s.payload.defaultUnitOfResource)
        w.key("id"); w.id(s.id)
        w.key("name"); w.string(s.payload.name)
        w.key("note"); w.string(s.payload.note)
        w.endObject()
    }

    /// An agent: a feed, or one described by an entry, with its profile if any.
    public static func agent(_ a: GraphAgent, to w: inout JSONWriter) {
        w.beginObject()
        w.key("answeredBy"); w.id(a.answeredBy)
        w.key("describedBy"); w.id(a.describedBy)
        w.key("id"); w.id(a.id)
        w.key("name"); w.string(a.profile?.name)
        w.key("type"); w.string(a.profile?.kind.rawValue)
        w.endObject()
    }

    /// One step of a track or trace: what it is, what it was reached from, and for an event
    /// its signer, feed position and signature flag.
    public static func step(_ s: FlowStep, to w: inout JSONWriter) {
        let e = s.event
        w.beginObject()
        if let e { w.key("action"); w.string(e.payload.action.rawValue) }
        if let e { w.key("author"); w.id(e.provenance.author) }
        if let e { w.key("entryId"); w.id(e.provenance.entryID) }
        w.key("id"); item(s.item, to: &w)
        w.key("parent")
        if let parent = s.parent { item(parent, to: &w) } else { w.null() }
        if let e { w.key("sequence"); w.integer(e.provenance.sequence) }
        if let e { w.key("signatureVerified"); w.bool(e.provenance.signatureVerified) }
        w.key("type")
        switch s.item {
        case .event: w.string("event")
        case .process: w.string("process")
        case .resource: w.string("resource")
        }
        w.endObject()
    }

    /// The id of whatever a flow step is.
    private static func item(_ item: FlowItem, to w: inout JSONWriter) {
        switch item {
        case let .event(id), let .process(id): w.id(id)
        case let .resource(id): w.id(id)
        }
    }

    private static func ids(_ ids: [EntryID], to w: inout JSONWriter) {
        w.array(ids) { id, w in w.id(id) }
    }
}

extension GraphJSON {
    /// An intent, commitment or claim with how far it has come (docs/protocol.md §16):
    /// `done` and `promised` are decimal strings in the unit of `quantity`.
    public static func progress(_ p: PlannedProgress, to w: inout JSONWriter) {
        let payload = p.planned.payload
        w.beginObject()
        w.key("action"); w.string(payload.action?.rawValue)
        w.key("author"); w.id(p.planned.author)
        w.key("commitments"); w.array(p.commitments) { id, w in w.id(id) }
        w.key("done"); w.string(p.done.description)
        w.key("due"); w.string(payload.due.map(DateTimeStamp.text))
        w.key("events"); w.array(p.events) { id, w in w.id(id) }
        w.key("finished"); w.bool(p.finished)
        w.key("id"); w.id(p.planned.id)
        w.key("kind"); w.string(payload.kind.rawValue)
        w.key("moreCommitments"); w.bool(p.moreCommitments)
        w.key("moreEvents"); w.bool(p.moreEvents)
        w.key("name"); w.string(payload.name)
        w.key("note"); w.string(payload.note)
        w.key("promised"); w.string(p.promised.description)
        w.key("provider"); w.id(payload.provider)
        w.key("quantity"); measure(p.quantity, to: &w)
        w.key("receiver"); w.id(payload.receiver)
        w.key("resourceConformsTo"); w.id(payload.resourceConformsTo)
        w.key("resourceInventoriedAs"); w.id(payload.resourceInventoriedAs)
        w.endObject()
    }
}

extension GraphJSON {
    /// An agreement with its commitments, its parties and who of them signed it.
    public static func agreement(_ s: AgreementState, to w: inout JSONWriter) {
        w.beginObject()
        w.key("author"); w.id(s.agreement.author)
        w.key("commitments"); w.array(s.commitments) { c, w in w.id(c.id) }
        w.key("id"); w.id(s.agreement.id)
        w.key("inForce"); w.bool(s.inForce)
        w.key("inForceSince"); if let since = s.inForceSince { w.string(DateTimeStamp.text(since)) } else { w.null() }
        w.key("name"); w.string(s.agreement.payload.name)
        w.key("note"); w.string(s.agreement.payload.note)
        w.key("parties"); w.array(s.parties) { f, w in w.id(f) }
        w.key("signedBy"); w.array(s.signedBy) { f, w in w.id(f) }
        w.key("unresolvedParties"); w.bool(s.unresolvedParties)
        w.key("withdrawnBy"); w.id(s.withdrawnBy)
        w.endObject()
    }
}

extension GraphJSON {
    /// A plan with its first members' progress and its first processes (``EmbeddedList``):
    /// `{"author", "due", "finished", "id", "members", "moreMembers", "moreProcesses", "name", "note", "processes"}`.
    public static func plan(_ s: PlanState, to w: inout JSONWriter) {
        w.beginObject()
        w.key("author"); w.id(s.plan.author)
        w.key("due"); w.string(s.plan.payload.due.map(DateTimeStamp.text))
        w.key("finished"); w.integer(Int64(s.finished))
        w.key("id"); w.id(s.plan.id)
        w.key("members"); w.array(s.members, progress)
        w.key("moreMembers"); w.bool(s.moreMembers)
        w.key("moreProcesses"); w.bool(s.moreProcesses)
        w.key("name"); w.string(s.plan.payload.name)
        w.key("note"); w.string(s.plan.payload.note)
        w.key("processes"); w.array(s.processes, plannedProcess)
        w.endObject()
    }

    /// A process of a plan with its first planned inputs and outputs (``EmbeddedList``):
    /// `{"finished", "id", "inputs", "moreInputs", "moreOutputs", "name", "outputs"}`.
    public static func plannedProcess(_ p: PlannedProcess, to w: inout JSONWriter) {
        w.beginObject()
        w.key("finished"); w.bool(p.finished)
        w.key("id"); w.id(p.process.id)
        w.key("inputs"); w.array(p.inputs, progress)
        w.key("moreInputs"); w.bool(p.moreInputs)
        w.key("moreOutputs"); w.bool(p.moreOutputs)
        w.key("name"); w.string(p.process.payload.name)
        w.key("outputs"); w.array(p.outputs, progress)
        w.endObject()
    }
}
