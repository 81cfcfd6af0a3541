import VFLog

/// A derived graph answers the validator's questions, so a node can validate an event it is
/// about to publish against everything it has derived (``EventOrigin/local``).
extension EconomicGraph: KnownObjects {
    public func objectKind(of entry: EntryID) -> KnownKind? {
        if events[entry] != nil { return .object(.economicEvent) }
        if processes[entry] != nil { return .object(.process) }
        if specifications[entry] != nil { return .object(.resourceSpecification) }
        if let planned = planned[entry] { return .object(.planned(planned.payload.kind)) }
        if agents[.described(entry)] != nil { return .object(.agent) }
        if agents.values.contains(where: { $0.describedBy == entry }) { return .object(.profile) }
        if let status = rejected[entry] { return .notAGraphObject("an entry that was rejected (\(status))") }
        return nil
    }

    public func resourceKnowledge(of resource: ResourceID) -> ResourceKnowledge {
        resources[resource].map { .known(unit: $0.unit) } ?? .unknown
    }

    public func defaultUnit(ofSpecification specification: EntryID) -> String? {
        specifications[specification]?.payload.defaultUnitOfResource
    }
}
