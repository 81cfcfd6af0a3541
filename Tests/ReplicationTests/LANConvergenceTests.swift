import Foundation
import VFLog
import XCTest

/// Three real `vf serve` processes on three test hosts (network namespaces on one bridge)
/// find each other by LAN discovery alone — no address is configured anywhere — and converge.
final class LANConvergenceTests: XCTestCase {
    private var lab: NetworkNamespaceLab?

    override func tearDown() {
        lab?.tearDown()
    }

    private var vf: String { get throws { try VFCommand.path } }

    private func run(_ arguments: [String]) throws -> String { try VFCommand.run(arguments) }

    func testThreeNodesOnALANFindEachOtherAndConverge() async throws {
        let binary = try vf
        let lab = try NetworkNamespaceLab(count: 3, subnet: 7)
        self.lab = lab
        let root = NSTemporaryDirectory() + "vf-lan-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let homes = (0..<3).map { "\(root)/node\($0)" }
        var ids: [String] = []
        for home in homes { ids.append(try run(["init", "--home", home])) }
        for (i, home) in homes.enumerated() {
            for (j, id) in ids.enumerated() where j != i { _ = try run(["follow", "--home", home, id]) }
            _ = try run(["publish", "--home", home, #"{"@type":"Note","note":"from node \#(i)"}"#])
        }
        var servers: [LabProcess] = []
        for (i, home) in homes.enumerated() {
            servers.append(try lab.start(in: i, [binary, "serve", "--home", home, "--listen", "0.0.0.0:8008", "--log-level", "debug"]))
        }
        defer { for server in servers { server.stop() } }
        // Each node wrote 3 entries (two follows, one event); each must hold all three feeds whole.
        let deadline = Date().addingTimeInterval(30)
        var converged = false
        while Date() < deadline && !converged {
            try await Task.sleep(nanoseconds: 500_000_000)
            converged = try homes.allSatisfy { home in
                let feeds = try JSONSerialization.jsonObject(with: Data(run(["feeds", "--home", home, "--json"]).utf8)) as! [[String: Any]]
                return feeds.count == 3 && feeds.allSatisfy { $0["sequence"] as? Int == 3 }
            }
        }
        if !converged {
            for (i, server) in servers.enumerated() {
                server.stop()
                print("node \(i):", server.wait(timeout: 2).standardError.suffix(3000))
            }
        }
        XCTAssertTrue(converged, "three nodes found each other on the LAN and converged within 30 s")
        let peers = try JSONSerialization.jsonObject(with: Data(run(["peers", "--home", homes[0], "--json"]).utf8)) as! [[String: Any]]
        XCTAssertTrue(peers.contains { ($0["address"] as? String)?.contains("10.213.7.") == true }, "peers came from LAN announcements: \(peers)")
    }
}
