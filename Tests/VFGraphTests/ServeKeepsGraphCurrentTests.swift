import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFTestSupport
import XCTest

/// `vf serve` keeps HOME/graph.sqlite current by itself: an event published in the same home
/// while it runs reaches the tables within a couple of seconds, with no other command run.
final class ServeKeepsGraphCurrentTests: XCTestCase {
    func testAPublishedProduceReachesGraphSqliteWhileServing() throws {
        let vf = try VFProcess.binary
        let home = NSTemporaryDirectory() + "vf-serve-graph-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        let me = try VFProcess.run(["init", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: vf)
        serve.arguments = ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan", "--log-level", "error"]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate(); serve.waitUntilExit() } }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: home + "/address") { usleep(50_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/address"), "vf serve started")

        // Appended straight to the log by this test process, as another writer would: no vf
        // command runs, so only the node can bring the tables up to date.
        let event = #"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","#
            + #""resourceQuantity":{"hasNumericalValue":"12.5","hasUnit":"kg"},"newInventoriedResource":{"name":"honey"}}"#
        let writer = try LogStore(path: home + "/log.sqlite")
        let key = try NodeHome(path: home).loadKey()
        let produced = try writer.append(Array(event.utf8), key: key)
        let created = ResourceID(createdBy: produced.entry.id).description
        _ = try writer.append(Array(#"{"note":"after the honey"}"#.utf8), key: key)

        // Read graph.sqlite directly: only the tables, never the log's derivation.
        let log = try LogStore(path: home + "/log.sqlite")
        let start = Date()
        var current = false
        while Date().timeIntervalSince(start) < 5 {
            let store = try GraphStore(path: home + "/graph.sqlite")
            if try store.isCurrent(with: log) { current = true; break }
            usleep(50_000)
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertTrue(current, "graph.sqlite caught up with the log")
        XCTAssertLessThan(elapsed, 2.0, "within a couple of seconds (took \(elapsed) s)")
        let resources = try GraphStore(path: home + "/graph.sqlite").resources()
        XCTAssertEqual(resources.map(\.id.description), [created])
        XCTAssertEqual(resources.first?.name, "honey")
        XCTAssertEqual(resources.first?.onhandQuantity.description, "12.5")
        XCTAssertEqual(try GraphStore(path: home + "/graph.sqlite").cursors()[try FeedID(parsing: me)], 2)

        serve.terminate()
        serve.waitUntilExit()
        XCTAssertEqual(serve.terminationStatus, 0)
    }

    func testAnEventReplicatedFromAPeerReachesGraphSqlite() throws {
        let vf = try VFProcess.binary
        let root = NSTemporaryDirectory() + "vf-serve-graph-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let (a, b) = (root + "/a", root + "/b")
        let idA = try VFProcess.run(["init", "--home", a]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let idB = try VFProcess.run(["init", "--home", b]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try VFProcess.run(["follow", "--home", a, idB]).status, 0)
        XCTAssertEqual(try VFProcess.run(["follow", "--home", b, idA]).status, 0)

        func serve(_ home: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: vf)
            process.arguments = ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan", "--log-level", "error"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let serverA = try serve(a)
        defer { if serverA.isRunning { serverA.terminate(); serverA.waitUntilExit() } }
        var address = ""
        for _ in 0..<200 where address.isEmpty {
            address = (try? String(contentsOfFile: a + "/address", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            usleep(50_000)
        }
        XCTAssertEqual(try VFProcess.run(["connect", "--home", b, address]).status, 0)
        let serverB = try serve(b)
        defer { if serverB.isRunning { serverB.terminate(); serverB.waitUntilExit() } }

        let event = #"{"@type":"EconomicEvent","action":"raise","provider":"\#(idA)","receiver":"\#(idA)","#
            + #""resourceQuantity":{"hasNumericalValue":"3","hasUnit":"each"},"newInventoriedResource":{"name":"hives"}}"#
        let published = try VFProcess.run(["publish", "--home", a, "--json", event])
        XCTAssertEqual(published.status, 0, published.stderr)
        let created = (try JSONSerialization.jsonObject(with: Data(published.stdout.utf8)) as? [String: Any])?["createdResource"] as? String

        // b's node receives the entry from a and writes the resource into b's graph.sqlite.
        let start = Date()
        var names: [String?] = []
        while Date().timeIntervalSince(start) < 10 && names.isEmpty {
            names = try GraphStore(path: b + "/graph.sqlite").resources().map(\.name)
            if names.isEmpty { usleep(50_000) }
        }
        XCTAssertEqual(names, ["hives"], "b's graph.sqlite gained the replicated resource")
        XCTAssertEqual(try GraphStore(path: b + "/graph.sqlite").resources().first?.id.description, created)
        XCTAssertTrue(try GraphStore(path: b + "/graph.sqlite").isCurrent(with: LogStore(path: b + "/log.sqlite")))
    }
}
