/// The resources one event changes, as copies that are changed together and committed only if
/// the whole event applies. An event touches at most two: its `resourceInventoriedAs` and its
/// `toResourceInventoriedAs` (a resource it creates fills one of those slots), so two inline
/// slots replace a dictionary and its allocation and hashing on every event.
struct WorkingResources {
    private var first: EconomicResource?
    private var second: EconomicResource?
    /// Each slot's resource as the graph held it before the event; nil for one it creates.
    private var firstBefore: EconomicResource?
    private var secondBefore: EconomicResource?

    func contains(_ id: ResourceID) -> Bool { first?.id == id || second?.id == id }

    /// Adds a resource not held yet; one already held is kept as it is. `existing` says
    /// whether it comes from the graph (and so is judged for authority) or is being created.
    mutating func insert(_ resource: EconomicResource, existing: Bool = true) {
        if contains(resource.id) { return }
        if first == nil {
            first = resource
            firstBefore = existing ? resource : nil
        } else if second == nil {
            second = resource
            secondBefore = existing ? resource : nil
        } else {
            preconditionFailure("an event changes at most two resources")
        }
    }

    /// The unit of a held resource, read without copying the resource.
    func unit(of id: ResourceID) -> String? {
        first?.id == id ? first?.unit : second?.unit
    }

    /// Changes a held resource in place.
    mutating func update<E: Error>(_ id: ResourceID, _ body: (inout EconomicResource) throws(E) -> Void) throws(E) {
        if first?.id == id { try body(&first!) } else if second?.id == id { try body(&second!) } else {
            preconditionFailure("insert a resource before changing it")
        }
    }

    /// The held resource with this id, changed in place.
    subscript(id: ResourceID) -> EconomicResource? {
        get { first?.id == id ? first : second?.id == id ? second : nil }
        _modify {
            if first?.id == id { yield &first } else if second?.id == id { yield &second } else {
                var absent: EconomicResource?
                yield &absent
                precondition(absent == nil, "insert a resource before changing it")
            }
        }
    }

    /// Whether `answers` is true of the accountable agent or of the holder, as they were before
    /// the event, of every held resource that existed: then no change needs judging. Reads the
    /// two fields in place, where ``firstExisting(_:)`` would copy whole resources.
    func allExisting(answeredBy answers: (AgentID?) -> Bool) -> Bool {
        if firstBefore != nil, !answers(firstBefore!.primaryAccountable), !answers(firstBefore!.holder) { return false }
        if secondBefore != nil, !answers(secondBefore!.primaryAccountable), !answers(secondBefore!.holder) { return false }
        return true
    }

    /// Calls `body` with each held resource that existed before the event, as it is now and as
    /// it was, in id order (the order authority is judged in), until `body` returns a value;
    /// returns that value. Walking the two slots in place spares an array on every event.
    func firstExisting<T>(_ body: (_ after: EconomicResource, _ before: EconomicResource) -> T?) -> T? {
        let secondFirst = first != nil && firstBefore != nil && second != nil && secondBefore != nil && second!.id < first!.id
        if secondFirst, let result = body(second!, secondBefore!) { return result }
        if let first, let firstBefore, let result = body(first, firstBefore) { return result }
        if !secondFirst, let second, let secondBefore, let result = body(second, secondBefore) { return result }
        return nil
    }

    /// Writes every held resource into `resources`.
    func commit(to resources: inout [ResourceID: EconomicResource]) {
        if let first { resources[first.id] = first }
        if let second { resources[second.id] = second }
    }
}
