import Foundation
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// What listings read beside the rows: a search by name that reads a bounded number of rows per
/// page and goes on from where it stopped, and each process's input and output event ids.
final class GraphReaderListingTests: XCTestCase {
    func testASearchReadsAtMostItsScanLimitPerPageAndFindsEveryMatch() throws {
        let directory = try TemporaryDirectory("vf-listing").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let net = try SignedNetwork(path: directory + "/log.sqlite")
        var needles = Set<ResourceID>()
        for n in 0 ..< 40 {
            let name = n % 8 == 3 ? ["Needle \(n)", "a NEEDLE", "needles and pins", "Nadel (needle)", "needle"][n / 8] : "crate \(n)"
            let id = try net.raise("farm", "1", "each", name: name)
            if n % 8 == 3 { needles.insert(id) }
        }
        for (owner, name) in [("farm", "Needle Farm"), ("mill", "The Mill"), ("bakery", "needle & thread bakery")] {
            try net.post(owner, .object(["@type": "Organization", "@id": .string(net.id(owner)), "name": .string(name)]))
        }
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        let all = try reader.resources(after: nil, limit: 1000).map(\.id)
        XCTAssertEqual(all.count, 40)
        XCTAssertEqual(needles.count, 5)

        // Seven rows a page: the first page stops at the seventh resource, whatever it found.
        let first = try reader.resources(named: "needle", after: nil, limit: 100, scanLimit: 7)
        XCTAssertEqual(first.next, all[6])
        XCTAssertEqual(Set(first.items.map(\.id)), needles.intersection(all[0 ..< 7]))
        var found: [ResourceID] = []
        var after: ResourceID?
        var pages = 0
        repeat {
            let page = try reader.resources(named: "needle", after: after, limit: 100, scanLimit: 7)
            found += page.items.map(\.id)
            XCTAssertTrue(page.items.allSatisfy { $0.name?.lowercased().contains("needle") == true })
            after = page.next
            pages += 1
        } while after != nil
        XCTAssertEqual(pages, 6, "40 rows, 7 a page")
        XCTAssertEqual(found, all.filter(needles.contains), "every match once, in id order")

        // A limit stops the page at its last match; the next page goes on after it.
        let two = try reader.resources(named: "NEEDLE", after: nil, limit: 2)
        XCTAssertEqual(two.items.map(\.id), Array(found.prefix(2)))
        XCTAssertEqual(two.next, found[1])
        let rest = try reader.resources(named: "needle", after: two.next, limit: 100)
        XCTAssertEqual(rest.items.map(\.id), Array(found.dropFirst(2)))
        XCTAssertNil(rest.next)
        let lastMatch = try reader.resources(named: "needle", after: found[3], limit: 1)
        XCTAssertEqual(lastMatch.items.map(\.id), [found[4]])
        XCTAssertEqual(lastMatch.next == nil, found[4] == all.last, "next is null only when no row follows")
        XCTAssertTrue(try reader.resources(named: "rye", after: nil, limit: 10).items.isEmpty)

        let agents = try reader.agents(named: "NEEDLE", after: nil, limit: 10)
        XCTAssertEqual(Set(agents.items.compactMap(\.profile?.name)), ["Needle Farm", "needle & thread bakery"])
        XCTAssertNil(agents.next)
        var agentPages = 0
        var agentsFound: [AgentID] = []
        var agentAfter: AgentID?
        repeat {
            let page = try reader.agents(named: "needle", after: agentAfter, limit: 10, scanLimit: 1)
            agentsFound += page.items.map(\.id)
            agentAfter = page.next
            agentPages += 1
        } while agentAfter != nil
        XCTAssertEqual(agentPages, 3, "three agents, one a page")
        XCTAssertEqual(agentsFound, agents.items.map(\.id))
    }

    func testEachProcessComesWithItsInputAndOutputEventIds() throws {
        let directory = try TemporaryDirectory("vf-listing").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let net = try SignedNetwork.rich(path: directory + "/log.sqlite")
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: net.source)
        let reader = store.reader(log: net.source)
        let graph = try store.graph(from: net.source)
        XCTAssertGreaterThan(graph.processes.count, 1)
        var listed: [ProcessFlows] = []
        while true {
            let page = try reader.processFlows(after: listed.last?.process.id, limit: 1)
            listed += page
            if page.isEmpty { break }
        }
        // In the order this node numbered them (v16), each once.
        XCTAssertEqual(listed.map(\.process).sorted { $0.id < $1.id }, graph.processes.keys.sorted().map { graph.processes[$0]! })
        XCTAssertEqual(Set(listed.map(\.process.id)).count, listed.count)
        for row in listed {
            XCTAssertEqual(row.inputs, graph.events(inputOf: row.process.id).map(\.id))
            XCTAssertEqual(row.outputs, graph.events(outputOf: row.process.id).map(\.id))
        }
        XCTAssertTrue(listed.contains { !$0.inputs.isEmpty } && listed.contains { !$0.outputs.isEmpty })
    }
}
