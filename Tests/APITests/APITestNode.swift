import Foundation
import Logging
import VFAPI
import VFGraph
import VFGraphStore
import VFLog
import VFPeer
import XCTest

/// A node with its HTTP API on a free loopback port, in a temporary home, for one test.
final class APITestNode: @unchecked Sendable {
    let home: NodeHome
    let key: SigningKey
    let log: LogStore
    let peers: PeerStore
    let node: Node
    let server: APIServer
    let token: APIToken
    let client: RawHTTPClient
    let webRoot: String

    /// - Parameter loopbackOverride: false serves as if bound beyond loopback (reads need the token).
    init(loopbackOverride: Bool? = nil, webRoot: Bool = true) async throws {
        let root = NSTemporaryDirectory() + "vf-api-" + UUID().uuidString
        home = NodeHome(path: root + "/home")
        key = try home.initialize()
        log = try home.openStore()
        token = try APIToken.loadOrCreate(in: home)
        peers = try PeerStore(path: home.path + "/peers.sqlite")
        var nodeConfiguration = Node.Configuration()
        nodeConfiguration.pollInterval = .milliseconds(50)
        node = Node(key: key, networkKey: .default, log: log, peers: peers, configuration: nodeConfiguration,
                    logger: Logger(label: "test.node"))
        _ = try await node.start(listen: false)
        self.webRoot = root + "/web"
        try FileManager.default.createDirectory(atPath: self.webRoot + "/assets", withIntermediateDirectories: true)
        try "<!doctype html><title>vf test page</title>".write(toFile: self.webRoot + "/index.html", atomically: true, encoding: .utf8)
        try "console.log('vf')".write(toFile: self.webRoot + "/assets/app.js", atomically: true, encoding: .utf8)
        try "secret".write(toFile: root + "/outside.txt", atomically: true, encoding: .utf8)
        var configuration = APIServer.Configuration(token: token)
        configuration.port = 0
        configuration.webRoot = webRoot ? self.webRoot : nil
        configuration.loopbackOverride = loopbackOverride
        // The graph as vf serve keeps it: one live graph, updated as the node's heads advance.
        let live = try LiveGraph(store: try GraphStore(path: home.path + "/graph.sqlite"), log: log)
        await node.onHeadsAdvanced { _ in live.headsAdvanced() }
        let graph = LiveGraphSource(live)
        server = APIServer(context: APIContext(node: node, log: log, peers: peers, graph: graph, peerAddress: nil),
                           configuration: configuration, logger: Logger(label: "test.http"))
        let url = try await server.start()
        guard let port = URL(string: url)?.port else { throw RawHTTPClient.ClientError(description: "no port in \(url)") }
        client = RawHTTPClient(port: port)
    }

    func stop() async {
        await server.stop()
        await node.stop()
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: home.path).deletingLastPathComponent().path)
    }

    /// Publishes `{"payload": payload}` with the token.
    func publish(_ payload: [String: Any]) async throws -> RawHTTPClient.Response {
        let body = try JSONSerialization.data(withJSONObject: ["payload": payload])
        return try await client.request("POST", "/api/entries", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                        body: [UInt8](body))
    }

    var me: String { key.feed.description }
    var head: UInt64 { (try? log.head(of: key.feed)?.sequence) ?? 0 }

    static func quantity(_ value: String, _ unit: String) -> [String: Any] { ["hasNumericalValue": value, "hasUnit": unit] }

    /// A produce creating 10 kg of wheat, by and for this node, as the output of `process` if given.
    func producePayload(outputOf process: String? = nil) -> [String: Any] {
        var payload: [String: Any] = ["@type": "EconomicEvent", "action": "produce", "provider": me, "receiver": me,
                                      "resourceQuantity": Self.quantity("10", "kg"), "newInventoriedResource": ["name": "wheat"]]
        if let process { payload["outputOf"] = process }
        return payload
    }

    /// Hands the whole resource over, delivered to `location`: afterwards the receiver answers
    /// for it, and this node may no longer change where it is.
    func transferWholePayload(of resource: String, to receiver: String, location: String) -> [String: Any] {
        ["@type": "EconomicEvent", "action": "transfer", "provider": me, "receiver": receiver, "toLocation": location,
         "resourceQuantity": Self.quantity("10", "kg"), "resourceInventoriedAs": resource, "toResourceInventoriedAs": resource]
    }

    /// A process, published; returns its entry id.
    func publishProcess(_ name: String) async throws -> String {
        let response = try await publish(["@type": "Process", "name": name])
        guard response.status == 201, let id = response.object["id"] as? String else {
            throw RawHTTPClient.ClientError(description: "process not published: \(response.text)")
        }
        return id
    }

    func transferPayload(of resource: String, to receiver: String, _ value: String, unit: String = "kg") -> [String: Any] {
        ["@type": "EconomicEvent", "action": "transfer", "provider": me, "receiver": receiver,
         "resourceQuantity": Self.quantity(value, unit), "resourceInventoriedAs": resource,
         "newInventoriedResource": ["name": "wheat received"]]
    }
}

/// Percent-encodes an id for a path segment, as a browser's encodeURIComponent does.
func pathSegment(_ id: String) -> String {
    id.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
}
