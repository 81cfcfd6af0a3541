import Foundation
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// What the reader answers by index from the tables equals what the whole graph in memory says:
/// every resource, event, process, specification, agent and status, and every track and trace.
final class GraphReaderTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-reader").path }

    /// The rich network replicated in random batches, the tables updated after each; the reader
    /// is compared with the graph at the end and mid-way.
    func testTheReaderAgreesWithTheGraphInMemory() throws {
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        // A trip to market, for the pairing rules: a pickup and a dropoff of bread, a pickup of crates.
        let bread = try net.raise("bakery", "500", "each", name: "bread")
        let trip = try net.post("carrier", ["@type": "Process", "name": "trip to market", "basedOn": "spec:transport"])
        try net.event("pickup", provider: "bakery", receiver: "carrier", ["resourceQuantity": qty("500", "each"),
            "resourceInventoriedAs": ref(bread), "inputOf": ref(trip), "toLocation": "truck"])
        let crates = try net.raise("carrier", "20", "each", name: "crates")
        try net.event("pickup", provider: "carrier", ["resourceQuantity": qty("20", "each"), "resourceInventoriedAs": ref(crates), "inputOf": ref(trip)])
        try net.event("dropoff", provider: "carrier", receiver: "bakery", ["resourceQuantity": qty("500", "each"),
            "resourceInventoriedAs": ref(bread), "outputOf": ref(trip), "toLocation": "market"])
        let log = try LogStore(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        var rng = SplitMix64(seed: 11)
        for (index, batch) in shuffledBatches(try net.feeds(), maximum: 7, using: &rng).enumerated() {
            _ = try log.ingest(batch)
            try store.update(from: log)
            if index % 3 == 0 { try assertAgrees(store, log, "after batch \(index)") }
        }
        try assertAgrees(store, log, "at the end")
    }

    /// A walk reads no more events than its limit allows, however many name an item it passes,
    /// and a step back from a resource does not read the events that used it.
    func testAWalkReadsNoMoreEventsThanItsLimitAllows() throws {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let flour = try net.raise("mill", "1000", "kg", name: "flour")
        for i in 0..<30 {
            let baking = try net.post("mill", ["@type": "Process", "name": .string("baking \(i)")])
            try net.event("consume", provider: "mill", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(flour), "inputOf": ref(baking)])
        }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        func derived() throws -> EconomicGraph {
            Derivation.derive(try net.source.feeds().flatMap { try net.source.records(author: $0.author) }.map { GraphEntry($0, verified: true) })
        }
        // Back from the flour: its raise, not its thirty uses.
        var graph = try derived()
        XCTAssertEqual(graph.trace(from: .resource(flour)).count, 2)
        XCTAssertEqual(try reader.flow(from: .resource(flour), backwards: true, atMost: 10, reading: 3), .steps(graph.trace(from: .resource(flour))))
        // Forwards, each use is a neighbour, read whether or not the walk may take it.
        XCTAssertEqual(try reader.flow(from: .resource(flour), backwards: false, atMost: 1000, reading: 30), .moreReads(30))
        XCTAssertEqual(try reader.flow(from: .resource(flour), backwards: false, atMost: 1000), .steps(graph.track(from: .resource(flour))))

        // Twenty moves out of the flour are read on the way back, and passed by: 21 reads in all.
        let store2 = try net.raise("mill", "0", "kg", name: "flour in the store")
        for _ in 0..<20 {
            try net.event("move", provider: "mill", ["resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(flour),
                                                     "toResourceInventoriedAs": ref(store2)])
        }
        try store.update(from: net.source)
        graph = try derived()
        XCTAssertEqual(graph.trace(from: .resource(flour)).count, 2)
        XCTAssertEqual(try reader.flow(from: .resource(flour), backwards: true, atMost: 10, reading: 20), .moreReads(20))
        XCTAssertEqual(try reader.flow(from: .resource(flour), backwards: true, atMost: 10, reading: 21), .steps(graph.trace(from: .resource(flour))))
        // The default: four events per step, and at least 1,024.
        XCTAssertEqual(GraphReader.flowReads(forSteps: 10), 1024)
        XCTAssertEqual(GraphReader.flowReads(forSteps: 10_000), 40_000)
        XCTAssertEqual(GraphReader.flowReads(forSteps: .max), .max)
    }

    private func assertAgrees(_ store: GraphStore, _ log: LogStore, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let graph = Derivation.derive(try log.feeds().flatMap { try log.records(author: $0.author) }.map { GraphEntry($0, verified: true) })
        let reader = store.reader(log: log)

        // Listings, a page of 2 at a time, in id order.
        var resources: [EconomicResource] = []
        while true {
            let page = try reader.resources(after: resources.last?.id, limit: 2)
            resources += page
            if page.count < 2 { break }
        }
        // In the order this node numbered them (v16), each once.
        XCTAssertEqual(resources.sorted { $0.id < $1.id }, graph.resources.keys.sorted().map { graph.resources[$0]! }, message, file: file, line: line)
        XCTAssertEqual(try reader.processes(after: nil, limit: 1000).map(\.id).sorted(), graph.processes.keys.sorted(), message, file: file, line: line)
        XCTAssertEqual(try reader.specifications(after: nil, limit: 1000).map(\.id), graph.specifications.keys.sorted(), message, file: file, line: line)
        let agents = try reader.agents(after: nil, limit: 1000)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: agents.map { ($0.id, $0) }), graph.agents, message, file: file, line: line)
        XCTAssertEqual(agents.map(\.id.description), agents.map(\.id.description).sorted(), "agents in text order", file: file, line: line)

        for (id, event) in graph.events {
            XCTAssertEqual(try reader.event(id), event, "\(message): event \(id)", file: file, line: line)
            XCTAssertEqual(try reader.status(of: id), event.status, message, file: file, line: line)
        }
        for id in graph.rejected.keys { XCTAssertEqual(try reader.status(of: id), graph.status(of: id), message, file: file, line: line) }
        for id in graph.processes.keys {
            XCTAssertEqual(try reader.status(of: id), .applied, message, file: file, line: line)
            XCTAssertEqual(try reader.events(of: id, outputs: false), graph.events(inputOf: id), message, file: file, line: line)
            XCTAssertEqual(try reader.events(of: id, outputs: true), graph.events(outputOf: id), message, file: file, line: line)
            XCTAssertEqual(try reader.events(of: id, outputs: true, limit: 1), Array(graph.events(outputOf: id).prefix(1)), message, file: file, line: line)
            let flows = graph.appliedOrder.compactMap { graph.events[$0] }.filter { $0.payload.inputOf == id || $0.payload.outputOf == id }
            XCTAssertEqual(try eventsInPages { try reader.events(of: id, after: $0, limit: 2) }, flows, "\(message): process \(id) in pages",
                           file: file, line: line)
            XCTAssertEqual(try reader.trace(from: .process(id)), graph.trace(from: .process(id)), message, file: file, line: line)
            XCTAssertEqual(try reader.track(from: .process(id)), graph.track(from: .process(id)), message, file: file, line: line)
        }
        for agent in graph.agents.values {
            if let entry = agent.describedBy { XCTAssertEqual(try reader.status(of: entry), .applied, message, file: file, line: line) }
        }
        XCTAssertNil(try reader.status(of: EntryID(hash: .zero)), file: file, line: line)
        for id in graph.resources.keys {
            let touching = graph.appliedOrder.compactMap { graph.events[$0] }.filter { $0.fromResource == id || $0.toResource == id || $0.container == id }
            XCTAssertEqual(try reader.events(touching: id), touching, "\(message): resource \(id)", file: file, line: line)
            XCTAssertEqual(try eventsInPages { try reader.events(touching: id, after: $0, limit: 2) }, touching, "\(message): resource \(id) in pages",
                           file: file, line: line)
            XCTAssertEqual(try reader.trace(from: .resource(id)), graph.trace(from: .resource(id)), "\(message): trace \(id)", file: file, line: line)
            XCTAssertEqual(try reader.track(from: .resource(id)), graph.track(from: .resource(id)), "\(message): track \(id)", file: file, line: line)
            // A walk limited to its length is the walk; to one step fewer, refused.
            for backwards in [true, false] {
                let full = backwards ? graph.trace(from: .resource(id)) : graph.track(from: .resource(id))
                XCTAssertEqual(try reader.flow(from: .resource(id), backwards: backwards, atMost: full.count), .steps(full), message, file: file, line: line)
                if full.count > 1 {
                    XCTAssertEqual(try reader.flow(from: .resource(id), backwards: backwards, atMost: full.count - 1), .moreSteps, message, file: file, line: line)
                }
            }
        }
        for id in graph.appliedOrder {
            XCTAssertEqual(try reader.trace(from: .event(id)), graph.trace(from: .event(id)), "\(message): trace \(id)", file: file, line: line)
            XCTAssertEqual(try reader.track(from: .event(id)), graph.track(from: .event(id)), "\(message): track \(id)", file: file, line: line)
        }
        let counts = try reader.counts()
        XCTAssertEqual(counts.events, graph.events.count, file: file, line: line)
        XCTAssertEqual(counts.applied, graph.appliedOrder.count, file: file, line: line)
        XCTAssertEqual(counts.resources, graph.resources.count, file: file, line: line)
    }
}
