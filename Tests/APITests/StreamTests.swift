import Foundation
import VFAPI
import VFLog
import XCTest

/// `GET /api/stream`: entries as they become held, what they changed in the graph, and sync status.
final class StreamTests: XCTestCase {
    func testTheStreamDeliversAnEntryEventAfterAPublish() async throws {
        let node = try await APITestNode(loopbackOverride: false)
        addTeardownBlock { await node.stop() }
        // Off loopback the stream needs the token; EventSource sends it in the query.
        let stream = try await node.client.openStream("/api/stream?token=\(node.token.text)")
        defer { stream.close() }
        let sync = try await stream.next(event: "sync", timeout: 5)
        XCTAssertTrue(sync.contains("\"connectedPeers\":0"), sync)
        let published = try await node.publish(node.producePayload())
        XCTAssertEqual(published.status, 201)
        let data = try await stream.next(event: "entry", timeout: 10)
        let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        XCTAssertEqual(entry["id"] as? String, published.object["id"] as? String)
        XCTAssertEqual(entry["status"] as? String, "applied")
        let graph = try await stream.next(event: "graph", timeout: 10)
        let change = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(graph.utf8)) as? [String: Any])
        XCTAssertEqual(change["events"] as? [String], [published.object["id"] as! String])
        XCTAssertEqual(change["resources"] as? [String], [published.object["createdResource"] as! String])
    }

    func testEveryEntryOfABurstArrivesInOrder() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        let stream = try await node.client.openStream("/api/stream")
        defer { stream.close() }
        _ = try await stream.next(event: "sync", timeout: 5)
        for i in 1...30 { try await node.node.publish(Array(#"{"@type":"Note","n":\#(i)}"#.utf8)) }
        var sequences: [Int] = []
        for _ in 1...30 {
            let data = try await stream.next(event: "entry", timeout: 10)
            let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            sequences.append(try XCTUnwrap(entry["sequence"] as? Int))
        }
        XCTAssertEqual(sequences, Array(1...30))
    }

    func testAProcessIsAnnouncedAsSomethingChanged() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        let stream = try await node.client.openStream("/api/stream")
        defer { stream.close() }
        _ = try await stream.next(event: "sync", timeout: 5)
        let process = try await node.publishProcess("milling")
        let entry = try await stream.next(event: "entry", timeout: 10)
        XCTAssertTrue(entry.contains(process), entry)
        let graph = try await stream.next(event: "graph", timeout: 10)
        XCTAssertEqual(graph, "{}")
    }

    func testEntriesFromAnotherProcessAreAnnouncedToo() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        let stream = try await node.client.openStream("/api/stream")
        defer { stream.close() }
        _ = try await stream.next(event: "sync", timeout: 5)
        // As `vf publish` does while the node runs: straight into the log; the node's poll finds it.
        let appended = try node.log.append(Array(#"{"@type":"Note","text":"from elsewhere"}"#.utf8), key: node.key)
        let entry = try await stream.next(event: "entry", timeout: 10)
        XCTAssertTrue(entry.contains(appended.entry.id.description), entry)
    }
}
