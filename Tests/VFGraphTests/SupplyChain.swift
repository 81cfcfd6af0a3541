import VFLog
@testable import VFGraph
@testable import VFGraphStore

/// Farm produces wheat and transfers it to the mill; the mill consumes wheat and produces
/// flour with work, and transfers the flour to the bakery; the bakery consumes flour and
/// produces bread with work. Then the bread is carried to market by a carrier.
struct SupplyChain {
    let net = Fixture()
    let farm, mill, bakery, carrier: Fixture.Agent
    var ids: [String: EntryID] = [:]
    var resources: [String: ResourceID] = [:]

    init() {
        farm = net.agent("farm"); mill = net.agent("mill"); bakery = net.agent("bakery"); carrier = net.agent("carrier")
        let wheatSpec = net.spec(farm, name: "wheat", unit: "kg")
        let growing = net.process(farm, name: "growing", basedOn: "spec:grow")
        ids["produceWheat"] = net.event("produce", provider: farm, ["resourceQuantity": qty("1000", "kg"), "outputOf": ref(growing),
            "newInventoriedResource": ["name": "wheat", "trackingIdentifier": "W-1", "conformsTo": ref(wheatSpec)]])
        resources["wheat"] = ResourceID(createdBy: ids["produceWheat"]!)
        ids["sellWheat"] = net.event("transfer", provider: farm, receiver: mill, ["resourceQuantity": qty("400", "kg"),
            "resourceInventoriedAs": ref(resources["wheat"]!), "newInventoriedResource": ["name": "mill wheat"]])
        resources["millWheat"] = ResourceID(createdBy: ids["sellWheat"]!)
        let milling = net.process(mill, name: "milling", basedOn: "spec:mill")
        ids["consumeWheat"] = net.event("consume", provider: mill, ["resourceQuantity": qty("400", "kg"),
            "resourceInventoriedAs": ref(resources["millWheat"]!), "inputOf": ref(milling)])
        ids["millWork"] = net.event("work", provider: mill, ["effortQuantity": qty("6", "hour"), "inputOf": ref(milling)])
        ids["produceFlour"] = net.event("produce", provider: mill, ["resourceQuantity": qty("300", "kg"), "outputOf": ref(milling),
            "newInventoriedResource": ["name": "flour"]])
        resources["flour"] = ResourceID(createdBy: ids["produceFlour"]!)
        ids["sellFlour"] = net.event("transfer", provider: mill, receiver: bakery, ["resourceQuantity": qty("300", "kg"),
            "resourceInventoriedAs": ref(resources["flour"]!), "toResourceInventoriedAs": ref(resources["flour"]!)])
        let baking = net.process(bakery, name: "baking", basedOn: "spec:bake")
        ids["consumeFlour"] = net.event("consume", provider: bakery, ["resourceQuantity": qty("300", "kg"),
            "resourceInventoriedAs": ref(resources["flour"]!), "inputOf": ref(baking)])
        ids["bakeWork"] = net.event("work", provider: bakery, ["effortQuantity": qty("8", "hour"), "inputOf": ref(baking)])
        ids["produceBread"] = net.event("produce", provider: bakery, ["resourceQuantity": qty("500", "each"), "outputOf": ref(baking),
            "newInventoriedResource": ["name": "bread"]])
        resources["bread"] = ResourceID(createdBy: ids["produceBread"]!)
        // Transport: the bakery hands the bread to the carrier (implied custody transfer), who drops it at market.
        let trip = net.process(carrier, name: "trip to market", basedOn: "spec:transport")
        ids["pickup"] = net.event("pickup", provider: bakery, receiver: carrier, ["resourceQuantity": qty("500", "each"),
            "resourceInventoriedAs": ref(resources["bread"]!), "inputOf": ref(trip), "toLocation": "truck"])
        resources["crates"] = net.raise(carrier, "20", "each", name: "crates")
        ids["pickupCrates"] = net.event("pickup", provider: carrier, ["resourceQuantity": qty("20", "each"),
            "resourceInventoriedAs": ref(resources["crates"]!), "inputOf": ref(trip)])
        ids["dropoff"] = net.event("dropoff", provider: carrier, receiver: bakery, ["resourceQuantity": qty("500", "each"),
            "resourceInventoriedAs": ref(resources["bread"]!), "outputOf": ref(trip), "toLocation": "market"])
    }
}
