import Foundation
import XCTest

/// `vf serve` as a user runs it: separate processes, `vf publish` on a home whose node is
/// running, and a clean stop on SIGTERM.
final class ServeCommandTests: XCTestCase {
    func testPublishWhileServingReachesAConnectedPeerWithinASecondAndSIGTERMStopsCleanly() async throws {
        let vf = try VFCommand.path
        let root = NSTemporaryDirectory() + "vf-serve-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let (a, b) = (root + "/a", root + "/b")
        let idA = try VFCommand.run(["init", "--home", a]), idB = try VFCommand.run(["init", "--home", b])
        try VFCommand.run(["follow", "--home", a, idB])
        try VFCommand.run(["follow", "--home", b, idA])

        func serve(_ home: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: vf)
            process.arguments = ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let serverA = try serve(a)
        defer { if serverA.isRunning { serverA.terminate() } }
        var address = ""
        for _ in 0..<100 where address.isEmpty {
            address = (try? String(contentsOfFile: a + "/address", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertEqual(try VFCommand.run(["address", "--home", a]), address)
        try VFCommand.run(["connect", "--home", b, address])
        let serverB = try serve(b)
        defer { if serverB.isRunning { serverB.terminate() } }
        // Wait until b's node holds a's feed: the connection is up.
        for _ in 0..<200 where try VFCommand.sequence(home: b, of: idA) < 1 { try await Task.sleep(nanoseconds: 50_000_000) }
        XCTAssertEqual(try VFCommand.sequence(home: b, of: idA), 1)

        try VFCommand.run(["publish", "--home", a, #"{"@type":"Note","note":"live"}"#])
        let published = Date()
        while try VFCommand.sequence(home: b, of: idA) < 2 && Date().timeIntervalSince(published) < 5 {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let elapsed = Date().timeIntervalSince(published)
        XCTAssertEqual(try VFCommand.sequence(home: b, of: idA), 2)
        XCTAssertLessThan(elapsed, 1.0, "the entry published while serving reached the peer in \(elapsed) s")

        let peers = try JSONSerialization.jsonObject(with: Data(VFCommand.run(["peers", "--home", b, "--json"]).utf8)) as! [[String: Any]]
        XCTAssertEqual(peers.first?["connected"] as? Bool, true, "\(peers)")

        for server in [serverA, serverB] {
            server.terminate()  // SIGTERM
            let deadline = Date().addingTimeInterval(5)
            while server.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
            XCTAssertFalse(server.isRunning, "vf serve stops within 5 s of SIGTERM")
            XCTAssertEqual(server.terminationReason, .exit)
            XCTAssertEqual(server.terminationStatus, 0)
        }
    }
}
