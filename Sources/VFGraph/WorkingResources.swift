/// The resources one event changes, as copies that are changed together and committed only if
/// the whole event applies. An event touches at most two: its `resourceInventoriedAs` and its
/// `toResourceInventoriedAs` (a resource it creates fills one of those slots), so two inline
/// slots replace a dictionary and its allocation and hashing on every event.
///
/// A resource is a large value (ids, two quantities, a dozen optional strings). Every question
/// asked of the slots reads the ids and flags kept beside them, so that no question copies one:
/// comparing an optional resource with nil, or reading a field through `first?.`, did, and
/// that cost more than the event's arithmetic.
package struct WorkingResources {
    private var first: EconomicResource?
    private var second: EconomicResource?
    private var firstID: ResourceID?
    private var secondID: ResourceID?
    /// Each slot's resource as the graph held it before the event, kept only when its changes
    /// must be judged: it existed, and the signer neither is accountable for it nor holds it.
    /// Usually absent, which spares copying a whole resource a second time on every event.
    private var firstBefore: EconomicResource?
    private var secondBefore: EconomicResource?
    private var firstJudged = false
    private var secondJudged = false

    package func contains(_ id: ResourceID) -> Bool { firstID == id || secondID == id }

    /// Adds a resource not held yet; one already held is kept as it is. `judged` says whether
    /// its changes need the signer's authority judged: an existing resource the signer does
    /// not answer for. (A resource being created, or one the signer answers for, may change
    /// any way.)
    package mutating func insert(_ resource: EconomicResource, judged: Bool) {
        if contains(resource.id) { return }
        if firstID == nil {
            firstID = resource.id
            if judged { firstBefore = resource; firstJudged = true }
            first = resource
        } else if secondID == nil {
            secondID = resource.id
            if judged { secondBefore = resource; secondJudged = true }
            second = resource
        } else {
            preconditionFailure("an event changes at most two resources")
        }
    }

    /// Counts a held resource in `unit` if it has no unit yet; returns its own unit when that
    /// differs (the quantity does not fit it), else nil.
    package mutating func count(_ id: ResourceID, in unit: String) -> String? {
        let own = firstID == id ? first.unsafelyUnwrapped.unit : secondID == id ? second.unsafelyUnwrapped.unit : nil
        guard let own else {
            self[id]!.unit = unit
            return nil
        }
        return own == unit ? nil : own
    }

    /// Changes a held resource in place.
    package mutating func update<E: Error>(_ id: ResourceID, _ body: (inout EconomicResource) throws(E) -> Void) throws(E) {
        if firstID == id { try body(&first!) } else if secondID == id { try body(&second!) } else {
            preconditionFailure("insert a resource before changing it")
        }
    }

    /// The held resource with this id, changed in place.
    package subscript(id: ResourceID) -> EconomicResource? {
        get { firstID == id ? first : secondID == id ? second : nil }
        _modify {
            if firstID == id { yield &first } else if secondID == id { yield &second } else {
                var absent: EconomicResource?
                yield &absent
                precondition(absent == nil, "insert a resource before changing it")
            }
        }
    }

    /// Whether any held resource's changes need judging.
    package var needsJudging: Bool { firstJudged || secondJudged }

    /// Calls `body` with each held resource whose changes need judging, as it is now and as it
    /// was, in id order (the order authority is judged in), until `body` returns a value;
    /// returns that value. Walking the two slots in place spares an array on every event.
    package func firstJudged<T>(_ body: (_ after: EconomicResource, _ before: EconomicResource) -> T?) -> T? {
        let secondFirst = firstJudged && secondJudged && secondID! < firstID!
        if secondFirst, let result = body(second!, secondBefore!) { return result }
        if firstJudged, let result = body(first!, firstBefore!) { return result }
        if !secondFirst, secondJudged, let result = body(second!, secondBefore!) { return result }
        return nil
    }

    /// Writes every held resource into `resources`.
    package func commit(to resources: inout [ResourceID: EconomicResource]) {
        if let firstID { resources[firstID] = first }
        if let secondID { resources[secondID] = second }
    }
}
