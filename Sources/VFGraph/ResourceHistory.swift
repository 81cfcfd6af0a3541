import VFLog

/// The columns of an `event` row that readers and updates look it up by: the resources it
/// names, its process, the event it corrects and the resource it creates. What the entry
/// says, so they never change once the row is inserted.
package struct EventLookups: Equatable, Sendable {
    package var fromResource: ResourceID?
    package var toResource: ResourceID?
    package var inputOf: EntryID?
    package var outputOf: EntryID?
    package var corrects: EntryID?
    package var creates: ResourceID?

    package init(_ payload: EconomicEventPayload, id: EntryID) {
        fromResource = payload.fromResource(createdBy: id)
        toResource = payload.toResource(createdBy: id)
        inputOf = payload.inputOf
        outputOf = payload.outputOf
        corrects = payload.corrects
        creates = payload.newInventoriedResource == nil ? nil : ResourceID(createdBy: id)
    }

    package init(fromResource: ResourceID?, toResource: ResourceID?, inputOf: EntryID?, outputOf: EntryID?, corrects: EntryID?, creates: ResourceID?) {
        self.fromResource = fromResource
        self.toResource = toResource
        self.inputOf = inputOf
        self.outputOf = outputOf
        self.corrects = corrects
        self.creates = creates
    }
}

/// One row of `history`: a folded event and one resource it names, with the resource as the
/// event left it when it applied. The state of a resource before any place in the causal
/// order is the image of its last applied row before that place, so a late event re-folds a
/// resource from where it lands, not from the start.
package struct HistoryRow: Equatable, Sendable {
    package var resource: ResourceID
    package var order: EventOrder
    package var event: EntryID
    /// Nil when the event was folded but not applied.
    package var image: ResourceImage?

    package init(resource: ResourceID, order: EventOrder, event: EntryID, image: ResourceImage?) {
        self.resource = resource
        self.order = order
        self.event = event
        self.image = image
    }
}

/// What can change in a resource after it was created: every field but its id, name,
/// tracking identifier, note, specification and creating event.
package struct ResourceImage: Equatable, Sendable {
    package var unit: String?
    package var accountingQuantity: ExactDecimal
    package var onhandQuantity: ExactDecimal
    package var primaryAccountable: AgentID?
    package var holder: AgentID?
    package var currentLocation: String?
    package var containedIn: ResourceID?
    package var stage: String?
    package var state: String?

    package init(_ r: EconomicResource) {
        unit = r.unit
        accountingQuantity = r.accountingQuantity
        onhandQuantity = r.onhandQuantity
        primaryAccountable = r.primaryAccountable
        holder = r.holder
        currentLocation = r.currentLocation
        containedIn = r.containedIn
        stage = r.stage
        state = r.state
    }

    package init(unit: String?, accountingQuantity: ExactDecimal, onhandQuantity: ExactDecimal, primaryAccountable: AgentID?, holder: AgentID?,
         currentLocation: String?, containedIn: ResourceID?, stage: String?, state: String?) {
        self.unit = unit
        self.accountingQuantity = accountingQuantity
        self.onhandQuantity = onhandQuantity
        self.primaryAccountable = primaryAccountable
        self.holder = holder
        self.currentLocation = currentLocation
        self.containedIn = containedIn
        self.stage = stage
        self.state = state
    }

    /// `resource` with this image's fields.
    package func applied(to resource: EconomicResource) -> EconomicResource {
        var r = resource
        r.unit = unit
        r.accountingQuantity = accountingQuantity
        r.onhandQuantity = onhandQuantity
        r.primaryAccountable = primaryAccountable
        r.holder = holder
        r.currentLocation = currentLocation
        r.containedIn = containedIn
        r.stage = stage
        r.state = state
        return r
    }
}

/// The resources an event's outcome depends on and may change: those it names (given or
/// created, and a combine's container), and for a correction those of the event it corrects.
/// Its history rows are one per resource here, in this order.
package func touchedResources(_ lookups: EventLookups, container: ResourceID?, original: EventLookups?) -> [ResourceID] {
    var result: [ResourceID] = []
    for candidate in [lookups.fromResource, lookups.toResource, container, original?.fromResource, original?.toResource] {
        if let candidate, !result.contains(candidate) { result.append(candidate) }
    }
    return result
}

