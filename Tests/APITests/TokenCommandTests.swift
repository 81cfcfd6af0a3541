import Foundation
import VFAPI
import VFLog
import VFTestSupport
import XCTest

/// `vf init` creates the token, `vf token` prints it, and the file is mode 0600.
final class TokenCommandTests: XCTestCase {
    func testInitCreatesTheTokenAndTokenPrintsIt() throws {
        let home = NSTemporaryDirectory() + "vf-token-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        let initialised = try VFProcess.run(["init", "--home", home])
        XCTAssertEqual(initialised.status, 0, initialised.stderr)
        let path = home + "/token"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let stored = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Base64URL.decode(stored)?.count, 32)

        let printed = try VFProcess.run(["token", "--home", home])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertEqual(printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines), stored)
    }

    func testAnOlderHomeGetsATokenAndAnOpenTokenFileIsRefused() throws {
        let home = NSTemporaryDirectory() + "vf-token-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: home) }
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        try FileManager.default.removeItem(atPath: home + "/token")
        let first = try VFProcess.run(["token", "--home", home])
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try VFProcess.run(["token", "--home", home])
        XCTAssertEqual(second.stdout, first.stdout, "the token is made once and kept")
        chmod(home + "/token", 0o644)
        let refused = try VFProcess.run(["token", "--home", home])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("too open"), refused.stderr)
    }

    func testTokenNeedsAnInitialisedHome() throws {
        let home = NSTemporaryDirectory() + "vf-token-" + UUID().uuidString
        let result = try VFProcess.run(["token", "--home", home])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home), "a mistyped home is not created")
    }
}
