import VFGraph

/// One-line text forms for people.
enum GraphText {
    static func quantity(_ m: Measure?) -> String { m.map { "\($0.value) \($0.unit)" } ?? "-" }

    static func resource(_ r: EconomicResource) -> String {
        "\(r.id)  \(r.name ?? "(unnamed)")  onhand \(quantity(r.onhandMeasure))  accounting \(quantity(r.accountingMeasure))"
            + (r.primaryAccountable.map { "  accountable \($0)" } ?? "")
    }

    static func event(_ e: GraphEvent) -> String {
        var line = "\(e.id)  \(e.payload.action.rawValue)"
        if let q = e.payload.resourceQuantity ?? e.payload.effortQuantity { line += " \(quantity(q))" }
        line += "  by \(e.provenance.author) #\(e.provenance.sequence)"
        line += e.provenance.signatureVerified ? " (signature verified)" : " (signature NOT verified)"
        if e.status != .applied { line += "  \(e.status)" }
        return line
    }

    static func step(_ s: FlowStep, graph: EconomicGraph) -> String {
        switch s.item {
        case .event: s.event.map { "event " + event($0) } ?? s.item.description
        case let .process(id): "process \(id)  \(graph.processes[id]?.payload.name ?? "")"
        case let .resource(id): "resource " + (graph.resources[id].map(resource) ?? id.description)
        }
    }
}
