import Foundation
import VFAPI
import XCTest

/// The page, its headers, the Host check, and reads off loopback.
final class SecurityTests: XCTestCase {
    func testThePageAndItsAssetsWithTheirHeaders() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        let page = try await node.client.get("/")
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("vf test page"))
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertEqual(page.headers["content-security-policy"], "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        XCTAssertEqual(page.headers["x-frame-options"], "DENY")
        XCTAssertEqual(page.headers["x-content-type-options"], "nosniff")
        XCTAssertNil(page.headers["access-control-allow-origin"])
        let script = try await node.client.get("/assets/app.js")
        XCTAssertEqual(script.status, 200)
        XCTAssertEqual(script.headers["content-type"], "text/javascript; charset=utf-8")
        for path in ["/../outside.txt", "/assets/%2e%2e/%2e%2e/outside.txt", "/assets/nothing.js", "/assets"] {
            let response = try await node.client.get(path)
            XCTAssertEqual(response.status, 404, "\(path): \(response.text)")
            XCTAssertFalse(response.text.contains("secret"))
        }
    }

    func testWithoutAWebRootTheAPIStillServesAndThePageSaysWhy() async throws {
        let node = try await APITestNode(webRoot: false)
        addTeardownBlock { await node.stop() }
        let page = try await node.client.get("/")
        XCTAssertEqual(page.status, 404)
        XCTAssertTrue(page.error.contains("web page"), page.text)
        let api = try await node.client.get("/api/node")
        XCTAssertEqual(api.status, 200)
    }

    func testOnLoopbackAForeignHostHeaderIsRefused() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        for host in ["rebind.attacker.example", "rebind.attacker.example:8650"] {
            let refused = try await node.client.get("/api/feeds", token: node.token.text, host: host)
            XCTAssertEqual(refused.status, 403, refused.text)
            XCTAssertTrue(refused.error.contains("Host"), refused.text)
            let page = try await node.client.get("/", host: host)
            XCTAssertEqual(page.status, 403)
        }
        let local = try await node.client.get("/api/feeds", host: "localhost:1234")
        XCTAssertEqual(local.status, 200, local.text)
    }

    func testTwoHostHeadersAreABadRequest() async throws {
        let node = try await APITestNode()
        addTeardownBlock { await node.stop() }
        for path in ["/api/feeds", "/"] {
            let twice = try await node.client.request("GET", path, headers: ["Host": "rebind.attacker.example"], host: "localhost")
            XCTAssertEqual(twice.status, 400, twice.text)
            XCTAssertTrue(twice.text.contains("2 Host headers"), twice.text)
        }
    }

    func testBeyondLoopbackReadsNeedTheToken() async throws {
        let node = try await APITestNode(loopbackOverride: false)
        addTeardownBlock { await node.stop() }
        let open = try await node.client.get("/api/feeds", host: "192.0.2.1:8650")
        XCTAssertEqual(open.status, 401, open.text)
        XCTAssertEqual(open.headers["www-authenticate"], "Bearer")
        let wrong = try await node.client.get("/api/feeds", token: "wrong")
        XCTAssertEqual(wrong.status, 401)
        let right = try await node.client.get("/api/feeds", token: node.token.text, host: "192.0.2.1:8650")
        XCTAssertEqual(right.status, 200, right.text)
        let page = try await node.client.get("/")
        XCTAssertEqual(page.status, 200, "the page itself holds no data")
        let stream = try await node.client.get("/api/stream")
        XCTAssertEqual(stream.status, 401)
    }
}
