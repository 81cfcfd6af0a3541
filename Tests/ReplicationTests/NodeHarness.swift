import Foundation
import Logging
import NIOCore
import VFLog
import VFPeer
import XCTest

/// A real node in this process, with its own temporary home, listening on loopback.
final class TestNode: @unchecked Sendable {
    let home: NodeHome
    let key: SigningKey
    let log: LogStore
    let peers: PeerStore
    let node: Node
    private(set) var address: MultiserverAddress?

    init(_ test: XCTestCase, name: String, networkKey: NetworkKey = .default, hops: Int = ReplicationSet.defaultHops,
         configure: (inout Node.Configuration) -> Void = { _ in }) throws {
        let dir = NSTemporaryDirectory() + "vf-repl-" + UUID().uuidString
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        home = NodeHome(path: dir + "/" + name)
        key = try home.initialize()
        log = try home.openStore()
        peers = try PeerStore(path: home.path + "/peers.sqlite")
        var config = Node.Configuration()
        config.listenHost = "127.0.0.1"
        config.listenPort = 0
        config.hops = hops
        config.pollInterval = .milliseconds(50)
        configure(&config)
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = ProcessInfo.processInfo.environment["VF_TEST_LOG"] != nil ? .debug : .critical
        node = Node(key: key, networkKey: networkKey, log: log, peers: peers, configuration: config, logger: logger)
    }

    var feed: FeedID { key.feed }

    @discardableResult
    func start(listen: Bool = true) async throws -> MultiserverAddress? {
        if let bound = try await node.start(listen: listen), let port = bound.port {
            address = try MultiserverAddress(host: "127.0.0.1", port: port, feed: key.feed)
        }
        return address
    }

    func stop() async { await node.stop() }

    func publish(_ count: Int, tag: String = "event") throws {
        try log.appendBatch((0..<count).map { Array(#"{"@type":"EconomicEvent","action":"produce","note":"\#(tag) \#($0)"}"#.utf8) }, key: key)
    }

    func follow(_ other: TestNode) throws { try log.append(ContactPayload(contact: other.feed, following: true, blocking: false).json, key: key) }
    func block(_ other: TestNode) throws { try log.append(ContactPayload(contact: other.feed, following: false, blocking: true).json, key: key) }

    func sequence(of other: TestNode) throws -> UInt64 { try log.head(of: other.feed)?.sequence ?? 0 }

    func sync(with other: TestNode, timeout: Int64 = 20) async throws -> SyncSummary {
        try await node.syncOnce(with: XCTUnwrap(other.address), timeout: .seconds(timeout))
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ message: String = "", _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    XCTAssertTrue(try condition(), "timed out after \(seconds) s: \(message)")
}

// MARK: invites

extension TestNode {
    /// Issues an invite for this (listening) node, as `vf invite create` does.
    func createInvite(uses: Int = 1) throws -> InviteCode {
        let code = try InviteCode.random(pub: XCTUnwrap(address))
        try peers.addInvite(secret: code.secret, uses: uses)
        return code
    }

    /// Redeems an invite, as `vf invite accept` does.
    func accept(_ code: InviteCode, timeout: Int64 = 20) async throws -> SyncSummary {
        try await node.acceptInvite(code, timeout: .seconds(timeout))
    }

    /// Whether this node's own feed says it follows `other` now.
    func follows(_ other: TestNode) throws -> Bool {
        try peers.indexContacts(from: log)
        return try peers.contacts(me: feed).follows[feed]?.contains(other.feed) == true
    }
}
