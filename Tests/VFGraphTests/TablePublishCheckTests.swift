import Foundation
import VFJSON
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// The publish check against the tables gives the verdicts of the check against the whole
/// graph in memory, and leaves the tables as they were.
final class TablePublishCheckTests: XCTestCase {
    func testTheTablesGiveTheVerdictsOfTheGraphInMemory() throws {
        let directory = NSTemporaryDirectory() + "vf-tablecheck-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
        let log = try LogStore(path: directory + "/log.sqlite")
        _ = try log.ingest(try net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: log)
        let before = try store.tableContents()
        let graph = try store.graph(from: log)
        let wheat = try XCTUnwrap(graph.resources.values.first { $0.name == "wheat" }).id
        let tractor = try XCTUnwrap(graph.resources.values.first { $0.name == "tractor" }).id
        let farm = net.id("farm"), mill = net.id("mill")
        // A correction of the farm's produce of wheat by more than the wheat left: refused for
        // the resource its original changed.
        let wheatLeft = try XCTUnwrap(graph.resources[wheat])
        let over = try wheatLeft.accountingQuantity.adding(dec("1"))
        func event(_ action: String, _ provider: String, _ fields: String) -> [UInt8] {
            Array(#"{"@type":"EconomicEvent","action":"\#(action)","provider":"\#(provider)","receiver":"\#(provider)",\#(fields)}"#.utf8)
        }
        let runs: [(author: String, payloads: [[UInt8]])] = [
            ("farm", [event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#),
                      // Back-dated before the tractor's loans: the farm still holds it then.
                      event("move", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"each"},"resourceInventoriedAs":"\#(tractor)","toResourceInventoriedAs":"\#(tractor)","toLocation":"barn","hasPointInTime":"2028-06-01T00:00:00Z""#),
                      Array(#"{"note":"just a note"}"#.utf8),
                      event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"3","hasUnit":"each"},"newInventoriedResource":{"name":"eggs"}"#)]),
            ("mill", [event("consume", mill, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#)]),
            ("mill", [event("consume", mill, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"g"},"resourceInventoriedAs":"\#(wheat)""#)]),
            ("farm", [event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"5","hasUnit":"g"},"resourceInventoriedAs":"\#(wheat)""#)]),
            ("farm", [event("work", farm, #""effortQuantity":{"hasNumericalValue":"1","hasUnit":"hour"},"inputOf":"%AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.vf1""#)]),
            ("mill", [Array(#"{"@type":"Process","name":"sifting","nmae":"x"}"#.utf8)]),
            // More than the farm holds: its own wheat would go below zero.
            ("farm", [event("consume", farm, #""resourceQuantity":{"hasNumericalValue":"100000","hasUnit":"kg"},"resourceInventoriedAs":"\#(wheat)""#)]),
            // (It names no resource itself: the original's is the one it changes.)
            ("farm", [event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"-\#(over)","hasUnit":"kg"},"corrects":"\#(wheatLeft.createdBy)""#)]),
            // Payloads that each stand alone are folded together (GraphStore.checkTogether):
            // new resources back-dated and not, a process, a note, and one the signer has no
            // authority for, which stops the run.
            ("farm", [event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"hasPointInTime":"2031-01-01T00:00:00Z","newInventoriedResource":{"name":"a"}"#),
                      event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"2","hasUnit":"kg"},"hasPointInTime":"2020-01-01T00:00:00Z","newInventoriedResource":{"name":"b"}"#),
                      Array(#"{"@type":"Process","name":"sorting"}"#.utf8),
                      Array(#"{"note":"between"}"#.utf8),
                      event("produce", mill, #""resourceQuantity":{"hasNumericalValue":"3","hasUnit":"kg"},"newInventoriedResource":{"name":"c"}"#),
                      event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"4","hasUnit":"kg"},"newInventoriedResource":{"name":"d"}"#)]),
            ("farm", [event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"newInventoriedResource":{"name":"e"}"#),
                      event("produce", farm, #""resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"hasPointInTime":"2019-01-01T00:00:00Z","newInventoriedResource":{"name":"f"}"#)]),
        ]
        var refusals = 0
        for run in runs {
            let author = net.key(run.author).feed
            let expected = try verdictsInMemory(log, author: author, run.payloads)
            XCTAssertEqual(try store.check(run.payloads, author: author, timestamp: 1_900_000_000_000, log: log), expected)
            refusals += expected.filter { if case .refused = $0 { true } else { false } }.count
            if String(decoding: run.payloads[0], as: UTF8.self).contains("100000") || String(decoding: run.payloads[0], as: UTF8.self).contains("corrects") {
                guard case let .refused(reason) = expected[0], reason.contains("would leave resource \(wheat)") else { return XCTFail("\(expected)") }
            }
        }
        XCTAssertGreaterThanOrEqual(refusals, 8, "the runs include refusals")
        XCTAssertTrue(runs.suffix(2).allSatisfy { $0.payloads.allSatisfy { PayloadReach($0).standsAlone } }, "the last runs are folded together")
        assertSameTables(try store.tableContents(), before, "a check changes nothing")
    }
}
