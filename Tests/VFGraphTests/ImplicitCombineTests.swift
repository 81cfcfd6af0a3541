import Foundation
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// Combines without `toResourceInventoriedAs` depend on every output of their process that
/// names the container (docs/protocol.md §16), held once per process. Whatever the order the
/// feeds arrive in, in pieces, the tables equal a rebuild, and the derivation in memory,
/// folded piece by piece, equals one over everything.
final class ImplicitCombineTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws { directory = try TemporaryDirectory(for: self, "vf-implicit-combine").path }

    /// Four feeds: the mill's processes and outputs (one dated before the box it fills), the
    /// farm's parts and combines (some dated before the outputs, one correction), a packer's
    /// output that waits for a specification only the last feed holds, and that catalogue.
    private func network() throws -> (net: SignedNetwork, combines: [EntryID], ambiguous: EntryID) {
        let net = try SignedNetwork(path: directory + "/source.sqlite")
        let spec = try net.post("catalogue", ["@type": "ResourceSpecification", "name": "crate"])
        let packing = try net.post("mill", ["@type": "Process", "name": "packing"])
        let wrapping = try net.post("mill", ["@type": "Process", "name": "wrapping"])
        let box = ResourceID(createdBy: try net.event("produce", provider: "mill", [
            "outputOf": ref(packing), "resourceQuantity": qty("1", "each"), "hasPointInTime": "2030-03-01T00:00:00Z",
            "newInventoriedResource": ["name": "box"]]))
        try net.event("produce", provider: "mill", ["outputOf": ref(packing), "resourceInventoriedAs": ref(box), "resourceQuantity": qty("1", "each"),
                                                    "hasPointInTime": "2030-02-01T00:00:00Z"])
        try net.event("modify", provider: "mill", ["outputOf": ref(packing), "resourceInventoriedAs": ref(box), "resourceQuantity": qty("1", "each"),
                                                   "hasPointInTime": "2030-04-01T00:00:00Z"])
        for name in ["roll", "sheet"] {
            try net.event("produce", provider: "mill", ["outputOf": ref(wrapping), "resourceQuantity": qty("1", "each"),
                                                       "newInventoriedResource": ["name": .string(name)]])
        }
        try net.event("produce", provider: "packer", ["outputOf": ref(packing), "resourceInventoriedAs": ref(box), "resourceQuantity": qty("1", "each"),
                                                     "resourceConformsTo": ref(spec), "hasPointInTime": "2030-03-15T00:00:00Z"])
        var combines: [EntryID] = []
        for (n, time) in ["2029-12-01", "2030-03-02", "2030-05-01", "2030-02-15", "2031-01-01"].enumerated() {
            let part = try net.raise("farm", "2", "each", name: "part \(n)", at: time + "T00:00:00Z")
            combines.append(try net.event("combine", provider: "farm", ["inputOf": ref(packing), "resourceInventoriedAs": ref(part),
                                                                       "resourceQuantity": qty("2", "each"), "hasPointInTime": .string(time + "T12:00:00Z")]))
        }
        try net.event("combine", provider: "farm", ["inputOf": ref(packing), "resourceInventoriedAs": ref(ResourceID(createdBy: combines[0])),
                                                   "resourceQuantity": qty("-1", "each"), "corrects": ref(combines[1])])
        let loose = try net.raise("farm", "1", "each", name: "loose")
        let ambiguous = try net.event("combine", provider: "farm", ["inputOf": ref(wrapping), "resourceInventoriedAs": ref(loose),
                                                                   "resourceQuantity": qty("1", "each")])
        return (net, combines, ambiguous)
    }

    func testAnyArrivalInPiecesLeavesTheTablesEqualToARebuild() throws {
        let (net, combines, ambiguous) = try network()
        let feeds = try net.feeds()
        try inShuffledBatches(feeds, rounds: 12, maximum: 4, seed: 19, in: directory) { store, _, log, round in
            let graph = try store.graph(from: log)
            XCTAssertEqual(combines.filter { graph.events[$0]?.status == .applied }.count, combines.count, "round \(round)")
            guard case let .invalid(reason)? = graph.events[ambiguous]?.status else { return XCTFail("round \(round): the wrapping combine is not invalid") }
            XCTAssertTrue(reason.contains("ambiguous"), reason)
        }
        // In memory, a few entries at a time, as the derivation over everything.
        let entries = feeds.flatMap { $0 }.map { GraphEntry($0, verified: true) }
        var rng = SplitMix64(seed: 23)
        for round in 0..<12 {
            var builder = GraphBuilder()
            var remaining = entries.shuffled(using: &rng)
            while !remaining.isEmpty {
                let n = min(Int.random(in: 1...4, using: &rng), remaining.count)
                builder.insert(remaining.prefix(n))
                remaining.removeFirst(n)
            }
            assertSame(builder.graph, Derivation.derive(entries), "round \(round)")
        }
    }
}
