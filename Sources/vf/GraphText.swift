import VFGraph
import VFGraphStore

/// One-line text forms for people.
enum GraphText {
    static func quantity(_ m: Measure?) -> String { m.map { "\($0.value) \($0.unit)" } ?? "-" }

    static func resource(_ r: EconomicResource) -> String {
        "\(r.id)  \(r.name ?? "(unnamed)")  onhand \(quantity(r.onhandMeasure))  accounting \(quantity(r.accountingMeasure))"
            + (r.primaryAccountable.map { "  accountable \($0)" } ?? "")
            + (r.isNegative ? "  NEGATIVE (more taken out than put in)" : "")
    }

    /// `%id  Commitment transfer 400 kg from @… to @…: 120 done (promised 0), open`.
    static func progress(_ p: PlannedProgress) -> String {
        let payload = p.planned.payload
        var line = "\(p.planned.id)  \(payload.kind.rawValue)"
        if let action = payload.action { line += " \(action.rawValue)" }
        if let q = p.quantity { line += " \(quantity(q))" }
        if let name = payload.name { line += " \"\(name)\"" }
        if let provider = payload.provider { line += " from \(provider)" }
        if let receiver = payload.receiver { line += " to \(receiver)" }
        line += ": \(p.done) done"
        if payload.kind == .intent { line += ", \(p.promised) promised" }
        line += p.finished ? ", finished" : ", open"
        return line
    }

    /// `%id  Agreement "name": 1 commitment, signed by 1 of 2 parties, not in force`.
    static func agreement(_ s: AgreementState) -> String {
        var line = "\(s.agreement.id)  Agreement"
        if let name = s.agreement.payload.name { line += " \"\(name)\"" }
        line += ": \(s.commitments.count) commitment\(s.commitments.count == 1 ? "" : "s"), signed by \(s.signedBy.count) of \(s.parties.count) parties"
        if let withdrawn = s.withdrawnBy { return line + ", withdrawn by \(withdrawn)" }
        line += s.inForce ? ", in force" : ", not in force"
        let missing = s.parties.filter { !s.signedBy.contains($0) }
        if !missing.isEmpty { line += " (waiting for \(missing.map(\.description).joined(separator: ", ")))" }
        if s.unresolvedParties { line += " (a party is an agent whose description is not held yet)" }
        return line
    }

    /// `%id  Plan "name": 2 of 3 finished`.
    static func plan(_ s: PlanState) -> String {
        var line = "\(s.plan.id)  Plan"
        if let name = s.plan.payload.name { line += " \"\(name)\"" }
        return line + (s.moreMembers ? ": \(s.finished) of its first \(s.members.count) members finished"
                                     : ": \(s.finished) of \(s.members.count) finished")
    }

    /// The plan's line, then its members and its processes with their planned inputs and outputs.
    static func planWithMembers(_ s: PlanState) -> String {
        var lines = [plan(s)] + s.members.map { "  " + progress($0) } + (s.moreMembers ? ["  … more members"] : [])
        lines += s.processes.map(plannedProcess)
        if s.moreProcesses { lines.append("  … more processes") }
        if s.moreMembers || s.moreProcesses { lines.append("  (all of them: vf plan \(s.plan.id))") }
        return lines.joined(separator: "\n")
    }

    /// A process of a plan, then its planned inputs and outputs, a line each.
    static func plannedProcess(_ p: PlannedProcess) -> String {
        (["  process \(p.process.id) \"\(p.process.payload.name ?? "")\"\(p.finished ? ", finished" : "")"]
            + p.inputs.map { "    in:  " + progress($0) } + (p.moreInputs ? ["    in:  … more"] : [])
            + p.outputs.map { "    out: " + progress($0) } + (p.moreOutputs ? ["    out: … more"] : [])).joined(separator: "\n")
    }

    static func event(_ e: GraphEvent) -> String {
        var line = "\(e.id)  \(e.payload.action.rawValue)"
        if let q = e.payload.resourceQuantity ?? e.payload.effortQuantity { line += " \(quantity(q))" }
        line += "  by \(e.provenance.author) #\(e.provenance.sequence)"
        line += e.provenance.signatureVerified ? " (signature verified)" : " (signature NOT verified)"
        if e.status != .applied { line += "  \(e.status)" }
        return line
    }

    static func process(_ p: GraphProcess) -> String {
        "\(p.id)  \(p.payload.name ?? "(unnamed)")  by \(p.author)"
    }

    static func agent(_ a: GraphAgent) -> String {
        var line = "\(a.id)  \(a.profile?.name ?? "(no profile)")"
        if case .described = a.id { line += "  answered by \(a.answeredBy)" }
        return line
    }

    /// A step of a trace or track, its process or resource looked up by index.
    static func step(_ s: FlowStep, reader: GraphReader) throws -> String {
        switch s.item {
        case .event: s.event.map { "event " + event($0) } ?? s.item.description
        case let .process(id): "process \(id)  \(try reader.process(id)?.payload.name ?? "")"
        case let .resource(id): "resource " + (try reader.resource(id).map(resource) ?? id.description)
        }
    }
}
