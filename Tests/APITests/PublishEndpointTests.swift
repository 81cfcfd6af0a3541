import Foundation
import VFAPI
import XCTest

/// `POST /api/entries`: the token, the envelope, the limits and the checks of `vf publish`;
/// every refusal leaves the log as it was.
final class PublishEndpointTests: XCTestCase {
    var node: APITestNode!

    override func setUp() async throws { node = try await APITestNode() }
    override func tearDown() async throws { await node.stop() }

    func post(_ body: String, token: String?) async throws -> RawHTTPClient.Response {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try await node.client.request("POST", "/api/entries", headers: headers, body: Array(body.utf8))
    }

    /// A node whose own feed is locked (restored from a backup) says why, on publish and in its sync status.
    func testPublishingToALockedFeedIs409WithTheReasonAndTheSyncStatusShowsTheLock() async throws {
        let open = try await node.client.request("GET", "/api/sync")
        XCTAssertTrue(open.text.contains(#""ownFeedLock":null"#), open.text)

        try FeedMarkFile(path: node.home.markPath).write(FeedMark(feed: node.key.feed, restored: true))
        let refused = try await node.publish(["@type": "Note", "text": "hello"])
        XCTAssertEqual(refused.status, 409, refused.text)
        XCTAssertTrue(refused.text.contains("restored from a backup"), refused.text)
        XCTAssertEqual(node.head, 0, "nothing appended")
        let locked = try await node.client.request("GET", "/api/sync")
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(locked.body)) as? [String: Any])
        XCTAssertTrue((status["ownFeedLock"] as? String)?.contains("restored from a backup") == true, locked.text)

        _ = try node.log.unlockOwnFeed()
        let published = try await node.publish(["@type": "Note", "text": "hello"])
        XCTAssertEqual(published.status, 201, published.text)
    }

    func testPublishNeedsTheRightToken() async throws {
        let body = #"{"payload": {"@type": "Note", "text": "hello"}}"#
        let none = try await post(body, token: nil)
        XCTAssertEqual(none.status, 401, none.text)
        XCTAssertTrue(none.error.contains("token"), none.text)
        let wrong = try await post(body, token: APIToken.generate().text)
        XCTAssertEqual(wrong.status, 401, wrong.text)
        XCTAssertEqual(node.head, 0, "nothing appended without the token")

        let ok = try await post(body, token: node.token.text)
        XCTAssertEqual(ok.status, 201, ok.text)
        XCTAssertEqual(ok.object["sequence"] as? Int, 1)
        XCTAssertEqual(ok.object["author"] as? String, node.me)
        XCTAssertEqual(ok.object["signatureVerified"] as? Bool, true)
        XCTAssertTrue(ok.object["status"] is NSNull, "a Note is not a ValueFlows object: \(ok.text)")
        XCTAssertEqual((ok.object["payload"] as? [String: Any])?["text"] as? String, "hello")
        XCTAssertEqual(node.head, 1)
        let stored = try XCTUnwrap(node.log.entry(author: node.key.feed, sequence: 1))
        XCTAssertEqual(ok.object["id"] as? String, stored.entry.id.description)
        XCTAssertEqual(ok.headers["content-type"], "application/json; charset=utf-8")
        XCTAssertNil(ok.headers["access-control-allow-origin"], "no CORS")
    }

    func testBadBodiesAre4xxAndAppendNothing() async throws {
        let cases: [(String, Int, String)] = [
            (#"{"payload": {"a": 1}"#, 400, "malformed JSON"),
            (#"{"payload": {"a": 1}, "sign": false}"#, 400, "unknown field \"sign\""),
            (#"{"payload": "text"}"#, 400, "must be a JSON object"),
            (#"["payload"]"#, 400, "must be a JSON object"),
            (#"{"payload": {"@type": "EconomicEvent", "action": "produce", "provider": "nobody"}}"#, 422, "refused:"),
            (#"{"payload": {"@type": "EconomicEvent", "action": "teleport"}}"#, 422, "unknown action"),
        ]
        for (body, status, reason) in cases {
            let response = try await post(body, token: node.token.text)
            XCTAssertEqual(response.status, status, "\(body): \(response.text)")
            XCTAssertTrue(response.error.contains(reason), "\(body): \(response.text)")
        }
        XCTAssertEqual(node.head, 0)
    }

    /// An event that takes more out of one of the node's resources than was put in is refused,
    /// unless the body says `"allowNegative": true`; the resource is then marked negative.
    func testTakingAResourceBelowZeroNeedsAllowNegative() async throws {
        let me = node.me
        let raise = #"{"payload": {"@type": "EconomicEvent", "action": "raise", "provider": "\#(me)", "receiver": "\#(me)", "resourceQuantity": {"hasNumericalValue": "10", "hasUnit": "kg"}, "newInventoriedResource": {"name": "wheat"}}}"#
        let raised = try await post(raise, token: node.token.text)
        XCTAssertEqual(raised.status, 201, raised.text)
        let wheat = try XCTUnwrap(raised.object["createdResource"] as? String)
        let lower = #""payload": {"@type": "EconomicEvent", "action": "lower", "provider": "\#(me)", "receiver": "\#(me)", "resourceQuantity": {"hasNumericalValue": "25", "hasUnit": "kg"}, "resourceInventoriedAs": "\#(wheat)"}"#
        let refused = try await post("{\(lower)}", token: node.token.text)
        XCTAssertEqual(refused.status, 422, refused.text)
        XCTAssertTrue(refused.error.contains("below zero"), refused.text)
        let badFlag = try await post("{\(lower), \"allowNegative\": 1}", token: node.token.text)
        XCTAssertEqual(badFlag.status, 400, badFlag.text)
        XCTAssertEqual(node.head, 1)

        let allowed = try await post("{\(lower), \"allowNegative\": true}", token: node.token.text)
        XCTAssertEqual(allowed.status, 201, allowed.text)
        XCTAssertEqual(allowed.object["status"] as? String, "applied")
        let shown = try await node.client.request("GET", "/api/resources/\(wheat.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        XCTAssertEqual(shown.status, 200, shown.text)
        XCTAssertEqual((shown.object["resource"] as? [String: Any])?["negative"] as? Bool, true, shown.text)
    }

    func testOversizedBodyIs413() async throws {
        let big = #"{"payload": {"text": ""# + String(repeating: "x", count: PublishRequest.maximumBodySize) + #""}}"#
        let response = try await post(big, token: node.token.text)
        XCTAssertEqual(response.status, 413, response.text)
        // A payload under the body limit but over the payload limit is refused too.
        let payloadTooBig = #"{"payload": {"text": ""# + String(repeating: "x", count: 70_000) + #""}}"#
        let second = try await post(payloadTooBig, token: node.token.text)
        XCTAssertEqual(second.status, 413, second.text)
        XCTAssertEqual(node.head, 0)
        let after = try await node.client.get("/api/node")
        XCTAssertEqual(after.status, 200, "the server still answers")
    }

    func testUnknownPropertyOfAKnownTypeIs422NamingIt() async throws {
        var payload = node.producePayload()
        payload["resourceQuantiy"] = APITestNode.quantity("1", "kg")
        let response = try await node.publish(payload)
        XCTAssertEqual(response.status, 422, response.text)
        XCTAssertTrue(response.error.contains("resourceQuantiy"), response.text)
        XCTAssertTrue(response.error.hasSuffix("nothing appended"), response.text)
        XCTAssertEqual(node.head, 0)
    }

    func testRefusedValueFlowsPayloadSaysWhyAndAppendsNothing() async throws {
        let produced = try await node.publish(node.producePayload())
        XCTAssertEqual(produced.status, 201, produced.text)
        XCTAssertEqual(produced.object["status"] as? String, "applied")
        let wheat = try XCTUnwrap(produced.object["createdResource"] as? String)
        let other = SigningKeyFactory.otherFeed()
        let wrongUnit = try await node.publish(node.transferPayload(of: wheat, to: other, "1", unit: "g"))
        XCTAssertEqual(wrongUnit.status, 422, wrongUnit.text)
        XCTAssertTrue(wrongUnit.error.hasPrefix("refused: "), wrongUnit.text)
        XCTAssertTrue(wrongUnit.error.contains("counted in kg"), wrongUnit.text)
        XCTAssertEqual(node.head, 1)
    }

    func testQuantityInAnotherUnitThanItsSpecificationIs422AndAppendsNothing() async throws {
        let spec = try await node.publish(["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let wheat = try XCTUnwrap(spec.object["id"] as? String, spec.text)
        var payload = node.producePayload()
        payload["resourceQuantity"] = APITestNode.quantity("500", "g")
        payload["newInventoriedResource"] = ["name": "wheat", "conformsTo": wheat]
        let grams = try await node.publish(payload)
        XCTAssertEqual(grams.status, 422, grams.text)
        XCTAssertTrue(grams.error.contains("resourceQuantity is in g but specification \(wheat) (newInventoriedResource.conformsTo) counts in kg"), grams.text)
        XCTAssertEqual(node.head, 1)
        payload["resourceQuantity"] = APITestNode.quantity("0.5", "kg")
        let kilos = try await node.publish(payload)
        XCTAssertEqual(kilos.status, 201, kilos.text)
    }

    /// Four requests each handing the whole resource over to a different place, sent at once:
    /// after the first, this node no longer answers for it and may not move it. The check and the
    /// append happen together, so exactly one passes.
    func testConcurrentPublishesAreCheckedOneAtATime() async throws {
        let produced = try await node.publish(node.producePayload())
        let wheat = try XCTUnwrap(produced.object["createdResource"] as? String)
        let other = SigningKeyFactory.otherFeed()
        let node = self.node!
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<4 {
                group.addTask { try await node.publish(node.transferWholePayload(of: wheat, to: other, location: "place \(i)")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses.sorted(), [201, 422, 422, 422], "\(statuses)")
        XCTAssertEqual(node.head, 2)
    }
}

import VFLog

enum SigningKeyFactory {
    /// Some other node's feed id, to transfer to.
    static func otherFeed() -> String { SigningKey().feed.description }
}
