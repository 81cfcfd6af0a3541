import VFAPI
import XCTest

final class AccessPolicyTests: XCTestCase {
    let token = APIToken(text: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")

    func request(write: Bool = false, api: Bool = true, host: String? = "127.0.0.1:8650", authorization: String? = nil,
                 queryToken: String? = nil) -> AccessPolicy.Request {
        AccessPolicy.Request(isWrite: write, isAPI: api, host: host, authorization: authorization, queryToken: queryToken)
    }

    func testLoopbackAddresses() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"] {
            XCTAssertTrue(AccessPolicy.isLoopbackAddress(host), host)
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.256", "localhost.example.com", "", "½.0.0.1", "١٢٧.0.0.1"] {
            XCTAssertFalse(AccessPolicy.isLoopbackAddress(host), host)
        }
    }

    func testLoopbackHostHeaders() {
        for host in ["127.0.0.1:8650", "localhost", "localhost:8650", "[::1]:8650", "[::1]", "app.localhost:1", "localhost.:80"] {
            XCTAssertTrue(AccessPolicy.isLoopbackHostHeader(host), host)
        }
        for host in ["evil.example:8650", "127.0.0.1.evil.example", "[::1]x", "localhost:80x", "192.168.0.2:8650", "localhost.evil.example",
                     // Digits Int cannot read (this once crashed the server), and non-ASCII names.
                     "½.0.0.1", "１２７.０.０.１", "127.0.0.1:８６５０", "[::1]:８", "lócalhost"] {
            XCTAssertFalse(AccessPolicy.isLoopbackHostHeader(host), host)
        }
    }

    func testOnLoopbackReadsAreOpenAndWritesNeedTheToken() {
        let policy = AccessPolicy(token: token, boundToLoopback: true)
        XCTAssertEqual(policy.decide(request()), .allow)
        guard case .refuse(401, _) = policy.decide(request(write: true)) else { return XCTFail("a write without a token passed") }
        guard case .refuse(401, _) = policy.decide(request(write: true, authorization: "Bearer nope")) else { return XCTFail("a wrong token passed") }
        guard case .refuse(401, _) = policy.decide(request(write: true, authorization: "Basic \(token)")) else { return XCTFail("Basic passed") }
        XCTAssertEqual(policy.decide(request(write: true, authorization: "Bearer \(token)")), .allow)
        XCTAssertEqual(policy.decide(request(write: true, authorization: "bearer  \(token)")), .allow)
    }

    func testOnLoopbackAForeignHostIsRefusedEvenWithTheToken() {
        let policy = AccessPolicy(token: token, boundToLoopback: true)
        guard case let .refuse(status, reason) = policy.decide(request(host: "rebind.example:8650", authorization: "Bearer \(token)")) else {
            return XCTFail("a foreign Host passed")
        }
        XCTAssertEqual(status, 403)
        XCTAssertTrue(reason.contains("rebind.example"), reason)
        guard case .refuse(400, _) = policy.decide(request(host: nil)) else { return XCTFail("a missing Host passed") }
        guard case .refuse(403, _) = policy.decide(request(api: false, host: "rebind.example")) else { return XCTFail("the page answered a foreign Host") }
    }

    func testBeyondLoopbackEveryAPIRequestNeedsTheTokenButThePageDoesNot() {
        let policy = AccessPolicy(token: token, boundToLoopback: false)
        guard case .refuse(401, _) = policy.decide(request(host: "192.168.1.5:8650")) else { return XCTFail("an open read off loopback") }
        XCTAssertEqual(policy.decide(request(host: "192.168.1.5:8650", authorization: "Bearer \(token)")), .allow)
        XCTAssertEqual(policy.decide(request(api: false, host: "192.168.1.5:8650")), .allow)
        XCTAssertEqual(policy.decide(request(host: "anything", queryToken: token.text)), .allow)
        guard case .refuse(401, _) = policy.decide(request(host: "anything", queryToken: "wrong")) else { return XCTFail("a wrong query token passed") }
    }

    func testTokenComparison() {
        XCTAssertTrue(token.matches(token.text))
        XCTAssertFalse(token.matches(String(token.text.dropLast()) + "H"))
        XCTAssertFalse(token.matches(""))
        XCTAssertFalse(APIToken(text: "").matches(""))
        XCTAssertNotEqual(APIToken.generate(), APIToken.generate())
        let generated = APIToken.generate().text
        XCTAssertEqual(generated.count, 43)
        XCTAssertEqual(Base64URL.decode(generated)?.count, 32)
        XCTAssertNil(Base64URL.decode(generated + "="))
    }
}
