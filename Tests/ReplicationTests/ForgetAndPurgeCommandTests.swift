import Foundation
import VFTestSupport
import XCTest

/// `vf forget` and `vf block --purge` as a user meets them, against a peer that still holds
/// everything: a forgotten payload is not fetched back by the next sync or an import, the
/// events that depended on it say why they are pending, and a purged feed does not come back.
final class ForgetAndPurgeCommandTests: XCTestCase {
    private func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    private func entries(_ home: String, of feed: String) throws -> [[String: Any]] {
        try json(VFCommand.run(["log", "--home", home, "--author", feed, "--json"])) as! [[String: Any]]
    }

    private func serve(_ home: String) async throws -> (Process, String) {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try VFCommand.path)
        server.arguments = ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan", "--no-http"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        var address = ""
        for _ in 0..<200 where address.isEmpty {
            address = (try? String(contentsOfFile: home + "/address", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertFalse(address.isEmpty, "the peer's node started")
        return (server, address)
    }

    func testForgottenPayloadStaysForgottenThroughSyncAndImportAndAPurgedFeedDoesNotComeBack() async throws {
        let root = NSTemporaryDirectory() + "vf-forget-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let (node, farmHome) = (root + "/node", root + "/farm")
        let me = try VFCommand.run(["init", "--home", node])
        let farm = try VFCommand.run(["init", "--home", farmHome])
        func publish(_ payload: [String: Any]) throws -> [String: Any] {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
            return try json(VFCommand.run(["publish", "--home", farmHome, "--json", text])) as! [String: Any]
        }
        let quantity: [String: Any] = ["hasNumericalValue": "10", "hasUnit": "kg"]
        let raise = try publish(["@type": "EconomicEvent", "action": "raise", "provider": farm, "receiver": farm,
                                 "resourceQuantity": quantity, "newInventoriedResource": ["name": "wheat"]])
        let raised = try XCTUnwrap(raise["id"] as? String), wheat = try XCTUnwrap(raise["createdResource"] as? String)
        let transfer = try XCTUnwrap(try publish(["@type": "EconomicEvent", "action": "transfer", "provider": farm, "receiver": me,
                                                  "resourceQuantity": quantity, "resourceInventoriedAs": wheat,
                                                  "newInventoriedResource": ["name": "my wheat"]])["id"] as? String)

        let growing = try XCTUnwrap(try publish(["@type": "Process", "name": "growing"])["id"] as? String)

        try VFCommand.run(["follow", "--home", node, farm])
        let (server, address) = try await serve(farmHome)
        defer { if server.isRunning { server.terminate() } }
        try VFCommand.run(["sync", "--home", node, address])
        XCTAssertEqual(try VFCommand.sequence(home: node, of: farm), 3)

        // An unknown entry is refused; the raise's payload is forgotten, and the transfer waits.
        let unknown = try VFProcess.run(["forget", "--home", node, "%" + String(repeating: "A", count: 43) + "=.vf1"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no entry %AAAA"), unknown.stderr)
        let forgot = try VFProcess.run(["forget", "--home", node, raised])
        XCTAssertEqual(forgot.status, 0, forgot.stderr)
        XCTAssertEqual(forgot.stdout, "forgot the payload of \(raised) (\(farm) #1); 1 event that depended on it is now pending\n")
        XCTAssertFalse(forgot.stderr.contains("own feed"), forgot.stderr)
        let reason = "resourceInventoriedAs refers to resource \(wheat), created by \(raised), whose payload this node forgot (vf forget)"
        func assertStillForgotten(_ when: String) throws {
            let held = try entries(node, of: farm)
            XCTAssertEqual(held[0]["forgotten"] as? Bool, true, when)
            XCTAssertTrue(held[0]["payload"] is NSNull, when)
            XCTAssertNil(held[1]["forgotten"], when)
            XCTAssertEqual(held[1]["status"] as? String, "pending", when)
            XCTAssertEqual(held[1]["reason"] as? String, reason, when)
            XCTAssertTrue(try VFCommand.run(["log", "--home", node, "--author", farm]).contains("(payload forgotten on this node:"), when)
            XCTAssertTrue(try VFCommand.run(["verify", "--home", node]).contains("verified"), when)
        }
        try assertStillForgotten("after the forget")
        let again = try VFCommand.run(["forget", "--home", node, raised])
        XCTAssertEqual(again, "the payload of \(raised) (\(farm) #1) was forgotten already; nothing changed")

        // The farm publishes more; a sync brings that, not the forgotten payload; nor does an import.
        _ = try publish(["@type": "Note", "text": "more"])
        try VFCommand.run(["sync", "--home", node, address])
        XCTAssertEqual(try VFCommand.sequence(home: node, of: farm), 4)
        try assertStillForgotten("after a sync with a peer that holds the payload")
        try VFCommand.run(["export", "--home", farmHome, "--out", root + "/farm.bundle"])
        let imported = try VFCommand.run(["import", "--home", node, root + "/farm.bundle"])
        XCTAssertTrue(imported.contains("1 payloads this node forgot were not stored again"), imported)
        try assertStillForgotten("after importing a bundle with the payload")

        // This node cannot publish an event naming what it forgot, and is told why.
        let use = String(decoding: try JSONSerialization.data(withJSONObject: [
            "@type": "EconomicEvent", "action": "use", "provider": me, "receiver": me, "resourceQuantity": quantity,
            "resourceInventoriedAs": wheat]), as: UTF8.self)
        let refused = try VFProcess.run(["publish", "--home", node, use])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains(reason), refused.stderr)

        // Forgetting an entry of this node's own feed is allowed, with a warning.
        let own = try VFCommand.run(["publish", "--home", node, #"{"@type":"Note","text":"mine"}"#])
        let forgotOwn = try VFProcess.run(["forget", "--home", node, own])
        XCTAssertEqual(forgotOwn.status, 0, forgotOwn.stderr)
        XCTAssertTrue(forgotOwn.stderr.contains("peers can no longer get its payload from this node"), forgotOwn.stderr)

        // Purging: the own feed is refused; the farm's feed goes, with its graph rows, and stays gone.
        let purgeOwn = try VFProcess.run(["block", "--purge", "--home", node, me])
        XCTAssertNotEqual(purgeOwn.status, 0)
        XCTAssertTrue(purgeOwn.stderr.contains("own feed"), purgeOwn.stderr)
        XCTAssertTrue(try VFCommand.run(["processes", "--home", node, "--json"]).contains(growing), "the farm's process is in the graph")
        let purged = try VFProcess.run(["block", "--purge", "--home", node, farm])
        XCTAssertEqual(purged.status, 0, purged.stderr)
        XCTAssertTrue(purged.stdout.contains("purged \(farm): deleted 4 entries, 3 payloads and 0 fork proofs"), purged.stdout)
        XCTAssertEqual(try VFCommand.sequence(home: node, of: farm), 0)
        XCTAssertTrue(try entries(node, of: farm).isEmpty)
        let log = try VFCommand.run(["log", "--home", node, "--json"])
        XCTAssertFalse(log.contains(transfer), "no entry of the farm is left")
        XCTAssertTrue(try VFCommand.run(["verify", "--home", node]).contains("verified"))
        _ = try publish(["@type": "Note", "text": "after the block"])
        try VFCommand.run(["sync", "--home", node, address])
        XCTAssertEqual(try VFCommand.sequence(home: node, of: farm), 0, "a purged feed is blocked: not fetched again")
        XCTAssertFalse(try VFCommand.run(["processes", "--home", node, "--json"]).contains(growing), "the graph's rows of the farm are gone")
    }
}
