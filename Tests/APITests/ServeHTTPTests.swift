import Foundation
import VFAPI
import VFTestSupport
import XCTest

/// `vf serve --http` as a user runs it: the URL in HOME/http, the built-in page, the API,
/// publishing with the printed token, and a clean stop on SIGTERM.
final class ServeHTTPTests: XCTestCase {
    func testServeRunsTheAPIAndTheBuiltInPage() async throws {
        let vf = try VFProcess.binary
        let home = NSTemporaryDirectory() + "vf-serve-http-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        let token = try VFProcess.run(["token", "--home", home]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: vf)
        process.arguments = ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan", "--http", "127.0.0.1:0"]
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var url = ""
        for _ in 0..<200 where url.isEmpty {
            url = (try? String(contentsOfFile: home + "/http", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if url.isEmpty { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let port = try XCTUnwrap(URL(string: url)?.port, "HOME/http holds \(url)")
        XCTAssertEqual(url, "http://127.0.0.1:\(port)/")
        let client = RawHTTPClient(port: port)

        let page = try await client.get("/")
        XCTAssertEqual(page.status, 200, "the Web resources are found beside the executable: \(page.text)")
        XCTAssertTrue(page.text.lowercased().contains("<html"), page.text)
        XCTAssertEqual(page.headers["content-security-policy"], "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        // The "Check a proof" page and the scripts it checks with, served beside the app.
        let proofPage = try await client.get("/proof.html")
        XCTAssertEqual(proofPage.status, 200, proofPage.text)
        XCTAssertEqual(proofPage.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(proofPage.text.contains("assets/proof-check.js"), proofPage.text)
        for script in ["blake2b", "base64", "json-profile", "lipmaa", "entry-codec", "ed25519", "proof-file", "proof-check", "proof-page"] {
            let file = try await client.get("/assets/\(script).js")
            XCTAssertEqual(file.status, 200, "/assets/\(script).js: \(file.text)")
            XCTAssertEqual(file.headers["content-type"], "text/javascript; charset=utf-8")
        }

        let node = try await client.get("/api/node")
        XCTAssertEqual(node.status, 200)
        let me = try XCTUnwrap(node.object["id"] as? String)
        XCTAssertTrue((node.object["peerAddress"] as? String)?.hasPrefix("net:127.0.0.1:") == true, node.text)

        let body = Array(#"{"payload": {"@type": "Note", "text": "through the API"}}"#.utf8)
        let refused = try await client.request("POST", "/api/entries", body: body)
        XCTAssertEqual(refused.status, 401)
        let published = try await client.request("POST", "/api/entries", headers: ["Authorization": "Bearer \(token)"], body: body)
        XCTAssertEqual(published.status, 201, published.text)
        let log = try VFProcess.run(["log", "--home", home, "--json"])
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?["author"] as? String, me)
        XCTAssertEqual(entries.first?["id"] as? String, published.object["id"] as? String)

        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        XCTAssertFalse(process.isRunning, "vf serve stops within 5 s of SIGTERM")
        XCTAssertEqual(process.terminationStatus, 0)
        let printed = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("\(url)#token=\(token)"), printed)
    }

    func testAnAddressThatCannotBeBoundStopsServeWithTheReason() throws {
        let home = NSTemporaryDirectory() + "vf-serve-http-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        let result = try VFProcess.run(["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan", "--http", "192.0.2.123:0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot serve HTTP on 192.0.2.123:0"), result.stderr)
        let conflicting = try VFProcess.run(["serve", "--home", home, "--no-http", "--web-root", "/tmp"])
        XCTAssertNotEqual(conflicting.status, 0)
    }
}
