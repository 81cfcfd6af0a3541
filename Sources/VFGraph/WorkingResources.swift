/// The resources one event changes, as copies that are changed together and committed only if
/// the whole event applies. An event touches at most two: its `resourceInventoriedAs` and its
/// `toResourceInventoriedAs` (a resource it creates fills one of those slots), so two inline
/// slots replace a dictionary and its allocation and hashing on every event.
struct WorkingResources {
    private var first: EconomicResource?
    private var second: EconomicResource?

    func contains(_ id: ResourceID) -> Bool { first?.id == id || second?.id == id }

    /// Adds a resource not held yet; one already held is kept as it is.
    mutating func insert(_ resource: EconomicResource) {
        if contains(resource.id) { return }
        if first == nil { first = resource } else if second == nil { second = resource } else {
            preconditionFailure("an event changes at most two resources")
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

    /// The held resources in id order, the order authority is judged in.
    var sorted: [EconomicResource] {
        switch (first, second) {
        case let (a?, b?): b.id < a.id ? [b, a] : [a, b]
        case let (a?, nil), let (nil, a?): [a]
        case (nil, nil): []
        }
    }

    /// Writes every held resource into `resources`.
    func commit(to resources: inout [ResourceID: EconomicResource]) {
        if let first { resources[first.id] = first }
        if let second { resources[second.id] = second }
    }
}
