import Foundation
import VFLog
import VFTestSupport
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// Feeds of really signed entries in a source log, for tests that replicate them into another
/// log in pieces: each author's entries as a peer would send them.
final class SignedNetwork {
    let source: LogStore
    private(set) var keys: [String: SigningKey] = [:]

    init(path: String) throws { source = try LogStore(path: path) }

    func key(_ name: String) -> SigningKey {
        if let key = keys[name] { return key }
        let key = SigningKey()
        keys[name] = key
        return key
    }

    func id(_ name: String) -> String { key(name).feed.description }

    @discardableResult
    func post(_ author: String, _ json: JSONValue, at timestamp: Int64? = nil) throws -> EntryID {
        try source.append(json.serialized, key: key(author), timestamp: timestamp).entry.id
    }

    @discardableResult
    func event(_ action: String, by signer: String? = nil, provider: String, receiver: String? = nil,
               _ fields: [JSONName: JSONValue] = [:]) throws -> EntryID {
        var json: [JSONName: JSONValue] = ["@type": "EconomicEvent", "action": .string(action),
                                         "provider": .string(id(provider)), "receiver": .string(id(receiver ?? provider))]
        json.merge(fields) { _, new in new }
        return try post(signer ?? provider, .object(json))
    }

    func raise(_ owner: String, _ amount: String, _ unit: String, name: String, at time: String? = nil) throws -> ResourceID {
        var fields: [JSONName: JSONValue] = ["resourceQuantity": qty(amount, unit), "newInventoriedResource": ["name": .string(name)]]
        if let time { fields["hasPointInTime"] = .string(time) }
        return ResourceID(createdBy: try event("raise", provider: owner, fields))
    }

    /// Every feed's entries, in feed order.
    func feeds() throws -> [[SignedEntry]] {
        try source.feeds().sorted { $0.author < $1.author }.map { try source.entries(author: $0.author) }
    }

    /// The farm, the mill and the bakery, with events whose effects do not commute: stated
    /// times out of feed order (so a feed arriving late re-folds the graph), a custody loan, an
    /// implicit combine, a correction, profiles that are replaced, an agent without a node,
    /// an unauthorized event, a pending one, and entries that are not ValueFlows at all.
    static func rich(path: String) throws -> SignedNetwork {
        let net = try SignedNetwork(path: path)
        let wheatSpec = try net.post("farm", ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let growing = try net.post("farm", ["@type": "Process", "name": "growing", "basedOn": "spec:grow"])
        let produceWheat = try net.event("produce", provider: "farm", ["resourceQuantity": qty("1000", "kg"), "outputOf": ref(growing),
            "hasPointInTime": "2029-01-01T00:00:00Z", "newInventoriedResource": ["name": "wheat", "conformsTo": ref(wheatSpec)]])
        let wheat = ResourceID(createdBy: produceWheat)
        let sell = try net.event("transfer", provider: "farm", receiver: "mill", ["resourceQuantity": qty("400", "kg"),
            "resourceInventoriedAs": ref(wheat), "hasPointInTime": "2029-02-01T00:00:00Z", "newInventoriedResource": ["name": "mill wheat"]])
        let millWheat = ResourceID(createdBy: sell)
        try net.post("farm", ["@type": "Person", "@id": .string(net.id("farm")), "name": "Farmer Jo"])
        let tractor = try net.raise("farm", "1", "each", name: "tractor", at: "2028-01-01T00:00:00Z")
        try net.event("transferCustody", provider: "farm", receiver: "mill", ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2030-01-01T00:00:00Z", "toLocation": "mill yard"])
        try net.event("move", provider: "farm", ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2029-06-01T12:00:00Z", "toLocation": "field"])
        try net.event("produce", provider: "farm", ["resourceQuantity": qty("-50", "kg"), "resourceInventoriedAs": ref(wheat), "corrects": ref(produceWheat)])
        try net.post("farm", ["@type": "vf:Contact", "name": "not the graph's business"])
        try net.post("farm", ["@type": "Person", "@id": .string(net.id("farm")), "name": "Farmer Jo Smith"])

        let milling = try net.post("mill", ["@type": "Process", "name": "milling"])
        try net.event("consume", provider: "mill", ["resourceQuantity": qty("400", "kg"), "resourceInventoriedAs": ref(millWheat),
            "inputOf": ref(milling), "hasPointInTime": "2029-03-01T00:00:00Z"])
        try net.event("work", provider: "mill", ["effortQuantity": qty("6", "hour"), "inputOf": ref(milling)])
        let flour = ResourceID(createdBy: try net.event("produce", provider: "mill", ["resourceQuantity": qty("300.5", "kg"),
            "outputOf": ref(milling), "hasPointInTime": "2029-03-02T00:00:00Z", "newInventoriedResource": ["name": "flour"]]))
        let bagging = try net.post("mill", ["@type": "Process", "name": "bagging"])
        let sacks = try net.raise("mill", "10", "each", name: "sacks")
        try net.event("combine", provider: "mill", ["resourceInventoriedAs": ref(sacks), "resourceQuantity": qty("10", "each"), "inputOf": ref(bagging)])
        try net.event("produce", provider: "mill", ["resourceQuantity": qty("1", "each"), "outputOf": ref(bagging), "newInventoriedResource": ["name": "pallet"]])
        try net.event("move", provider: "mill", ["resourceInventoriedAs": ref(tractor), "toResourceInventoriedAs": ref(tractor),
            "resourceQuantity": qty("1", "each"), "hasPointInTime": "2030-01-02T00:00:00Z", "toLocation": "mill barn"])
        try net.post("mill", ["@type": "EconomicEvent", "action": "teleport"])
        try net.event("transfer", provider: "mill", receiver: "bakery", ["resourceQuantity": qty("300.5", "kg"),
            "resourceInventoriedAs": ref(flour), "toResourceInventoriedAs": ref(flour), "hasPointInTime": "2029-04-01T00:00:00Z"])

        let customer = try net.post("bakery", ["@type": "Organization", "name": "village shop"])
        try net.post("bakery", ["@type": "Organization", "@id": .string(net.id("bakery")), "name": "Bakery"])
        let oven = try net.raise("bakery", "1", "each", name: "oven", at: "2027-01-01T00:00:00Z")
        try net.event("consume", by: "bakery", provider: "farm", receiver: "bakery", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(wheat)])
        try net.event("consume", provider: "bakery", ["resourceQuantity": qty("1", "kg"),
            "resourceInventoriedAs": ref(ResourceID(createdBy: EntryID(hash: .zero)))])
        try net.event("transfer", provider: "bakery", receiver: "bakery", ["resourceQuantity": qty("1", "each"), "resourceInventoriedAs": ref(oven),
            "toResourceInventoriedAs": ref(oven), "note": .string("to \(customer)"), "hasPointInTime": "2027-06-01T00:00:00Z"])
        try net.post("bakery", ["just": "json"])
        // Corrections of one event, in turn: the second would take its quantity below zero.
        let honey = try net.event("produce", provider: "bakery", ["resourceQuantity": qty("10", "kg"), "hasPointInTime": "2027-03-01T00:00:00Z",
                                                                  "newInventoriedResource": ["name": "honey"]])
        for delta in ["-3", "-8", "-7"] {
            try net.event("produce", provider: "bakery", ["resourceQuantity": qty(delta, "kg"), "resourceInventoriedAs": ref(ResourceID(createdBy: honey)),
                                                          "corrects": ref(honey)])
        }
        return net
    }
}

/// Interleaves feeds at random, each feed in its own order (as a peer sends it), in batches
/// of 1 to `maximum` entries.
func shuffledBatches(_ feeds: [[SignedEntry]], maximum: Int, using rng: inout SplitMix64) -> [[SignedEntry]] {
    var queues = feeds.map { $0[...] }
    var stream = [SignedEntry]()
    while let index = queues.indices.filter({ !queues[$0].isEmpty }).randomElement(using: &rng) {
        stream.append(queues[index].removeFirst())
    }
    var batches = [[SignedEntry]]()
    var rest = stream[...]
    while !rest.isEmpty {
        let size = Int.random(in: 1...maximum, using: &rng)
        batches.append(Array(rest.prefix(size)))
        rest = rest.dropFirst(size)
    }
    return batches
}

/// Delivers `feeds` to a fresh log in shuffled batches of at most `maximum` entries, `rounds`
/// times, updating the graph after each batch; each round asserts that the tables equal a
/// rebuild, then hands `check` the kept-up-to-date store, its reader, the log and the round.
func inShuffledBatches(_ feeds: [[SignedEntry]], rounds: Int, maximum: Int, seed: UInt64, in directory: String,
                       file: StaticString = #filePath, line: UInt = #line,
                       check: (GraphStore, GraphReader, LogStore, Int) throws -> Void) throws {
    var rng = SplitMix64(seed: seed)
    for round in 0..<rounds {
        let run = directory + "/shuffled-\(seed)-\(round)"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let log = try LogStore(path: run + "/log.sqlite")
        let store = try GraphStore(path: run + "/graph.sqlite")
        for batch in shuffledBatches(feeds, maximum: maximum, using: &rng) {
            _ = try log.ingest(batch)
            try store.update(from: log)
        }
        let rebuilt = try GraphStore(path: run + "/rebuilt.sqlite")
        try rebuilt.rebuild(from: log)
        assertSameTables(try store.tableContents(), try rebuilt.tableContents(), "round \(round)", file: file, line: line)
        try check(store, store.reader(log: log), log, round)
    }
}
